"""Checking a parsed content file against the content format and the codebook."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .content import ContentError, Quote, RawFile, Story
from .labels import QUOTE_TYPES, SPEAKER_ROLES, STANCES

FIRST_DAY = date(2026, 8, 31)
LAST_DAY = date(2026, 11, 15)
LANGUAGES = ("en", "fr")

WORDS_MIN = 250
WORDS_MAX = 500
# First path segments the generator uses for pages that are not sections.
RESERVED_SECTIONS = frozenset(
    {
        "about",
        "about-us",
        "a-propos",
        "assets",
        "author",
        "authors",
        "auteurs",
        "css",
        "feeds",
        "files",
        "fichiers",
        "images",
        "infolettre",
        "media",
        "newsletter",
        "newsletters",
        "page",
        "private",
        "resizer",
        "staff",
        "static",
        "wp-content",
    }
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("title", "published", "authors", "section", "language", "relevant", "summary")
OPTIONAL = ("updated", "stance", "image_caption", "syndicated", "quotes", "private")
QUOTE_KEYS = ("text", "quote_type", "speaker", "speaker_role", "speaker_org", "stance")


def build_story(path: Path, source: str, outlet: str, language: str, raw: RawFile) -> Story:
    """Validate ``raw`` (read from ``path``) and return it as a Story, or raise ContentError."""
    problems: list[str] = []
    front = raw.front
    slug = path.stem
    if not SLUG.match(slug):
        problems.append(f"file name {path.name!r} is not a lowercase-hyphenated slug")
    for key in REQUIRED:
        if key not in front:
            problems.append(f"missing required key {key!r}")
    for key in sorted(set(front) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(f"unknown key {key!r}")
    if problems:
        raise ContentError(path, problems)

    title = _text(front, "title", problems)
    summary = _text(front, "summary", problems)
    section = _text(front, "section", problems)
    if section and not SLUG.match(section):
        problems.append(f"section {section!r} is not a lowercase-hyphenated slug")
    if section in RESERVED_SECTIONS:
        problems.append(f"section {section!r} is reserved for other pages of the site")
    lang = _text(front, "language", problems)
    if lang and lang != language:
        problems.append(f"language {lang!r} does not match the outlet's language {language!r}")
    authors = front["authors"]
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        problems.append("authors must be a list of non-empty strings")
        authors = []
    published = _moment(front, "published", problems)
    updated = _moment(front, "updated", problems) if "updated" in front else None
    if published and updated and updated < published:
        problems.append("updated is earlier than published")
    if published and not FIRST_DAY <= published.date() <= LAST_DAY:
        problems.append(f"published {published.date()} is outside {FIRST_DAY}..{LAST_DAY}")

    relevant = front["relevant"]
    stance = front.get("stance")
    if not isinstance(relevant, bool):
        problems.append("relevant must be true or false")
    elif relevant and stance is None:
        problems.append("stance is required when relevant = true")
    elif not relevant and stance is not None:
        problems.append("stance must be omitted when relevant = false")
    if stance is not None and stance not in STANCES:
        problems.append(f"stance {stance!r} is not a codebook stance {STANCES}")
    private = front.get("private", False)
    if not isinstance(private, bool):
        problems.append("private must be true or false")
    caption = _optional_text(front, "image_caption", problems)
    syndicated = _optional_text(front, "syndicated", problems)
    if syndicated is not None and not SLUG.match(syndicated):
        problems.append(f"syndicated key {syndicated!r} is not a lowercase-hyphenated slug")

    paragraphs = raw.paragraphs
    body = "\n\n".join(paragraphs)
    if not paragraphs:
        problems.append("body is empty")
    if "{{" in body or "<" in body:
        problems.append("body must be plain text (no markup, no '{{' placeholders)")
    quotes = _quotes(front.get("quotes", []), body, problems)

    if problems:
        raise ContentError(path, problems)
    assert published is not None
    return Story(
        outlet=outlet,
        slug=slug,
        source=source,
        title=title,
        published=published,
        updated=updated,
        authors=tuple(a.strip() for a in authors),
        section=section,
        language=lang,
        relevant=relevant,
        stance=stance,
        summary=summary,
        image_caption=caption,
        syndicated=syndicated,
        private=private,
        quotes=quotes,
        paragraphs=paragraphs,
    )


def _text(front: dict[str, Any], key: str, problems: list[str]) -> str:
    value = front[key]
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} must be a non-empty string")
        return ""
    return value.strip()


def _optional_text(front: dict[str, Any], key: str, problems: list[str]) -> str | None:
    return _text(front, key, problems) if key in front else None


def _moment(front: dict[str, Any], key: str, problems: list[str]) -> datetime | None:
    value = front[key]
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            problems.append(f"{key} {value!r} is not an ISO 8601 date-time")
            return None
    if not isinstance(value, datetime):
        problems.append(f"{key} must be an ISO 8601 date-time with a UTC offset")
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(f"{key} {value.isoformat()} has no UTC offset")
        return None
    return value


def _quotes(items: Any, body: str, problems: list[str]) -> tuple[Quote, ...]:
    if not isinstance(items, list):
        problems.append("quotes must be an array of tables ([[quotes]])")
        return ()
    quotes: list[Quote] = []
    cursor = 0
    for number, item in enumerate(items, start=1):
        where = f"quote {number}"
        if not isinstance(item, dict):
            problems.append(f"{where} is not a table")
            continue
        missing = [k for k in QUOTE_KEYS if k not in item]
        extra = sorted(set(item) - set(QUOTE_KEYS))
        if missing:
            problems.append(f"{where} is missing {', '.join(missing)}")
        if extra:
            problems.append(f"{where} has unknown keys {', '.join(extra)}")
        if missing or extra:
            continue
        if not all(isinstance(item[k], str) for k in QUOTE_KEYS):
            problems.append(f"{where}: every value must be a string")
            continue
        quote = Quote(**{k: item[k] for k in QUOTE_KEYS})
        label = f"{where} ({quote.text[:40]!r})"
        if quote.quote_type not in QUOTE_TYPES:
            problems.append(f"{label}: quote_type {quote.quote_type!r} not in {QUOTE_TYPES}")
        if quote.speaker_role not in SPEAKER_ROLES:
            problems.append(f"{label}: speaker_role {quote.speaker_role!r} not in {SPEAKER_ROLES}")
        if quote.stance not in STANCES:
            problems.append(f"{label}: stance {quote.stance!r} not in {STANCES}")
        if not quote.speaker.strip():
            problems.append(f"{label}: speaker is empty")
        if not quote.text or quote.text != quote.text.strip():
            problems.append(f"{label}: text is empty or has surrounding whitespace")
        position = body.find(quote.text, cursor) if quote.text else -1
        if position < 0:
            if quote.text and quote.text in body:
                problems.append(f"{label}: out of order or overlaps the previous quote")
            else:
                problems.append(f"{label}: text is not an exact substring of the body")
        else:
            cursor = position + len(quote.text)
        quotes.append(quote)
    return tuple(quotes)
