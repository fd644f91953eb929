"""Parse what a user typed into exact values, collecting per-field messages.

One `Problems` collects every field's message, so a form shows all its errors at once and the
use case raises a single `ValidationError` before anything is written. Phone numbers, emails
and currencies are checked with the libraries made for them (phonenumbers, email-validator,
babel), never with hand-written patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import TypeVar

import phonenumbers
from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email

from cosell_tui.domain import MAX_NAME_LEN, MAX_NOTES_LEN
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.forms import PersonInput

E = TypeVar("E", bound=Enum)

#: Largest amount we accept: far above any deal, far below the 64-bit cents column.
MAX_AMOUNT = Decimal("1000000000000")
CENT = Decimal("0.01")
MAX_ID_LEN = 100
MAX_PERSON_NAME = 100

_YES = {"y", "yes", "true", "1", "on"}
_NO = {"n", "no", "false", "0", "off"}


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """Every ISO 4217 code babel knows (active and historic ones it still lists)."""
    return frozenset(list_currencies())


@dataclass(frozen=True, slots=True)
class Person:
    """A validated person: names trimmed, phone in E.164, email normalised to lower case."""

    first_name: str
    last_name: str
    phone: str | None
    email: str | None


class Problems:
    """Collects field -> message; `raise_if_any` turns them into one ValidationError."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, what: str = "The input") -> None:
        if self.fields:
            first = next(iter(self.fields.items()))
            more = f" (and {len(self.fields) - 1} more)" if len(self.fields) > 1 else ""
            raise ValidationError(f"{what} is not valid: {first[0]}: {first[1]}{more}", self.fields)

    # --- parsers: each returns the parsed value, or None after recording the problem --------

    def text(
        self,
        field: str,
        value: object,
        *,
        required: bool = True,
        max_len: int = MAX_NAME_LEN,
        label: str | None = None,
    ) -> str | None:
        label = label or field.replace("_", " ").capitalize()
        if value is None:
            if required:
                self.add(field, f"{label} is required.")
            return None
        if not isinstance(value, str):
            self.add(field, f"{label} must be text.")
            return None
        cleaned = value.strip()
        if "\x00" in cleaned:
            self.add(field, f"{label} contains a NUL character.")
            return None
        if not cleaned:
            if required:
                self.add(field, f"{label} is required.")
            return None
        if len(cleaned) > max_len:
            self.add(field, f"{label} is longer than {max_len} characters.")
            return None
        return cleaned

    def notes(self, field: str, value: object, *, required: bool = True) -> str | None:
        return self.text(field, value, required=required, max_len=MAX_NOTES_LEN, label="Notes")

    def amount(
        self, field: str, value: object, *, required: bool = True, positive: bool = False
    ) -> Decimal | None:
        """A money amount: '25,000.50', 25000, Decimal; at most two decimals, never negative."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "An amount is required.")
            return None
        if isinstance(value, bool):
            self.add(field, "Not an amount.")
            return None
        try:
            if isinstance(value, str):
                text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
                amount = Decimal(text)
            elif isinstance(value, int | Decimal):
                amount = Decimal(value)
            elif isinstance(value, float):
                amount = Decimal(str(value))
            else:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.add(field, f"'{value}' is not an amount (e.g. 25000.00).")
            return None
        if not amount.is_finite():
            self.add(field, "Not an amount.")
            return None
        if amount < 0:
            self.add(field, "The amount cannot be negative.")
            return None
        if positive and amount == 0:
            self.add(field, "The amount must be more than zero.")
            return None
        if amount > MAX_AMOUNT:
            self.add(field, f"The amount is above {MAX_AMOUNT:,}.")
            return None
        if amount != amount.quantize(CENT):
            self.add(field, "At most two decimals.")
            return None
        return amount.quantize(CENT)

    def currency(self, field: str, value: object, *, required: bool = True) -> str | None:
        """An ISO 4217 code, any case ('usd' -> 'USD')."""
        code = self.text(field, value, required=required, max_len=3, label="Currency")
        if code is None:
            return None
        code = code.upper()
        if code not in currencies():
            self.add(field, f"'{code}' is not an ISO 4217 currency code.")
            return None
        return code

    def day(self, field: str, value: object, *, required: bool = True) -> date | None:
        """An ISO date (2026-11-30); a datetime is taken as its date."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "A date is required (YYYY-MM-DD).")
            return None
        if isinstance(value, date):
            parsed = value if type(value) is date else date(value.year, value.month, value.day)
        elif isinstance(value, str):
            try:
                parsed = date.fromisoformat(value.strip()[:10])
            except ValueError:
                self.add(field, f"'{value}' is not a date (YYYY-MM-DD).")
                return None
        else:
            self.add(field, "Not a date.")
            return None
        if not 1900 <= parsed.year <= 2200:
            self.add(field, "The year is out of range.")
            return None
        return parsed

    def choice(
        self, field: str, value: object, enum: type[E], *, required: bool = True
    ) -> E | None:
        """An enum member by value or label, any case."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "A choice is required.")
            return None
        if isinstance(value, enum):
            return value
        if isinstance(value, str):
            wanted = value.strip().casefold()
            for member in enum:
                names = {str(member.value).casefold(), member.name.casefold()}
                label = getattr(member, "label", None)
                if isinstance(label, str):
                    names.add(label.casefold())
                if wanted in names:
                    return member
        allowed = ", ".join(str(m.value) for m in enum)
        self.add(field, f"'{value}' is not one of: {allowed}.")
        return None

    def yes_no(self, field: str, value: object, *, required: bool = True) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _YES | _NO:
            return value.strip().casefold() in _YES
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "Answer yes or no.")
            return None
        self.add(field, f"'{value}' is not yes or no.")
        return None

    def integer(
        self, field: str, value: object, *, required: bool = True, minimum: int | None = None
    ) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "A number is required.")
            return None
        if isinstance(value, bool):
            self.add(field, "Not a whole number.")
            return None
        try:
            number = int(value.strip()) if isinstance(value, str) else int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            self.add(field, f"'{value}' is not a whole number.")
            return None
        if isinstance(value, float) and value != number:
            self.add(field, f"'{value}' is not a whole number.")
            return None
        if minimum is not None and number < minimum:
            self.add(field, f"Must be at least {minimum}.")
            return None
        if abs(number) > 2**31:
            self.add(field, "The number is out of range.")
            return None
        return number

    def phone(
        self, field: str, value: object, region: str | None, *, required: bool = True
    ) -> str | None:
        """A phone number in E.164; a national number is read in `region` (the deal's country)."""
        text = self.text(field, value, required=required, max_len=40, label="Phone")
        if text is None:
            return None
        try:
            number = phonenumbers.parse(text, (region or "US").upper())
        except phonenumbers.NumberParseException:
            self.add(field, f"'{text}' is not a phone number.")
            return None
        if not phonenumbers.is_valid_number(number):
            self.add(field, f"'{text}' is not a valid phone number.")
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def email(self, field: str, value: object, *, required: bool = True) -> str | None:
        """An email address, syntax only (no DNS lookups), normalised to lower case."""
        text = self.text(field, value, required=required, max_len=254, label="Email")
        if text is None:
            return None
        try:
            result = validate_email(text, check_deliverability=False)
        except EmailNotValidError as exc:
            self.add(field, str(exc))
            return None
        return result.normalized.lower()

    def person(
        self,
        field: str,
        value: object,
        region: str | None,
        *,
        phone_required: bool,
        email_required: bool,
    ) -> Person | None:
        """A team member or contact; problems are reported as `field.first_name` etc."""
        if not isinstance(value, PersonInput):
            self.add(field, "A person (first name, last name, phone, email) is expected.")
            return None
        before = len(self.fields)
        first = self.text(
            f"{field}.first_name", value.first_name, max_len=MAX_PERSON_NAME, label="First name"
        )
        last = self.text(
            f"{field}.last_name", value.last_name, max_len=MAX_PERSON_NAME, label="Last name"
        )
        phone = self.phone(f"{field}.phone", value.phone, region, required=phone_required)
        email = self.email(f"{field}.email", value.email, required=email_required)
        if len(self.fields) != before or first is None or last is None:
            return None
        return Person(first, last, phone, email)


def reference_id(problems: Problems, field: str, value: object) -> int | None:
    """A database id as typed ('12') or given (12)."""
    return problems.integer(field, value, minimum=1)
