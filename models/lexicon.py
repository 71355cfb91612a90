"""Keyword lexicons: the keyword baselines, and relevance for languages no model covers.

Relevance: an article is relevant when at least ``RELEVANCE_MIN_TERMS`` (2) distinct topic terms
occur in headline + text (the headline's terms count twice). Stance: count restrictive and
protective cue phrases; the larger count wins, a tie (including none) is ``neutral``.
Matching is case-insensitive on word boundaries; a term ending in ``*`` matches any ending.
The lists are written from the codebook's definitions, not from any evaluation text.
"""

from __future__ import annotations

import re
from functools import cache

RELEVANCE_MIN_TERMS = 2  # best F1 on the team training split (2, 3, 4, 5 tried)

RELEVANCE_TERMS: dict[str, tuple[str, ...]] = {
    "en": (
        "asylum*",
        "refugee*",
        "claimant*",
        "irregular*",
        "deport*",
        "removal*",
        "migrant*",
        "migration",
        "undocumented",
        "detention",
        "detained",
        "border crossing*",
        "crossed the border",
        "safe third country",
        "strong borders act",
        "bill c-2",
        "roxham",
        "cbsa",
        "border services",
        "ice",
        "immigration and customs enforcement",
        "border patrol",
        "ircc",
        "immigration and refugee board",
        "unhcr",
        "persecution",
        "temporary protected status",
        "sanctuary",
        "smuggl*",
        "immigration",
    ),
    "fr": (
        "asile",
        "demandeur* d'asile",
        "réfugié*",
        "irrégulier*",
        "irrégulière*",
        "expuls*",
        "renvoi*",
        "migrant*",
        "migration*",
        "sans-papiers",
        "détention",
        "tiers pays sûr*",
        "projet de loi c-2",
        "roxham",
        "asfc",
        "services frontaliers",
        "ircc",
        "statut de réfugié",
        "hcr",
        "persécution",
        "passeur*",
        "immigration",
        "frontière",
    ),
}

STANCE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "restrictive": (
            "illegal*",
            "deport*",
            "crack* down",
            "abuse*",
            "loophole",
            "bogus",
            "fraud*",
            "queue",
            "secure the border",
            "secure our border*",
            "send them back",
            "sent back",
            "removal*",
            "remove*",
            "detain*",
            "unsustainable",
            "invasion",
            "overwhelmed",
            "integrity",
            "tighten*",
            "cap",
            "restore order",
            "enforce*",
            "flow",
            "burden",
            "strain*",
            "taxpayer*",
            "economic migrant*",
            "out of control",
            "catch and release",
            "criminal*",
            "shortcut",
            "back door",
        ),
        "protective": (
            "persecut*",
            "fled",
            "flee*",
            "fleeing",
            "safety",
            "danger*",
            "rights",
            "human rights",
            "cruel",
            "inhumane",
            "shameful",
            "protect*",
            "vulnerable",
            "torture",
            "refuge",
            "humanitarian",
            "dignity",
            "fear*",
            "afraid",
            "risk",
            "fair hearing",
            "due process",
            "charter",
            "families",
            "children",
            "welcome",
            "unconstitutional",
            "scapegoat*",
            "trauma*",
            "desperate",
            "compassion*",
        ),
    },
    "fr": {
        "restrictive": (
            "illégal*",
            "expuls*",
            "abus*",
            "échappatoire",
            "renvoy*",
            "capacité",
            "débordé*",
            "contrôle",
            "fermer",
            "plafonn*",
            "intégrité",
            "fraud*",
            "économiques",
            "passoire",
            "resserr*",
        ),
        "protective": (
            "persécut*",
            "fui*",
            "fuient",
            "sécurité",
            "danger*",
            "droit*",
            "inhumain*",
            "honte*",
            "protection",
            "protég*",
            "vulnérable*",
            "torture",
            "dignement",
            "peur",
            "équitable",
            "charte",
            "enfants",
            "injustice",
        ),
    },
}


@cache
def _pattern(term: str) -> re.Pattern[str]:
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
    tail = r"[\w'-]*" if term.endswith("*") else ""
    return re.compile(rf"(?<![\w-]){body}{tail}(?![\w-])", re.IGNORECASE)


def count_terms(text: str, terms: tuple[str, ...]) -> int:
    """Number of distinct ``terms`` occurring in ``text``."""
    return sum(1 for t in terms if _pattern(t).search(text))


def lexicon_relevance(
    text: str, language: str | None, min_terms: int = RELEVANCE_MIN_TERMS
) -> bool | None:
    """Keyword relevance of ``text`` (headline included); ``None`` without a lexicon."""
    terms = RELEVANCE_TERMS.get(language or "en")
    if terms is None:
        return None
    title, _, _ = text.partition("\n\n")
    hits = count_terms(text, terms) + (count_terms(title, terms) if "\n\n" in text else 0)
    return hits >= min_terms


def lexicon_stance(text: str, language: str | None) -> str | None:
    """``restrictive``/``protective`` by cue counts, ``neutral`` on a tie; ``None``: no lexicon."""
    cues = STANCE_CUES.get(language or "en")
    if cues is None:
        return None
    restrictive = count_terms(text, cues["restrictive"])
    protective = count_terms(text, cues["protective"])
    if restrictive > protective:
        return "restrictive"
    if protective > restrictive:
        return "protective"
    return "neutral"
