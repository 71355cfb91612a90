"""Find quotes in a parsed article and the cue that attributes each one.

Direct quotes are the spans inside quotation marks (:mod:`pipeline.quotes.marks`) that the
article attributes to somebody: a speech verb outside the marks in the same sentence ("...,"
said X), an incise inside them (« ..., a-t-il dit, ... »), a sentence ending in a colon just
before ("X said at a rally:"), or a full-sentence quote that continues the previous speaker.
Short spans with no attribution are scare quotes or titles and are dropped.

Reported speech comes from the parse: a speech verb whose clausal complement is not inside
quotation marks ("The minister said the changes would restore trust"), and "according to X" /
"selon X". Its span is the reported clause, without "that"/"que" and the final period.

Each quote carries its :class:`Cue`: the verb (or "according to" word) and the tokens of the
phrase naming the speaker, which :mod:`pipeline.quotes.attribute` resolves to a speaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.quotes.lexicon import Lexicon
from pipeline.quotes.marks import MarkedSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "csubj", "expl:subj"})
CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "xcomp"})
MIN_DIRECT_WORDS = 3  # an attributed quoted span shorter than this is a term, not a quote
MIN_UNCUED_WORDS = 4  # a quote with no attribution nearby: a full sentence at least
MIN_REPORTED_WORDS = 3
MAX_SUBJECT_TOKENS = 25
HEADING_WORDS = 25  # a line this short that ends no sentence is a heading
ADJACENT_TOKENS = 12  # how far after a quote its speech verb may sit ("...," Tory said)
_CLOSING = ".!?…"
_PRONOUN_SUFFIXES = ("-il", "-elle", "-ils", "-elles", "-on", "-t-il", "-t-elle", "-t-on")


@dataclass(slots=True)
class Cue:
    """What attributes a quote: a verb (or "according to") and the phrase naming the speaker."""

    kind: str  # "verb", "governing", "incise", "colon", "according", "none"
    verb: int | None = None  # token index of the cue word
    subject: tuple[int, int] | None = None  # token span [start, end) naming the speaker
    listener: tuple[int, int] | None = None  # "told <X>": X is the listener, never the speaker


@dataclass(slots=True)
class FoundQuote:
    """A quote found in the text: its characters, whether it is direct or reported, and what
    attributes it."""

    start: int  # character offsets into the article text
    end: int
    quote_type: str  # "direct" or "indirect"
    cue: Cue


def _words(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc.char_span(start, end, alignment_mode="expand") or () if t.is_alpha)


def _is_speech_verb(tok: Token, lex: Lexicon) -> bool:
    return lex.verb_lemma(tok) in lex.speech_verbs and (
        tok.pos_ in {"VERB", "AUX"} or tok.dep_ in {"ROOT", "parataxis", "ccomp"}
    )


def _inverted_pronoun(doc: Doc, verb: Token) -> Token | None:
    """The pronoun of a French inversion ("a-t-il dit", "lance-t-elle") right after ``verb``."""
    for tok in doc[verb.i + 1 : verb.i + 3]:
        if tok.text.lower() in _PRONOUN_SUFFIXES:
            return tok
        if tok.text.lower() != "-t":
            break
    # "a-t-il dit": the pronoun sits between the auxiliary and the participle.
    for tok in doc[max(verb.i - 3, 0) : verb.i]:
        if tok.text.lower() in _PRONOUN_SUFFIXES:
            return tok
    return None


def _subject_span(doc: Doc, verb: Token, lex: Lexicon, depth: int = 0) -> tuple[int, int] | None:
    """Token span of the phrase naming who speaks: the subject, inverted subjects included.

    A relative pronoun stands for the noun it hangs on ("the minister, who said ...");
    subjects that name nobody ("this", "cela") give no span.
    """
    inv = _inverted_pronoun(doc, verb)
    if inv is not None:
        return inv.i, inv.i + 1
    agent = _passive_agent(doc, verb)
    if agent is not None:
        return agent
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and not child.text.startswith("-") and not child.is_punct:
            if child.text.lower() in lex.not_subjects:
                return None
            if _names_time(child, lex):
                continue  # "Chaque année, ...": when, not who
            if _caps_word(child):
                # "REGINA — Saskatchewan's minister said": the dateline is no subject.
                appos = [c for c in child.children if c.dep_ == "appos"]
                return phrase_span(doc, appos[0]) if appos else None
            if child.tag_ in {"WP", "WDT"} or "Rel" in child.morph.get("PronType"):
                if verb.dep_ in {"relcl", "acl:relcl"}:
                    return phrase_span(doc, verb.head)
                return None
            return phrase_span(doc, child)
    found = _inverted_subject(doc, verb, lex)
    if (
        found is None
        and verb.dep_ in {"conj", "advcl", "xcomp"}
        and verb.head.i != verb.i
        and depth < 2
    ):
        # "X said ... and added", "..., adding: “...”": the subject of the verb it hangs on.
        return _subject_span(doc, verb.head, lex, depth + 1)
    return found


def _passive_agent(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The agent of a passive verb, who speaks: "was told by X", "has been called
    “comprehensive” by the commissioner", « a été qualifiée de “honteuse” par X »; the
    passive subject is what was said or described."""
    for child in verb.children:
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return phrase_span(doc, objs[0])
        if child.dep_ == "obl:agent":
            return phrase_span(doc, child)
    return None


def _caps_word(tok: Token) -> bool:
    letters = [c for c in tok.text if c.isalpha()]
    return tok.i == tok.sent.start and len(letters) >= 4 and all(c.isupper() for c in letters)


def _inverted_subject(doc: Doc, verb: Token, lex: Lexicon) -> tuple[int, int] | None:
    """A subject after its verb that the parser took for an object ("said the minister",
    "a expliqué à TVA Nouvelles Fequière Désir", "confient trois Gambiens"): the first name or
    noun phrase in the verb's clause that is not the listener ("to X", "à X")."""
    listener_end = 0  # the end of a listener's name ("à France 3 Ile-de-France")
    for tok in doc[verb.i + 1 : min(verb.i + 10, len(doc))]:
        if tok.is_punct or tok.is_quote or tok.text in {"«", "»"}:
            return None
        if tok.i < listener_end:
            continue
        if _gerund(doc, tok) or tok.i + 1 < len(doc) and _gerund(doc, doc[tok.i + 1]):
            continue  # "affirme en riant X": the manner, not the clause's end
        if tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "mark":
            return None
        if tok.pos_ not in {"PROPN", "NOUN", "NUM"} or tok.ent_type_ in _NOT_SPEAKER_ENTS:
            continue
        if _names_time(tok, lex):
            continue
        head = tok
        while (
            head.head.i != head.i
            and head.head.i > verb.i
            and head.dep_ in _NP_INNER
            and not _person_apposed_to_other(head)
        ):
            head = head.head
        if head.pos_ == "NUM":
            continue  # a number on its own names nobody
        if (
            any(c.dep_ == "case" or c.tag_ == "IN" for c in head.children)
            or head.dep_ in {"pobj", "obl", "obl:arg", "obl:mod", "iobj", "dative"}
            or _is_listener(head, lex)
        ):
            # "to reporters", "à TVA Nouvelles": the listener, with the rest of its name.
            listener_end = _name_run_end(doc, tok)
            continue
        return phrase_span(doc, head)
    return None


def _name_run_end(doc: Doc, tok: Token) -> int:
    """The index after the proper nouns and numbers that follow ``tok``, up to a person's
    name: "à France 3 Ile-de-France Seiku Kanté" is one outlet's name, then the speaker."""
    end = tok.i + 1
    while (
        end < len(doc)
        and (doc[end].pos_ in {"PROPN", "NUM"} or doc[end].ent_iob_ == "I")
        and doc[end].ent_type_ not in _PERSON_ENTS
    ):
        end += 1
    return end


def _gerund(doc: Doc, tok: Token) -> bool:
    """A French gérondif, "en riant": a participle right after "en"."""
    return (
        tok.pos_ in {"VERB", "AUX"}
        and "Part" in tok.morph.get("VerbForm")
        and tok.i > 0
        and doc[tok.i - 1].lower_ == "en"
    )


def _person_apposed_to_other(tok: Token) -> bool:
    """A person's name the parser hung as an apposition on something else ("a commenté
    auprès de l'AFP Serge Roe": the name, not the listener, is the inverted subject)."""
    return (
        tok.dep_ == "appos"
        and tok.ent_type_ in _PERSON_ENTS
        and tok.head.ent_type_ not in _PERSON_ENTS
    )


_PERSON_ENTS = frozenset({"PER", "PERSON"})
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l'", "un", "une", "des", "du"})
_NOT_SPEAKER_ENTS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}
)
_NP_INNER = frozenset({"compound", "flat:name", "flat", "amod", "det", "nmod", "nummod", "appos"})


def _names_time(tok: Token, lex: Lexicon) -> bool:
    """Whether ``tok`` heads a phrase of time ("Chaque année", "This week", "mi-novembre"),
    never a speaker."""
    word = tok.text.lower()
    return (
        tok.lemma_.lower() in lex.time_nouns
        or word in lex.time_nouns
        or word.rpartition("-")[2] in lex.time_nouns
    )


def _is_listener(tok: Token, lex: Lexicon) -> bool:
    return lex.verb_lemma(tok.head) in lex.listener_verbs and tok.dep_ in {"dobj", "iobj", "dative"}


def _listener_span(doc: Doc, verb: Token, lex: Lexicon) -> tuple[int, int] | None:
    if lex.verb_lemma(verb) not in lex.listener_verbs:
        return None
    for child in verb.children:
        if child.dep_ in {"dobj", "iobj", "dative", "obl:arg", "obl", "obj"} and child.i > verb.i:
            if child.dep_ in {"obj", "dobj"} and child.pos_ in {"PRON"} or _names_time(child, lex):
                continue
            return phrase_span(doc, child)
    return None


def phrase_span(doc: Doc, head: Token) -> tuple[int, int]:
    """The noun phrase of ``head``: its subtree without relative clauses, capped in length."""
    keep = [head]
    stack = list(head.children)
    while stack:
        tok = stack.pop()
        if tok.dep_ in {"relcl", "acl:relcl", "ccomp", "advcl"}:
            continue
        keep.append(tok)
        stack.extend(tok.children)
    start = min(t.i for t in keep)
    end = max(t.i for t in keep) + 1
    while start < head.i and _leading_function_word(doc[start]):
        start += 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    if end - start > MAX_SUBJECT_TOKENS:
        start, end = max(start, head.i - MAX_SUBJECT_TOKENS // 2), head.i + 1
    return start, end


def _leading_function_word(tok: Token) -> bool:
    """A word that opens a phrase but is no part of the name: punctuation, a preposition or
    conjunction ("selon cette agence", "pour le gouvernement", "que le syndicat", "mais des
    représentants") or a relative pronoun ("dont le directeur")."""
    return (
        tok.is_punct
        or tok.pos_ in {"ADP", "CCONJ", "SCONJ"}
        or tok.dep_ in {"case", "mark", "cc"}
        or "Rel" in tok.morph.get("PronType")
    )


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return 0, 0
    return span.start, span.end


def _outside(tok: Token, marked: list[tuple[int, int]]) -> bool:
    return not any(s <= tok.idx < e for s, e in marked)


def _governing_verb(doc: Doc, t0: int, t1: int, lex: Lexicon) -> tuple[Token, bool] | None:
    """The verb outside the quote that the parse hangs the quoted words on, and whether it is
    a speech verb: "Hawke said “...”", "called the flights “expensive”", "described as
    “unworkable” by campaigners"."""
    inside = range(t0, t1)
    first_verb: Token | None = None
    seen: set[int] = set()
    for tok in doc[t0:t1]:
        head = tok
        steps = 0
        while head.i in inside and head.head.i != head.i and steps < 40:
            head = head.head
            steps += 1
        if head.i in inside:
            continue
        while head.i not in seen and steps < 60:
            seen.add(head.i)
            speech = lex.verb_lemma(head) in lex.speech_verbs
            if head.pos_ in {"VERB", "AUX"} or speech:
                if speech:
                    return head, True
                if first_verb is None:
                    first_verb = head
            if head.head.i == head.i or head.dep_ in {"relcl", "acl:relcl"}:
                break
            head = head.head
            steps += 1
    return (first_verb, False) if first_verb is not None else None


def _adjacent_verb(
    doc: Doc, t0: int, t1: int, marked: list[tuple[int, int]], lex: Lexicon
) -> Token | None:
    """A speech verb right after the quote ("...," said X) or before it in its sentence.

    The parser's sentence ends are not trusted around quotation marks ("“...,” Tory said."
    is often split after the closing mark): the search runs to the next sentence-final
    punctuation outside the marks instead, at most ``ADJACENT_TOKENS`` tokens away.
    """
    for tok in doc[t1 : min(t1 + ADJACENT_TOKENS, len(doc))]:
        if not _outside(tok, marked) or "\n" in tok.text:
            break
        if _is_speech_verb(tok, lex) and lex.verb_lemma(tok) not in lex.belief_verbs:
            return tok
        if tok.text in _CLOSING:
            break
    for tok in reversed(doc[max(t0 - ADJACENT_TOKENS * 2, 0) : t0]):
        if not _outside(tok, marked) or "\n" in tok.text or tok.text in _CLOSING:
            break
        if _is_speech_verb(tok, lex) and lex.verb_lemma(tok) not in lex.belief_verbs:
            return tok
    return None


def _direct_cue(doc: Doc, m: MarkedSpan, marked: list[tuple[int, int]], lex: Lexicon) -> Cue | None:
    """The verb that attributes the quoted span ``m`` and the phrase naming its speaker."""
    t0, t1 = _token_range(doc, m.start, m.end)
    if t1 <= t0:
        return None
    verb = _adjacent_verb(doc, t0, t1, marked, lex)
    kind = "verb"
    governing = _governing_verb(doc, t0, t1, lex)
    if governing is not None and (
        verb is None or governing[1] and _subject_span(doc, verb, lex) is None
    ):
        verb, speech = governing
        # "called the deal “balanced”": a verb that characterises in the speaker's words.
        speech = speech or lex.verb_lemma(verb) in lex.characterise_verbs
        kind = "verb" if speech else "governing"
    subject = _subject_span(doc, verb, lex) if verb is not None else None
    if (
        subject is not None
        and (subject[0] < t1 and t0 < subject[1] or _inside_marks(doc, subject, marked))
        or subject is None
        and verb is not None
        and _quoted_subject(verb, marked)
    ):
        # The parser took quoted words for the subject ("« ... sa part », a déclaré la
        # ministre", "“Repression” ... “makes it worse,” said a spokesman"): the speaker's
        # name is never inside quotation marks; the subject is the phrase after the verb. So
        # too when the quoted word names nobody ("« C'est pour ça ... », explique une
        # migrante": "ça" taken for the subject).
        subject = _inverted_subject(doc, verb, lex) if verb is not None else None
    if (
        verb is None
        or kind == "governing"
        or subject is None
        or lex.verb_lemma(verb) in lex.belief_verbs
    ):
        # No speech verb names who speaks: "“...”, d'après le parquet", "selon X, le
        # “seuil ...” a été dépassé" — the according cue of the sentence does.
        acc = _according(doc, doc[t0].sent, lex)
        if acc is not None and _outside(doc[acc[1]], marked):
            a0, x0, x1, head = acc
            if "Rel" in head.morph.get("PronType"):
                # "Marine Le Pen, selon qui « ... »": the name before the relative pronoun.
                before = [t for t in doc[head.sent.start : a0] if t.pos_ in {"PROPN", "NOUN"}]
                x0, x1 = phrase_span(doc, before[-1]) if before else (x0, x1)
            if head.lemma_.lower() not in lex.not_speakers:
                return Cue("according", a0, (x0, x1), None)
    if verb is None:
        return None
    if subject is None and kind == "governing":
        return None
    listener = _listener_span(doc, verb, lex)
    return Cue(kind, verb.i, subject, None if listener == subject else listener)


def _quoted_subject(verb: Token, marked: list[tuple[int, int]]) -> bool:
    """Whether the parse gives ``verb`` a subject inside quotation marks."""
    return any(
        c.dep_ in SUBJECT_DEPS and not _outside(c, marked) for c in verb.children if c.i < verb.i
    )


def _inside_marks(doc: Doc, span: tuple[int, int], marked: list[tuple[int, int]]) -> bool:
    """Whether every word of the token ``span`` lies inside quotation marks."""
    return all(not _outside(t, marked) for t in doc[span[0] : span[1]] if not t.is_punct)


def _is_term(text: str, m: MarkedSpan, lex: Lexicon) -> bool:
    """Quoted words named as a term or a title: after "so-called", "known as the" and the
    like, or a short run of capitalised words with no sentence end ("the “Strong Borders
    Act”"), or a word or two after an article ("a “border czar”")."""
    words = text[max(0, m.start - 80) : m.start].lower().replace("’", "'").split()
    if words and words[-1] in _ARTICLES:
        article = True
        words = words[:-1]
    else:
        article = False
    if any(tuple(words[-len(seq) :]) == seq for seq in lex.term_cues if len(words) >= len(seq)):
        return True
    inner = text[m.inner_start : m.inner_end].strip()
    quoted = inner.split()
    if inner[-1:] in _CLOSING:
        return False
    caps = sum(1 for w in quoted if w[:1].isupper())
    if (
        2 <= len(quoted) <= 8
        and caps >= max(2, 0.6 * len(quoted))
        and all(w[:1].isupper() or len(w) <= 3 for w in quoted)
    ):
        return True  # a title
    return article and len(quoted) <= 3


def _colon_cue(doc: Doc, text: str, m: MarkedSpan, lex: Lexicon) -> Cue | None:
    """ "X said at a rally:" just before the quote (same or previous paragraph)."""
    k = m.start - 1
    while k >= 0 and text[k] in " \t\r\n\u00a0":
        k -= 1
    if k < 0 or text[k] != ":":
        return None
    tok_span = doc.char_span(k, k + 1, alignment_mode="expand")
    if tok_span is None:
        return None
    sent = tok_span[0].sent
    for tok in reversed(doc[sent.start : tok_span.start]):
        if _is_speech_verb(tok, lex):
            return Cue("colon", tok.i, _subject_span(doc, tok, lex), _listener_span(doc, tok, lex))
    # A statement ending in a colon ("Pour X, la situation est explosive :") introduces the
    # quote without naming who speaks: the ranker decides from the context.
    return Cue("colon", sent.root.i, None, None)


def _incise(doc: Doc, m: MarkedSpan, lex: Lexicon) -> tuple[int, int, Cue] | None:
    """An attribution inside the marks (« ..., a-t-il dit, ... », « ..., affirme Mme X. ... »):
    its characters and cue. The verb follows a comma or dash and its subject follows it."""
    span = doc.char_span(m.inner_start, m.inner_end, alignment_mode="expand")
    if span is None:
        return None
    for tok in span[1:-1]:
        if not _is_speech_verb(tok, lex) or lex.verb_lemma(tok) in lex.belief_verbs:
            continue
        lo = tok.i
        while (
            lo > span.start
            and doc[lo - 1].pos_ == "AUX"
            or doc[lo - 1].text.lower() in {"-t", "-il", "-elle"}
        ):
            lo -= 1
        if lo <= span.start + 1 or doc[lo - 1].text not in {",", "—", "–"}:
            continue
        inv = _inverted_pronoun(doc, tok)
        subject = (inv.i, inv.i + 1) if inv is not None else _subject_span(doc, tok, lex)
        if subject is None or subject[0] < tok.i and inv is None:
            continue
        hi = max(tok.i, subject[1] - 1) + 1
        while hi < span.end and doc[hi].text not in {",", "—", "–", "."}:
            hi += 1
        if hi >= span.end - 1:
            continue
        cut_start = doc[lo - 1].idx
        cut_end = doc[hi].idx + len(doc[hi].text)
        return cut_start, cut_end, Cue("incise", tok.i, subject, None)
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n\u00a0,;:—–-":
        start += 1
    while end > start and text[end - 1] in " \t\r\n\u00a0,;:—–-":
        end -= 1
    return start, end


def _in_heading(text: str, m: MarkedSpan) -> bool:
    """Whether quote ``m`` lies in a heading: a short line that does not end a sentence,
    with text below it (a headline, a subhead, "Jordan Bardella : « ... »").
    Quotes in headings are the outlet's display type, not quotes (codebook section 1)."""
    start = text.rfind("\n", 0, m.start) + 1
    end = text.find("\n", m.start)
    end = end if end != -1 else len(text)
    line = text[start:end].strip()
    if len(line.split()) > HEADING_WORDS:
        return False
    core = line.rstrip("\"'”’»« \u00a0")
    # A heading stands above something: the last line of a text is no heading.
    return not core.endswith(tuple(_CLOSING)) and bool(text[end:].strip())


def find_direct(doc: Doc, text: str, lex: Lexicon, marks: list[MarkedSpan]) -> list[FoundQuote]:
    """The direct quotes among ``marks``, in order. Terms, spans without words and closed
    spans in headings are left out; a span with an attribution inside it gives the parts
    before and after the attribution that have two words or more; a span with no cue is kept
    when it follows the previous quote in the same paragraph (within 300 characters) or is a
    full sentence of at least :data:`MIN_UNCUED_WORDS` words."""
    marked = [(m.start, m.end) for m in marks]
    out: list[FoundQuote] = []
    for m in marks:
        words = _words(doc, m.inner_start, m.inner_end)
        if words == 0 or _is_term(text, m, lex) or (m.closed and _in_heading(text, m)):
            continue
        cut = _incise(doc, m, lex)
        if cut is not None:
            cs, ce, cue = cut
            for s, e in (_trim(text, m.inner_start, cs), _trim(text, ce, m.inner_end)):
                if _words(doc, s, e) >= 2:
                    out.append(FoundQuote(s, e, "direct", cue))
            continue
        cue = _direct_cue(doc, m, marked, lex) or _colon_cue(doc, text, m, lex)
        if cue is not None and cue.kind == "governing" and words < MIN_DIRECT_WORDS:
            cue = None  # a verb that is not a speech verb and a word or two: a term
        if cue is None:
            inner = text[m.inner_start : m.inner_end].rstrip()
            full_sentence = inner[:1].isupper() and inner[-1:] in _CLOSING
            # "“First part,” she said. “Second part.”": the same speaker goes on.
            goes_on = (
                bool(out)
                and "\n" not in text[out[-1].end : m.start]
                and m.start - out[-1].end < 300
            )
            if not goes_on and (words < MIN_UNCUED_WORDS or not full_sentence):
                continue
            cue = Cue("none")
        out.append(FoundQuote(m.inner_start, m.inner_end, "direct", cue))
    return out


def _according(doc: Doc, sent: Span, lex: Lexicon) -> tuple[int, int, int, Token] | None:
    """ "according to X" / "selon X" in ``sent``: where the cue starts, X's token span and
    X's head."""
    words = [t.text.lower() for t in sent]
    named = set(lex.according_named)
    for seq in lex.according + lex.according_named:
        n = len(seq)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) != seq:
                continue
            j = sent.start + i + n  # first token of X
            if j >= sent.end:
                continue
            k = j
            while k < sent.end and (not doc[k].is_punct or _joins_word(doc, k)):
                k += 1
            if k == j:
                continue
            x_start, x_end = j, k
            if seq in named:
                # "Pour X, ...": X is a named person or body, then a comma.
                if i != 0 or doc[j].ent_type_ not in {"PER", "PERSON", "ORG"}:
                    continue
                if x_end >= sent.end or doc[x_end].text != ",":
                    continue
            return sent.start + i, x_start, x_end, doc[x_start:x_end].root
    return None


def _joins_word(doc: Doc, i: int) -> bool:
    """Whether punctuation token ``i`` is a hyphen inside a word ("the 23-page ruling")."""
    return (
        doc[i].text in {"-", "‑"}
        and i > 0
        and not doc[i - 1].whitespace_
        and not doc[i].whitespace_
        and i + 1 < len(doc)
    )


_COMPLEMENTIZERS = frozenset({"that", "que", "qu'", "qu’"})


def _is_clause(tok: Token) -> bool:
    """A clausal complement: ``ccomp``, any dependent opened by "that"/"que" (the French
    parser often calls "a indiqué que ..." an oblique), or a French infinitive ("assure être
    présente", "dit n'avoir travaillé qu'un jour")."""
    if tok.dep_ == "ccomp":
        return True
    if tok.dep_ == "xcomp" and "Inf" in tok.morph.get("VerbForm") and tok.lang_ == "fr":
        return True
    return any(c.dep_ == "mark" and c.text.lower() in _COMPLEMENTIZERS for c in tok.children)


def _unauthored_document(doc: Doc, subject: tuple[int, int], lex: Lexicon) -> bool:
    """ "The report says ...", "the data show ...": a document with no author named in the
    phrase is no speaker (the annotation brief leaves such attributions out)."""
    phrase = doc[subject[0] : subject[1]]
    if phrase.root.lemma_.lower() not in lex.not_speakers:
        return False
    return not any(t.ent_type_ in {"PERSON", "PER", "ORG"} for t in phrase)


def _tail_report(doc: Doc, text: str, verb: Token, lex: Lexicon) -> tuple[int, int, Cue] | None:
    """A report with its attribution at the end: "On a largement donné, a ajouté M. Bérubé."
    The parser hangs the speech verb on the reported clause (parataxis); the report is the
    sentence up to the comma before the verb."""
    sent = verb.sent
    if verb.dep_ == "parataxis" and verb.head.i < verb.i:
        subject = _subject_span(doc, verb, lex)
        first = min(t.i for t in verb.head.subtree if t.i >= sent.start)
    else:
        # Whatever the parser made of it: "..., avance Islem Bendjaballah." is a comma, the
        # verb (and its auxiliary), the subject after it, then the end of the sentence.
        # "..., a-t-elle noté.": the auxiliary and the pronoun glued to it come first.
        lo = verb.i
        while lo > sent.start and (
            doc[lo - 1].pos_ == "AUX" or doc[lo - 1].pos_ == "PRON" and doc[lo - 1].text[:1] == "-"
        ):
            lo -= 1
        if lo <= sent.start or doc[lo - 1].text != "," or any(_is_clause(c) for c in verb.children):
            return None
        subject = _inverted_pronoun(doc, verb)
        subject = (
            (subject.i, subject.i + 1) if subject is not None else _inverted_subject(doc, verb, lex)
        )
        if subject is None or subject[0] < lo:
            return None
        after = max(subject[1], verb.i + 1)
        rest = [t for t in doc[after : sent.end] if not t.is_punct]
        if rest and doc[after].text != ",":
            return None
        first = sent.start
    if subject is None:
        return None
    lo = verb.i
    while lo > first and doc[lo - 1].text not in {",", "—", "–"}:
        lo -= 1
    if lo <= first + 1:
        return None
    s, e = _trim(text, doc[first].idx, doc[lo - 1].idx)
    if _words(doc, s, e) < MIN_REPORTED_WORDS:
        return None
    return s, e, Cue("verb", verb.i, subject, _listener_span(doc, verb, lex))


def find_reported(
    doc: Doc, text: str, lex: Lexicon, taken: list[tuple[int, int]], marks: list[tuple[int, int]]
) -> list[FoundQuote]:
    """Reported speech: speech verbs with a clause, and "according to X"."""
    out: list[FoundQuote] = []

    def free(s: int, e: int) -> bool:
        return not any(
            s < te and ts < e for ts, te in taken + marks + [(q.start, q.end) for q in out]
        )

    for sent in doc.sents:
        acc = _according(doc, sent, lex)
        if acc is not None:
            a0, x0, a1, head = acc
            if (
                head.lemma_.lower() not in lex.not_speakers
                and head.text.lower() not in lex.not_speakers
            ):
                before = (sent.start, a0)
                after = (a1, sent.end)
                lo, hi = after if after[1] - after[0] >= before[1] - before[0] else before
                if hi > lo:
                    s, e = _trim(text, doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))
                    while e > s and text[e - 1] in _CLOSING:
                        e -= 1
                    if _words(doc, s, e) >= MIN_REPORTED_WORDS and free(s, e):
                        cue = Cue("according", a0, (x0, a1), None)
                        out.append(FoundQuote(s, e, "indirect", cue))
                        continue
        for tok in sent:
            if not _is_speech_verb(tok, lex) or not _outside(tok, marks):
                continue
            tail = _tail_report(doc, text, tok, lex)
            if tail is not None and free(*tail[:2]):
                out.append(FoundQuote(tail[0], tail[1], "indirect", tail[2]))
                continue
            clauses = [c for c in tok.children if _is_clause(c) and c.i > tok.i]
            if not clauses:
                clauses = [c for c in tok.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            clause = clauses[0]
            subject = _subject_span(doc, tok, lex)
            if subject is None or _unauthored_document(doc, subject, lex):
                continue
            sub = list(clause.subtree)
            lo, hi = sub[0].i, sub[-1].i + 1
            # The reported clause stops at the speech verb and its subject ("X, Y said").
            if lo < tok.i < hi:
                hi = tok.i
            while lo < hi and doc[lo].dep_ == "mark":
                lo += 1
            if hi <= lo:
                continue
            s, e = _trim(text, doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))
            while e > s and text[e - 1] in _CLOSING + "\"'”»":
                e -= 1
            s, e = _trim(text, s, e)
            if _words(doc, s, e) < MIN_REPORTED_WORDS or not free(s, e):
                continue
            out.append(
                FoundQuote(
                    s, e, "indirect", Cue("verb", tok.i, subject, _listener_span(doc, tok, lex))
                )
            )
    return out


def find_quotes(doc: Doc, text: str, lex: Lexicon, marks: list[MarkedSpan]) -> list[FoundQuote]:
    """Direct and reported quotes in ``doc`` (parsed ``text``; ``marks`` its spans inside
    quotation marks, :func:`pipeline.quotes.marks.find_marked_spans`), in order."""
    direct = find_direct(doc, text, lex, marks)
    spans = [(m.start, m.end) for m in marks]
    reported = find_reported(doc, text, lex, [(q.start, q.end) for q in direct], spans)
    return sorted(direct + reported, key=lambda q: q.start)
