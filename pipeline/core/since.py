"""The crawl horizon (``since``): entries dated before it are not fetched.

Written either as a date or timestamp (``2026-09-01``, ``2026-09-01T12:00:00Z``) or as an age
relative to the start of the crawl (``30d``, ``12h``, ``2w``), which suits crawls that run on
a schedule for months. No imports from the rest of the project, so the configuration loader
can validate the value with :func:`parse_since` too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """The horizon as a naive UTC datetime; ValueError with a readable message otherwise."""
    match = _RELATIVE.match(value)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        try:
            return now - timedelta(**{_UNITS[unit]: amount})
        except (OverflowError, ValueError):
            raise ValueError(
                f"'{value}' reaches back before the year 1: use a smaller age or a date."
            ) from None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{value}' is not a horizon: write a date (2026-09-01), a timestamp "
            "(2026-09-01T12:00:00Z) or an age (30d, 12h, 2w)."
        ) from None
    return to_naive_utc(parsed)


def to_naive_utc(value: datetime) -> datetime:
    """``value`` in UTC without a time zone; naive values are taken to be UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value
