"""Measure extraction on real news pages: ``../shared/benchmarks``.

Two third-party sets of real article pages with hand-cleaned bodies:

* ``article-extraction-benchmark`` (Zyte): 181 pages, ``ground-truth.json``;
* ``naeb`` (News Article Extraction Benchmark): ~420 pages with title and publication date.

Body quality uses the Zyte benchmark's published metric, so figures compare with the ones it
publishes: word 4-gram shingles (multiset) of the extracted body against the true body; per
page, true/false positives and negatives normalised to sum to 1; precision and recall averaged
over pages; F1 the harmonic mean of those two averages. The extraction under test is
:func:`pipeline.extract.parse_page`, the very function the pipeline uses.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.extract import parse_page

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Counts of the text's word ``n``-grams (Zyte's shingles)."""
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def shingle_match(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of predicted against true shingles."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


@dataclass(slots=True)
class BodyScore:
    """Body extraction scores over a benchmark's pages."""

    pages: int
    precision: float
    recall: float
    f1: float
    exact: float  # share of pages whose shingles match exactly


def body_score(matches: list[tuple[float, float, float]]) -> BodyScore:
    """Mean precision, recall and F1 of the body shingles, and the share of exact bodies, from each
    page's shingle counts."""
    precision = statistics.mean(_precision(*m) for m in matches if m[0] + m[1] > 0)
    recall = statistics.mean(_recall(*m) for m in matches if m[0] + m[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = sum(1 for m in matches if m[1] == m[2] == 0) / len(matches)
    return BodyScore(len(matches), precision, recall, f1, exact)


@dataclass(slots=True)
class BenchmarkReport:
    """Extraction scores on one benchmark: body, date and title, and speed."""

    name: str
    body: BodyScore
    seconds: float
    date_pages: int = 0
    date_correct: int = 0
    title_pages: int = 0
    title_correct: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def date_accuracy(self) -> float | None:
        """Share of pages whose date was right; None when no page has one."""
        return self.date_correct / self.date_pages if self.date_pages else None

    @property
    def title_accuracy(self) -> float | None:
        """Share of pages whose title was right; None when no page has one."""
        return self.title_correct / self.title_pages if self.title_pages else None

    @property
    def pages_per_second(self) -> float:
        """Pages extracted per second."""
        return self.body.pages / self.seconds if self.seconds else 0.0


def _read_gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


def _norm_title(title: str | None) -> str:
    return " ".join(_TOKEN.findall((title or "").lower()))


def evaluate_zyte(folder: Path, on_page: Callable[[], None] | None = None) -> BenchmarkReport:
    """Body F1 on the Zyte article-extraction benchmark."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    matches = []
    failures = []
    started = time.perf_counter()
    for key, item in sorted(truth.items()):
        page = parse_page(_read_gz(folder / "html" / f"{key}.html.gz"), item.get("url"))
        if page is None:
            failures.append(key)
        matches.append(shingle_match(item.get("articleBody", ""), page.text if page else ""))
        if on_page:
            on_page()
    return BenchmarkReport(
        name="article-extraction-benchmark (Zyte)",
        body=body_score(matches),
        seconds=time.perf_counter() - started,
        failures=failures,
    )


def evaluate_naeb(folder: Path, on_page: Callable[[], None] | None = None) -> BenchmarkReport:
    """Body F1, publication-date and title accuracy on NAEB (pages whose HTML is present)."""
    items = json.loads((folder / "news_articles.json").read_text(encoding="utf-8"))
    matches = []
    failures = []
    date_pages = date_correct = title_pages = title_correct = 0
    started = time.perf_counter()
    for item in items:
        name = item["html_file"].removesuffix(".html")
        path = folder / "html" / f"{name}.html.gz"
        if not path.exists():
            continue  # the set ships without a few large pages
        raw = _read_gz(path)
        page = parse_page(raw, item.get("link"))
        if page is None:
            failures.append(item["html_file"])
        matches.append(shingle_match(item.get("text", ""), page.text if page else ""))
        gold_date = _gold_date(item.get("date"))
        if gold_date is not None:
            date_pages += 1
            found = page.published_at.date() if page and page.published_at else None
            date_correct += found == gold_date
        if item.get("title"):
            title_pages += 1
            title_correct += bool(page) and _norm_title(page.title) == _norm_title(item["title"])
        if on_page:
            on_page()
    return BenchmarkReport(
        name="naeb",
        body=body_score(matches),
        seconds=time.perf_counter() - started,
        date_pages=date_pages,
        date_correct=date_correct,
        title_pages=title_pages,
        title_correct=title_correct,
        failures=failures,
    )


def _gold_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def count_pages(benchmarks: Path) -> int:
    """The number of pages in the benchmark folders found under ``benchmarks``."""
    zyte = benchmarks / "article-extraction-benchmark" / "html"
    naeb = benchmarks / "naeb" / "html"
    return sum(len(list(folder.glob("*.gz"))) for folder in (zyte, naeb) if folder.is_dir())


def evaluate_all(
    benchmarks: Path, on_page: Callable[[], None] | None = None
) -> Iterable[BenchmarkReport]:
    """Score both benchmarks under ``benchmarks``, one report each; raises FileNotFoundError when a
    folder is missing."""
    zyte = benchmarks / "article-extraction-benchmark"
    naeb = benchmarks / "naeb"
    for folder, runner in ((zyte, evaluate_zyte), (naeb, evaluate_naeb)):
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: benchmark folder not found (see ../shared)")
        yield runner(folder, on_page)
