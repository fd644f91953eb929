"""The use cases' inputs, parsed: pydantic models of the forms of `forms.py`, and the value kinds
their fields are made of. A use case reads its form as one of these (`parse.parse`); the
model checks each value, the rules between the answers of the form, and what the use case puts
in the validation context: `session` and `user` for look-ups, `region` and `team_region` for
national phone numbers, facts of the deal (`today`, its solutions...). See docs/service.md.

A kind is pydantic metadata, `Annotated[Decimal, Amount("Contract value")]`, that owns the check
of one value and says what is wrong in a sentence naming the field by its label. Blank text is
"not given". Phone numbers, emails and currencies are checked with phonenumbers, email-validator
and babel, never with hand-written patterns. A look-up field is named for what it finds and
aliased as the form names it (`location`, read from `location_id`), so problems keep the keys.

Importing this module (pydantic, those libraries, some 30 models) costs tens of milliseconds:
the use cases import it on first use (`parse.inputs`), not when the service is imported.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache, partial
from typing import Annotated, Any, ClassVar, TypeVar

import phonenumbers
from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticError
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import select

from cosell_tui.domain import (
    MAX_NAME_LEN,
    MAX_NOTES_LEN,
    MAX_SOLUTIONS,
    MAX_TEAM_MEMBERS,
    REGISTRATION_FIELDS,
    AccountKind,
    CloseReason,
    ContractTerm,
    ErrorReason,
    ExceptionStatus,
    HelpType,
    IncentiveTag,
    MarketplaceIntent,
    OrgKind,
    PartnerRole,
    PricingModel,
    RegistrationStatus,
    SolutionKind,
    TenantType,
)
from cosell_tui.domain.countries import country_codes
from cosell_tui.domain.facts import ALL
from cosell_tui.domain.format import INVISIBLE_CHARACTERS, UNSAFE_CHARACTERS, read_amount
from cosell_tui.service import forms
from cosell_tui.service.errors import NotFoundError
from cosell_tui.service.scope import account_in_scope, location_in_scope
from cosell_tui.store.models import Account, Location, Organization, Solution

# --- value kinds --------------------------------------------------------------------------------

#: The error type of our sentences; any other error is pydantic's and is reworded.
OURS = "cosell"


def territories() -> frozenset[str]:
    """ISO 3166 alpha-2 country codes (domain/countries.py)."""
    return country_codes()


def as_id(value: object) -> int | None:
    """A database id as typed ('12') or given (12); None when it is not one."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)  # type: ignore[call-overload]  # any int()-able value; TypeError is caught
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= 2**31 else None


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


def problem(message: str) -> PydanticCustomError:
    """A finished sentence as a pydantic error (no placeholders: user text stays as typed)."""
    return PydanticCustomError(OURS, message)


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


#: Characters no new text may hold (domain/format.py says why): those that would drive a
#: terminal (UNSAFE_CHARACTERS: C0 controls but tab and line feed, DEL, C1 controls, the bidi
#: embeddings, overrides and isolates), the invisible ones that make text read as other text
#: (INVISIBLE_CHARACTERS: bidi marks, zero-width space...) and lone surrogates (not Unicode; no
#: database stores them). A text of one line (a name, an id) holds no tab nor line break either.
_REFUSED_CHARS = "".join(
    f"\\u{ord(c):04x}" for c in sorted(UNSAFE_CHARACTERS | INVISIBLE_CHARACTERS)
)
_REFUSED_IN_LINES = re.compile(f"[{_REFUSED_CHARS}\\ud800-\\udfff]")
_REFUSED_IN_LINE = re.compile(f"[{_REFUSED_CHARS}\\t\\n\\ud800-\\udfff]")


def refused_character(text: str, label: str, lines: bool = False) -> str | None:
    """What is wrong with the first character `text` may not hold (one of several `lines`
    or not), as a sentence naming the field and where the character is; None when all is well."""
    found = (_REFUSED_IN_LINES if lines else _REFUSED_IN_LINE).search(text)
    if found is None:
        return None
    char, at = found.group(), found.start() + 1
    if char == "\x00":
        return f"{label} must not contain a NUL character (at character {at})."
    if char in "\n\r" and not lines:
        return f"{label} must be one line (a line break at character {at})."
    if char == "\t":
        return f"{label} must not contain a tab (at character {at})."
    if "\ud800" <= char <= "\udfff":
        return f"{label} must be valid Unicode (a lone surrogate at character {at})."
    name = unicodedata.name(char, "").lower()
    return (
        f"{label} must not contain invisible or control characters: U+{ord(char):04X}"
        f"{f' ({name})' if name else ''} at character {at}."
    )


def trimmed(value: object, label: str, max_len: int = MAX_NAME_LEN, lines: bool = False) -> str:
    """Text, trimmed; at most `max_len` characters, without a character text may not hold
    (`refused_character`); with `lines`, it may hold tabs and line breaks (a Windows line end
    is kept as one)."""
    if not isinstance(value, str):
        raise problem(f"{label} must be text.")
    text = value.replace("\r\n", "\n").strip() if lines else value.strip()
    if (wrong := refused_character(text, label, lines)) is not None:
        raise problem(wrong)
    if len(text) > max_len:
        raise problem(f"{label} must be at most {max_len} characters.")
    return text


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


E = TypeVar("E", bound=Enum)


def named_member(value: object, label: str, names: Mapping[str, E], allowed: str) -> E:
    """One of the members `names` has, given as itself or typed as any of its names (case,
    spaces and punctuation do not matter: `names` are folded); else a sentence listing the
    `allowed` names."""
    if isinstance(value, Enum) and value in names.values():
        return value  # type: ignore[return-value]  # one of the members, as given
    typed = trimmed(value, label, 40)
    if (found := names.get(_folded(typed))) is None:
        raise problem(f"{label} '{typed}' is not one of: {allowed}.")
    return found


def named_kind(names: Mapping[str, E], allowed: str) -> Callable[..., PlainValidator]:
    """A kind whose value is one of the members `names` has (`named_member`)."""
    return kind()(lambda value, label, context: named_member(value, label, names, allowed))


@kind()
def Text(
    value: object, label: str, context: object, max_len: int = MAX_NAME_LEN, lines: bool = False
) -> str:
    """Text of one line (a name, an id), or of several `lines` (notes, a message)."""
    return trimmed(value, label, max_len, lines)


#: Free text of up to 5,000 characters: `Notes()`, or `Notes(required=False)`.
Notes = partial(Text, "Notes", max_len=MAX_NOTES_LEN, lines=True, missing="Notes are required.")


@kind()
def Amount(value: object, label: str, context: object, positive: bool = False) -> Decimal:
    """Money as typed ('25,000.50', '1e6', '55k', '1.2m', as the filter line reads them) or
    given (25000, Decimal): at least zero (above with `positive`), at most MAX_AMOUNT, at most
    two decimals."""
    try:
        if isinstance(value, str):
            number = read_amount(value)
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        else:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise problem(f"{label} '{value}' is not an amount (e.g. 25000.00 or 25k).") from None
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
    return country_code(value, label)


def country_code(value: object, label: str) -> str:
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
        number = int(value.strip()) if isinstance(value, str) else int(value)  # type: ignore[call-overload]  # any int()-able value; TypeError is caught
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
    try:
        found = validate_email(trimmed(value, label, 254), check_deliverability=False)
    except EmailNotValidError as exc:
        raise problem(str(exc)) from None
    return found.normalized.lower()


# --- look-ups: the context's `session` and `user` -----------------------------------------------


def _get(context: Any, entity: type[Any], value: object, label: str) -> Any:
    if (number := as_id(value)) is None:
        raise problem(f"{label} '{value}' is not a valid id.")
    return context["session"].get(entity, number)


@kind()
def AccountRef(value: object, label: str, context: Any, from_duns: bool = False) -> Any:
    """A customer account; federal customers only from the Other (DUNS) list (`from_duns`).
    One that does not exist, and another organisation's manually entered one, are "not found"
    alike (exit 4): ids are sequential, and a prospect must not leak by attaching it to a deal."""
    found = _get(context, Account, value, label)
    if found is None or not account_in_scope(context["session"], context["user"], found):
        raise NotFoundError("No such customer account.")
    if from_duns and found.federal and found.kind is not AccountKind.OTHER:
        raise problem("Federal customers are picked from the Other (DUNS) list.")
    return found


@kind()
def LocationRef(value: object, label: str, context: Any, company: bool = False) -> Any:
    """A location in the user's scope (D2); with `company`, any of the user's company."""
    found, user = _get(context, Location, value, label), context["user"]
    if company and (found is None or found.org_id != user.org_id):
        raise problem("Pick a location of your company.")
    if not company and (found is None or not location_in_scope(user, found.id, found.org_id)):
        raise problem("Pick one of the locations in your scope.")
    return found


@kind()
def PartnerRef(value: object, label: str, context: Any, invited: bool = False) -> Any:
    """Another partner company; `invited`: one in the co-sell ecosystem, or "microsoft"."""
    if invited and isinstance(value, str) and value.strip().lower() == forms.MICROSOFT:
        query = select(Organization).where(Organization.kind == OrgKind.MICROSOFT).limit(1)
        if (microsoft := context["session"].scalar(query)) is None:
            raise problem("Microsoft is not set up in this database.")
        return microsoft
    org = _get(context, Organization, value, label)
    if org is None or org.kind is not OrgKind.PARTNER or (invited and not org.co_sell_ecosystem):
        raise problem("The company is not a partner in the co-sell ecosystem." if invited else
                      "The receiving company is not a partner.")  # fmt: skip
    if org.id == context["user"].org_id:
        raise problem("You cannot invite your own company." if invited else
                      "You cannot send a referral to your own company.")  # fmt: skip
    return org


@kind()
def SolutionRef(value: object, label: str, context: Any) -> Any:
    if (found := context["session"].get(Solution, sid := trimmed(value, label, 40))) is None:
        raise problem(f"No solution '{sid}' in the catalog.")
    return found


# --- models -------------------------------------------------------------------------------------


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


#: §4.4 windows of a registration; the review states that need a reason (§2.5).
_S = RegistrationStatus
NEEDS_REASON = frozenset({_S.FAILED, _S.ACTION_REQUIRED, _S.MARKETPLACE_FAILED})

DealName = Annotated[str, Text("Deal name")]
Value = Annotated[Decimal, Amount("Value")]
CurrencyCode = Annotated[str, Currency("Currency")]
CloseDate = Annotated[date, Day("Close date")]
DealNotes = Annotated[str, Notes()]
MoreNotes = Annotated[str | None, Notes(required=False)]
CrmId = Annotated[str | None, Text("CRM ID", False, max_len=MAX_ID_LEN)]
CampaignId = Annotated[str | None, Text("Campaign ID", False, max_len=MAX_ID_LEN)]
Help = Annotated[HelpType, Choice("Help type", enum=HelpType)]


def _problems(*found: tuple[tuple[int | str, ...], str]) -> PydanticError:
    """Problems on items of a list, raised by the list's own check: ((index, field), message)."""
    details = [InitErrorDetails(type=problem(said), loc=loc, input=None) for loc, said in found]
    return PydanticError.from_exception_data("list", details)


def _listed(empty: str | None, most: int, noun: str) -> BeforeValidator:
    """At most `most` items; `empty` says none is not enough (None: none is fine)."""

    def size(items: Any) -> Any:
        if not items and empty is not None:
            raise problem(empty)
        if isinstance(items, tuple | list) and len(items) > most:
            raise problem(f"At most {most} {noun}.")
        return items or ()

    return BeforeValidator(size)


# --- people and solutions -----------------------------------------------------------------------


class Contact(Input):
    """A customer contact: names, an email, a phone if known (read in `region`)."""

    form = (forms.PersonInput, "A person (first name, last name, phone, email) is expected.")
    first_name: Annotated[str, Text("First name", max_len=MAX_PERSON_NAME)]
    last_name: Annotated[str, Text("Last name", max_len=MAX_PERSON_NAME)]
    phone: Annotated[str | None, Phone("Phone", False)]
    email: Annotated[str, Email("Email")]


class Member(Contact):
    """A team member, one of our employees: a phone is required, read in `team_region`."""

    phone: Annotated[str, Phone("Phone", team=True)]


def _distinct_people(members: tuple[Member, ...]) -> tuple[Member, ...]:
    emails = [member.email for member in members]
    if again := [i for i, address in enumerate(emails) if address in emails[:i]]:
        raise _problems(*(((i, "email"), "This person is already on the team.") for i in again))
    return members


_ONE_MEMBER = "Add at least one team member (name, phone and email)."
#: 1..50 members, each once (domain.md §1.3); an invitation's may be none (the deal's, then).
Team = Annotated[
    tuple[Member, ...], _listed(_ONE_MEMBER, MAX_TEAM_MEMBERS, "team members"),
    AfterValidator(_distinct_people),
]  # fmt: skip
InviteeTeam = Annotated[
    tuple[Member, ...], _listed(None, MAX_TEAM_MEMBERS, "team members"),
    AfterValidator(_distinct_people),
]  # fmt: skip


class Line(Input):
    form = (forms.SolutionInput, "A solution line is expected.")
    solution: Annotated[Solution, SolutionRef("Solution")] = Field(alias="solution_id")
    price: Annotated[Decimal | None, Amount("Price", False)]
    quantity: Annotated[int | None, Integer("Quantity", False, minimum=1)]
    currency: Annotated[str | None, Currency("Currency", False)]


def _catalog_lines(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """Each solution once; price and quantity only on a priced one, a price with its currency."""
    found: list[tuple[tuple[int | str, ...], str]] = []
    for i, line in enumerate(lines):
        name = line.solution.name
        if any(earlier.solution.id == line.solution.id for earlier in lines[:i]):
            found.append(((i, "solution_id"), f"'{name}' is listed twice."))
        elif (line.price is not None or line.quantity is not None) and not line.solution.priced:
            found.append(((i, "price"), f"'{name}' has no price or quantity to set."))
        elif line.price is not None and line.currency is None:
            found.append(((i, "currency"), "A priced line needs its currency."))
    if found:
        raise _problems(*found)
    return lines


#: 1..50 solution lines (a referral's may be none).
Lines = Annotated[
    tuple[Line, ...], _listed("Add at least one solution.", MAX_SOLUTIONS, "solutions"),
    AfterValidator(_catalog_lines),
]  # fmt: skip
SomeLines = Annotated[
    tuple[Line, ...], _listed(None, MAX_SOLUTIONS, "solutions"), AfterValidator(_catalog_lines)
]


class TeamIn(Input):
    team: Team


class ContactsIn(Input):
    """The deal's customer contacts, shared only with the customer's `consent`."""

    contacts: Annotated[tuple[Contact, ...], _listed(None, MAX_TEAM_MEMBERS, "customer contacts")]
    consent: Annotated[bool, BeforeValidator(bool)]

    @field_validator("consent")
    def _consented(cls, consent: bool, info: ValidationInfo) -> bool:
        if info.data.get("contacts") and not consent:
            raise problem(CONSENT_NEEDED)
        return consent


class LinesIn(Input):
    solutions: Lines


# --- answering and editing a deal ---------------------------------------------------------------


class Acceptance(Input):
    """What the receiver confirms to accept a referral (T3); contacts read in `region`."""

    form = (forms.AcceptForm, "An accept form is expected.")
    name: DealName
    value: Value
    currency: CurrencyCode
    close_date: CloseDate
    notes: DealNotes
    crm_id: CrmId
    campaign_id: CampaignId
    contacts: Annotated[tuple[Contact, ...], BeforeValidator(lambda people: people or ())]


class DetailsChange(Input):
    """A details edit (T6): only what is given (not None). The marketplace intent changes only
    while the deal's (`intent`) is undecided, to 'Yes' with an `incentivised` solution."""

    form = (forms.DetailsEdit, "A details edit is expected.")
    name: DealName | None = None
    value: Value | None = None
    currency: CurrencyCode | None = None
    close_date: CloseDate | None = None
    notes: DealNotes | None = None
    crm_id: Annotated[str | None, Text("CRM ID", max_len=MAX_ID_LEN)] = None
    campaign_id: Annotated[str | None, Text("Campaign ID", max_len=MAX_ID_LEN)] = None
    partner_role: Annotated[PartnerRole | None, Choice("Partner role", enum=PartnerRole)] = None
    partner_program: Annotated[str | None, Text("Partner programme", max_len=100)] = None
    marketplace_intent: Annotated[
        MarketplaceIntent | None, Choice("Marketplace intent", enum=MarketplaceIntent)
    ] = None

    #: Optional fields an edit may empty: given as "" (or spaces), they are cleared.
    CLEARABLE: ClassVar[tuple[str, ...]] = ("crm_id", "campaign_id", "partner_program")
    #: The optional fields to empty (from the "" given for them).
    clear: tuple[str, ...] = ()

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        given = {name: value for name, value in values.items() if value is not None}
        emptied = tuple(
            name
            for name in cls.CLEARABLE
            if isinstance(given.get(name), str) and not given[name].strip()
        )
        for name in emptied:
            del given[name]
        return {**given, "clear": emptied} if emptied else given

    @field_validator("marketplace_intent")
    def _while_undecided(cls, intent: MarketplaceIntent, info: ValidationInfo) -> Any:
        deal = info.context or {}
        if intent is deal["intent"]:
            return intent
        if deal["intent"] is not MarketplaceIntent.UNDECIDED:
            raise problem("The marketplace intent can only be changed while 'Have not decided'.")
        if intent is MarketplaceIntent.YES and not deal["incentivised"]:
            raise problem("Intent 'Yes' needs a marketplace-incentivised solution on the deal.")
        return intent


class Terms(Input):
    value: Value
    currency: CurrencyCode
    close_date: CloseDate


class Stage(Input):
    pct: Annotated[int, Integer("Stage")]


class Decline(Input):
    reason: Annotated[CloseReason, Choice("Reason", enum=CloseReason)]
    notes: MoreNotes


def _explained(notes: str | None, info: ValidationInfo) -> str | None:
    """Notes are required for the reasons the transitions rules name (context `needs_notes`)."""
    if notes is None and (info.context or {})["needs_notes"](info.data.get("reason")):
        raise problem("Notes are required for this reason: say what happened.")
    return notes


class Lost(Decline):
    _explained = field_validator("notes")(_explained)


class Mistake(Input):
    reason: Annotated[ErrorReason, Choice("Reason", enum=ErrorReason)]
    notes: MoreNotes
    _explained = field_validator("notes")(_explained)


# --- Microsoft and the registration -------------------------------------------------------------


#: A customer contact is shared only with the customer's consent (the wizard's and the help
#: dialog's tick box, `--consent` in the CLI).
CONSENT_NEEDED = "The customer must consent to sharing this contact."


class HelpRequest(Input):
    """Asking Microsoft for help (T12), as in the wizard: the help wanted, optional notes, and
    a customer contact given here only with the customer's `consent`. Whether the deal needs a
    contact is the deal-type rules' question (deal_type.yaml, help-needs-customer-contact)."""

    help_type: Help
    notes: MoreNotes
    contact: Contact | None
    consent: Annotated[bool, BeforeValidator(bool)]

    @field_validator("help_type")
    def _some_help(cls, help_type: HelpType) -> HelpType:
        if help_type is HelpType.NONE:
            raise problem("Say what help you need from Microsoft.")
        return help_type

    @field_validator("consent")
    def _consented(cls, consent: bool, info: ValidationInfo) -> bool:
        if info.data.get("contact") is not None and not consent:
            raise problem(CONSENT_NEEDED)
        return consent


class Answer(Input):
    """A Microsoft seller's answer to a co-sell request: a reason unless they `accept`."""

    reason: Annotated[str | None, Text("Reason", False, max_len=200)]

    @field_validator("reason")
    def _why_not(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if reason is None and not (info.context or {})["accept"]:
            raise problem("Reason is required to decline.")
        return reason


class Review(Input):
    status: Annotated[RegistrationStatus, Choice("Status", enum=RegistrationStatus)]
    reason: Annotated[str | None, Text("Message", False, max_len=5000, lines=True)]

    @field_validator("reason")
    def _why(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if reason is None and (status := info.data.get("status")) in NEEDS_REASON:
            raise problem(f"A message to the team is required for '{status.label}'.")
        return reason


class ExceptionRequest(Input):
    """An exception request on a rejected registration: why, in at most 5,000 characters."""

    message: Annotated[
        str,
        Text(
            "Message", max_len=5000, lines=True, missing="Say why the exception should be granted."
        ),
    ]


class ExceptionReview(Input):
    """Microsoft's decision on an exception request; sending back or rejecting needs a
    message for the team."""

    status: Annotated[ExceptionStatus, Choice("Decision", enum=ExceptionStatus)]
    reason: Annotated[str | None, Text("Message", False, max_len=5000, lines=True)]

    @field_validator("reason")
    def _why(cls, reason: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if reason is None and status in (ExceptionStatus.ACTION_REQUIRED, ExceptionStatus.REJECTED):
            raise problem(f"A message to the team is required for '{status.label}'.")
        return reason


#: The registration form's labels (domain.REGISTRATION_FIELDS), by answer.
_FORM = REGISTRATION_FIELDS


class Registration(Input):
    """The Azure IP co-sell registration form (§4.4), against the context's `today`, the deal's
    `earliest` sign date (its creation or Microsoft invitation), its `azure_ip` solutions and
    the date `windows` of the rule files (relaxed after an approved exception, D19)."""

    form = (forms.RegistrationForm, "A registration form is expected.")
    is_marketplace: Annotated[bool, YesNo(_FORM["is_marketplace"])]
    marketplace_date: Annotated[date | None, Day(_FORM["marketplace_date"], False)]
    deployed_on_azure: Annotated[bool, YesNo(_FORM["deployed_on_azure"])]
    term: Annotated[ContractTerm, Choice(_FORM["term"], enum=ContractTerm)]
    contract_value: Annotated[Decimal, Amount(_FORM["contract_value"], positive=True)]
    contract_currency: Annotated[str, Currency(_FORM["contract_currency"])]
    solution_id: Annotated[str, Text(_FORM["solution_id"], max_len=40)]
    solution_value: Annotated[Decimal, Amount(_FORM["solution_value"], positive=True)]
    solution_currency: Annotated[str, Currency(_FORM["solution_currency"])]
    sign_date: Annotated[date, Day(_FORM["sign_date"])]
    start_date: Annotated[date, Day(_FORM["start_date"])]
    end_date: Annotated[date | None, Day(_FORM["end_date"], False)]
    tenant_type: Annotated[TenantType, Choice(_FORM["tenant_type"], enum=TenantType)]
    pricing_model: Annotated[PricingModel, Choice(_FORM["pricing_model"], enum=PricingModel)]

    @field_validator("marketplace_date")
    def _dated(cls, day: date | None, info: ValidationInfo) -> date | None:
        """Required for a marketplace transaction, dropped for any other."""
        if day is None and info.data.get("is_marketplace"):
            raise problem("Marketplace date is required for a marketplace transaction.")
        return day if info.data.get("is_marketplace") else None

    @field_validator("deployed_on_azure")
    def _on_azure(cls, deployed: bool) -> bool:
        if not deployed:
            raise problem("Only solutions deployed on Azure can be registered; "
                          "close without registration.")  # fmt: skip
        return deployed

    @field_validator("solution_id")
    def _azure_ip(cls, solution_id: str, info: ValidationInfo) -> str:
        if solution_id not in (info.context or {})["azure_ip"]:
            raise problem("Pick an Azure IP co-sell solution of this deal.")
        return solution_id

    @field_validator("sign_date")
    def _signed(cls, sign: date, info: ValidationInfo) -> date:
        today, earliest = (info.context or {})["today"], (info.context or {})["earliest"]
        days = (info.context or {})["windows"].sign_days
        if sign > today:
            raise problem("The contract sign date cannot be in the future.")
        if days is not None and sign < today - timedelta(days=days):
            raise problem(f"Register within {days} days of the contract signature.")
        if sign < earliest:
            raise problem(f"The sign date cannot be before {earliest.isoformat()} "
                          "(the deal's creation or Microsoft invitation).")  # fmt: skip
        return sign

    @field_validator("start_date")
    def _started(cls, start: date, info: ValidationInfo) -> date:
        days = (info.context or {})["windows"].start_days
        if days is not None and start < (info.context or {})["today"] - timedelta(days=days):
            raise problem(f"The contract start date is more than {days} days ago.")
        return start

    @field_validator("end_date")
    def _ends(cls, end: date | None, info: ValidationInfo) -> date | None:
        """Required for a finite term, after the start; dropped for a perpetual one."""
        if info.data.get("term") is not ContractTerm.FINITE:
            return None
        if end is None:
            raise problem("End date is required for a finite term (YYYY-MM-DD).")
        if end < info.data.get("start_date", end):
            raise problem("The end date is before the start date.")
        return end


# --- new deals, referrals and invitations -------------------------------------------------------


class ManualAccount(Input):
    form = (forms.AccountInput, "A customer (name and country) is expected.")
    name: Annotated[str, Text("Company name")]
    country: Annotated[str, Country("Country")]
    address_line1: Annotated[str | None, Text("Address", False, max_len=200)]
    city: Annotated[str | None, Text("City", False, max_len=100)]
    state: Annotated[str | None, Text("State", False, max_len=100)]
    postal_code: Annotated[str | None, Text("Postal code", False, max_len=20)]
    duns: Annotated[str | None, Text("DUNS number", False, max_len=9)]

    @field_validator("duns")
    def _nine_digits(cls, duns: str | None) -> str | None:
        if duns is not None and not (duns.isdigit() and len(duns) == 9):
            raise problem("A DUNS number has 9 digits.")
        return duns


def _one_customer(values: dict[str, Any]) -> dict[str, Any]:
    """A customer is an account id or, without one, a manual entry."""
    if values.get("account_id") not in (None, ""):
        values["account"] = None
    return values


class CustomerAnswers(Input):
    """Wizard step 1: an account of the search (`account_id`) or one entered by hand
    (`account`), and a contact read in `region` (one with every field blank is none)."""

    account: Annotated[Account | None, AccountRef("Customer", False, from_duns=True)] = Field(
        alias="account_id"
    )
    manual: ManualAccount | None = Field(alias="account")
    contact: Contact | None
    consent: Annotated[bool, BeforeValidator(bool)]

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        values["contact"] = values.get("contact") if named(values.get("contact")) else None
        return _one_customer(values)


def named(contact: object) -> bool:
    """Whether a contact is given: anything but None, or a person with every field blank."""
    if isinstance(contact, forms.PersonInput):
        return any((contact.first_name, contact.last_name, contact.phone, contact.email))
    return contact is not None


class DetailsAnswers(Input):
    """Wizard step 2: name, location (in the user's scope), value, close date, notes, ids."""

    name: DealName
    location: Annotated[Location, LocationRef("Location")] = Field(alias="location_id")
    value: Value
    currency: CurrencyCode
    close_date: CloseDate
    notes: DealNotes
    crm_id: CrmId
    campaign_id: CampaignId
    partner_role: Annotated[PartnerRole | None, Choice("Partner role", False, enum=PartnerRole)]
    partner_program: Annotated[str | None, Text("Partner programme", False, max_len=100)]


class IntentAnswer(Input):
    marketplace_intent: Annotated[
        MarketplaceIntent, Choice("Marketplace intent", enum=MarketplaceIntent)
    ]


class AssessmentAnswer(Input):
    location: Annotated[Location, LocationRef("Assessment location", company=True)] = Field(
        alias="assessment_location_id"
    )


class SellingAnswers(Input):
    help_type: Help
    help_notes: MoreNotes


class InvitationAnswers(Input):
    """A P2P invitation or Microsoft's (T13): the invitee's terms, the help wanted, the
    solutions a partner brings, its team (none: the deal's) read in `team_region`."""

    form = (forms.InvitationDraft, "An invitation is expected.")
    org: Annotated[Organization, PartnerRef("Partner", invited=True)] = Field(alias="org_id")
    value: Value
    currency: CurrencyCode
    close_date: CloseDate
    notes: MoreNotes
    help_type: Help
    solutions: tuple[Solution, ...] = Field(alias="solution_ids")
    team: InviteeTeam

    @property
    def microsoft(self) -> bool:
        return self.org.kind is OrgKind.MICROSOFT

    @field_validator("help_type")
    def _help_from_microsoft(cls, help_type: HelpType, info: ValidationInfo) -> HelpType:
        org = info.data.get("org")
        if org is not None and org.kind is OrgKind.MICROSOFT and help_type is HelpType.NONE:
            raise problem("Say what help you need from Microsoft.")
        return help_type

    @field_validator("solutions", mode="plain")
    def _brought(cls, ids: Any, info: ValidationInfo) -> tuple[Solution, ...]:
        org, session = info.data.get("org"), (info.context or {})["session"]
        if org is not None and org.kind is OrgKind.MICROSOFT:
            return ()
        if not ids:
            raise problem("Name at least one solution the partner brings.")
        found = [session.get(Solution, sid) if isinstance(sid, str) else None for sid in ids]
        if None in found:
            raise problem(f"No solution '{ids[found.index(None)]}' in the catalog.")
        if org is not None:
            # The partner brings its own solutions, as the ecosystem catalog lists them.
            theirs = [s.publisher_org_id == org.id for s in found if s is not None]
            if not all(theirs):
                other = next(s for s, own in zip(found, theirs, strict=True) if not own)
                assert other is not None
                raise problem(
                    f"'{other.name}' is not one of {org.name}'s solutions: choose what they "
                    "publish in the co-sell catalog."
                )
        return tuple(dict.fromkeys(one for one in found if one is not None))


class ReferralAnswers(Input):
    """A referral to another partner (T2), to one of its locations if named; the customer's
    contact is read in `region`."""

    form = (forms.ReferralDraft, "A referral is expected.")
    target: Annotated[Organization, PartnerRef("Receiving partner")] = Field(alias="to_org_id")
    location: Location | None = Field(alias="to_location_id")
    account: Annotated[Account | None, AccountRef("Customer", False)] = Field(alias="account_id")
    manual: ManualAccount | None = Field(alias="account")
    name: DealName
    value: Value
    currency: CurrencyCode
    close_date: CloseDate
    notes: DealNotes
    help_type: Help
    contact: Contact | None
    solutions: SomeLines

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        return _one_customer(values)

    @field_validator("location", mode="plain")
    def _theirs(cls, value: Any, info: ValidationInfo) -> Location | None:
        if value in (None, ""):
            return None
        found: Location | None = _get(info.context, Location, value, "Receiving location")
        if found is None or found.org_id != getattr(info.data.get("target"), "id", None):
            raise problem("The location is not one of the receiving company's.")
        return found


# --- set-up and administration (service/setup.py, service/administration.py) -------------------

#: A login as operating systems and PostgreSQL roles spell them: letters, digits, `._-`,
#: starting with a letter, digit or underscore.
_LOGIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
MAX_LOGIN = 80
MAX_PARTNER_ID = 20


@kind()
def Login(value: object, label: str, context: object) -> str:
    """A login: the operating-system user name (or PostgreSQL role) of the person."""
    login = trimmed(value, label, MAX_LOGIN)
    if not set(login) <= _LOGIN_CHARS or login[0] in ".-":
        raise problem(
            f"{label} '{login}' is not a login (letters, digits, '.', '_' and '-', as the "
            "operating system spells it)."
        )
    return login


@kind()
def PartnerId(value: object, label: str, context: object) -> str:
    """A PartnerID (MPN ID): digits, at most 20."""
    typed = trimmed(value, label, MAX_PARTNER_ID)
    if not typed.isascii() or not typed.isdigit():
        raise problem(f"{label} '{typed}' is not a PartnerID (digits only, e.g. 4812345).")
    return typed


class LocationIn(Input):
    """A location of the organisation: its name, PartnerID and ISO country."""

    name: Annotated[str, Text("Location name")]
    partner_id: Annotated[str, PartnerId("PartnerID")]
    country: Annotated[str, Country("Country")]


class LocationChange(Input):
    """What an admin changes of a location; None keeps it."""

    name: Annotated[str | None, Text("Location name", False)] = None
    partner_id: Annotated[str | None, PartnerId("PartnerID", False)] = None
    country: Annotated[str | None, Country("Country", False)] = None


class GrantedRole(Enum):
    """The roles an admin gives (Microsoft sellers belong to Microsoft's organisation)."""

    ADMIN = "admin"
    USER = "user"


#: admin or user, also as Partner Center names them (ReferralsAdmin, Referrals user).
RoleName = named_kind(
    {"admin": GrantedRole.ADMIN, "referralsadmin": GrantedRole.ADMIN,
     "user": GrantedRole.USER, "referralsuser": GrantedRole.USER},
    "admin, user",
)  # fmt: skip


def _partner_ids(value: object) -> object:
    """Locations as a list, or one text ('100, 101', '100 101'); None is none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return words(value)
    return value


PartnerIds = Annotated[
    tuple[Annotated[str, PartnerId("Location")], ...], BeforeValidator(_partner_ids)
]


class UserIn(Input):
    """A user: login, name, email, phone (read in `region`), role and scope (the entire
    company, or PartnerIDs of locations)."""

    login: Annotated[str, Login("Login")]
    name: Annotated[str, Text("Name", max_len=MAX_PERSON_NAME * 2)]
    email: Annotated[str, Email("Email")]
    phone: Annotated[str, Phone("Phone")]
    role: Annotated[GrantedRole, RoleName("Role")] = GrantedRole.USER
    entire_company: Annotated[bool, YesNo("Entire company")] = False
    locations: PartnerIds = ()

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        """An option not given (None) takes its default: a user, no scope yet."""
        return {key: value for key, value in values.items() if value is not None}

    @model_validator(mode="after")
    def _scoped(self) -> "UserIn":
        if self.entire_company and self.locations:
            raise problem("A user's scope is the entire company or some locations, not both.")
        if not self.entire_company and not self.locations:
            raise problem("Give the user's scope: the entire company, or at least one location.")
        return self


class UserChange(Input):
    """What an admin changes of a user; None keeps it (a new scope replaces the old one)."""

    name: Annotated[str | None, Text("Name", False, max_len=MAX_PERSON_NAME * 2)] = None
    email: Annotated[str | None, Email("Email", False)] = None
    phone: Annotated[str | None, Phone("Phone", False)] = None
    role: Annotated[GrantedRole | None, RoleName("Role", False)] = None
    entire_company: Annotated[bool | None, YesNo("Entire company", False)] = None
    locations: PartnerIds | None = None

    @model_validator(mode="after")
    def _scoped(self) -> "UserChange":
        if self.entire_company and self.locations:
            raise problem("A user's scope is the entire company or some locations, not both.")
        return self


def _distinct_partner_ids(locations: tuple[LocationIn, ...]) -> tuple[LocationIn, ...]:
    seen: dict[str, int] = {}
    for i, location in enumerate(locations):
        if location.partner_id in seen:
            raise _problems(((i, "partner_id"), f"PartnerID {location.partner_id} is given twice."))
        seen[location.partner_id] = i
    return locations


class SetupIn(Input):
    """`cosell setup`: the partner organisation, its locations, whether it is vetted for
    solution assessments, and its first Referrals admin (entire company)."""

    org: Annotated[str, Text("Organisation name")]
    locations: Annotated[
        tuple[LocationIn, ...],
        _listed("Give at least one location (name, PartnerID, country).", 200, "locations"),
        AfterValidator(_distinct_partner_ids),
    ]
    assessments: Annotated[bool, YesNo("Vetted for solution assessments")] = False
    admin: UserIn


@kind("{} is required (YYYY-MM).")
def Month(value: object, label: str, context: object) -> date:
    """A month, 2026-12 (a full date is taken as its month): its first day."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = trimmed(value, label, 10)
    try:
        day = date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        raise problem(f"{label} '{text}' is not a month (YYYY-MM).") from None
    if not 1900 <= day.year <= 2200:
        raise problem(f"{label} is out of range (years 1900 to 2200).")
    return day.replace(day=1)


class RateIn(Input):
    """`cosell admin rate set MONTH CURRENCY RATE`: USD per unit of the currency that month."""

    month: Annotated[date, Month("Month")]
    currency: CurrencyCode
    usd_per_unit: Decimal = Field(alias="rate")

    @field_validator("usd_per_unit", mode="plain")
    @classmethod
    def _positive(cls, value: Any) -> Decimal:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise problem(f"Rate '{value}' is not a number (USD per unit, e.g. 1.08).") from None
        if not number.is_finite() or number <= 0:
            raise problem(f"Rate '{value}' must be a positive number (USD per unit).")
        if number > Decimal(1_000_000) or number.as_tuple().exponent < -10:  # type: ignore[operator]  # finite: an int exponent
            raise problem(f"Rate '{value}' is out of range (at most 1,000,000, 10 decimals).")
        return number.normalize() if number == number.to_integral() else number


# --- reference data: solutions, customer accounts, the ecosystem (service/reference.py) ---------
#
# The labels are the columns of the CSV files (docs/admin.md), so a row's problem names its
# column; the CLI's flags read the same models.

MAX_SOLUTION_ID = 40
_SOLUTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SEPARATORS = re.compile(r"[\s,;|]+")


def words(value: object) -> tuple[str, ...]:
    """A list as typed in one cell or flag: separated by spaces, commas, `;` or `|`."""
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(w for w in _SEPARATORS.split(str(value).strip()) if w)


@kind()
def SolutionId(value: object, label: str, context: object) -> str:
    """A catalog ID as Partner Center writes it (SOL-41001-LKH)."""
    return _solution_id(value, label)


def _solution_id(value: object, label: str) -> str:
    typed = trimmed(value, label, MAX_SOLUTION_ID)
    if not _SOLUTION_ID.fullmatch(typed):
        raise problem(
            f"{label} '{typed}' is not a solution ID (letters, digits and '-', e.g. SOL-41001-LKH)."
        )
    return typed


#: The short tags `cosell catalog solutions` prints, read back too.
_TAG_WORDS = {"ipcosell": IncentiveTag.AZURE_IP_CO_SELL}


@kind()
def IncentiveTags(value: object, label: str, context: object) -> tuple[IncentiveTag, ...]:
    """Incentive tags by code (AzureIPCoSell, BizAppsPremium, BizAppsStandard) or short tag
    (ip-co-sell, bizapps-premium), any case, several in one cell."""
    found: list[IncentiveTag] = []
    for word in words(value):
        folded = _folded(word)
        tag = _TAG_WORDS.get(folded) or next(
            (t for t in IncentiveTag if folded in (_folded(t.value), _folded(t.label))), None
        )
        if tag is None:
            known = ", ".join(t.value for t in IncentiveTag)
            raise problem(f"{label}: '{word}' is not an incentive tag (one of {known}).")
        if tag not in found:
            found.append(tag)
    return tuple(found)


class SolutionIn(Input):
    """A catalog entry: an own solution (`cosell admin solution add`) or a row of a catalog
    file. No publisher: your organisation's; `Microsoft`, or another partner's name."""

    id: Annotated[str, SolutionId("Solution ID")]
    name: Annotated[str, Text("Name")]
    publisher: Annotated[str | None, Text("Publisher", False)] = None
    kind: Annotated[SolutionKind | None, Choice("Kind", False, enum=SolutionKind)] = None
    tags: Annotated[tuple[IncentiveTag, ...] | None, IncentiveTags("Incentive tags", False)] = None
    co_sell_ready: Annotated[bool | None, YesNo("Co-sell ready", False)] = None
    marketplace_incentivized: Annotated[bool | None, YesNo("Marketplace incentivized", False)] = (
        None
    )
    priced: Annotated[bool | None, YesNo("Priced", False)] = None


class SolutionChange(Input):
    """What an admin changes of one of their organisation's solutions; None keeps it."""

    name: Annotated[str | None, Text("Name", False)] = None
    tags: Annotated[tuple[IncentiveTag, ...] | None, IncentiveTags("Incentive tags", False)] = None
    co_sell_ready: Annotated[bool | None, YesNo("Co-sell ready", False)] = None
    marketplace_incentivized: Annotated[bool | None, YesNo("Marketplace incentivized", False)] = (
        None
    )
    priced: Annotated[bool | None, YesNo("Priced", False)] = None


#: The account kinds a file may name (a manual entry is made by a deal, never imported).
_ACCOUNT_KINDS = {
    "managed": AccountKind.MANAGED,
    "microsoftmanaged": AccountKind.MANAGED,
    "unmanaged": AccountKind.UNMANAGED,
    "microsoftunmanaged": AccountKind.UNMANAGED,
    "duns": AccountKind.OTHER,
    "other": AccountKind.OTHER,
    "otherduns": AccountKind.OTHER,
}


#: Managed, Unmanaged or DUNS (Partner Center's names accepted too).
AccountKindName = named_kind(_ACCOUNT_KINDS, "Managed, Unmanaged, DUNS")


@kind()
def Duns(value: object, label: str, context: object) -> str:
    """A D-U-N-S number: 9 digits (the leading zeros a spreadsheet drops are put back)."""
    typed = trimmed(value, label, 20)
    digits = typed.replace("-", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        raise problem(f"{label} '{typed}' is not a D-U-N-S number (9 digits).")
    return digits.zfill(9)


class AccountIn(Input):
    """A customer account of a file: Managed or Unmanaged (a Microsoft account ID) or DUNS
    (a D-U-N-S number); managed entries of one customer share a linked group."""

    kind: Annotated[AccountKind, AccountKindName("Account kind")]
    name: Annotated[str, Text("Name")]
    microsoft_account_id: Annotated[
        str | None, Text("Microsoft account ID", False, max_len=MAX_SOLUTION_ID)
    ] = None
    duns: Annotated[str | None, Duns("DUNS", False)] = None
    group_key: Annotated[str | None, Text("Linked group", False, max_len=MAX_SOLUTION_ID)] = None
    federal: Annotated[bool | None, YesNo("Federal", False)] = None
    address_line1: Annotated[str | None, Text("Address line 1", False)] = None
    address_line2: Annotated[str | None, Text("Address line 2", False)] = None
    city: Annotated[str | None, Text("City", False, max_len=100)] = None
    state: Annotated[str | None, Text("State", False, max_len=100)] = None
    postal_code: Annotated[str | None, Text("Postal code", False, max_len=20)] = None
    country: Annotated[str, Country("Country")]
    size: Annotated[str | None, Text("Size", False, max_len=40)] = None

    @model_validator(mode="after")
    def _identified(self) -> "AccountIn":
        if self.kind is AccountKind.OTHER and self.duns is None:
            raise problem("A DUNS account needs its D-U-N-S number (column DUNS).")
        if self.kind is not AccountKind.OTHER and self.microsoft_account_id is None:
            raise problem(
                f"A {self.kind.label} account needs its Microsoft account ID "
                "(column Microsoft account ID)."
            )
        if self.group_key is not None and self.kind is not AccountKind.MANAGED:
            raise problem("Only managed accounts are linked in a group (column Linked group).")
        return self


class AccountFilter(Input):
    """Which accounts a listing shows: one kind, or all (None)."""

    kind: Annotated[AccountKind | None, AccountKindName("Account kind", False)] = None


class EcosystemKind(Enum):
    """What a row of the partners file is."""

    PARTNER = "Partner"
    SELLER = "Microsoft seller"


#: Partner, or Microsoft seller (Seller for short).
EcosystemKindName = named_kind(
    {"partner": EcosystemKind.PARTNER, "microsoftseller": EcosystemKind.SELLER,
     "seller": EcosystemKind.SELLER},
    "Partner, Microsoft seller",
)  # fmt: skip


@kind()
def PartnerLocations(value: object, label: str, context: object) -> tuple[tuple[str, str], ...]:
    """A partner's locations as `PARTNERID:CC` (4200001:CA), several in one cell."""
    found: list[tuple[str, str]] = []
    for word in words(value):
        pid, _, country = word.partition(":")
        if not pid.isascii() or not pid.isdigit() or len(pid) > MAX_PARTNER_ID:
            raise problem(f"{label}: '{word}' is not PARTNERID:COUNTRY (e.g. 4200001:CA).")
        if country.upper() not in territories():
            raise problem(f"{label}: '{word}' has no ISO country code after the ':' (4200001:CA).")
        if pid in (p for p, _ in found):
            raise problem(f"{label}: PartnerID {pid} is given twice.")
        found.append((pid, country.upper()))
    return tuple(found)


@kind()
def SolutionIds(value: object, label: str, context: object) -> tuple[str, ...]:
    """Catalog IDs, several in one cell."""
    return tuple(dict.fromkeys(_solution_id(word, label) for word in words(value)))


class PartnerIn(Input):
    """A row of the partners file: another partner organisation (its PartnerIDs, whether it is
    vetted for solution assessments and can be invited, its solutions, and optionally its
    Referrals admin: full name, login, email, phone) or a Microsoft seller (login, name, email,
    phone)."""

    type: Annotated[EcosystemKind, EcosystemKindName("Type", False)] = EcosystemKind.PARTNER
    name: Annotated[str, Text("Name")]
    partner_ids: Annotated[
        tuple[tuple[str, str], ...] | None, PartnerLocations("PartnerIDs", False)
    ] = None
    vetted: Annotated[bool | None, YesNo("Vetted for assessments", False)] = None
    ecosystem: Annotated[bool | None, YesNo("Co-sell ecosystem", False)] = None
    solutions: Annotated[tuple[str, ...] | None, SolutionIds("Solutions", False)] = None
    login: Annotated[str | None, Login("Login", False)] = None
    email: Annotated[str | None, Email("Email", False)] = None
    phone: Annotated[str | None, Phone("Phone", False)] = None
    admin: Annotated[str | None, Text("Admin", False)] = None

    @classmethod
    def answers(cls, values: dict[str, Any]) -> dict[str, Any]:
        """A blank type is a partner."""
        return {key: value for key, value in values.items() if value is not None}

    @model_validator(mode="after")
    def _complete(self) -> "PartnerIn":
        if self.type is EcosystemKind.PARTNER:
            if not self.partner_ids:
                raise problem("A partner needs at least one PartnerID (column PartnerIDs).")
            if self.admin or self.login or self.email or self.phone:
                missing = [n for n, v in (("Admin", self.admin), ("Login", self.login),
                                          ("Email", self.email)) if not v]  # fmt: skip
                if missing:
                    raise problem(
                        f"A partner's Referrals admin needs {', '.join(missing)} (Admin: their "
                        "full name)."
                    )
        else:
            missing = [n for n, v in (("Login", self.login), ("Email", self.email),
                                      ("Phone", self.phone)) if not v]  # fmt: skip
            if missing:
                raise problem(f"A Microsoft seller needs {', '.join(missing)}.")
            if self.partner_ids or self.solutions or self.admin:
                raise problem(
                    "PartnerIDs, Solutions and Admin are for partners, not Microsoft sellers."
                )
        return self


# --- routing rules (service/routing.py) ----------------------------------------------------------


@kind()
def Market(value: object, label: str, context: object) -> str:
    """`*` (all markets) or an ISO 3166 alpha-2 code, any case."""
    text = trimmed(value, label, 40)
    if text == ALL:
        return ALL
    if len(text) != 2:
        raise problem(f"{label} '{text}' is neither * nor an ISO country code (e.g. US, DE, IN).")
    return country_code(text, label)


@kind()
def SolutionOrAll(value: object, label: str, context: object) -> str:
    """`*` (all solutions) or a solution ID as typed (the catalog is asked by the service)."""
    text = trimmed(value, label, 40)
    if text != ALL and (" " in text or not text.isascii()):
        raise problem(f"{label} '{text}' is neither * nor a solution ID (e.g. SOL-41001-LKH).")
    return text


class RoutingRuleIn(Input):
    """A routing rule: (market, solution) → the PartnerID of one of the organisation's
    locations; `*` for all markets or all solutions (D18)."""

    market: Annotated[str, Market("Market")]
    solution: Annotated[str, SolutionOrAll("Solution")]
    location: Annotated[str, PartnerId("Location")]


class RoutingKeyIn(Input):
    """The (market, solution) pair that names a rule."""

    market: Annotated[str, Market("Market")]
    solution: Annotated[str, SolutionOrAll("Solution")]
