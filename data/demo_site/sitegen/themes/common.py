"""Helpers shared by the outlet templates: escaping, date formats, small widgets' data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from ..content import Story
from ..site import Listing, Site

EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
COPYRIGHT_YEAR = 2026


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What an article template needs."""

    site: Site
    story: Story
    related: tuple[Story, ...]


@dataclass(frozen=True, slots=True)
class ListingView:
    site: Site
    listing: Listing


@dataclass(frozen=True, slots=True)
class AboutView:
    site: Site


def esc(text: str) -> str:
    """Escape text for HTML element content and double-quoted attributes."""
    return escape(text, quote=True)


def json_ld(data: dict[str, Any]) -> str:
    """A JSON-LD script element; ``</`` is escaped so the script cannot close early."""
    payload = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{payload}\n</script>'


def iso(moment: datetime) -> str:
    return moment.isoformat()


def iso_utc_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def offset(moment: datetime) -> str:
    """UTC offset as "-04:00"."""
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def zone(site: Site, moment: datetime) -> str:
    label = site.outlet.timezones.get(offset(moment))
    return label if label else f"UTC{offset(moment)}"


def clock_12h(moment: datetime, dotted: bool = True) -> str:
    """ "2:30 p.m." (newspaper style) or "2:30 PM"."""
    hour = moment.hour % 12 or 12
    if dotted:
        suffix = "a.m." if moment.hour < 12 else "p.m."
    else:
        suffix = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {suffix}"


def date_long_en(moment: datetime) -> str:
    """ "September 8, 2026"."""
    return f"{EN_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def date_ap(moment: datetime) -> str:
    """ "Sept. 8, 2026" (AP style)."""
    return f"{AP_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def date_fr(moment: datetime) -> str:
    """ "8 septembre 2026" ("1er" on the first of the month)."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {FR_MONTHS[moment.month - 1]} {moment.year}"


def clock_fr(moment: datetime) -> str:
    """ "14 h 30"."""
    return f"{moment.hour} h {moment.minute:02d}"


def weekday_en(moment: datetime) -> str:
    return EN_DAYS[moment.weekday()]


def weekday_fr(moment: datetime) -> str:
    return FR_DAYS[moment.weekday()]


def join_names(names: list[str], conjunction: str) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def stable_number(text: str, low: int, high: int) -> int:
    """A deterministic pseudo-random number in [low, high] derived from ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def paragraphs_html(story: Story, indent: str = "") -> str:
    """The body paragraphs as <p> elements; the text is only HTML-escaped."""
    return "\n".join(f"{indent}<p>{esc(p)}</p>" for p in story.paragraphs)
