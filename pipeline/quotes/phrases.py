"""A small phrase notation for the word lists in ``data/quotes/roles.toml``, compiled to regexes.

Word lists stay readable for the people who edit them; this module turns them into matchers.
A phrase is words separated by spaces (a space matches any run of white space):

- ``asylum seeker``: the words themselves; an apostrophe matches either ``'`` or ``’``.
- ``[lawyer|attorney]``: one of the alternatives, each itself a phrase (``[of the|at]``).
  Alternatives can be glued to letters: ``l'[agence|agency]``, ``[church|parish]'s``.
- ``[the|a]?``: the word may be left out; ``<Name>*``: any number of them.
- ``<word>``: any one word; ``<token>``: one word that may hold ``'`` or ``-``;
  ``<Name>``: a word written with a capital; ``<Initial>``: one capital letter.
  (In a rule that ignores case, "a capital" is any letter, as the rules always read it.)
- ``...``: up to 40 characters within the clause (no comma or semicolon).
- ``^`` first: only at the start of the text.
- ``![media|film] critic``: not right after these words; ``!vice- president``: not right
  after ``vice-``; ``attorney !general``: not followed by a word starting with these letters.
- ``=Justice <Name>``: this phrase respects case even in a rule that ignores it.

Phrases match whole words: a phrase that ends in a letter ends at a word boundary.
"""

from __future__ import annotations

import re

APOSTROPHES = "['’]"
_SEP = r"\s+"
_GAP = r"\b[^,;]{0,40}\b"
_SLOTS = {
    "word": r"\w+",
    "token": r"[\w'’\-]+",
    "Name": r"[A-ZÀ-Þ][\w’']*",
    "Initial": r"[A-ZÀ-Þ]",
}


class PhraseError(ValueError):
    """A phrase that the notation cannot read."""


def _split(text: str, sep: str) -> list[str]:
    """``text`` split on ``sep`` outside brackets."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise PhraseError(f"unbalanced ']' in {text!r}")
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth:
        raise PhraseError(f"unbalanced '[' in {text!r}")
    out.append("".join(cur))
    return out


def _literal(text: str) -> str:
    return "".join(APOSTROPHES if c in "'’" else re.escape(c) for c in text)


def _pieces(token: str, phrase: str) -> str:
    """One token's regex: literal letters, ``[...]`` groups and ``<slot>``s glued together."""
    out, i = [], 0
    while i < len(token):
        ch = token[i]
        if ch == "[":
            depth, j = 0, i
            while j < len(token):
                depth += {"[": 1, "]": -1}.get(token[j], 0)
                if depth == 0:
                    break
                j += 1
            alts = _split(token[i + 1 : j], "|")
            if not all(a.strip() for a in alts):
                raise PhraseError(f"empty alternative in {phrase!r}")
            out.append("(?:" + "|".join(compile_phrase(a.strip()) for a in alts) + ")")
            i = j + 1
        elif ch == "<":
            j = token.find(">", i)
            slot = token[i + 1 : j] if j > 0 else ""
            if slot not in _SLOTS:
                raise PhraseError(f"unknown slot <{slot}> in {phrase!r}")
            out.append(_SLOTS[slot])
            i = j + 1
        else:
            j = i
            while j < len(token) and token[j] not in "[<":
                j += 1
            out.append(_literal(token[i:j]))
            i = j
    return "".join(out)


def _behind(word: str) -> str:
    # "![media|film] critic": a fixed-width look-behind per alternative.
    alts = _split(word[1:-1], "|") if word.startswith("[") and word.endswith("]") else [word]
    return "".join(
        f"(?<!\\b{_literal(a)})" if a.endswith("-") else f"(?<!\\b{_literal(a)}\\s)" for a in alts
    )


def compile_phrase(phrase: str) -> str:
    """The regex for one phrase (without the word boundaries :func:`compile_phrases` adds)."""
    cased = phrase.startswith("=")
    tokens = [t for t in _split(phrase.lstrip("="), " ") if t]
    if not tokens:
        raise PhraseError("empty phrase")
    consuming = [i for i, t in enumerate(tokens) if not t.startswith(("!", "^")) and t != "..."]
    out: list[str] = []
    owed = False  # a separator is owed before the next word
    for i, tok in enumerate(tokens):
        if tok == "^":
            if i:
                raise PhraseError(f"'^' must come first in {phrase!r}")
            out.append("^")
        elif tok.startswith("!"):
            if i < (consuming[0] if consuming else 0):
                out.append(_behind(tok[1:]))
            elif i > (consuming[-1] if consuming else 0):
                out.append(f"(?!{_SEP}{_pieces(tok[1:], phrase)})")
            else:
                raise PhraseError(f"'!' only before the first or after the last word: {phrase!r}")
        elif tok == "...":
            out.append(_GAP)
            owed = False
        else:
            quant = tok[-1] if tok[-1] in "?*" and len(tok) > 1 else ""
            body = _pieces(tok[:-1] if quant else tok, phrase)
            if not quant:
                out.append((_SEP if owed else "") + body)
                owed = True
            elif i == consuming[-1]:
                out.append(f"(?:{_SEP}{body}){quant}" if owed else f"(?:{body}){quant}")
            else:
                out.append((_SEP if owed else "") + f"(?:{body}{_SEP}){quant}")
                owed = False
    rx = "".join(out)
    return f"(?-i:{rx})" if cased else rx


def _ends_in_word(phrase: str) -> bool:
    last = [t for t in _split(phrase, " ") if t and not t.startswith("!")][-1].rstrip("?*")
    return last[-1:].isalnum() or last.endswith(("]", ">"))


def compile_phrases(
    phrases: list[str] | tuple[str, ...], *, ignore_case: bool = True, word_end: bool = True
) -> re.Pattern[str]:
    """One pattern matching any of ``phrases`` as whole words (``word_end=False``: a phrase
    may end inside a word, "pastor" matching "pastors")."""
    parts = []
    for p in phrases:
        end = r"\b" if word_end and _ends_in_word(p) else ""
        parts.append(f"\\b{compile_phrase(p)}{end}")
    if not parts:
        return re.compile(r"(?!)")
    return re.compile("|".join(parts), re.IGNORECASE if ignore_case else 0)
