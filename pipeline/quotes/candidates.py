"""The people and organisations an article mentions: the candidates a quote's speaker is among.

Named entities from spaCy (PERSON/PER, ORG) are grouped into one :class:`Entity` per person or
body: later short forms ("Miller" after "Marc Miller"), acronyms and names the organisation
table knows as one body ("CBSA", "the Canada Border Services Agency"). Each entity collects
what the article says it is: titles before the name ("Immigration Minister Marc Miller"),
appositions ("X, an immigration lawyer,"), the noun it stands beside ("le ministre François
Legault"), and its gender where a title, a French determiner or a pronoun shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.quotes.lexicon import Lexicon
from pipeline.quotes.orgs import Organisation, OrgTable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Span, Token

PERSON_LABELS = frozenset({"PERSON", "PER"})
ORG_LABELS = frozenset({"ORG"})
_DETERMINERS = frozenset({"the", "a", "an", "le", "la", "les", "l'", "l’", "un", "une", "des"})
_NAME_DEPS = frozenset({"compound", "flat:name", "flat", "appos", "nmod", "amod", "det"})


@dataclass(slots=True)
class Entity:
    """One person or organisation of the article, with every mention of it."""

    name: str  # the fullest form the article uses
    kind: str  # "person" or "org"
    mentions: list[tuple[int, int]] = field(default_factory=list)  # token spans
    descriptions: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # words before the name ("Minister")
    gender: str = "x"  # "m", "f" or "x" (unknown)
    org: Organisation | None = None

    def add_description(self, text: str) -> None:
        """Keep ``text``, trimmed of edge punctuation, as a description, unless it is empty,
        already kept or the name itself."""
        text = text.strip(" ,;:()")
        if text and text not in self.descriptions and text != self.name:
            self.descriptions.append(text)


@dataclass(slots=True)
class Candidates:
    """The people and organisations an article names, and which of them each mention token
    belongs to."""

    entities: list[Entity]
    by_token: dict[int, int]  # token index -> entity index, for tokens of a mention


def _name_tokens(span: Span, lex: Lexicon, org: bool = False) -> list[Token]:
    toks = [
        t
        for t in span
        if not t.is_punct
        and (t.text.lower() not in _DETERMINERS or is_acronym(t.text))  # "UN", not "un"
        and t.tag_ != "POS"
        and t.text not in {"'s", "’s", "'", "’"}
    ]
    # A speaker noun opens a person's description ("minister Jane Roe") but is part of an
    # organisation's name ("Conseil d'État", "Commission européenne").
    while toks and (
        toks[0].text.lower() in lex.titles
        or not org
        and toks[0].text.lower() in lex.speaker_nouns
        or toks[0].pos_ in {"ADP", "DET", "SCONJ", "CCONJ"}
    ):
        toks = toks[1:]
    return toks


def _clean(span: Span, lex: Lexicon, org: bool = False) -> str:
    toks = _name_tokens(span, lex, org)
    if not toks:
        return ""
    return span.doc[toks[0].i : toks[-1].i + 1].text.replace("\n", " ").strip(" ,.'’()[]")


def is_acronym(word: str) -> bool:
    """Whether ``word`` reads as an acronym: two to six letters, all capitals (other
    characters are not counted)."""
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters)


def _body_before(doc: Doc, ent: Span, lex: Lexicon) -> str:
    """The word right before a name the recogniser tagged as a person, lower case, when it
    makes the name a body's: an article ("au Nieuwsblad", "the Guardian"; no person's name
    takes one) or a noun that introduces a body ("l'association Utopia", "the charity Safe
    Harbour"); "" otherwise."""
    if ent.start == 0:
        return ""
    prev = doc[ent.start - 1]
    word = prev.text.lower()
    if "\n" in prev.whitespace_ or prev.is_sent_end:
        return ""
    return word if word in lex.name_articles or word in lex.body_nouns else ""


def _org_key(name: str, table: OrgTable) -> tuple[str, Organisation | None]:
    org = table.lookup(name)
    if org is not None:
        return f"org:{org.name}", org
    return f"text:{name.lower()}", None


def _describe(doc: Doc, span: Span, lex: Lexicon) -> tuple[list[str], list[str], str]:
    """Titles, descriptions and gender the words around a name give it."""
    titles: list[str] = []
    descriptions: list[str] = []
    gender = "x"
    # Words before the name in its own noun phrase ("Immigration Minister Marc Miller").
    head = span.root
    pre = [t for t in head.subtree if t.i < span.start and t.i >= span.start - 6]
    pre = [t for t in pre if not t.is_punct]
    for t in pre:
        g = lex.titles.get(t.text.lower())
        if g:
            gender = g
    # A preposition, conjunction or verb that governs the name is no title: "selon Philippe
    # Roe", "Comme Jane Roe", "including Juan Roe" (but "ministre de l'Intérieur X" is one).
    cut = [
        t.i
        for t in pre
        if t.pos_ in {"ADP", "SCONJ", "CCONJ", "VERB", "AUX"} and span.start <= t.head.i < span.end
    ]
    if cut:
        pre = [t for t in pre if t.i > max(cut)]
    pre_words = [
        t for t in pre if t.text.lower() not in _DETERMINERS and t.text.lower() not in lex.titles
    ]
    if pre_words and all(t.i < span.start for t in pre_words):
        titles.append(doc[pre_words[0].i : span.start].text.strip())
    if span.start > 0 and doc[span.start - 1].text.lower() in lex.titles:
        g = lex.titles[doc[span.start - 1].text.lower()]
        gender = g or gender
    # Appositions: "X, an immigration lawyer," and "the minister, X" / "le ministre X".
    for child in head.children:
        if child.dep_ == "appos" and not (span.start <= child.i < span.end):
            sub = list(child.subtree)
            descriptions.append(doc[sub[0].i : sub[-1].i + 1].text)
    if head.dep_ == "appos" and not (span.start <= head.head.i < span.end):
        noun = head.head
        sub = [t for t in noun.subtree if t.i < span.start]
        if sub:
            descriptions.append(doc[sub[0].i : span.start].text.strip(" ,"))
        # "la maire de Calais, Natacha Bouchart": the noun's or its determiner's gender.
        for tok in [*[c for c in noun.children if c.dep_ == "det"], noun]:
            g = tok.morph.get("Gender")
            if g:
                gender = "f" if g[0] == "Fem" else "m"
                break
    return titles, descriptions, gender


def _is_dateline(doc: Doc, ent: Span) -> bool:
    """ "WATERTOWN, N.Y. —", "REGINA (CP) —": a place in capitals opening a paragraph."""
    if (
        ent.start > 0
        and "\n" not in doc[ent.start - 1].text
        and doc[ent.start - 1].sent.start != ent.start
    ):
        return False
    letters = [c for c in ent.text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _portfolio(ent: Span, lex: Lexicon) -> bool:
    """Whether an "organisation" is the portfolio of a title or ministry ("le ministre de
    l'Intérieur", "the Minister of Immigration", "Home Affairs Commissioner Ylva Johansson"):
    part of a description, not a body that speaks."""
    root = ent.root
    if _is_portfolio_head(root, lex):
        return True  # the recogniser's span holds the title: "ministre de l'Intérieur"
    if root.dep_ not in {"compound", "nmod", "pobj"}:
        return False
    head = root.head
    if head.i != root.i and (head.pos_ == "ADP" or head.dep_ == "prep"):
        head = head.head
    if head.i == root.i or ent.start <= head.i < ent.end:
        return False
    return _is_portfolio_head(head, lex)


def _name_in_portfolio(doc: Doc, ent: Span) -> Span | None:
    """A person's name the recogniser ran into a portfolio ("le ministre des Transports
    Clément Beaune": "Transports Clément Beaune" tagged as one organisation): the proper
    nouns at its end that the parse sets in apposition, two or more, as a person's name."""
    for tok in ent[1:]:
        if tok.dep_ == "appos" and tok.pos_ == "PROPN":
            name = doc[tok.i : ent.end]
            if len(name) >= 2 and all(t.pos_ == "PROPN" for t in name):
                return _person_span(doc, name.start, name.end)
            return None
    return None


def _is_portfolio_head(tok: Token, lex: Lexicon) -> bool:
    return tok.lemma_.lower() in lex.portfolio_heads or tok.text.lower() in lex.portfolio_heads


def _hyphen_part(doc: Doc, hyphen: int, part: int) -> bool:
    """Whether token ``hyphen`` is a hyphen joining token ``part``, a capitalised word, to the
    name without a space ("Carrey-Conte", "France-Isabelle")."""
    if not (0 <= hyphen < len(doc) and 0 <= part < len(doc)) or doc[hyphen].text != "-":
        return False
    first, second = (doc[part], doc[hyphen]) if part < hyphen else (doc[hyphen], doc[part])
    return not first.whitespace_ and not second.whitespace_ and doc[part].text[:1].isupper()


def _extend_name(doc: Doc, ent: Span, lex: Lexicon) -> Span:
    """A person's name the recogniser cut short ("Amir Khan" of "Amir Khan Muttaqi", "Jeanne
    Carrey" of "Jeanne Carrey-Conte", "Isabelle Roe" of "France-Isabelle Roe"): the
    capitalised proper nouns right after it and the capitalised words a hyphen joins to
    either end belong to it, whatever the recogniser made of a first part (the place
    "France" of "France-Isabelle") unless it took it for an organisation's name; a name
    ending in a particle (``name_particles``: "Ursula von der" of "Ursula von der Leyen")
    takes the capitalised word after it, whatever the recogniser made of that."""
    start = ent.start
    while _hyphen_part(doc, start - 1, start - 2) and doc[start - 2].ent_type_ not in ORG_LABELS:
        start -= 2
    if start < ent.start:
        ent = doc[start : ent.end]
    while _hyphen_part(doc, ent.end, ent.end + 1):
        ent = doc[ent.start : ent.end + 2]
    while (
        ent.end < len(doc)
        and len(ent) > 1
        and ent[-1].text in lex.name_particles
        and doc[ent.end].text[:1].isupper()
        and ent[-1].whitespace_ == " "
    ):
        ent = doc[ent.start : ent.end + 1]
    end = ent.end
    while end < len(doc) and end - ent.end < 3:
        tok = doc[end]
        if (
            tok.pos_ != "PROPN"
            or not tok.text[:1].isupper()
            or tok.ent_type_ not in {"", ent.label_}
        ):
            break
        if tok.ent_iob_ == "B":
            break
        end += 1
    return doc[ent.start : end] if end > ent.end else ent


def find_candidates(
    doc: Doc, lex: Lexicon, table: OrgTable, quoted: Sequence[tuple[int, int]] = ()
) -> Candidates:
    """Group the article's named people and organisations into entities.

    Names inside quotation marks (``quoted``: character spans) are the speaker's words, not
    the article's account of who speaks, and are left out.
    """
    entities: list[Entity] = []
    by_token: dict[int, int] = {}
    person_index: dict[str, list[int]] = {}  # lower-case name token -> entities using it
    org_index: dict[str, int] = {}
    for ent in _entity_spans(doc, table):
        if _is_dateline(doc, ent) or any(s <= ent.start_char < e for s, e in quoted):
            continue
        corrected = _corrected(doc, ent, lex, table)
        if corrected is None:
            continue
        ent = corrected
        body_noun = _body_before(doc, ent, lex)
        if ent.label_ in PERSON_LABELS or _apposed_misc_name(doc, ent, body_noun):
            ent = _extend_name(doc, ent, lex)
            toks = _name_tokens(ent, lex)
            words = [t.text for t in toks if t.is_alpha or "-" in t.text or "'" in t.text]
            if not words:
                continue
            if words[-1].lower() in lex.time_nouns:
                continue  # "Lundi", "St Patrick's Day": a date, nobody
            if _ends_in_post(words, lex):
                continue
            name = _clean(ent, lex)
            kind = "org" if len(words) == 1 and is_acronym(words[0]) else "person"
            if body_noun:
                # "au Nieuwsblad", "l'association Utopia 56": a body the recogniser took for a
                # person; a number right after is part of its name.
                kind = "org"
                if ent.end < len(doc) and doc[ent.end].like_num and doc[ent.end].is_digit:
                    ent = doc[ent.start : ent.end + 1]
                    name = _clean(ent, lex, org=True)
                words = name.split()
        elif ent.label_ in ORG_LABELS:
            name = _clean(ent, lex, org=True)
            words = name.split()
            kind = "org"
        else:
            continue
        if not name or len(name) < 2:
            continue
        idx: int | None = None
        if kind == "person":
            last = words[-1].lower()
            first = words[0].lower()
            if len(words) == 1:
                # A short form: the latest person whose name has this word.
                for cand in reversed(person_index.get(last, [])):
                    idx = cand
                    break
            else:
                for cand in reversed(person_index.get(last, [])):
                    other = entities[cand].name.lower().split()
                    if (
                        len(other) == 1
                        or other[0] == first
                        or other[0][:1] == first[:1]
                        and (other[0].endswith(".") or first.endswith("."))
                        or _transposed(other[0], first)
                    ):
                        idx = cand
                        break
            if idx is None:
                entities.append(Entity(name=name, kind="person"))
                idx = len(entities) - 1
            ent_obj = entities[idx]
            if len(name) > len(ent_obj.name) and len(words) > 1:
                ent_obj.name = name
            for w in words:
                lst = person_index.setdefault(w.lower(), [])
                if idx not in lst:
                    lst.append(idx)
        elif len(words) == 1 and person_index.get(words[0].lower()):
            # A surname the recogniser took for an organisation ("Bukele said").
            idx = person_index[words[0].lower()][-1]
            ent_obj = entities[idx]
        else:
            key, org = _org_key(name, table)
            idx = org_index.get(key)
            if idx is None:
                entities.append(Entity(name=name, kind="org", org=org))
                idx = len(entities) - 1
                org_index[key] = idx
            # "Canada Border Services Agency (CBSA)": the acronym names the same body.
            acronym = _bracketed_acronym(doc, ent.end)
            if acronym is not None:
                org_index.setdefault(_org_key(acronym, table)[0], idx)
            ent_obj = entities[idx]
        ent_obj.mentions.append((ent.start, ent.end))
        for i in range(ent.start, ent.end):
            by_token[i] = idx
        titles, descriptions, gender = _describe(doc, ent, lex)
        if body_noun in lex.body_nouns and body_noun not in titles:
            titles.append(body_noun)  # "l'association": what "L'association a dit" takes up
        for t in titles:
            if t not in ent_obj.titles:
                ent_obj.titles.append(t)
        for d in descriptions:
            ent_obj.add_description(d)
        if gender != "x" and ent_obj.kind == "person":
            ent_obj.gender = gender
    _add_unrecognised_speakers(doc, lex, entities, by_token, person_index, quoted)
    _merge_surnames(entities, by_token, table)
    _merge_titles(entities, by_token)
    _learn_genders(doc, entities, by_token, lex)
    return Candidates(entities, by_token)


def _ends_in_post(words: list[str], lex: Lexicon) -> bool:
    """Whether capitalised words end in a noun that names one person's post ("Deputy Patrol
    Agent", "Prime Minister"): a title, nobody's name."""
    return lex.names_one_person(words[-1].lower())


def _corrected(doc: Doc, ent: Span, lex: Lexicon, table: OrgTable) -> Span | None:
    """``ent`` as the candidates read it: a name tagged an organisation after a one-person
    title is a person's (:func:`_titled_person`); a portfolio, tagged an organisation or a
    place, is part of a description, no body that speaks (None), unless the recogniser ran a
    person's name into it (:func:`_name_in_portfolio`)."""
    if ent.label_ in ORG_LABELS:
        ent = _titled_person(doc, ent, lex, table) or ent
    if ent.label_ not in PERSON_LABELS and _portfolio(ent, lex):
        return _name_in_portfolio(doc, ent)
    return ent


def _bracketed_acronym(doc: Doc, i: int) -> str | None:
    """The acronym in brackets at token ``i`` ("(CBSA)", and "(ABR,)" with a stray comma)."""
    after = [t.text for t in doc[i : i + 4]]
    if len(after) < 3 or after[0] != "(" or not is_acronym(after[1]):
        return None
    if after[2] == ")" or after[2] in {",", ";"} and after[3:4] == [")"]:
        return after[1]
    return None


def _person_span(doc: Doc, start: int, end: int) -> Span:
    """Tokens ``start:end`` as a span labelled a person: the label is set on the slice, so
    this module imports nothing of spaCy's at run time (the command line starts without it,
    ``tests/test_cli_help.py``)."""
    span = doc[start:end]
    span.label_ = "PER"
    return span


def _titled_person(doc: Doc, ent: Span, lex: Lexicon, table: OrgTable) -> Span | None:
    """A person's name the recogniser tagged an organisation, right after a noun that names
    one person ("Federal Judge Ana Reyes" with "Reyes" tagged an organisation, "secretary
    Alejandro Mayorkas"): the capitalised proper nouns from the title to the entity's end, two
    or more, none an acronym, the whole no name in the organisation table."""
    start = ent.start
    while start > 0 and _proper(doc[start - 1]) and not doc[start - 1].ent_type_:
        if lex.names_one_person(doc[start - 1].lemma_.lower()):
            break  # the title
        start -= 1
    name = doc[start : ent.end]
    if (
        start == 0
        or not lex.names_one_person(doc[start - 1].lemma_.lower())
        or not 2 <= len(name) <= 4
        or not all(_proper(t) and t.text[:1].isupper() and not is_acronym(t.text) for t in name)
        or table.lookup(name.text) is not None
    ):
        return None
    return _person_span(doc, start, ent.end)


def _transposed(a: str, b: str) -> bool:
    """Whether two first names differ by two neighbouring letters swapped ("Julien" /
    "Juline"): the article's typo, one person (same surname)."""
    if len(a) != len(b) or len(a) < 4 or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _entity_spans(doc: Doc, table: OrgTable) -> list[Span]:
    """The recogniser's entities, corrected where surer knowledge overlaps them: the
    organisation table's names ("Immigration" tagged a person inside "Immigration, Refugees
    and Citizenship Canada"; the table is the authority, as spaCy's entity ruler is with
    ``overwrite_ents``) and names followed by an age ("Perminus Roe, 47," with "Roe" tagged a
    place). A name from the table that overlaps no entity is added when it is capitalised; a
    common-noun alias ("immigration department") only corrects an entity it overlaps."""
    named: list[Span] = []
    for m in table.find_all(doc.text):
        span = doc.char_span(m.start, m.end, label="ORG", alignment_mode="contract")
        if span is None or not len(span):
            continue
        if span.text[:1].isupper() or any(doc[i].ent_type_ for i in range(span.start, span.end)):
            named.append(span)
    taken = {i for span in named for i in range(span.start, span.end)}
    for span in _aged_names(doc):
        if not any(i in taken for i in range(span.start, span.end)):
            named.append(span)
            taken.update(range(span.start, span.end))
    if not named:
        return list(doc.ents)
    kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
    return sorted([*kept, *named], key=lambda e: e.start)


_MAX_AGE = 110


def _aged_names(doc: Doc) -> Iterator[Span]:
    """People named with their age between commas, the news convention ("Perminus Roe, 47,
    landed"): two to four capitalised proper nouns right before ", <age>,"."""
    for tok in doc[3:-1]:
        if not (
            len(tok.text) <= 3
            and tok.text.isdecimal()  # "²" is a digit int() refuses
            and 0 < int(tok.text) <= _MAX_AGE
            and doc[tok.i - 1].text == ","
            and doc[tok.i + 1].text == ","
        ):
            continue
        start = end = tok.i - 1
        while (
            start > 0
            and end - start < 4
            and _proper(doc[start - 1])
            and doc[start - 1].text[:1].isupper()
        ):
            start -= 1
        if end - start >= 2:
            yield _person_span(doc, start, end)


def _merge_surnames(entities: list[Entity], by_token: dict[int, int], table: OrgTable) -> None:
    """A one-word "organisation" that is a person's surname ("Harkavy, R-N.Y., said ...
    Rep. Tom Harkavy") is that person: its mentions move to the person."""
    surnames: dict[str, int] = {}
    for i, ent in enumerate(entities):
        if ent.kind == "person" and len(ent.name.split()) > 1:
            surnames.setdefault(ent.name.split()[-1], i)
    for i, ent in enumerate(entities):
        if ent.kind != "org" or " " in ent.name or ent.org is not None or table.lookup(ent.name):
            continue
        person = surnames.get(ent.name)
        if person is not None:
            _move_mentions(entities, by_token, i, person)


def _move_mentions(entities: list[Entity], by_token: dict[int, int], src: int, dst: int) -> None:
    """Entity ``src``'s mentions (and the tokens pointing at it) become entity ``dst``'s."""
    entities[dst].mentions = sorted(entities[dst].mentions + entities[src].mentions)
    entities[src].mentions = []
    for tok, idx in by_token.items():
        if idx == src:
            by_token[tok] = dst


def _title_bearer(entities: list[Entity], i: int) -> int | None:
    """The one other person whose title ends with the words of person ``i``'s whole name: the
    recogniser's "Home Secretary" after "Home Secretary Jane Roe"."""
    words = entities[i].name.lower().split()
    found = {
        j
        for j, ent in enumerate(entities)
        if j != i
        and ent.kind == "person"
        and ent.mentions
        and any(t.lower().split()[-len(words) :] == words for t in ent.titles)
    }
    return found.pop() if len(found) == 1 else None


def _merge_titles(entities: list[Entity], by_token: dict[int, int]) -> None:
    """A "person" whose name is a title another person of the article bears ("the Home
    Secretary said" after "Home Secretary Jane Roe", "the Opposition Leader" after "Opposition
    Leader John Roe") is that person: its mentions move to them."""
    for i, ent in enumerate(entities):
        if ent.kind != "person" or not ent.mentions:
            continue
        bearer = _title_bearer(entities, i)
        if bearer is not None:
            _move_mentions(entities, by_token, i, bearer)


# "O’Gorman", "D’Souza": a surname with an apostrophe after its first capital, which the
# English tagger reads as a common noun when the apostrophe is typographic.
_APOSTROPHE_NAME = re.compile(r"[A-Z][’'][A-Z][a-z]+")


def _proper(tok: Token) -> bool:
    """Whether ``tok`` is a proper noun: tagged so, or a name with an apostrophe."""
    return tok.pos_ == "PROPN" or _APOSTROPHE_NAME.fullmatch(tok.text) is not None


def _add_unrecognised_speakers(
    doc: Doc,
    lex: Lexicon,
    entities: list[Entity],
    by_token: dict[int, int],
    person_index: dict[str, list[int]],
    quoted: Sequence[tuple[int, int]],
) -> None:
    """Proper names the entity recogniser missed that are the subject of a speech verb
    ("Biobaku said", "Saiful Afwadi, a traditional leader, said") become people."""
    for verb in doc:
        lemma = lex.verb_lemma(verb)
        if lemma not in lex.speech_verbs or lemma in lex.belief_verbs:
            continue
        if any(s <= verb.idx < e for s, e in quoted):
            continue
        for subj in verb.children:
            if (
                subj.dep_ not in {"nsubj", "nsubj:pass", "obl:agent"}
                or not _proper(subj)
                or subj.i in by_token
                or subj.ent_type_.lower() in lex.place_labels
            ):
                continue  # "Toronto asks": a place stays its own phrase, no person
            if _is_dateline(doc, doc[subj.i : subj.i + 1]):
                continue
            misc = _misc_name(doc, subj)
            toks = (
                list(misc)
                if misc is not None
                else sorted(
                    [
                        subj,
                        *(
                            c
                            for c in subj.children
                            if c.dep_ in {"compound", "flat:name", "flat"} and _proper(c)
                        ),
                    ],
                    key=lambda t: t.i,
                )
            )
            start, end = toks[0].i, toks[-1].i + 1
            if any(i in by_token for i in range(start, end)):
                continue
            span = doc[start:end]
            words = [t.text.strip("()[],.") for t in _name_tokens(span, lex)]
            words = [w for w in words if w]
            if not words or _ends_in_post(words, lex):
                continue
            idx = next(iter(reversed(person_index.get(words[-1].lower(), []))), None)
            if idx is None:
                kind = "org" if len(words) == 1 and is_acronym(words[0]) else "person"
                name = _clean(span, lex) if misc is not None else " ".join(words)
                entities.append(Entity(name=name, kind=kind))
                idx = len(entities) - 1
                for w in words:
                    person_index.setdefault(w.lower(), []).append(idx)
            entities[idx].mentions.append((start, end))
            entities[idx].mentions.sort()
            for i in range(start, end):
                by_token[i] = idx
            titles, descriptions, gender = _describe(doc, span, lex)
            for d in descriptions:
                entities[idx].add_description(d)
            if gender != "x":
                entities[idx].gender = gender


def _apposed_misc_name(doc: Doc, ent: Span, body_noun: str) -> bool:
    """Whether an entity the recogniser tagged MISC is a person's name in apposition after a
    comma ("a expliqué la vice-présidente de la Section, Shereen Roe."): two to four
    capitalised proper nouns, no article or body noun before, hung as an apposition."""
    if ent.label_ in PERSON_LABELS | ORG_LABELS or body_noun or ent.start == 0:
        return False
    words = [t for t in ent if t.text != "-"]
    return (
        doc[ent.start - 1].text == ","
        and 2 <= len(words) <= 4
        and all(_proper(t) and t.text[:1].isupper() for t in words)
        and any(t.dep_ == "appos" for t in ent)
    )


def _misc_name(doc: Doc, tok: Token) -> Span | None:
    """The name a speaking proper noun is part of when the recogniser tagged it neither
    person nor organisation ("lance France-Isabelle Roe" tagged MISC): the entity's span, if
    it is all capitalised proper nouns and hyphens."""
    if not tok.ent_type_ or tok.ent_type_ in PERSON_LABELS | ORG_LABELS:
        return None
    span = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
    if span is None or not all(t.text == "-" or _proper(t) and t.text[:1].isupper() for t in span):
        return None
    return span


def _learn_genders(
    doc: Doc, entities: list[Entity], by_token: dict[int, int], lex: Lexicon
) -> None:
    """A person named as the subject of a sentence and taken up by "he"/"she" as the subject
    of the next one, with nobody else named between, has that pronoun's gender."""
    votes: dict[int, dict[str, int]] = {}
    sents = list(doc.sents)
    for a, b in zip(sents, sents[1:], strict=False):
        persons = {
            by_token[t.i] for t in a if t.i in by_token and entities[by_token[t.i]].kind == "person"
        }
        if len(persons) != 1:
            continue
        (who,) = persons
        if any(t.i in by_token and entities[by_token[t.i]].kind == "person" for t in b):
            continue
        for t in b:
            if t.dep_ in {"nsubj", "nsubj:pass"}:
                p = lex.pronoun(t.text.lstrip("-"))
                if p is not None and p[0] in {"m", "f"} and p[1] == "sg":
                    votes.setdefault(who, {}).setdefault(p[0], 0)
                    votes[who][p[0]] += 1
                break
    for who, v in votes.items():
        if entities[who].gender == "x":
            entities[who].gender = max(v, key=lambda g: v[g])
