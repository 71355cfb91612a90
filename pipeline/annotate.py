"""The annotate stage: relevance, quotes, speaker roles and stance for a batch of articles.

An :class:`Annotator` is built once per process (it holds the loaded models) and applied to
batches of extracted articles. Each component is optional so that a stage can run without the
models (e.g. ``--no-models``); what a component does not fill stays NULL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pipeline.config import TopicProfile
from pipeline.records import AnnotatedArticle, Article
from pipeline.topic import is_on_topic, topic_score

log = logging.getLogger(__name__)


class Annotator:
    def __init__(self, topic: TopicProfile):
        self.topic = topic

    def annotate(self, articles: Sequence[Article]) -> list[AnnotatedArticle]:
        annotated = []
        for article in articles:
            score = topic_score(article.title, article.text, article.language, self.topic)
            article.relevance_score = round(min(score, 10.0) / 10.0, 4)
            article.is_relevant = is_on_topic(
                article.title, article.text, article.language, self.topic
            )
            annotated.append(AnnotatedArticle(article=article))
        return annotated
