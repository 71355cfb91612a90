"""Property-based fuzzing (hypothesis) of the code that reads what users and websites send:
configuration files, feeds, sitemaps, robots.txt, compressed bodies, HTML pages, and the quote
stage's entry point.

Runs derandomized (a fixed seed) with a small example count in ``make test``; a release check
runs many more examples with ``HYPOTHESIS_PROFILE=release`` (docs/evaluation.md).
"""

from __future__ import annotations

import contextlib
import gzip
import math
import os
import zlib
from datetime import datetime
from pathlib import Path

import brotli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.discovery import parse_feed, parse_sitemap, robots_sitemaps, sitemap_body
from pipeline.core.config import ConfigError, load_sources, load_topic
from pipeline.core.records import ArchivedResponse
from pipeline.core.warc import BodyTooLarge, decode_body
from pipeline.extract import extract_or_reason

_COMMON = {
    "derandomize": True,  # a fixed seed: the same inputs on every run
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
settings.register_profile("ci", max_examples=40, **_COMMON)
settings.register_profile("release", max_examples=2000, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(PROFILE)

# --- strategies --------------------------------------------------------------------------

SOURCE_KEYS = [
    "name",
    "homepage",
    "feeds",
    "sitemaps",
    "start_urls",
    "language",
    "country",
    "domains",
    "allowed_hosts",
    "filter",
    "download_delay",
    "concurrency",
    "since",
    "colour",
]
URLISH = st.sampled_from(
    [
        "https://example.com/",
        "http://[::1/",
        "http://[::1]:8080/feed",
        "http://example.com:99999/",
        "file:///etc/passwd",
        "data:text/plain,x",
        "https://",
        "//example.com",
        "http://exa mple.com/",
        "https://ex\u00e4mple.com/feed",
        "",
    ]
)
SCALARS = st.one_of(
    st.text(max_size=20),
    URLISH,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["30d", "99999999999d", "2026-09-01", "0h", "-1d", "all", "topic"]),
)
VALUES = st.one_of(SCALARS, st.lists(st.one_of(URLISH, SCALARS), max_size=3))


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return f'"{text}"'


@st.composite
def sources_toml(draw: st.DrawFn) -> str:
    tables = []
    for _ in range(draw(st.integers(0, 3))):
        keys = draw(st.lists(st.sampled_from(SOURCE_KEYS), max_size=8, unique=True))
        base = {"name": "X", "homepage": "https://example.com/", "feeds": ["https://e.com/f"]}
        table = {k: v for k, v in base.items() if draw(st.booleans())}
        table.update({k: draw(VALUES) for k in keys})
        lines = "".join(f"{k} = {toml_value(v)}\n" for k, v in table.items())
        tables.append("[[sources]]\n" + lines)
    prefix = draw(st.sampled_from(["", "sources = [1]\n", "x = 1\n", "sources = []\n"]))
    return prefix + "\n".join(tables)


XMLISH = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "<![CDATA[",
        "]]>",
        "<!ENTITY x 'y'>",
        "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
        "&e;",
        "<loc>",
        "</loc>",
        "<url>",
        "</url>",
        "<sitemap>",
        "</sitemap>",
        "<urlset>",
        "</urlset>",
        "<sitemapindex>",
        "</sitemapindex>",
        "<lastmod>2026-13-45T99:99Z</lastmod>",
        "<item>",
        "</item>",
        "<link>",
        "</link>",
        "<rss version='2.0'><channel>",
        "</channel></rss>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry><link href='javascript:x'/></entry>",
        "<pubDate>Mon, 99 Foo 2026</pubDate>",
        "http://[::1/",
        "file:///etc/passwd",
        "\x00",
        "\ufeff",
        "\udcff",
    ]
)
MARKUP = st.lists(st.one_of(XMLISH, st.text(max_size=12)), max_size=30).map("".join)


def as_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


HTMLISH = st.sampled_from(
    [
        "<html>",
        "<html lang='zz'>",
        "<head>",
        "<body>",
        "<article>",
        "</article>",
        "<p>",
        "</p>",
        "<a href='/x'>",
        "</a>",
        "<script>",
        "</script>",
        "<meta property='og:type' content='article'>",
        "<meta property='article:published_time' content='2026-02-30T25:00:00Z'>",
        "<meta property='article:published_time' content='2026-09-01T10:00:00Z'>",
        '<script type="application/ld+json">{"@type": ["NewsArticle", "ItemList"]}</script>',
        "<link rel='canonical' href='http://[::1/'>",
        "<link rel='canonical' href='javascript:alert(1)'>",
        "<time datetime='99999-01-01'>",
        "<!--",
        "-->",
        "<title>",
        "</title>",
        "<meta charset='x-unknown'>",
        " Asylum seekers said \u201cwe waited for days\u201d at the border. ",
        " \u00ab Nous attendons \u00bb, a dit un demandeur d'asile. ",
    ]
)
PAGES = st.lists(st.one_of(HTMLISH, st.text(max_size=20)), max_size=60).map("".join)

QUOTE_PIECES = st.sampled_from(
    [
        '"',
        "\u201c",
        "\u201d",
        "\u00ab",
        "\u00bb",
        "'",
        "\u2018",
        "\u2019",
        " said ",
        " a dit ",
        ", according to ",
        "Minister Jane Doe",
        "the RCMP",
        " he ",
        " she ",
        ".",
        "\n\n",
        " We will not turn them away",
        " asylum seekers ",
        "Mr.",
        "\u2014",
    ]
)
QUOTE_TEXT = st.lists(st.one_of(QUOTE_PIECES, st.text(max_size=15)), max_size=60).map("".join)

# --- properties --------------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(sources_toml(), st.text(max_size=200)))
def test_sources_config_loads_or_says_why(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("cfg") / "sources.toml"
    path.write_bytes(as_bytes(text))
    try:
        sources = load_sources(path)
    except ConfigError as exc:
        assert str(exc).startswith(str(path))
        assert "\n" not in str(exc).strip()
        return
    for source in sources:
        assert source.download_delay is None or 0 <= source.download_delay <= 3600
        assert source.hosts


@FUZZ
@given(data=st.binary(max_size=200))
def test_topic_config_loads_or_says_why(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("cfg") / "topic.toml"
    path.write_bytes(b"[languages.en]\nterms = [" + data + b"]\n")
    with contextlib.suppress(ConfigError):
        load_topic(path)


@FUZZ
@given(body=MARKUP.map(as_bytes) | st.binary(max_size=300))
def test_feed_sitemap_and_robots_parsers_never_raise(body: bytes) -> None:
    for listing in (
        parse_feed(body, "https://example.com/feed"),
        parse_sitemap(body, "https://example.com/sitemap.xml"),
        robots_sitemaps(body, "https://example.com/robots.txt"),
    ):
        assert all(isinstance(e.url, str) for e in listing.entries)
        assert listing.newest is None or isinstance(listing.newest, datetime)


@FUZZ
@given(
    data=st.binary(max_size=2000),
    encoding=st.sampled_from(["gzip", "deflate", "br", "x-gzip", "identity", "zstd", ""]),
    packed=st.booleans(),
    limit=st.integers(min_value=1, max_value=5000),
)
def test_decode_body_is_bounded_and_fails_only_as_documented(
    data: bytes, encoding: str, packed: bool, limit: int
) -> None:
    if packed:
        pack = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress}
        data = pack.get(encoding, brotli.compress if encoding == "br" else bytes)(data)
    try:
        out = decode_body(data, encoding, limit)
    except BodyTooLarge:
        return
    except (zlib.error, brotli.error, OSError, EOFError, ValueError):
        assert encoding in ("gzip", "x-gzip", "deflate", "br")
        return
    assert len(out) <= max(limit, len(data))
    with contextlib.suppress(OSError, EOFError, ValueError):
        sitemap_body(data, limit)


@FUZZ
@given(html=PAGES, ctype=st.sampled_from(["text/html", "text/html; charset=koi8-r", ""]))
def test_page_extraction_never_raises(html: str, ctype: str) -> None:
    response = ArchivedResponse(
        url="http://news.test/news/2026/09/01/asylum-story/",
        status=200,
        headers={"content-type": ctype} if ctype else {},
        body=as_bytes(html),
        fetched_at=datetime(2026, 9, 2),
        source="Fuzz News",
        kind="article",
        warc_file="x.warc.gz",
        record_offset=0,
    )
    article, reason = extract_or_reason(response)
    assert (article is None) != (reason is None) or (article is None and reason is None)
    if article is not None:
        assert article.word_count >= 30 and article.text
    if reason is not None:
        assert reason.startswith("not_article:")


@FUZZ
@given(text=QUOTE_TEXT, language=st.sampled_from(["en", "fr", None, "de"]))
def test_quote_stage_never_raises_and_offsets_hold(text: str, language: str | None) -> None:
    from pipeline.quotes import extract_quotes

    for quote in extract_quotes(text, language, "fuzz"):
        assert 0 <= quote.char_start <= quote.char_end <= len(text)
        assert text[quote.char_start : quote.char_end] == quote.text


def test_profiles_are_bounded_and_seeded() -> None:
    assert settings.get_profile("ci").max_examples <= 100
    assert settings.get_profile("ci").derandomize
    assert Path(__file__).name == "test_fuzz.py"
