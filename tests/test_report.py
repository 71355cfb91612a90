"""The weekly report: CSV values checked against SQL over the same database, spreadsheet
safety (BOM, RFC 4180, formula injection), an empty week, the HTML page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_report_fixtures import INJECTIONS, WEEK, build_db

from flows.reports.build import FILES, build_report
from flows.reports.csv_files import cell, neutralise
from flows.reports.data import COLUMNS
from flows.reports.week import IsoWeek, WeekError, last_week


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("report")
    db = build_db(root / "aw.duckdb")
    result = build_report(db, IsoWeek.parse(WEEK), root / "out")
    return {"db": db, "out": Path(result.out_dir), "result": result}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 byte-order mark"
    text = raw[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, r, strict=True)) for r in body]


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


MONDAY, NEXT_MONDAY = date(2025, 6, 16), date(2025, 6, 23)
IN_WEEK = (
    "coalesce(a.published_at, a.fetched_at) >= ? AND coalesce(a.published_at, a.fetched_at) < ?"
)


def test_every_file_is_written_with_its_documented_columns(report) -> None:
    for name in FILES:
        assert (report["out"] / name).is_file(), name
    assert not list(report["out"].glob(".partial-*"))
    for name, columns in COLUMNS.items():
        header, _ = read_csv(report["out"] / name)
        assert header == [c for c, _ in columns], name


def test_articles_csv_matches_sql(report) -> None:
    _, rows = read_csv(report["out"] / "articles.csv")
    expected = sql(
        report["db"],
        f"""
        SELECT a.title, a.canonical_url, a.stance, a.stance_score,
               (SELECT count(*) FROM quotes q WHERE q.article_id = a.article_id),
               (SELECT o.canonical_url FROM articles o WHERE o.article_id = a.duplicate_of),
               CAST(coalesce(a.published_at, a.fetched_at) AS DATE)
        FROM articles a WHERE a.is_relevant AND {IN_WEEK}
        """,
        [MONDAY, NEXT_MONDAY],
    )
    got = {
        (r["url"], r["stance"], r["stance_score"], int(r["quotes"]), r["duplicate_of"], r["date"])
        for r in rows
    }
    want = {
        (url, stance or "", cell(score), n, dup or "", day.isoformat())
        for _, url, stance, score, n, dup, day in expected
    }
    assert got == want and len(rows) == 4
    assert {r["week"] for r in rows} == {WEEK}
    # rows come sorted by date, and the headline that looked like a formula is neutralised
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    titles = {r["title"] for r in rows}
    assert "'" + INJECTIONS[0] in titles and INJECTIONS[0] not in titles


def test_quotes_csv_matches_sql(report) -> None:
    _, rows = read_csv(report["out"] / "quotes.csv")
    expected = sql(
        report["db"],
        f"""
        SELECT q.article_id, q.quote_index, q.speaker, q.speaker_role, q.speaker_org, q.stance,
               q.text
        FROM quotes q JOIN articles a USING (article_id)
        WHERE a.is_relevant AND {IN_WEEK}
        """,
        [MONDAY, NEXT_MONDAY],
    )
    got = {
        (r["article_id"], int(r["quote_index"]), r["speaker"], r["speaker_role"],
         r["speaker_org"], r["stance"], r["quote"])
        for r in rows
    }  # fmt: skip
    want = {
        (aid, i, speaker or "", role or "", org or "", stance or "", neutralise(text))
        for aid, i, speaker, role, org, stance, text in expected
    }
    assert got == want and len(rows) == 7
    # a quote with a comma, doubled quotes and a line break survives the round trip
    assert 'Quote 0 of art005, "quoted" on\ntwo lines' in {r["quote"] for r in rows}


def test_aggregate_csvs_match_sql(report) -> None:
    db, out = report["db"], report["out"]
    _, stance = read_csv(out / "stance_by_outlet.csv")
    expected = sql(
        db,
        f"""
        SELECT outlet, coalesce(stance, ''), count(*),
               count(*) / sum(count(*)) OVER (PARTITION BY outlet)
        FROM articles a WHERE is_relevant AND {IN_WEEK} GROUP BY outlet, stance
        """,
        [MONDAY, NEXT_MONDAY],
    )
    assert {(r["outlet"], r["stance"], int(r["articles"]), float(r["share"])) for r in stance} == {
        (o, s, n, round(share, 4)) for o, s, n, share in expected
    }
    _, roles = read_csv(out / "sources_by_role.csv")
    expected = sql(
        db,
        f"""
        SELECT coalesce(q.speaker_role, ''), count(*), count(*) / sum(count(*)) OVER ()
        FROM quotes q JOIN articles a USING (article_id)
        WHERE a.is_relevant AND {IN_WEEK} GROUP BY q.speaker_role
        """,
        [MONDAY, NEXT_MONDAY],
    )
    assert {(r["speaker_role"], int(r["quotes"]), float(r["share"])) for r in roles} == {
        (role, n, round(share, 4)) for role, n, share in expected
    }
    assert abs(sum(float(r["share"]) for r in roles) - 1.0) < 1e-3
    # codebook order: official before legal before advocacy
    order = [r["speaker_role"] for r in roles]
    assert order.index("official") < order.index("legal") < order.index("advocacy")

    _, top = read_csv(out / "top_speakers.csv")
    first = top[0]
    assert (first["rank"], first["speaker"], first["quotes"]) == ("1", "Jane Minister", "3")
    # Jane Minister is quoted twice as official and once as politician: the mode wins
    assert (first["speaker_role"], first["speaker_org"], first["articles"]) == (
        "official",
        "IRCC",
        "2",
    )
    assert [r["speaker"] for r in top] == ["Jane Minister", "Sam Lawyer", "Ana Advocate"]


def test_csv_is_rfc4180_with_crlf_and_no_live_formula(report) -> None:
    raw = (report["out"] / "quotes.csv").read_bytes()
    assert raw.count(b"\r\n") >= 8  # header + 7 rows end in CRLF
    # the only bare LF is the one inside the quoted, multi-line quote text
    assert re.search(rb"[^\r]\n", raw.replace(b"on\ntwo", b"")) is None
    for name in COLUMNS:
        _, rows = read_csv(report["out"] / name)
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    _, quotes = read_csv(report["out"] / "quotes.csv")
    texts = {r["quote"] for r in quotes}
    for payload in INJECTIONS[1:5]:
        assert "'" + payload in texts


def test_neutralise_and_cells() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\uff1dcmd") == "'\uff1dcmd"  # full-width equals sign
    assert neutralise("Asylum = hope") == "Asylum = hope"
    assert cell(-0.5) == "-0.5"  # numbers stay numbers
    assert cell(0.333333) == "0.3333" and cell(1.0) == "1" and cell(None) == ""
    assert cell(date(2025, 6, 16)) == "2025-06-16"
    assert cell(True) == "true"


def test_readme_and_html(report) -> None:
    readme = (report["out"] / "README.txt").read_text(encoding="utf-8")
    for name, columns in COLUMNS.items():
        assert name in readme
        for column, _ in columns:
            assert f"  {column}" in readme
    for label in ("restrictive", "protective", "neutral", "enforcement", "indirect"):
        assert label in readme
    html = (report["out"] / "report.html").read_text(encoding="utf-8")
    for src in re.findall(r'<img src="([^"]+)"', html):
        assert (report["out"] / src).is_file()
    assert "<script" not in html.lower() and "@import" not in html
    # nothing loads from the network: the only absolute URLs are article links
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        assert ".example/news/" in url
    assert "&quot;http://evil.example&quot;" in html  # the scraped headline is escaped
    for png in ("coverage.png", "stance_share.png", "quoted_roles.png"):
        assert (report["out"] / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_week_without_data_gives_headers_and_a_note(tmp_path: Path, report) -> None:
    result = build_report(report["db"], IsoWeek.parse("2024-W01"), tmp_path / "empty")
    assert result.empty
    for name, columns in COLUMNS.items():
        header, rows = read_csv(tmp_path / "empty" / name)
        assert header == [c for c, _ in columns] and rows == []
    readme = (tmp_path / "empty" / "README.txt").read_text(encoding="utf-8")
    assert "No relevant articles are stored for 2024-W01" in readme
    assert "from 2025-W23 to 2025-W26" in readme
    assert "No relevant articles are stored" in (tmp_path / "empty" / "report.html").read_text()


def test_rewriting_a_report_replaces_it_whole(report, tmp_path: Path) -> None:
    out = tmp_path / "again"
    first = build_report(report["db"], IsoWeek.parse(WEEK), out)
    second = build_report(report["db"], IsoWeek.parse(WEEK), out)
    assert first.rows == second.rows
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_weeks_out_of_the_calendar_are_refused_in_one_line(tmp_path: Path) -> None:
    # "9999-W52" once ended in an OverflowError traceback (its last day is past year 9999).
    for bad in ("9999-W52", "9999-12-20", "0001-W01"):
        with pytest.raises(WeekError):
            IsoWeek.parse(bad) if "W" in bad else IsoWeek.of(date.fromisoformat(bad))


def test_iso_weeks() -> None:
    week = IsoWeek.parse("2025-W25")
    assert (week.start, week.end) == (date(2025, 6, 16), date(2025, 6, 22))
    assert str(IsoWeek.parse("2020w53")) == "2020-W53"
    assert str(IsoWeek.of(date(2021, 1, 3))) == "2020-W53"  # a Sunday in ISO week 53
    assert [str(w) for w in IsoWeek.parse("2021-W02").back(3)] == [
        "2020-W53",
        "2021-W01",
        "2021-W02",
    ]
    for bad in ("2021-W53", "2025-25", "last week"):
        with pytest.raises(WeekError):
            IsoWeek.parse(bad)
    with pytest.raises(WeekError):
        last_week("Mars/Olympus")
    assert last_week("Pacific/Auckland") <= IsoWeek.of(date.today()).shift(1)


def test_week_totals_equal_the_weekly_totals_view(report) -> None:
    from flows.reports.build import report_data

    data = report_data(report["db"], IsoWeek.parse(WEEK))
    [row] = sql(
        report["db"],
        "SELECT articles, relevant_articles, unique_stories, outlets, quotes, speakers "
        "FROM weekly_totals WHERE week = ?",
        [WEEK],
    )
    assert tuple(data.totals.values()) == row == (5, 4, 3, 2, 7, 3)


def test_reports_doc_lists_every_column_in_file_order() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "reports.md").read_text()
    for name, columns in COLUMNS.items():
        section = doc.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        listed = re.findall(r"^\| \d+ \| `([a-z_]+)` \|", section, flags=re.M)
        assert listed == [c for c, _ in columns], name
