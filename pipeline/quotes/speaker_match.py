"""Matching predictions to gold: whether a predicted quote covers a gold one and whether a
predicted speaker names the gold speaker. The rules the quote evaluation
(:mod:`pipeline.evaluation.quotes`), the speaker ranker's training (:mod:`pipeline.quotes.train`),
the role lines (:mod:`pipeline.role_data`) and the corpus agreement
(:mod:`pipeline.corpus`) share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.quotes.marks import QUOTE_CHARS
from pipeline.quotes.orgs import Organisation, default_table

if TYPE_CHECKING:
    from pipeline.core.records import Quote

# A gold quote is found when one predicted quote covers this share of its counted characters.
COVERAGE = 0.8
_NOT_COUNTED = set(QUOTE_CHARS) | set(" \t\r\n\u00a0\u202f")


def counted(text: str, start: int, end: int) -> int:
    """Characters of ``text[start:end]`` that count: quote marks and white space do not."""
    return sum(1 for c in text[start:end] if c not in _NOT_COUNTED)


def covered(text: str, gold: tuple[int, int], pred: tuple[int, int]) -> int:
    """Counted characters of the gold span that the predicted span covers."""
    s, e = max(gold[0], pred[0]), min(gold[1], pred[1])
    return counted(text, s, e) if e > s else 0


def found_quote(text: str, start: int, end: int, predicted: Sequence[Quote]) -> Quote | None:
    """The predicted quote that finds the gold span ``text[start:end]``: the one covering most
    of its counted characters, if that is at least ``COVERAGE`` of them."""
    need = counted(text, start, end)
    best, best_cov = None, 0
    for p in predicted:
        cov = covered(text, (start, end), (p.char_start, p.char_end))
        if cov > best_cov:
            best, best_cov = p, cov
    if best is None or need == 0 or best_cov / need < COVERAGE:
        return None
    return best


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
    # The article: "the CBSA", "la GRC", "l’ASFC" (elided, with no space after it).
    s = re.sub(r"^(?:(?:the|la|le|les)\s+|l['’]\s*)", "", s, flags=re.IGNORECASE)
    return table.lookup(s)
