"""The role rules' word lists, read from ``data/quotes/roles.toml`` and compiled once.

:func:`load_role_rules` returns a frozen :class:`RoleRules`: the matchers
:mod:`pipeline.quotes.roles` uses, built from the lists (phrase notation:
:mod:`pipeline.quotes.phrases`). The quote stage loads one and passes it along; nothing is kept
between calls but that object and the cached default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.core.paths import REFERENCE_DIR
from pipeline.core.records import SPEAKER_ROLES
from pipeline.quotes.phrases import PhraseError, compile_phrase, compile_phrases

DEFAULT_PATH = REFERENCE_DIR / "quotes" / "roles.toml"
LANGUAGES = ("en", "fr")
_CUES = (
    "org_context",
    "unknown_groups",
    "sources",
    "anonymous",
    "advocacy_body",
    "other_occupations",
    "agency_reference",
    "affected_context",
)


class RoleRulesError(ValueError):
    """The role-cue file is missing a list, names an unknown role or holds a bad phrase."""


@dataclass(frozen=True, slots=True)
class RoleRules:
    """Compiled role cues (see ``data/quotes/roles.toml`` for what each one means)."""

    strong: tuple[tuple[str, re.Pattern[str]], ...]
    weak: tuple[tuple[str, re.Pattern[str]], ...]
    org_context: re.Pattern[str]
    unknown_groups: re.Pattern[str]
    sources: re.Pattern[str]
    anonymous: re.Pattern[str]
    advocacy_body: re.Pattern[str]
    other_occupations: re.Pattern[str]
    agency_reference: re.Pattern[str]
    affected_context: re.Pattern[str]
    past_role: re.Pattern[str]
    pre_cut: re.Pattern[str]
    post_cut: re.Pattern[str]
    appositive_start: re.Pattern[str]
    # French starts only: in French text "a" after "Jeanne Roe, 45 ans," is the verb
    # ("a fui le pays"), not the English article.
    appositive_start_fr: re.Pattern[str]
    title_continuation: re.Pattern[str]
    post_lead: re.Pattern[str]
    age: re.Pattern[str]
    people_split: re.Pattern[str]
    title_words: frozenset[str]
    fr_hint: re.Pattern[str]
    en_hint: re.Pattern[str]


def _words(path: Path, table: object, key: str) -> list[str]:
    """English then French phrases of ``table`` (a dict with ``en`` and ``fr`` lists)."""
    if not isinstance(table, dict):
        raise RoleRulesError(f"{path}: {key} must be a table with en and fr lists")
    out: list[str] = []
    for lang in LANGUAGES:
        value = table.get(lang, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RoleRulesError(f"{path}: {key}.{lang} must be a list of phrases")
        out.extend(value)
    return out


def _only_fr(table: object) -> object:
    """The French list of an ``en``/``fr`` table (the table itself when it is no table)."""
    return {"fr": table.get("fr", [])} if isinstance(table, dict) else table


def _alternation(path: Path, phrases: list[str], key: str) -> str:
    try:
        return "|".join(compile_phrase(p) for p in phrases) or "(?!)"
    except PhraseError as exc:
        raise RoleRulesError(f"{path}: {key}: {exc}") from None


def _cue(path: Path, table: object, key: str) -> re.Pattern[str]:
    words = _words(path, table, key)
    assert isinstance(table, dict)
    try:
        return compile_phrases(
            words,
            ignore_case=bool(table.get("ignore_case", True)),
            word_end=bool(table.get("word_end", True)),
        )
    except (PhraseError, re.error) as exc:
        raise RoleRulesError(f"{path}: {key}: {exc}") from None


def _rules(path: Path, data: dict, key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise RoleRulesError(f"{path}: [[{key}]] rules missing")
    out = []
    for i, entry in enumerate(entries):
        role = entry.get("role") if isinstance(entry, dict) else None
        if role not in SPEAKER_ROLES:
            raise RoleRulesError(f"{path}: {key} rule #{i + 1} has role {role!r}")
        out.append((role, _cue(path, entry, f"{key}[{i}] ({role})")))
    return tuple(out)


def load_role_rules(path: Path | str | None = None) -> RoleRules:
    """The role cues in ``path`` (default ``data/quotes/roles.toml``), compiled."""
    p = Path(path) if path else DEFAULT_PATH
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RoleRulesError(f"{p}: {exc}") from exc
    cues = data.get("cues") or {}
    ctx = data.get("context") or {}
    past = data.get("past_role") or {}
    hints = data.get("language_hints") or {}

    def alt(table: object, key: str) -> str:
        return _alternation(p, _words(p, table, key), key)

    def plain(table: object, key: str) -> list[str]:
        return [w.lower() for w in _words(p, table, key)]

    strong, weak = _rules(p, data, "strong"), _rules(p, data, "weak")
    markers = alt(past.get("markers"), "past_role.markers")
    ends = alt(past.get("clause_ends"), "past_role.clause_ends")
    before, after = alt(ctx.get("age_before"), "age_before"), alt(ctx.get("age_after"), "age_after")
    conj = alt(ctx.get("conjunctions"), "conjunctions")
    return RoleRules(
        strong=strong,
        weak=weak,
        **{name: _cue(p, cues.get(name), f"cues.{name}") for name in _CUES},
        past_role=re.compile(
            rf"\b(?:{markers})\s*(?:[^,;]{{0,80}}?(?=\s+(?:{ends})\s|\s*[,;]|$)|[^,;]{{0,40}})",
            re.IGNORECASE,
        ),
        pre_cut=re.compile(
            rf".*\b(?:{alt(ctx.get('clause_starts'), 'clause_starts')})\s",
            re.IGNORECASE | re.DOTALL,
        ),
        post_cut=re.compile(
            rf"\s(?:{alt(ctx.get('speech_after'), 'speech_after')})\b.*",
            re.IGNORECASE | re.DOTALL,
        ),
        # Case respected: a capitalised word starts an appositive too ("X, Amnesty's ...").
        appositive_start=re.compile(
            rf"(?:{alt(ctx.get('appositive_starts'), 'appositive_starts')}|[A-ZÀ-Þ])(?:\s|\b)"
            rf"|(?:{alt(ctx.get('apposition_nouns'), 'apposition_nouns')})\b",
        ),
        appositive_start_fr=re.compile(
            rf"(?:{alt(_only_fr(ctx.get('appositive_starts')), 'appositive_starts')}|[A-ZÀ-Þ])"
            rf"(?:\s|\b)|(?:{alt(_only_fr(ctx.get('apposition_nouns')), 'apposition_nouns')})\b",
        ),
        title_continuation=re.compile(
            rf"(?:{alt(ctx.get('title_continuations'), 'title_continuations')})(?:\s|$|(?<=['’]))"
        ),
        post_lead=re.compile(
            rf"^(?:,|\s+(?:{alt(ctx.get('affiliation_after'), 'affiliation_after')})\s)"
        ),
        age=re.compile(rf"\d{{1,3}}(?:\s+(?:{after}))?|(?:{before})\s+\d{{1,3}}"),
        people_split=re.compile(rf"\s*,\s*(?:(?:{conj})\s+)?|\s+(?:{conj})\s+"),
        title_words=frozenset(plain(ctx.get("titles"), "titles")),
        fr_hint=compile_phrases(_words(p, {"fr": hints.get("fr", [])}, "language_hints")),
        en_hint=compile_phrases(_words(p, {"en": hints.get("en", [])}, "language_hints")),
    )


@lru_cache(maxsize=4)
def default_role_rules(path: str | None = None) -> RoleRules:
    """The shipped role cues, compiled once per process."""
    return load_role_rules(path)
