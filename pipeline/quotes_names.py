"""Noun phrases that name speakers: people, organisations, pronouns and described groups.

``subject_before`` reads the subject of a speech verb (``Jane Doe, a lawyer, said``),
``np_after`` the speaker of an inverted attribution (``said Jane Doe, a lawyer``), and
``person_mentions`` lists every person the article names, for resolving later references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.quotes_lexicon import (
    DETERMINERS,
    HONORIFICS,
    NON_SPEAKER_NOUNS,
    NOT_NAME_WORDS,
    ORG_WORDS,
    PRONOUNS,
    SPEAKER_NOUNS,
    SUBJECT_PRONOUNS,
    TITLE_WORDS,
)
from pipeline.quotes_orgs import default_table
from pipeline.quotes_text import count_words, strip_span, words

PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "da",
        "di",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "dos",
        "das",
        "y",
        "ter",
        "st.",
        "saint",
    }
)
_CAP_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ]")
_ACRONYM_RE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ0-9.&\-]+$")
# Words that cannot be inside a subject noun phrase: a subject ends after them.
_SUBJECT_BREAKERS = frozenset(
    {
        "that",
        "which",
        "who",
        "whom",
        "when",
        "while",
        "because",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "will",
        "would",
        "can",
        "could",
        "should",
        "if",
        "there",
        "than",
        "not",
        "to",
        "but",
        "so",
        "what",
        "where",
        "how",
        "why",
        "as",
        "said",
        "says",
        "told",
        "after",
        "before",
        "since",
        "though",
        "although",
        "whether",
        "que",
        "qui",
        "qu'",
        "quand",
        "lorsque",
        "est",
        "sont",
        "était",
        "mais",
        "car",
        "si",
        "il",
        "elle",
        "it",
        "they",
        "he",
        "she",
        "we",
        "i",
        "you",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "also",
        "then",
        "now",
        "just",
        "even",
        "only",
        "still",
        "n't",
        "and",
        "et",
        "or",
        "ou",
        "ses",
        "sa",
        "ce",
        "this",
        "these",
        "those",
        "including",
        "notamment",
    }
)
_NOT_APPOSITIVE = frozenset(
    {"notamment", "including", "especially", "particularly", "par", "by", "from", "with",
     "such", "surtout", "dont", "like", "as", "in", "on", "at", "for", "to", "and", "but"}
)  # fmt: skip
_CLAUSE_VERBS = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "has",
        "have",
        "had",
        "it",
        "they",
        "he",
        "she",
        "can",
        "could",
        "should",
        "est",
        "sont",
        "était",
        "il",
        "elle",
        "ils",
        "we",
    }
)
_PREPOSITIONS = frozenset(
    {
        "of",
        "for",
        "at",
        "with",
        "from",
        "in",
        "de",
        "du",
        "des",
        "d'",
        "pour",
        "à",
        "au",
        "aux",
        "chez",
        "auprès",
        "on",
        "by",
    }
)
_NP_END_AFTER_VERB = re.compile(
    r"\s+(?:in|on|at|during|lors|à|en|dans|from|to|last|this|after|before|when|while|who|"
    r"which|que|qui|mercredi|mardi|lundi|jeudi|vendredi|samedi|dimanche|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|yesterday|today|earlier|recently|hier|"
    r"aujourd'hui|via|through|about|as|because|adding|noting|citing|according|referring|"
    r"pointing|explaining|saying|but|and\s+(?:added|said|noted)|ce|cette|plus|pendant)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class SpeakerNP:
    """A noun phrase that attributes speech."""

    text: str  # the phrase as written, appositive excluded
    start: int
    end: int
    kind: str  # "person", "org", "pronoun", "group"
    name: str | None = None  # person's or organisation's name when the phrase has one
    title: str = ""  # words before the name in the phrase ("Immigration Minister")
    appositive: str = ""  # ", an immigration lawyer," without commas
    extra: list[str] = field(default_factory=list)  # further names ("A and B")

    @property
    def description(self) -> str:
        """How the article describes the speaker here, as role-classifier input."""
        head = self.text
        if self.appositive:
            return f"{head}, {self.appositive}"
        return head


def is_name_token(w: str) -> bool:
    return bool(_CAP_RE.match(w)) and not w.isdigit()


def is_acronym(w: str) -> bool:
    return bool(_ACRONYM_RE.match(w)) and sum(c.isalpha() for c in w) >= 2


def _strip_dot(w: str) -> str:
    return w.lower().rstrip(".")


def is_title_token(w: str, first: bool) -> bool:
    low = _strip_dot(w)
    if len(low) == 1 and not first:
        return False  # a middle initial, not "M."
    return low in HONORIFICS or low in TITLE_WORDS


def split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split a capitalised chain into (title words, name words)."""
    flags = []
    last = -1
    for i, w in enumerate(tokens):
        flags.append(is_title_token(w, i == 0 or last == i - 1))
        if flags[-1]:
            last = i
    if last == len(tokens) - 1 and not all(flags):
        # A surname that is also a title word ("Amy Pope", "John Chief"): the name starts
        # after the last title word that a non-title word follows.
        inner = [i for i in range(len(tokens) - 1) if flags[i] and not flags[i + 1]]
        last = inner[-1] if inner else -1
    return tokens[: last + 1], tokens[last + 1 :]


def chain_is_org(tokens: list[str], org_lookup: set[str] | None = None) -> bool:
    low = [_strip_dot(t) for t in tokens]
    if any(t in ORG_WORDS for t in low):
        return True
    if len(tokens) == 1 and is_acronym(tokens[0]):
        return True
    return bool(org_lookup and " ".join(tokens) in org_lookup)


def looks_like_person(tokens: list[str]) -> bool:
    """Whether a capitalised chain (titles removed) reads as a person's name."""
    if not tokens or len(tokens) > 5:
        return False
    if chain_is_org(tokens):
        return False
    if _strip_dot(tokens[0]) in NOT_NAME_WORDS or tokens[0].lower() in PARTICLES:
        return False
    if any(_strip_dot(t) in PLACE_WORDS for t in tokens[1:]) or (
        len(tokens) == 1 and _strip_dot(tokens[0]) in NOT_NAME_WORDS
    ):
        return False
    if tokens[-1].lower() in _HEADLINE_VERBS:
        return False
    if any(is_acronym(t) and len(t) > 2 and "." not in t for t in tokens):
        return False
    return all(is_name_token(t) or t.lower() in PARTICLES for t in tokens)


# Last words of capitalised chains that are places, not people ("Niagara Falls").
PLACE_WORDS = frozenset(
    {"falls", "island", "islands", "valley", "gap", "lake", "lakes", "river", "bay", "bridge",
     "street", "avenue", "road", "county", "park", "mountain", "mountains", "hills", "hill",
     "port", "beach", "point", "sector", "hall", "airport", "station", "crossing", "coast",
     "sea", "ocean", "gulf", "canal", "desert", "deserts", "america", "arch", "strait",
     "peninsula", "heights", "district", "region", "territory", "township", "village", "town",
     "square", "plaza", "tower", "centre", "center", "building", "house", "springs", "creek",
     "forest", "harbour", "harbor", "border", "province", "states", "kingdom", "republic",
     "east", "west", "north", "south", "city", "gardens", "terrace", "boulevard", "drive",
     "highway", "route", "pass", "shore", "shores", "rapids", "canyon", "mall"}
)  # fmt: skip
# Capitalised headline verbs that end a chain in title case ("Poilievre Calls").
_HEADLINE_VERBS = frozenset(
    {"calls", "says", "said", "warns", "urges", "slams", "defends", "wants", "faces",
     "announces", "vows", "demands", "asks", "tells", "rejects", "blasts", "pushes"}
)  # fmt: skip


def _chains(toks: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of capitalised tokens (particles allowed inside)."""
    out: list[tuple[int, int]] = []
    i = 0
    n = len(toks)
    while i < n:
        if is_name_token(toks[i][0]):
            j = i + 1
            while j < n:
                w = toks[j][0]
                gap_ok = toks[j][1] - toks[j - 1][2] <= 1
                if not gap_ok:
                    break
                if is_name_token(w) or (
                    (w.lower() in PARTICLES or w.lower() in {"and", "&", "et"})
                    and j + 1 < n
                    and is_name_token(toks[j + 1][0])
                ):
                    j += 1
                else:
                    break
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _split_and_chains(
    toks: list[tuple[str, int, int]], chains: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Split "Jane Doe and John Roe" into two chains; keep "Customs and Border Protection"."""
    out: list[tuple[int, int]] = []
    for i, j in chains:
        joins = [k for k in range(i, j) if toks[k][0].lower() in {"and", "&", "et"}]
        if not joins:
            out.append((i, j))
            continue
        parts: list[tuple[int, int]] = []
        a = i
        for k in joins:
            parts.append((a, k))
            a = k + 1
        parts.append((a, j))
        people = 0
        for a, b in parts:
            _, name = split_title([t[0] for t in toks[a:b]])
            people += bool(name) and looks_like_person(name)
        if people == len(parts):
            out.extend(parts)
        else:
            out.append((i, j))
    return out


def classify_np(text: str, start: int, end: int, appositive: str = "") -> SpeakerNP | None:
    """Read the noun phrase text[start:end] as a speaker, or None if it cannot speak."""
    start, end = strip_span(text, start, end, " \t\n,;:—–-\u00a0")
    # Nothing before a closing quote mark belongs to the speaker's phrase.
    cut = max(text.rfind(c, start, end) for c in '"”»“')
    if cut != -1:
        start, end = strip_span(text, cut + 1, end, " \t\n,;:—–-.\u00a0")
    if end <= start:
        return None
    surface = text[start:end]
    toks = words(text, start, end)
    if not toks or len(toks) > 16:
        return None
    low = [t[0].lower() for t in toks]
    if len(toks) == 1 and low[0] in PRONOUNS:
        if low[0] not in SUBJECT_PRONOUNS:
            return None
        return SpeakerNP(surface, start, end, "pronoun", appositive=appositive)
    if low[-1] in NON_SPEAKER_NOUNS or low[-1] in DETERMINERS:
        return None
    # The head noun is the last word before a prepositional phrase: "a report from X" is
    # a document, "a spokesperson for X" a speaker.
    first_prep = next((i for i, w in enumerate(low) if w in _PREPOSITIONS and i > 0), None)
    if first_prep is not None and low[first_prep - 1] in NON_SPEAKER_NOUNS:
        return None
    if toks[0][0][:1].isdigit() or (
        low[0].endswith("ing") and not is_name_token(toks[0][0]) and low[0] not in TITLE_WORDS
    ):  # "acting Commissioner Jane Doe" is a speaker, "growing numbers" are not
        return None
    # A named organisation from the table: "the Immigration and Refugee Board of Canada".
    for om in default_table().find_all(text, start, end):
        rest = text[om.end : end].strip(" .,")
        lead = text[start : om.start].strip().lower()
        if not rest and (not lead or lead in DETERMINERS):
            return SpeakerNP(surface, start, end, "org", om.surface, "", appositive)
    chains = _split_and_chains(toks, _chains(toks))
    # Chains that stand in a prepositional phrase ("a spokesperson for the Agency") do not
    # name the speaker; the head chain is the last one not governed by a preposition.
    head: tuple[int, int] | None = None
    for i, j in chains:
        k = i - 1
        while k >= 0 and low[k] in DETERMINERS:
            k -= 1
        governed = k >= 0 and low[k] in _PREPOSITIONS
        if not governed:
            head = (i, j)
    if len(chains) >= 2 and any(
        toks[a - 1][0].lower() in {"and", "et", "&"} for a, _ in chains[1:] if a > 0
    ):
        names = []
        for i, j in chains:
            _, name = split_title([t[0] for t in toks[i:j]])
            if name and looks_like_person(name):
                names.append(" ".join(name))
        if len(names) >= 2:
            np = SpeakerNP(surface, start, end, "person", " and ".join(names), "", appositive)
            np.extra = names
            return np
    if head is not None and head[1] < len(toks) and low[head[1]] in _PREPOSITIONS:
        # "Ahmed Salmi from Nigeria", "Jane Doe with the Council": the name is the head.
        pp = text[toks[head[1]][1] : end]
        ctoks = [t[0] for t in toks[head[0] : head[1]]]
        title, name = split_title(ctoks)
        if name and looks_like_person(name):
            pre = text[start : toks[head[0]][1]].strip()
            title_text = " ".join(x for x in (pre, " ".join(title)) if x).strip()
            app = f"{pp}, {appositive}" if appositive and appositive != pp else pp
            return SpeakerNP(surface, start, end, "person", " ".join(name), title_text, app)
    if (
        head is not None
        and head[1] == len(toks)
        or (
            head is not None
            and all(w in PARTICLES or w in {"and", "et", "&"} for w in low[head[1] :])
        )
    ):
        ctoks = [t[0] for t in toks[head[0] : head[1]]]
        title, name = split_title(ctoks)
        pre = text[start : toks[head[0]][1]].strip()
        title_text = " ".join(x for x in (pre, " ".join(title)) if x).strip()
        if name and looks_like_person(name):
            np = SpeakerNP(surface, start, end, "person", " ".join(name), title_text, appositive)
            return np
        if name and chain_is_org(ctoks):
            return SpeakerNP(surface, start, end, "org", " ".join(ctoks), "", appositive)
        if name and len(name) == 1 and title:
            return SpeakerNP(surface, start, end, "person", name[0], title_text, appositive)
        if name and len(name) == 1 and _strip_dot(name[0]) in NOT_NAME_WORDS:
            return None
        if name and all(is_name_token(t) for t in name):
            kind = "org" if len(name) > 3 or is_acronym(name[-1]) else "person"
            return SpeakerNP(surface, start, end, kind, " ".join(name), title_text, appositive)
    head_word = low[-1].rstrip(")").strip("(")
    # A described speaker: "the minister", "critics", "a spokesperson for the agency".
    content = [w for w in low if w not in DETERMINERS]
    if any(w in SPEAKER_NOUNS for w in content) or (
        surface.endswith(")") and is_acronym(toks[-1][0])
    ):
        if any(w in _SUBJECT_BREAKERS and w not in {"and", "et", "or", "ou"} for w in content):
            return None
        return SpeakerNP(surface, start, end, "group", None, "", appositive)
    if head_word and is_acronym(toks[-1][0]):
        return SpeakerNP(surface, start, end, "org", toks[-1][0], "", appositive)
    # Any "the <noun>" / "a <noun>" subject of a speech verb: "the driver", "les juristes",
    # "The 34-year-old" (documents and times are excluded above and below).
    if (
        low[0] in DETERMINERS
        and 2 <= len(toks) <= 6
        and head_word.replace("-", "").isalnum()
        and head_word not in NON_SPEAKER_NOUNS
        and head_word not in _TIME_NOUNS
        and not any(w in _SUBJECT_BREAKERS for w in low[1:])
        and not any(w.endswith("ing") for w in low[1:2])
    ):
        return SpeakerNP(surface, start, end, "group", None, "", appositive)
    return None


_TIME_NOUNS = frozenset(
    {"weekend", "week", "weeks", "month", "months", "year", "years", "day", "days", "morning",
     "afternoon", "evening", "night", "time", "summer", "winter", "fall", "spring", "autumn",
     "semaine", "mois", "année", "an", "ans", "jour", "jours", "matin", "soir", "été", "hiver",
     "automne", "printemps", "end", "start", "beginning", "moment", "fin", "début", "way",
     "case", "situation", "problem", "issue", "question", "plan", "idea", "move", "decision",
     "change", "changes", "system", "process", "program", "measure", "measures", "number",
     "numbers", "increase", "rise", "drop", "decline", "trend", "pattern", "one", "other"}
)  # fmt: skip


# US party-and-state designations: "R-N.Y.", "D-Calif.", "I-Vt."
PARTY_STATE_RE = re.compile(r"^\(?[RDI]-[A-Z][A-Za-z.]*\)?$")


def _find_appositive_split(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """For ``Name, description,`` return (name end, appositive start, appositive end)."""
    seg = text[start:end].rstrip()
    if not seg.endswith(","):
        return None
    close = start + len(seg) - 1
    depth = 0
    k = close - 1
    while k >= start:
        c = text[k]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
        elif c == "," and depth == 0:
            break
        k -= 1
    if k < start:
        return None
    app_s, app_e = strip_span(text, k + 1, close)
    if app_e <= app_s:
        return None
    app_words = [w.lower() for w in text[app_s:app_e].split()]
    first = app_words[0]
    if first in _NOT_APPOSITIVE:
        return None  # "..., notamment par X," / "..., including X,": not a description
    relative = first in {"who", "qui", "which", "whose", "dont", "que"}
    if not relative and any(w in _CLAUSE_VERBS for w in app_words[:2]):
        return None
    if text[app_s].islower() or first in DETERMINERS or first in {"who", "qui", "now"}:
        return k, app_s, app_e
    # "Jane Doe, 42, said" / "Jane Doe, Canadian Council for Refugees' director, said" /
    # "Rep. Jane Doe, D-Calif., said" (a US party and state designation)
    if (
        PARTY_STATE_RE.match(text[app_s:app_e])
        or text[app_s].isdigit()
        or first.endswith("'s")
        or first.endswith("’s")
    ):
        return k, app_s, app_e
    # "Jane Doe, Executive Director of the Council, said": a capitalised title.
    if is_title_token(text[app_s:app_e].split()[0], True):
        before = [t[0] for t in words(text, start, k)]
        _, name = split_title(before[-4:])
        if len(name) >= 2 and looks_like_person(name):
            return k, app_s, app_e
    return None


def _name_then_descriptions(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """``Jane Doe, director of X, the country's largest union,``: the name, then every
    comma-separated description up to the verb (name end, appositive start, appositive end)."""
    body = text[start : end - 1]
    offsets = [start] + [start + i + 1 for i, c in enumerate(body) if c == ","]
    for k in range(len(offsets) - 1):
        c_s = offsets[k]
        c_e = offsets[k + 1] - 1
        toks = [t[0] for t in words(text, c_s, c_e)]
        if not toks or len(toks) > 5:
            continue
        _, name = split_title(toks)
        if len(name) >= 2 and looks_like_person(name):
            app_s, app_e = strip_span(text, c_e + 1, end - 1)
            if app_e > app_s and count_words(text[app_s:app_e]) <= 25:
                return c_e, app_s, app_e
    return None


_DATELINE_RE = re.compile(r"[A-ZÀ-Þ][A-ZÀ-Þ.,'’\- ]{1,40}(?:,\s*[\w. ]{1,20})?\s+[—–]\s+")
_TRAILING_TIME_RE = re.compile(
    r"\s+(?:(?:on|this|last|late|early)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|today|morning|afternoon|evening|night|week|lundi|mardi|"
    r"mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|lors\s+d['’]un\s+point\s+de"
    r"\s+presse)$"
)


_DET_ONLY_RE = re.compile(r"\s*(?:(?:the|la|le|les|l['’])\s*)?", re.IGNORECASE)
_ACRONYM_TAIL_RE = re.compile(r"\s*(?:\([^()]{1,15}\))?\s*,?\s*")


def subject_before(text: str, floor: int, verb_start: int) -> SpeakerNP | None:
    """The subject of a speech verb starting at ``verb_start``, reading back to ``floor``."""
    seg_s, seg_e = strip_span(text, floor, verb_start)
    if seg_e <= seg_s:
        return None
    # A dateline is not part of the subject ("QUEBEC CITY — The minister said").
    dash = _DATELINE_RE.match(text, seg_s, seg_e)
    if dash:
        seg_s = dash.end()
    # Nor is a time adverbial before the verb ("the minister on Thursday demanded").
    when = _TRAILING_TIME_RE.search(text, seg_s, seg_e)
    if when and when.start() > seg_s:
        seg_e = when.start()
    # A subject that is a listed organisation's whole name, which may hold "et"/"and" and
    # lowercase words ("La Commission de l'immigration et du statut de réfugié (CISR) a dit").
    for om in default_table().find_all(text, seg_s, seg_e):
        if _DET_ONLY_RE.fullmatch(text, seg_s, om.start) and _ACRONYM_TAIL_RE.fullmatch(
            text, om.end, seg_e
        ):
            return classify_np(text, om.start, om.end)
    appositive = ""
    split = _find_appositive_split(text, seg_s, seg_e)
    if split is None and text[seg_s:seg_e].endswith(","):
        split = _name_then_descriptions(text, seg_s, seg_e)
    if split is not None:
        name_end, app_s, app_e = split
        appositive = text[app_s:app_e]
        seg_e = name_end
        # "Jane Doe, president of X, which represents Y, said": two appositives.
        more = _find_appositive_split(text, seg_s, name_end + 1)
        if more is not None:
            seg_e = more[0]
            appositive = f"{text[more[1] : more[2]]}, {appositive}"
    else:
        seg_s, seg_e = strip_span(text, seg_s, seg_e, " \t\n,\u00a0")
        tail = text[seg_s:seg_e]
        # "..., who" (relative pronoun): the subject is before it.
        m = re.search(r"(?:,\s*)?\b(?:who|qui)\s*$", tail)
        if m:
            seg_e = seg_s + m.start()
            split = (
                _find_appositive_split(text, seg_s, seg_e + 1) if tail[m.start()] == "," else None
            )
            if split is not None:
                name_end, app_s, app_e = split
                appositive = text[app_s:app_e]
                seg_e = name_end
    toks = words(text, seg_s, seg_e)
    if not toks:
        return None
    # The subject starts after the last word or comma that cannot be inside it.
    begin = 0
    for idx, (w, _s, e) in enumerate(toks):
        lw = w.lower()
        # A capitalised breaker inside a name is part of it ("Dignity Not Detention").
        in_name = w[:1].isupper() and idx > 0 and is_name_token(toks[idx - 1][0])
        if lw in _SUBJECT_BREAKERS and idx < len(toks) - 1 and not in_name:
            # Keep "and" between two names ("Jane Doe and John Roe").
            if (
                lw in {"and", "et"}
                and idx > 0
                and is_name_token(toks[idx - 1][0])
                and is_name_token(toks[idx + 1][0])
            ):
                continue
            begin = idx + 1
        nxt = toks[idx + 1][1] if idx + 1 < len(toks) else seg_e
        if "," in text[e:nxt] or ";" in text[e:nxt] or ":" in text[e:nxt]:
            begin = idx + 1
    if begin >= len(toks):
        if toks[-1][0].lower() in PRONOUNS:
            begin = len(toks) - 1
        else:
            return None
    # A determiner not governed by a preposition starts a new noun phrase
    # ("something the city says" -> "the city").
    for idx in range(len(toks) - 1, begin, -1):
        w = toks[idx][0].lower()
        if (
            w in DETERMINERS
            and toks[idx - 1][0].lower() not in _PREPOSITIONS
            and w not in {"de", "d'", "du", "des"}
        ):
            begin = idx
            break
    sub_toks = toks[begin:]
    if len(sub_toks) > 12:
        return None
    np = classify_np(text, sub_toks[0][1], seg_e, appositive)
    if np is not None and np.kind == "person" and not np.title and begin > 0:
        # "Ocampo's lawyer, Graham Fitzgerald, said": the description comes first.
        between = text[toks[begin - 1][2] : sub_toks[0][1]]
        if between.strip() == ",":
            k = begin - 1
            while k > 0 and "," not in text[toks[k - 1][2] : toks[k][1]] and begin - k < 6:
                k -= 1
            pre = text[toks[k][1] : toks[begin - 1][2]]
            if not any(t[0].lower() in _SUBJECT_BREAKERS for t in toks[k:begin]):
                np.title = pre
    return np


def np_after(text: str, verb_end: int, limit: int) -> SpeakerNP | None:
    """The speaker after an inverted speech verb (``said Jane Doe, a lawyer.``)."""
    seg = text[verb_end:limit]
    lead = len(seg) - len(seg.lstrip())
    s = verb_end + lead
    if s >= limit:
        return None
    region_end = limit
    # The phrase ends at sentence punctuation.
    m = re.search(r"[.!?;:]\s|[.!?;:]$|\n", text[s:limit] + " ")
    if m:
        region_end = min(limit, s + m.start())
    # A dot inside an abbreviation or initial is not the end ("said Sen. Jane Doe").
    while region_end < limit and text[region_end] == ".":
        j = region_end
        while j > s and text[j - 1].isalpha():
            j -= 1
        w = text[j:region_end].lower()
        if (len(w) == 1 and text[j].isupper()) or w in HONORIFICS:
            m2 = re.search(r"[.!?;:]\s|[.!?;:]$|\n", text[region_end + 1 : limit] + " ")
            region_end = min(limit, region_end + 1 + m2.start()) if m2 else limit
        else:
            break
    first_word = text[s:region_end].split(" ", 1)[0].lower().strip(",")
    if first_word in {"that", "que", "qu'", "it", "this"} or first_word.startswith("qu'"):
        return None
    phrase_end = region_end
    appositive = ""
    comma = text.find(",", s, region_end)
    if comma != -1:
        after_s, after_e = strip_span(text, comma + 1, region_end)
        nxt = text[after_s:after_e].split(" ", 1)[0].lower() if after_e > after_s else ""
        if after_e > after_s and (
            text[after_s].islower() or text[after_s].isdigit() or nxt in DETERMINERS
        ):
            phrase_end = comma
            appositive = text[after_s:after_e]
        elif after_e > after_s and is_name_token(text[after_s]):
            before = [t[0] for t in words(text, s, comma)]
            _, bname = split_title(before)
            if len(bname) >= 2 and looks_like_person(bname):
                # "said Jane Doe, Vice President of the Council": name, then appositive.
                phrase_end = comma
                appositive = text[after_s:after_e]
            else:
                phrase_end = region_end  # "Emerson, Manitoba local Sharon Cory"
        else:
            phrase_end = comma
    cut = _NP_END_AFTER_VERB.search(text, s, phrase_end)
    if cut and cut.start() > s:
        phrase_end = cut.start()
    np = classify_np(text, s, phrase_end, appositive)
    if np is None:
        return None
    if np.kind == "person" and "," in np.text:
        # "Emerson, Manitoba local Sharon Cory": the person is the last name chain.
        toks = words(text, np.start, np.end)
        chains = _chains(toks)
        if chains:
            i, j = chains[-1]
            title, name = split_title([t[0] for t in toks[i:j]])
            if name:
                np.name = " ".join(name)
                np.title = text[np.start : toks[i][1]].strip(" ,") + (
                    " " + " ".join(title) if title else ""
                )
    return np


@dataclass(slots=True)
class PersonMention:
    name: str  # titles removed
    start: int
    end: int
    title: str  # title words before the name ("Immigration Minister", "Mme")
    appositive: str = ""
    gender: str | None = None  # "m", "f" or None
    possessive: bool = False


_MALE_HON = frozenset({"mr", "m", "monsieur", "father", "brother", "sir"})
_FEMALE_HON = frozenset({"mrs", "ms", "miss", "mme", "mlle", "madame", "sister"})


# What introduces a person known by one name: an appositive saying who they are, or a phrase
# saying the article gives only that name.
_SINGLE_NAME_AFTER_RE = re.compile(
    r",\s+(?:\d{1,2}\s*(?:,|ans\b)|"
    r"(?:a|an|un|une)\s+(?:(?:\d{1,2}-year-old|young|jeune|former|ancien|ancienne)\s+)?"
    r"(?:[A-ZÀ-Þ][a-zà-ÿ]+(?:an|ian|ais|aise|ien|ienne|ain|aine|ois|oise|ese|i|ine)\b|man\b|"
    r"woman\b|mother\b|father\b|asylum\b|refugee\b|migrant\b|claimant\b|student\b|"
    r"\d{1,2}-year-old\b|homme\b|femme\b|mère\b|père\b|demandeu\w+|réfugiée?\b|"
    r"étudiante?\b|migrante?\b)|"
    r"(?:arrivée?s?|originaire|who\s+(?:fled|arrived|crossed|came)|qui\s+(?:a\s+fui|est\s+"
    r"arrivée?))\b)"
)
# Capitalised sentence openers that a comma and a description can follow ("Outside, a man").
_OPENER_WORDS = frozenset(
    {"outside", "inside", "upstairs", "downstairs", "today", "yesterday", "tonight", "meanwhile",
     "still", "instead", "here", "there", "nearby", "overall", "later", "earlier", "now",
     "then", "elsewhere", "afterward", "afterwards", "ici", "dehors", "hier",
     "ensuite", "puis", "depuis", "pourtant", "cependant", "ailleurs", "enfin", "aujourd'hui",
     "aujourd’hui", "alors", "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
     "samedi", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)  # fmt: skip
_SINGLE_NAME_BEFORE_RE = re.compile(
    r"(?:(?:name|nom|prénom)\s+(?:only\s+)?(?:as|comme)|identified\s+(?:only\s+)?as|"
    r"known\s+only\s+as|only\s+as|seulement\s+comme|first\s+name,?|prénom,?)\s*$",
    re.IGNORECASE,
)


def person_mentions(text: str, spans: list[tuple[int, int]]) -> list[PersonMention]:
    """People named in the given spans (paragraphs or sentences outside quotes)."""
    out: list[PersonMention] = []
    for ps, pe in spans:
        toks = words(text, ps, pe)
        for i, j in _split_and_chains(toks, _chains(toks)):
            ctoks = [t[0] for t in toks[i:j]]
            if len(ctoks) >= 3 and _strip_dot(ctoks[0]) in NOT_NAME_WORDS:
                # A capitalised sentence opener before a name ("Pour François Demers, ...").
                i += 1
                ctoks = ctoks[1:]
            title, name = split_title(ctoks)
            if not name:
                continue
            ok = looks_like_person(name) and (len(name) >= 2 or bool(title))
            if (
                not ok
                and len(name) == 1
                and looks_like_person(name)
                and name[0].lower() not in _OPENER_WORDS
            ):
                # A person known by one name, as news often gives people seeking protection:
                # "Samuel, un Congolais arrivé en 2024," / "gave his name only as Joseph".
                ok = bool(
                    _SINGLE_NAME_AFTER_RE.match(text, toks[j - 1][2])
                    or _SINGLE_NAME_BEFORE_RE.search(text[max(ps, toks[i][1] - 40) : toks[i][1]])
                )
            if not ok:
                continue
            name_start = toks[i + len(title)][1]
            pre = pre_title(text, toks[i][1], ps)
            if pre:
                title = [pre, *title]
            end = toks[j - 1][2]
            possessive = text[end : end + 2] in {"'s", "’s"}
            name_tokens = [t for t in name if not (t.endswith("'s") or t.endswith("’s"))]
            clean = " ".join(name_tokens)
            if clean.endswith("'s") or clean.endswith("’s"):
                clean = clean[:-2]
            m = PersonMention(clean, name_start, end, " ".join(title), possessive=possessive)
            hon = {_strip_dot(t) for t in title}
            if hon & _MALE_HON:
                m.gender = "m"
            elif hon & _FEMALE_HON:
                m.gender = "f"
            out.append(m)
    return out


_TITLEISH = (
    TITLE_WORDS
    | HONORIFICS
    | frozenset(
        {
            "of",
            "de",
            "du",
            "des",
            "l'",
            "l’",
            "la",
            "for",
            "the",
            "fédéral",
            "fédérale",
            "federal",
            "immigration",
            "refugee",
            "refugees",
            "law",
            "lawyer",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "advocate",
            "activist",
            "co-chair",
            "co-founder",
            "founder",
            "head",
            "public",
            "safety",
            "opposition",
            "conservative",
            "liberal",
            "québécois",
            "canadian",
            "city",
            "councillor",
            "organizer",
            "volunteer",
            "researcher",
            "professor",
            "asylum",
            "seeker",
            "claimant",
            "local",
            "resident",
            "mother",
            "father",
            "ministre",
            "premier",
            "première",
            "porte-parole",
            "avocat",
            "avocate",
            "demandeur",
            "demandeuse",
            "d'asile",
            # party and place adjectives between a title and the name ("le député
            # conservateur Marc Roy", "Republican state Sen. Jane Doe")
            "conservateur",
            "conservatrice",
            "libéral",
            "libérale",
            "bloquiste",
            "néo-démocrate",
            "péquiste",
            "solidaire",
            "républicain",
            "républicaine",
            "démocrate",
            "republican",
            "democratic",
            "democrat",
            "provincial",
            "provinciale",
            "québécoise",
            "canadien",
            "canadienne",
            "américain",
            "américaine",
            "state",
            "senior",
        }
    )
)


def pre_title(text: str, start: int, floor: int) -> str:
    """Title words written before a name: "immigration lawyer", "le ministre de l'Immigration,"."""
    seg_start = max(floor, start - 80)
    before = text[seg_start:start]
    m = re.search(r"((?:[\w'’\-]+\.?\s+){1,6})$", before)
    if not m:
        # "La ministre québécoise de l'Immigration, Sophie Tremblay-Gagnon, ...": the whole
        # phrase before the comma, from its determiner, when it holds a title word.
        m2 = re.search(r"((?:[\w'’\-]+\.?\s+){0,7}[\w'’\-]+),\s+$", before)
        if not m2:
            return ""
        ws = m2.group(1).split()
        for i in range(len(ws)):
            if ws[i].lower() in DETERMINERS - {"de", "d'", "du", "des"} or ws[i].lower().startswith(
                ("l'", "l’")
            ):
                ws = ws[i:]
                break
        if any(w.lower().rstrip(".") in TITLE_WORDS for w in ws) and len(ws) <= 7:
            return " ".join(ws)
        return ""
    ws = m.group(1).split()
    keep: list[str] = []
    for w in reversed(ws):
        lw = w.lower().rstrip(".")
        titleish = lw in _TITLEISH or is_acronym(w) or (w[:1].isupper() and lw in ORG_WORDS)
        elided = lw.startswith(("l'", "l’", "d'", "d’")) and lw[2:] in _TITLEISH | ORG_WORDS
        org_name = w[:1].isupper() and bool(keep) and keep[-1].lower() in {"of", "de", "du", "for"}
        if titleish or elided or org_name:
            keep.append(w)
        else:
            break
    keep.reverse()
    while keep and keep[0].lower() in {"of", "de", "du", "des", "for", "the", "la", "l'"}:
        keep.pop(0)
    if not any(w.lower().rstrip(".") in TITLE_WORDS | HONORIFICS for w in keep):
        return ""
    return " ".join(keep)
