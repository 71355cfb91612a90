"""Language codes: normalise ``en-US`` to ``en``; guess the language of untagged text.

The guess is a stop-word count over a few languages; it only serves texts that arrive without a
language tag, so that a French quote is not silently classified by an English-only model.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and of to in is that for it was on with as are be this have by not they "
        "we he she will from at has but would their an or were said"
    ),
    "fr": _words(
        "le la les des et est une un du que qui dans pour pas sur au aux ce sont avec "
        "il elle nous ils ont été mais plus leur cette selon"
    ),
    "es": _words(
        "el la los las del y es una un que en por para no se con su al como pero más fue son está"
    ),
    "de": _words(
        "der die das und ist nicht ein eine zu den mit von für auf sich dem des im auch sind wird"
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize_language(code: str | None) -> str | None:
    """``"fr-CA"`` -> ``"fr"``; empty -> ``None``."""
    if not code:
        return None
    return code.strip().lower().replace("_", "-").split("-")[0] or None


def guess_language(text: str, min_hits: int = 2) -> str | None:
    """The language whose stop words occur most in ``text``; ``None`` when too few occur."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] < min_hits:
        return None
    runner_up = max(v for k, v in counts.items() if k != best)
    return best if counts[best] > runner_up else None
