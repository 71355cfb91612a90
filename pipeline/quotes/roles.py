"""Speaker roles: describe each speaker and give them a codebook role (section 2).

Who the speaker is comes from :mod:`pipeline.quotes.attribute`; this module reads how the
article describes them (titles, appositions, the organisation they speak for, what the article
says they did) and assigns a role. Roles come from two sources, combined in
:func:`assign_roles`: rules over the speaker's description (titles, appositives, the
organisation table ``data/organisations.toml``) and, when given, the transformer role
classifier over the same description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pipeline.core.records import SPEAKER_ROLES, Quote
from pipeline.quotes.candidates import is_acronym
from pipeline.quotes.orgs import OrgMatch, OrgTable, default_table
from pipeline.quotes.role_rules import RoleRules, default_role_rules

if TYPE_CHECKING:  # the classifier lives in models/ and pulls in torch
    from models.classifier import TextClassifier
else:
    TextClassifier = Any


@dataclass(slots=True)
class SpeakerMention:
    """What the article says about the speaker of one quote: role-classifier input."""

    speaker: str | None
    kind: str  # "person", "org", "group", "pronoun", "none"
    description: str  # e.g. "Jane Doe, an immigration lawyer in Montreal"
    org: str | None = None  # organisation as the article names it
    org_role: str | None = None  # the organisation table's role for it
    rule_role: str | None = None
    rule_score: float = 0.0


# --- role rules ----------------------------------------------------------------------------
# The word lists are data (data/quotes/roles.toml, compiled by pipeline.quotes.role_rules):
# strong titles decide over the organisation's role, weaker cues only when neither a title nor
# the organisation table decides.


def _drop_past_roles(
    desc: str, orgs: list[OrgMatch], rules: RoleRules
) -> tuple[str, list[OrgMatch]]:
    """Blank out past roles ("the former acting director of ICE") and the organisations in
    them: a past role is not the role the speaker is quoted in."""
    spans = [m.span() for m in rules.past_role.finditer(desc)]
    if not spans:
        return desc, orgs
    for s, e in spans:
        desc = desc[:s] + " " * (e - s) + desc[e:]
    kept = [om for om in orgs if not any(s <= om.start < e for s, e in spans)]
    return desc, kept


def _strong_role(desc: str, orgs: list[OrgMatch], rules: RoleRules) -> tuple[str, float] | None:
    """A personal title strong enough to decide, reconciled with the organisation named."""
    no_orgs = desc
    for om in orgs:
        no_orgs = no_orgs.replace(om.surface, " ")
    org_role = orgs[0].org.role if orgs else None
    for role, rx in rules.strong:
        if not rx.search(no_orgs if role == "affected" else desc):
            continue
        if org_role is not None and role in {"enforcement", "academic"} and org_role != role:
            # "an IOM regional officer", "a researcher at Human Rights Watch".
            return org_role, 0.85
        if role == "affected" and rules.org_context.search(desc):
            # "director of a network for refugees": speaks for the organisation.
            return (org_role, 0.85) if org_role is not None else ("advocacy", 0.7)
        # "a spokesperson for the minister" is official, but a minister's title inside an
        # enforcement or party organisation's name is not; a lawyer quoted for an
        # advocacy group speaks as the group.
        if role == "official" and org_role in {"enforcement", "politician"}:
            return org_role, 0.85
        if (
            role == "official"
            and org_role not in {None, "official"}
            and rules.org_context.search(desc)
        ):
            # "Amnesty International President Jane Roe": the president of a body speaks
            # for it; a head of state has no such body ("Colombia's President").
            return org_role, 0.85
        if role == "legal" and org_role == "advocacy":
            return "advocacy", 0.8
        if role == "advocacy" and org_role is not None and not rules.advocacy_body.search(desc):
            # "executive director of Legal Aid Manitoba": the body says what they speak for
            # (but "an organisation that offers legal aid" is itself the advocate).
            return org_role, 0.85
        if role == "advocacy" and rules.other_occupations.search(desc):
            return "other", 0.8  # "Element AI co-founder", "organizers of the festival"
        return role, 0.85
    return None


def rule_role(
    description: str, orgs: list[OrgMatch], kind: str, rules: RoleRules | None = None
) -> tuple[str, float]:
    """(role, confidence) from titles, appositives and the organisation table."""
    rules = rules or default_role_rules()
    desc = description.strip()
    if not desc:
        return "unknown", 0.5
    if kind in {"group", "pronoun"} and rules.unknown_groups.match(desc):
        return "unknown", 0.6
    if kind == "person" and rules.unknown_groups.fullmatch(desc):
        return "unknown", 0.6  # "Critics said", parsed as a name
    if kind == "group" and rules.sources.search(desc.split(",")[0]):
        return "unknown", 0.6  # "a senior government source"
    if kind == "group" and rules.anonymous.search(desc):
        return "unknown", 0.6  # "a person familiar with the schedules"
    if kind == "org" and orgs:
        return orgs[0].org.role, 0.9
    desc, orgs = _drop_past_roles(desc, orgs, rules)
    strong = _strong_role(desc, orgs, rules)
    if strong is not None:
        return strong
    if orgs:
        return orgs[0].org.role, 0.85
    if rules.other_occupations.search(desc):
        return "other", 0.7
    for role, rx in rules.weak:
        if rx.search(desc):
            return role, 0.6
    if kind == "person":
        return "other", 0.35
    if kind == "org":
        return "advocacy", 0.3
    return "unknown", 0.3


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s]+", name.replace("’s", "").replace("'s", "")) if t]


# --- roles for quotes ------------------------------------------------------------------------


def describe_speaker(
    text: str,
    speaker: str | None,
    kind: str,
    descriptions: list[str] | None = None,
    table: OrgTable | None = None,
    rules: RoleRules | None = None,
) -> SpeakerMention:
    """Build the description of a speaker from how the article presents them.

    ``descriptions`` are the ways the quote stage saw the article introduce the speaker
    ("Immigration Minister Marc Miller", "Jane Roe, an immigration lawyer"), richest first.
    """
    table = table or default_table()
    rules = rules or default_role_rules()
    if speaker is None:
        return SpeakerMention(None, "none", "", rule_role="unknown", rule_score=0.5)
    parts: list[str] = [d for d in descriptions or [] if d and d != speaker]
    # One clause per distinct piece of description, richest first.
    parts = sorted(dict.fromkeys(p for p in parts if p), key=len, reverse=True)
    description = parts[0] if parts else speaker
    for extra in parts[1:3]:
        if extra not in description and speaker not in extra:
            description += f"; {extra}"
        elif extra not in description:
            title = extra.replace(speaker, "").strip(" ,;")
            if title and title.lower() not in description.lower():
                description = (
                    f"{title} {description}" if not description.startswith(title) else description
                )
    orgs = table.find_all(description)
    org_surface = orgs[0].surface if orgs else None
    if kind == "org":
        direct = table.lookup(speaker)
        if direct is not None:
            org_surface = speaker
            orgs = [OrgMatch(direct, speaker, 0, len(speaker))] + orgs
        elif org_surface is None:
            org_surface = speaker
    if kind == "person" and description in speaker and description != speaker:
        description = speaker  # "Lamoureux" -> "Town Supervisor Pete Lamoureux"
    orgs = _agency_reference(text, speaker, description, orgs, table, rules)
    org_surface = org_surface or (orgs[0].surface if orgs else None)
    role, score = rule_role(description, orgs, kind, rules)
    if kind == "person":
        # The description leaves the role open: how the article introduces the speaker
        # elsewhere ("The new head of the IOM, American Amy Pope") may settle it.
        found = _context_role(text, speaker, table, rules) if score < WEAK_RULE else None
        if found is not None and found[2] >= WEAK_RULE and found[2] > score:
            role, score = found[0], min(found[2], CONTEXT_RULE)
            description = _merge_description(description, speaker, found[1])
            orgs = table.find_all(description) or orgs
            org_surface = org_surface or (orgs[0].surface if orgs else None)
        elif found is not None and description == speaker:
            # No rule settles it, but the role classifier reads how the article introduces
            # the person ("Jane Roe, tête de liste du parti") rather than a bare name.
            description = found[1]
    if kind == "person" and role == "other" and score < 0.5:
        # Nothing in the description: what the article says the person did ("fled Ghana",
        # "has been waiting three years for a decision") can still show they are affected.
        ctx = _context_sentences(text, speaker)
        if ctx and rules.affected_context.search(ctx):
            role, score = "affected", 0.55
    return SpeakerMention(
        speaker,
        kind,
        description,
        org=org_surface,
        org_role=orgs[0].org.role if orgs else None,
        rule_role=role,
        rule_score=score,
    )


# --- context: how the article introduces the speaker elsewhere -----------------------------

CONTEXT_RULE = 0.8  # a title or organisation next to another mention of the speaker

# Quoted words (a speaker's own words say nothing about who they are).
_QUOTED_RE = re.compile(r"“[^”]{0,3000}”|\"[^\"\n]{0,3000}\"|«[^»]{0,3000}»")
# A sentence end: not after "Mr." / "Dr." / "U.S." (a capital, or a capital and one letter).
_SENT_END_RE = re.compile(r"(?<![A-Z][a-z])(?<![A-Z])[.!?]\s+|\n")
_CLAUSE_RE = re.compile(r"[,;:—–“”\"«»]")


def _name_keys(speaker: str, rules: RoleRules) -> list[str]:
    """Each person's full name, then their surname alone (articles repeat the surname);
    a speaker naming several people ("Jane Roe, John Poe and Ann Loe") gives each."""
    people = [p for p in rules.people_split.split(speaker) if p.strip()]
    keys = [speaker] if len(people) > 1 else []
    for person in people:
        toks = _tokens(person)
        keys.append(person.strip())
        if len(toks) >= 2 and len(toks[-1]) >= 3:
            keys.append(toks[-1])
    return list(dict.fromkeys(keys))


def _occurrences(
    text: str, speaker: str, rules: RoleRules, limit: int = 4
) -> list[tuple[int, int]]:
    """Spans of the speaker's name outside quoted words, in order, at most ``limit``."""
    quoted = [m.span() for m in _QUOTED_RE.finditer(text)]
    spans: list[tuple[int, int]] = []
    for key in _name_keys(speaker, rules):
        rx = re.compile(rf"(?<![\w\-]){re.escape(key)}(?![\w\-])")
        for m in rx.finditer(text):
            s, e = m.span()
            if any(qs <= s < qe for qs, qe in quoted) or any(a <= s < b for a, b in spans):
                continue
            if _other_name_before(text, s, speaker, rules):
                continue
            spans.append((s, e))
    return sorted(spans)[:limit]


def _other_name_before(text: str, start: int, speaker: str, rules: RoleRules) -> bool:
    """Whether the name at ``start`` continues another capitalised name ("Miguel Rosa
    Alvarado" for "Rosa Alvarado", "Lucía Ramírez" for the surname "Ramírez")."""
    m = re.search(r"(?:^|[^\w.!?:;,\-])\s*([A-ZÀ-Þ][\w\-]+)\s+$", text[max(0, start - 40) : start])
    if not m:
        return False
    word = m.group(1)
    before = text[: start - len(m.group(0)) + m.start(1)].rstrip()
    sentence_start = not before or before[-1] in '.!?\n"“”«»'
    if sentence_start or word in _tokens(speaker):
        return False
    return word.lower().rstrip(".") not in rules.title_words and not is_acronym(word)


def _pre_window(text: str, start: int, rules: RoleRules, end: int | None = None) -> str:
    """The words just before a name, back to the clause start ("Conservative MP"). A name
    right after a comma takes the phrase before the comma only when it is in apposition to
    it, a comma or the sentence end after the name (``end``): "The director general of the
    IOM, Jane Roe, said", not "... from ICE, Garcia said"."""
    seg = text[max(0, start - 220) : start]
    ends = list(_SENT_END_RE.finditer(seg))
    if ends:
        seg = seg[ends[-1].end() :]
    clauses = _CLAUSE_RE.split(seg)
    pre = clauses[-1].strip()
    apposed = pre != "" or end is None or text[end : end + 1] in {",", ".", ";", ")", ""}
    if (
        len(clauses) >= 2
        and apposed
        and all(w[:1].isupper() for w in pre.split()[:2])
        and len(pre.split()) <= 2
    ):
        # "The new head of the IOM, American Amy Pope": the phrase before the comma.
        k = len(clauses) - 2
        pre = f"{clauses[k].strip()} {pre}".strip()
        # "le ministre de l'Immigration, des Réfugiés et de la Citoyenneté, Marc Miller": a
        # title the commas cut continues back (two clauses at most).
        while (
            k >= 1
            and k >= len(clauses) - 4
            and rules.title_continuation.match(clauses[k].strip())
            and f"{clauses[k - 1]},{clauses[k]}" in seg
        ):
            k -= 1
            pre = f"{clauses[k].strip()}, {pre}"
    cut = rules.pre_cut.match(pre + " ")  # "said Jane Roe": "said" ends the window too
    if cut:
        pre = pre[cut.end() :].strip()
    return " ".join(pre.split()[-14:])


def _post_window(text: str, end: int, rules: RoleRules) -> str:
    """An appositive or affiliation right after a name (", a geographer at ...", " of X")."""
    seg = text[end : end + 260]
    paren = re.match(r"\s*\(([^()]{2,80})\)", seg)
    if paren:
        return paren.group(1).strip()
    if not rules.post_lead.match(seg):
        return ""
    stop = _SENT_END_RE.search(seg)
    seg = seg[: stop.start()] if stop else seg
    seg = rules.post_cut.sub("", seg)
    clauses = [c.strip() for c in _CLAUSE_RE.split(seg)]
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    post = clauses[0]
    if rules.age.fullmatch(post) and len(clauses) >= 2:
        post = clauses[1]  # "Ibrahima Sow, 31, from Senegal"
    starts = rules.appositive_start_fr if _french(text, rules) else rules.appositive_start
    if not starts.match(post):
        return ""  # "Jane Roe, 41, was arrested by ...": a predicate, not a description
    return " ".join(post.split()[:20])


@lru_cache(maxsize=16)
def _french(text: str, rules: RoleRules) -> bool:
    """Whether an article reads as French: more French than English hint words in its
    first 3,000 characters."""
    return _guess_langs([text[:3000]], rules)[0] == "fr"


def _context_role(
    text: str, speaker: str, table: OrgTable, rules: RoleRules
) -> tuple[str, str, float] | None:
    """(role, context description, confidence) from the words around other mentions of the
    speaker: the most confident one that reaches ``WEAK_RULE``, earliest first; else the first
    context with what the rules make of it; None when no mention has words around it."""
    best: tuple[str, str, float] | None = None
    first: tuple[str, str, float] | None = None
    for s, e in _occurrences(text, speaker, rules):
        pre, post = _pre_window(text, s, rules, e), _post_window(text, e, rules)
        if not pre and not post:
            continue
        ctx = f"{pre} {speaker}".strip() + (f", {post}" if post else "")
        role, score = rule_role(ctx, table.find_all(ctx), "person", rules)
        first = first or (role, ctx, score)
        if score >= WEAK_RULE and (best is None or score > best[2]):
            best = (role, ctx, score)
    return best or first


def _merge_description(description: str, speaker: str, ctx: str) -> str:
    """The description with the context phrase that placed the speaker."""
    if description in {speaker, ""} or description in ctx:
        return ctx
    return f"{description}; {ctx}"


# "the agency's regional director", "a spokesman for the department": the body the article
# named last before the speaker.
_AGENCY_ROLES = frozenset({"official", "enforcement", "international", "legal"})


def _agency_reference(
    text: str,
    speaker: str,
    description: str,
    orgs: list[OrgMatch],
    table: OrgTable,
    rules: RoleRules,
) -> list[OrgMatch]:
    """``orgs``, or the organisation "the agency" in the description refers to."""
    if orgs or not rules.agency_reference.search(description):
        return orgs
    first = text.find(speaker)
    if first < 0:
        first = len(text)
    before = [om for om in table.find_all(text, 0, first) if om.org.role in _AGENCY_ROLES]
    if not before:
        return orgs
    last = before[-1]
    return [OrgMatch(last.org, last.surface, -1, -1)]


def _context_sentences(text: str, speaker: str, limit: int = 3) -> str:
    """The first sentences (outside quotes) that name the speaker, by full name or surname."""
    toks = speaker.split()
    keys = {toks[-1], toks[0]} if toks else set()
    out: list[str] = []
    for sent in re.split(r"(?<=[.!?])\s+", text):
        if any(re.search(rf"(?<![\w\-]){re.escape(k)}(?![\w\-])", sent) for k in keys):
            out.append(re.sub(r"[\"“«][^\"”»]*[\"”»]", " ", sent))
            if len(out) >= limit:
                break
    return " ".join(out)


STRONG_RULE = 0.85  # rule confidence at which titles / the organisation table decide alone
WEAK_RULE = 0.55  # weaker cues (and context) that the classifier rarely overrules


def combine(mention: SpeakerMention, pred: Any | None) -> tuple[str, float]:
    """Combine the rule/table role with a classifier prediction (label, score, scores)."""
    rule_role_, rule_score = mention.rule_role or "unknown", mention.rule_score
    if pred is None or mention.kind in {"none"}:
        return rule_role_, rule_score
    label = getattr(pred, "label", None)
    score = float(getattr(pred, "score", 0.0))
    scores: dict[str, float] = dict(getattr(pred, "scores", {}) or {})
    if label not in SPEAKER_ROLES:
        return rule_role_, rule_score
    if label == rule_role_:
        return label, max(rule_score, score, min(0.99, (rule_score + score) / 2 + 0.1))
    if rule_score >= STRONG_RULE:
        # Titles and the organisation table are reliable: the classifier does not overrule
        # them (assign_roles does not even ask it).
        return rule_role_, rule_score
    if rule_score >= WEAK_RULE:
        # A weaker cue in the description (a department, "director of", a group) still beats
        # the classifier unless the classifier leaves the cue's role no chance at all; a bare
        # name gives the classifier nothing to read, so there the cue always stands.
        if _bare_name(mention):
            return rule_role_, rule_score
        if scores.get(rule_role_, 1.0) < 0.01 and score >= 0.98:
            return label, score * 0.8
        return rule_role_, rule_score
    return label, score


def _bare_name(m: SpeakerMention) -> bool:
    """Whether the description is the speaker's name alone (nothing says who they are)."""
    return m.kind == "person" and m.speaker is not None and m.description.strip() == m.speaker


def _classifiable(m: SpeakerMention) -> bool:
    """Whether the classifier is asked: a speaker whose role the title rules and the
    organisation table did not already settle (a bare name included: the classifier's
    prior over how news introduces people beats the rules' "other")."""
    return m.kind != "none" and bool(m.description) and m.rule_score < STRONG_RULE


def assign_roles(
    pairs: list[tuple[Quote, SpeakerMention]],
    role_clf: TextClassifier | None,
    rules: RoleRules | None = None,
) -> None:
    """Fill ``speaker_role`` and ``speaker_role_score`` of each quote in place.

    ``pairs`` holds each quote with the description of its speaker that the quote stage
    returned (:class:`pipeline.quotes.Attributed`). The organisation table and title rules
    decide on their own when ``role_clf`` is None; with a classifier, the descriptions they
    leave open are classified in one batch, each distinct description once, and combined with
    the rules (see :func:`combine`). Quotes without a speaker get ``unknown``.
    """
    if not pairs:
        return
    by_desc: dict[str, Any] = {}
    if role_clf is not None:
        uniq = list(dict.fromkeys(m.description for _, m in pairs if _classifiable(m)))
        if uniq:
            out = role_clf.predict(uniq, languages=_guess_langs(uniq, rules))
            by_desc = dict(zip(uniq, out, strict=True))
    for q, m in pairs:
        pred = by_desc.get(m.description) if _classifiable(m) else None
        role, score = combine(m, pred)
        q.speaker_role = role
        q.speaker_role_score = round(float(score), 4)
        if q.speaker_org is None and m.org:
            q.speaker_org = m.org


def _guess_langs(texts: list[str], rules: RoleRules | None = None) -> list[str]:
    """Language of short descriptions, where a full language detector has too little text."""
    rules = rules or default_role_rules()
    out = []
    for t in texts:
        fr, en = len(rules.fr_hint.findall(t)), len(rules.en_hint.findall(t))
        out.append("fr" if fr > en else "en")
    return out
