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
from typing import TYPE_CHECKING, Any

from pipeline.core.records import SPEAKER_ROLES, Quote
from pipeline.quotes.candidates import is_acronym
from pipeline.quotes.orgs import OrgMatch, OrgTable, default_table

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

_R = re.IGNORECASE
# Personal titles strong enough to decide a role over the organisation's.
_STRONG_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "academic",
        re.compile(
            r"\bprof\.?(?=\s+[A-ZÀ-Þ])|"
            r"\b(?:professor|professeure?|lecturer|research\s+chair|chaire\s+de\s+recherche|"
            r"political\s+scientist|sociologist|criminologist|historian|demographer|scholar|"
            r"chercheu(?:r|se)s?|researchers?|doctoral|ph\.?d\.?\s+candidate|academic|universitaire|"
            r"senior\s+fellow|fellow\s+at)\b",
            _R,
        ),
    ),
    (
        "legal",
        re.compile(
            r"\b(?:lawyers?|attorneys?(?!\s+general)|avocate?s?|barrister|solicitor|counsel(?:lor)?|"
            r"judges?|juges?|(?-i:Justice\s+[A-Z]\w*)|magistrate|adjudicator|legal\s+clinic|law\s+firm|"
            r"notary|notaire|juristes?)\b|^Me\s+[A-Z]|\bMe\s+[A-Z][a-z]",
            _R,
        ),
    ),
    (
        "politician",
        re.compile(
            r"\b(?:sens?|reps?)\.(?=\s)|(?-i:\b[RD]-[A-Z][A-Za-z]*\.)|"
            r"\b(?:senators?|sénat(?:eur|rice)|congress(?:man|woman|member)|"
            r"member\s+of\s+(?:parliament|congress|the\s+house)|député(?:e)?|MPP|MNA|MLA|MPs?|"
            r"(?<!\bmedia\s)(?<!\bfilm\s)(?<!\bfood\s)critic(?!s)(?!\s+of\b)|critic\s+for|"
            r"porte-parole\s+(?:du|de\s+l['’]|de\s+la)\s+(?:opposition|parti|bloc|npd|pq)|"
            r"porte-parole\s+(?:\w+\s+){0,2}en\s+matière\s+d|opposition|lawmakers?|legislators?|"
            r"(?:party|conservative|liberal|ndp|bloc|republican|democratic)\s+leader|"
            r"leader\s+of\s+the|chef\s+(?:du\s+parti|conservateur|bloquiste|péquiste)|candidate|"
            r"candidat(?:e)?|state\s+representative|assemblyman|assemblywoman|challenger|"
            r"nominee|incumbent|running\s+for|(?-i:(?:Democrat|Republican)(?=\s+[A-Z])))\b",
            _R,
        ),
    ),
    (
        # Clergy: "the church's minister" is not a government minister.
        "advocacy",
        re.compile(
            r"\b(?:Rev(?:\.|erend)\s|pastor|pasteure?|priest|prêtre|imam|rabbi|rabbin|"
            r"(?:church|congregation|parish|chapel)['’]s\s+minister|minister\s+(?:of|at)\s+"
            r"(?:the\s+)?(?:[\w'’\-]+\s+){0,4}(?:church|congregation|parish|chapel))",
            _R,
        ),
    ),
    (
        "official",
        re.compile(
            r"\b(?:minister|ministre|prime\s+minister|premier\s+ministre|premier|"
            r"(?<!vice-)president\s+(?:of\s+the\s+united\s+states|[A-Z][a-z]+\s+[A-Z])|"
            r"mayor|maire|mairesse|governor|gouverneur|reeve|secretary\s+of|"
            r"homeland\s+security\s+secretary|press\s+secretary|attorney\s+general|ambassador|"
            r"ambassadeur|deputy\s+minister|sous-ministre|ombudsman|protect(?:eur|rice)\s+du\s+"
            r"citoyen|border\s+czar|white\s+house|appointee|executive\s+committee|comité\s+exécutif)\b",
            _R,
        ),
    ),
    (
        "advocacy",
        re.compile(
            r"\b(?:volunteers?|bénévoles?|campaigners?|activists?|militante?s?|"
            r"advocates?(?!\s+general)|organi[sz]ers?|co-?founder|founder\s+of|"
            r"organi[sz](?:ed|es|ing)\s+(?:the\s+|a\s+)?(?:\w+\s+)?(?:protest|counter-protest|"
            r"rally|vigil|march|demonstration|campaign|petition|manifestation)|"
            r"coordinat(?:or|rice)\s+(?:of|with|at|for|du|de)|executive\s+director\s+of|"
            r"(?:a|an|un|une)\s+(?:\w+\s+)?(?:group|charity|non-?profit|coalition|network|"
            r"organi[sz]ation|organisme|association)\s+(?:that|which|qui|for|pour|de|of))\b",
            _R,
        ),
    ),
    (
        "enforcement",
        re.compile(
            r"\b(?:police|policiers?|officers?(?<!executive officer)(?<!communications officer)"
            r"(?<!communication officer)(?<!information officer)(?<!financial officer)"
            r"(?<!medical officer)(?<!operating officer)|constable|sergeant|corporal|"
            r"trooper|sheriff|border\s+(?:agent|guard|patrol)|patrol\s+agent|gendarmes?|"
            r"^(?:the\s+|l['’])?agents?\s+[A-Z]\w*|(?:sgt|s/sgt|cpl|const|cst|supt|insp|det)\.(?=\s)|"
            r"agents?\s+(?:des\s+services\s+frontaliers|frontaliers?)|douaniers?|"
            r"customs\s+officer|immigration\s+officer|enforcement\s+officer)\b",
            _R,
        ),
    ),
    (
        "affected",
        re.compile(
            r"\b(?:asylum[\s-]seekers?|asylum\s+claimants?|refugee\s+claimants?|claimants?|"
            r"refugees?(?!\s+(?:advocate|lawyer|law|board|council|centre|center|agency|services|"
            r"studies|program|programme|rights|campaign\w*|support|sponsor\w*|resettlement|"
            r"health|clinic|office|committee|group|organi[sz]ation|network|coordinator|worker))|"
            r"migrants?(?!\s+(?:advocate|rights|justice|workers\s+alliance|support))|"
            r"deportees?|deported|detainees?|fled|crossed\s+(?:the\s+border|into|at|illegally|"
            r"irregularly)|demandeu(?:r|se|rs)\s+d['’]asile|réfugiée?s?|migrante?s?|"
            r"a\s+fui|ont\s+fui|traversé|sans[\s-]papiers|undocumented|family\s+(?:that|who)\s+"
            r"(?:crossed|fled|arrived)|whose\s+(?:son|daughter|husband|wife|father|mother|brother|"
            r"sister)|(?:mother|father|parents?|wife|husband|son|daughter|"
            r"brother|sister|cousin|uncle|aunt)\s+of\s+(?:a|an|the)?\s*(?:deported|detained|asylum|"
            r"refugee|migrant)|(?:claimed|sought|seeking|applied\s+for|requested)\s+asylum|"
            r"(?:a|ont|avait|avaient)\s+demandé\s+l['’]asile|left\s+(?:their|his|her)\s+"
            r"(?:home|homes|country|homeland)|(?:a|ont)\s+quitté\s+(?:son|sa|leur)\s+pays|"
            r"(?:arrivée?s?|entrée?s?)\s+(?:au\s+Canada\s+)?par\s+le\s+chemin\s+Roxham|"
            r"(?:came|arrived|crossed|walked)\s+(?:in\s+)?(?:through|via|at|across)\s+Roxham)\b",
        ),
    ),
]
# Weaker cues, used when neither a strong title nor the organisation table decides.
_WEAK_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "official",
        re.compile(
            r"\b[Ss]pokes(?:person|man|woman)\s+for\s+(?:the\s+)?(?:[A-Z][\w’']+\s+)*"
            r"(?:Justice|Health|Housing|Finance|Immigration|Public\s+Safety|Department|Ministry|"
            r"Office|Government|City|Province)\b|(?-i:\bAuthority\b)|\bCrown\s+corporation\b|"
            r"\bsociété\s+d['’]État\b"
        ),
    ),
    (
        "advocacy",
        re.compile(
            r"\b(?:directeur|directrice|director|coordonnat\w+|coordinator|head)\s+"
            r"(?:du|de\s+la|de\s+l['’]|des|of\s+the|of|at)\s+[A-ZÀ-Þ]"
        ),
    ),
    (
        "international",
        re.compile(
            r"\b(?:united\s+nations|U\.?N\.?|UNHCR|IOM|rapporteur|nations\s+unies|ONU|HCR|"
            r"intergovernmental)\b"
        ),
    ),
    (
        "enforcement",
        re.compile(
            r"\b(?:border\s+services|border\s+patrol|RCMP|CBSA|ICE|CBP|GRC|ASFC|"
            r"law\s+enforcement|enforcement|field\s+office|"
            r"(?:union|syndicat)\s+(?:representing|for|of|des)\s+(?:\w+\s+){0,3}"
            r"(?:border|customs|police|douaniers|policiers|agents|officers))\b"
        ),
    ),
    # Labour unions other than those of police and border officers (caught just above).
    ("other", re.compile(r"\b(?:unions?|syndicats?|syndicale?s?)\b", _R)),
    (
        "official",
        re.compile(
            r"\b(?:spokes(?:person|man|woman)\s+for\s+(?:the\s+)?(?:department|ministry|"
            r"government|city|province|office|minister|prime\s+minister|premier|white\s+house)|"
            r"government|gouvernement|federal|fédéral|ministry|ministère|department|"
            r"city['’]s|city\s+of|municipal|municipalit[yé]|province|provincial|"
            r"officials?|administration|cabinet|communications?\s+"
            r"(?:officer|director|manager)|directeur\s+des\s+communications|agency|agence|"
            r"city|ville|town|mayor['’]s)\b",
            _R,
        ),
    ),
    (
        "advocacy",
        re.compile(
            r"\b(?:advocates?|advocacy|activists?|militante?s?|organizers?|organisers?|"
            r"volunteers?|bénévoles?|coalition|network|réseau|charity|charitable|non-?profit|"
            r"organisme|organization|organisation|NGO|ONG|group|groupe|campaign|campagne|"
            r"executive\s+director|directrice?\s+générale?|director\s+of|coordinat(?:or|rice)|"
            r"coordonnat(?:eur|rice)|founder|fondat(?:eur|rice)|pastor|priest|imam|rabbi|church|"
            r"église|mosque|synagogue|shelter|refuge|centre|center|clinic|clinique|"
            r"intervenante?s?|travailleu(?:r|se)\s+social|social\s+worker|rights|droits|"
            r"association|committee|comité|collective|collectif|communautaires?|"
            r"(?:aide|accueil|soutien|services?|support|help)\b[^,;]{0,40}\b(?:aux|to|for)\s+"
            r"(?:immigrants|réfugiés|newcomers|nouveaux\s+arrivants|refugees|migrants)|"
            r"(?-i:Project|Alliance|Initiative|Foundation|Solidarity|Fund|Society|Mission))\b",
            _R,
        ),
    ),
    (
        "academic",
        re.compile(
            r"\b(?:university|université|institute|institut|think[\s-]tank|analyst|analyste|"
            r"economist|économiste|expert|experte|study|étude|policy\s+(?:institute|centre|center)|"
            r"research|recherche)\b",
            _R,
        ),
    ),
    (
        "other",
        re.compile(
            r"\b(?:residents?|résidente?s?|local|habitante?s?|owners?|propriétaire|business|"
            r"commerçante?|farmer|agriculteur|shop|store|restaurant|neighbou?rs?|voisine?s?|"
            r"witness|témoin|driver|chauffeur|taxi|citizen|citoyenne?|employee|employée?|"
            r"teacher|enseignante?|student|étudiante?|hotel|motel|reporter|journalist|"
            r"journaliste|columnist|chroniqueur|actor|actress|singer|athlete|coach)\b",
            _R,
        ),
    ),
]
# Words saying the speaker works for an organisation (so "refugee" describes its mission).
_ORG_CONTEXT = re.compile(
    r"\b(?:director|directeur|directrice|coordinat\w*|coordonnat\w*|spokes\w+|porte-parole|"
    r"president|présidente?|chair|founder|fondat\w+|manager|head\s+of|executive|staff|"
    r"campaigner|rights|droits|"
    r"volunteer|bénévole|worker|intervenante?|organi[sz]\w+|network|réseau|council|conseil|"
    r"cent(?:re|er)|table\s+de|association|coalition|group|groupe|services?|program\w*|"
    r"clinic|clinique|shelter|refuge|church|église)\b",
    _R,
)
_UNKNOWN_GROUPS = re.compile(
    r"^(?:some\s+|many\s+|other\s+|several\s+)?(?:critics|experts|observers|opponents|"
    r"supporters|sources?|a\s+source|one\s+source|people|someone|others|proponents|"
    r"detractors|skeptics|analysts|certains|plusieurs|des\s+experts|des\s+critiques|"
    r"they|ils|elles|on|it|we|i)\b",
    _R,
)
# Role nouns that refer back to a described person ("the minister said").


_PAST_ROLE_RE = re.compile(
    r"\b(?:former|retired|onetime|one-time|ex-|ancien|ancienne|retraitée?)\s*"
    r"(?:[^,;]{0,80}?(?=\s+(?:and|et|who|qui|now)\s|\s*[,;]|$)|[^,;]{0,40})",
    _R,
)
# Business, sports, media, health-care and everyday occupations: `other` when no title rule
# or organisation places the speaker ("a managing partner at Data Collective", "festival
# director Anika Lavallee", "the emergency physician who treated them").
_OTHER_CUES = re.compile(
    r"\b(?:CEO|chief\s+(?:executive|operating|financial)|président-directeur\s+général|PDG|"
    r"managing\s+(?:partner|director)|general\s+partner|venture\s+capital\w*|investors?|"
    r"entrepreneurs?|start-?ups?|company|companies|entreprises?|Inc\.|Ltd\.?|LLC|Corp\.|"
    r"(?:head\s+)?coach|entraîneu(?:r|se)|goalie|goaltender|quarterback|pitcher|striker|"
    r"midfielder|defen[cs]eman|teammates?|athletes?|athlètes?|runners?|marathon\w*|"
    r"footballer|(?:soccer|hockey|football|basketball|baseball|tennis)\s+(?:player|star)|"
    r"meteorologist|météorologue|weather\s+(?:specialist|forecaster|anchor)|news\s+anchor|"
    r"columnist|chroniqueu(?:r|se)|reporter|journalist|journaliste|editor|shoppers?|"
    r"customers?|tourists?|touristes?|visitors?|spectators?|festival|physician|médecin|"
    r"doctor|nurse|infirmière?|paramedic|voters?|électeurs?|électrices?|farmers?|"
    r"agricult(?:eur|rice)s?|growers?|producteurs?|producers?|farms|cultive|exploite|"
    r"milks|chamber\s+of\s+commerce|chambre\s+de\s+commerce|"
    r"(?:who|qui)\s+(?:lives|live|habite|habitent|vit)\s+(?:near|in|on|across|along|next|"
    r"by|à|au|près|sur|dans))\b",
    _R,
)
# The article gives no way to tell who spoke ("a person familiar with the schedules").
_ANONYMOUS = re.compile(
    r"\b(?:familiar\s+with|on\s+(?:the\s+)?condition\s+of\s+anonymity|not\s+authori[sz]ed\s+to|"
    r"requested\s+anonymity|asked\s+not\s+to\s+be\s+(?:named|identified)|"
    r"sous\s+le\s+couvert\s+de\s+l['’]anonymat|a\s+requis\s+l['’]anonymat)\b",
    _R,
)


_ADVOCACY_BODY_RE = re.compile(
    r"\b(?:a|an|un|une)\s+(?:\w+\s+)?(?:group|charity|non-?profit|coalition|network|"
    r"organi[sz]ation|organisme|association)\b",
    _R,
)


def _drop_past_roles(desc: str, orgs: list[OrgMatch]) -> tuple[str, list[OrgMatch]]:
    """Blank out past roles ("the former acting director of ICE") and the organisations in
    them: a past role is not the role the speaker is quoted in."""
    spans = [m.span() for m in _PAST_ROLE_RE.finditer(desc)]
    if not spans:
        return desc, orgs
    for s, e in spans:
        desc = desc[:s] + " " * (e - s) + desc[e:]
    kept = [om for om in orgs if not any(s <= om.start < e for s, e in spans)]
    return desc, kept


def _strong_role(desc: str, orgs: list[OrgMatch]) -> tuple[str, float] | None:
    """A personal title strong enough to decide, reconciled with the organisation named."""
    no_orgs = desc
    for om in orgs:
        no_orgs = no_orgs.replace(om.surface, " ")
    org_role = orgs[0].org.role if orgs else None
    for role, rx in _STRONG_RULES:
        if not rx.search(no_orgs if role == "affected" else desc):
            continue
        if org_role is not None and role in {"enforcement", "academic"} and org_role != role:
            # "an IOM regional officer", "a researcher at Human Rights Watch".
            return org_role, 0.85
        if role == "affected" and _ORG_CONTEXT.search(desc):
            # "director of a network for refugees": speaks for the organisation.
            return (org_role, 0.85) if org_role is not None else ("advocacy", 0.7)
        # "a spokesperson for the minister" is official, but a minister's title inside an
        # enforcement or party organisation's name is not; a lawyer quoted for an
        # advocacy group speaks as the group.
        if role == "official" and org_role in {"enforcement", "politician"}:
            return org_role, 0.85
        if role == "legal" and org_role == "advocacy":
            return "advocacy", 0.8
        if role == "advocacy" and org_role is not None and not _ADVOCACY_BODY_RE.search(desc):
            # "executive director of Legal Aid Manitoba": the body says what they speak for
            # (but "an organisation that offers legal aid" is itself the advocate).
            return org_role, 0.85
        if role == "advocacy" and _OTHER_CUES.search(desc):
            return "other", 0.8  # "Element AI co-founder", "organizers of the festival"
        return role, 0.85
    return None


def rule_role(description: str, orgs: list[OrgMatch], kind: str) -> tuple[str, float]:
    """(role, confidence) from titles, appositives and the organisation table."""
    desc = description.strip()
    if not desc:
        return "unknown", 0.5
    if kind in {"group", "pronoun"} and _UNKNOWN_GROUPS.match(desc):
        return "unknown", 0.6
    if kind == "person" and _UNKNOWN_GROUPS.fullmatch(desc):
        return "unknown", 0.6  # "Critics said", parsed as a name
    if kind == "group" and re.search(r"\bsources?\b", desc.split(",")[0], _R):
        return "unknown", 0.6  # "a senior government source"
    if kind == "group" and _ANONYMOUS.search(desc):
        return "unknown", 0.6  # "a person familiar with the schedules"
    if kind == "org" and orgs:
        return orgs[0].org.role, 0.9
    desc, orgs = _drop_past_roles(desc, orgs)
    strong = _strong_role(desc, orgs)
    if strong is not None:
        return strong
    if orgs:
        return orgs[0].org.role, 0.85
    if _OTHER_CUES.search(desc):
        return "other", 0.7
    for role, rx in _WEAK_RULES:
        if rx.search(desc):
            return role, 0.6
    if kind == "person":
        return "other", 0.35
    if kind == "org":
        return "advocacy", 0.3
    return "unknown", 0.3


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s]+", name.replace("’s", "").replace("'s", "")) if t]


# Capitalised words before a name that are titles, not another name ("Minister Jane Roe").
_TITLE_WORDS = frozenset(
    {
        "minister",
        "premier",
        "president",
        "secretary",
        "senator",
        "sen",
        "rep",
        "mayor",
        "judge",
        "justice",
        "chief",
        "director",
        "professor",
        "prof",
        "dr",
        "mr",
        "mrs",
        "ms",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "commissioner",
        "governor",
        "agent",
        "officer",
        "lawyer",
        "attorney",
        "m",
        "mme",
        "me",
        "ministre",
        "maire",
        "juge",
        "président",
        "présidente",
        "député",
        "députée",
        "sergeant",
        "constable",
        "inspector",
    }
)


# --- roles for quotes ------------------------------------------------------------------------


def describe_speaker(
    text: str,
    speaker: str | None,
    kind: str,
    descriptions: list[str] | None = None,
    table: OrgTable | None = None,
) -> SpeakerMention:
    """Build the description of a speaker from how the article presents them.

    ``descriptions`` are the ways the quote stage saw the article introduce the speaker
    ("Immigration Minister Marc Miller", "Jane Roe, an immigration lawyer"), richest first.
    """
    table = table or default_table()
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
    orgs = _agency_reference(text, speaker, description, orgs, table)
    org_surface = org_surface or (orgs[0].surface if orgs else None)
    role, score = rule_role(description, orgs, kind)
    if kind == "person":
        # The description leaves the role open: how the article introduces the speaker
        # elsewhere ("The new head of the IOM, American Amy Pope") may settle it.
        found = _context_role(text, speaker, table) if score < WEAK_RULE else None
        if found is not None and found[2] > score:
            role, score = found[0], min(found[2], CONTEXT_RULE)
            description = _merge_description(description, speaker, found[1])
            orgs = table.find_all(description) or orgs
            org_surface = org_surface or (orgs[0].surface if orgs else None)
    if kind == "person" and role == "other" and score < 0.5:
        # Nothing in the description: what the article says the person did ("fled Ghana",
        # "has been waiting three years for a decision") can still show they are affected.
        ctx = _context_sentences(text, speaker)
        if ctx and _AFFECTED_CONTEXT.search(ctx):
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
# Words after which what precedes is another clause ("X told reporters that lawyer Jane Roe").
_PRE_CUT_RE = re.compile(
    r".*\b(?:said|says|told|tells|that|que|qu['’]|with|avec|according\s+to|selon|by|par|"
    r"than|while|alors\s+que|tandis\s+que|why|whether|if|how|when|because|after|before|"
    r"since|where|pourquoi|si|quand|lorsque|parce|après|avant|depuis|où|is|was|were|are|"
    r"has|have|had|did|does|do|will|would|could|should|est|était|sont|a|ont|avait)\s",
    _R | re.DOTALL,
)
_POST_CUT_RE = re.compile(
    r"\s(?:said|says|told|tells|added|adds|wrote|writes|explained|argued|noted|stated|"
    r"warned|asked|called|insisted|a\s+(?:dit|déclaré|affirmé|expliqué|ajouté|indiqué)|dit|"
    r"affirme|explique|ajoute|indique|estime|croit)\b.*",
    _R | re.DOTALL,
)
_AGE_RE = re.compile(r"\d{1,3}(?:\s+ans)?|aged?\s+\d{1,3}")
_APPOSITIVE_START_RE = re.compile(
    r"(?:a|an|the|un|une|le|la|les|l['’]|des|who|whose|qui|dont|of|from|at|with|for|de|du|"
    r"d['’]|chez|pour|originaire|[A-ZÀ-Þ])(?:\s|\b)"
)
_POST_LEAD_RE = re.compile(r"^(?:,|\s+(?:of|from|at|with|de|du|des|d['’]|chez)\s)")


def _name_keys(speaker: str) -> list[str]:
    """Each person's full name, then their surname alone (articles repeat the surname);
    a speaker naming several people ("Jane Roe, John Poe and Ann Loe") gives each."""
    people = [p for p in _PEOPLE_SPLIT_RE.split(speaker) if p.strip()]
    keys = [speaker] if len(people) > 1 else []
    for person in people:
        toks = _tokens(person)
        keys.append(person.strip())
        if len(toks) >= 2 and len(toks[-1]) >= 3:
            keys.append(toks[-1])
    return list(dict.fromkeys(keys))


_PEOPLE_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|et\s+)?|\s+(?:and|et)\s+")


def _occurrences(text: str, speaker: str, limit: int = 4) -> list[tuple[int, int]]:
    """Spans of the speaker's name outside quoted words, in order, at most ``limit``."""
    quoted = [m.span() for m in _QUOTED_RE.finditer(text)]
    spans: list[tuple[int, int]] = []
    for key in _name_keys(speaker):
        rx = re.compile(rf"(?<![\w\-]){re.escape(key)}(?![\w\-])")
        for m in rx.finditer(text):
            s, e = m.span()
            if any(qs <= s < qe for qs, qe in quoted) or any(a <= s < b for a, b in spans):
                continue
            if _other_name_before(text, s, speaker):
                continue
            spans.append((s, e))
    return sorted(spans)[:limit]


def _other_name_before(text: str, start: int, speaker: str) -> bool:
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
    return word.lower().rstrip(".") not in _TITLE_WORDS and not is_acronym(word)


def _pre_window(text: str, start: int) -> str:
    """The words just before a name, back to the clause start ("Conservative MP")."""
    seg = text[max(0, start - 220) : start]
    ends = list(_SENT_END_RE.finditer(seg))
    if ends:
        seg = seg[ends[-1].end() :]
    clauses = _CLAUSE_RE.split(seg)
    pre = clauses[-1].strip()
    if (
        len(clauses) >= 2
        and all(w[:1].isupper() for w in pre.split()[:2])
        and len(pre.split()) <= 2
    ):
        # "The new head of the IOM, American Amy Pope": the phrase before the comma.
        pre = f"{clauses[-2].strip()} {pre}".strip()
    cut = _PRE_CUT_RE.match(pre)
    if cut:
        pre = pre[cut.end() :]
    return " ".join(pre.split()[-14:])


def _post_window(text: str, end: int) -> str:
    """An appositive or affiliation right after a name (", a geographer at ...", " of X")."""
    seg = text[end : end + 260]
    paren = re.match(r"\s*\(([^()]{2,80})\)", seg)
    if paren:
        return paren.group(1).strip()
    if not _POST_LEAD_RE.match(seg):
        return ""
    stop = _SENT_END_RE.search(seg)
    seg = seg[: stop.start()] if stop else seg
    seg = _POST_CUT_RE.sub("", seg)
    clauses = [c.strip() for c in _CLAUSE_RE.split(seg)]
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    post = clauses[0]
    if _AGE_RE.fullmatch(post) and len(clauses) >= 2:
        post = clauses[1]  # "Ibrahima Sow, 31, from Senegal"
    if not _APPOSITIVE_START_RE.match(post):
        return ""  # "Jane Roe, 41, was arrested by ...": a predicate, not a description
    return " ".join(post.split()[:20])


def _context_role(text: str, speaker: str, table: OrgTable) -> tuple[str, str, float] | None:
    """(role, context description, confidence) from the words around other mentions of the
    speaker; the most confident one, earliest first; None when none says anything."""
    best: tuple[str, str, float] | None = None
    for s, e in _occurrences(text, speaker):
        pre, post = _pre_window(text, s), _post_window(text, e)
        if not pre and not post:
            continue
        ctx = f"{pre} {speaker}".strip() + (f", {post}" if post else "")
        role, score = rule_role(ctx, table.find_all(ctx), "person")
        if score >= WEAK_RULE and (best is None or score > best[2]):
            best = (role, ctx, score)
    return best


def _merge_description(description: str, speaker: str, ctx: str) -> str:
    """The description with the context phrase that placed the speaker."""
    if description in {speaker, ""} or description in ctx:
        return ctx
    return f"{description}; {ctx}"


# "the agency's regional director", "a spokesman for the department": the body the article
# named last before the speaker.
_AGENCY_REF_RE = re.compile(
    r"\b(?:the|l['’]|this)\s*(?:agency|agence|department|ministère|ministry|force|bureau)\b|"
    r"\bagency\s+spokes(?:person|man|woman)\b",
    _R,
)
_AGENCY_ROLES = frozenset({"official", "enforcement", "international", "legal"})


def _agency_reference(
    text: str, speaker: str, description: str, orgs: list[OrgMatch], table: OrgTable
) -> list[OrgMatch]:
    """``orgs``, or the organisation "the agency" in the description refers to."""
    if orgs or not _AGENCY_REF_RE.search(description):
        return orgs
    first = text.find(speaker)
    if first < 0:
        first = len(text)
    before = [om for om in table.find_all(text, 0, first) if om.org.role in _AGENCY_ROLES]
    if not before:
        return orgs
    last = before[-1]
    return [OrgMatch(last.org, last.surface, -1, -1)]


_AFFECTED_CONTEXT = re.compile(
    r"\b(?:(?:claimed|sought|seeking|applied\s+for|requested|granted)\s+asylum|"
    r"asylum\s+(?:claim|case|application|hearing)|refugee\s+claim|claimants?|fled|flee|"
    r"crossed|walked\s+across|(?:was|were|been|be|being|get)\s+deported|"
    r"fac(?:es|ing)\s+deportation|ordered\s+deported|(?:was|were|been)\s+detained|"
    r"removal\s+order|his\s+claim|her\s+claim|"
    r"their\s+claim|arrived\s+in\s+canada|arrived\s+in\s+the|"
    r"cousin|relatives?|husband\s+is\s+still|demande\s+d['’]asile|a\s+fui|traversé|"
    r"left\s+(?:their|his|her)\s+(?:home|country)|(?:was|were)\s+(?:returned|turned\s+back|"
    r"sent\s+back)|"
    r"arrivée?s?\s+(?:en|au|à|il\s+y\s+a|avec|par)|"
    r"expulsé\w*|détenu\w*)\b",
    _R,
)


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
    pairs: list[tuple[Quote, SpeakerMention]], role_clf: TextClassifier | None
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
            out = role_clf.predict(uniq, languages=_guess_langs(uniq))
            by_desc = dict(zip(uniq, out, strict=True))
    for q, m in pairs:
        pred = by_desc.get(m.description) if _classifiable(m) else None
        role, score = combine(m, pred)
        q.speaker_role = role
        q.speaker_role_score = round(float(score), 4)
        if q.speaker_org is None and m.org:
            q.speaker_org = m.org


_FR_HINT = re.compile(
    r"\b(?:le|la|les|du|des|une|est|qui|pour|avec|dans|selon|au|aux|et|d['’]\w+|l['’]\w+|"
    r"directeur|directrice|porte-parole|avocate?|ministre|députée?|organisme|réfugiée?s?|"
    r"demandeu(?:r|se)s?|présidente?|professeure?|chercheu(?:r|se))\b",
    re.IGNORECASE,
)
_EN_HINT = re.compile(r"\b(?:the|of|for|and|with|who|at|an|a|in|is)\b", re.IGNORECASE)


def _guess_langs(texts: list[str]) -> list[str]:
    """Language of short descriptions, where a full language detector has too little text."""
    out = []
    for t in texts:
        fr, en = len(_FR_HINT.findall(t)), len(_EN_HINT.findall(t))
        out.append("fr" if fr > en else "en")
    return out
