"""Attribute each quote to a speaker by ranking candidates.

For a quote, the candidates are the article's people and organisations mentioned before it
(and those its own cue names after it), plus the phrase the cue names when that phrase is not
a name ("a police source", "critics"). Each candidate gets features the field knows to matter
(the subject of the speech verb, pronoun gender and number, the last named speaker, distance,
"told <outlet>" making the outlet a listener); a logistic regression trained on the corpus's
train part (:mod:`pipeline.quotes.train`) scores them and the best one is the speaker.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.paths import REFERENCE_DIR
from pipeline.quotes.candidates import Candidates, Entity
from pipeline.quotes.find import Cue, FoundQuote, phrase_span
from pipeline.quotes.lexicon import Lexicon

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Token

RANKER_PATH = REFERENCE_DIR / "quotes" / "speaker_ranker.json"
MAX_ENTITY_CANDIDATES = 8  # the most recently mentioned entities considered for one quote
LOOK_AHEAD_TOKENS = 60  # entities first named this soon after a quote are candidates too
_DEFINITE = frozenset({"the", "le", "la", "l'", "l’", "les", "this", "ce", "cette"})
_INDEFINITE = frozenset({"a", "an", "some", "un", "une", "des", "certains", "plusieurs", "many"})

FEATURES = (
    "bias",
    "subject_names",
    "subject_pronoun",
    "pronoun_gender_match",
    "pronoun_gender_clash",
    "pronoun_plural_org",
    "pronoun_singular_person",
    "subject_description",
    "description_match",
    "description_overlap",
    "is_phrase",
    "phrase_indefinite",
    "phrase_definite",
    "prev_speaker_description",
    "phrase_group",
    "phrase_has_org",
    "phrase_speaker_noun",
    "phrase_document",
    "phrase_resolvable",
    "last_mention_subject",
    "times_named_speaker",
    "phrase_not_speaker",
    "listener",
    "rank0",
    "rank1",
    "rank2plus",
    "log_distance",
    "same_sentence",
    "prev_speaker",
    "prev_speaker_uncued",
    "prev_speaker_pronoun",
    "rank0_uncued",
    "rank0_pronoun",
    "is_person",
    "is_org",
    "log_mentions",
    "only_after",
    "cue_none",
    "cue_colon",
    "cue_according",
    "cue_incise",
    "cue_governing",
    "no_subject",
    "person_uncued",
)


class RankerError(ValueError):
    """The ranker's weight file is missing or does not match the features."""


@dataclass(slots=True)
class Candidate:
    """One possible speaker of a quote: its words, its kind, the entity it stands for and the
    features the ranker scores."""

    speaker: str
    kind: str  # "person", "org", "group", "description"
    entity: int | None  # index into Candidates.entities, None for a phrase
    features: dict[str, float]


@dataclass(slots=True)
class Ranker:
    """Logistic-regression weights over :data:`FEATURES`, one set per language."""

    weights: dict[str, float]
    version: str

    def score(self, features: dict[str, float]) -> float:
        """The probability that a candidate with ``features`` is the speaker: the logistic of
        the weighted sum, the sum clamped to [-30, 30]."""
        z = sum(self.weights[k] * v for k, v in features.items())
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))


def load_rankers(path: Path = RANKER_PATH) -> dict[str, Ranker]:
    """The shipped rankers by language, from ``data/quotes/speaker_ranker.json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RankerError(f"{path}: {exc}") from exc
    by_lang = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(by_lang, dict) or not by_lang:
        raise RankerError(f"{path}: weights must map each language to its weights")
    out: dict[str, Ranker] = {}
    for lang, weights in by_lang.items():
        if not isinstance(weights, dict) or set(weights) != set(FEATURES):
            raise RankerError(
                f"{path}: weights.{lang} must name exactly the features in {__name__}"
            )
        out[lang] = Ranker(
            {k: float(v) for k, v in weights.items()}, f"{data.get('version', '')}:{lang}"
        )
    return out


def _span_entities(cands: Candidates, span: tuple[int, int] | None) -> list[int]:
    if span is None:
        return []
    seen: list[int] = []
    for i in range(*span):
        e = cands.by_token.get(i)
        if e is not None and e not in seen:
            seen.append(e)
    return seen


def _named_by(doc: Doc, cands: Candidates, span: tuple[int, int] | None, lex: Lexicon) -> list[int]:
    """Entities the phrase is a name of: its head's ("Immigration Minister Marc Miller") or an
    apposition's ("le ministre François Legault"), not names inside a description ("a CBSA
    spokesperson", "Abrego Garcia's lawyers")."""
    if span is None:
        return []
    head = doc[span[0] : span[1]].root
    found: list[int] = []
    e = cands.by_token.get(head.i)
    if e is not None:
        found.append(e)
    for child in head.children:
        if child.dep_ in {"appos", "flat:name", "flat"} and span[0] <= child.i < span[1]:
            e = cands.by_token.get(child.i)
            if e is not None and e not in found:
                found.append(e)
    if not found:
        # The first rule that finds one (entity 0 is an answer, not a miss).
        rules = (
            lambda: _named_after_head(doc, cands, span, head),
            lambda: _apposed_after(doc, cands, span),
            lambda: _earlier_named(doc, cands, span),
            lambda: _described_person(doc, cands, span),
            lambda: _demonstrative_person(doc, cands, span, lex),
            lambda: _lede_person(doc, cands, span, lex),
        )
        e = next((e for e in (rule() for rule in rules) if e is not None), None)
        if e is not None:
            found.append(e)
    return found


def _demonstrative_person(
    doc: Doc, cands: Candidates, span: tuple[int, int], lex: Lexicon
) -> int | None:
    """The person a demonstrative description of a person takes up: the last one named
    before it, of the noun's gender ("La Presse a rencontré Gloria Roe. ... Cette résidante
    de Laval affirme que ..."). Bodies ("cette association") and groups are left alone."""
    if doc[span[0]].text.lower() not in lex.demonstrative_determiners:
        return None
    head = doc[span[0] : span[1]].root
    lemma = head.lemma_.lower()
    if head.pos_ != "NOUN" or "Plur" in head.morph.get("Number") or not lex.names_one_person(lemma):
        return None
    return _last_person(doc, span[0], cands, _noun_gender(head))


def _definite_singular_noun(doc: Doc, span: tuple[int, int]) -> Token | None:
    """The head of a definite singular description ("le ministre", "the agency"), else None."""
    head = doc[span[0] : span[1]].root
    if (
        head.pos_ != "NOUN"
        or "Plur" in head.morph.get("Number")
        or doc[span[0]].text.lower() not in _DEFINITE
    ):
        return None
    return head


def _earlier_named(doc: Doc, cands: Candidates, span: tuple[int, int]) -> int | None:
    """The person a definite description takes up from its last fuller use, when that use
    named them: "le ministre" after "Le ministre de l'Immigration, Marc Roe, a refusé",
    "la secrétaire d'État" after "la secrétaire d'État à l'Asile Jeanne Roe". Only the
    nearest earlier phrase with the same head noun, all the words of the description and no
    word before that noun the description lacks ("le premier ministre" is another title) is
    read."""
    head = _definite_singular_noun(doc, span)
    if head is None:
        return None
    words = _content_words(_phrase_text(doc, span))
    for tok in reversed(doc[: span[0]]):
        if tok.lemma_ != head.lemma_ or tok.pos_ != "NOUN":
            continue
        earlier = phrase_span(doc, tok)
        before = _content_words(doc[earlier[0] : tok.i].text)
        if not words <= _content_words(doc[earlier[0] : earlier[1]].text) or not before <= words:
            continue
        inside = _person_in_title(cands, earlier, tok.i)
        return inside if inside is not None else _apposed_after(doc, cands, earlier)
    return None


def _person_in_title(cands: Candidates, span: tuple[int, int], head: int) -> int | None:
    """The one person named inside a phrase after its head noun ("la secrétaire d'État à
    l'Asile Jeanne Roe")."""
    found = {
        cands.by_token[i]
        for i in range(head + 1, span[1])
        if i in cands.by_token and cands.entities[cands.by_token[i]].kind == "person"
    }
    return found.pop() if len(found) == 1 else None


def _described_person(doc: Doc, cands: Candidates, span: tuple[int, int]) -> int | None:
    """The one person the article introduces with the words of a definite singular
    description, wherever in the article: "la secrétaire d'État à l'Asile a annoncé ..." and,
    later, "la secrétaire d'État à l'Asile, Nicole Roe" (codebook section 1: a description
    resolves to the person the article names)."""
    phrase = doc[span[0] : span[1]]
    head = phrase.root
    if (
        head.pos_ != "NOUN"
        or "Plur" in head.morph.get("Number")
        or doc[span[0]].text.lower() not in _DEFINITE
    ):
        return None
    words = _content_words(_phrase_text(doc, span))
    if head.text.lower() not in words:
        return None
    found = [
        i
        for i, ent in enumerate(cands.entities)
        if ent.kind == "person"
        and ent.mentions
        and words <= _content_words(" ".join([*ent.titles, *ent.descriptions]))
    ]
    return found[0] if len(found) == 1 else None


def _named_after_head(
    doc: Doc, cands: Candidates, span: tuple[int, int], head: Token
) -> int | None:
    """The name a description noun stands before ("l'organisme Solidarité sans frontières",
    "the charity Safe Harbour") or an apposition closing the phrase ("la commissaire
    européenne chargée de la politique migratoire, Ylva Johansson"), whatever the parse made
    of them."""
    nxt = head.i + 1
    if head.pos_ == "NOUN" and nxt < span[1]:
        e = cands.by_token.get(nxt)
        if e is not None and any(m[0] == nxt for m in cands.entities[e].mentions):
            return e
    last = cands.by_token.get(span[1] - 1)
    if last is None or cands.entities[last].kind != "person":
        return None
    if len(cands.entities[last].name.split()) < 2:
        return None  # "The mayor of Niagara Falls, Ont.": a full name only
    start = next(m[0] for m in cands.entities[last].mentions if m[0] <= span[1] - 1 < m[1])
    if start > span[0] and doc[start - 1].text == ",":
        return last
    return None


_RUN_ON_TOKENS = 15  # the most tokens between a subject and the comma before its name
_CLAUSE_END = frozenset({".", ",", ";", ":", "!", "?", "»", "«", "“", "”", '"', ")", "—", "–"})


def _apposed_after(doc: Doc, cands: Candidates, span: tuple[int, int]) -> int | None:
    """A person named right after the phrase and a comma, closing the clause: "said the head
    of the migration office, Jean Bonheur." The parse often misses this apposition when the
    description is a long inverted subject ("a déclaré le chef du bureau ..., X.")."""
    comma = span[1]
    # An inverted subject may run on in complements the parse hung on the verb ("a expliqué
    # la vice-présidente à la Section de la Commission, Jeanne Roe."): the first comma of
    # the clause, with no verb or quotation mark before it.
    while (
        comma < min(span[1] + _RUN_ON_TOKENS, len(doc))
        and doc[comma].text not in _CLAUSE_END
        and doc[comma].pos_ not in {"VERB", "AUX"}
        and "\n" not in doc[comma].text
    ):
        comma += 1
    if comma + 1 >= len(doc) or doc[comma].text != ",":
        return None
    e = cands.by_token.get(comma + 1)
    if e is None or cands.entities[e].kind != "person":
        return None
    end = comma + 1
    while end < len(doc) and cands.by_token.get(end) == e:
        end += 1
    if end < len(doc) and doc[end].text not in _CLAUSE_END and "\n" not in doc[end].text:
        return None
    if comma > span[1]:
        # The description the parse did not hang on the name is what says who they are.
        cands.entities[e].add_description(doc[span[0] : comma].text)
    return e


def _fullest_description(doc: Doc, span: tuple[int, int]) -> str:
    """The phrase naming an unnamed speaker, in the fullest form the article used before:
    "la préfecture" after "la préfecture du Pas-de-Calais", "the agency" after "the
    federal border agency". Indefinite phrases ("a police source") are new referents."""
    text = _phrase_text(doc, span)
    head = doc[span[0] : span[1]].root
    first = doc[span[0]].text.lower()
    if head.pos_ != "NOUN" or first not in _DEFINITE:
        return text
    for tok in reversed(doc[: span[0]]):
        if tok.lemma_ == head.lemma_ and tok.pos_ == "NOUN" and tok.i != head.i:
            earlier = _phrase_text(doc, phrase_span(doc, tok))
            if len(earlier) > len(text) and head.text.lower() in earlier.lower():
                return earlier
            break
    return text


def _head_lemma(doc: Doc, span: tuple[int, int]) -> str:
    return doc[span[0] : span[1]].root.lemma_.lower()


_NOT_IN_NAME = frozenset({"appos", "acl:relcl", "relcl", "advcl", "obl:mod", "punct"})


def _phrase_text(doc: Doc, span: tuple[int, int]) -> str:
    """How a speaker phrase names the speaker: its head with determiners, modifiers and
    complements, without appositions, clauses and commas ("Dosdo, mineur isolé de 16 ans"
    names Dosdo)."""
    head = doc[span[0] : span[1]].root
    keep = {head.i}
    stack = [c for c in head.children if c.dep_ not in _NOT_IN_NAME]
    while stack:
        tok = stack.pop()
        if not span[0] <= tok.i < span[1]:
            continue
        keep.add(tok.i)
        stack.extend(
            c for c in tok.children if c.dep_ not in {"acl", "acl:relcl", "relcl", "punct"}
        )
    lo, hi = min(keep), max(keep) + 1
    # A name the parse cut short ("le collectif Alarme Phone Sahara", "a déploré Alarme
    # Phone Sahara"): the capitalised proper nouns right after a proper noun belong to it.
    while hi < len(doc) and hi - max(keep) <= 3 and _continues_name(doc[hi - 1], doc[hi]):
        hi += 1
    return doc[lo:hi].text.replace("\n", " ").strip(" ,.;:")


_NOT_NAME_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})


def _continues_name(prev: Token, tok: Token) -> bool:
    """Whether ``tok`` goes on the proper name that ``prev`` ends: a capitalised proper noun
    after a capitalised word (a proper noun, or a noun inside the sentence: the parser reads
    "Alarme Phone Sahara" as a noun and a name) with nothing but a space between, ``tok`` no
    date or number."""
    return (
        (prev.pos_ == "PROPN" or prev.pos_ == "NOUN" and not prev.is_sent_start)
        and tok.pos_ == "PROPN"
        and prev.text[:1].isupper()
        and tok.text[:1].isupper()
        and bool(prev.whitespace_)
        and "\n" not in prev.whitespace_
        and tok.ent_type_ not in _NOT_NAME_ENTS
        and not tok.is_sent_start
    )


# The agent of a passive ("a été dénoncé par X") is who acts, as a subject is.
_SUBJECT = frozenset({"nsubj", "nsubj:pass", "nsubjpass", "obl:agent"})


def _pronoun_cue(
    doc: Doc, quote: FoundQuote, lex: Lexicon
) -> tuple[tuple[str, str], int, int] | None:
    """The (gender, number) of a one-word pronoun subject cueing ``quote`` ("he said", "ont-ils
    dit"), the quote's first token and the pronoun's; None for any other cue."""
    cue = quote.cue
    if cue.subject is None or cue.subject[1] - cue.subject[0] != 1 or cue.kind == "according":
        return None
    pron = lex.pronoun(doc[cue.subject[0]].text.lstrip("-"))
    q_tok = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if pron is None or q_tok is None:
        return None
    return pron, q_tok.start, cue.subject[0]


def _back_two_paragraphs(doc: Doc, start: int, back: int = 1) -> Iterator[Token]:
    """The tokens before token ``start``, nearest first, in its paragraph and the one before
    (the ``back`` ones before)."""
    paragraphs = 0
    for i in range(start - 1, -1, -1):
        tok = doc[i]
        if "\n" in tok.text or "\n" in tok.whitespace_:
            paragraphs += 1
            if paragraphs > back:
                return
        yield tok


def _pronoun_antecedent(doc: Doc, quote: FoundQuote, cands: Candidates, lex: Lexicon) -> int | None:
    """The person a "he said" / "a-t-elle dit" cue takes up: the last person named as a
    clause's subject (or in apposition to it) before the quote, in its paragraph or the one
    before, of the pronoun's gender or of unknown gender; people named otherwise (objects,
    possessives) are passed over. "José Rivera crossed into Mexico by raft. “...,” he said."
    When the quote's paragraph names no subject person but one person as an object, that
    person. None when there is no such person or no such cue."""
    cued = _pronoun_cue(doc, quote, lex)
    if cued is None or cued[0][0] not in {"m", "f"} or cued[0][1] != "sg":
        return None
    gender = cued[0][0]
    here: set[int] = set()  # people named in the quote's paragraph, none as a subject
    in_paragraph = True
    for tok in _back_two_paragraphs(doc, cued[1]):
        if in_paragraph and ("\n" in tok.text or "\n" in tok.whitespace_):
            in_paragraph = False
            if len(here) == 1:
                # "La Presse a rencontré Gloria Roe, 60 ans. « ... », dit-elle.": the one
                # person the paragraph names, an object, before a subject further back.
                return here.pop()
        demo = lex.demonstratives.get(_glued(doc, tok.i))
        if demo is not None and tok.dep_ in _SUBJECT and demo[0] in {gender, "x"}:
            # "... appelé le secrétaire d'État, Jean Roe. Celui-ci s'est exprimé ... « ... »,
            # a-t-il expliqué": the person "Celui-ci" takes up, whatever their role.
            found = _last_person(doc, tok.i, cands, demo[0])
            if found is not None:
                return found
        e = cands.by_token.get(tok.i)
        if e is None or cands.entities[e].kind != "person":
            continue
        head = tok
        while head.dep_ in {"flat:name", "flat", "compound", "appos"} and head.head.i != head.i:
            head = head.head
        if cands.entities[e].gender not in {gender, "x"}:
            continue
        if head.dep_ in _SUBJECT:
            return e
        if in_paragraph and head.dep_ in _OBJECT and tok.i < cued[2]:
            here.add(e)
    return here.pop() if in_paragraph and len(here) == 1 else None


# What a verb does something to or with: "a rencontré Gloria Roe", "met with Gloria Roe".
_OBJECT = frozenset({"obj", "dobj", "iobj", "obl", "obl:arg", "pobj", "dative"})


def _body_antecedent(doc: Doc, quote: FoundQuote, cands: Candidates, lex: Lexicon) -> int | None:
    """The organisation an "a-t-elle expliqué" cue takes up when the last subject of the
    pronoun's grammatical gender that could speak, before any person named as a subject, is
    a definite noun that introduces a body: "L'organisation avait prévenu ... « ... »,
    explique-t-elle" is the body the article named last before that noun. None otherwise
    (English nouns have no gender: never)."""
    cued = _pronoun_cue(doc, quote, lex)
    if cued is None or cued[0][0] not in {"m", "f"} or cued[0][1] != "sg":
        return None
    gender = {"m": "Masc", "f": "Fem"}[cued[0][0]]
    for tok in _back_two_paragraphs(doc, cued[1]):
        e = cands.by_token.get(tok.i)
        if e is not None and cands.entities[e].kind == "person" and tok.dep_ in _SUBJECT:
            return None  # a person first: the person rule's
        if tok.dep_ not in _SUBJECT or tok.pos_ != "NOUN":
            continue
        span = phrase_span(doc, tok)
        lemma = tok.lemma_.lower()
        if gender not in tok.morph.get("Gender"):
            continue
        if (
            lemma not in lex.body_nouns
            or doc[span[0]].text.lower() not in _DEFINITE
            or any(i in cands.by_token for i in range(*span))
        ):
            if lemma in lex.speaker_nouns:
                return None  # "le ministre": somebody the pronoun may stand for
            continue  # "la zone d'hébergement « a rarement dépassé ... »": nobody
        for prev in _back_two_paragraphs(doc, span[0]):
            o = cands.by_token.get(prev.i)
            if o is not None and cands.entities[o].kind == "org":
                return o
        return None
    return None


def _glued(doc: Doc, i: int, most: int = 3) -> str:
    """Token ``i`` and the tokens written on to it without a space (at most ``most`` in all),
    lower case: "celui-ci", which the French tokenizer cuts in three."""
    j = i
    while j + 1 < len(doc) and j + 1 - i < most and not doc[j].whitespace_:
        j += 1
    return doc[i : j + 1].text.lower()


def _last_person(doc: Doc, start: int, cands: Candidates, gender: str) -> int | None:
    """The last person named before token ``start`` (in its paragraph or the two before: a
    heading may stand between), in any role, of ``gender`` or of unknown gender."""
    for tok in _back_two_paragraphs(doc, start, back=2):
        e = cands.by_token.get(tok.i)
        ent = cands.entities[e] if e is not None else None
        if ent is not None and ent.kind == "person" and ent.gender in {gender, "x"}:
            return e
    return None


def _person_description(doc: Doc, span: tuple[int, int], lex: Lexicon) -> str | None:
    """The gender ("m", "f" or "x") of a definite singular description of one person ("the
    town's reeve", "The Clacton MP", "Poland's leader", "la ministre"), else None: its head is
    a noun that names somebody who can speak, not a group, body or institution, and it opens
    with a definite article or a name's possessive, not a pronoun's ("his lawyer" is somebody
    else than "he")."""
    phrase = doc[span[0] : span[1]]
    head = phrase.root
    lemma = head.lemma_.lower()
    if (
        head.pos_ not in {"NOUN", "PROPN"}  # "The Home Secretary" is often parsed a name
        or "Plur" in head.morph.get("Number")
        or not lex.names_one_person(lemma)
        or any(t.pos_ == "PRON" for t in phrase)
        or any(t.ent_type_ == "PERSON" or t.ent_type_ == "PER" for t in phrase)
    ):
        return None
    owned = any(t.tag_ == "POS" or t.dep_ in {"poss", "nmod:poss"} for t in phrase)
    if doc[span[0]].text.lower() not in _DEFINITE and not owned:
        return None
    return _noun_gender(head)


def _noun_gender(head: Token) -> str:
    """A noun's grammatical gender as the person lists write it: "m", "f", or "x" (none)."""
    return {"Fem": "f", "Masc": "m"}.get(next(iter(head.morph.get("Gender")), ""), "x")


def _next_subject_person(doc: Doc, start: int, cands: Candidates, gender: str) -> int | None:
    """The first person named as a clause's subject (or in apposition to it) from token
    ``start`` to the end of the paragraph after, of ``gender`` or of unknown gender: "...,
    the town's mayor says. / Jane Roe said ..." names the mayor."""
    paragraphs = 0
    for tok in doc[start:]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            paragraphs += 1
            if paragraphs > 2:
                return None
        e = cands.by_token.get(tok.i)
        if e is None or cands.entities[e].kind != "person":
            continue
        if cands.entities[e].gender not in {gender, "x"}:
            continue
        head = tok
        while head.dep_ in {"flat:name", "flat", "compound", "appos"} and head.head.i != head.i:
            head = head.head
        if head.dep_ in _SUBJECT:
            return e
    return None


def _lede_person(doc: Doc, cands: Candidates, span: tuple[int, int], lex: Lexicon) -> int | None:
    """The person a definite description of one person names when the article names nobody
    before it: a lede's "..., the town's mayor says." before "Jane Roe said ..." (the
    first person named as a subject in the description's paragraph or the two after; codebook
    section 1: a description resolves to the person the article names)."""
    gender = _person_description(doc, span, lex)
    if gender is None:
        return None
    if any(
        ent.kind == "person" and any(m[0] < span[0] for m in ent.mentions) for ent in cands.entities
    ):
        return None
    return _next_subject_person(doc, span[1], cands, gender)


def _plural_antecedent(doc: Doc, quote: FoundQuote, cands: Candidates, lex: Lexicon) -> str | None:
    """The group a "they said" / "ont-ils dit" cue takes up: the last subject of a speech
    verb before the quote, in its paragraph or the one before, when that subject is a plural
    phrase of people that names nobody ("Official sources said ... “...,” they said"). None
    otherwise (a named person or body, or no such cue)."""
    cued = _pronoun_cue(doc, quote, lex)
    if cued is None or cued[0][1] != "pl":
        return None
    for tok in _back_two_paragraphs(doc, min(cued[1], cued[2])):
        if tok.dep_ not in _SUBJECT or tok.pos_ == "PRON":
            continue
        if lex.verb_lemma(tok.head) not in lex.speech_verbs:
            continue  # "refugees have been sent back": not who speaks
        span = phrase_span(doc, tok)
        if any(j in cands.by_token for j in range(*span)):
            return None  # a named person or body: the ranker decides
        lemma = tok.lemma_.lower()
        if _plural(doc, span) and (lemma in lex.group_nouns or lemma in lex.speaker_nouns):
            return _phrase_text(doc, span)
        return None
    return None


def _plural(doc: Doc, span: tuple[int, int]) -> bool:
    """Whether a speaker phrase names more than one: a plural head ("les responsables",
    "critics", "Certains") or a coordination ("universities and colleges")."""
    head = doc[span[0] : span[1]].root
    return "Plur" in head.morph.get("Number") or any(
        c.dep_ == "conj" and span[0] <= c.i < span[1] for c in head.children
    )


def _matches_description(ent: Entity, lemma: str) -> bool:
    if not lemma or len(lemma) < 3:
        return False
    words = " ".join([ent.name, *ent.titles, *ent.descriptions]).lower()
    return lemma in words


def _content_words(text: str) -> set[str]:
    return {w for w in text.lower().replace("’", "'").split() if len(w) > 2 and w.isalpha()}


def _overlap(phrase: set[str], ent: Entity) -> float:
    """Share of the phrase's content words the article uses for the entity elsewhere."""
    if not phrase:
        return 0.0
    known = _content_words(" ".join([ent.name, *ent.titles, *ent.descriptions]))
    return len(phrase & known) / len(phrase)


def candidates_for(
    doc: Doc,
    quote: FoundQuote,
    cands: Candidates,
    lex: Lexicon,
    prev_speaker: int | None,
    named_speaker: dict[int, int] | None = None,
    body: int | None = None,
) -> list[Candidate]:
    """The candidates for ``quote`` with their features (``body``: an organisation a
    gendered pronoun takes up, kept among them; :func:`_body_antecedent`)."""
    cue: Cue = quote.cue
    named_speaker = named_speaker or {}
    q_tok = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    q0 = q_tok.start if q_tok is not None else 0
    q1 = q_tok.end if q_tok is not None else 0
    sent = doc[q0].sent if q_tok is not None and len(doc) else None
    subject_ents = _named_by(doc, cands, cue.subject, lex)
    listener_ents = set(_span_entities(cands, cue.listener))
    subj_word = doc[cue.subject[0]].text.lstrip("-").lower() if cue.subject else ""
    pronoun = (
        lex.pronoun(subj_word) if cue.subject and cue.subject[1] - cue.subject[0] == 1 else None
    )
    is_desc = cue.subject is not None and not subject_ents and pronoun is None
    lemma = _head_lemma(doc, cue.subject) if is_desc and cue.subject else ""
    phrase_words = (
        _content_words(_phrase_text(doc, cue.subject)) if is_desc and cue.subject else set()
    )
    speaker_noun = lemma in lex.speaker_nouns or lemma in lex.group_nouns
    # A plural phrase that can speak ("les responsables", "critics", "Certains") is nobody
    # single; other plural subjects ("the numbers", "ships") are no speaker at all.
    plural = (
        is_desc
        and cue.subject is not None
        and (speaker_noun or doc[cue.subject[0] : cue.subject[1]].root.pos_ == "PRON")
        and _plural(doc, cue.subject)
    )
    cue_flags = {
        "cue_none": float(cue.kind == "none"),
        "cue_colon": float(cue.kind == "colon"),
        "cue_according": float(cue.kind == "according"),
        "cue_incise": float(cue.kind == "incise"),
        "cue_governing": float(cue.kind == "governing"),
        "no_subject": float(cue.subject is None),
    }
    uncued = cue.kind == "none" or cue.subject is None
    # Entities by their last mention before the quote (most recent first).
    last_before: dict[int, int] = {}
    for idx, ent in enumerate(cands.entities):
        before = [m for m in ent.mentions if m[1] <= q0]
        if before:
            last_before[idx] = max(m[1] for m in before)
    order = sorted(last_before, key=lambda i: -last_before[i])
    persons_order = [i for i in order if cands.entities[i].kind == "person"]
    # Named shortly after the quote ("The president of Cyprus said ... Nikos Christodoulides").
    soon = [
        i
        for i, ent in enumerate(cands.entities)
        if i not in last_before and any(q1 <= m[0] < q1 + LOOK_AHEAD_TOKENS for m in ent.mentions)
    ]
    extra = [body] if body is not None else []
    pool = list(dict.fromkeys(order[:MAX_ENTITY_CANDIDATES] + subject_ents + soon + extra))
    best_overlap = 0.0
    out: list[Candidate] = []
    for idx in pool:
        ent = cands.entities[idx]
        if (
            pronoun is not None
            and pronoun[0] in {"m", "f"}
            and pronoun[1] == "sg"
            and ent.kind != "person"
            and idx != body
        ):
            continue  # "he said", "she said": a person
        if plural and ent.kind == "person":
            continue  # "les responsables ont déclaré", "critics say": more than one person
        rank = (
            persons_order.index(idx)
            if idx in persons_order
            else (order.index(idx) if idx in order else 9)
        )
        dist = q0 - last_before[idx] if idx in last_before else 0
        f = dict.fromkeys(FEATURES, 0.0)
        f.update(cue_flags)
        f["bias"] = 1.0
        f["subject_names"] = float(idx in subject_ents)
        if pronoun is not None:
            f["subject_pronoun"] = 1.0
            g, n = pronoun
            if ent.kind == "person" and g in {"m", "f"} and ent.gender in {"m", "f"}:
                f["pronoun_gender_match"] = float(g == ent.gender)
                f["pronoun_gender_clash"] = float(g != ent.gender)
            f["pronoun_plural_org"] = float(n == "pl" and ent.kind == "org")
            f["pronoun_singular_person"] = float(n == "sg" and ent.kind == "person")
            f["rank0_pronoun"] = float(rank == 0)
            f["prev_speaker_pronoun"] = float(idx == prev_speaker)
        if is_desc:
            f["subject_description"] = 1.0
            f["description_match"] = float(_matches_description(ent, lemma))
            f["description_overlap"] = _overlap(phrase_words, ent)
            best_overlap = max(best_overlap, f["description_overlap"], f["description_match"])
            f["phrase_not_speaker"] = float(not speaker_noun)
            f["prev_speaker_description"] = float(idx == prev_speaker)
        f["listener"] = float(idx in listener_ents)
        f["rank0"] = float(rank == 0)
        f["rank1"] = float(rank == 1)
        f["rank2plus"] = float(rank >= 2)
        f["log_distance"] = math.log1p(max(dist, 0)) / 10
        f["same_sentence"] = float(
            sent is not None
            and any(sent.start <= m[0] < sent.end and not (q0 <= m[0] < q1) for m in ent.mentions)
        )
        f["prev_speaker"] = float(idx == prev_speaker)
        f["prev_speaker_uncued"] = float(idx == prev_speaker and uncued)
        f["rank0_uncued"] = float(rank == 0 and uncued)
        f["is_person"] = float(ent.kind == "person")
        f["is_org"] = float(ent.kind == "org")
        f["log_mentions"] = math.log1p(len(ent.mentions)) / 3
        f["only_after"] = float(idx not in last_before)
        f["person_uncued"] = float(ent.kind == "person" and uncued)
        last = max((m for m in ent.mentions if m[1] <= q0), default=None)
        f["last_mention_subject"] = float(
            last is not None
            and doc[last[0] : last[1]].root.dep_ in {"nsubj", "nsubj:pass", "nsubjpass"}
        )
        f["times_named_speaker"] = math.log1p(named_speaker.get(idx, 0)) / 2
        out.append(Candidate(ent.name, ent.kind, idx, f))
    if is_desc and cue.subject is not None:
        text = _fullest_description(doc, cue.subject)
        if text:
            words = text.lower().split()
            f = dict.fromkeys(FEATURES, 0.0)
            f.update(cue_flags)
            f["bias"] = 1.0
            f["is_phrase"] = 1.0
            f["subject_description"] = 1.0
            f["phrase_indefinite"] = float(bool(words) and words[0] in _INDEFINITE)
            f["phrase_definite"] = float(bool(words) and words[0] in _DEFINITE)
            group = lemma in lex.group_nouns or (words[-1] if words else "") in lex.group_nouns
            f["phrase_group"] = float(group)
            f["phrase_speaker_noun"] = float(speaker_noun)
            f["phrase_document"] = float(lemma in lex.not_speakers)
            f["phrase_resolvable"] = best_overlap
            f["phrase_not_speaker"] = float(not speaker_noun)
            f["phrase_has_org"] = float(
                any(t.ent_type_ == "ORG" for t in doc[cue.subject[0] : cue.subject[1]])
            )
            out.append(Candidate(text, "group" if group else "description", None, f))
    return out


def _best_of_pronoun_gender(
    scored: list[tuple[float, Candidate]], best_score: float, best: Candidate
) -> tuple[float, Candidate]:
    """For a "she said" / "a-t-il dit" cue whose best candidate is a person of the other
    gender: the best candidate whose gender does not clash, if any ("Elle affirme" is not
    Gérald Roe)."""
    fitting = [sc for sc in scored if not sc[1].features["pronoun_gender_clash"]]
    return max(fitting, key=lambda sc: sc[0]) if fitting else (best_score, best)


def _phrase_or_entity(
    doc: Doc,
    quote: FoundQuote,
    lex: Lexicon,
    scored: list[tuple[float, Candidate]],
    best_score: float,
    best: Candidate,
) -> tuple[float, Candidate]:
    """Where the cue's own phrase and the ranker disagree:

    - a phrase that names no speaker, the subject of a verb that is no speech verb ("son
      projet de loi pour refondre « ... »", "des sanctions pénales seront prévues pour
      « ... »"), gives way to the best person or body;
    - an indefinite phrase naming a speaker ("un policier a dit", "a police source said")
      or a definite one headed by a public body's noun ("la préfecture précise que"), whose
      words the article uses for no named entity, is the speaker: the ranker's person or
      body is somebody else ("the official", "l'homme" take up a named person, and stay
      the ranker's).
    """
    phrase = next((sc for sc in scored if sc[1].entity is None), None)
    entities = [sc for sc in scored if sc[1].entity is not None]
    if phrase is None or quote.cue.subject is None:
        return best_score, best
    f = phrase[1].features
    if best is phrase[1]:
        if quote.cue.kind == "governing" and f["phrase_not_speaker"] and entities:
            return max(entities, key=lambda sc: sc[0])
        return best_score, best
    phrase_toks = doc[quote.cue.subject[0] : quote.cue.subject[1]]
    head = phrase_toks.root
    if (
        quote.cue.kind not in {"verb", "incise", "colon"}
        or not f["phrase_speaker_noun"]
        or f["phrase_resolvable"]
        or head.pos_ != "NOUN"
        or any("Yes" in t.morph.get("Poss") or t.tag_ == "PRP$" for t in phrase_toks)
    ):
        return best_score, best  # "his government": the person it belongs to
    if f["phrase_indefinite"] or (
        f["phrase_definite"]
        and (head.lemma_.lower() in lex.institution_nouns or head.lower_ in lex.institution_nouns)
    ):
        return phrase
    return best_score, best


def attribute(
    doc: Doc, quotes: list[FoundQuote], cands: Candidates, lex: Lexicon, ranker: Ranker
) -> list[tuple[Candidate | None, float]]:
    """The chosen speaker of each quote (in order) and the ranker's score for it."""
    out: list[tuple[Candidate | None, float]] = []
    prev: int | None = None
    named_speaker: dict[int, int] = {}  # entity -> quotes whose cue named it so far
    for q in quotes:
        body = _body_antecedent(doc, q, cands, lex)
        options = candidates_for(doc, q, cands, lex, prev, named_speaker, body)
        if not options:
            out.append((None, 0.0))
            continue
        scored = [(ranker.score(c.features), c) for c in options]
        best_score, best = max(scored, key=lambda sc: sc[0])
        group = _plural_antecedent(doc, q, cands, lex)
        if group is not None:
            best = Candidate(group, "group", None, dict.fromkeys(FEATURES, 0.0))
            out.append((best, 0.5))
            continue
        named = _named_by(doc, cands, q.cue.subject, lex)
        taken_up = (
            named[0]
            if named
            else body
            if body is not None
            else _pronoun_antecedent(doc, q, cands, lex)
        )
        if taken_up is not None and best.entity != taken_up:
            found = [sc for sc in scored if sc[1].entity == taken_up]
            if found:
                best_score, best = found[0]
        elif best.features["pronoun_gender_clash"]:
            best_score, best = _best_of_pronoun_gender(scored, best_score, best)
        else:
            best_score, best = _phrase_or_entity(doc, q, lex, scored, best_score, best)
        out.append((best, best_score))
        if named:
            prev = named[0]
            named_speaker[prev] = named_speaker.get(prev, 0) + 1
        elif best.entity is not None:
            prev = best.entity
    return out
