"""Gold data: one reader for every annotated set the evaluations and training read.

Formats:
- JSON Lines in the devset's format (``../shared/devset/devset.jsonl``, the real-news corpus
  ``data/corpus/news.jsonl``, the team set ``tests/data/quotes_gold.jsonl``): one article per
  line, ``{id, url, outlet, title, language, text, relevant, article_stance, quotes: [{text,
  quote_type, speaker, speaker_role, speaker_org, stance, confident}]}``; the corpus adds
  ``split`` (train / validation / test), ``published`` and ``article_stance_confident``;
- a folder of demo-site article files (``data/demo_site/content``: TOML front matter between
  ``+++`` lines, then the body).

Every label is checked against the codebook's names (``pipeline.core.records``); a problem raises
:class:`GoldError` naming the file, the line and the key. Quotes are located in the text in
order of appearance (``start``/``end``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.records import QUOTE_TYPES, SPEAKER_ROLES, STANCES

SPLITS = ("train", "validation", "test")


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(slots=True)
class GoldQuote:
    """One quote of a gold article, as the annotators marked it."""

    text: str
    quote_type: str | None  # None only in stance-only gold (the quote evaluator needs it)
    speaker: str | None
    speaker_role: str | None
    speaker_org: str | None
    start: int = -1
    end: int = -1
    stance: str | None = None
    confident: bool = True


@dataclass(slots=True)
class GoldArticle:
    """One annotated article of the gold data."""

    id: str
    text: str
    language: str | None
    quotes: list[GoldQuote]
    title: str = ""
    relevant: bool | None = None
    stance: str | None = None  # article stance (relevant articles)
    url: str = ""
    outlet: str = ""
    split: str | None = None


def _label(
    value: Any, allowed: tuple[str, ...], key: str, path: Path | str, line: int | None
) -> str | None:
    if value is None or value in allowed:
        return value
    raise GoldError(path, line, f"{key} {value!r} is not one of {', '.join(allowed)}")


def _gold_quote(raw: Any, path: Path | str, line: int | None) -> GoldQuote:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise GoldError(path, line, "each quote needs a 'text' string")
    qt = _label(raw.get("quote_type"), QUOTE_TYPES, "quote_type", path, line)
    confident = raw.get("confident", True)
    if not isinstance(confident, bool):
        raise GoldError(path, line, "quote key 'confident' must be true or false")
    return GoldQuote(
        text=raw["text"],
        quote_type=qt,
        speaker=raw.get("speaker") or None,
        speaker_role=_label(
            raw.get("speaker_role") or None, SPEAKER_ROLES, "speaker_role", path, line
        ),
        speaker_org=raw.get("speaker_org") or None,
        stance=_label(raw.get("stance"), STANCES, "stance", path, line),
        confident=confident,
    )


def _locate(article: GoldArticle, path: Path | str, line: int | None) -> None:
    """Find each gold quote in the text (in order of appearance, duplicates allowed)."""
    pos = 0
    for q in article.quotes:
        i = article.text.find(q.text, pos)
        if i == -1:
            i = article.text.find(q.text)
        if i == -1:
            raise GoldError(
                path, line, f"article {article.id}: quote not found in text: {q.text[:60]!r}"
            )
        q.start, q.end = i, i + len(q.text)
        pos = i


def _article(obj: Any, path: Path, n: int) -> GoldArticle:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise GoldError(path, n, "each line must be an object with a 'text' string")
    quotes = obj.get("quotes", [])
    if not isinstance(quotes, list):
        raise GoldError(path, n, "'quotes' must be a list")
    relevant = obj.get("relevant")
    if relevant is not None and not isinstance(relevant, bool):
        raise GoldError(path, n, "'relevant' must be true or false")
    split = _label(obj.get("split"), SPLITS, "split", path, n)
    art = GoldArticle(
        id=str(obj.get("id", n)),
        text=obj["text"],
        language=obj.get("language") or obj.get("lang"),
        quotes=[_gold_quote(q, path, n) for q in quotes],
        title=str(obj.get("title") or ""),
        relevant=relevant,
        stance=_label(obj.get("article_stance"), STANCES, "article_stance", path, n),
        url=str(obj.get("url") or ""),
        outlet=str(obj.get("outlet") or ""),
        split=split,
    )
    _locate(art, path, n)
    return art


def gold_articles(rows: Iterable[Any], source: Path) -> list[GoldArticle]:
    """Gold articles from rows already read (JSON objects in the JSONL format); errors name
    ``source`` and the row's number."""
    return [_article(obj, source, n) for n, obj in enumerate(rows, 1)]


def load_jsonl(path: Path) -> list[GoldArticle]:
    """The gold articles of a JSON Lines file; raises GoldError on text that is not UTF-8 or a
    line that is not a valid article."""
    out: list[GoldArticle] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise GoldError(path, None, "not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(path, n, f"not valid JSON ({exc.msg})") from None
        out.append(_article(obj, path, n))
    return out


_FRONT_RE = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n?(.*)\Z", re.DOTALL)


def load_markdown(path: Path) -> GoldArticle:
    """The gold article of a Markdown file with TOML front matter; raises GoldError when it is
    malformed."""
    raw = path.read_text(encoding="utf-8")
    m = _FRONT_RE.match(raw)
    if not m:
        raise GoldError(path, 1, "expected TOML front matter between '+++' lines")
    try:
        meta = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise GoldError(path, None, f"bad TOML front matter ({exc})") from None
    body = m.group(2).strip()
    relevant = meta.get("relevant")
    art = GoldArticle(
        id=str(path),
        text=body,
        language=meta.get("language"),
        quotes=[_gold_quote(q, path, None) for q in meta.get("quotes", [])],
        title=str(meta.get("title", "")),
        relevant=relevant if isinstance(relevant, bool) else None,
        stance=_label(meta.get("stance"), STANCES, "stance", path, None) if relevant else None,
        url=str(meta.get("url", "")),
        outlet=str(meta.get("outlet", "")),
    )
    _locate(art, path, None)
    return art


def load_gold(path: Path | str, split: str | None = None) -> list[GoldArticle]:
    """Gold articles from a devset-format JSONL file or a directory of demo-site .md files.

    ``split`` keeps only the rows of that part (``train``, ``validation`` or ``test``); the file
    must then carry a ``split`` on every row.
    """
    p = Path(path)
    if not p.exists():
        raise GoldError(p, None, "no such file or directory")
    if split is not None and split not in SPLITS:
        raise GoldError(p, None, f"--split {split!r} is not one of {', '.join(SPLITS)}")
    if p.is_dir():
        files = sorted(p.rglob("*.md"))
        if not files:
            raise GoldError(p, None, "no .md files in this directory")
        articles = [load_markdown(f) for f in files]
    else:
        articles = load_jsonl(p)
    if split is None:
        return articles
    if any(a.split is None for a in articles):
        raise GoldError(p, None, "--split needs a 'split' on every row, and some rows have none")
    kept = [a for a in articles if a.split == split]
    if not kept:
        raise GoldError(p, None, f"no rows in split {split!r}")
    return kept
