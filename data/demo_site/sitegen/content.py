"""Reading article files: TOML front matter between ``+++`` lines, then plain-text paragraphs."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FENCE = "+++"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class ContentError(Exception):
    """A content file that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    quote_type: str
    speaker: str
    speaker_role: str
    speaker_org: str
    stance: str


@dataclass(frozen=True, slots=True)
class Story:
    """One validated article file."""

    outlet: str
    slug: str
    source: str  # path of the content file, relative to the demo_site folder
    title: str
    published: datetime  # aware, in the offset the file gives
    updated: datetime | None
    authors: tuple[str, ...]
    section: str
    language: str
    relevant: bool
    stance: str | None
    summary: str
    image_caption: str | None
    syndicated: str | None
    private: bool
    quotes: tuple[Quote, ...]
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The body as the annotation contract sees it: paragraphs joined by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    @property
    def published_utc(self) -> datetime:
        return self.published.astimezone(UTC).replace(tzinfo=None)

    @property
    def path(self) -> str:
        """URL path of the article page (always ends with ``/``)."""
        if self.private:
            return f"/private/{self.slug}/"
        day = self.published
        return f"/{self.section}/{day:%Y}/{day:%m}/{day:%d}/{self.slug}/"

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Newest first when sorted in reverse."""
        return (self.published_utc, self.slug)


@dataclass(frozen=True, slots=True)
class RawFile:
    """A content file split into its parsed front matter and its body paragraphs."""

    front: dict[str, Any]
    paragraphs: tuple[str, ...]


def split_file(path: Path) -> RawFile:
    """Parse one Markdown file; raise ContentError when its structure is broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(path, [f"not valid UTF-8 ({exc.reason})"]) from exc
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise ContentError(path, ["file must start with a '+++' line (TOML front matter)"])
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise ContentError(path, ["front matter has no closing '+++' line"]) from None
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, [f"front matter is not valid TOML: {exc}"]) from exc
    return RawFile(front=front, paragraphs=split_paragraphs("\n".join(lines[end + 1 :])))


def split_paragraphs(body: str) -> tuple[str, ...]:
    """Paragraphs are separated by blank lines; line breaks inside one become spaces."""
    chunks = _BLANK_LINE.split(body.strip())
    paragraphs = (" ".join(line.strip() for line in chunk.split("\n")) for chunk in chunks)
    return tuple(p for p in paragraphs if p)
