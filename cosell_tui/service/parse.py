"""What a user typed, as exact values: the value kinds of the use-case inputs (`inputs.py`) and
the one way pydantic's errors become our `ValidationError`.

A kind is pydantic metadata, `Annotated[Decimal, Amount("Contract value")]`, that owns the check
of one value and says what is wrong in a sentence naming the field by its label. Phone numbers,
emails and currencies are checked with phonenumbers, email-validator and babel (imported on
first use: they cost `import cosell_tui.service` some 40 ms), never with hand-written patterns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from babel import Locale
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationInfo, model_validator
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from cosell_tui.domain import MAX_NAME_LEN, MAX_NOTES_LEN
from cosell_tui.service.errors import ValidationError

M = TypeVar("M", bound="Input")


class _ImportedOnFirstUse:
    """`inputs`, imported when a use case first needs it: building its models costs tens of ms
    that `import cosell_tui.service` should not pay (the import lock makes threads safe)."""

    def __getattr__(self, name: str) -> Any:
        from cosell_tui.service import inputs

        return getattr(inputs, name)


if TYPE_CHECKING:
    from cosell_tui.service import inputs as inputs
else:
    inputs = _ImportedOnFirstUse()

#: Largest amount we accept: far above any deal, far below the 64-bit cents column.
MAX_AMOUNT = Decimal("1000000000000")
CENT = Decimal("0.01")
MAX_ID_LEN = 100
MAX_PERSON_NAME = 100
_YES = {"y", "yes", "true", "1", "on"}
_NO = {"n", "no", "false", "0", "off"}
#: The error type of our sentences; any other error is pydantic's and is reworded.
OURS = "cosell"


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """Every ISO 4217 code babel knows (active and historic ones it still lists)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def territories() -> frozenset[str]:
    """ISO 3166 alpha-2 codes (babel's CLDR territories without the numeric regions)."""
    codes = Locale("en").territories
    return frozenset(code for code in codes if isinstance(code, str) and len(code) == 2)


def problem(message: str) -> PydanticCustomError:
    """A finished sentence as a pydantic error (no placeholders: user text stays as typed)."""
    return PydanticCustomError(OURS, message)


def as_id(value: object) -> int | None:
    """A database id as typed ('12') or given (12); None when it is not one."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= 2**31 else None


# --- value kinds --------------------------------------------------------------------------------


def kind(
    missing: str = "{} is required.",
) -> Callable[[Callable[..., Any]], Callable[..., PlainValidator]]:
    """Make `parse(value, label, context, **options)` a kind, `Name(label, required=True,
    **options)` (named like the type it reads as). Blank (None, or only spaces) is not given:
    the `missing` sentence, naming the label, when required; else None."""

    def declare(parse: Callable[..., Any]) -> Callable[..., PlainValidator]:
        def metadata(label: str, required: bool = True, **options: Any) -> PlainValidator:
            needed = options.pop("missing", missing).format(label)

            def validate(value: Any, info: ValidationInfo) -> Any:
                if value is None or (isinstance(value, str) and not value.strip()):
                    if required:
                        raise problem(needed)
                    return None
                return parse(value, label, info.context or {}, **options)

            return PlainValidator(validate)

        return metadata

    return declare


def trimmed(value: object, label: str, max_len: int = MAX_NAME_LEN) -> str:
    """Text, trimmed; at most `max_len` characters, never a NUL."""
    if not isinstance(value, str):
        raise problem(f"{label} must be text.")
    if "\x00" in value:
        raise problem(f"{label} must not contain a NUL character.")
    if len(value.strip()) > max_len:
        raise problem(f"{label} must be at most {max_len} characters.")
    return value.strip()


@kind()
def Text(value: object, label: str, context: object, max_len: int = MAX_NAME_LEN) -> str:
    return trimmed(value, label, max_len)


#: Free text of up to 5,000 characters: `Notes()`, or `Notes(required=False)`.
Notes = partial(Text, "Notes", max_len=MAX_NOTES_LEN, missing="Notes are required.")


@kind()
def Amount(value: object, label: str, context: object, positive: bool = False) -> Decimal:
    """Money as typed ('25,000.50', '1e6') or given (25000, Decimal): at least zero (above with
    `positive`), at most MAX_AMOUNT, at most two decimals. '55k' is not an amount."""
    try:
        if isinstance(value, str):
            number = Decimal(value.strip().replace(",", "").replace("_", "").replace(" ", ""))
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        else:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise problem(f"{label} '{value}' is not an amount (e.g. 25000.00).") from None
    if not number.is_finite():
        raise problem(f"{label} is not an amount.")
    if number < 0:
        raise problem(f"{label} cannot be negative.")
    if positive and number == 0:
        raise problem(f"{label} must be more than zero.")
    if number > MAX_AMOUNT:
        raise problem(f"{label} is above {MAX_AMOUNT:,}.")
    if number != number.quantize(CENT):
        raise problem(f"{label} has more than two decimals.")
    return number.quantize(CENT)


@kind()
def Currency(value: object, label: str, context: object) -> str:
    """An ISO 4217 code, any case ('usd' -> 'USD')."""
    code = trimmed(value, label, 3).upper()
    if code not in currencies():
        raise problem(f"{label} '{code}' is not an ISO 4217 currency code.")
    return code


@kind()
def Country(value: object, label: str, context: object) -> str:
    """An ISO 3166 alpha-2 code, any case ('gb' -> 'GB')."""
    code = trimmed(value, label, 2)
    if code.upper() not in territories():
        raise problem(f"{label} '{code}' is not an ISO country code (e.g. US, DE, IN).")
    return code.upper()


@kind("{} is required (YYYY-MM-DD).")
def Day(value: object, label: str, context: object) -> date:
    """An ISO date (2026-11-30); a datetime is taken as its date."""
    if isinstance(value, date):
        parsed = value if type(value) is date else date(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise problem(f"{label} '{value}' is not a date (YYYY-MM-DD).") from None
    else:
        raise problem(f"{label} is not a date.")
    if not 1900 <= parsed.year <= 2200:
        raise problem(f"{label} is out of range (years 1900 to 2200).")
    return parsed


@kind()
def Choice(value: object, label: str, context: object, enum: type[Enum] = Enum) -> Enum:
    """A member of `enum` by value, name or label, any case."""
    if isinstance(value, enum):
        return value
    wanted = value.strip().casefold() if isinstance(value, str) else None
    for member in enum:
        names = (str(member.value), member.name, str(getattr(member, "label", member.name)))
        if wanted in {name.casefold() for name in names}:
            return member
    allowed = ", ".join(str(m.value) for m in enum)
    raise problem(f"{label} '{value}' is not one of: {allowed}.")


@kind("{}: answer yes or no.")
def YesNo(value: object, label: str, context: object) -> bool:
    """yes/no, y/n, true/false, 1/0, on/off, or a bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _YES | _NO:
        return value.strip().casefold() in _YES
    raise problem(f"{label}: '{value}' is not yes or no.")


@kind()
def Integer(value: object, label: str, context: object, minimum: int = 0) -> int:
    """A whole number as typed ('3') or given (3), at least `minimum`."""
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value.strip()) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise problem(f"{label} '{value}' is not a whole number.") from None
    if number < minimum:
        raise problem(f"{label} must be at least {minimum}.")
    if abs(number) > 2**31:
        raise problem(f"{label} is out of range.")
    return number


@kind()
def Phone(value: object, label: str, context: Mapping[str, Any], team: bool = False) -> str:
    """A phone number in E.164. A national number is read in the context's `region` (the
    customer's country) for a contact, `team_region` (the deal location's) for a team member;
    in the United States when that is not known."""
    import phonenumbers

    typed = trimmed(value, label, 40)
    region = str(context.get("team_region" if team else "region") or "US").upper()
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise problem(f"{label} '{typed}' is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise problem(f"{label} '{typed}' is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@kind()
def Email(value: object, label: str, context: object) -> str:
    """An email address, syntax only (no DNS look-ups), normalised to lower case."""
    from email_validator import EmailNotValidError, validate_email

    try:
        found = validate_email(trimmed(value, label, 254), check_deliverability=False)
    except EmailNotValidError as exc:
        raise problem(str(exc)) from None
    return found.normalized.lower()


# --- inputs, and their problems ----------------------------------------------------------------


class Input(BaseModel):
    """A use case's input, parsed from a form (a dataclass of what the user typed, `forms.py`:
    only `form`'s class, when set, else any) or a mapping of values."""

    model_config = ConfigDict(frozen=True, defer_build=True, arbitrary_types_allowed=True)

    #: The form's class, and what to say when something else is given.
    form: ClassVar[tuple[type, str] | None] = None

    @model_validator(mode="before")
    @classmethod
    def _read_form(cls, data: Any) -> Any:
        names = [field.alias or name for name, field in cls.model_fields.items()]
        if cls.form is None and isinstance(data, Mapping):
            return cls.answers(dict(data))
        if dataclasses.is_dataclass(data) and isinstance(data, cls.form[0] if cls.form else object):
            return cls.answers({n: getattr(data, n) for n in names if hasattr(data, n)})
        raise problem(cls.form[1] if cls.form else "A form is expected.")

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The values as this input reads them (a hook for rules such as "blank means none")."""
        return values


def check(
    model: type[M], form: object, at: str = "", **context: Any
) -> tuple[M | None, dict[str, str]]:
    """`form` parsed as `model` with the validation `context`; else None and {key: message},
    keys prefixed with `at` (`invitations[0]`)."""
    try:
        return model.model_validate(form, context=context), {}
    except PydanticError as error:
        return None, field_messages(error, at)


def parse(model: type[M], form: object, what: str, **context: Any) -> M:
    """`form` parsed as `model`, or the ValidationError of `what` (`refuse`)."""
    parsed, problems = check(model, form, "", **context)
    refuse(what, problems)
    assert parsed is not None
    return parsed


def field_messages(error: PydanticError, at: str = "") -> dict[str, str]:
    """The one conversion of pydantic's errors: {field key: sentence}, keys as the screens and
    the CLI know them (`team[1].email`), the first problem of a field kept. Pydantic's own
    wording ("Input should be...") never reaches a user."""
    fields: dict[str, str] = {}
    for detail in error.errors(include_url=False, include_context=False, include_input=False):
        key = at
        for part in detail["loc"]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
        ours = detail["type"] == OURS
        fields.setdefault(key or "form", detail["msg"] if ours else "This value is not valid.")
    return fields


#: What an item of a list, or a nested form, is called: `team[1].email` is team member 2's.
ITEM_NAMES = {"team": "team member", "contacts": "contact", "contact": "customer contact",
              "account": "customer", "solutions": "solution",
              "invitations": "invitation"}  # fmt: skip


def where(key: str) -> str:
    """Whose field a nested key is ('Invitation 1, team member 2: '); '' for a top-level
    field, whose message names it already."""
    *owners, last = key.split(".")
    if "[" in last:
        owners.append(last)
    names = []
    for owner in owners:
        name, _, index = owner.rstrip("]").partition("[")
        noun = ITEM_NAMES.get(name, name.replace("_", " "))
        names.append(f"{noun} {int(index) + 1}" if index.isdigit() else noun)
    described = ", ".join(names)
    return f"{described[:1].upper()}{described[1:]}: " if described else ""


def refuse(what: str, problems: Mapping[str, str]) -> None:
    """Raise problems as one ValidationError: the first in words, the others counted."""
    if problems:
        key, message = next(iter(problems.items()))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{what} is not valid: {where(key)}{message}{more}", problems)
