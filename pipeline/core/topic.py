"""Keyword relevance: the topic profile's pre-filter (and the baseline the classifier must beat).

A term counts once however often it appears. An article is on-topic when it mentions at least
``min_distinct_terms`` distinct terms, a term in the title counting ``title_weight`` times.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.core.config import TopicProfile


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first so that "refugee claimant" wins over "refugee"; word boundaries at both
    # ends, with an optional plural/inflection tail for single words (deport -> deported).
    alternatives = sorted(terms, key=len, reverse=True)
    body = "|".join(re.escape(t).replace(r"\ ", r"[\s\-]+") for t in alternatives)
    return re.compile(rf"(?<![\w])({body})\w{{0,3}}(?![\w])", re.IGNORECASE)


def matched_terms(text: str, terms: tuple[str, ...]) -> set[str]:
    """The distinct profile terms found in ``text`` (lower-cased, as written in the profile)."""
    if not text or not terms:
        return set()
    found = set()
    for match in _pattern(terms).finditer(text):
        found.add(re.sub(r"[\s\-]+", " ", match.group(1).lower()))
    return found


def topic_score(title: str | None, text: str, language: str | None, topic: TopicProfile) -> float:
    """Weighted count of distinct topic terms, divided by the threshold (>= 1.0 is on-topic)."""
    terms = topic.terms_for(language)
    in_title = matched_terms(title or "", terms)
    in_body = matched_terms(text, terms) - in_title
    weighted = topic.title_weight * len(in_title) + len(in_body)
    return weighted / topic.min_distinct_terms


def is_on_topic(title: str | None, text: str, language: str | None, topic: TopicProfile) -> bool:
    """Whether the article names enough topic terms to be relevant (a score of 1 or more)."""
    return topic_score(title, text, language, topic) >= 1.0
