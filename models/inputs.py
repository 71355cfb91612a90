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
