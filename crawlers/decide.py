"""What to do with a discovered entry: fetch it, fetch it again, or skip it (and why).

The order matters and is documented in docs/crawling.md: an entry dated before the horizon is
``too_old``; an article stored by an earlier run is ``already_fetched`` unless its
``<lastmod>``/``<updated>`` is newer than the stored copy (``refetch``); an entry published
after a backfill's last day is ``too_new`` (not recorded: a later run fetches it); an entry an
earlier run skipped by topic stays skipped (``skipped_before``); for a source with
``filter = "topic"``, an entry whose title and summary name no topic term is ``topic_filtered``.
"""

from __future__ import annotations

from datetime import datetime

from crawlers.discovery import Entry
from crawlers.seen import SeenIndex
from pipeline.core.config import Source, TopicProfile
from pipeline.core.topic import matched_terms

FETCH = "fetch"
REFETCH = "refetch"
ALREADY_FETCHED = "already_fetched"
SKIPPED_BEFORE = "skipped_before"
TOO_OLD = "too_old"
TOO_NEW = "too_new"
TOPIC_FILTERED = "topic_filtered"


def entry_on_topic(entry: Entry, source: Source, topic: TopicProfile) -> bool | None:
    """Whether the entry's title or summary names a topic term; None when it has neither
    (nothing to judge by: the article is fetched and the classifier decides)."""
    text = " ".join(t for t in (entry.title, entry.summary) if t)
    if not text:
        return None
    return bool(matched_terms(text, topic.terms_for(source.language)))


def decide(
    entry: Entry,
    canonical_url: str,
    source: Source,
    *,
    seen: SeenIndex,
    horizon: datetime | None,
    topic: TopicProfile | None,
    now: datetime | None = None,
    until: datetime | None = None,
) -> str:
    """The decision for one entry; ``now`` (naive UTC) discards a ``<lastmod>`` in the future,
    which a wrong server clock would otherwise turn into a refetch on every run; ``until``
    (naive UTC, exclusive) ends a backfill's window, judged by the entry's publication date."""
    newest = entry.newest
    if horizon is not None and newest is not None and newest < horizon:
        return TOO_OLD
    first = entry.published or entry.updated
    if until is not None and first is not None and first >= until:
        return TOO_NEW
    stored = seen.get(canonical_url)
    if stored is not None:
        if stored.skipped:
            return SKIPPED_BEFORE
        lastmod = entry.updated
        if lastmod is not None and now is not None and lastmod > now:
            lastmod = None
        return REFETCH if seen.is_stale(canonical_url, lastmod) else ALREADY_FETCHED
    if (
        source.filter == "topic"
        and topic is not None
        and entry_on_topic(entry, source, topic) is False
    ):
        return TOPIC_FILTERED
    return FETCH
