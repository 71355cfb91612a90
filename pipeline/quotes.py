"""The quote stage: direct and reported quotes, their speakers, organisations and roles.

``extract_quotes(text, language, article_id)`` returns :class:`pipeline.records.Quote` records
whose ``char_start``/``char_end`` index ``text`` (``quote.text == text[start:end]``), with the
speaker resolved within the article and a first role from the organisation table and title
rules. ``pipeline.speakers.assign_roles`` then refines roles with the transformer classifier.

Bad input never raises: empty text, text without quotes, unbalanced marks and very long
articles all return a (possibly empty) list.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from pipeline.language import guess_language
from pipeline.quotes_attribution import (
    _ACCORDING_RE,
    Attribution,
    _according_np,
    _tail_attribution,
    attribution_after,
    attribution_before,
    find_reported,
    overlaps_any,
)
from pipeline.quotes_direct import MarkedSpan, find_marked_spans
from pipeline.quotes_lexicon import (
    DETERMINERS,
    EN_SPEECH_RE,
    EN_VERB_MODIFIERS,
    FR_AUX,
    FR_SPEECH_RE,
    NAMING_CUES,
    PRONOUNS,
)
from pipeline.quotes_names import PersonMention, SpeakerNP, person_mentions, subject_before
from pipeline.quotes_orgs import Organisation, default_table
from pipeline.quotes_text import (
    QUOTE_CHARS,
    Span,
    count_words,
    normalise_quotes,
    paragraph_spans,
    sentence_spans,
    strip_span,
    words,
)
from pipeline.records import Quote
from pipeline.speakers import (
    NameIndex,
    SpeakerMention,
    describe_speaker,
    gender_of_pronoun,
    is_role_noun_phrase,
    learn_genders,
    remember,
)

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000  # longer texts are cut (a 500 KB article is processed whole)
_NAMING_BEFORE_RE = re.compile(rf"{NAMING_CUES}[\s,:]*$", re.IGNORECASE)
_TERMINAL_RE = re.compile(r"[.!?…:;][\"'”“’»)\]]*$|[\"”“»]$")


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    quote_type: str
    attribution: Attribution | None
    para: int
    confidence: float
    speaker: str | None = None
    kind: str = "none"
    np: SpeakerNP | None = None


class _Article:
    """Per-article analysis state."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.lang = lang
        self.paras = paragraph_spans(text)
        self.para_starts = [p[0] for p in self.paras]
        self.marked = find_marked_spans(text)
        self.marked_spans: list[Span] = [(m.start, m.end) for m in self.marked]
        self._marked_starts = [m[0] for m in self.marked_spans]
        self._sentences: dict[int, list[Span]] = {}

    def para_of(self, pos: int) -> int:
        lo, hi = 0, len(self.paras) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.para_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def sentences(self, pi: int) -> list[Span]:
        if pi not in self._sentences:
            s, e = self.paras[pi]
            local = _within(self.marked_spans, self._marked_starts, s, e)
            self._sentences[pi] = sentence_spans(self.text, s, e, local)
        return self._sentences[pi]

    def sentence_of(self, pos: int) -> Span:
        pi = self.para_of(pos)
        for s, e in self.sentences(pi):
            if s <= pos < e or pos == e:
                return s, e
        return self.paras[pi]

    def is_body(self, pi: int) -> bool:
        """Body paragraphs end like sentences; headlines, captions and menus do not."""
        s, e = self.paras[pi]
        if pi == len(self.paras) - 1:
            return True  # excerpts are often cut mid-sentence
        para = self.text[s:e]
        if _TERMINAL_RE.search(para):
            return True
        return any(m.start >= s and m.start < e and not m.closed for m in self.marked)


def _speaker_np_is_usable(np: SpeakerNP) -> bool:
    if np.kind == "pronoun":
        return np.text.lower() in PRONOUNS
    return True


def _is_scare_or_title(text: str, m: MarkedSpan, attributed: bool) -> bool:
    inner = text[m.inner_start : m.inner_end]
    n = count_words(inner)
    before = text[max(0, m.start - 40) : m.start]
    if _NAMING_BEFORE_RE.search(before):
        return True
    wordlist = re.findall(r"[\w'’\-]+", inner)
    caps = sum(1 for w in wordlist if w[:1].isupper())
    title_case = (
        n >= 2 and all(w[:1].isupper() or len(w) <= 3 for w in wordlist) and caps >= max(2, 0.6 * n)
    )
    if title_case and n <= 8 and inner[-1:] not in ".!?…":
        return True
    sentence_like = inner[:1].isupper() and n >= 4 or inner[-1:] in ".!?…"
    if sentence_like:
        return False
    prev_word = re.findall(r"[\w'’\-]+", before)[-1:] or [""]
    if n <= 4 and prev_word[0].lower() in DETERMINERS and not attributed:
        return True  # a term: the "border czar", a "safe third country"
    after = text[m.end : m.end + 30]
    if n <= 4 and re.match(r"\s+[A-Z][a-z]+\s+[A-Z][a-z]+", after) and not attributed:
        return True  # the "border czar" Jane Doe
    return not attributed and n <= 3


_CHARACTERISE_RE = re.compile(
    rf"(?<![\w\-]){FR_AUX}{EN_VERB_MODIFIERS}(?P<verb>called|calls|call|described|describes|denounced|"
    r"denounces|labelled|labeled|labels|branded|characterized|characterised|slammed|blasted|"
    r"praised|hailed|accused|accuses|criticized|criticised|dismissed|mocked|"
    r"qualifié|qualifie|qualifiée|décrit|dénoncé|dénonce|traité|traite|accusé|accuse|reproché|"
    r"reproche|critiqué)"
    r"(?![\w\-])",
    re.IGNORECASE,
)


_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "un", "une", "l'", "l’", "its", "this"})


def _sentence_speaker(art: _Article, s: int, e: int) -> Attribution | None:
    """A partial quote's speaker is the subject of the sentence's speech verb (outside quote
    marks): ``Pour répondre à la « détresse » des migrants, le milieu communautaire demande``."""
    text = art.text
    local = _within(art.marked_spans, art._marked_starts, s, e)
    for rx in (_SPEECH_VERB_RE, _FR_SPEECH_VERB_RE):
        for m in rx.finditer(text, s, e):
            if overlaps_any((m.start(), m.end()), local):
                continue
            before = [(a, b) for a, b in local if b <= m.start()]
            floor = max([s] + [b for _, b in before])
            np = subject_before(text, floor, m.start())
            if np is None and before and not text[floor : m.start()].strip():
                # "X "formally" asks ...": a quoted adverb between subject and verb.
                floor = max([s] + [b for _, b in before[:-1]])
                np = subject_before(text, floor, before[-1][0])
            if np is not None and np.kind in {"person", "org", "group"}:
                return Attribution(np, m.start(), m.end(), "sentence")
    return None


_SPEECH_VERB_RE = re.compile(rf"(?<![\w\-’'])(?:{EN_SPEECH_RE})(?![\w\-’'])", re.IGNORECASE)
_FR_SPEECH_VERB_RE = re.compile(
    rf"(?<![\w\-’'])(?:(?:a|ont|avait)\s+)?(?:{FR_SPEECH_RE})(?![\w\-’'])", re.IGNORECASE
)


def _characterisation(
    text: str, floor: int, pos: int, lang: str, n_words: int = 0
) -> Attribution | None:
    """``X called the deal "tough"``: the subject of an evaluative verb speaks the words
    (``n_words``: how many words the quote has)."""
    best: Attribution | None = None
    for m in _CHARACTERISE_RE.finditer(text, floor, pos):
        gap = text[m.end() : pos]
        last_word = (re.findall(r"[\w'’\-]+", gap)[-1:] or [""])[0].lower()
        if not gap.strip() or len(gap) > 80 or (last_word in _ARTICLES and n_words < 4):
            # "called "X"", "call it the "X"": naming a term, not quoting; "called the
            # conduct a "violation of due process"" quotes a phrase.
            continue
        np = subject_before(text, floor, m.start())
        if np is not None and np.kind in {"person", "org", "pronoun", "group"}:
            best = Attribution(np, m.start(), m.end(), "before")
    return best


def _incise_split(art: _Article, m: MarkedSpan) -> list[tuple[int, int, Attribution | None]]:
    """Split ``« Première partie, affirme X. Deuxième partie »`` into two attributed quotes."""
    text = art.text
    s, e = m.inner_start, m.inner_end
    if m.mark not in '«“"' or art.lang != "fr":
        return [(s, e, None)]
    for cm in re.finditer(r",\s+", text[s:e]):
        comma = s + cm.start()
        att = attribution_after(text, comma, e, "fr")
        if att is None or att.verb_start - comma > 40:
            continue
        end_of_incise = att.speaker.end if att.speaker.end > att.verb_end else att.verb_end
        rest = re.match(r"[^.,;!?»]*[.,;!?]\s*", text[end_of_incise:e])
        if rest is None:
            return [(s, comma, att)]
        second_start = end_of_incise + rest.end()
        first = (s, comma, att)
        if second_start >= e:
            return [first]
        return [first, (second_start, e, att)]
    return [(s, e, None)]


def _direct_quotes(art: _Article) -> list[_Raw]:
    text = art.text
    out: list[_Raw] = []
    n = len(art.marked)
    last_att: tuple[Span, Attribution] | None = None
    for idx, m in enumerate(art.marked):
        pi = art.para_of(m.start)
        if not art.is_body(pi):
            continue
        ps, pe = art.paras[pi]
        sent_s, sent_e = art.sentence_of(m.start)
        if m.paragraphs == 1 and m.end > sent_e:
            sent_e = min(pe, max(sent_e, m.end))
        end_para = art.para_of(max(m.end - 1, m.start))
        tail_sent = (
            art.sentence_of(min(m.end, len(text) - 1)) if m.end < len(text) else (m.end, m.end)
        )
        tail_limit = tail_sent[1] if tail_sent[0] <= m.end else m.end
        if end_para != art.para_of(min(m.end, len(text) - 1)):
            tail_limit = m.end
        nxt = art.marked[idx + 1].start if idx + 1 < n else len(text)
        tail_limit = min(tail_limit, nxt, art.paras[end_para][1])
        prv_end = art.marked[idx - 1].end if idx > 0 else 0
        head_floor = max(sent_s, prv_end, ps)
        att: Attribution | None = None
        if tail_limit > m.end:
            att = attribution_after(text, m.end, tail_limit, art.lang)
            if att is None or (att.verb_start - m.end > 60 and not _subject_follows(text, m, att)):
                # A far verb: only if the quote's sentence ends with its attribution.
                t = _tail_attribution(text, m.end, tail_limit, art.lang)
                att = t[1] if t else None
        if att is None and m.start > head_floor:
            att = attribution_before(text, head_floor, m.start, art.lang)
        if att is None:
            # "..., according to X." after the quote in the same sentence.
            for am in _ACCORDING_RE.finditer(text, m.end, max(m.end, tail_limit)):
                np = _according_np(text, am.end(), tail_limit)
                if np is not None:
                    att = Attribution(np, am.start(), am.end(), "according")
                    break
        if att is None and last_att is not None and last_att[0] == (sent_s, sent_e):
            att = last_att[1]  # a second partial quote in the same attributed sentence
        if att is None and m.start > head_floor:
            n_words = count_words(text[m.inner_start : m.inner_end])
            att = _characterisation(text, sent_s, m.start, art.lang, n_words)
        if att is None and m.paragraphs == 1 and (m.end - m.start) < 0.6 * (sent_e - sent_s):
            att = _sentence_speaker(art, sent_s, sent_e)
        if att is not None and not _speaker_np_is_usable(att.speaker):
            att = None
        if _is_scare_or_title(text, m, att is not None):
            continue
        if att is not None:
            last_att = ((sent_s, sent_e), att)
        inner = text[m.inner_start : m.inner_end]
        sentence_chars = max(1, sent_e - sent_s)
        whole_sentence = (m.end - m.start) / sentence_chars >= 0.6
        if att is None and not whole_sentence and count_words(inner) < 4:
            continue
        conf = 0.9 if att is not None else (0.6 if whole_sentence else 0.4)
        for s, e, inc_att in _incise_split(art, m):
            s, e = strip_span(text, s, e, " \t\n,;:\u00a0\u202f")
            if e <= s:
                continue
            out.append(_Raw(s, e, "direct", inc_att or att, pi, conf))
    return _drop_pull_quotes(art, out)


def _subject_follows(text: str, m: MarkedSpan, att: Attribution) -> bool:
    """``"…," Deputy Chief Jane Doe of the County Police Service said``: a long named subject
    right after a quote that ends with a comma attributes it however far its verb is."""
    return (
        "," in text[m.inner_end - 1 : m.end]
        and att.speaker.kind in {"person", "org"}
        and not text[m.end : att.speaker.start].strip()
    )


def _drop_pull_quotes(art: _Article, quotes: list[_Raw]) -> list[_Raw]:
    """A quote repeated later in the article (pull-quote, deck) counts once: the later one."""
    text = art.text
    keep: list[_Raw] = []
    norms = [normalise_quotes(text[q.start : q.end]).rstrip(".!?").lower() for q in quotes]
    for i, q in enumerate(quotes):
        if (
            q.attribution is None
            and norms[i]
            and any(norms[i] in norms[j] for j in range(i + 1, len(quotes)))
        ):
            continue
        keep.append(q)
    return keep


def _within(spans: list[Span], starts: list[int], s: int, e: int) -> list[Span]:
    """The spans (sorted by start, non-overlapping) that overlap [s, e)."""
    i = max(0, bisect.bisect_right(starts, s) - 1)
    out: list[Span] = []
    while i < len(spans) and spans[i][0] < e:
        if spans[i][1] > s:
            out.append(spans[i])
        i += 1
    return out


def _reported_quotes(art: _Article, direct: list[_Raw]) -> list[_Raw]:
    text = art.text
    out: list[_Raw] = []
    direct_spans = sorted((q.start, q.end) for q in direct)
    direct_starts = [d[0] for d in direct_spans]
    direct_verbs = {q.attribution.verb_start for q in direct if q.attribution is not None}
    marked = art.marked_spans
    marked_starts = [m[0] for m in marked]
    direct_outer = [
        (m.start, m.end) for m in art.marked if _within(direct_spans, direct_starts, m.start, m.end)
    ]
    outer_starts = [d[0] for d in direct_outer]
    inside = [(m.start, m.end) for m in art.marked if m.paragraphs > 1]
    inside_starts = [m[0] for m in inside]
    for pi, (ps, pe) in enumerate(art.paras):
        if not art.is_body(pi) or _within(inside, inside_starts, ps, ps + 1):
            continue
        para_marked = _within(marked, marked_starts, ps, pe)
        para_direct = _within(direct_spans, direct_starts, ps, pe)
        para_outer = _within(direct_outer, outer_starts, ps, pe)
        for sent in art.sentences(pi):
            s, e = sent
            body = text[s:e]
            if body.lstrip()[:1] in QUOTE_CHARS and any(
                q[0] <= s + 2 and q[1] >= e - 3 for q in para_direct
            ):
                continue
            sent_marked = [m for m in para_marked if m[1] > s and m[0] < e]
            rep = find_reported(text, sent, art.lang, sent_marked)
            if rep is None or rep.attribution.verb_start in direct_verbs:
                continue
            span: Span | None = (rep.start, rep.end)
            if overlaps_any((rep.start, rep.end), para_outer):
                # Only the quoted words are annotated where reported speech mixes with a
                # direct quote; what follows the quote may still be reported speech.
                span = _trim_after_quotes(text, (rep.start, rep.end), para_outer)
            if span is None:
                continue
            np = rep.attribution.speaker
            if not _speaker_np_is_usable(np):
                continue
            out.append(_Raw(span[0], span[1], "indirect", rep.attribution, pi, 0.75))
    return out


def _trim_after_quotes(text: str, span: Span, marked: list[Span]) -> Span | None:
    """The part of a reported clause after the last quoted span inside it, if substantial."""
    s, e = span
    inner = [m for m in marked if m[0] < e and m[1] > s]
    if not inner:
        return span
    # A clause merely containing a scare quote (a term) stays as it is.
    last_end = max(m[1] for m in inner)
    comma = text.find(",", last_end, e)
    if comma == -1:
        return None
    ns, ne = strip_span(text, comma + 1, e, " \t\n,;\u00a0")
    if count_words(text[ns:ne]) < 4:
        return None
    return ns, ne


# --- speaker resolution --------------------------------------------------------------------


class _Resolver:
    def __init__(self, art: _Article, quotes: list[_Raw]) -> None:
        self.art = art
        text = art.text
        self.quotes = sorted(quotes, key=lambda r: r.start)
        self._groups: list[str] = []  # group speakers so far, in text order
        self._first_named: dict[str, int] | None = None  # canonical name -> first mention
        self._quote_starts = [r.start for r in self.quotes]
        self.orgs = default_table().find_all(text)
        self._org_starts = [om.start for om in self.orgs]
        self._full_names: dict[str, str] = {}
        body = [sp for sp in _outside_quotes(art) if art.is_body(art.para_of(sp[0]))]
        self._standalone = _standalone_capitalised(text, body)
        mentions = person_mentions(text, body)
        _unglue_names(mentions, self._standalone)
        _attach_appositives(text, mentions)
        self._named = mentions  # every name, also those not otherwise seen to be persons
        self._named_starts = [m.start for m in mentions]
        self.names = NameIndex(mentions)
        self.mentions = [m for m in mentions if self._is_person(m)]
        self.names = NameIndex(self.mentions)
        self.mentions = _add_short_mentions(text, body, self.mentions, self.names)
        self._mention_starts = [m.start for m in self.mentions]
        self._subject = {id(m): self._in_subject_position(m) for m in self.mentions}
        subj = {i for i, m in enumerate(self.mentions) if self._subject[id(m)]}
        self.genders = learn_genders(text, self.mentions, subj, self.names.canonical)

    def _is_person(self, m: PersonMention) -> bool:
        """A capitalised chain is a person when the article treats it like one: a title or
        description, a later reference by surname alone, a pronoun right after the name, or
        a speech attribution."""
        if m.title or m.appositive or m.gender:
            return True
        text = self.art.text
        last = m.name.split()[-1]
        if self._standalone.get(last, 0) > 0:
            return True
        # A personal pronoun right after the name ("Ocampo crossed with her two sons").
        if _PERSONAL_PRONOUN_RE.search(text, m.end, m.end + 120):
            return True
        window = text[m.end : m.end + 60]
        before = text[max(0, m.start - 25) : m.start]
        return bool(_SPEECH_AFTER_RE.match(window)) or bool(_SPEECH_BEFORE_RE.search(before))

    def _in_subject_position(self, m: PersonMention) -> bool:
        """Whether a mention is the first noun phrase of its sentence (its likely subject)."""
        s, _ = self.art.sentence_of(m.start)
        lead = self.art.text[s : m.start].rstrip()
        if m.title and lead.endswith(m.title):
            lead = lead[: -len(m.title)]
        lead = lead.rsplit(",", 1)[-1] if "," in lead else lead
        words_ = re.findall(r"[\w'’\-]+", lead)
        return all(w[:1].isupper() or w.lower() in DETERMINERS for w in words_) and not m.possessive

    def _gender(self, m: PersonMention) -> str | None:
        return self.genders.get(self.names.canonical(m.name)) or self.genders.get(m.name)

    def _person_before(self, pos: int, gender: str | None) -> PersonMention | None:
        """The person a pronoun at ``pos`` most likely refers to.

        The closest person named as a sentence subject since the last quote, else the last
        quoted person, else the closest person named at all; gender must not clash.
        """
        lo = bisect.bisect_left(self._mention_starts, pos - _PRONOUN_WINDOW)
        hi = bisect.bisect_left(self._mention_starts, pos)
        ok = [
            m
            for m in self.mentions[lo:hi]
            if not (gender in {"m", "f"} and self._gender(m) not in {None, gender})
        ]
        if not ok:
            return None
        last_q = None
        q_lo = bisect.bisect_left(self._quote_starts, pos - _PRONOUN_WINDOW)
        q_hi = bisect.bisect_left(self._quote_starts, pos)
        for r in self.quotes[q_lo:q_hi]:
            if r.speaker is None or r.kind != "person":
                continue
            g = self.genders.get(r.speaker)
            if gender in {"m", "f"} and g not in {None, gender}:
                continue
            last_q = r
        subjects = [m for m in ok if self._subject[id(m)]]
        if last_q is not None:
            later = [m for m in subjects if m.start > last_q.end]
            if later:
                return later[-1]
            for m in reversed(ok):
                if self.names.canonical(m.name) == last_q.speaker:
                    return m
            return PersonMention(last_q.speaker or "", last_q.start, last_q.end, "")
        if subjects:
            return subjects[-1]
        non_poss = [m for m in ok if not m.possessive]
        return (non_poss or ok)[-1]

    def resolve(self) -> None:
        text = self.art.text
        prev: _Raw | None = None
        for q in sorted(self.quotes, key=lambda r: r.start):
            att = q.attribution
            if att is not None:
                self._resolve_np(q, att.speaker, att.verb_start)
            elif prev is not None and prev.speaker is not None and self._continues(prev, q):
                # An unattributed quote continues the previous speaker.
                q.speaker, q.kind, q.np = prev.speaker, prev.kind, prev.np
                q.confidence = min(q.confidence, 0.7)
            elif q.quote_type == "direct":
                m = self._person_before(q.start, None)
                ps = self.art.paras[max(0, q.para - 1)][0]
                if m is not None and m.start >= ps:
                    q.speaker, q.kind = self.names.canonical(m.name), "person"
                    q.confidence = 0.45
            if q.speaker is not None and q.kind == "person":
                g = self.genders.get(q.speaker)
                if g is None and att is not None and att.speaker.kind == "pronoun":
                    pg = gender_of_pronoun(att.speaker.text)
                    if pg in {"m", "f"}:
                        self.genders[q.speaker] = pg
            prev = q
        self._name_unnamed_spokespeople()
        del text

    def _name_unnamed_spokespeople(self) -> None:
        """``A spokesperson for X said ... "…," said Jane Doe``: the next quote's named
        speaker, in the same or the next paragraph, is that spokesperson."""
        for i, q in enumerate(self.quotes):
            if q.kind != "group" or not _SPOKESPERSON_RE.match(q.speaker or ""):
                continue
            for nxt in self.quotes[i + 1 : i + 3]:
                if nxt.para - q.para > 1:
                    break
                att = nxt.attribution
                if att is None or att.speaker.kind == "pronoun":
                    continue
                if (
                    nxt.kind == "person"
                    and not att.speaker.title
                    and not att.speaker.appositive
                    and not self._named_before(nxt.speaker or "", q.start)
                ):
                    q.speaker, q.kind = nxt.speaker, "person"
                break

    def _named_before(self, name: str, pos: int) -> bool:
        if self._first_named is None:
            self._first_named = {}
            for m in self.mentions:
                self._first_named.setdefault(self.names.canonical(m.name), m.start)
        return self._first_named.get(name, pos) < pos

    def _continues(self, prev: _Raw, q: _Raw) -> bool:
        """An unattributed quote continues the previous speaker unless someone else is named
        in between (or it is more than three paragraphs later)."""
        if q.para - prev.para > 3:
            return False
        if q.para - prev.para <= 1:
            return True
        lo = bisect.bisect_left(self._mention_starts, prev.end)
        hi = bisect.bisect_left(self._mention_starts, q.start)
        return all(self.names.canonical(m.name) == prev.speaker for m in self.mentions[lo:hi])

    def _resolve_np(self, q: _Raw, np: SpeakerNP, pos: int) -> None:
        q.np = np
        if np.kind == "pronoun":
            g = gender_of_pronoun(np.text)
            if g == "pl" or np.text.lower() in {"it", "we", "i", "on"}:
                # "they said" / "it said": the last group or organisation speaker, if any.
                for r in reversed([r for r in self.quotes if r.start < q.start and r.speaker]):
                    if r.kind in {"group", "org"} or (g == "pl" and " and " in (r.speaker or "")):
                        q.speaker, q.kind = r.speaker, r.kind
                        return
                q.speaker, q.kind = None, "none"
                return
            m = self._person_before(pos, g)
            if m is not None:
                q.speaker, q.kind = self.names.canonical(m.name), "person"
                q.confidence = min(q.confidence, 0.8)
            else:
                q.speaker, q.kind = None, "none"
            return
        if np.kind == "person" and np.name:
            if np.extra:
                q.speaker = " and ".join(self.names.canonical(n) for n in np.extra)
            else:
                q.speaker = self.names.canonical(np.name)
                self.names.add(q.speaker)
            q.kind = "person"
            return
        if np.kind == "org":
            q.speaker, q.kind = self._org_full_name(np.name or np.text), "org"
            return
        if _NAMED_GROUP_RE.match(np.text):
            # "the authors said" after "a study by A, B and C": the people listed.
            listed = self._listed_people(pos)
            if listed:
                q.speaker, q.kind = listed, "person"
                return
        # A described group or a role noun ("the minister", "la porte-parole").
        noun = is_role_noun_phrase(np.text)
        if noun:
            if noun in _ORG_NOUNS:
                org = self._org_named_as(noun, pos)
                if org is not None:
                    q.speaker, q.kind = org, "org"
                    return
            else:
                definite = bool(
                    re.match(r"(?:the|le|la|l['’])\s|[A-Z][\w\-]+['’]s\s", np.text, re.IGNORECASE)
                )
                target = self._person_described_as(noun, pos, definite)
                if target is None and _GENERIC_PERSON_RE.match(noun):
                    # "the 34-year-old said", "the woman said": the person in focus.
                    m = self._person_before(pos, None)
                    target = self.names.canonical(m.name) if m is not None else None
                if target is not None:
                    q.speaker, q.kind = target, "person"
                    return
        if noun and re.match(r"(?:the|le|la|les|l['’])\s", np.text, re.IGNORECASE):
            # "the source" after "a source familiar with the matter": the same speaker.
            rx = re.compile(
                rf"(?:an?|une?|des|some)\s+(?:\w+\s+){{0,2}}{re.escape(noun)}\b", re.IGNORECASE
            )
            for speaker in reversed(self._groups[-20:]):
                if rx.match(speaker):
                    q.speaker, q.kind = speaker, "group"
                    return
        q.speaker, q.kind = _strip_determiner(np.text), "group"
        if not self._groups or self._groups[-1] != q.speaker:
            self._groups.append(q.speaker)

    def _listed_people(self, pos: int) -> str | None:
        """The closest list of two or more people named before ``pos`` (``A (York
        University), B and C``), written ``A and B`` / ``A, B, and C``."""
        text = self.art.text
        lo = bisect.bisect_left(self._named_starts, pos - _PRONOUN_WINDOW)
        hi = bisect.bisect_left(self._named_starts, pos)
        cands = self._named[lo:hi]
        i = len(cands) - 1
        while i > 0:
            j = i
            while j > 0 and _LIST_JOIN_RE.fullmatch(text, cands[j - 1].end, cands[j].start):
                j -= 1
            if j < i:
                names = [self.names.canonical(m.name) for m in cands[j : i + 1]]
                if len(names) == 2:
                    return " and ".join(names)
                return f"{', '.join(names[:-1])}, and {names[-1]}"
            i -= 1
        return None

    def _org_full_name(self, name: str) -> str:
        """The longest name the article uses for an organisation ("CBSA" -> its full name)."""
        org = default_table().lookup(name)
        if org is None:
            return name
        if name in self._full_names:
            return self._full_names[name]
        full = self._longest_org_name(org, name)
        self._full_names[name] = full
        return full

    def _longest_org_name(self, org: Organisation, name: str) -> str:
        best = name
        text = self.art.text
        for om in self.orgs:
            if om.org is not org:
                continue
            surface = om.surface
            # A chapter or branch: "ACLU of Louisiana".
            ext = re.match(r"\s+(?:of|in|du|de)\s+[A-ZÀ-Þ][\w\-’']+", text[om.end : om.end + 40])
            if ext:
                surface += ext.group()
            if len(surface) > len(best) and _same_body(name, surface):
                best = surface
        return best

    def _org_named_as(self, noun: str, pos: int) -> str | None:
        """The organisation "the department" / "l'agence" refers to: the closest one before."""
        generic = noun in {"organization", "organisation", "group", "organisme", "groupe"}
        hi = bisect.bisect_left(self._org_starts, pos)
        lo = bisect.bisect_left(self._org_starts, pos - _PRONOUN_WINDOW)
        before = self.orgs[lo:hi]
        kinds = _ORG_NOUN_ROLES.get(noun, set())
        # "the organization" after "ICE deported ..., the ACLU said": the closest body of
        # the kind the noun names, else the closest body.
        best = next(
            (
                om.surface
                for om in reversed(before)
                if (
                    om.org.role in kinds
                    if generic
                    else noun in f"{om.surface} {om.org.name}".lower()
                )
            ),
            None,
        )
        if best is None:
            # "the agency" for a body whose name lacks the word: the closest one of its kind;
            # "the organization": the closest body at all.
            best = next(
                (om.surface for om in reversed(before) if generic or om.org.role in kinds), None
            )
        return self._org_full_name(best) if best else None

    def _person_described_as(self, noun: str, pos: int, definite: bool = False) -> str | None:
        stem = noun.rstrip("s")
        if not stem:
            return None
        rx = re.compile(rf"\b{re.escape(stem)}")
        lo = bisect.bisect_left(self._mention_starts, pos - _PRONOUN_WINDOW)
        hi = bisect.bisect_left(self._mention_starts, pos + _PRONOUN_WINDOW)
        best = None
        after = None
        for m in self.mentions[lo:hi]:
            if rx.search(f"{m.title} {m.appositive}".lower()):
                if m.start < pos:
                    best = self.names.canonical(m.name)
                elif after is None:
                    after = self.names.canonical(m.name)
        if best is None and after is not None:
            return after  # "A Montreal lawyer says ..." in the lede, named below
        if best is None:
            for r in self.quotes:
                if r.start >= pos:
                    break
                if r.start < pos - _PRONOUN_WINDOW or r.np is None or r.kind != "person":
                    continue
                if rx.search(r.np.description.lower()):
                    best = r.speaker
        if best is None and definite and self.art.para_of(pos) <= 1:
            # A lede's "the party's immigration critic said ..." names the person next.
            nxt_para = self.art.para_of(pos) + 1
            for m in self.mentions[bisect.bisect_right(self._mention_starts, pos) :]:
                if self.art.para_of(m.start) > nxt_para:
                    break
                return self.names.canonical(m.name)
        return best


_SPOKESPERSON_RE = re.compile(
    r"(?:an?|the|une?|le|la)\s+(?:\w+\s+)?(?:spokes(?:person|man|woman)|porte-parole)\b",
    re.IGNORECASE,
)
# Plural descriptions of people the article has listed by name ("the authors wrote").
_NAMED_GROUP_RE = re.compile(
    r"^(?:the|these|both|les|ces)\s+(?:(?:study|report|paper|article|letter|book|étude|"
    r"rapport)['’]s\s+|two\s+|three\s+|four\s+|deux\s+|trois\s+)?(?:co-?authors|authors|"
    r"researchers|scholars|academics|economists|scientists|professors|pair|duo|trio|two|three|"
    r"four|co-?auteur(?:e|ice)?s|auteur(?:e|ice)?s|chercheu(?:r|se)s|deux|trois)$",
    re.IGNORECASE,
)
# What joins the names of a list: commas, "and", a parenthesis after each name.
_LIST_JOIN_RE = re.compile(
    r"(?:\s*\([^()]{0,60}\))?\s*(?:,\s*(?:and\s+|et\s+)?|\s+(?:and|et|&)\s+)"
)
_GENERIC_PERSON_RE = re.compile(
    r"^(?:\d+-year-old|man|woman|mother|father|teen|teenager|boy|girl|resident|claimant|"
    r"migrant|refugee|seeker|asylum-seeker|officer|agent|homme|femme|mère|père|"
    r"réfugiée?|migrante?|demandeu(?:r|se))$"
)
_ORG_NOUN_ROLES: dict[str, set[str]] = {
    "agency": {"official", "enforcement", "international"},
    "agence": {"official", "enforcement", "international"},
    "department": {"official", "enforcement"},
    "ministry": {"official"},
    "ministère": {"official"},
    "organization": {"advocacy", "international"},
    "organisation": {"advocacy", "international"},
    "organisme": {"advocacy"},
    "group": {"advocacy"},
    "groupe": {"advocacy"},
    "court": {"legal"},
    "tribunal": {"legal"},
    "board": {"legal", "official"},
    "union": {"enforcement", "other"},
    "syndicat": {"enforcement", "other"},
}
_ORG_NOUNS = frozenset(
    {
        "department",
        "agency",
        "ministry",
        "board",
        "government",
        "city",
        "organization",
        "organisation",
        "group",
        "union",
        "council",
        "commission",
        "office",
        "court",
        "service",
        "police",
        "association",
        "coalition",
        "network",
        "administration",
        "tribunal",
        "ministère",
        "agence",
        "gouvernement",
        "ville",
        "organisme",
        "groupe",
        "syndicat",
        "conseil",
        "bureau",
        "cour",
        "réseau",
    }
)


_FUNCTION_WORDS = frozenset(
    {"of", "and", "the", "for", "on", "in", "de", "du", "des", "la", "le", "les", "et", "pour"}
)


def _same_body(name: str, surface: str) -> bool:
    """Whether ``surface`` is a longer form of ``name`` (``CBSA`` / ``Canada Border Services
    Agency``, ``GRC`` / ``Gendarmerie royale du Canada``, ``ACLU`` / ``ACLU of Louisiana``),
    not another body the organisation table files under the same entry (one news outlet for
    another)."""
    a, b = name.lower(), surface.lower()
    if a in b or b in a:
        return True
    short, long_ = sorted((name, surface), key=len)
    if any(
        w not in _FUNCTION_WORDS for w in re.findall(r"\b[a-zà-ÿ][\w’']*", name + " " + surface)
    ):
        return True  # a description the table lists: "Border Patrol union"
    letters = re.sub(r"[.\-&\s]", "", short)
    if not letters.isupper():
        return False
    initials = iter(w[0].upper() for w in re.findall(r"[\w’']+", long_))
    return all(c in initials for c in letters)


def _strip_determiner(s: str) -> str:
    return s.strip()


def _outside_quotes(art: _Article) -> list[Span]:
    """Paragraph pieces outside quote marks (where people are introduced)."""
    out: list[Span] = []
    marked = art.marked_spans
    j = 0
    for ps, pe in art.paras:
        cur = ps
        while j < len(marked) and marked[j][1] <= ps:
            j += 1
        k = j
        while k < len(marked) and marked[k][0] < pe:
            ms, me = marked[k]
            if ms > cur:
                out.append((cur, ms))
            cur = max(cur, me)
            k += 1
        if cur < pe:
            out.append((cur, pe))
    return out


_PRONOUN_WINDOW = 6000  # characters before a pronoun searched for its antecedent
_PERSONAL_PRONOUN_RE = re.compile(r"\b(?:he|she|his|her|him|il|elle|lui)\b")
_SPEECH_AFTER_RE = re.compile(
    rf"\s*(?:,[^,]{{1,60}},\s*)?(?:{EN_SPEECH_RE}|{FR_SPEECH_RE})\b", re.IGNORECASE
)
_SPEECH_BEFORE_RE = re.compile(rf"\b(?:{EN_SPEECH_RE}|{FR_SPEECH_RE})\s*$", re.IGNORECASE)


def _standalone_capitalised(text: str, spans: list[Span]) -> dict[str, int]:
    """How often each capitalised word stands alone (not inside a longer name)."""
    counts: dict[str, int] = {}
    for s, e in spans:
        toks = words(text, s, e)
        for i, (w, ws, we) in enumerate(toks):
            if not w[:1].isupper():
                continue
            prev_cap = i > 0 and toks[i - 1][0][:1].isupper() and ws - toks[i - 1][2] <= 1
            next_cap = (
                i + 1 < len(toks) and toks[i + 1][0][:1].isupper() and toks[i + 1][1] - we <= 1
            )
            if not prev_cap and not next_cap:
                key = w[:-2] if w.endswith(("'s", "’s")) else w
                counts[key] = counts.get(key, 0) + 1
    return counts


def _unglue_names(mentions: list[PersonMention], standalone: dict[str, int]) -> None:
    """Names glued to the next word by text extraction ("Jane Doearrived in 2019"): the
    surname the article also writes alone, without the lowercase tail."""
    for m in mentions:
        head, _, last = m.name.rpartition(" ")
        for k in range(len(last) - 2, 2, -1):
            tail = last[k:]
            if tail.isalpha() and tail.islower() and standalone.get(last[:k], 0) > 0:
                m.name = f"{head} {last[:k]}" if head else last[:k]
                break


def _add_short_mentions(
    text: str, spans: list[Span], mentions: list[PersonMention], names: NameIndex
) -> list[PersonMention]:
    """Add mentions by surname or first name alone ("Homan said", "Sharon describes")."""
    full = [n for n in names.full if len(n.split()) >= 2]
    if not full:
        return mentions
    keys: dict[str, str] = {}
    for n in full:
        toks = n.split()
        keys.setdefault(toks[-1], n)
        keys.setdefault(toks[0], n)
    taken = sorted((m.start, m.end) for m in mentions)
    taken_starts = [t[0] for t in taken]
    alt = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    rx = re.compile(rf"(?<![\w\-’'])(?:{alt})(?![\w\-])")
    extra: list[PersonMention] = []
    for s, e in spans:
        for m in rx.finditer(text, s, e):
            if _within(taken, taken_starts, m.start(), m.end()):
                continue
            # Not part of a longer capitalised chain ("Homan Street").
            nxt = text[m.end() : m.end() + 2]
            if len(nxt) == 2 and nxt[0] == " " and nxt[1].isupper():
                continue
            poss = text[m.end() : m.end() + 2] in {"'s", "’s"}
            extra.append(PersonMention(keys[m.group()], m.start(), m.end(), "", possessive=poss))
    return sorted(mentions + extra, key=lambda m: m.start)


_APPOSITIVE_RE = re.compile(
    r"^,\s+((?:an?|the|un|une|le|la|l['’]|who|qui|[a-zà-ÿ][\w\-]*(?:['’]s)?)\s[^,;:.!?\"“”«»]{2,160}?"
    r"(?:\([^)]{1,40}\))?)(?=,|\.|;|\s+(?:said|says|told|a\s+dit|a\s+déclaré|affirme))"
)


_NOT_APPOSITIVE_START = re.compile(
    r"^(?:also|then|however|meanwhile|though|said|says|told|added|who\s+said|\w+ed\b|"
    r"a\s+\w+[ée]\b|a\s+dit|ont|est|sont|avait|selon)",
    re.IGNORECASE,
)


# "Jane Doe is an associate professor at ...": a description by a copula after the name.
_COPULAR_RE = re.compile(
    r"^\s+(?:is|was|est)\s+((?:an?|the|une?|le|la)\s[^,;:.!?\"“”«»]{2,160}?)(?=[,.;]|\s+who\b)"
)


def _attach_appositives(text: str, mentions: list[PersonMention]) -> None:
    for m in mentions:
        am = _APPOSITIVE_RE.match(text[m.end : m.end + 200])
        if am and not _NOT_APPOSITIVE_START.match(am.group(1)):
            m.appositive = am.group(1).strip()
        elif not m.appositive and (cm := _COPULAR_RE.match(text[m.end : m.end + 200])):
            m.appositive = cm.group(1).strip()


# --- public API ----------------------------------------------------------------------------


def extract_quotes(text: str, language: str | None, article_id: str = "") -> list[Quote]:
    """Direct and reported quotes in ``text`` with speakers, organisations and first roles."""
    try:
        return _extract(text, language, article_id)
    except Exception:  # bad input must never stop the pipeline
        log.exception("quote extraction failed for article %r", article_id)
        return []


def _extract(text: str, language: str | None, article_id: str) -> list[Quote]:
    if not text or not text.strip():
        return []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    lang = (language or "").lower()[:2] or (guess_language(text[:5000]) or "en")
    art = _Article(text, "fr" if lang == "fr" else "en")
    direct = _direct_quotes(art)
    reported = _reported_quotes(art, direct)
    raws = sorted(direct + reported, key=lambda r: r.start)
    _Resolver(art, raws).resolve()
    table = default_table()
    resolver_mentions = person_mentions(text, _outside_quotes(art))
    _attach_appositives(text, resolver_mentions)
    # One description per speaker: the richest way the article introduces them.
    by_speaker: dict[str | None, SpeakerMention] = {}
    described: dict[tuple[str | None, str, str], SpeakerMention] = {}
    for r in raws:
        key = (r.speaker, r.kind, r.np.description if r.np is not None else "")
        mention = described.get(key)
        if mention is None:
            mention = describe_speaker(text, r.speaker, r.kind, r.np, resolver_mentions, table)
            described[key] = mention
        known = by_speaker.get(r.speaker)
        if known is None or _richer(mention, known):
            by_speaker[r.speaker] = mention
    quotes: list[Quote] = []
    for i, r in enumerate(raws):
        mention = by_speaker[r.speaker]
        q = Quote(
            article_id=article_id,
            quote_index=i,
            text=text[r.start : r.end],
            quote_type=r.quote_type,
            speaker=r.speaker,
            speaker_role=mention.rule_role,
            speaker_org=mention.org,
            speaker_role_score=round(mention.rule_score, 4),
            char_start=r.start,
            char_end=r.end,
        )
        remember(text, q, mention)
        quotes.append(q)
    return quotes


def _richer(a: SpeakerMention, b: SpeakerMention) -> bool:
    """Whether description ``a`` tells more about the speaker than ``b``."""
    if (a.rule_score, a.org is not None) != (b.rule_score, b.org is not None):
        return (a.rule_score, a.org is not None) > (b.rule_score, b.org is not None)
    return len(a.description) > len(b.description)
