"""Issue #14, failure 1: decompression bombs at load time.

A body that the crawler refused (``too_large``) is still in the WARC, compressed; loading the
WARC must not inflate it past the shared size limit. Bombs are made at test time (64 MiB of
zeros compress to about 100 bytes) and memory is measured with ``tracemalloc``.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from io import BytesIO
from pathlib import Path

import brotli
import duckdb
import pytest
from test_crawler_site import Route, Site, article_page, rss, serve
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.core.warc import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    SkippedRecord,
    decode_body,
    iter_responses,
)

BOMB_SIZE = 64 * 1024 * 1024  # inflated size: over MAX_BODY_BYTES, far under a test box's RAM


def bomb(encoding: str) -> bytes:
    data = b"\0" * BOMB_SIZE
    if encoding == "br":
        return brotli.compress(data, quality=5)
    if encoding == "gzip":
        return gzip.compress(data, 9)
    return zlib.compress(data, 9)


def peak_bytes(func) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_shared_limit_is_the_crawlers_download_maxsize() -> None:
    from crawlers import settings

    assert settings.DOWNLOAD_MAXSIZE == MAX_BODY_BYTES < BOMB_SIZE


@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate"])
def test_decode_body_stops_a_bomb_within_the_limit(encoding: str) -> None:
    payload = bomb(encoding)

    def decode() -> None:
        with pytest.raises(BodyTooLarge):
            decode_body(payload, encoding, limit=1_000_000)

    assert peak_bytes(decode) < 4_000_000


@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate"])
def test_decode_body_round_trips_under_the_limit(encoding: str) -> None:
    data = article_page("Fine").encode() * 50
    packed = {"br": brotli.compress, "gzip": gzip.compress, "deflate": zlib.compress}[encoding]
    assert decode_body(packed(data), encoding, limit=len(data)) == data


def test_raw_deflate_and_multi_member_gzip() -> None:
    raw = zlib.compressobj(wbits=-15)
    body = raw.compress(b"hello ") + raw.flush()
    assert decode_body(body, "deflate") == b"hello "
    assert decode_body(gzip.compress(b"ab") + gzip.compress(b"cd"), "gzip") == b"abcd"


def write_warc(path: Path, records: list[tuple[str, bytes, str | None]]) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body, encoding in records:
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if encoding:
                headers.append(("Content-Encoding", encoding))
            headers.append(("Content-Length", str(len(body))))
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            )
            writer.write_record(record)


def test_iter_responses_skips_a_bomb_and_reads_on(tmp_path: Path) -> None:
    warc = tmp_path / "bomb.warc.gz"
    good = article_page("After the bomb").encode()
    write_warc(
        warc,
        [
            ("http://127.0.0.1/bomb-br/", bomb("br"), "br"),
            ("http://127.0.0.1/bomb-gz/", bomb("gzip"), "gzip"),
            ("http://127.0.0.1/bad/", b"not brotli at all", "br"),
            ("http://127.0.0.1/good/", good, None),
        ],
    )
    skipped: list[SkippedRecord] = []
    seen: list[str] = []

    def read() -> None:
        for response in iter_responses(warc, on_skip=skipped.append):
            seen.append(response.url)

    assert peak_bytes(read) < MAX_BODY_BYTES * 3  # the old code held all 64 MiB at once
    assert seen == ["http://127.0.0.1/good/"]
    assert [(s.url, s.reason) for s in skipped] == [
        ("http://127.0.0.1/bomb-br/", "too_large"),
        ("http://127.0.0.1/bomb-gz/", "too_large"),
        ("http://127.0.0.1/bad/", "bad_encoding"),
    ]
    assert all(s.record_offset is not None for s in skipped)


@pytest.mark.slow
def test_crawl_then_load_quarantines_the_bomb_and_keeps_the_rest(tmp_path: Path) -> None:
    """The bomb served on 127.0.0.1 is refused by the crawler, archived compressed, and
    quarantined at load time; the good article of the same WARC is loaded, the WARC is marked
    processed, and loading it again (a later run) neither dies nor duplicates the row."""
    from crawlers.job import CrawlOptions
    from flows import stages
    from pipeline.annotate import Annotator
    from pipeline.core.config import Source, load_topic
    from pipeline.process import process_warcs

    site = Site()
    site.add("/news/asylum-story-good-one/", Route(body=article_page("Good asylum story")))
    site.add(
        "/news/asylum-story-bomb-br/",
        Route(body=bomb("br"), headers={"Content-Encoding": "br"}),
    )
    feed = [
        ("Good", "{{BASE_URL}}/news/asylum-story-good-one/"),
        ("Bomb", "{{BASE_URL}}/news/asylum-story-bomb-br/"),
    ]
    site.add("/feed.xml", Route(body=rss(feed), content_type="application/rss+xml"))
    db = tmp_path / "db.duckdb"
    annotator = Annotator(load_topic())
    with serve(site):
        source = Source(name="Bomb Times", homepage=site.url("/"), feeds=(site.url("/feed.xml"),))
        job = stages.RunJob(
            [source], db, tmp_path / "warc", CrawlOptions(polite=False, contact_url="x")
        )
        summary = stages.run_once(job, annotator)
    assert summary.crawl is not None and summary.crawl.ok
    assert summary.processed.quarantined == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT title FROM articles").fetchall() == [("Good asylum story",)]
        rows = con.execute("SELECT url, reason FROM quarantine").fetchall()
        assert [(u.rsplit("/", 2)[-2], r) for u, r in rows] == [
            ("asylum-story-bomb-br", "too_large")
        ]
        fetch = con.execute(
            "SELECT error FROM fetches WHERE url LIKE '%bomb-br/' AND kind = 'article'"
        ).fetchall()
        assert fetch == [("too_large",)]
        assert con.execute("SELECT count(*) FROM warc_files").fetchall() == [(1,)]
    again = process_warcs([summary.crawl.warc_file], db, annotator)
    assert again.quarantined == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(1,)]


def test_a_file_that_fails_to_load_is_quarantined_not_retried(tmp_path: Path, monkeypatch) -> None:
    from flows import stages
    from pipeline import process

    warc = tmp_path / "warc" / "2026-01-01" / "x.warc.gz"
    warc.parent.mkdir(parents=True)
    write_warc(warc, [("http://127.0.0.1/good/", article_page("Good").encode(), None)])

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

        monkeypatch.setattr(process.log, "warning", lambda *a, **k: None)

    db = tmp_path / "db.duckdb"
    monkeypatch.setattr(process, "iter_responses", explode)
    stats = process.process_warcs([warc], db, annotator=None)  # type: ignore[arg-type]
    assert stats.quarantined == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT record_offset, reason FROM quarantine").fetchall() == [
            (-1, "load_failed")
        ]
    assert stages.pending_warcs(tmp_path / "warc", db) == []
