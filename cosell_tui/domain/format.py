"""Human output of money, dates and durations, for the `cosell` command and the TUI alike.

Kept apart from the argument handling so every command prints the same way: money through
babel (the currency's own number of decimals, ISO code after the amount so mixed currencies
never look alike) and dates as ISO-8601, which sort and paste well in scripts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

#: The locale money is written in; `COSELL_LOCALE` lets a team pick theirs (e.g. de_DE).
DEFAULT_LOCALE = "en_US"


def locale() -> str:
    return os.environ.get("COSELL_LOCALE") or DEFAULT_LOCALE


def money(amount: Decimal | None, currency: str | None) -> str:
    """`48,000.00 EUR`; the ISO code rather than a symbol, since `$` is several currencies."""
    if amount is None:
        return ""
    if not currency:
        return f"{amount:,.2f}"
    from babel.numbers import format_currency  # lazily: `cosell --help` stays quick

    try:
        return format_currency(amount, currency, format="#,##0.00 ¤¤", locale=locale())
    except (ValueError, LookupError):
        return f"{amount:,.2f} {currency}"


def day(value: date | datetime | None) -> str:
    """An ISO date; datetimes are shown as their UTC date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


def instant(value: datetime | None) -> str:
    """An ISO-8601 UTC instant to the minute (`2025-05-01 08:00Z`)."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def duration(seconds: float) -> str:
    """`2d 1h`, `5h 10m`, or `expired`: the grid's expiry countdown in words a script can read."""
    if seconds <= 0:
        return "expired"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return "yes" if value else "no"


def fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column `label: value` block, labels aligned; empty values are left out."""
    items = [(label, value) for label, value in pairs if value not in ("", None)]
    if not items:
        return ""
    width = max(len(label) for label, _ in items)
    return "\n".join(f"{(label + ':').ljust(width + 1)} {value}" for label, value in items)


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
