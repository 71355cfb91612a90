"""A small database with known content for the report and view tests (loaded through the
pipeline's own loader, so the rows look like the pipeline's)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.core.records import AnnotatedArticle, Article, Quote
from pipeline.store.load import connect, load_annotated

# 2025-W25 runs from Monday 2025-06-16 to Sunday 2025-06-22.
WEEK = "2025-W25"

INJECTIONS = [
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\tTabbed headline",
    "\rCarriage return",
]


def _article(
    n: int,
    outlet: str,
    published: datetime | None,
    *,
    title: str | None = None,
    relevant: bool = True,
    stance: str | None = "neutral",
    duplicate_of: str | None = None,
) -> Article:
    url = f"https://{outlet.lower().replace(' ', '-')}.example/news/{n}"
    return Article(
        article_id=f"art{n:03d}",
        url=url,
        canonical_url=url,
        outlet=outlet,
        domain=url.split("/")[2],
        title=title if title is not None else f"Story {n}, with a comma",
        authors=["A. Reporter"],
        published_at=published,
        fetched_at=datetime(2025, 6, 23, 8, 0),
        language="en",
        text=f"Body of story {n}.",
        word_count=4,
        is_relevant=relevant,
        relevance_score=0.9 if relevant else 0.1,
        duplicate_of=duplicate_of,
        stance=stance,
        stance_score=0.75 if stance else None,
    )


def _quote(article_id: str, i: int, speaker: str | None, role: str | None, **kw) -> Quote:
    text = kw.pop("text", f'Quote {i} of {article_id}, "quoted" on\ntwo lines')
    return Quote(
        article_id=article_id,
        quote_index=i,
        text=text,
        quote_type=kw.pop("quote_type", "direct"),
        speaker=speaker,
        speaker_role=role,
        speaker_org=kw.pop("org", None),
        stance=kw.pop("stance", "protective"),
        char_start=0,
        char_end=len(text),
    )


def build_db(path: Path) -> Path:
    """Outlets A and B over weeks 2025-W23..W26; W25 holds the interesting cases."""
    items: list[AnnotatedArticle] = []
    w25 = datetime(2025, 6, 17, 10, 0)
    # week 25, outlet A: 3 relevant (one a copy of another), 1 off topic
    a1 = _article(1, "Outlet A", w25, stance="restrictive", title=INJECTIONS[0])
    a2 = _article(2, "Outlet A", datetime(2025, 6, 22, 23, 30), stance="protective")
    a3 = _article(3, "Outlet A", datetime(2025, 6, 18), stance=None, duplicate_of="art001")
    a4 = _article(4, "Outlet A", w25, relevant=False, stance=None, title="Hockey")
    # week 25, outlet B: 2 relevant, one with no publication date fetched in W26 (not W25)
    b1 = _article(5, "Outlet B", datetime(2025, 6, 16, 0, 0), stance="protective")
    b2 = _article(6, "Outlet B", None, stance="neutral")  # fetched 2025-06-23: W26
    # other weeks
    older = [
        _article(10 + i, "Outlet A" if i % 2 else "Outlet B", datetime(2025, 6, 4 + i, 9))
        for i in range(4)
    ]
    items += [
        AnnotatedArticle(
            a1,
            [
                _quote("art001", 0, "Jane Minister", "official", org="IRCC", stance="restrictive"),
                _quote("art001", 1, "Jane Minister", "official", org="IRCC", text=INJECTIONS[1]),
                _quote("art001", 2, "Sam Lawyer", "legal", text=INJECTIONS[4]),
            ],
        ),
        AnnotatedArticle(
            a2,
            [
                _quote("art002", 0, "Jane Minister", "politician", org="IRCC", text=INJECTIONS[3]),
                _quote("art002", 1, None, "unknown", quote_type="indirect", stance=None),
            ],
        ),
        AnnotatedArticle(a3, [_quote("art003", 0, "Sam Lawyer", "legal", text=INJECTIONS[2])]),
        AnnotatedArticle(a4, [_quote("art004", 0, "Coach", "other")]),
        AnnotatedArticle(b1, [_quote("art005", 0, "Ana Advocate", "advocacy", org="CCR")]),
        AnnotatedArticle(b2, [_quote("art006", 0, "Jane Minister", "official")]),
        *[AnnotatedArticle(a, [_quote(a.article_id, 0, "Old Speaker", "academic")]) for a in older],
    ]
    with connect(path) as con:
        load_annotated(con, items)
    return path
