"""Text helpers for the quote stage: paragraphs, sentences, words and normalisation.

All functions work on offsets into the original article text, so that every span the quote
stage produces can be cut back out of ``Article.text`` unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pipeline.quotes_lexicon import ABBREVIATIONS

Span = tuple[int, int]

QUOTE_CHARS = "\"'“”„‟«»‘’‚‛‹›"
_QUOTE_TRANSLATION = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
    }
)
_WS_RE = re.compile(r"\s+")
WORD_RE = re.compile(r"[^\W_](?:[\w.'’\-]*[^\W_])?\.?", re.UNICODE)
_PARA_RE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? or … (possibly followed by closing quotes or brackets), then space.
_SENT_END_RE = re.compile(r"([.!?…]+)([\"'”“’»)\]]*)(\s+)")


def normalise_quotes(s: str) -> str:
    """Straighten curly quotes and guillemets, collapse white space, strip."""
    s = unicodedata.normalize("NFC", s).translate(_QUOTE_TRANSLATION)
    return _WS_RE.sub(" ", s).strip()


def strip_span(text: str, start: int, end: int, chars: str = " \t\r\n\u00a0\u202f") -> Span:
    """Shrink [start, end) so that it neither starts nor ends with ``chars``."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def paragraph_spans(text: str) -> list[Span]:
    """Non-blank lines of ``text``, trimmed, as spans."""
    spans: list[Span] = []
    for m in _PARA_RE.finditer(text):
        s, e = strip_span(text, m.start(), m.end())
        if e > s:
            spans.append((s, e))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` ends an abbreviation or an initial rather than a sentence."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower().rstrip(".")
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # Single capital letter: an initial ("Elise M. Stefanik", "J. Smith").
    return len(word) == 1 and text[j].isupper()


def sentence_spans(text: str, start: int, end: int, protected: Iterable[Span] = ()) -> list[Span]:
    """Split text[start:end] (one paragraph) into sentence spans.

    Boundaries inside ``protected`` spans (direct quotes) are ignored, so that a quoted
    passage of several sentences stays within the sentence that attributes it.
    """
    prot = [p for p in protected if p[1] > start and p[0] < end]
    spans: list[Span] = []
    cur = start
    for m in _SENT_END_RE.finditer(text, start, end):
        punct_end = m.end(2)
        nxt = m.end()
        if nxt >= end:
            break
        # Inside a quote, only a stop that the closing mark follows ends the sentence.
        if any(ps < m.start(1) < pe - 1 and punct_end != pe for ps, pe in prot):
            continue
        if m.group(1) == "." and _is_abbreviation(text, m.start(1)):
            continue
        follower = text[nxt]
        if not (follower.isupper() or follower.isdigit() or follower in QUOTE_CHARS + "(["):
            continue
        s, e = strip_span(text, cur, punct_end)
        if e > s:
            spans.append((s, e))
        cur = nxt
    s, e = strip_span(text, cur, end)
    if e > s:
        spans.append((s, e))
    return spans


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Word tokens of text[start:end] with their offsets."""
    end = len(text) if end is None else end
    out = []
    for m in WORD_RE.finditer(text, start, end):
        w = m.group()
        # A trailing period belongs to the word only for abbreviations/initials.
        if w.endswith(".") and not _is_abbreviation(text, m.end() - 1) and "." not in w[:-1]:
            out.append((w[:-1], m.start(), m.end() - 1))
        else:
            out.append((w, m.start(), m.end()))
    return out


def count_words(s: str) -> int:
    return len(WORD_RE.findall(s))


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))
