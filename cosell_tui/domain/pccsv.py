"""Partner Center's co-sell CSV (docs/csv.md has the columns and the column map): pure
reading and writing, no database.

`read` takes a file as a spreadsheet leaves it (UTF-8 with or without a byte-order mark, CRLF,
`,` `;` or tab as the separator, quoted commas and newlines, stray spaces, trailing empty
columns and rows) and gives a `Sheet`: the header as written, and per row its cells by column.
`parse_row` turns one row's cells into a typed `PcRow` (each column through its reader in
`_COLUMNS`), or a list of problems in plain words, each naming its column. `cells` is the way
back: a `PcRow` as the cells Partner Center writes (codes, `MM/DD/YYYY`, Yes/No), and `write`
puts rows in Partner Center's layout.

Columns the codec does not know (IoT fields, Microsoft's read-only answers, anything a user
added) are kept in `PcRow.extra` and in the `Sheet`, so a result file carries them through.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from cosell_tui.domain import (
    MAX_SOLUTIONS,
    MAX_TEAM_MEMBERS,
    CloseReason,
    ErrorReason,
    HelpType,
    MarketplaceIntent,
    Status,
    Substatus,
)

# --- the columns ----------------------------------------------------------------------------

ERRORS = "Errors"
ENGAGEMENT_ID = "Engagement ID"
REFERRAL_ID = "Referral ID"
DEAL_NAME = "Deal Name"
CUSTOMER_NAME = "Customer Name"
ADDRESS_1 = "Customer Address Line 1"
ADDRESS_2 = "Customer Address Line 2"
CITY = "Customer City"
STATE = "Customer State"
POSTAL_CODE = "Customer Postal code"
COUNTRY = "Customer Country"
DUNS = "Customer D-U-N-S ID"
CONTACT_FIRST = "Customer Contact First Name"
CONTACT_LAST = "Customer Contact Last Name"
CONTACT_PHONE = "Customer Contact Phone number"
CONTACT_EMAIL = "Customer Contact Email Address"
STATUS = "Partner Referral Status"
SUBSTATUS = "Partner Referral Substatus"
MICROSOFT_STATUS = "Microsoft Referral Status"
REASON = "Declined/Lost/Error reason"
SALES_STAGE = "Sales Stage"
VALUE = "Estimated Deal Value"
CURRENCY = "Currency"
CLOSE_DATE = "Estimated Close Date"
CRM_ID = "CRM ID"
CAMPAIGN_ID = "Marketing Campaign ID"
NOTES = "Notes"
HELP_REQUIRED = "Microsoft help required?"
HELP_WHAT = "What specific help from Microsoft?"
SHARE = "Share with Microsoft sales team"
NOTES_TO_MICROSOFT = "Notes to Microsoft"
CONSENT = "Consent to share Customer/Partner contact"
CLA_NUMBER = "CLA Number"
DEVICE_CATEGORY = "Device Category"
SILICON_TYPE = "Silicon Type"
AZURE_CERTIFIED = "Azure Certified Device"
ATTACH_SERVICES = "Attach Services"
MSX_ID = "Microsoft MSX ID"
PSC_ID = "Migrated PSC Deal ID"
PARTNER_ID = "PartnerID (formerly MPN ID)"
MARKETPLACE_INTENT = "Marketplace Purchase Intent"
DOMAIN_NAME = "Customer Domain Name"
FINAL_MATCH = "Final Matched Customer Account"
MATCHED_CATEGORY = "Matched category"
CONFIDENCE = "Confidence"
MATCH_SUGGESTIONS = (
    "Managed Account 1",
    "Managed Account 2",
    "Unmanaged Account 1",
    "Unmanaged Account 2",
    "DUNS Account 1",
    "DUNS Account 2",
)
SOLUTION = "Solution"
TEAM_MEMBER = "Team member"
MICROSOFT_TEAM_MEMBER = "Microsoft team member"

#: The fixed columns, in Partner Center's order (Solution N / Team member N follow).
COLUMNS: tuple[str, ...] = (
    ERRORS, ENGAGEMENT_ID, REFERRAL_ID, DEAL_NAME, CUSTOMER_NAME, ADDRESS_1, ADDRESS_2, CITY,
    STATE, POSTAL_CODE, COUNTRY, DUNS, CONTACT_FIRST, CONTACT_LAST, CONTACT_PHONE, CONTACT_EMAIL,
    STATUS, SUBSTATUS, MICROSOFT_STATUS, REASON, SALES_STAGE, VALUE, CURRENCY, CLOSE_DATE, CRM_ID,
    CAMPAIGN_ID, NOTES, HELP_REQUIRED, HELP_WHAT, SHARE, NOTES_TO_MICROSOFT, CONSENT, CLA_NUMBER,
    DEVICE_CATEGORY, SILICON_TYPE, AZURE_CERTIFIED, ATTACH_SERVICES, MSX_ID, PSC_ID, PARTNER_ID,
    MARKETPLACE_INTENT, DOMAIN_NAME, FINAL_MATCH, MATCHED_CATEGORY, CONFIDENCE, *MATCH_SUGGESTIONS,
)  # fmt: skip

#: Columns that must be filled to create a deal (docs/csv.md, R).
REQUIRED_TO_CREATE: tuple[str, ...] = (
    DEAL_NAME, CUSTOMER_NAME, ADDRESS_1, CITY, COUNTRY, STATUS, SUBSTATUS, VALUE, CURRENCY,
    CLOSE_DATE, HELP_REQUIRED, SHARE, CONSENT, MARKETPLACE_INTENT,
)  # fmt: skip

#: "What specific help from Microsoft?" codes.
HELP_CODES: dict[str, HelpType] = {
    "1": HelpType.WORKLOAD_VALUE_PROPOSITION,
    "2": HelpType.TECHNICAL_ARCHITECTURE,
    "3": HelpType.PROOF_OF_CONCEPT,
    "4": HelpType.QUOTES_LICENSING,
    "5": HelpType.POST_SALES,
    "6": HelpType.GENERAL,
}
_HELP_CODE_OF = {help_type: code for code, help_type in HELP_CODES.items()}
MARKETPLACE_WORDS: dict[str, MarketplaceIntent] = {
    "yes": MarketplaceIntent.YES,
    "no": MarketplaceIntent.NO,
    "have not decided": MarketplaceIntent.UNDECIDED,
    "havenotdecided": MarketplaceIntent.UNDECIDED,
}


def header_key(header: str) -> str:
    """How a header is recognised: case, spacing and a trailing '?' do not matter."""
    return " ".join(header.replace("\ufeff", "").split()).rstrip("?").strip().casefold()


_ALIASES = {
    "partnerid": PARTNER_ID,
    "mpn id": PARTNER_ID,
    "customer postal code": POSTAL_CODE,
    "customer duns id": DUNS,
    "final account match": FINAL_MATCH,
}
_KNOWN: dict[str, str] = {header_key(name): name for name in COLUMNS} | {
    header_key(k): v for k, v in _ALIASES.items()
}
_NUMBERED = re.compile(r"^(microsoft team member|team member|solution)\s*(\d+)$")


class SheetError(ValueError):
    """A file that cannot be read as a co-sell CSV at all (not one row's problem)."""


def canonical(header: str) -> str:
    """The column's name as Partner Center writes it, or the header as given (stripped) for a
    column the codec does not know."""
    key = header_key(header)
    if key in _KNOWN:
        return _KNOWN[key]
    m = _NUMBERED.match(key)
    if m:
        prefix = {
            "solution": SOLUTION,
            "team member": TEAM_MEMBER,
            "microsoft team member": MICROSOFT_TEAM_MEMBER,
        }[m.group(1)]
        return f"{prefix} {int(m.group(2))}"
    return " ".join(header.replace("\ufeff", "").split())


def numbered(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix} {n}" for n in range(1, count + 1))


def header(solutions: int = 1, team: int = 1) -> tuple[str, ...]:
    """Partner Center's header with this many Solution N and Team member N columns (≥ 1)."""
    return (
        *COLUMNS,
        *numbered(SOLUTION, max(1, min(solutions, MAX_SOLUTIONS))),
        *numbered(TEAM_MEMBER, max(1, min(team, MAX_TEAM_MEMBERS))),
    )


# --- reading a file ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its line in the file (1 = the header) and its cells by column."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A file's header (canonical names, in the file's order) and its non-empty rows."""

    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    delimiter: str = ","


def with_cells(sheet: Sheet, changes: Mapping[int, Mapping[str, str]]) -> Sheet:
    """`sheet` with the cells of `changes` (line → column → value) set, a column the file
    lacked added at the end: e.g. the account a user confirmed in Final Matched Customer
    Account, which the next read of the sheet then uses."""
    added = [c for cells in changes.values() for c in cells if c not in sheet.columns]
    rows = tuple(
        SheetRow(row.line, {**row.cells, **changes[row.line]}) if row.line in changes else row
        for row in sheet.rows
    )
    return Sheet((*sheet.columns, *dict.fromkeys(added)), rows, sheet.delimiter)


_ACCOUNT_CELL = re.compile(
    r"^(?P<id>[^,]*), AccountName: (?P<name>[^,]*), AccountAddress: (?P<at>.*)$"
)


def account_cell(text: str) -> tuple[str, str, str]:
    """(`MicrosoftID: …` or `DUNSID: …`, the name, the address) of an account as matching
    writes it (`MicrosoftID: …, AccountName: …, AccountAddress: …`); other text is its own id."""
    found = _ACCOUNT_CELL.match(text.strip())
    if found is None:
        return text.strip(), "", ""
    return found["id"].strip(), found["name"].strip(), found["at"].strip()


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else Windows-1252 as older Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or a tab: whichever the header line (outside quotes) has most of."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(
    source: bytes | str,
    name_of: Callable[[str], str] = lambda header: " ".join(header.replace("\ufeff", "").split()),
    max_rows: int | None = None,
) -> Sheet:
    """Any CSV as a spreadsheet leaves it (see the module) as a `Sheet`: the header's names as
    `name_of` gives them, and the non-empty rows. The co-sell file (`read`) and the
    administration's files (docs/admin.md) are read by it. Raises SheetError for a file without
    a usable header, a column named twice, a row with more cells than the header, or more than
    `max_rows` rows."""
    text = decode(source) if isinstance(source, bytes) else source.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw_header = next(reader, None)
    if raw_header is None or not any(h.strip() for h in raw_header):
        raise SheetError("The file is empty: the first line must be the column names.")
    while raw_header and not raw_header[-1].strip():
        raw_header.pop()  # trailing empty columns
    columns: list[str] = []
    for i, name in enumerate(raw_header):
        if not name.strip():
            raise SheetError(f"Column {i + 1} has no name in the first line.")
        column = name_of(name)
        if column in columns:
            raise SheetError(f"The column '{column}' appears twice.")
        columns.append(column)
    rows: list[SheetRow] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # empty rows, also the trailing ones a spreadsheet adds
        extra = values[len(columns) :]
        if any(v.strip() for v in extra):
            raise SheetError(
                f"Line {line} has more cells than the header has columns; a value with the"
                f" separator '{_shown(delimiter)}' in it must be in double quotes."
            )
        cells = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
        rows.append(SheetRow(line, cells))
        if max_rows is not None and len(rows) > max_rows:
            raise SheetError(
                f"The file has more than {max_rows:,} rows; split it, or raise the limit."
            )
    return Sheet(tuple(columns), tuple(rows), delimiter)


def read(source: bytes | str, max_rows: int | None = None) -> Sheet:
    """The co-sell file as a `Sheet` (`read_table`, columns by Partner Center's names). Also a
    SheetError: more than 50 Solution or Team member columns, or neither a Deal Name nor a
    Referral ID column."""
    sheet = read_table(source, canonical, max_rows)
    columns = sheet.columns
    for prefix, most in ((SOLUTION, MAX_SOLUTIONS), (TEAM_MEMBER, MAX_TEAM_MEMBERS)):
        over = [
            c
            for c in columns
            if c.startswith(prefix + " ") and (n := c.split()[-1]).isdecimal() and int(n) > most
        ]
        if over:
            raise SheetError(f"'{over[0]}': a deal has at most {most} {prefix.lower()} columns.")
    if DEAL_NAME not in columns and REFERRAL_ID not in columns:
        raise SheetError(
            f"This is not a co-sell file: it has neither a '{DEAL_NAME}' nor a"
            f" '{REFERRAL_ID}' column."
        )
    return sheet


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


# --- one row's values -------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?E[+-]?\d+$", re.IGNORECASE)
_DATE_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


class CellError(ValueError):
    """One cell that cannot be read; the message is a sentence without the column's name."""


def _mangled(text: str) -> None:
    if _SCIENTIFIC.match(text):
        raise CellError(
            f"'{text}' is a number a spreadsheet shortened to scientific notation; format the"
            " column as text and paste the original value again"
        )


def _opt(text: object) -> str | None:
    if text is None:
        return None
    value = str(text).strip()
    return value or None


def _identifier(value: object) -> str | None:
    text = _opt(value)
    if text is not None:
        _mangled(text)
    return text


def _guid(value: object) -> str | None:
    text = _identifier(value)
    if text is None:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise CellError(f"'{text}' is not an ID of the form 8-4-4-4-12 hex digits") from None


def _duns(value: object) -> str | None:
    text = _identifier(value)
    if text is None:
        return None
    digits = text.replace("-", "").replace(" ", "")
    if not digits.isdigit() or len(digits) > 9:
        raise CellError(f"'{text}' is not a D-U-N-S number (9 digits)")
    return digits.zfill(9)  # a spreadsheet drops the leading zeros


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _amount(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    text = _opt(value)
    if text is None:
        return None
    _mangled(text)
    plain = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", plain):
        plain = plain.replace(",", "")
    try:
        amount = Decimal(plain)
    except InvalidOperation:
        raise CellError(f"'{text}' is not a number (write it like 25000 or 25000.50)") from None
    if not amount.is_finite() or amount < 0:
        raise CellError(f"'{text}' is not an amount of money")
    return amount


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    text = _opt(value)
    if text is None:
        return None
    m = _DATE_US.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        m = _DATE_ISO.match(text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError(f"'{text}' is not a real date") from None
    raise CellError(f"'{text}' is not a date in the form MM/DD/YYYY")


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _opt(value)
    if text is None:
        return None
    if text.casefold() not in _YES:
        raise CellError(f"'{text}' must be Yes or No")
    return _YES[text.casefold()]


def _enum_word(enum: Any, noun: str) -> Any:
    def read_word(value: object) -> Any:
        if isinstance(value, enum):
            return value
        text = _opt(value)
        if text is None:
            return None
        folded = text.casefold()
        for member in enum:  # values first, then labels
            if folded == member.value.casefold():
                return member
        for member in enum:
            if folded == member.label.casefold():
                return member
        words = ", ".join(dict.fromkeys(m.value for m in enum))
        raise CellError(f"'{text}' is not a {noun}; use one of {words}")

    return read_word


def _reason(value: object) -> str | None:
    text = _identifier(value)
    if text is None:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 9:
        raise CellError(f"'{text}' is not a reason code (a number from 1 to 9)")
    return str(int(text))


def _stage(value: object) -> int | None:
    if isinstance(value, int):
        return value
    text = _opt(value)
    if text is None:
        return None
    digits = text.rstrip("%").strip()
    if not digits.isdigit() or not 0 <= int(digits) <= 100:
        raise CellError(f"'{text}' is not a sales stage percentage (10, 20, 40, 60, 80, 100)")
    return int(digits)


def _help(value: object) -> HelpType | None:
    if isinstance(value, HelpType):
        return value
    text = _opt(value)
    if text is None:
        return None
    if text in HELP_CODES:
        return HELP_CODES[text]
    for member in HelpType:
        if text.casefold() in (member.value.casefold(), member.label.casefold()):
            return member
    raise CellError(f"'{text}' is not a help code (a number from 1 to 6)")


def _intent(value: object) -> MarketplaceIntent | None:
    if isinstance(value, MarketplaceIntent):
        return value
    text = _opt(value)
    if text is None:
        return None
    found = MARKETPLACE_WORDS.get(" ".join(text.casefold().split()))
    if found is None:
        raise CellError(f"'{text}' must be Yes, No or Have not decided")
    return found


def _code(text: str, length: int, noun: str) -> str:
    if len(text) != length or not text.isalpha():
        raise CellError(f"'{text}' is not a {noun}")
    return text.upper()


def _country(value: object) -> str | None:
    text = _opt(value)
    return None if text is None else _code(text, 2, "two-letter country code (ISO 3166)")


def _currency(value: object) -> str | None:
    text = _opt(value)
    return None if text is None else _code(text, 3, "three-letter currency code (ISO 4217)")


@dataclass(frozen=True, slots=True)
class SolutionCell:
    """`SOL-ID, currency, price, quantity` (only the ID required)."""

    solution_id: str
    currency: str | None = None
    price: Decimal | None = None
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class PersonCell:
    """`first name, last name, mobile number, email`."""

    first_name: str
    last_name: str
    phone: str | None = None
    email: str | None = None


def _parts(text: str, most: int, form: str) -> list[str]:
    parts = [p.strip() for p in next(csv.reader([text], skipinitialspace=True))]
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) > most:
        raise CellError(f"'{text}' has more than {most} parts; write {form}")
    return parts + [""] * (most - len(parts))


def solution_cell(text: str) -> SolutionCell:
    form = "ID, currency, price, quantity"
    sol, currency, price, quantity = _parts(text, 4, form)
    if not sol:
        raise CellError(f"'{text}' has no solution ID; write {form}")
    _mangled(sol)
    if quantity and not quantity.isdigit():
        raise CellError(f"the quantity '{quantity}' is not a whole number")
    return SolutionCell(
        sol, _currency(currency), _amount(price), int(quantity) if quantity else None
    )


def person_cell(text: str) -> PersonCell:
    form = "first name, last name, phone, email"
    first, last, phone, email = _parts(text, 4, form)
    if not first and not last:
        raise CellError(f"'{text}' has no name; write {form}")
    if phone:
        _mangled(phone)
    return PersonCell(first, last, phone or None, email or None)


@dataclass(slots=True)
class PcRow:
    """One co-sell row, typed: what `parse_row` reads from a file's cells (each column through
    its reader in `_COLUMNS`) and what an export writes (`Deal`, built from the database). Every
    field is optional here: what a row must have depends on whether it creates or updates a
    deal (`missing_to_create`), which the service decides."""

    engagement_id: str | None = None
    referral_id: str | None = None
    name: str = ""
    customer_name: str = ""
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    duns: str | None = None
    contact_first_name: str | None = None
    contact_last_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    status: Status | None = None
    substatus: Substatus | None = None
    microsoft_status: str | None = None
    reason: str | None = None
    stage_pct: int | None = None
    value: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    crm_id: str | None = None
    campaign_id: str | None = None
    notes: str = ""
    help_required: bool | None = None
    help_type: HelpType | None = None
    share: bool | None = None
    notes_to_microsoft: str | None = None
    consent: bool | None = None
    msx_id: str | None = None
    psc_id: str | None = None
    partner_id: str | None = None
    marketplace_intent: MarketplaceIntent | None = None
    domain: str | None = None
    final_match: str | None = None
    solutions: tuple[SolutionCell, ...] = ()
    team: tuple[PersonCell, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def contact(self) -> PersonCell | None:
        if not (self.contact_first_name or self.contact_last_name or self.contact_email):
            return None
        return PersonCell(
            self.contact_first_name or "",
            self.contact_last_name or "",
            self.contact_phone,
            self.contact_email,
        )

    @property
    def close_reason(self) -> CloseReason | ErrorReason | None:
        """The reason column as the code of the substatus it goes with."""
        if self.reason is None:
            return None
        enum = ErrorReason if self.substatus is Substatus.ERROR else CloseReason
        try:
            return enum(self.reason)
        except ValueError:
            return None


#: A deal as an export writes it: the same row, built from the database without reading cells,
#: so a 100,000-row download stays fast.
Deal = PcRow

#: Every column the model reads: (column, PcRow field, the reader of its cell). One table for
#: both ways: `parse_row` reads a cell with its reader, `cells` writes the field (`_FORMAT`).
_COLUMNS: tuple[tuple[str, str, Callable[[object], Any]], ...] = (
    (ENGAGEMENT_ID, "engagement_id", _guid),
    (REFERRAL_ID, "referral_id", _guid),
    (DEAL_NAME, "name", _text),
    (CUSTOMER_NAME, "customer_name", _text),
    (ADDRESS_1, "address_line1", _opt),
    (ADDRESS_2, "address_line2", _opt),
    (CITY, "city", _opt),
    (STATE, "state", _opt),
    (POSTAL_CODE, "postal_code", _identifier),
    (COUNTRY, "country", _country),
    (DUNS, "duns", _duns),
    (CONTACT_FIRST, "contact_first_name", _opt),
    (CONTACT_LAST, "contact_last_name", _opt),
    (CONTACT_PHONE, "contact_phone", _identifier),
    (CONTACT_EMAIL, "contact_email", _opt),
    (STATUS, "status", _enum_word(Status, "referral status")),
    (SUBSTATUS, "substatus", _enum_word(Substatus, "referral substatus")),
    (MICROSOFT_STATUS, "microsoft_status", _opt),
    (REASON, "reason", _reason),
    (SALES_STAGE, "stage_pct", _stage),
    (VALUE, "value", _amount),
    (CURRENCY, "currency", _currency),
    (CLOSE_DATE, "close_date", _day),
    (CRM_ID, "crm_id", _identifier),
    (CAMPAIGN_ID, "campaign_id", _identifier),
    (NOTES, "notes", _text),
    (HELP_REQUIRED, "help_required", _yes_no),
    (HELP_WHAT, "help_type", _help),
    (SHARE, "share", _yes_no),
    (NOTES_TO_MICROSOFT, "notes_to_microsoft", _opt),
    (CONSENT, "consent", _yes_no),
    (MSX_ID, "msx_id", _identifier),
    (PSC_ID, "psc_id", _identifier),
    (PARTNER_ID, "partner_id", _identifier),
    (MARKETPLACE_INTENT, "marketplace_intent", _intent),
    (DOMAIN_NAME, "domain", _opt),
    (FINAL_MATCH, "final_match", _opt),
)
#: Column -> PcRow field, for the columns the model reads.
FIELDS: dict[str, str] = {column: name for column, name, _ in _COLUMNS}
_READERS: dict[str, Callable[[object], Any]] = {column: read for column, _, read in _COLUMNS}
COLUMN_OF: dict[str, str] = {f: c for c, f in FIELDS.items()}
#: Filled on output only (the match and its suggestions); never read back as input.
OUTPUT_ONLY = frozenset({ERRORS, MATCHED_CATEGORY, CONFIDENCE, *MATCH_SUGGESTIONS})


def _number(column: str) -> int:
    return int(column.rsplit(" ", 1)[1])


def parse_row(cells: Mapping[str, str]) -> tuple[PcRow | None, list[str]]:
    """The row typed, or None and every problem in words ('Estimated Close Date: …'): the
    Solution / Team member cells', then the other columns' in the model's order."""
    problems: list[str] = []
    wrong: dict[str, str] = {}
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    solutions: list[tuple[int, SolutionCell]] = []
    team: list[tuple[int, PersonCell]] = []
    for column, text in cells.items():
        if column in FIELDS:
            try:
                values[FIELDS[column]] = _READERS[column](text)
            except ValueError as exc:  # CellError, or a reader's own
                wrong[column] = str(exc)
        elif column.startswith(SOLUTION + " ") or column.startswith(TEAM_MEMBER + " "):
            if not text.strip():
                continue
            try:
                if column.startswith(SOLUTION):
                    solutions.append((_number(column), solution_cell(text)))
                else:
                    team.append((_number(column), person_cell(text)))
            except CellError as exc:
                problems.append(f"{column}: {exc}")
        elif column not in OUTPUT_ONLY:
            extra[column] = text
    problems += [f"{column}: {wrong[column]}" for column in FIELDS if column in wrong]
    if problems:
        return None, problems
    return PcRow(
        **values,
        solutions=tuple(s for _, s in sorted(solutions, key=lambda p: p[0])),
        team=tuple(t for _, t in sorted(team, key=lambda p: p[0])),
        extra=extra,
    ), []


def missing_to_create(row: PcRow, columns: Iterable[str]) -> list[str]:
    """What a row without a Referral ID lacks to create a deal, as 'Column: …' sentences."""
    present = set(columns)
    problems = [
        f"{column}: required to create a deal"
        for column in REQUIRED_TO_CREATE
        if column not in present or getattr(row, FIELDS[column]) in (None, "")
    ]
    if not row.solutions:
        problems.append(f"{SOLUTION} 1: at least one solution is required to create a deal")
    if not row.team:
        problems.append(f"{TEAM_MEMBER} 1: at least one team member is required to create a deal")
    if row.help_required and row.help_type is None:
        problems.append(f"{HELP_WHAT}: say which help you need (1 to 6) when you ask for it")
    return problems


# --- writing ----------------------------------------------------------------------------------


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("Yes" if flag else "No")


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def us_date(day: date | None) -> str:
    return "" if day is None else f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def _join(parts: Sequence[str | None]) -> str:
    values = ["" if p is None else p for p in parts]
    while values and not values[-1]:
        values.pop()
    quoted = [
        '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n') or v != v.strip() else v
        for v in values
    ]
    return ", ".join(quoted)


def solution_text(line: SolutionCell) -> str:
    return _join(
        [
            line.solution_id,
            line.currency,
            None if line.price is None else _money(line.price),
            None if line.quantity is None else str(line.quantity),
        ]
    )


def person_text(person: PersonCell) -> str:
    return _join([person.first_name, person.last_name, person.phone, person.email])


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _coded(value: Any) -> str:
    return "" if value is None else str(value.value)


_FORMAT: dict[str, Any] = {
    "help_type": lambda v: "" if v is None else _HELP_CODE_OF.get(v, ""),
    "marketplace_intent": lambda v: "" if v is None else v.label,
    "help_required": _yes,
    "share": _yes,
    "consent": _yes,
    "value": _money,
    "close_date": us_date,
    "status": _coded,
    "substatus": _coded,
}
#: (column, field, formatter) for every column the model reads, in FIELDS order.
_WRITERS: tuple[tuple[str, str, Any], ...] = tuple(
    (column, name, _FORMAT.get(name, _plain)) for column, name in FIELDS.items()
)


def cells(row: PcRow | Deal) -> dict[str, str]:
    """The row as Partner Center writes it: codes, Yes/No, `MM/DD/YYYY`, two decimals."""
    out = {column: fmt(getattr(row, name)) for column, name, fmt in _WRITERS}
    for n, line in enumerate(row.solutions, 1):
        out[f"{SOLUTION} {n}"] = solution_text(line)
    for n, person in enumerate(row.team, 1):
        out[f"{TEAM_MEMBER} {n}"] = person_text(person)
    out.update(row.extra)
    return out


def writer(out: TextIO, columns: Sequence[str], delimiter: str = ",") -> Any:
    """A csv.DictWriter for Partner Center's layout: CRLF, quotes only where needed; columns
    a row does not have are written empty."""
    w = csv.DictWriter(
        out,
        fieldnames=list(columns),
        delimiter=delimiter,
        lineterminator="\r\n",
        restval="",
        extrasaction="ignore",
    )
    w.writeheader()
    return w


def write(
    out: TextIO,
    rows: Iterable[PcRow | Deal],
    columns: Sequence[str] | None = None,
    delimiter: str = ",",
) -> int:
    """Write `rows` under `columns` (default: the header with as many Solution / Team member
    columns as the rows need, which reads them all first). Returns the row count."""
    if columns is None:
        rows = list(rows)
        columns = header(
            max((len(r.solutions) for r in rows), default=1),
            max((len(r.team) for r in rows), default=1),
        )
    w = writer(out, columns, delimiter)
    n = 0
    for row in rows:
        w.writerow(cells(row))
        n += 1
    return n


def result_columns(sheet: Sheet) -> tuple[str, ...]:
    """The input's columns with Errors first (added when the file had none)."""
    return (ERRORS, *(c for c in sheet.columns if c != ERRORS))


def write_result(
    out: TextIO,
    sheet: Sheet,
    errors: Mapping[int, Sequence[str]],
    fills: Mapping[int, Mapping[str, str]] | None = None,
    delimiter: str | None = None,
) -> None:
    """The input file again, every column and row as read, with the Errors column filled
    (`;`-separated) for the rows in `errors` (keyed by line), and the output columns of
    `fills` (the account match) set; those columns are added when the input lacks them."""
    fills = fills or {}
    columns = list(result_columns(sheet))
    wanted = {c for cells in fills.values() for c in cells}
    columns += [c for c in (FINAL_MATCH, MATCHED_CATEGORY, CONFIDENCE, *MATCH_SUGGESTIONS)
                if c in wanted and c not in columns]  # fmt: skip
    w = writer(out, columns, delimiter or sheet.delimiter)
    for row in sheet.rows:
        cells = {**row.cells, **fills.get(row.line, {})}
        w.writerow({**cells, ERRORS: "; ".join(errors.get(row.line, ()))})


def iter_rows(sheet: Sheet) -> Iterator[tuple[SheetRow, PcRow | None, list[str]]]:
    for raw in sheet.rows:
        row, problems = parse_row(raw.cells)
        yield raw, row, problems
