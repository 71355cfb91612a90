"""The quote stage's word lists, read from ``data/quotes/<language>.toml``.

Speech verbs, pronouns, titles and group nouns are data, not code: a researcher adds a verb to
the TOML file and reruns the evaluation. Unknown languages fall back to English lists.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.paths import REFERENCE_DIR

if TYPE_CHECKING:
    from spacy.tokens import Token

# The word lists: data/quotes/ in a checkout, the installed asylumwatch_data/quotes/ otherwise.
DATA_DIR = REFERENCE_DIR / "quotes"
LANGUAGES = ("en", "fr")


class LexiconError(ValueError):
    """A word-list file is missing a key or has a value of the wrong type."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists of one language, as read from ``data/quotes/<language>.toml``."""

    language: str
    speech_verbs: frozenset[str]
    belief_verbs: frozenset[str]
    listener_verbs: frozenset[str]
    characterise_verbs: frozenset[str]  # "called the deal “balanced”": quotes, however short
    according: tuple[tuple[str, ...], ...]
    according_named: tuple[tuple[str, ...], ...]  # only before a named person or body
    not_subjects: frozenset[str]  # subjects that name nobody ("this", "cela")
    time_nouns: frozenset[str]  # heads of phrases that say when, not who ("Chaque année")
    not_speakers: frozenset[str]
    pronouns: dict[str, tuple[str, str]]  # word -> (gender, number)
    titles: dict[str, str]  # title -> gender ("" when none)
    group_nouns: frozenset[str]
    speaker_nouns: frozenset[str]  # nouns that name somebody who can speak
    term_cues: tuple[tuple[str, ...], ...]  # words that make the next quoted words a term
    # Titles and bodies whose complement is a portfolio, not a speaker ("ministre de
    # l'Intérieur", "Home Affairs Commissioner").
    portfolio_heads: frozenset[str] = frozenset()
    # Words right before a name that make it no person's: an article ("au Nieuwsblad") or a
    # noun that introduces a body ("l'association Utopia 56", "the charity Safe Harbour").
    name_articles: frozenset[str] = frozenset()
    # Lower-case particles inside people's names ("von der", "bin"): a name ending in one
    # goes on to the next capitalised word.
    name_particles: frozenset[str] = frozenset()
    body_nouns: frozenset[str] = frozenset()
    # Public bodies a definite phrase names on its own ("la préfecture précise que").
    institution_nouns: frozenset[str] = frozenset()
    # Determiners of a description that takes up somebody named before ("cette résidante").
    demonstrative_determiners: frozenset[str] = frozenset()
    # Demonstratives that take up the person last named, whatever their role ("Celui-ci").
    demonstratives: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Speaker nouns that name a body or a place ("the force", "le conseil").
    speaker_bodies: frozenset[str] = frozenset()
    # Endings of verb forms the lemmatizer leaves unchanged and the infinitive's ending each
    # stands for ("indique" -> "indiquer"), longest ending first.
    verb_endings: tuple[tuple[str, str], ...] = ()
    # Entity labels (lower case) of places: a proper-noun subject the recogniser tags so is no
    # person it missed ("Toronto asks ...").
    place_labels: frozenset[str] = frozenset()

    def verb_lemma(self, tok: Token) -> str:
        """``tok``'s lemma, lower case; for a verb whose lemma is no speech verb, the
        infinitive its ending stands for when that is one (``verb_endings``: the French
        lemmatizer leaves "indique", "estiment" as they are)."""
        lemma = tok.lemma_.lower()
        if lemma in self.speech_verbs or tok.pos_ != "VERB":
            return lemma
        word = tok.text.lower()
        for ending, infinitive in self.verb_endings:
            if word.endswith(ending):
                repaired = word[: len(word) - len(ending)] + infinitive
                if repaired in self.speech_verbs:
                    return repaired
        return lemma

    def names_one_person(self, lemma: str) -> bool:
        """Whether a singular noun with this lemma names one person who can speak ("the
        reeve", "la ministre"), not a group, a body or an institution."""
        return lemma in self.speaker_nouns and not (
            lemma in self.group_nouns
            or lemma in self.body_nouns
            or lemma in self.institution_nouns
            or lemma in self.speaker_bodies
        )

    def pronoun(self, word: str) -> tuple[str, str] | None:
        """The gender and number of the pronoun ``word`` (case ignored); None when the lists
        have no such pronoun."""
        return self.pronouns.get(word.lower())


def _strings(path: Path, data: dict, key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{path}: {key} must be a list of strings")
    return [v.lower() for v in value]


def _sequences(path: Path, data: dict, key: str) -> tuple[tuple[str, ...], ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(
        isinstance(seq, list) and seq and all(isinstance(w, str) for w in seq) for seq in value
    ):
        raise LexiconError(f"{path}: {key} must be a list of word lists")
    return tuple(tuple(w.lower() for w in seq) for seq in value)


def load_lexicon(language: str, data_dir: Path = DATA_DIR) -> Lexicon:
    """The word lists for ``language`` ("en" or "fr"; anything else reads English)."""
    lang = language if language in LANGUAGES else "en"
    path = data_dir / f"{lang}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc
    according = _sequences(path, data, "according")
    according_named = _sequences(path, data, "according_named")
    pronouns: dict[str, tuple[str, str]] = {}
    for word, pair in (data.get("pronouns") or {}).items():
        if not (isinstance(pair, list) and len(pair) == 2 and pair[1] in ("sg", "pl")):
            raise LexiconError(f"{path}: pronouns.{word} must be [gender, sg|pl]")
        pronouns[word.lower()] = (str(pair[0]), str(pair[1]))
    demonstratives: dict[str, tuple[str, str]] = {}
    for word, pair in (data.get("demonstratives") or {}).items():
        if not (isinstance(pair, list) and len(pair) == 2 and pair[1] in ("sg", "pl")):
            raise LexiconError(f"{path}: demonstratives.{word} must be [gender, sg|pl]")
        demonstratives[word.lower()] = (str(pair[0]), str(pair[1]))
    titles = data.get("titles") or {}
    if not all(isinstance(v, str) for v in titles.values()):
        raise LexiconError(f"{path}: titles values must be strings")
    endings = data.get("verb_endings") or {}
    if not isinstance(endings, dict) or not all(isinstance(v, str) for v in endings.values()):
        raise LexiconError(f"{path}: verb_endings must map endings to infinitive endings")
    groups = data.get("groups") or {}
    terms = _sequences(path, data.get("terms") or {"before": []}, "before")
    return Lexicon(
        language=lang,
        speech_verbs=frozenset(_strings(path, data, "speech_verbs")),
        belief_verbs=frozenset(_strings(path, data, "belief_verbs")),
        listener_verbs=frozenset(_strings(path, data, "listener_verbs")),
        characterise_verbs=frozenset(_strings(path, data, "characterise_verbs")),
        according=according,
        according_named=according_named,
        not_subjects=frozenset(_strings(path, data, "not_subjects")),
        time_nouns=frozenset(_strings(path, data, "time_nouns")),
        not_speakers=frozenset(_strings(path, data, "not_speakers")),
        pronouns=pronouns,
        titles={k.lower(): v for k, v in titles.items()},
        group_nouns=frozenset(_strings(path, groups, "nouns")),
        speaker_nouns=frozenset(_strings(path, data.get("speakers") or {}, "nouns")),
        verb_endings=tuple(
            sorted(((k.lower(), v.lower()) for k, v in endings.items()), key=lambda e: -len(e[0]))
        ),
        speaker_bodies=frozenset(
            _strings(
                path,
                {"speakers.bodies": (data.get("speakers") or {}).get("bodies", [])},
                "speakers.bodies",
            )
        ),
        term_cues=terms,
        portfolio_heads=frozenset(_strings(path, {"p": data.get("portfolio_heads", [])}, "p")),
        name_articles=frozenset(_strings(path, {"p": data.get("name_articles", [])}, "p")),
        name_particles=frozenset(
            _strings(path, {"name_particles": data.get("name_particles", [])}, "name_particles")
        ),
        body_nouns=frozenset(_strings(path, {"p": data.get("body_nouns", [])}, "p")),
        demonstratives=demonstratives,
        demonstrative_determiners=frozenset(
            _strings(path, {"p": data.get("demonstrative_determiners", [])}, "p")
        ),
        institution_nouns=frozenset(_strings(path, {"p": data.get("institution_nouns", [])}, "p")),
        place_labels=frozenset(
            _strings(path, {"place_labels": data.get("place_labels", [])}, "place_labels")
        ),
    )
