"""Turning what a user typed into the domain's values, with messages that say what is accepted.

The service validates everything again; these helpers exist so a typo in an enum or a date
is reported by name ("--reason: 'vendor' is not a close reason; use 1-8 or ...") instead of
reaching the service as garbage. They raise CliError (exit 1), never a traceback.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from cosell_tui.cli import CliError
from cosell_tui.domain import Label

E = TypeVar("E", bound=Label)


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def parse_label(enum: type[E], text: str, what: str) -> E:
    """An enum member by API value, member name or UI label, ignoring case and punctuation."""
    wanted = _norm(text)
    if wanted:
        for member in enum:
            if wanted in (_norm(member.value), _norm(member.name), _norm(member.label)):
                return member
    choices = ", ".join(f"{m.value} ({m.label})" if m.label != m.value else m.value for m in enum)
    raise CliError(f"{what}: {text!r} is not one of: {choices}")


def parse_date(text: str, what: str) -> date:
    """A calendar date, `YYYY-MM-DD` (a time part, as the API writes it, is ignored)."""
    value = text.strip()
    if "T" in value:
        value = value.split("T", 1)[0]
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{what}: {text!r} is not a date; write YYYY-MM-DD") from None


def parse_amount(text: str, what: str) -> Decimal:
    """A money amount: digits with an optional decimal point (thousands commas allowed)."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise CliError(f"{what}: {text!r} is not an amount (e.g. 48000 or 48000.50)") from None
    if not value.is_finite():
        raise CliError(f"{what}: {text!r} is not an amount")
    return value


def parse_deal_id(text: str) -> int | str:
    """A deal number (the first column of `deal list`) or a referral GUID."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    if re.fullmatch(r"[0-9a-fA-F-]{8,36}", value):
        return value.lower()
    raise CliError(f"{text!r} is not a deal number or referral ID", exit_code=4)


def split_list(values: list[str]) -> tuple[str, ...]:
    """`--solutions A B,C` -> (A, B, C), blanks dropped, order and first occurrence kept."""
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            if part.strip():
                seen.setdefault(part.strip(), None)
    return tuple(seen)
