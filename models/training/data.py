"""Training data: JSONL files under ``models/training_data/`` read into labelled examples.

One object per line: ``{"text": ..., "label": ..., "lang": "en"|"fr", "split": ...}``. A task may
read its label from another field (``label_field``); a boolean field ``relevant`` gives the
labels ``relevant`` / ``not_relevant``; a null label leaves the line out of that task. A line with
a ``title`` is classified as ``title + blank line + text``, the same way articles are served.
``split`` is optional: without it the line's split is fixed by a hash of its text (see
``hash_split``), so the train/validation split is reproducible and stable as lines are added.

A task's ``extra_data`` may also name a folder of annotated article files (the demo site's
``content/``: TOML front matter with ``[[quotes]]``): each quote with a ``stance`` is read as
the line ``{"text": <quote>, "label": <stance>, "lang": <article language>}``. Its
``quote_data`` names gold sets read by ``pipeline.core.gold`` (the real-news corpus
``data/corpus/news.jsonl``, or such a folder) whose quotes are read the same way, each with its
article's ``split``.

``split`` is ``train``, ``validation`` or ``test``; ``test`` lines (the corpus's test part) are
read but never trained or validated on: they are for reporting only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from models.artifacts import DataError
from models.config import TaskConfig
from models.inputs import (
    compose_article_text,
    compose_quote_text,
    quote_context,
    quote_spans,
    without_quotes,
)
from pipeline.core.gold import GoldError, load_gold

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled training or evaluation text."""

    text: str
    label: str
    lang: str
    split: str


def hash_split(text: str, validation_percent: int) -> str:
    """``validation`` for a fixed ``validation_percent`` share of texts, by SHA-256 of the text."""
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:8], "big") % 100
    return "validation" if bucket < validation_percent else "train"


def read_jsonl(path: Path) -> list[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line; bad JSON raises ``DataError``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{number}: expected a JSON object")
        rows.append((number, obj))
    return rows


def label_of(obj: dict, field: str) -> str | None:
    """The task label of one line (booleans become ``field`` / ``not_<field>``)."""
    value = obj.get(field)
    if value is None:
        return None
    if isinstance(value, bool):
        return field if value else f"not_{field}"
    return value if isinstance(value, str) else None


def read_source(path: Path) -> list[tuple[str, dict]]:
    """``(where, object)`` rows of one training source: a JSONL file or an article folder."""
    if not path.exists():
        raise DataError(f"{path}: training source not found")
    if path.is_dir():
        return quote_rows(path)
    return [(f"{path}:{number}", obj) for number, obj in read_jsonl(path)]


def quote_rows(path: Path, context_chars: int = 0) -> list[tuple[str, dict]]:
    """Each annotated quote with a stance in a gold set, as a training line with its
    article's language and split (and, with ``context_chars``, ``context_before`` and
    ``context_after``: see ``quote_context``)."""
    try:
        articles = load_gold(path)
    except GoldError as exc:
        raise DataError(str(exc)) from None
    rows: list[tuple[str, dict]] = []
    for article in articles:
        lang = article.language or "en"
        for k, quote in enumerate(article.quotes):
            if quote.stance is not None:
                line = {"text": quote.text, "label": quote.stance, "lang": lang}
                if context_chars > 0:
                    before, after = quote_context(
                        article.text, quote.start, quote.end, context_chars
                    )
                    line["context_before"], line["context_after"] = before, after
                if article.split:
                    line["split"] = article.split
                rows.append((f"{path} {article.id} quote {k + 1}", line))
    if not rows:
        raise DataError(f"{path}: no annotated quotes")
    return rows


def task_rows(task: TaskConfig) -> list[tuple[str, dict]]:
    """``(where, object)`` rows of every training source of ``task``."""
    rows = [row for source in (task.data, *task.extra_data) for row in read_source(source)]
    return rows + [
        row for source in task.quote_data for row in quote_rows(source, task.quote_context)
    ]


def load_examples(task: TaskConfig) -> list[Example]:
    """All labelled examples of ``task`` (every language; see ``split_examples``)."""
    examples = [e for where, obj in task_rows(task) if (e := example_of(task, where, obj))]
    if not examples:
        raise DataError(f"{task.data}: no labelled examples for task {task.name!r}")
    return examples


def example_of(task: TaskConfig, where: str, obj: dict) -> Example | None:
    """The labelled example one source row gives ``task`` (None: the row's label is null);
    raises :class:`DataError` naming ``where`` for a malformed row."""
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: missing or empty 'text'")
    if task.label_field not in obj:
        raise DataError(f"{where}: missing label field {task.label_field!r}")
    raw = obj[task.label_field]
    label = label_of(obj, task.label_field)
    if raw is None:
        return None
    if label not in task.labels:
        raise DataError(f"{where}: label {raw!r} is not one of {list(task.labels)}")
    lang = obj.get("lang", obj.get("language", "en"))
    if not isinstance(lang, str) or not lang:
        raise DataError(f"{where}: 'lang' must be a language code such as 'en'")
    split = obj.get("split") or hash_split(text, task.validation_percent)
    if split not in SPLITS:
        raise DataError(f"{where}: 'split' must be one of {SPLITS}, got {split!r}")
    title = obj.get("title")
    if task.author_text and isinstance(obj.get("quotes"), list):
        quotes = [q.get("text") for q in obj["quotes"] if isinstance(q, dict)]
        text = without_quotes(text, quote_spans(text, [q for q in quotes if q]))
    if task.quote_context and ("context_before" in obj or "context_after" in obj):
        text = compose_quote_text(
            text, obj.get("context_before") or "", obj.get("context_after") or ""
        )
    return Example(
        text=compose_article_text(title if isinstance(title, str) else None, text),
        label=label,
        lang=lang.lower().split("-")[0],
        split=split,
    )


def split_examples(
    examples: list[Example], languages: tuple[str, ...]
) -> tuple[list[Example], list[Example]]:
    """``(train, validation)`` restricted to the languages the model covers."""
    covered = [e for e in examples if e.lang in languages]
    train = [e for e in covered if e.split == "train"]
    validation = [e for e in covered if e.split == "validation"]
    return train, validation
