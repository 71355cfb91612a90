from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import BODY, SHARED, article_html

from pipeline.core.records import ArchivedResponse
from pipeline.evaluation.extraction import body_score, shingle_match
from pipeline.extract import extract_article, parse_page

ZYTE = SHARED / "benchmarks" / "article-extraction-benchmark"


def response(
    body: str | bytes,
    *,
    ctype: str = "text/html; charset=utf-8",
    status: int = 200,
    kind: str = "article",
) -> ArchivedResponse:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return ArchivedResponse(
        url="http://news.test/news/2026/09/01/asylum-story/?utm_source=rss",
        status=status,
        headers={"content-type": ctype},
        body=data,
        fetched_at=datetime(2026, 9, 2),
        source="Test News",
        kind=kind,
        warc_file="x.warc.gz",
        record_offset=0,
    )


def test_article_fields() -> None:
    html = article_html("Asylum story", "2026-09-01T14:30:00-04:00", BODY, "/news/asylum/")
    html = html.replace("{{BASE_URL}}", "http://www.news.test")
    article = extract_article(response(html))
    assert article is not None
    assert article.title == "Asylum story"
    assert article.authors == ["Jane Doe"]
    assert article.published_at == datetime(2026, 9, 1, 18, 30)
    assert article.canonical_url == "http://news.test/news/asylum/"
    assert article.outlet == "Test News" and article.domain == "news.test"
    assert article.language == "en"
    assert "cookies" not in article.text and "Copyright" not in article.text
    assert article.word_count > 80


@pytest.mark.parametrize(
    "case",
    ["listing", "pdf", "error", "feed", "empty"],
)
def test_non_articles_are_not_articles(case: str) -> None:
    listing = (
        "<html><body><ul>"
        + "".join(f"<li><a href='/a{i}'>Headline number {i}</a></li>" for i in range(40))
        + "</ul></body></html>"
    )
    article = article_html("A", "2026-09-01T10:00:00Z", BODY, "/a/")
    made = {
        "listing": response(listing),
        "pdf": response(b"%PDF-1.4 ...", ctype="application/pdf"),
        "error": response(article, status=404),
        "feed": response(article, kind="feed"),
        "empty": response(b""),
    }[case]
    assert extract_article(made) is None


def test_wrong_charset_declaration_is_survived() -> None:
    html = article_html("Réfugiés à la frontière", "2026-09-01T10:00:00Z", BODY, "/a/")
    data = html.encode("cp1252", errors="replace")
    page = parse_page(data, "http://news.test/a/")
    assert page is not None and page.title == "Réfugiés à la frontière"


def test_shingle_metric() -> None:
    assert shingle_match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_match("a b c d e f", "a b c d x y")
    assert tp > 0 and fp > 0 and fn > 0
    score = body_score([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)])
    assert score.precision == pytest.approx(0.75) and score.recall == pytest.approx(1.0)


@pytest.mark.skipif(not ZYTE.is_dir(), reason="../shared/benchmarks not present")
def test_real_pages_extract_well() -> None:
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:20]
    matches = []
    for key in keys:
        with gzip.open(Path(ZYTE / "html" / f"{key}.html.gz")) as handle:
            raw = handle.read()
        page = parse_page(raw, truth[key].get("url"))
        matches.append(shingle_match(truth[key]["articleBody"], page.text if page else ""))
    assert body_score(matches).f1 > 0.9
