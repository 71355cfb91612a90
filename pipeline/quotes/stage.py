"""The quote stage as one object: parse, find quotes, gather candidates, attribute, describe.

``QuoteStage`` holds what is loaded once (the spaCy pipelines, word lists, organisation table
and speaker ranker) and nothing that one call leaves for the next: :meth:`QuoteStage.analyse`
returns every quote with the description of its speaker, which the role step reads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from pipeline.core.language import guess_language
from pipeline.core.records import Quote
from pipeline.quotes.attribute import Candidate, Ranker, attribute, load_rankers
from pipeline.quotes.candidates import Candidates, Entity, find_candidates
from pipeline.quotes.find import FoundQuote, find_quotes
from pipeline.quotes.lexicon import Lexicon, load_lexicon
from pipeline.quotes.marks import find_marked_spans
from pipeline.quotes.nlp import load_pipeline
from pipeline.quotes.orgs import OrgTable, default_table
from pipeline.quotes.role_rules import RoleRules, default_role_rules
from pipeline.quotes.roles import SpeakerMention, describe_speaker

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000  # longer texts are cut
# Longer texts are analysed in parts of at most this many characters, cut at paragraph
# breaks: finding quotes and candidates compares every quote with every quotation mark and
# entity, so one long document costs the square of its length (a 500 KB article: two minutes).
PART_CHARS = 20_000

# Candidate kinds (pipeline.quotes.attribute) as the database's speaker_kind.
SPEAKER_KIND = {
    "person": "person",
    "org": "organisation",
    "group": "group",
    "description": "description",
}


@dataclass(slots=True)
class Attributed:
    """A quote and what the article says about its speaker."""

    quote: Quote
    mention: SpeakerMention


@dataclass
class QuoteStage:
    """Everything the stage loads once; calls share nothing else."""

    rankers: dict[str, Ranker]
    table: OrgTable
    roles: RoleRules = field(default_factory=default_role_rules)
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    pipelines: dict[str, Any] = field(default_factory=dict)
    part_chars: int = PART_CHARS  # longer texts are analysed in parts (split_parts)

    @classmethod
    def load(cls, organisations: Path | None = None) -> QuoteStage:
        """The stage, with the organisation table at ``organisations`` (default:
        ``data/organisations.toml``)."""
        table = default_table(str(organisations) if organisations else None)
        return cls(rankers=load_rankers(), table=table, roles=default_role_rules())

    def ranker(self, lang: str) -> Ranker:
        """The speaker ranker for ``lang``, or the English one when ``lang`` has none."""
        return self.rankers.get(lang) or self.rankers["en"]

    def lexicon(self, lang: str) -> Lexicon:
        """The word lists for ``lang``, read on first use and kept."""
        if lang not in self.lexicons:
            self.lexicons[lang] = load_lexicon(lang)
        return self.lexicons[lang]

    def nlp(self, lang: str) -> Language:
        """The spaCy pipeline for ``lang``, loaded on first use and kept."""
        if lang not in self.pipelines:
            self.pipelines[lang] = load_pipeline(lang)
        return self.pipelines[lang]

    @staticmethod
    def language_of(text: str, language: str | None) -> str:
        """The pipeline language for ``text``: "fr" or "en" (guessed when not given)."""
        lang = (language or "").lower()[:2] or (guess_language(text[:5000]) or "en")
        return "fr" if lang == "fr" else "en"

    def parse(self, text: str, language: str | None) -> tuple[str, Doc]:
        """The pipeline language for ``text`` and ``text`` parsed by that pipeline."""
        lang = self.language_of(text, language)
        return lang, self.nlp(lang)(text)

    def found(
        self, text: str, language: str | None, doc: Doc | None = None
    ) -> tuple[Doc, Lexicon, list[FoundQuote], Candidates]:
        """The parsed document (``doc`` when given: its language then picks the word lists),
        the word lists, the quotes in ``text`` and the speaker candidates."""
        if doc is None:
            lang, doc = self.parse(text, language)
        else:
            lang = "fr" if doc.lang_ == "fr" else "en"
        lex = self.lexicon(lang)
        marks = find_marked_spans(text)
        quotes = find_quotes(doc, text, lex, marks)
        quoted = [(m.start, m.end) for m in marks]
        return doc, lex, quotes, find_candidates(doc, lex, self.table, quoted)

    def analyse(self, text: str, language: str | None, article_id: str = "") -> list[Attributed]:
        """Quotes in ``text`` with their speakers and speaker descriptions."""
        if not text or not text.strip():
            return []
        text = text[:MAX_CHARS]
        parts = split_parts(text, self.part_chars)
        lang = self.language_of(text, language)
        docs = self.nlp(lang).pipe([part for _, part in parts]) if len(parts) > 1 else None
        return self._analyse_parts(parts, lang, article_id, docs)

    def analyse_many(
        self, articles: list[tuple[str, str | None, str]], batch_size: int = 32
    ) -> list[list[Attributed]]:
        """:meth:`analyse` for many ``(text, language, article_id)`` at once, in order: each
        language's texts are parsed together (spaCy's ``pipe``), which is faster per article
        than one call each. The results are those of :meth:`analyse`."""
        out: list[list[Attributed]] = [[] for _ in articles]
        by_lang: dict[str, list[int]] = {}
        for i, (text, language, _) in enumerate(articles):
            if text and text.strip():
                by_lang.setdefault(self.language_of(text[:MAX_CHARS], language), []).append(i)
        for lang, idx in by_lang.items():
            parts = {i: split_parts(articles[i][0][:MAX_CHARS], self.part_chars) for i in idx}
            docs = self.nlp(lang).pipe(
                (part for i in idx for _, part in parts[i]), batch_size=batch_size
            )
            for i in idx:
                out[i] = self._analyse_parts(parts[i], lang, articles[i][2], docs)
        return out

    def _analyse_parts(
        self,
        parts: list[tuple[int, str]],
        lang: str,
        article_id: str,
        docs: Iterator[Doc] | None,
    ) -> list[Attributed]:
        """The quotes of an article's ``parts`` (offset, text), each parsed by the next of
        ``docs`` (or here, when ``docs`` is None), as one list: offsets into the whole text,
        quotes numbered in order."""
        out: list[Attributed] = []
        for offset, part in parts:
            doc = next(docs) if docs is not None else None
            found = self._analyse(part, lang, article_id, doc)
            for a in found:
                a.quote.char_start += offset
                a.quote.char_end += offset
                a.quote.quote_index = len(out)
                out.append(a)
        return out

    def _analyse(
        self, text: str, language: str | None, article_id: str, doc: Doc | None
    ) -> list[Attributed]:
        doc, lex, quotes, cands = self.found(text, language, doc)
        chosen = attribute(doc, quotes, cands, lex, self.ranker(lex.language))
        out: list[Attributed] = []
        described: dict[tuple[str | None, str], SpeakerMention] = {}
        for i, (q, (cand, _score)) in enumerate(zip(quotes, chosen, strict=True)):
            mention = self._describe(text, cand, cands, described)
            quote = Quote(
                article_id=article_id,
                quote_index=i,
                text=text[q.start : q.end],
                quote_type=q.quote_type,
                speaker=cand.speaker if cand is not None else None,
                speaker_role=mention.rule_role,
                speaker_org=mention.org,
                speaker_role_score=round(mention.rule_score, 4),
                char_start=q.start,
                char_end=q.end,
                speaker_kind=SPEAKER_KIND.get(cand.kind) if cand is not None else None,
            )
            out.append(Attributed(quote, mention))
        return out

    def _describe(
        self,
        text: str,
        cand: Candidate | None,
        cands: Candidates,
        cache_: dict[tuple[str | None, str], SpeakerMention],
    ) -> SpeakerMention:
        if cand is None:
            return describe_speaker(text, None, "none", rules=self.roles)
        key = (cand.speaker, cand.kind)
        if key in cache_:
            return cache_[key]
        if cand.entity is not None:
            ent: Entity = cands.entities[cand.entity]
            # Every way the article introduced the speaker, richest first.
            parts = [f"{t} {ent.name}" for t in ent.titles] + [
                f"{ent.name}, {d}" for d in ent.descriptions
            ]
            if ent.titles and ent.descriptions:
                parts.insert(0, f"{ent.titles[0]} {ent.name}, {ent.descriptions[0]}")
            kind = "person" if ent.kind == "person" else "org"
            m = describe_speaker(
                text, ent.name, kind, sorted(parts, key=len, reverse=True), self.table, self.roles
            )
        else:
            # A description: a group ("critics") or one unnamed person or body ("a police
            # source", "the department"), described by its own words.
            kind = "group" if cand.kind == "group" else "person"
            m = describe_speaker(text, cand.speaker, kind, [cand.speaker], self.table, self.roles)
        cache_[key] = m
        return m


def split_parts(text: str, size: int = PART_CHARS) -> list[tuple[int, str]]:
    """``text`` as parts of at most ``size`` characters, each with its offset: cut after the
    last paragraph break (else line break, else space) in the second half of each part."""
    parts: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + size // 2, end)
            if cut != -1:
                end = cut + len(sep)
                break
        parts.append((start, text[start:end]))
        start = end
    parts.append((start, text[start:]))
    return parts


@cache
def default_stage() -> QuoteStage:
    """The stage with the shipped word lists, spaCy pipelines and ranker (loaded once)."""
    return QuoteStage.load()


def extract_quotes(text: str, language: str | None, article_id: str = "") -> list[Quote]:
    """Direct and reported quotes in ``text`` with speakers, organisations and first roles."""
    return [a.quote for a in analyse(text, language, article_id)]


def analyse(text: str, language: str | None, article_id: str = "") -> list[Attributed]:
    """:meth:`QuoteStage.analyse` with the default stage; bad input returns an empty list.

    A stage that cannot load (a spaCy package missing) raises: that is not the article's fault.
    """
    stage = default_stage()
    try:
        return stage.analyse(text, language, article_id)
    except Exception:  # bad input must never stop the pipeline
        log.exception("quote extraction failed for article %r", article_id)
        return []
