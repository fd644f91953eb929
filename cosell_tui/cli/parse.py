"""Turning what a user typed into the domain's values, with messages that say what is accepted.

The service validates everything again; these helpers exist so a typo in an enum or a date
is reported by name ("--reason: 'vendor' is not a close reason; use 1-8 or ...") instead of
reaching the service as garbage. They raise CliError (exit 1), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from cosell_tui.cli.errors import EXIT_NOT_FOUND, CliError
from cosell_tui.domain import Label

if TYPE_CHECKING:
    from cosell_tui.service import Service

E = TypeVar("E", bound=Label)


def norm(text: str) -> str:
    """Lower case, letters and digits only: how names typed by a user are compared."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def parse_label(enum: type[E], text: str, what: str) -> E:
    """An enum member by API value, member name or UI label, ignoring case and punctuation."""
    wanted = norm(text)
    if wanted:
        for member in enum:
            if wanted in (norm(member.value), norm(member.name), norm(member.label)):
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
    if value.isascii() and value.isdigit():  # not '²' or '①', which Python calls digits
        return int(value)
    if re.fullmatch(r"[0-9a-fA-F-]{8,36}", value):
        return value.lower()
    raise CliError(f"{text!r} is not a deal number or referral ID", exit_code=EXIT_NOT_FOUND)


def check_deal_count(deals: int) -> None:
    """`--deals N` of seed and demo."""
    if deals < 0:
        raise CliError("--deals must be 0 or more")


def read_input(file: str) -> bytes:
    """The bytes of FILE, or of standard input for `-` (an import's file)."""
    import sys
    from pathlib import Path

    try:
        return sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror or exc}") from None


def split_list(values: Iterable[str]) -> tuple[str, ...]:
    """`--solutions A B,C` -> (A, B, C), blanks dropped, order and first occurrence kept."""
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            if part.strip():
                seen.setdefault(part.strip(), None)
    return tuple(seen)


def resolve_partner(service: Service, text: str, what: str = "--partner") -> int | str:
    """`microsoft`, a partner's exact name, or a unique part of one -> the invitation target."""
    if text.strip().lower() == "microsoft":
        return "microsoft"
    matches = service.catalog.search_partners(text.strip())
    exact = [org_id for org_id, name in matches if name.lower() == text.strip().lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise CliError(
            f"{what}: no co-sell partner matches {text!r} (see `cosell catalog partners`)"
        )
    names = ", ".join(name for _, name in matches[:8])
    raise CliError(f"{what}: {text!r} matches several partners: {names}")
