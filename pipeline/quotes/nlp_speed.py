"""Faster spaCy pipelines for the quote stage, with the same annotations.

:func:`tune` changes how three parts of a loaded pipeline compute, never what they compute:

- matrix products go through numpy (OpenBLAS) instead of thinc's BLIS (:func:`use_numpy_gemm`);
- the rule lemmatizer's word index becomes a set (:func:`lemma_index_sets`);
- the attribute ruler remembers, for each word, tag and dependency label, which of its
  one-token patterns match (:class:`RulerMatches`).

The attribute ruler's change replaces two of its methods on the instance and calls a private
spaCy helper, so :func:`tune` applies the changes only to the spaCy and thinc releases they were
checked against (:data:`CHECKED`); with any other it leaves the pipeline as spaCy built it and
logs why (slower, same annotations).

``bench/check_quotes_same.py`` compares the stage's results with and without these changes on
the corpus's train and validation parts; ``tests/test_quotes_speed.py`` compares every token's
annotations on invented text.
"""

from __future__ import annotations

import logging
from functools import partial
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

# The releases (major.minor) the changes were checked against: annotations identical on the
# corpus's train and validation texts (bench/check_quotes_same.py) and tests/test_quotes_speed.py.
CHECKED = {"spacy": "3.8", "thinc": "8.3"}
RULER_CACHE_LIMIT = 100_000  # token kinds kept before the cache starts over
# What a one-token pattern may read for its matches to be remembered per kind of token:
# attributes of the word (the same for every token of that word) and three of the token.
WORD_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "IS_SPACE", "IS_ALPHA", "IS_PUNCT", "IS_DIGIT"})
TOKEN_ATTRS = frozenset({"TAG", "POS", "DEP"})
# Attributes with open-ended values: the kind of token keeps the value only when a pattern
# names it ("LOWER": "he"); every other value is one kind (it matches the same patterns).
OPEN_ATTRS = frozenset({"ORTH", "TEXT", "LOWER"})


def checked_releases() -> str | None:
    """None when the installed spaCy and thinc are the releases in :data:`CHECKED`, else why
    not."""
    for package, release in CHECKED.items():
        installed = version(package)
        if installed.split(".")[:2] != release.split("."):
            return f"{package} {installed} is not the checked {release}.x"
    return None


def tune(nlp: Language) -> Language:
    """``nlp`` with the three changes above (in place), on the checked releases only."""
    why = checked_releases()
    if why is not None:
        log.warning("spaCy pipeline left untuned (slower, same results): %s", why)
        return nlp
    use_numpy_gemm(nlp)
    lemma_index_sets(nlp)
    if "attribute_ruler" in nlp.pipe_names:
        RulerMatches.install(nlp.get_pipe("attribute_ruler"))
    return nlp


def use_numpy_gemm(nlp: Language) -> None:
    """Matrix products through numpy (OpenBLAS) instead of thinc's default, BLIS.

    The BLIS that thinc uses falls back to its generic kernel on CPUs it does not recognise
    (this project's virtual machines: ``BLIS_ARCH_DEBUG=1`` prints "selecting
    sub-configuration 'generic'"), a third of numpy's speed there; numpy's OpenBLAS picks its
    kernel at run time. ``NumpyOps(use_blis=False)`` is thinc's own switch for this. The
    tok2vec layers and the parser's and entity recogniser's feature layers use it; their
    per-step layers still call BLIS (thinc's ``CBlas``, out of reach from Python). Only the
    rounding order of the sums differs, so a score tied to the last bit could break the
    other way: on the corpus's train and validation texts no annotation changed.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops


def lemma_index_sets(nlp: Language) -> None:
    """The rule lemmatizer's word index as sets.

    spaCy keeps each part of speech's known words as a list (20,000 to 66,000 words) and
    tests ``word in index`` for every new word and suffix rule, a linear scan; it only ever
    tests membership, so a set gives the same lemmas. (The pipeline can then no longer be
    written with ``to_disk``/``to_bytes``; the stage never writes it.)
    """
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        value = table[key]
        if isinstance(value, list):
            table[key] = frozenset(value)


class RulerMatches:
    """The attribute ruler's matches, as ``AttributeRuler.match`` returns them, with the
    one-token patterns' matches remembered per kind of token.

    A one-token pattern that tests only attributes of the word (:data:`WORD_ATTRS`) and the
    token's tag, part of speech or dependency label, each by a value or ``IN``/``NOT_IN`` a
    list, gives the same answer for every token with the same values of the attributes the
    patterns test. For the word forms (:data:`OPEN_ATTRS`) only the values the patterns name
    count: "migrants" and "minister" are one kind when no pattern names either. So a token
    is reduced to its kind (a tuple of attribute values), and a kind met before costs a
    dictionary look-up; a new kind is matched once, by spaCy's matcher on a one-token copy of
    the token. Other patterns (several tokens, an operator, ``REGEX``, other attributes) go
    through a matcher over the whole document, as before. The matches are sorted as spaCy
    sorts them (pattern order, then position), so later patterns override earlier ones.
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        from spacy.attrs import IDS
        from spacy.matcher import Matcher

        self.vocab = ruler.vocab
        self.one = Matcher(self.vocab)
        self.many = Matcher(self.vocab)
        tested: set[str] = set()
        named: dict[str, set[int]] = {}  # open attribute -> the values patterns name (hashes)
        for i in range(len(ruler.attrs)):
            _key, patterns = ruler.matcher.get(str(i))
            if not all(_per_token(p) for p in patterns):
                self.many.add(str(i), patterns)
                continue
            self.one.add(str(i), patterns)
            for pattern in patterns:
                for key, value in pattern[0].items():
                    attr = "ORTH" if key.upper() == "TEXT" else key.upper()
                    tested.add(attr)
                    if attr in OPEN_ATTRS:
                        values = value if not isinstance(value, dict) else sum(value.values(), [])
                        for v in values if isinstance(values, list) else [values]:
                            named.setdefault(attr, set()).add(self.vocab.strings.add(str(v)))
        self.attr_names = sorted(tested)
        self.attr_ids = [IDS[a] for a in self.attr_names]
        self.named = {
            k: np.array(sorted(named.get(a, set())), dtype="uint64")
            for k, a in enumerate(self.attr_names)
            if a in OPEN_ATTRS
        }
        self.cache: dict[tuple[int, ...], list[tuple[int, Any]]] = {}

    @classmethod
    def install(cls, ruler: AttributeRuler) -> None:
        """Make ``ruler`` find its matches this way and set their attributes without making a
        ``Span`` of each (its ``match`` and ``set_annotations`` methods, on the instance)."""
        ruler.match = cls(ruler)
        ruler.set_annotations = partial(_set_annotations, ruler)

    def _kinds(self, doc: Doc) -> list[tuple[int, ...]]:
        if not self.attr_ids:
            return [()] * len(doc)
        arr = doc.to_array(self.attr_ids).reshape(len(doc), len(self.attr_ids))
        for k, values in self.named.items():
            col = arr[:, k]
            arr[:, k] = np.where(np.isin(col, values), col, 0)
        return list(map(tuple, arr.tolist()))

    def _one_token(self, doc: Doc, i: int) -> list[tuple[int, Any]]:
        """The one-token patterns token ``i`` of ``doc`` matches: (pattern number, match id),
        in order."""
        from spacy.tokens import Doc

        tok = doc[i]
        one = Doc(self.vocab, words=[tok.text], spaces=[False])
        one[0].tag = tok.tag
        one[0].pos = tok.pos
        one[0].dep = tok.dep
        strings = self.vocab.strings
        found = self.one(one, allow_missing=True)
        return sorted((int(strings[m_id]), m_id) for m_id, _s, _e in found)

    def __call__(self, doc: Doc) -> list[tuple[int, Any, int, int]]:
        """``(pattern number, match id, start, end)`` of every match in ``doc``, sorted."""
        if len(self.cache) > RULER_CACHE_LIMIT:
            self.cache.clear()
        matches: list[tuple[int, Any, int, int]] = []
        cache = self.cache
        for t, kind in enumerate(self._kinds(doc)):
            ids = cache.get(kind)
            if ids is None:
                ids = cache[kind] = self._one_token(doc, t)
            for attr_id, m_id in ids:
                matches.append((attr_id, m_id, t, t + 1))
        if len(self.many):
            strings = self.vocab.strings
            for m_id, s, e in self.many(doc, allow_missing=True):
                matches.append((int(strings[m_id]), m_id, s, e))
        matches.sort()
        return matches


def _per_token(pattern: list[dict[str, Any]]) -> bool:
    """Whether ``pattern`` is one token that tests only :data:`WORD_ATTRS` and
    :data:`TOKEN_ATTRS`, each by a value or ``IN``/``NOT_IN`` a list of values."""
    if len(pattern) != 1:
        return False
    for key, value in pattern[0].items():
        if key.upper() not in WORD_ATTRS | TOKEN_ATTRS:
            return False
        if isinstance(value, dict):
            if not value or set(value) - {"IN", "NOT_IN"}:
                return False
            if not all(isinstance(v, list) for v in value.values()):
                return False
            if any(isinstance(x, (dict, list)) for v in value.values() for x in v):
                return False
        elif not isinstance(value, (str, int, bool)):
            return False
    return True


def _set_annotations(
    ruler: AttributeRuler, doc: Doc, matches: list[tuple[int, Any, int, int]]
) -> None:
    """``AttributeRuler.set_annotations``: each match's attributes on its token, in order; a
    token index outside the match goes to spaCy's method, which raises its error."""
    from spacy.tokens._retokenize import set_token_attrs

    for match in matches:
        attr_id, _m_id, start, end = match
        index = ruler.indices[attr_id]
        k = index if index >= 0 else end - start + index
        if not 0 <= k < end - start:
            type(ruler).set_annotations(ruler, doc, [match])
            continue
        set_token_attrs(doc[start + k], ruler.attrs[attr_id])
