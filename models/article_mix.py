"""Article stance learned from labelled articles: a small logistic model over what the article
says itself and the quotes it chooses to give space to.

Features of one article (``FEATURES``): the article-stance model's probabilities on headline +
text (or a uniform third each, with ``has_article`` 0, when no model covers it); the quotes'
stance probabilities averaged with weights by length (words, capped as ``quote_weight``); the
share of that quote weight each stance wins (argmax); whether there are quotes; log(1 + number of
quotes). A multinomial logistic regression (L2, L-BFGS) maps them to the three stances. It is
fitted on the training part of labelled articles with the served models' scores as features,
and chosen against the hand-set weighting on the validation part (``python -m
pipeline.evaluation.experiments article-mix``). Its probabilities are then temperature-scaled
on the validation part's articles (``calibrate_mix``): the raw mix's scores, pulled towards a
third each by the L2 penalty, understate how often it is right on new text (docs/models.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from models.artifacts import SHIPPED_DIR
from models.calibration import calibration_error, fit_temperature
from models.inputs import (
    compose_article_text,
    quote_input,
    quote_spans,
    quote_weight,
    without_quotes,
)
from pipeline.core.gold import GoldArticle, load_gold
from pipeline.core.records import STANCES, Quote

if TYPE_CHECKING:
    from models.classifier import TextClassifier
    from models.config import ModelsConfig

FEATURES = (
    *(f"article_{s}" for s in STANCES),
    "has_article",
    *(f"quotes_{s}" for s in STANCES),
    *(f"share_{s}" for s in STANCES),
    "has_quotes",
    "log_quotes",
)


def article_features(
    article_scores: dict[str, float] | None,
    quote_scores: Sequence[tuple[dict[str, float], float]],
) -> list[float]:
    """The feature vector of one article (order: ``FEATURES``)."""
    if article_scores is None:
        out = [1 / 3] * 3 + [0.0]
    else:
        out = [article_scores.get(s, 0.0) for s in STANCES] + [1.0]
    total = sum(w for _, w in quote_scores)
    if quote_scores and total > 0:
        mean = [sum(sc.get(s, 0.0) * w for sc, w in quote_scores) / total for s in STANCES]
        wins = [
            sum(w for sc, w in quote_scores if max(sc, key=lambda k: sc[k]) == s) / total
            for s in STANCES
        ]
        out += mean + wins + [1.0, math.log1p(len(quote_scores))]
    else:
        out += [0.0] * 6 + [0.0, 0.0]
    return out


@dataclass(frozen=True, slots=True)
class MixCalibration:
    """The temperature of a fitted mix and how well its scores matched outcomes on the held-out
    articles it was chosen on (expected calibration error, 15 bins, before and after)."""

    articles: int
    temperature: float
    ece_before: float | None
    ece_after: float | None


@dataclass(frozen=True, slots=True)
class ArticleMix:
    """Weights (one row per stance, in ``STANCES`` order) and biases of the fitted model, and
    the temperature its probabilities are divided by (``calibration``; 1.0 without one)."""

    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    version: str = ""  # ``article_mix-<hash10>`` (mix_version); recorded in model_version
    calibration: MixCalibration | None = None

    def logits(self, features: Sequence[Sequence[float]]) -> torch.Tensor:
        """The uncalibrated logits of a batch of feature vectors (rows in ``STANCES`` order)."""
        x = torch.tensor([list(f) for f in features], dtype=torch.float32)
        return x @ torch.tensor(self.weights).T + torch.tensor(self.bias)

    def scores(self, features: Sequence[float]) -> dict[str, float]:
        """The calibrated probability of each stance given the article's features."""
        temperature = self.calibration.temperature if self.calibration else 1.0
        probs = torch.softmax(self.logits([features])[0] / temperature, dim=-1).tolist()
        return dict(zip(STANCES, probs, strict=True))

    def save(self, path: Path) -> None:
        """Write the weights and the calibration to ``path`` as JSON."""
        data = {"features": list(FEATURES), "labels": list(STANCES),
                "weights": self.weights, "bias": self.bias,
                "calibration": dataclasses.asdict(self.calibration) if self.calibration
                else None}  # fmt: skip
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ArticleMix:
        """The model written by :meth:`save`; raises ValueError when it was written for other
        features or labels."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["features"] != list(FEATURES) or data["labels"] != list(STANCES):
            raise ValueError(f"{path}: written for other features or labels")
        calibration = data.get("calibration")
        return cls(
            tuple(tuple(r) for r in data["weights"]),
            tuple(data["bias"]),
            calibration=MixCalibration(**calibration) if calibration else None,
        )


def calibrate_mix(
    mix: ArticleMix, features: Sequence[Sequence[float]], labels: Sequence[str]
) -> ArticleMix:
    """``mix`` with the temperature that minimises the negative log-likelihood of held-out
    articles' ``labels`` (temperature scaling: the argmax, so every label, stays the same)."""
    logits = mix.logits(features) if features else torch.zeros((0, len(STANCES)))
    targets = torch.tensor([STANCES.index(label) for label in labels], dtype=torch.long)
    temperature = fit_temperature(logits, targets)
    calibration = MixCalibration(
        articles=len(labels),
        temperature=round(temperature, 4),
        ece_before=calibration_error(logits, targets, 1.0),
        ece_after=calibration_error(logits, targets, round(temperature, 4)),
    )
    return dataclasses.replace(mix, calibration=calibration)


def fit_mix(
    features: Sequence[Sequence[float]], labels: Sequence[str], l2: float = 0.01, seed: int = 13
) -> ArticleMix:
    """Multinomial logistic regression with an L2 penalty on the weights."""
    torch.manual_seed(seed)
    x = torch.tensor([list(f) for f in features], dtype=torch.float32)
    y = torch.tensor([STANCES.index(label) for label in labels])
    linear = torch.nn.Linear(x.shape[1], len(STANCES))
    torch.nn.init.zeros_(linear.weight)
    torch.nn.init.zeros_(linear.bias)
    optimizer = torch.optim.LBFGS(
        linear.parameters(), lr=1.0, max_iter=500, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(linear(x), y)
        loss = loss + l2 * linear.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    weights = tuple(tuple(float(v) for v in row) for row in linear.weight.detach())
    return ArticleMix(weights, tuple(float(v) for v in linear.bias.detach()))


# --- fitting on labelled articles, cached like the classifiers --------------------------------

MIX_VERSION = "2"  # bump when the features or the fit change (2: temperature scaling)
MIX_FILE = "mix.json"


def served_inputs(
    gold: Sequence[GoldArticle], stance: TextClassifier, article: TextClassifier | None
) -> list[tuple[dict[str, float] | None, list[tuple[dict[str, float], float]]]]:
    """The served article scores and (quote scores, quote weight) pairs of gold articles: the
    inputs ``article_features`` reads (quotes are the gold spans)."""
    texts = [
        compose_article_text(
            g.title,
            without_quotes(g.text, quote_spans(g.text, [q.text for q in g.quotes]))
            if article is not None and article.author_text
            else g.text,
        )
        for g in gold
    ]
    langs = [g.language for g in gold]
    art = article.predict(texts, langs) if article is not None else [None] * len(gold)
    flat = [(i, q.text) for i, g in enumerate(gold) for q in g.quotes]
    inputs = [
        quote_input(q.text, g.text, q.start, q.end, stance.quote_context)
        for g in gold
        for q in g.quotes
    ]
    preds = stance.predict(inputs, [langs[i] for i, _ in flat])
    quotes: list[list[tuple[dict[str, float], float]]] = [[] for _ in gold]
    for (i, text), p in zip(flat, preds, strict=True):
        if p is not None:
            quotes[i].append((p.scores, quote_weight(Quote("", 0, text, "direct", None))))
    return [(a.scores if a else None, q) for a, q in zip(art, quotes, strict=True)]


def mix_version(
    config: ModelsConfig, stance: TextClassifier, article: TextClassifier | None
) -> str:
    """``article_mix-<hash10>`` over the models it reads, its data and its settings."""
    digest = hashlib.sha256()
    parts = [
        MIX_VERSION,
        stance.version,
        article.version if article else "-",
        str(config.article.l2),
    ]
    digest.update("\n".join([*parts, *FEATURES]).encode())
    for path in config.article.data:
        digest.update(hashlib.sha256(path.read_bytes()).hexdigest().encode())
    return f"article_mix-{digest.hexdigest()[:10]}"


def load_article_mix(
    config: ModelsConfig, stance: TextClassifier, article: TextClassifier | None
) -> ArticleMix | None:
    """The learned article model when ``[article] method = "learned"`` (None otherwise): the
    shipped or cached one for these models and data, else fitted now on the data's train part."""
    if config.article.method != "learned":
        return None
    version = mix_version(config, stance, article)
    for folder in (SHIPPED_DIR / version, config.cache_dir / version):
        if (folder / MIX_FILE).exists():
            return dataclasses.replace(ArticleMix.load(folder / MIX_FILE), version=version)
    gold = _labelled(config, "train")
    if not gold:
        raise ValueError(f"[article] data {config.article.data}: no relevant train articles")
    inputs = served_inputs(gold, stance, article)
    mix = fit_mix(
        [article_features(a, q) for a, q in inputs], [g.stance for g in gold], config.article.l2
    )
    held = _labelled(config, "validation")
    if held:
        mix = calibrate_mix(
            mix,
            [article_features(a, q) for a, q in served_inputs(held, stance, article)],
            [g.stance or "" for g in held],  # _labelled keeps labelled articles only
        )
    folder = config.cache_dir / version
    folder.mkdir(parents=True, exist_ok=True)
    mix.save(folder / MIX_FILE)
    return dataclasses.replace(mix, version=version)


def _labelled(config: ModelsConfig, split: str) -> list[GoldArticle]:
    """The relevant articles with a stance label in ``split`` of the mix's data files."""
    return [
        g
        for path in config.article.data
        for g in load_gold(path)
        if g.split == split and g.relevant and g.stance is not None
    ]
