"""The annotate stage parses a batch of articles together (QuoteStage.analyse_many) and gets
what one call per article gets; a batch that fails falls back to one article at a time."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.annotate import Annotator
from pipeline.core.config import load_topic
from pipeline.core.records import Article
from pipeline.quotes.roles import assign_roles
from pipeline.quotes.stage import QuoteStage

TEXTS = [
    (
        "en",
        "Marta Lindqvist, a lawyer who represents refugee claimants, spoke in Montreal. "
        "“The rules change every month and families cannot keep up,” Lindqvist said. "
        "The minister said the government would publish new figures next week.",
    ),
    (
        "fr",
        "Le porte-parole du ministère, Hugo Vermeil, a répondu aux questions. "
        "« Nous allons ouvrir un nouveau centre d'accueil au printemps », a déclaré M. Vermeil.",
    ),
    ("en", "   "),
    (
        None,
        "Refugee advocates gathered downtown on Sunday. “We need more shelter beds before "
        "the winter comes,” said Ada Brennan, who runs a shelter in the east end.",
    ),
]


def _articles() -> list[Article]:
    now = datetime(2026, 9, 1)
    return [
        Article(
            article_id=f"a{i}",
            url=f"https://example.test/{i}",
            canonical_url=f"https://example.test/{i}",
            outlet="Example",
            domain="example.test",
            title=f"Story {i}",
            authors=[],
            published_at=now,
            fetched_at=now,
            language=lang,
            text=text,
            word_count=len(text.split()),
        )
        for i, (lang, text) in enumerate(TEXTS)
    ]


def _one_by_one(articles: list[Article]) -> list[list]:
    """The quotes of one analyse call per article, with the rule roles the annotator gives."""
    stage = QuoteStage.load()
    out = []
    for a in articles:
        found = stage.analyse(a.text, a.language, a.article_id)
        assign_roles([(f.quote, f.mention) for f in found], None)
        out.append([f.quote for f in found])
    return out


def test_the_batch_gets_what_one_call_per_article_gets() -> None:
    annotator = Annotator(load_topic())
    articles = _articles()
    batched = [item.quotes for item in annotator.annotate(articles)]
    assert batched == _one_by_one(_articles())
    assert [len(q) for q in batched][2] == 0
    assert sum(len(q) for q in batched) >= 3


def test_a_failing_batch_falls_back_to_one_article_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: QuoteStage, articles: list, batch_size: int = 32) -> list:
        raise RuntimeError("invented failure")

    annotator = Annotator(load_topic())
    expected = [item.quotes for item in annotator.annotate(_articles())]
    monkeypatch.setattr(QuoteStage, "analyse_many", broken)
    assert [item.quotes for item in annotator.annotate(_articles())] == expected
