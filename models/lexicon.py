"""Keyword lexicons: the keyword baselines, and relevance for languages no model covers.

Relevance: the project's topic profile (``data/topic.toml``, :mod:`pipeline.core.topic`), one
keyword list for the whole pipeline. Stance: count restrictive and protective cue phrases; the
larger count wins, a tie (including none) is ``neutral``. Matching is case-insensitive on word
boundaries; a term ending in ``*`` matches any ending. The lists are written from the codebook's
definitions, not from any evaluation text.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.core.config import TopicProfile, load_topic
from pipeline.core.topic import is_on_topic

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


def lexicon_relevance(text: str, language: str | None) -> bool | None:
    """The topic profile's verdict on ``text`` ("headline\n\nbody"): the same keyword
    relevance the pipeline uses without classifiers (``data/topic.toml``, see
    :mod:`pipeline.core.topic`). ``None`` for a language the profile has no terms for."""
    profile = _topic_profile()
    if (language or "en") not in profile.terms:
        return None
    title, sep, body = text.partition("\n\n")
    if not sep:
        title, body = "", text
    return is_on_topic(title, body, language or "en", profile)


@cache
def _topic_profile() -> TopicProfile:
    return load_topic()


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
