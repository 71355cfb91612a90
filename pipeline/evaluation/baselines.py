"""Baselines the trained classifiers are measured against, on the same gold data.

* ``MajorityBaseline``: the most frequent label of the team's *training* split, everywhere.
* ``LexiconBaseline``: keyword counts (``models.lexicon``), English and French.
* ``SimilarityBaseline``: untrained; the label whose codebook description is closest (cosine of
  mean-pooled encoder vectors) to the text. Same encoder and language limits as the model.

Each predicts quote stance, relevance and article stance from plain texts and languages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import torch

from models.config import ModelsConfig, resolve_base_model
from models.encoder import pick_device, shared_encoder
from models.lexicon import lexicon_relevance, lexicon_stance
from models.training.data import load_examples

# Label descriptions paraphrase ../shared/codebook.md sections 3 and 4.
STANCE_DESCRIPTIONS: dict[str, str] = {
    "restrictive": (
        "Supports limiting access to asylum: tighter rules, new ineligibilities, faster "
        "removals and deportations, more border enforcement; frames asylum claimants as abuse, "
        "a burden or a threat."
    ),
    "protective": (
        "Supports asylum seekers' access to protection and their rights: criticises "
        "restrictions, removals or enforcement; stresses danger, persecution or humanitarian "
        "need."
    ),
    "neutral": (
        "A factual, procedural or balanced statement with no evaluative position on access to "
        "asylum."
    ),
}
RELEVANCE_DESCRIPTIONS: dict[str, str] = {
    "relevant": (
        "A news story mainly about asylum, refugee claims, irregular or cross-border migration, "
        "deportation, or border enforcement affecting migrants."
    ),
    "not_relevant": (
        "A news story about sports, business, the economy, weather, crime, entertainment or "
        "local politics, not about asylum or migration."
    ),
}


class MajorityBaseline:
    """Predicts every text the most frequent label of its task's training data."""

    name = "majority class"

    def __init__(self, config: ModelsConfig) -> None:
        self.quote_label = _majority(config, "stance")
        self.article_label = _majority(config, "article_stance")
        self.relevant = _majority(config, "relevance") == "relevant"

    def quotes(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The majority quote stance for every text."""
        return [self.quote_label] * len(texts)

    def relevance(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[bool | None]:
        """The majority relevance for every text."""
        return [self.relevant] * len(texts)

    def articles(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The majority article stance for every text."""
        return [self.article_label] * len(texts)


class LexiconBaseline:
    """Predicts stance and relevance from the keyword lexicons."""

    name = "keyword lexicon"

    def quotes(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The lexicon's stance for each text (None for a language without a lexicon)."""
        return [lexicon_stance(t, lang) for t, lang in zip(texts, languages, strict=True)]

    def relevance(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[bool | None]:
        """The lexicon's relevance for each text."""
        return [lexicon_relevance(t, lang) for t, lang in zip(texts, languages, strict=True)]

    def articles(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The lexicon's stance for each article text."""
        return self.quotes(texts, languages)


class SimilarityBaseline:
    """Predicts the label of the nearest training example by embedding similarity, without
    training."""

    name = "embedding similarity (untrained)"

    def __init__(self, config: ModelsConfig, task: str = "stance") -> None:
        settings = config.task(task)
        self.languages = settings.languages
        self.max_length = settings.max_length
        self.encoder = shared_encoder(
            resolve_base_model(settings.base_model), pick_device(config.serving.device)
        )
        self._stance = self._describe(STANCE_DESCRIPTIONS)
        self._relevance = self._describe(RELEVANCE_DESCRIPTIONS)

    def _describe(self, descriptions: dict[str, str]) -> tuple[list[str], torch.Tensor]:
        vectors = self.encoder.embed(list(descriptions.values()), 256)
        return list(descriptions), torch.nn.functional.normalize(vectors, dim=-1)

    def _nearest(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        labels: tuple[list[str], torch.Tensor],
        max_length: int,
    ) -> list[str | None]:
        names, matrix = labels
        keep = [i for i, lang in enumerate(languages) if lang is None or lang in self.languages]
        out: list[str | None] = [None] * len(texts)
        if keep:
            vectors = self.encoder.embed([texts[i] for i in keep], max_length)
            sims = torch.nn.functional.normalize(vectors, dim=-1) @ matrix.T
            for i, best in zip(keep, sims.argmax(dim=-1).tolist(), strict=True):
                out[i] = names[best]
        return out

    def quotes(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The stance of each text's nearest training quote."""
        return self._nearest(texts, languages, self._stance, self.max_length)

    def relevance(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[bool | None]:
        """Whether each text's nearest relevance example is relevant."""
        labels = self._nearest(texts, languages, self._relevance, 256)
        return [None if x is None else x == "relevant" for x in labels]

    def articles(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
        """The stance of each article text's nearest training example."""
        return self._nearest(texts, languages, self._stance, 256)


def _majority(config: ModelsConfig, task: str) -> str:
    examples = [e for e in load_examples(config.task(task)) if e.split == "train"]
    return Counter(e.label for e in examples).most_common(1)[0][0]
