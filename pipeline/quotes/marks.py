"""Find spans inside quotation marks.

Handles straight and curly marks, single and double, French guillemets « » and „ “; a quote
that runs over several paragraphs (opening mark on each paragraph, closing mark on the last)
is one span; marks nested inside a quote are part of it; apostrophes are not quote marks.
Whether a span is a quote (rather than a scare quote or a title) is decided later, with its
attribution (:mod:`pipeline.quotes.find`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Every character that opens or closes a quotation (evaluation ignores them when it counts).
QUOTE_CHARS = "\"'“”„‟«»‘’‚‛‹›"


def strip_span(
    text: str, start: int, end: int, chars: str = " \t\r\n\u00a0\u202f"
) -> tuple[int, int]:
    """``start``/``end`` moved inwards past ``chars``."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


# opening mark -> closing marks accepted for it
_DOUBLE_FAMILIES: dict[str, str] = {
    '"': '"”',
    "“": "”“",
    "„": "“”",
    "«": "»",
    "‟": "”",
    "”": "”“",  # sloppy typesetting: a right mark used to open
}
_SINGLE_FAMILIES: dict[str, str] = {"'": "'’", "‘": "’'", "‚": "‘’", "‹": "›"}
_ALWAYS_OPENING = set("“„«‘‚‹‟")
_OPEN_BEFORE = set(" \t\n\u00a0\u202f([{—–-/\"'“‘«„:;")
_CLOSE_AFTER = set(" \t\n\u00a0\u202f)]}.,;:!?—–-\"'”’»…")
_MAX_SINGLE_LEN = 600
_SPACES = " \t\r\n\u00a0\u202f"


@dataclass(slots=True)
class MarkedSpan:
    """A stretch of text inside quotation marks."""

    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or end of the paragraph if unclosed)
    inner_start: int  # the quoted words, marks, spaces and a trailing comma excluded
    inner_end: int
    mark: str  # the opening mark
    closed: bool
    paragraphs: int  # number of paragraphs the span runs over

    @property
    def single(self) -> bool:
        """Whether the span opens with a single mark (' ‘ ‚ ‹), which may also be an
        apostrophe."""
        return self.mark in _SINGLE_FAMILIES


def _opening_context(text: str, i: int) -> bool:
    c = text[i]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if c == "«":
        return bool(nxt) and nxt != "\n"  # French spacing: « with a (thin) space
    if not nxt or nxt in _SPACES:
        return False
    prev = text[i - 1] if i > 0 else " "
    if c in _ALWAYS_OPENING:
        # "‘" after a letter is a misplaced apostrophe ("rock ‘n’ roll" aside).
        return not (c in "‘‚" and prev.isalnum())
    if c in "'’":
        return prev in _OPEN_BEFORE and nxt.isalpha()
    return prev in _OPEN_BEFORE


def _closing_context(text: str, k: int) -> bool:
    prev = text[k - 1] if k > 0 else " "
    nxt = text[k + 1] if k + 1 < len(text) else " "
    if text[k] == "»":
        return True
    if prev in _SPACES:
        return False
    return nxt in _CLOSE_AFTER or nxt in _SPACES


def _next_paragraph_start(text: str, k: int) -> int:
    """Offset of the first non-space character after position ``k`` (a newline)."""
    n = len(text)
    while k < n and text[k] in _SPACES:
        k += 1
    return k


def _find_close(text: str, i: int, closers: str, single: bool) -> tuple[int, bool, int]:
    """Scan for the mark closing the quote opened at ``i``.

    Returns (offset of closing mark or end of span, closed?, paragraphs spanned).
    """
    n = len(text)
    k = i + 1
    paragraphs = 1
    opener = text[i]
    while k < n:
        c = text[k]
        if c == "\n":
            if single:
                return k, False, paragraphs
            nxt = _next_paragraph_start(text, k)
            if nxt < n and (text[nxt] == opener or text[nxt] in _DOUBLE_FAMILIES):
                # Multi-paragraph quote: the next paragraph reopens it.
                paragraphs += 1
                k = nxt + 1
                continue
            return k, False, paragraphs
        if c in closers and _closing_context(text, k):
            if single and c == "’" and k + 1 < n and text[k + 1].isalpha():
                k += 1
                continue
            return k, True, paragraphs
        if single and k - i > _MAX_SINGLE_LEN:
            return k, False, paragraphs
        k += 1
    return n, False, paragraphs


def _inner(text: str, start: int, end: int) -> tuple[int, int]:
    s, e = strip_span(text, start, end)
    # The comma (or colon) before the attribution is not part of the quote.
    while e > s and text[e - 1] in ",;:" + _SPACES:
        e -= 1
    return s, e


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """All top-level quoted spans in ``text``, in order; nested marks stay inside."""
    spans: list[MarkedSpan] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _DOUBLE_FAMILIES or c in _SINGLE_FAMILIES or c == "’":
            c_family = "'" if c == "’" else c
            single = c_family in _SINGLE_FAMILIES
            if _opening_context(text, i):
                closers = _SINGLE_FAMILIES[c_family] if single else _DOUBLE_FAMILIES[c_family]
                k, closed, paras = _find_close(text, i, closers, single)
                if single and not closed:
                    i += 1
                    continue
                s, e = _inner(text, i + 1, k)
                if e > s:
                    end = k + 1 if closed else k
                    spans.append(MarkedSpan(i, end, s, e, c, closed, paras))
                    i = end
                    continue
        i += 1
    return spans
