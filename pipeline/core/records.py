"""Records passed between pipeline stages.

Data flows one way: crawl -> archive (WARC) -> extract -> annotate -> load -> query/report.
Each stage takes and returns these plain dataclasses; the loader turns lists of them into
Arrow tables. Field names match the DuckDB columns documented in ``docs/schema.md``.
Labels (``quote_type``, ``speaker_role``, ``stance``) are the codebook's, verbatim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# Codebook labels (../shared/codebook.md). Database values use these strings verbatim.
QUOTE_TYPES: tuple[str, ...] = ("direct", "indirect")
SPEAKER_ROLES: tuple[str, ...] = (
    "official",
    "enforcement",
    "politician",
    "legal",
    "advocacy",
    "international",
    "academic",
    "affected",
    "other",
    "unknown",
)
STANCES: tuple[str, ...] = ("restrictive", "protective", "neutral")
# What kind of speaker the article names (not a codebook label; docs/schema.md): a named
# person, a named organisation, a generic group ("critics", "lawyers") or an unnamed person or
# body described by the article ("a spokesperson", "the department").
SPEAKER_KINDS: tuple[str, ...] = ("person", "organisation", "group", "description")
NAMED_SPEAKER_KINDS: tuple[str, ...] = ("person", "organisation")


# ``Fetch.error`` codes (the full list: crawlers/faults.py) that other stages act on.
# Decisions made before fetching, not failures: the crawler chose not to fetch.
SKIPPED = frozenset({"topic_filtered", "too_old"})
# A request robots.txt forbids.
ROBOTS_TXT = "robots_txt"
# Failures that may go away by themselves: the next run tries these URLs again.
TRANSIENT = frozenset(
    {
        "timeout",
        "connection_refused",
        "connection_lost",
        "dns_error",
        "retry_after",
        "http_408",
        "http_429",
        "http_500",
        "http_502",
        "http_503",
        "http_504",
        "http_522",
        "http_524",
    }
)


@dataclass(slots=True)
class Fetch:
    """One HTTP request made by a crawl, successful or not (a row of ``fetches``)."""

    run_id: str
    url: str
    source: str
    kind: str  # "article", "feed", "sitemap", "section", "robots"
    status: int | None  # HTTP status; None when no response came back
    bytes: int
    fetched_at: datetime
    error: str | None = None  # reason when the fetch failed or was discarded
    content_type: str | None = None
    warc_file: str | None = None


@dataclass(slots=True)
class CrawlRun:
    """Summary of one crawl (a row of ``crawl_runs``)."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None
    sources: list[str]
    warc_file: str
    requests: int = 0
    responses: int = 0
    errors: int = 0
    status: str = "running"  # "running", "finished", "failed"


@dataclass(frozen=True, slots=True)
class SeenRow:
    """An article URL earlier runs settled, as the parent process hands it to a crawl job (a
    line of the job's seen file: crawlers/seen.py)."""

    canonical_url: str
    fetched_at: datetime  # naive UTC
    etag: str | None = None
    last_modified: str | None = None
    skipped: bool = False  # an earlier run chose not to fetch it (topic): never fetched


@dataclass(slots=True)
class SourceCounts:
    """What crawling did for one source: a row of the end-of-crawl table and of a monitor
    run's summary, built by :func:`pipeline.core.counts.build_report`. URLs are counted once,
    by their final outcome (a 503 retried into a 200 counts as the 200)."""

    source: str
    discovered: int | None = None  # unique article URLs found (None: no crawl stats)
    already_fetched: int | None = None  # ... of which earlier runs had fetched or skipped
    fetched: int = 0  # article URLs whose final answer was a 2xx or a 304
    new: int | None = None  # articles first stored from the run's WARC (None: not processed)
    duplicates: int | None = None  # ... of which copies of a story stored before
    topic_filtered: int = 0
    too_old: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # reason -> URLs (any kind)

    @property
    def failed_total(self) -> int:
        """URLs whose final outcome was a failure, robots.txt refusals included."""
        return sum(self.failed.values())

    @property
    def robots_blocked(self) -> int:
        """URLs robots.txt forbids."""
        return self.failed.get(ROBOTS_TXT, 0)

    @property
    def failed_besides_robots(self) -> int:
        """Failures other than robots.txt refusals (the monitor summary counts those apart)."""
        return self.failed_total - self.robots_blocked

    @property
    def skipped(self) -> int:
        """Entries the crawler chose not to fetch: off topic or too old."""
        return self.topic_filtered + self.too_old


@dataclass(slots=True)
class ArchivedResponse:
    """An HTTP response read back from a WARC file, with the crawler's annotations."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    source: str | None
    kind: str | None
    warc_file: str
    record_offset: int


@dataclass(slots=True)
class Article:
    """An extracted news article (a row of ``articles``)."""

    article_id: str  # stable: hash of the canonical URL
    url: str
    canonical_url: str
    outlet: str
    domain: str
    title: str | None
    authors: list[str]
    published_at: datetime | None  # UTC, naive
    fetched_at: datetime  # UTC, naive
    language: str | None
    text: str
    word_count: int
    warc_file: str | None = None
    is_relevant: bool | None = None
    relevance_score: float | None = None
    duplicate_of: str | None = None
    stance: str | None = None
    stance_score: float | None = None
    model_version: str | None = None
    # Why stance is NULL when it is (e.g. "language fr not supported by model"), else None.
    stance_note: str | None = None


@dataclass(slots=True)
class Quote:
    """A quote attributed to a speaker (a row of ``quotes``).

    ``char_start``/``char_end`` index ``Article.text``: ``text == article.text[start:end]``.
    """

    article_id: str
    quote_index: int
    text: str
    quote_type: str  # one of QUOTE_TYPES
    speaker: str | None
    speaker_role: str | None = None  # one of SPEAKER_ROLES
    speaker_org: str | None = None
    speaker_role_score: float | None = None
    stance: str | None = None  # one of STANCES
    stance_score: float | None = None
    char_start: int = 0
    char_end: int = 0
    model_version: str | None = None
    speaker_kind: str | None = None  # one of SPEAKER_KINDS; None when no speaker


@dataclass(slots=True)
class AnnotatedArticle:
    """An article with its quotes, as the annotate stage hands it to the loader."""

    article: Article
    quotes: list[Quote] = field(default_factory=list)
