"""The one clock every time rule reads (14-day expiry, 48-hour reminder, 72-hour advisory).

Production reads the system clock; `--now` / `COSELL_NOW` and tests fix it, so demos and
snapshots are deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: The years a clock may be set to: the time rules add days and weeks to "now", which must stay
#: a date (a `--now` late in 9999 overflowed them).
EARLIEST_YEAR, LATEST_YEAR = 1970, 9000


class InstantOutOfRange(ValueError):
    """An ISO-8601 instant outside EARLIEST_YEAR..LATEST_YEAR."""


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant; a naive value is taken as UTC. Raises ValueError
    (InstantOutOfRange for a year outside EARLIEST_YEAR..LATEST_YEAR)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InstantOutOfRange(f"years {EARLIEST_YEAR} to {LATEST_YEAR} only")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def system_now() -> datetime:
    """The system's time: what a clock that is not fixed reads. Tests of a real team's
    database, where `--now` is refused, replace this (the one place) to pin the time."""
    return datetime.now(UTC)


@dataclass
class Clock:
    """Returns 'now' in UTC: fixed when `fixed` is set, else the system time."""

    fixed: datetime | None = None
    _source: Callable[[], datetime] = field(default=lambda: system_now(), repr=False)

    def now(self) -> datetime:
        return self.fixed if self.fixed is not None else self._source()

    def set(self, instant: datetime) -> None:
        """Move a fixed clock (tests and demos)."""
        self.fixed = instant.astimezone(UTC)

    @classmethod
    def from_env(cls, explicit: str | None = None) -> Clock:
        """`--now` wins over `COSELL_NOW`; neither means the system clock."""
        text = explicit or os.environ.get("COSELL_NOW")
        return cls(fixed=parse_instant(text)) if text else cls()
