"""ISO 8601 weeks as the reports and trend views write them: ``2025-W25`` (Monday start)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


MIN_YEAR, MAX_YEAR = 1900, 2999  # weeks a news archive can hold, with room either side


class WeekError(ValueError):
    """A week the user wrote that is not an ISO week."""


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """An ISO 8601 week (``2025-W25``)."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """The week ``text`` names (``2025-W25``); raises :class:`WeekError` otherwise."""
        match = _WEEK.match(text)
        if not match:
            raise WeekError(f"'{text}' is not an ISO week: write it like 2025-W25.")
        year, week = int(match.group(1)), int(match.group(2))
        if not MIN_YEAR <= year <= MAX_YEAR:
            # Reports compare with earlier weeks and name the week's last day: the calendar
            # must hold a few weeks either side ("9999-W52" would end past year 9999).
            raise WeekError(f"'{text}': the year must be between {MIN_YEAR} and {MAX_YEAR}.")
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise WeekError(f"{year} has no ISO week {week}.") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The ISO week ``day`` lies in."""
        year, week, _ = day.isocalendar()
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise WeekError(f"{day}: the year must be between {MIN_YEAR} and {MAX_YEAR}.")
        return cls(year, week)

    @property
    def start(self) -> date:
        """The Monday."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The Sunday."""
        return self.start + timedelta(days=6)

    def shift(self, weeks: int) -> IsoWeek:
        """The week ``weeks`` weeks later (earlier when negative)."""
        return IsoWeek.of(self.start + timedelta(weeks=weeks))

    def back(self, count: int) -> list[IsoWeek]:
        """The ``count`` weeks ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def today_in(timezone: str | None) -> date:
    """Today's date in ``timezone`` (IANA name; None: UTC)."""
    if not timezone:
        return datetime.now(UTC).date()
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except ZoneInfoNotFoundError:
        raise WeekError(f"unknown time zone '{timezone}': use an IANA name such as UTC.") from None


def last_week(timezone: str | None = None) -> IsoWeek:
    """The last complete ISO week, as seen from ``timezone``."""
    return IsoWeek.of(today_in(timezone)).shift(-1)
