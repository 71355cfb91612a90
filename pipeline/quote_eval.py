"""Evaluate the quote stage against gold quotes (devset JSONL or demo-site Markdown).

Matching (per quote type, direct and indirect separately):
- a gold quote is *found* when one predicted quote of the same type covers at least 80% of
  its characters, counted after normalising quote marks and white space (quote marks and
  spaces do not count);
- a predicted quote is *correct* when it overlaps a gold quote of the same type.
Speaker accuracy is measured on found quotes (the predicted quote covering most of the gold
quote); role accuracy, macro-F1 and the confusion matrix on found quotes whose speaker is right.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.quotes import extract_quotes
from pipeline.quotes_orgs import Organisation, default_table
from pipeline.quotes_text import QUOTE_CHARS
from pipeline.records import QUOTE_TYPES, SPEAKER_ROLES, STANCES, Quote
from pipeline.speakers import assign_roles

COVERAGE = 0.8
_NOT_COUNTED = set(QUOTE_CHARS) | set(" \t\r\n\u00a0\u202f")


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(slots=True)
class GoldQuote:
    text: str
    quote_type: str
    speaker: str | None
    speaker_role: str | None
    speaker_org: str | None
    start: int = -1
    end: int = -1
    stance: str | None = None


@dataclass(slots=True)
class GoldArticle:
    id: str
    text: str
    language: str | None
    quotes: list[GoldQuote]
    title: str = ""
    relevant: bool | None = None
    stance: str | None = None  # article stance (relevant articles)


# --- loading -------------------------------------------------------------------------------


def _gold_quote(raw: Any, path: Path | str, line: int | None) -> GoldQuote:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise GoldError(path, line, "each quote needs a 'text' string")
    qt = raw.get("quote_type")
    if qt not in QUOTE_TYPES:
        raise GoldError(path, line, f"quote_type {qt!r} is not one of {', '.join(QUOTE_TYPES)}")
    role = raw.get("speaker_role") or None
    if role is not None and role not in SPEAKER_ROLES:
        raise GoldError(path, line, f"speaker_role {role!r} is not a codebook role")
    return GoldQuote(
        text=raw["text"],
        quote_type=qt,
        speaker=raw.get("speaker") or None,
        speaker_role=role,
        speaker_org=raw.get("speaker_org") or None,
        stance=_stance(raw.get("stance"), path, line),
    )


def _stance(value: Any, path: Path | str, line: int | None) -> str | None:
    if value is None or value in STANCES:
        return value
    raise GoldError(path, line, f"stance {value!r} is not one of {', '.join(STANCES)}")


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


def load_jsonl(path: Path) -> list[GoldArticle]:
    out: list[GoldArticle] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(path, n, f"not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise GoldError(path, n, "each line must be an object with a 'text' string")
            quotes = obj.get("quotes", [])
            if not isinstance(quotes, list):
                raise GoldError(path, n, "'quotes' must be a list")
            art = GoldArticle(
                id=str(obj.get("id", n)),
                text=obj["text"],
                language=obj.get("language"),
                quotes=[_gold_quote(q, path, n) for q in quotes],
            )
            _locate(art, path, n)
            out.append(art)
    return out


_FRONT_RE = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n?(.*)\Z", re.DOTALL)


def load_markdown(path: Path) -> GoldArticle:
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
        stance=_stance(meta.get("stance"), path, None) if relevant else None,
    )
    _locate(art, path, None)
    return art


def load_gold(path: Path | str) -> list[GoldArticle]:
    """Gold articles from a devset-format JSONL file or a directory of demo-site .md files."""
    p = Path(path)
    if not p.exists():
        raise GoldError(p, None, "no such file or directory")
    if p.is_dir():
        files = sorted(p.rglob("*.md"))
        if not files:
            raise GoldError(p, None, "no .md files in this directory")
        return [load_markdown(f) for f in files]
    return load_jsonl(p)


# --- matching ------------------------------------------------------------------------------


def _counted(text: str, start: int, end: int) -> int:
    return sum(1 for c in text[start:end] if c not in _NOT_COUNTED)


def _covered(text: str, gold: tuple[int, int], pred: tuple[int, int]) -> int:
    s, e = max(gold[0], pred[0]), min(gold[1], pred[1])
    return _counted(text, s, e) if e > s else 0


def _norm_name(name: str | None) -> list[str]:
    if not name:
        return []
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    toks = re.findall(r"[\w]+", s.replace("’", "'"))
    drop = {"mr", "mrs", "ms", "dr", "rep", "reps", "sen", "m", "mme", "prof", "the", "le", "la"}
    return [t for t in toks if t not in drop]


_NO_SPEAKER = re.compile(r"^(?:unknown|unattributed.*|none|)$", re.IGNORECASE)


def same_speaker(gold: str | None, pred: str | None) -> bool:
    """Whether a predicted speaker names the gold speaker (surname or full name)."""
    if gold is None or _NO_SPEAKER.match(gold.strip()):
        return pred is None
    g, p = _norm_name(gold), _norm_name(pred)
    if not g or not p:
        return False
    if g == p:
        return True
    # One organisation under two of its names ("CBSA" / "Canada Border Services Agency").
    og, op = _org_of(gold), _org_of(pred or "")
    if og is not None and og is op:
        return True
    gs, ps = set(g), set(p)
    return (ps <= gs or gs <= ps) and g[-1] == p[-1]


def _org_of(name: str) -> Organisation | None:
    table = default_table()
    s = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()
    s = re.sub(r"^(?:the|la|le|l['’])\s+", "", s, flags=re.IGNORECASE)
    return table.lookup(s)


@dataclass(slots=True)
class TypeScores:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class EvalResult:
    by_type: dict[str, TypeScores] = field(default_factory=dict)
    speaker_total: int = 0
    speaker_correct: int = 0
    role_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted)
    articles: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    @property
    def role_accuracy(self) -> float:
        if not self.role_pairs:
            return 0.0
        return sum(g == p for g, p in self.role_pairs) / len(self.role_pairs)

    @property
    def role_macro_f1(self) -> float:
        return macro_f1(self.role_pairs)

    def confusion(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for g, p in self.role_pairs:
            out.setdefault(g, Counter())[p] += 1
        return out


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    if not labels:
        return 0.0
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


Extractor = Callable[[GoldArticle], list[Quote]]


def default_extractor(role_clf: Any | None = None) -> Extractor:
    def run(article: GoldArticle) -> list[Quote]:
        quotes = extract_quotes(article.text, article.language, article.id)
        assign_roles(article.text, quotes, role_clf)
        return quotes

    return run


def evaluate(articles: Iterable[GoldArticle], extractor: Extractor | None = None) -> EvalResult:
    run = extractor or default_extractor()
    res = EvalResult(by_type={t: TypeScores() for t in QUOTE_TYPES})
    for art in articles:
        res.articles += 1
        preds = run(art)
        text = art.text
        for qt in QUOTE_TYPES:
            golds = [g for g in art.quotes if g.quote_type == qt]
            ps = [p for p in preds if p.quote_type == qt]
            sc = res.by_type[qt]
            sc.gold += len(golds)
            sc.predicted += len(ps)
            for p in ps:
                if any(_covered(text, (g.start, g.end), (p.char_start, p.char_end)) for g in golds):
                    sc.correct += 1
                else:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "false_positive",
                            "type": qt,
                            "text": p.text[:120],
                            "speaker": p.speaker,
                        }
                    )
            for g in golds:
                need = _counted(text, g.start, g.end)
                best, best_cov = None, 0
                for p in ps:
                    cov = _covered(text, (g.start, g.end), (p.char_start, p.char_end))
                    if cov > best_cov:
                        best, best_cov = p, cov
                if best is None or need == 0 or best_cov / need < COVERAGE:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "missed",
                            "type": qt,
                            "text": g.text[:120],
                            "speaker": g.speaker,
                        }
                    )
                    continue
                sc.found += 1
                res.speaker_total += 1
                if same_speaker(g.speaker, best.speaker):
                    res.speaker_correct += 1
                    if g.speaker_role:
                        res.role_pairs.append((g.speaker_role, best.speaker_role or "unknown"))
                        if g.speaker_role != best.speaker_role:
                            res.errors.append(
                                {
                                    "article": art.id,
                                    "kind": "role",
                                    "type": qt,
                                    "text": g.text[:60],
                                    "speaker": g.speaker,
                                    "gold": g.speaker_role,
                                    "predicted": best.speaker_role,
                                }
                            )
                else:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "speaker",
                            "type": qt,
                            "text": g.text[:60],
                            "gold": g.speaker,
                            "predicted": best.speaker,
                        }
                    )
    return res


def summary(res: EvalResult) -> dict[str, Any]:
    """The figures as a plain dict (for JSON output and tests)."""
    out: dict[str, Any] = {"articles": res.articles}
    for qt, sc in res.by_type.items():
        out[qt] = {
            "gold": sc.gold,
            "found": sc.found,
            "predicted": sc.predicted,
            "correct": sc.correct,
            "precision": round(sc.precision, 4),
            "recall": round(sc.recall, 4),
            "f1": round(sc.f1, 4),
        }
    out["speaker_accuracy"] = round(res.speaker_accuracy, 4)
    out["speaker_evaluated"] = res.speaker_total
    out["role_accuracy"] = round(res.role_accuracy, 4)
    out["role_macro_f1"] = round(res.role_macro_f1, 4)
    out["role_evaluated"] = len(res.role_pairs)
    return out
