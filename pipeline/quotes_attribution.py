"""Attribution: who a quoted span is attributed to, and reported speech without quote marks.

Patterns (English and French):
  ``"...," X said.``  ``"...," said X.``  ``X said: "..."``  ``X, a lawyer, said``
  ``IRCC spokesman X told ...``  ``"...", a-t-il déclaré``  ``« ..., affirme X. »``
  ``X said (that) CLAUSE``  ``X told <outlet> (that) CLAUSE``  ``CLAUSE, X said.``
  ``according to X, CLAUSE``  ``selon X, CLAUSE``  ``X a déclaré que CLAUSE``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.quotes_lexicon import (
    DETERMINERS,
    EN_REPORTING_RE,
    EN_SPEECH_RE,
    EN_VERB_MODIFIERS,
    FR_AUX,
    FR_PARTICIPLE_RE,
    FR_PRESENT_RE,
    FR_SPEECH_RE,
    NEWS_AGENCIES,
    NON_SPEAKER_NOUNS,
)
from pipeline.quotes_names import SpeakerNP, classify_np, np_after, subject_before
from pipeline.quotes_orgs import default_table
from pipeline.quotes_text import QUOTE_CHARS, Span, count_words, strip_span

_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui)"
)
_SPEECH_ANY_RE = re.compile(
    rf"(?<![\w\-’'])(?P<mod>{EN_VERB_MODIFIERS})(?P<verb>{EN_SPEECH_RE})(?![\w\-’'])", re.IGNORECASE
)
_REPORT_EN_RE = re.compile(
    rf"(?<![\w\-’'])(?P<mod>{EN_VERB_MODIFIERS})(?P<verb>{EN_REPORTING_RE})(?![\w\-’'])",
    re.IGNORECASE,
)
_FR_VERB_RE = re.compile(
    rf"(?<![\w\-’'])(?P<mod>{FR_AUX})(?P<verb>{FR_SPEECH_RE})(?![\w\-’'])", re.IGNORECASE
)
# "a-t-il déclaré", "a-t-elle ajouté", "ont-ils dit", "avait-il affirmé"
_FR_INVERTED_AUX_RE = re.compile(
    rf"^\W*(?:a|ont|avait|avaient|aurait)-t?-?(?P<pro>il|elle|ils|elles|on)\s+"
    rf"(?:\w+\s+)?(?P<verb>{FR_PARTICIPLE_RE})\b",
    re.IGNORECASE,
)
# "dit-il", "affirme-t-elle", "explique-t-on"
_FR_INVERTED_RE = re.compile(
    rf"^\W*(?P<verb>{FR_PRESENT_RE})-t?-?(?P<pro>il|elle|ils|elles|on)\b", re.IGNORECASE
)
# ", affirme Jean Tremblay", ", a déclaré le ministre"
_FR_VERB_FIRST_RE = re.compile(
    rf"^\W*(?:a\s+|ont\s+|avait\s+|se\s+|s['’])?(?P<verb>{FR_SPEECH_RE})(?=\s)", re.IGNORECASE
)
_EN_VERB_FIRST_RE = re.compile(rf"^[\s,]*(?P<verb>{EN_SPEECH_RE})(?=\s)", re.IGNORECASE)
_ACCORDING_RE = re.compile(r"\b(?:according\s+to|selon|d['’]après)\s+", re.IGNORECASE)
_THAT_RE = re.compile(r"\b(?:that|que|qu['’])\s*", re.IGNORECASE)
# What may stand between a reporting verb and its clause.
_ADVERBIAL_RE = re.compile(
    rf"^\s*,?\s*(?:(?:on\s+|last\s+|this\s+|earlier\s+|late\s+)?{_DAYS}(?:\s+(?:morning|afternoon|"
    rf"evening|night))?|(?:last|this|next)\s+(?:week|month|year|fall|spring|summer|winter)|"
    r"earlier\s+this\s+\w+|earlier|recently|later|previously|repeatedly|again|publicly|"
    r"(?:in|at|during|on|after|before|via|through|lors\s+d['’]une?|dans\s+une?|en)\s+"
    r"(?:a|an|the|his|her|their|its|une?|la|le|les|sa|son|ses)?\s*[\w\-’']+(?:\s+[\w\-’']+){0,3}?"
    r"(?=\s*,|\s+that\b|\s+(?:que|qu['’])|\s+(?:on\s+)?" + _DAYS + r")|"
    r"in\s+a\s+(?:written\s+|news\s+|emailed\s+|joint\s+)?(?:statement|release|interview|email|"
    r"post|letter|news\s+release|press\s+release|news\s+conference|press\s+conference)"
    r"(?:\s+(?:to|with)\s+[A-Z][\w.\-’']*(?:\s+[A-Z][\w.\-’']*)*)?|"
    r"in\s+an\s+(?:interview|email|emailed\s+statement|op-ed)"
    r"(?:\s+(?:to|with)\s+[A-Z][\w.\-’']*(?:\s+[A-Z][\w.\-’']*)*)?|"
    r"dans\s+un\s+communiqué|en\s+entrevue|en\s+conférence\s+de\s+presse|par\s+courriel)\s*,?",
    re.IGNORECASE,
)
# Object of "told": an outlet, reporters, a committee, a pronoun.
_TOLD_OBJECT_RE = re.compile(
    r"^\s+(?:(?:him|her|them|me|us|reporters|journalists|lawmakers|senators|MPs|the\s+[\w\-]+"
    r"(?:\s+[\w\-]+)?|a\s+[\w\-]+(?:\s+[\w\-]+)?|[A-Z][\w.&\-’']*(?:\s+(?:[A-Z][\w.&\-’']*|of|"
    r"and|the))*(?:[’']s\s+[\w\-]+)?))(?=[\s,.])"
)


@dataclass(slots=True)
class Attribution:
    speaker: SpeakerNP
    verb_start: int
    verb_end: int
    where: str  # "after", "before", "inside", "according", "sentence"


@dataclass(slots=True)
class Reported:
    start: int
    end: int
    attribution: Attribution


def _valid(np: SpeakerNP | None) -> bool:
    return np is not None


def _attaches(text: str, pos: int, limit: int) -> bool:
    """Whether words after a closing mark can attribute the quote: the quote ends with a
    comma, question or exclamation mark (``"…," she said``, ``"…?" asked X``), a comma
    follows the mark, or only a short clause closes the sentence (``"…" she said.``)."""
    inner_end = text[pos - 2]
    if inner_end in ",?!…—–-" or text[pos:limit].lstrip(" \u00a0\u202f").startswith(","):
        return True
    m = re.match(r"[^.!?;:]*", text[pos:limit])
    return m is not None and count_words(m.group()) <= 4


def _inversion_closes(text: str, pos: int, np: SpeakerNP | None, limit: int) -> bool:
    """Whether ``VERB X`` after a quote is an inverted attribution (``"…," asks X.``) rather
    than a verb with its object (``X "formally" asks Y to "act"``, Y being asked): a quote
    that ends without ``, ? !`` is only attributed by an inversion that closes the clause."""
    if np is None or pos < 2 or text[pos - 1] not in "\"”»“'’":
        return True
    if text[pos - 2] in ",?!…—–-" or text[pos:limit].lstrip(" \u00a0\u202f").startswith(","):
        return True
    rest = text[max(np.end, pos) : limit].lstrip(" \u00a0\u202f")
    return not rest[:1].isalpha()


def attribution_after(text: str, pos: int, limit: int, lang: str) -> Attribution | None:
    """Attribution right after a closing mark: ``," she said.`` ``," said X.`` ``», a-t-il dit``."""
    region = text[pos:limit]
    if not region.strip(" ,\u00a0\u202f"):
        return None
    if pos >= 2 and text[pos - 1] in "\"”»“'’" and not _attaches(text, pos, limit):
        return None
    if lang == "fr" or "-t-" in region[:20] or re.match(r"^\W*\w+-(?:il|elle)\b", region):
        m = _FR_INVERTED_AUX_RE.match(region) or _FR_INVERTED_RE.match(region)
        if m:
            pro = m.group("pro")
            np = SpeakerNP(pro, pos + m.start("pro"), pos + m.end("pro"), "pronoun")
            return Attribution(np, pos + m.start("verb"), pos + m.end("verb"), "after")
        m = _FR_VERB_FIRST_RE.match(region)
        if m:
            np = np_after(text, pos + m.end("verb"), limit)
            if _valid(np) and _inversion_closes(text, pos, np, limit):
                return Attribution(np, pos + m.start("verb"), pos + m.end("verb"), "after")
        m = _FR_VERB_RE.search(region)
        if m and m.start() < 120:
            np = subject_before(text, pos, pos + m.start())
            if _valid(np):
                return Attribution(np, pos + m.start("verb"), pos + m.end("verb"), "after")
    m = _EN_VERB_FIRST_RE.match(region)
    if m:
        np = np_after(text, pos + m.end("verb"), limit)
        if _valid(np) and _inversion_closes(text, pos, np, limit):
            return Attribution(np, pos + m.start("verb"), pos + m.end("verb"), "after")
    m = _SPEECH_ANY_RE.search(region)
    if m and m.start() < 160:
        np = subject_before(text, pos, pos + m.start())
        if _valid(np):
            return Attribution(np, pos + m.start("verb"), pos + m.end("verb"), "after")
    return None


def attribution_before(text: str, floor: int, pos: int, lang: str) -> Attribution | None:
    """Attribution before an opening mark: ``X said: "`` ``X told CBC that "`` ``Selon lui, « ``."""
    region = text[floor:pos]
    if not region.strip():
        return None
    best: Attribution | None = None
    for rx in (_SPEECH_ANY_RE, _FR_VERB_RE):
        for m in rx.finditer(region):
            if best is not None and floor + m.start("verb") <= best.verb_start:
                continue
            np = subject_before(text, floor, floor + m.start())
            if np is not None:
                best = Attribution(np, floor + m.start("verb"), floor + m.end("verb"), "before")
                continue
            # "said Jane Doe: «...»" (inverted, colon-introduced).
            np = np_after(text, floor + m.end("verb"), pos)
            if (
                np is not None
                and np.kind in {"person", "org"}
                and not text[np.end : pos].strip(" ,:\u00a0")
            ):
                best = Attribution(np, floor + m.start("verb"), floor + m.end("verb"), "before")
    for m in _ACCORDING_RE.finditer(region):
        np = _according_np(text, floor + m.end(), pos)
        if np is not None and (best is None or m.start() + floor > best.verb_start):
            best = Attribution(np, floor + m.start(), floor + m.end(), "according")
    return best


def _according_np(text: str, s: int, limit: int) -> SpeakerNP | None:
    """The speaker named after "according to" / "selon", up to a comma or the end."""
    m = re.search(r"[,;:.!?]\s|[,;:]|[.!?]$|$", text[s:limit])
    e = s + (m.start() if m else limit - s)
    e2 = e
    # "according to Jane Doe, a lawyer with X," -> keep the appositive for description.
    appositive = ""
    if m and text[e : e + 1] == ",":
        m2 = re.match(r",\s*((?:an?|the|un|une|le|la|l['’])\s[^,]{2,120}),", text[e:limit])
        if m2:
            appositive = m2.group(1)
            e2 = e + m2.end()
    obj = re.match(r"(lui|elle|eux|elles)\b", text[s:e])
    if obj:
        # "selon lui": the object pronoun stands for the subject one.
        subj = {"lui": "il", "eux": "ils"}.get(obj.group(1), obj.group(1))
        return SpeakerNP(subj, s, s + obj.end(), "pronoun")
    rel = re.search(r"\s(?:who|which|that|qui|dont)\s", text[s:e])
    if rel:
        appositive = text[s + rel.start() : e].strip() + (f", {appositive}" if appositive else "")
        e = s + rel.start()
    np = classify_np(text, s, e, appositive)
    if np is None:
        return None
    head_words = [w.lower() for w in re.findall(r"[\w\-]+", text[s:e])[:4]]
    if any(w in NON_SPEAKER_NOUNS for w in head_words):
        return None
    np.end = max(np.end, e2) if appositive else np.end
    return np


# Verbs that report speech without "that" ("she said the plan works"); others need it
# ("announced new funding" is an object, not reported speech).
_ZERO_THAT_VERBS = frozenset(
    {
        "say",
        "says",
        "said",
        "tell",
        "tells",
        "told",
        "add",
        "adds",
        "added",
        "argue",
        "argues",
        "argued",
        "warn",
        "warns",
        "warned",
        "claim",
        "claims",
        "claimed",
        "insist",
        "insists",
        "insisted",
        "believe",
        "believes",
        "believed",
        "think",
        "thinks",
        "thought",
        "contend",
        "contends",
        "contended",
        "fear",
        "fears",
        "feared",
        "predict",
        "predicts",
        "predicted",
        "estimate",
        "estimates",
        "estimated",
        "concede",
        "concedes",
        "conceded",
        "admit",
        "admits",
        "admitted",
        "testify",
        "testifies",
        "testified",
        "write",
        "writes",
        "wrote",
        "note",
        "notes",
        "noted",
        "explain",
        "explains",
        "explained",
        "maintain",
        "maintains",
        "maintained",
        "acknowledge",
        "acknowledges",
        "acknowledged",
        "stress",
        "stresses",
        "stressed",
        "worry",
        "worries",
        "worried",
        "agree",
        "agrees",
        "agreed",
    }
)
_FINITE_RE = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|shall|must|may|might|has|have|had|"
    r"does|do|did|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|won['’]t|wouldn['’]t|can['’]t|"
    r"couldn['’]t|doesn['’]t|don['’]t|didn['’]t|hasn['’]t|haven['’]t|needs?|wants?|"
    r"remains?|\w+ed|\w{3,}s)\b",
    re.IGNORECASE,
)


_IRREGULAR_PAST = frozenset(
    {
        "left",
        "went",
        "came",
        "took",
        "made",
        "got",
        "gave",
        "saw",
        "knew",
        "felt",
        "kept",
        "told",
        "said",
        "found",
        "thought",
        "became",
        "began",
        "brought",
        "held",
        "met",
        "ran",
        "sent",
        "spent",
        "stood",
        "won",
        "lost",
        "paid",
        "put",
        "set",
        "fled",
        "fell",
        "grew",
        "hit",
        "led",
        "meant",
        "quit",
        "rose",
        "sought",
        "struck",
        "understood",
        "wrote",
        "cut",
    }
)
_SUBJECT_START = frozenset(
    {
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "there",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he's",
        "she's",
        "it's",
        "they're",
        "we're",
        "there's",
        "he’s",
        "she’s",
        "it’s",
        "they’re",
        "we’re",
        "there’s",
        "i'm",
        "i’m",
    }
)
_AUX_RE = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|shall|must|may|might|has|have|had|"
    r"does|do|did|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|won['’]t|wouldn['’]t|can['’]t|"
    r"couldn['’]t|doesn['’]t|don['’]t|didn['’]t|hasn['’]t|haven['’]t)\b",
    re.IGNORECASE,
)


def _looks_like_clause(s: str, strict: bool = False) -> bool:
    """Whether a complement without "that" is a clause (subject + finite verb).

    ``strict`` (verbs that usually take an object: "confirmed the meeting") requires a
    subject pronoun or an auxiliary within the first words.
    """
    ws = s.split()
    if len(ws) < 3:
        return False
    first = ws[0].lower()
    head = " ".join(ws[:7])
    if first in _SUBJECT_START and (
        _AUX_RE.search(head)
        or _FINITE_RE.search(" ".join(ws[1:4]))
        or any(w.lower() in _IRREGULAR_PAST for w in ws[1:4])
    ):
        return True
    if _AUX_RE.search(head):
        return True
    if strict:
        return False
    return bool(_FINITE_RE.search(" ".join(ws[1:]))) or any(
        w.lower().strip(",") in _IRREGULAR_PAST for w in ws[1:8]
    )


def _clause_after_verb(text: str, verb_end: int, sent_end: int, verb: str) -> int | None:
    """Start of the reported clause after a reporting verb, or None if there is none."""
    pos = verb_end
    if verb.lower() in {"told", "tell", "tells"}:
        m = _TOLD_OBJECT_RE.match(text[pos:sent_end])
        if not m:
            return None
        # Shortest object after which a clause follows: "told the judge both clients ...".
        best = pos + m.end()
        for k in range(pos + 1, pos + m.end() + 1):
            inside_chain = (
                k < len(text) - 1
                and text[k] == " "
                and text[k + 1].isupper()
                and text[k - 1].isalpha()
                and text[text.rfind(" ", pos, k) + 1].isupper()
            )
            if inside_chain:
                continue
            if k < len(text) and text[k - 1] != " " and (k == pos + m.end() or text[k] == " "):
                rest = text[k:sent_end].lstrip(" ,")
                if re.match(r"(?:that|que)\b", rest) or _looks_like_clause(rest, strict=True):
                    best = k
                    break
        pos = best
    for _ in range(3):
        m = _ADVERBIAL_RE.match(text[pos:sent_end])
        if not m or m.end() == 0:
            break
        pos += m.end()
    m = re.match(r"\s*,?\s*(?:that|que|qu['’])\s*", text[pos:sent_end], re.IGNORECASE)
    if m:
        pos += m.end()
    elif not _looks_like_clause(text[pos:sent_end], strict=verb.lower() not in _ZERO_THAT_VERBS):
        return None
    else:
        rest = text[pos:sent_end].lstrip()
        if not rest or rest[0] in ":,;" + QUOTE_CHARS:
            return None
        pos = sent_end - len(text[pos:sent_end].lstrip())
    return pos


_NOUN_FOLLOWERS = frozenset(
    {
        "were",
        "are",
        "was",
        "is",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "of",
        "from",
        "against",
        "by",
        "filed",
        "made",
        "to",
        "and",
        "or",
        "in",
        "for",
        "on",
        "sont",
        "ont",
        "était",
        "de",
        "du",
        "des",
    }
)
_NOUNISH_VERBS = frozenset(
    {
        "claim",
        "claims",
        "report",
        "reports",
        "state",
        "states",
        "note",
        "notes",
        "estimate",
        "estimates",
        "post",
        "posts",
        "remark",
        "remarks",
        "charges",
        "fear",
        "fears",
        "hopes",
        "promise",
        "promises",
        "demand",
        "demands",
        "tweets",
        "stress",
        "stresses",
        "counters",
        "recall",
        "recalls",
        "concerns",
        "rapport",
        "critique",
        "demande",
        "avance",
    }
)
_NOT_CLAUSE_START = frozenset(
    {
        "in",
        "on",
        "at",
        "outside",
        "inside",
        "during",
        "after",
        "before",
        "from",
        "to",
        "with",
        "via",
        "through",
        "near",
        "for",
        "by",
        "lors",
        "pendant",
        "dans",
        "à",
        "en",
        "au",
        "aux",
        "of",
        "about",
        "and",
        "or",
        "but",
        "while",
    }
)


def _clause_span(text: str, s: int, e: int, after_verb: bool = False) -> Span | None:
    s, e = strip_span(text, s, e, " \t\n,;:\u00a0")
    first = text[s:e].split(" ", 1)[0].lower()
    if after_verb and first in _NOT_CLAUSE_START:
        return None
    while e > s and text[e - 1] in ".!?…":
        e -= 1
    s, e = strip_span(text, s, e, " \t\n,;:\u00a0")
    if e <= s or count_words(text[s:e]) < 3:
        return None
    return s, e


def _tail_attribution(text: str, s: int, e: int, lang: str) -> tuple[int, Attribution] | None:
    """``CLAUSE, X said.`` / ``CLAUSE, said X.`` / ``CLAUSE, a-t-il dit.``: (comma, attribution)."""
    seg = text[s:e]
    for cm in reversed(list(re.finditer(r",\s+", seg))):
        comma = s + cm.start()
        tail_s = s + cm.end()
        n_tail = count_words(text[tail_s:e])
        verb_first = bool(
            _EN_VERB_FIRST_RE.match(text[tail_s:e])
            or (lang == "fr" and _FR_VERB_FIRST_RE.match(text[tail_s:e]))
        )
        if n_tail > (40 if verb_first else 16):
            break
        att = attribution_after(text, comma, e, lang)
        if att is None:
            continue
        # The attribution must close the sentence: nothing but adverbials after it.
        after = text[att.verb_end : e]
        if att.speaker.end > att.verb_end:
            after = text[att.speaker.end : e]
        after = after.strip(" .!?\u00a0")
        if after and not after.startswith(","):
            am = _ADVERBIAL_RE.match(" " + after)
            rest = after[am.end() - 1 :] if am else after
            if count_words(rest) > 2 and not rest.lstrip().startswith(","):
                continue
        return comma, att
    return None


_FIRST_PERSON = frozenset({"i", "we", "je", "nous", "you", "vous", "j'", "j’", "tu", "on"})


def _speaker_ok(np: SpeakerNP | None) -> bool:
    return np is not None and not (np.kind == "pronoun" and np.text.lower() in _FIRST_PERSON)


def find_reported(text: str, sent: Span, lang: str, marked: list[Span]) -> Reported | None:
    """Reported speech in one sentence (outside quote marks), or None.

    ``marked`` are the spans inside quotation marks: speech verbs inside them belong to the
    quoted speaker, not to the article.
    """
    s, e = sent
    body = text[s:e]
    if count_words(body) < 5:
        return None
    # according to X, CLAUSE / CLAUSE, according to X
    for m in _ACCORDING_RE.finditer(body):
        a_start = s + m.start()
        if overlaps_any((s + m.start(), s + m.end()), marked):
            continue
        np = _according_np(text, s + m.end(), e)
        if np is None:
            continue
        att = Attribution(np, a_start, s + m.end(), "according")
        before = _clause_span(text, s, a_start)
        after_start = np.end
        after = _clause_span(text, after_start, e) if text[after_start:e].strip(" .") else None
        if before and (not after or (before[1] - before[0]) >= (after[1] - after[0])):
            return Reported(before[0], before[1], att)
        if after:
            return Reported(after[0], after[1], att)
    tail = _tail_attribution(text, s, e, lang)
    if tail is not None:
        comma, att = tail
        if _is_outlet(att.speaker):
            # "X, who said CLAUSE, the AP reports": the outlet reports what X said.
            inner = _verb_reported(text, (s, comma), lang, marked, _SAY_TELL)
            if inner is not None:
                return inner
        span = _clause_span(text, s, comma)
        inside = overlaps_any((att.verb_start, att.verb_end), marked)
        if (
            span is not None
            and not inside
            and _speaker_ok(att.speaker)
            and not body.lstrip().startswith(tuple(QUOTE_CHARS))
        ):
            return Reported(span[0], span[1], att)
    part = _participle_reported(text, s, e, lang, marked)
    if part is not None:
        return part
    return _verb_reported(text, sent, lang, marked)


_SAY_TELL = frozenset({"said", "says", "say", "told", "tells", "tell", "a dit", "dit"})


def _is_outlet(np: SpeakerNP) -> bool:
    """A news outlet (the organisation table's media entry has role ``other``)."""
    if np.kind != "org":
        return False
    name = np.name or np.text
    org = default_table().lookup(name)
    return name in NEWS_AGENCIES or (org is not None and org.role == "other")


def _verb_reported(
    text: str, sent: Span, lang: str, marked: list[Span], verbs: frozenset[str] | None = None
) -> Reported | None:
    """``X said (that) CLAUSE`` / ``X a déclaré que CLAUSE`` (``verbs``: only these)."""
    s, e = sent
    body = text[s:e]
    rx = _FR_VERB_RE if lang == "fr" else _REPORT_EN_RE
    for m in rx.finditer(body):
        if verbs is not None and m.group("verb").lower() not in verbs:
            continue
        v_s, v_e = s + m.start("verb"), s + m.end("verb")
        if overlaps_any((v_s, v_e), marked):
            continue
        floor = max([s] + [b for a, b in marked if s <= b <= v_s])
        np = subject_before(text, floor, s + m.start())
        if not _speaker_ok(np):
            continue
        verb = m.group("verb")
        nxt_word = text[v_e:e].split(" ", 2)[1:2]
        prev_word = text[max(s, v_s - 30) : v_s].split()[-1:] or [""]
        if verb.lower() in _NOUNISH_VERBS and (
            (nxt_word and nxt_word[0].lower().strip(",") in _NOUN_FOLLOWERS)
            or prev_word[0].lower() in DETERMINERS
            or prev_word[0].lower() in {"refugee", "asylum", "insurance", "court", "legal"}
        ):
            continue  # "claims were made", "reports of": a noun, not a verb
        if lang == "fr":
            mq = re.match(r"\s*(?:\w+\s+){0,6}?(?:que|qu['’])\s*", text[v_e:e], re.IGNORECASE)
            if not mq or "," in mq.group() and "," not in text[v_e : v_e + 2]:
                continue
            c_s = v_e + mq.end()
        else:
            c_start = _clause_after_verb(text, v_e, e, verb)
            if c_start is None:
                continue
            c_s = c_start
        span = _clause_span(text, c_s, e, after_verb=True)
        if span is None:
            continue
        assert np is not None
        return Reported(span[0], span[1], Attribution(np, v_s, v_e, "sentence"))
    return None


def overlaps_any(span: Span, spans: list[Span]) -> bool:
    return any(min(span[1], b) > max(span[0], a) for a, b in spans)


_PARTICIPLE_RE = re.compile(
    r",?\s+(?:adding|saying|noting|arguing|warning|explaining|stressing|emphasizing|"
    r"emphasising|insisting|claiming|suggesting|pointing\s+out|acknowledging|"
    r"admitting|predicting|ajoutant|affirmant|soulignant|précisant|expliquant|estimant|"
    r"rappelant|indiquant|déclarant)\s+(?:that\s+|que\s+|qu['’])?",
    re.IGNORECASE,
)


def _participle_reported(
    text: str, s: int, e: int, lang: str, marked: list[Span]
) -> Reported | None:
    """``X said ..., adding that CLAUSE`` / ``X released a statement saying CLAUSE``."""
    for m in _PARTICIPLE_RE.finditer(text, s, e):
        if overlaps_any((m.start(), m.end()), marked):
            continue
        span = _clause_span(text, m.end(), e, after_verb=True)
        if span is None or overlaps_any(span, marked):
            continue
        if not m.group().rstrip().lower().endswith(("that", "que", "qu'", "qu’")) and not (
            _looks_like_clause(text[span[0] : span[1]])
        ):
            continue
        np = _sentence_subject(text, s, m.start(), lang)
        if np is None:
            continue
        return Reported(span[0], span[1], Attribution(np, m.start(), m.end(), "sentence"))
    return None


def _sentence_subject(text: str, s: int, limit: int, lang: str) -> SpeakerNP | None:
    """The subject of the main clause before ``limit``: a speech verb's, else the first NP."""
    best: SpeakerNP | None = None
    for rx in (_SPEECH_ANY_RE, _FR_VERB_RE):
        for m in rx.finditer(text, s, limit):
            np = subject_before(text, s, m.start())
            if np is None:
                np = np_after(text, m.end("verb"), limit)
            if _speaker_ok(np):
                best = np
    if best is not None:
        return best
    m = re.match(
        r"\s*(?:[^,]{0,40},\s+)?((?:[A-Z][\w.\-’']*\s+){0,5}[A-Z][\w.\-’']*|"
        r"(?:he|she|they|il|elle|ils|elles)\b)",
        text[s:limit],
    )
    if m:
        np = classify_np(text, s + m.start(1), s + m.end(1))
        if _speaker_ok(np):
            return np
    return None
