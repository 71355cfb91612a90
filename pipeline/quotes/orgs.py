"""The curated table of organisations and their speaker roles (``data/organisations.toml``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.config import DEFAULT_ORGANISATIONS
from pipeline.core.records import SPEAKER_ROLES

if TYPE_CHECKING:
    from collections.abc import Iterator

# The table used when none is named (--organisations, ASYLUMWATCH_ORGANISATIONS and the
# project file name another: pipeline/core/settings.py).
DEFAULT_PATH = DEFAULT_ORGANISATIONS


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation of the table: its name, its other names, its codebook speaker role and
    its country."""

    name: str
    aliases: tuple[str, ...]
    role: str
    country: str


@dataclass(frozen=True, slots=True)
class OrgMatch:
    """An organisation named in a text: the words used and their character offsets."""

    org: Organisation
    surface: str  # the words the article uses
    start: int
    end: int


_SERIAL_COMMA = re.compile(r",( (?:and|et) )")


def _case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or len(alias.split()) == 1)


class OrgTable:
    """Organisation names and aliases matched as whole words, longest first."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self.organisations = organisations
        self._by_alias: dict[str, Organisation] = {}
        parts: list[tuple[str, str]] = []
        surfaces: set[str] = set()
        for org in organisations:
            for alias in (org.name, *org.aliases):
                owner = self._by_alias.setdefault(alias.casefold(), org)
                if owner is not org:
                    raise ValueError(
                        f"alias {alias!r} names two organisations: {owner.name!r} and {org.name!r}"
                    )
                if alias in surfaces:
                    continue
                surfaces.add(alias)
                esc = re.escape(alias).replace(r"\ ", r"\s+")
                # A serial comma before the last part: "Immigration, Refugees, and Citizenship".
                esc = re.sub(r"\\s\+(and|et)\\s\+", r",?\\s+\1\\s+", esc)
                # Either apostrophe matches either (one pass: a second replace would rewrite
                # the class the first one wrote).
                esc = re.sub("['’]", "['’]", esc)
                parts.append((alias, esc if _case_sensitive(alias) else f"(?i:{esc})"))
        parts.sort(key=lambda p: len(p[0]), reverse=True)
        alternation = "|".join(p[1] for p in parts)
        self._re = re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w\-])") if parts else None
        # The first letters of every name (up to four, in its first word): the long
        # alternation is tried only where a word starts with them, which finds the same
        # matches without trying every character.
        self._prefixes: frozenset[str] | None = frozenset(_prefix(a.split()[0]) for a in surfaces)
        if any(not re.match(r"\w", a) for a in surfaces):
            self._prefixes = None  # a name that starts with no letter: try every position

    @classmethod
    def load(cls, path: Path | str | None = None) -> OrgTable:
        """The table in ``path`` (default ``data/organisations.toml``). Raises ValueError for a
        role outside the codebook or an alias given to two organisations."""
        p = Path(path) if path else DEFAULT_PATH
        with p.open("rb") as fh:
            data = tomllib.load(fh)
        orgs: list[Organisation] = []
        for i, entry in enumerate(data.get("organisation", [])):
            role = entry.get("role")
            if role not in SPEAKER_ROLES:
                raise ValueError(
                    f"{p}: organisation #{i + 1} has role {role!r}, not a codebook role"
                )
            orgs.append(
                Organisation(
                    name=str(entry["name"]),
                    aliases=tuple(str(a) for a in entry.get("aliases", [])),
                    role=role,
                    country=str(entry.get("country", "")),
                )
            )
        try:
            return cls(orgs)
        except ValueError as exc:
            raise ValueError(f"{p}: {exc}") from None

    def lookup(self, name: str) -> Organisation | None:
        """The organisation with the name or alias ``name``, case ignored and a curly
        apostrophe read as a straight one; None when there is none."""
        return self._by_alias.get(name.casefold().replace("’", "'")) or self._by_alias.get(
            name.casefold()
        )

    def find_all(self, text: str, start: int = 0, end: int | None = None) -> list[OrgMatch]:
        """Every organisation named in ``text[start:end]`` as whole words, in order; where
        names overlap, the longest one is taken."""
        if self._re is None:
            return []
        end = len(text) if end is None else end
        out = []
        for m in _matches(self._re, self._prefixes, text, start, end):
            org = self.lookup(_SERIAL_COMMA.sub(r"\1", re.sub(r"\s+", " ", m.group())))
            if org is not None:
                out.append(OrgMatch(org, m.group(), m.start(), m.end()))
        return out


_PREFIX = 4


def _prefix(text: str) -> str:
    """The first characters of a name's first word, lower case, either apostrophe one."""
    return text[:_PREFIX].lower().replace("’", "'")


_WORD_START = re.compile(r"(?<![\w\-])\w")


def _matches(
    pattern: re.Pattern[str], prefixes: frozenset[str] | None, text: str, start: int, end: int
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer`` finds in ``text[start:end]``, tried only at the starts of
    words whose first letters begin a name (``prefixes``; None: at every position)."""
    if prefixes is None:
        yield from pattern.finditer(text, start, end)
        return
    after = start  # matches do not overlap
    for word in _WORD_START.finditer(text, start, end):
        pos = word.start()
        if pos < after:
            continue
        if not any(_prefix(text[pos : pos + n]) in prefixes for n in range(_PREFIX, 0, -1)):
            continue
        m = pattern.match(text, pos, end)
        if m is not None:
            after = m.end()
            yield m


@lru_cache(maxsize=4)
def default_table(path: str | None = None) -> OrgTable:
    """The table in ``path`` (default ``data/organisations.toml``), read once per path."""
    return OrgTable.load(path)
