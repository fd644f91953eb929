"""The one clock every time rule reads (14-day expiry, 48-hour reminder, 72-hour advisory).

Production reads the system clock; `--now` / `COSELL_NOW` and tests fix it, so demos and
snapshots are deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant; a naive value is taken as UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class Clock:
    """Returns 'now' in UTC: fixed when `fixed` is set, else the system time."""

    fixed: datetime | None = None
    _source: Callable[[], datetime] = field(default=lambda: datetime.now(UTC), repr=False)

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
