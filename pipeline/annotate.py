"""The annotate stage: quotes, speaker roles, relevance and stance for a batch of articles.

An :class:`Annotator` is built once per process (it holds the loaded classifiers, trained on
first use and cached) and applied to batches of extracted articles:

1. quotes and speakers (:meth:`pipeline.quotes.QuoteStage.analyse_many`): each language's
   articles of the batch parsed together, with the results of one call per article;
2. speaker roles for the whole batch in one classifier call
   (:func:`pipeline.quotes.roles.assign_roles`: organisation table + role classifier);
3. quote stance, relevance and article stance for the whole batch
   (:func:`models.stance.annotate_stance`).

Without classifiers (``--no-models``) relevance comes from the topic profile's keywords,
roles from the organisation table and title rules, and stance stays NULL. An article whose
annotation fails is still loaded, with what could be filled and the reason logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.config import TopicProfile, load_topic
from pipeline.core.records import AnnotatedArticle, Article, Quote
from pipeline.core.topic import is_on_topic, topic_score

if TYPE_CHECKING:
    from models.article_mix import ArticleMix
    from models.classifier import TextClassifier
    from models.config import ArticleConfig
    from pipeline.quotes import Attributed, QuoteStage
    from pipeline.quotes.roles import SpeakerMention

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Classifiers:
    """The loaded transformer classifiers (one load per process)."""

    stance: TextClassifier
    relevance: TextClassifier
    article_stance: TextClassifier | None
    role: TextClassifier | None
    weighting: ArticleConfig | None = None  # article stance decision (models.toml [article])
    article_mix: ArticleMix | None = None  # the learned article model ([article] "learned")

    @classmethod
    def load(cls, config_path: Path | None = None, progress: bool = True) -> Classifiers:
        """Load (training first where no cached model matches the data) every classifier."""
        from models.article_mix import load_article_mix
        from models.classifier import TextClassifier
        from models.config import load_model_config
        from models.stance import load_annotators

        config = load_model_config(config_path)
        stance, relevance, article = load_annotators(config, progress=progress)
        role = None
        if "role" in config.tasks:
            role = TextClassifier.load("role", config, progress=progress)
        mix = load_article_mix(config, stance, article)
        return cls(stance, relevance, article, role, config.article, mix)


class Annotator:
    """The annotate stage: quotes and their speakers, keyword relevance, speaker roles and,
    with classifiers, stance; one instance serves a whole run."""

    def __init__(
        self,
        topic: TopicProfile,
        classifiers: Classifiers | None = None,
        *,
        quotes: bool = True,
        organisations: Path | None = None,
    ):
        self.topic = topic
        self.classifiers = classifiers
        self.quotes = quotes
        self.organisations = organisations  # the quote stage's table; None: the default
        self._stage: QuoteStage | None = None  # loaded on the first article with quotes

    def annotate(self, articles: Sequence[Article]) -> list[AnnotatedArticle]:
        """Annotate a batch: each article with its quotes, in order, relevance and stance set
        on the article. A failure of the quote, role or stance step is logged and leaves that
        step's fields empty."""
        found = self._quotes_many(articles)
        batch = [
            AnnotatedArticle(article, [a.quote for a in attributed])
            for article, attributed in zip(articles, found, strict=True)
        ]
        self._keyword_relevance(batch)
        if self.quotes:
            self._roles([(a.quote, a.mention) for attributed in found for a in attributed])
        if self.classifiers is not None:
            self._stance(batch)
        return batch

    # --- steps ------------------------------------------------------------------------------

    def _quote_stage(self) -> QuoteStage:
        """The quote stage, loaded on first use (a stage that cannot load raises)."""
        from pipeline.quotes import QuoteStage

        if self._stage is None:
            self._stage = QuoteStage.load(self.organisations)
        return self._stage

    def _quotes_many(self, articles: Sequence[Article]) -> list[list[Attributed]]:
        """The quotes of each article, in order, the batch parsed together. Should the batch
        fail, each article is tried alone, so that one odd article loses only its own quotes."""
        if not self.quotes:
            return [[] for _ in articles]
        stage = self._quote_stage()
        try:
            return stage.analyse_many([(a.text, a.language, a.article_id) for a in articles])
        except Exception:  # noqa: BLE001 - one odd article must not stop the run
            log.exception("quote extraction failed for a batch of %d articles", len(articles))
            return [self._quotes(article) for article in articles]

    def _quotes(self, article: Article) -> list[Attributed]:
        """The quotes of one article; none when extraction fails (logged)."""
        if not self.quotes:
            return []
        stage = self._quote_stage()
        try:
            return stage.analyse(article.text, article.language, article.article_id)
        except Exception:  # noqa: BLE001 - one odd article must not stop the run
            log.exception("%s: quote extraction failed; stored without quotes", article.url)
            return []

    def _keyword_relevance(self, batch: list[AnnotatedArticle]) -> None:
        """The topic profile's verdict: final without classifiers, else overwritten."""
        for item in batch:
            article = item.article
            score = topic_score(article.title, article.text, article.language, self.topic)
            article.relevance_score = round(min(score, 10.0) / 10.0, 4)
            article.is_relevant = is_on_topic(
                article.title, article.text, article.language, self.topic
            )

    def _roles(self, pairs: list[tuple[Quote, SpeakerMention]]) -> None:
        from pipeline.quotes.roles import assign_roles

        role_clf = self.classifiers.role if self.classifiers else None
        try:
            assign_roles(pairs, role_clf)
        except Exception:  # noqa: BLE001
            log.exception("speaker roles failed for a batch of %d quotes", len(pairs))

    def _stance(self, batch: list[AnnotatedArticle]) -> None:
        from models.stance import annotate_stance

        clf = self.classifiers
        assert clf is not None
        try:
            annotate_stance(
                batch,
                clf.stance,
                clf.relevance,
                clf.article_stance,
                clf.weighting,
                clf.article_mix,
            )
        except Exception:  # noqa: BLE001
            log.exception(
                "stance classification failed for a batch of %d articles; stance left NULL",
                len(batch),
            )
            for item in batch:
                item.article.stance_note = "stance classification failed (see log)"


def build_annotator(
    topic_path: Path,
    use_models: bool = True,
    *,
    organisations: Path | None = None,
    progress: bool = False,
    announce: Callable[[str], object] | None = None,
) -> Annotator:
    """The annotate stage, built once per run (the CLI's commands and the Prefect flows alike):
    it holds the loaded classifiers, trained on first use and cached. Without models: keyword
    relevance, rule-based roles, no stance. ``organisations`` is the quote stage's
    organisation table (the ``organisations`` setting; None: ``data/organisations.toml``).
    ``announce`` is told before classifiers load."""
    topic = load_topic(topic_path)
    if not use_models:
        return Annotator(topic, organisations=organisations)
    if announce is not None:
        announce("loading classifiers (the first run trains them: a few minutes)...")
    return Annotator(topic, Classifiers.load(progress=progress), organisations=organisations)
