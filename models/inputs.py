"""What the classifiers read from an article, the same in training, serving and evaluation."""

from __future__ import annotations

from pipeline.core.records import Quote

MAX_QUOTE_WEIGHT_WORDS = 60


def compose_article_text(title: str | None, text: str) -> str:
    """The classifier input for an article: headline, blank line, body."""
    title = (title or "").strip()
    return f"{title}\n\n{text}" if title else text


def quote_weight(quote: Quote) -> float:
    """Space the article gives a quote: its word count, capped."""
    return float(min(len(quote.text.split()), MAX_QUOTE_WEIGHT_WORDS)) or 1.0


def quote_context(text: str, start: int, end: int, chars: int) -> tuple[str, str]:
    """Up to ``chars`` characters of the quote's own paragraph before ``start`` and after
    ``end`` in ``text`` (cut at whole words): where the article says who speaks and how."""
    if chars <= 0 or not 0 <= start <= end <= len(text):
        return "", ""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end == -1 else para_end
    left = text[max(para_start, start - chars) : start]
    if start - chars > para_start:  # cut mid-paragraph: drop the partial first word
        left = left.split(" ", 1)[1] if " " in left else ""
    right = text[end : min(para_end, end + chars)]
    if end + chars < para_end:
        right = right.rsplit(" ", 1)[0] if " " in right else ""
    return " ".join(left.split()), " ".join(right.split())


def compose_quote_text(quote: str, before: str = "", after: str = "") -> str:
    """The classifier input for a quote: the span, then (when given) its context in the
    article with the span itself left out: ``quote + blank line + before … after``."""
    if not before and not after:
        return quote
    return f"{quote}\n\n{before} … {after}".strip()


def quote_input(quote: str, article_text: str, start: int, end: int, chars: int) -> str:
    """``compose_quote_text`` from a quote located at ``start:end`` of ``article_text`` (the
    span is looked up when the offsets do not point at it; no context when not found)."""
    if chars <= 0:
        return quote
    if article_text[start:end] != quote:
        start = article_text.find(quote)
        if start == -1:
            return quote
        end = start + len(quote)
    return compose_quote_text(quote, *quote_context(article_text, start, end, chars))


def without_quotes(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` span replaced by "…" (the author's own words)."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or not 0 <= start <= end <= len(text):
            continue  # overlapping or out of range: keep the text
        out += [text[pos:start], "…"]
        pos = end
    return "".join([*out, text[pos:]])


def quote_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where each quote text first occurs in ``text`` after the previous one (order of
    appearance; else anywhere); quotes not found are skipped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for quote in quotes:
        i = text.find(quote, pos) if quote else -1
        if i == -1 and quote:
            i = text.find(quote)
        if i == -1:
            continue
        spans.append((i, i + len(quote)))
        pos = i + len(quote)
    return spans
