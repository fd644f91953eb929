"""How cosell writes values for people, in the TUI and the `cosell` command alike.

One module, so a deal reads the same on every screen and in every command: money through babel
(ISO code after the amount, so mixed currencies never look alike; the locale is `COSELL_LOCALE`,
default en_US), dates as ISO-8601 (they sort and paste well), the time left to answer a
referral as `2d 4h` / `5h 12m` / `12m` / `expired`, text clipped with an ellipsis, and text from
the database made safe to show (`printable`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cosell_tui.domain.views import SolutionView

#: The locale money is written in; `COSELL_LOCALE` lets a team pick theirs (e.g. de_DE).
DEFAULT_LOCALE = "en_US"


def locale() -> str:
    return os.environ.get("COSELL_LOCALE") or DEFAULT_LOCALE


_SHORT_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)([km])$", re.IGNORECASE | re.ASCII)
_MULTIPLIER = {"k": Decimal(1000), "m": Decimal(1_000_000)}


def read_amount(text: str) -> Decimal:
    """An amount as people type it, the same in every form and in the filter line:
    `25000`, `25,000.50`, `25_000`, `1e6`, `25k`, `1.5m` (k thousand, m million).
    ValueError when it is none of these (the caller says so in its own words)."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    short = _SHORT_AMOUNT.match(cleaned)
    try:
        if short:
            return Decimal(short.group(1)) * _MULTIPLIER[short.group(2).lower()]
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None


def money(amount: Decimal | None, currency: str | None, *, whole: bool = False) -> str:
    """`48,000.00 EUR` (the currency's own decimals), or `48,000 EUR` with `whole` (the grid);
    the ISO code rather than a symbol, since `$` is several currencies."""
    if amount is None:
        return ""
    if not currency:
        return f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return _money(amount, currency, whole, locale())


@lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str, whole: bool, in_locale: str) -> str:
    # Babel takes ~50 µs a call; a screen repeats few distinct amounts, so cache them.
    from babel.numbers import format_currency  # lazily: `cosell --help` stays quick

    pattern = "#,##0 ¤¤" if whole else "#,##0.00 ¤¤"
    try:
        return format_currency(
            amount, currency, format=pattern, locale=in_locale, currency_digits=not whole
        )
    except (ValueError, LookupError):
        return f"{amount:,.0f} {currency}" if whole else f"{amount:,.2f} {currency}"


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
    """`2d 1h`, `5h 10m`, `12m` or `expired`: the time left, in words a script can read too.
    A part of a minute counts as a minute, so only a window that has ended reads `expired`."""
    if seconds <= 0:
        return "expired"
    minutes = max(int(seconds // 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def countdown(expires_at: datetime | None, now: datetime) -> str:
    """The time left to answer a referral (empty when it has no response window)."""
    if expires_at is None:
        return ""
    return duration((expires_at - now).total_seconds())


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


#: Characters that would drive the terminal rather than be shown: the C0 controls but tab and
#: line break (ESC starts every escape sequence, BEL, backspace and carriage return rewrite what is
#: on screen), DEL, the C1 controls U+0080-U+009F (`\x9b` is a CSI on its own for terminals that
#: read 8-bit controls) and the bidi embeddings, overrides and isolates (U+202A-U+202E,
#: U+2066-U+2069) that make text read in another order than it is stored.
UNSAFE_CHARACTERS = frozenset(
    chr(c)
    for c in (
        *range(0x00, 0x09),
        *range(0x0B, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    )
)
#: Characters that show as nothing yet change how text reads: the bidi marks (LRM U+200E, RLM
#: U+200F, ALM U+061C) that reorder the text around them, and invisible characters that hide
#: inside a word (soft hyphen U+00AD, zero-width space U+200B, word joiner and the invisible
#: operators U+2060-U+2064, the byte-order mark U+FEFF, the Hangul fillers, the deprecated
#: format controls U+206A-U+206F, the interlinear annotation controls U+FFF9-U+FFFB) or break a
#: line where no line break is seen (U+2028, U+2029). They cannot drive a terminal, so
#: `printable` keeps them, but two names that differ only by them look alike: new text may hold
#: none of them, nor an unsafe character (service/inputs.py). The zero-width joiner and
#: non-joiner are allowed: Persian, the Indic scripts and emoji need them.
INVISIBLE_CHARACTERS = frozenset(
    chr(c)
    for c in (
        0x00AD, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029,
        *range(0x2060, 0x2065), *range(0x206A, 0x2070), 0x3164, 0xFEFF, 0xFFA0,
        *range(0xFFF9, 0xFFFC),
    )
)  # fmt: skip
#: What an unsafe character is shown as: U+FFFD, the replacement character.
REPLACEMENT = "\ufffd"
_PRINTABLE = {ord(c): REPLACEMENT for c in UNSAFE_CHARACTERS}


def printable(text: str) -> str:
    """Text from the database (names, notes, messages...) as it may reach a screen: every
    unsafe character (see UNSAFE_CHARACTERS) replaced by `�`; tab and line break kept.
    Every text path of the CLI and the TUI shows stored text through this function."""
    return text.translate(_PRINTABLE)


#: json.dumps escapes the C0 controls itself; with ensure_ascii=False it writes DEL, the C1
#: controls and the bidi controls as they are. They can only occur inside JSON strings, so
#: escaping them in the finished text gives the same value.
_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in UNSAFE_CHARACTERS if ord(c) >= 0x20}


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with every unsafe character escaped (`\\u009b`): the exact
    text is kept, and nothing in it drives the terminal the JSON is printed on."""
    return text.translate(_JSON_ESCAPES)


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters, with an ellipsis when cut (and `printable`)."""
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def solution_tags(s: SolutionView) -> str:
    """The catalog flags that matter for co-sell and registration, as short words."""
    flags = (
        ("co-sell-ready", s.co_sell_ready),
        ("ip-co-sell", s.azure_ip_co_sell),
        ("bizapps-premium", s.biz_apps_premium),
        ("bizapps-standard", s.biz_apps_standard),
        ("marketplace", s.marketplace_incentivized),
        ("priced", s.priced),
    )
    return " ".join(name for name, on in flags if on)
