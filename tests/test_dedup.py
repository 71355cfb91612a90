"""Duplicate detection: exact and near copies across outlets and runs, first-seen wins."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pipeline.core.records import AnnotatedArticle, Article
from pipeline.dedup import THRESHOLD, jaccard, mark_duplicates, measure_on_demo, sign
from pipeline.store.load import connect, load_annotated

WIRE = (
    "OTTAWA — Lawyers for a group of women turned back to the United States under the Safe "
    "Third Country Agreement asked the Federal Court on Thursday to strike down the pact, "
    "arguing it exposes women fleeing gender-based violence to a system that offers them less "
    "protection. The case is the latest round in a legal fight that reached the Supreme Court "
    "in 2023. The top court upheld the agreement but sent the question of whether it "
    "discriminates against women back to the Federal Court. Government lawyers said the "
    "United States remains a safe country for refugee claimants and that the agreement "
    "includes exceptions for family members and unaccompanied minors. A ruling is expected "
    "early next year, and both sides have said they would consider an appeal. Advocates who "
    "work with claimants in Toronto and Montreal said the outcome would shape how officers "
    "at land crossings treat women arriving with children through the winter months."
)
# The same wire story, republished: new dateline, one sentence cut, one local line added.
WIRE_EDITED = (
    WIRE.replace("OTTAWA —", "WINNIPEG (Wire) —").replace(
        " A ruling is expected early next year, and both sides have said they would consider "
        "an appeal.",
        "",
    )
    + " Manitoba groups said they would follow the hearing closely."
)
OTHER = (
    "Border officers in Emerson reported fewer irregular crossings this autumn than last "
    "year, a drop the RCMP attributes to enforcement on the American side and to the cold. "
    "Shelters in Winnipeg said they still house dozens of asylum seekers who arrived in the "
    "summer and wait for hearings before the Immigration and Refugee Board, where the "
    "backlog has grown to more than four years. Municipal leaders asked Ottawa to cover the "
    "cost of emergency housing, saying the town cannot absorb it alone, and a refugee "
    "claimant from Ghana described walking through a field at night with her two children."
)


def article(article_id: str, outlet: str, text: str, fetched: datetime) -> AnnotatedArticle:
    return AnnotatedArticle(
        Article(
            article_id=article_id,
            url=f"https://{outlet}.example/{article_id}",
            canonical_url=f"https://{outlet}.example/{article_id}",
            outlet=outlet,
            domain=f"{outlet}.example",
            title=article_id,
            authors=[],
            published_at=None,
            fetched_at=fetched,
            language="en",
            text=text,
            word_count=len(text.split()),
            warc_file=f"run-{fetched:%H%M}.warc.gz",
        )
    )


T0 = datetime(2026, 10, 1, 12, 0)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "dedup.duckdb"


def load(db: Path, *items: AnnotatedArticle):
    with connect(db) as con:
        load_annotated(con, list(items))
        stats = mark_duplicates(con)
        links = dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall())
    return stats, links


def test_wire_copy_scores_above_threshold_and_other_story_below() -> None:
    assert jaccard(WIRE, WIRE_EDITED) >= THRESHOLD
    assert jaccard(WIRE, OTHER) < 0.1
    assert sign(WIRE).similarity(sign(WIRE_EDITED).hashvalues) >= THRESHOLD


def test_exact_and_near_copies_point_to_the_first_seen(db: Path) -> None:
    stats, links = load(
        db,
        article("ledger-wire", "ledger", WIRE, T0),
        article("post-wire", "post", WIRE_EDITED, T0 + timedelta(minutes=5)),
        article("tribune-wire", "tribune", WIRE, T0 + timedelta(minutes=9)),
        article("ledger-other", "ledger", OTHER, T0 + timedelta(minutes=1)),
    )
    assert links == {
        "ledger-wire": None,
        "post-wire": "ledger-wire",
        "tribune-wire": "ledger-wire",
        "ledger-other": None,
    }
    assert (stats.exact, stats.near) == (1, 1)


def test_across_runs_and_never_a_copy_of_a_copy(db: Path) -> None:
    load(db, article("a", "ledger", WIRE, T0))
    load(db, article("b", "post", WIRE_EDITED, T0 + timedelta(hours=1)))
    # c is closer to b than to a, but points to the first-seen copy of the story
    c_text = WIRE_EDITED + " The hearing continues on Friday."
    stats, links = load(db, article("c", "tribune", c_text, T0 + timedelta(hours=2)))
    assert links == {"a": None, "b": "a", "c": "a"}
    assert stats.signed == 1  # earlier articles are not signed again


def test_unique_stories_view_counts_each_story_once(db: Path) -> None:
    load(
        db,
        article("a", "ledger", WIRE, T0),
        article("b", "post", WIRE_EDITED, T0 + timedelta(minutes=1)),
        article("o", "post", OTHER, T0 + timedelta(minutes=2)),
    )
    with connect(db) as con:
        rows = con.execute(
            "SELECT story_id, copies, outlets FROM unique_stories ORDER BY story_id"
        ).fetchall()
    assert rows == [("a", 2, 2), ("o", 1, 1)]


def test_reloading_an_article_keeps_its_link(db: Path) -> None:
    load(db, article("a", "ledger", WIRE, T0), article("b", "post", WIRE, T0 + timedelta(1)))
    # reprocessing the WARC reloads b with duplicate_of NULL
    stats, links = load(db, article("b", "post", WIRE, T0 + timedelta(1)))
    assert links["b"] == "a" and stats.signed == 0


def test_changed_text_is_signed_again(db: Path) -> None:
    load(db, article("a", "ledger", WIRE, T0), article("b", "post", WIRE, T0 + timedelta(1)))
    stats, links = load(db, article("b", "post", OTHER, T0 + timedelta(2)))  # newer version
    assert links["b"] is None and stats.signed == 1


def test_threshold_separates_the_demo_sites_syndicated_story() -> None:
    measured = measure_on_demo()
    assert measured["syndicated"], "the demo site has a syndicated wire story"
    lowest_copy = min(min(p[2], p[3]) for p in measured["syndicated"])
    highest_distinct = max(max(p[2], p[3]) for p in measured["distinct"])
    assert lowest_copy >= THRESHOLD > highest_distinct
    assert len(measured["distinct"]) > 500  # every pair of on-topic stories, per language
