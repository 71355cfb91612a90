"""Check the tool's labels against a human coder before publishing a figure.

Two steps (``asylumwatch validate sample`` and ``asylumwatch validate score``, documented in
docs/analysts.md):

1. :func:`draw_sample` draws a reproducible random sample of quotes or articles (seeded; on
   request stratified on one label with proportional allocation, so the sample stays
   self-weighting and every figure of step 2 is an estimate for the whole population) and
   :func:`write_sample` writes it as a CSV with the text, its context, the tool's labels
   (``tool_<label>``) and an empty ``coder_<label>`` column for each, plus ``coder_note``.
2. :func:`score_file` reads the coded CSV back (as Excel or LibreOffice saved it: comma,
   semicolon or tab separated; UTF-8 or Windows-1252) and :func:`score` compares, for every
   ``tool_X``/``coder_X`` pair with coded rows, the tool (prediction) with the coder (truth):
   per label precision, recall and F1, accuracy, Cohen's kappa and the confusion matrix.

Confidence intervals are 95 %: **Wilson score intervals** for the proportions (precision,
recall, accuracy) and **percentile bootstrap intervals** (2,000 resamples of the coded items,
seed 0, so the same file always gives the same interval) for F1 and kappa.
"""

from __future__ import annotations

import csv
import html
import io
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from pipeline.core.records import SPEAKER_ROLES, STANCES
from pipeline.store.filters import Filters
from pipeline.store.samples import sample_population

Z95 = 1.959963984540054
BOOTSTRAP_RESAMPLES = 2000
CONTEXT_CHARS = 300
ARTICLE_TEXT_CHARS = 3000  # a spreadsheet cell holds 32,767 characters; coders read the start
NONE_LABEL = "(none)"
UNCODABLE = {"?", "skip", "unclear", "n/a", "na"}
WHAT = ("quotes", "articles")

# What each kind of sample shows, and which labels it asks the coder for (tool_/coder_ pairs).
LABELS: dict[str, tuple[str, ...]] = {
    "quotes": ("stance", "speaker_role"),
    "articles": ("is_relevant", "stance"),
}
STRATA: dict[str, tuple[str, ...]] = {
    "quotes": ("stance", "speaker_role", "outlet"),
    "articles": ("stance", "is_relevant", "outlet"),
}

# The labels a coder may use per field (anything else is reported as a likely typo).
CODEBOOK: dict[str, frozenset[str]] = {
    "stance": frozenset(STANCES),
    "speaker_role": frozenset(SPEAKER_ROLES),
    "is_relevant": frozenset({"true", "false"}),
}


class ValidationError(ValueError):
    """A sample that cannot be drawn or a coded file that cannot be scored (user mistake)."""


@dataclass(slots=True)
class Sample:
    """A drawn sample: its rows for the coder sheet, the seed and the strata."""

    what: str
    header: list[str]
    rows: list[list[object]]
    seed: int
    stratify: str | None
    population: int
    strata: dict[str, tuple[int, int]] = field(default_factory=dict)  # label: (population, drawn)


def _label(value: object) -> str:
    if value is None:
        return NONE_LABEL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return (
        ("…" if start > CONTEXT_CHARS else "")
        + before
        + ">>>"
        + text[start:end]
        + "<<<"
        + after
        + ("…" if end + CONTEXT_CHARS < len(text) else "")
    )


def _allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of ``n`` over strata (largest remainder, ties by label)."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    exact = {k: n * size / total for k, size in sizes.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    left = n - sum(counts.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - counts[k]), k))[:left]:
        counts[k] += 1
    return counts


def draw_sample(
    con: duckdb.DuckDBPyConnection,
    what: str,
    n: int,
    *,
    seed: int,
    stratify: str | None = None,
    filters: Filters | None = None,
    include_off_topic: bool = False,
) -> Sample:
    """A seeded random sample of ``n`` quotes or articles (of relevant articles unless
    ``include_off_topic``); the same database, arguments and seed give the same sample."""
    if what not in WHAT:
        raise ValidationError(f"--what {what}: choose quotes or articles")
    if n < 1:
        raise ValidationError("--n must be at least 1")
    if stratify is not None and stratify not in STRATA[what]:
        raise ValidationError(
            f"--stratify {stratify}: {what} can be stratified on {', '.join(STRATA[what])}"
        )
    records = sample_population(
        con, what, filters=filters or Filters(), include_off_topic=include_off_topic
    )
    if not records:
        raise ValidationError(
            f"no {what} to sample" + (f" for {filters.describe()}" if filters else "")
        )
    rng = random.Random(seed)
    strata: dict[str, tuple[int, int]] = {}
    if stratify is None:
        chosen = rng.sample(records, min(n, len(records)))
    else:
        groups: dict[str, list[dict]] = {}
        for record in records:
            groups.setdefault(_label(record[stratify]), []).append(record)
        counts = _allocate({k: len(v) for k, v in sorted(groups.items())}, n)
        chosen = []
        for key in sorted(groups):
            chosen += rng.sample(groups[key], counts[key])
            strata[key] = (len(groups[key]), counts[key])
        rng.shuffle(chosen)  # coders see no blocks of one label
    labels = LABELS[what]
    if what == "quotes":
        header = ["item_id", "outlet", "date", "url", "speaker", "speaker_org", "quote", "context"]
    else:
        header = ["item_id", "outlet", "date", "url", "title", "text"]
    header += [f"tool_{label}" for label in labels]
    header += [f"coder_{label}" for label in labels] + ["coder_note"]
    rows: list[list[object]] = []
    for r in chosen:
        if what == "quotes":
            shown = [r["speaker"], r["speaker_org"], r["quote"]]
            shown.append(_context(r["article_text"] or "", r["char_start"], r["char_end"]))
        else:
            body = r["article_text"] or ""
            cut = body[:ARTICLE_TEXT_CHARS] + ("…" if len(body) > ARTICLE_TEXT_CHARS else "")
            shown = [r["title"], cut]
        tool = ["" if r[label] is None else _label(r[label]) for label in labels]
        rows.append(
            [r["item_id"], r["outlet"], r["date"], r["url"], *shown, *tool]
            + [""] * (len(labels) + 1)
        )
    return Sample(what, header, rows, seed, stratify, len(records), strata)


# --- scoring -----------------------------------------------------------------------------


@dataclass(slots=True)
class Interval:
    """A value and its 95 % confidence interval (None: not computable)."""

    value: float | None
    low: float | None
    high: float | None


@dataclass(slots=True)
class LabelScore:
    """The tool's agreement with the coder on one label."""

    label: str
    support: int  # items the coder gave this label
    predicted: int  # items the tool gave this label
    true_positives: int
    precision: Interval
    recall: Interval
    f1: Interval


@dataclass(slots=True)
class FieldScore:
    """The tool's agreement with the coder on one field (the X of ``tool_X``/``coder_X``)."""

    name: str  # the X of tool_X / coder_X
    coded: int
    uncodable: int
    labels: list[LabelScore]
    accuracy: Interval
    kappa: Interval
    matrix_labels: list[str]
    matrix: list[list[int]]  # rows: coder (truth), columns: tool
    unknown: dict[str, int] = field(default_factory=dict)  # coder labels not in the codebook


@dataclass(slots=True)
class ScoreReport:
    """The scores of a coded file, one per field."""

    path: str
    rows: int
    fields: list[FieldScore]


def wilson(successes: int, trials: int, z: float = Z95) -> Interval:
    """The proportion and its Wilson score interval (None when there are no trials)."""
    if trials == 0:
        return Interval(None, None, None)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denominator = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), np.nan)


def _kappa(tool: np.ndarray, coder: np.ndarray, k: int) -> np.ndarray:
    """Cohen's kappa for each row of ``tool``/``coder`` (label codes 0..k-1)."""
    n = tool.shape[-1]
    observed = (tool == coder).mean(axis=-1)
    expected = np.zeros(tool.shape[:-1])
    for label in range(k):
        expected += (tool == label).mean(axis=-1) * (coder == label).mean(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)
    return kappa if n else np.full(tool.shape[:-1], np.nan)


def _percentile(values: np.ndarray) -> tuple[float | None, float | None]:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None, None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def score_pairs(name: str, pairs: Sequence[tuple[str, str]], uncodable: int = 0) -> FieldScore:
    """Scores of the tool (first of each pair) against the coder (second)."""
    labels = sorted(
        {t for t, _ in pairs} | {c for _, c in pairs}, key=lambda s: (s == NONE_LABEL, s)
    )
    code = {label: i for i, label in enumerate(labels)}
    tool = np.array([code[t] for t, _ in pairs], dtype=np.int64)
    coder = np.array([code[c] for _, c in pairs], dtype=np.int64)
    n, k = len(pairs), len(labels)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n)) if n else np.zeros((0, 0), int)
    boot_tool, boot_coder = tool[idx], coder[idx]
    scores = []
    for label, i in code.items():
        tp = int(((tool == i) & (coder == i)).sum())
        predicted, support = int((tool == i).sum()), int((coder == i).sum())
        point = _f1(np.array(tp), np.array(predicted - tp), np.array(support - tp))
        b_tp = ((boot_tool == i) & (boot_coder == i)).sum(axis=1)
        b_f1 = _f1(b_tp, (boot_tool == i).sum(axis=1) - b_tp, (boot_coder == i).sum(axis=1) - b_tp)
        low, high = _percentile(b_f1)
        scores.append(
            LabelScore(
                label,
                support,
                predicted,
                tp,
                wilson(tp, predicted),
                wilson(tp, support),
                Interval(None if np.isnan(point) else float(point), low, high),
            )
        )
    kappa_point = _kappa(tool, coder, k)
    low, high = _percentile(_kappa(boot_tool, boot_coder, k))
    matrix = [[int(((coder == r) & (tool == c)).sum()) for c in range(k)] for r in range(k)]
    return FieldScore(
        name,
        n,
        uncodable,
        scores,
        wilson(int((tool == coder).sum()), n),
        Interval(None if np.isnan(kappa_point) else float(kappa_point), low, high),
        labels,
        matrix,
    )


def normalise_label(value: str) -> str:
    """A coder's label as the tool writes it: trimmed, lower-cased, yes/no as true/false."""
    text = value.strip().lstrip("'").strip().lower()
    if text in {"yes", "y", "1", "true"}:
        return "true"
    if text in {"no", "n", "0", "false"}:
        return "false"
    return text


def read_coded(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The coded CSV as saved by a spreadsheet (separator and encoding detected)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    return header, list(reader)


def score(header: list[str], rows: list[dict[str, str]], path: str = "") -> ScoreReport:
    """Compare each ``tool_X`` with its ``coder_X`` over the coded rows; raises ValidationError when
    no pair of columns is there."""
    pairs = [h[len("coder_") :] for h in header if h.startswith("coder_")]
    pairs = [name for name in pairs if f"tool_{name}" in header]
    if not pairs:
        raise ValidationError(
            f"{path}: no tool_X column with a coder_X column beside it "
            "(write the file with asylumwatch validate sample)"
        )
    fields = []
    for name in pairs:
        coded: list[tuple[str, str]] = []
        uncodable = 0
        for row in rows:
            coder = normalise_label(row.get(f"coder_{name}") or "")
            if not coder:
                continue
            if coder in UNCODABLE:
                uncodable += 1
                continue
            tool = normalise_label(row.get(f"tool_{name}") or "") or NONE_LABEL
            coded.append((tool, coder))
        if coded:
            scored = score_pairs(name, coded, uncodable)
            if name in CODEBOOK:
                scored.unknown = dict(
                    sorted(Counter(c for _, c in coded if c not in CODEBOOK[name]).items())
                )
            fields.append(scored)
    if not fields:
        raise ValidationError(
            f"{path}: no coded row yet: fill in the {', '.join(f'coder_{p}' for p in pairs)} "
            "column(s)"
        )
    return ScoreReport(str(path), len(rows), fields)


def key_path(path: Path) -> Path:
    """Where a blind sample keeps the tool's labels: ``<name>.key.csv`` beside it."""
    return Path(path).with_suffix(".key.csv")


def split_blind(
    sample: Sample,
) -> tuple[list[str], list[list[object]], list[str], list[list[object]]]:
    """A blind sample: the coder's file without the ``tool_`` columns, and the key file
    (``item_id`` and the ``tool_`` columns) that :func:`score_file` joins back."""
    keep = [i for i, h in enumerate(sample.header) if not h.startswith("tool_")]
    tool = [0] + [i for i, h in enumerate(sample.header) if h.startswith("tool_")]
    return (
        [sample.header[i] for i in keep],
        [[row[i] for i in keep] for row in sample.rows],
        [sample.header[i] for i in tool],
        [[row[i] for i in tool] for row in sample.rows],
    )


def score_file(path: Path, key: Path | None = None) -> ScoreReport:
    """Score a coded file; a blind one gets the tool's labels from its key file."""
    header, rows = read_coded(path)
    key = key or key_path(path)
    if not any(h.startswith("tool_") for h in header) and Path(key).is_file():
        key_header, key_rows = read_coded(key)
        if "item_id" not in header or "item_id" not in key_header:
            raise ValidationError(f"{path} and {key} need an item_id column to be joined")
        labels = {r["item_id"]: r for r in key_rows}
        missing = [r["item_id"] for r in rows if r["item_id"] not in labels]
        if missing:
            raise ValidationError(f"{key} has no row for item_id {missing[0]} of {path}")
        header = header + [h for h in key_header if h.startswith("tool_")]
        rows = [{**labels[r["item_id"]], **r} for r in rows]
    return score(header, rows, str(path))


def fmt(value: float | None, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals; ``-`` for None."""
    return "-" if value is None else f"{value:.{digits}f}"


def fmt_interval(interval: Interval) -> str:
    """A value and its interval as text (``0.81 [0.74, 0.87]``)."""
    if interval.value is None:
        return "-"
    if interval.low is None or interval.high is None:
        return fmt(interval.value)
    return f"{fmt(interval.value)} [{fmt(interval.low)}, {fmt(interval.high)}]"


def score_html(report: ScoreReport) -> str:
    """A small self-contained HTML page of the scores."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Validation of {e(Path(report.path).name)}</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}",
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}",
        "th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}",
        "th:first-child,td:first-child{text-align:left}.diag{background:#e8f1fa;font-weight:600}",
        "</style></head><body>",
        f"<h1>Tool against coder: {e(Path(report.path).name)}</h1>",
        f"<p>{report.rows} rows read on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The coder's "
        "label is taken as the truth. 95% intervals: Wilson score for precision, recall and "
        f"accuracy; percentile bootstrap ({BOOTSTRAP_RESAMPLES} resamples) for F1 and kappa.</p>",
    ]
    for f in report.fields:
        parts += [
            f"<h2>{e(f.name)}</h2>",
            f"<p>{f.coded} coded items ({f.uncodable} marked uncodable). Accuracy "
            f"<b>{e(fmt_interval(f.accuracy))}</b>, Cohen's kappa "
            f"<b>{e(fmt_interval(f.kappa))}</b>.</p>",
            *(
                [f"<p><b>Not codebook labels</b> (typos?): {e(unknown_text(f))}.</p>"]
                if f.unknown
                else []
            ),
            "<table><tr><th>label</th><th>coder</th><th>tool</th><th>precision</th>"
            "<th>recall</th><th>F1</th></tr>",
        ]
        for s in f.labels:
            parts.append(
                f"<tr><td>{e(s.label)}</td><td>{s.support}</td><td>{s.predicted}</td>"
                f"<td>{e(fmt_interval(s.precision))}</td><td>{e(fmt_interval(s.recall))}</td>"
                f"<td>{e(fmt_interval(s.f1))}</td></tr>"
            )
        parts.append(
            "</table><p>Confusion matrix (rows: coder, columns: tool)</p><table><tr><th></th>"
        )
        parts += [f"<th>{e(label)}</th>" for label in f.matrix_labels]
        parts.append("</tr>")
        for r, label in enumerate(f.matrix_labels):
            cells = "".join(
                f"<td class='diag'>{v}</td>" if r == c else f"<td>{v}</td>"
                for c, v in enumerate(f.matrix[r])
            )
            parts.append(f"<tr><th>{e(label)}</th>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def unknown_text(field_score: FieldScore) -> str:
    """The labels the coder used outside the codebook, with their counts."""
    return ", ".join(f"{label} ({n})" for label, n in field_score.unknown.items())
