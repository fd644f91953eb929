"""Partner Center's co-sell CSV in and out (docs/csv.md): download what a grid shows, upload a
file that creates and updates deals.

Export streams the grid's own query (store/export.py): the user's scope, the tab, the filter
and the sort, no 5,000-row cap. Import reads the file with the codec (domain/pccsv.py) and runs
each row through the same use cases as the TUI and the CLI (creation with every rule of the
wizard, the detail, team and solution edits, stages, won/lost/decline/error, share and help),
all in ONE transaction (`Context.batch`), each row in its own savepoint. Every row is tried
before anything is committed: by default one refused row means nothing is written; with
`partial` the good rows are written and the refused ones rolled back. A dry run rolls it all
back and reports what would have happened.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import platformdirs
from sqlalchemy import select

from cosell_tui.domain import (
    TERMINAL_SUBSTATUSES,
    AccountKind,
    CloseReason,
    ErrorReason,
    HelpType,
    Status,
    Substatus,
)
from cosell_tui.domain import pccsv as pc
from cosell_tui.domain.format import json_safe
from cosell_tui.domain.query import Query, QueryError, parse
from cosell_tui.domain.views import AccountView, GridQuery, Outcome, Tab
from cosell_tui.service.catalog import (
    SEARCH_KINDS,
    Catalog,
    Confidence,
    Matching,
    Place,
    pick_account,
)
from cosell_tui.service.context import Context
from cosell_tui.service.creation import Creation
from cosell_tui.service.errors import (
    Cancelled,
    CosellError,
    SetupError,
    ValidationError,
)
from cosell_tui.service.forms import (
    AcceptForm,
    AccountInput,
    DealDraft,
    DetailsEdit,
    PersonInput,
    SolutionInput,
)
from cosell_tui.service.lifecycle import Lifecycle
from cosell_tui.service.sharing import Sharing
from cosell_tui.store.models import Account, Location

if TYPE_CHECKING:
    from cosell_tui.store.grid import Scope

#: Partner Center's limit per upload; `max_rows` raises it.
MAX_ROWS = 1000
#: An export reports its progress every this many rows.
PROGRESS_EVERY = 200

#: Told the rows written so far (an export's progress).
Progress = Callable[[int], None]

#: Columns whose value cannot change on an update row (docs/csv.md): a change is an error.
READ_ONLY = (
    pc.ENGAGEMENT_ID, pc.CUSTOMER_NAME, pc.ADDRESS_1, pc.ADDRESS_2, pc.CITY, pc.STATE,
    pc.POSTAL_CODE, pc.COUNTRY, pc.DUNS, pc.CONSENT, pc.PARTNER_ID, pc.MICROSOFT_STATUS,
    pc.MSX_ID,
)  # fmt: skip
#: Columns cosell does not keep on a deal: an update row may carry anything there (a file
#: Partner Center wrote has its own values), and the Notes to Microsoft go with a help request.
NOT_STORED = frozenset({pc.NOTES_TO_MICROSOFT, pc.PSC_ID, pc.DOMAIN_NAME, pc.FINAL_MATCH})
#: Read-only once the deal is shared for co-sell (help asked).
CONTACT_COLUMNS = (pc.CONTACT_FIRST, pc.CONTACT_LAST, pc.CONTACT_PHONE, pc.CONTACT_EMAIL)
DETAIL_COLUMNS = {
    pc.DEAL_NAME: "name",
    pc.VALUE: "value",
    pc.CURRENCY: "currency",
    pc.CLOSE_DATE: "close_date",
    pc.NOTES: "notes",
    pc.CRM_ID: "crm_id",
    pc.CAMPAIGN_ID: "campaign_id",
    pc.MARKETPLACE_INTENT: "marketplace_intent",
}
#: Optional detail columns an update row empties with an empty cell (DetailsChange.CLEARABLE).
CLEARABLE = frozenset({pc.CRM_ID, pc.CAMPAIGN_ID})
#: The columns an update row applies (through the use cases in `Transfer._plan`).
_APPLIED = frozenset(
    {*DETAIL_COLUMNS, pc.SHARE, pc.HELP_REQUIRED, pc.HELP_WHAT, pc.NOTES_TO_MICROSOFT,
     pc.SALES_STAGE, pc.STATUS, pc.SUBSTATUS, pc.REASON}
)  # fmt: skip
#: The use cases' field keys -> the column a message names.
_FIELD_COLUMNS = {
    "name": pc.DEAL_NAME,
    "value": pc.VALUE,
    "currency": pc.CURRENCY,
    "close_date": pc.CLOSE_DATE,
    "notes": pc.NOTES,
    "crm_id": pc.CRM_ID,
    "campaign_id": pc.CAMPAIGN_ID,
    "location_id": pc.PARTNER_ID,
    "location": pc.PARTNER_ID,
    "marketplace_intent": pc.MARKETPLACE_INTENT,
    "help_type": pc.HELP_WHAT,
    "help_notes": pc.NOTES_TO_MICROSOFT,
    "visible_to_microsoft": pc.SHARE,
    "consent": pc.CONSENT,
    "customer": pc.CUSTOMER_NAME,
    "account": pc.CUSTOMER_NAME,
    "account.name": pc.CUSTOMER_NAME,
    "account.country": pc.COUNTRY,
    "account.city": pc.CITY,
    "account.state": pc.STATE,
    "account.postal_code": pc.POSTAL_CODE,
    "account.address_line1": pc.ADDRESS_1,
    "account.duns": pc.DUNS,
    "contact": pc.CONTACT_FIRST,
    "contact.first_name": pc.CONTACT_FIRST,
    "contact.last_name": pc.CONTACT_LAST,
    "contact.phone": pc.CONTACT_PHONE,
    "contact.email": pc.CONTACT_EMAIL,
    "contacts": pc.CONTACT_FIRST,
    "pct": pc.SALES_STAGE,
    "reason": pc.REASON,
    "team": f"{pc.TEAM_MEMBER} 1",
    "solutions": f"{pc.SOLUTION} 1",
}


def column_of(key: str) -> str:
    """The column a use case's field key (`team[1].email`, `account.name`) is read from."""
    if key in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[key]
    for prefix, noun in (("team[", pc.TEAM_MEMBER), ("solutions[", pc.SOLUTION)):
        if key.startswith(prefix):
            return f"{noun} {int(key[len(prefix) :].split(']')[0]) + 1}"
    head = key.split("[")[0].split(".")[0]
    return _FIELD_COLUMNS.get(head, head.replace("_", " ").capitalize())


def _words(exc: CosellError, column: str) -> list[str]:
    """A refusal as 'Column: sentence' problems."""
    if isinstance(exc, ValidationError) and exc.fields:
        return [f"{column_of(key)}: {message}" for key, message in exc.fields.items()]
    return [f"{column}: {exc.message}"]


class RowRefused(Exception):
    def __init__(self, problems: Sequence[str], fills: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)
        self.fills = dict(fills or {})


@dataclass(frozen=True, slots=True)
class RowResult:
    """What one row did (or would do): created, updated, unchanged or refused."""

    line: int
    action: str  # "created", "updated", "unchanged", "refused"
    deal_id: int | None = None
    name: str = ""
    referral_id: str = ""  # the deal's (a created deal's new one; empty when refused)
    changed: tuple[str, ...] = ()  # the columns that changed
    errors: tuple[str, ...] = ()
    #: Output columns for the result file (the account match and its suggestions).
    fills: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: tuple[RowResult, ...]
    written: bool  # committed (False: dry run, or refused rows without `partial`)
    dry_run: bool = False
    partial: bool = False
    errors: dict[int, tuple[str, ...]] = field(default_factory=dict)  # line -> problems
    fills: dict[int, dict[str, str]] = field(default_factory=dict)  # line -> output columns

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.rows)

    @property
    def refused(self) -> int:
        return self.count("refused")

    def summary(self, partial_hint: str = "use --partial") -> str:
        """`N changed (C created, U updated), K unchanged, R refused`, and whether it was
        written; `partial_hint` says how to write only the good rows (the CLI's flag)."""
        created, updated = self.count("created"), self.count("updated")
        changed = created + updated
        text = (
            f"{changed} changed ({created} created, {updated} updated),"
            f" {self.count('unchanged')} unchanged, {self.refused} refused"
        )
        if self.dry_run:
            return f"Dry run, nothing written: {text}."
        if not self.written and self.refused:
            return (
                f"Nothing written: {self.refused} row(s) refused (fix them, or {partial_hint}"
                f" to write the good rows). Had it been written: {text}."
            )
        return f"{text.capitalize()}."


class Transfer:
    """export and import_file."""

    def __init__(
        self,
        ctx: Context,
        catalog: Catalog,
        creation: Creation,
        lifecycle: Lifecycle,
        sharing: Sharing,
    ) -> None:
        self._ctx = ctx
        self._catalog = catalog
        self._creation = creation
        self._lifecycle = lifecycle
        self._sharing = sharing

    # --- export -------------------------------------------------------------------------------

    def _grid_args(self, q: GridQuery) -> tuple[Scope, Tab, Query, datetime]:
        from cosell_tui.store.grid import Scope

        try:
            query = parse(q.text or "")
        except QueryError as exc:
            raise ValidationError(f"The filter is not valid: {exc}", {"filter": str(exc)}) from exc
        return Scope.of(self._ctx.user), q.tab, query, self._ctx.clock.now()

    def export_columns(
        self, q: GridQuery, marked: Collection[int] | None = None
    ) -> tuple[str, ...]:
        """The header an export of `q` writes: as many Solution / Team member columns as its
        widest row needs (one query)."""
        from cosell_tui.store import export  # the grid's SQL: imported when first used

        with self._ctx.guarded():
            solutions, team = export.widest(self._ctx.shared.engine, *self._grid_args(q), marked)
        return pc.header(solutions, team)

    def export(
        self, q: GridQuery, limit: int | None = None, marked: Collection[int] | None = None
    ) -> Iterator[pc.Deal]:
        """The rows of the grid `q` (only `marked` when given) in its order, streamed."""
        if limit is not None and limit < 1:
            raise ValidationError("The limit must be at least 1.", {"limit": "out of range"})
        from cosell_tui.store import export

        args = self._grid_args(q)
        with self._ctx.guarded():
            yield from export.stream(
                self._ctx.shared.engine,
                *args,
                sort=q.sort,
                descending=q.descending,
                limit=limit,
                ids=marked,
            )

    def write(
        self,
        out: TextIO | Path,
        q: GridQuery,
        fmt: str = "csv",
        limit: int | None = None,
        marked: Collection[int] | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Stream the export of `q` to `out` as csv (Partner Center's), tsv or json (a list of
        objects keyed by column); returns the row count. `progress(rows written so far)` is
        called every `PROGRESS_EVERY` rows and once at the end; once `cancelled()` is true the
        export stops with `Cancelled`. `out` a path: the file, whole or not at all (`_to_file`)."""
        if isinstance(out, Path):
            args = (q, fmt, limit, marked, progress, cancelled)
            return _to_file(out, fmt, lambda f: self.write(f, *args))
        rows = _counted(self.export(q, limit=limit, marked=marked), progress, cancelled)
        if fmt == "json":
            n = 0
            out.write("[")
            for n, row in enumerate(rows, 1):
                cells = json_safe(json.dumps(pc.cells(row), ensure_ascii=False))
                out.write(("\n  " if n == 1 else ",\n  ") + cells)
            out.write("\n]\n" if n else "]\n")
            return n
        columns = self.export_columns(q, marked)
        return pc.write(out, rows, columns, delimiter="\t" if fmt == "tsv" else ",")

    def export_folder(self) -> Path:
        """Where downloads go (and where the upload screen first looks): COSELL_EXPORT_DIR,
        else the user's Downloads folder, else the working directory."""
        folder = os.environ.get("COSELL_EXPORT_DIR")
        if folder:
            return Path(folder)
        downloads = Path(platformdirs.user_downloads_dir())
        return downloads if downloads.is_dir() else Path.cwd()

    def export_file(
        self,
        q: GridQuery,
        marked: Collection[int] | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[Path, int]:
        """Write `q` (only `marked` when given) as a CSV in the export folder (COSELL_EXPORT_DIR,
        else the user's Downloads folder, else the working directory): the TUI's download.
        `progress` and `cancelled` as in `write`; a cancelled download leaves no file."""
        stamp = self._ctx.clock.now().strftime("%Y%m%d-%H%M%S")
        path = self.export_folder() / f"cosell-{q.tab.value}-{stamp}.csv"
        count = self.write(path, q, marked=marked, progress=progress, cancelled=cancelled)
        return path, count

    # --- import -------------------------------------------------------------------------------

    def read(self, data: bytes, max_rows: int = MAX_ROWS) -> pc.Sheet:
        """The file as a sheet; a file that is not a co-sell CSV is a ValidationError."""
        try:
            return pc.read(data, max_rows=max_rows)
        except pc.SheetError as exc:
            raise ValidationError(str(exc), {"file": str(exc)}) from exc

    def import_sheet(
        self,
        sheet: pc.Sheet,
        partial: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Try every row in one transaction; commit all (or, `partial`, the good rows), or
        nothing when a row is refused; a dry run commits nothing. `progress(rows tried, rows)`
        is called after each row (the TUI's progress bar)."""
        results: list[RowResult] = []
        total = len(sheet.rows)
        with self._ctx.batch() as session:
            run = self._run(sheet)
            for done, raw in enumerate(sheet.rows, 1):
                try:
                    with session.begin_nested():
                        results.append(self._row(sheet, raw, run))
                except RowRefused as exc:
                    results.append(
                        RowResult(raw.line, "refused", errors=tuple(exc.problems), fills=exc.fills)
                    )
                if progress is not None:
                    progress(done, total)
            refused = any(r.action == "refused" for r in results)
            write = not dry_run and (partial or not refused)
            if write:
                session.commit()
            else:
                session.rollback()
        errors = {r.line: r.errors for r in results if r.errors}
        fills = {r.line: r.fills for r in results if r.fills}
        return ImportReport(tuple(results), write, dry_run, partial, errors, fills)

    def write_result(self, path: Path, sheet: pc.Sheet, report: ImportReport) -> Path:
        """The result file at `path`: the input as read with the Errors column and the account
        match filled (docs/csv.md); `cosell deal import -o` and the TUI's upload screen."""
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                pc.write_result(f, sheet, report.errors, report.fills)
        except OSError as exc:
            raise SetupError(f"Could not write {path}: {exc.strerror or exc}.") from exc
        return path

    def _run(self, sheet: pc.Sheet) -> _Run:
        """What every row of one import reads alike, read once: the user's locations, and the
        account matching of the rows that create a deal without naming their account."""
        user = self._ctx.user
        with self._ctx.read() as uow:
            query = select(Location.id, Location.partner_id).where(Location.org_id == user.org_id)
            if not user.entire_company:
                query = query.where(Location.id.in_(user.location_ids))
            locations = tuple(
                (int(pk), str(partner))
                for pk, partner in uow.session.execute(query.order_by(Location.id))
            )
        rows = [
            (raw.cells.get(pc.CUSTOMER_NAME, ""), raw.cells.get(pc.COUNTRY))
            for raw in sheet.rows
            if not raw.cells.get(pc.REFERRAL_ID, "").strip()
            and not raw.cells.get(pc.FINAL_MATCH, "").strip()
        ]
        return _Run(locations, self._catalog.matching(rows))

    def _row(self, sheet: pc.Sheet, raw: pc.SheetRow, run: _Run) -> RowResult:
        row, problems = pc.parse_row(raw.cells)
        if row is None:
            raise RowRefused(problems)
        if row.referral_id is None:
            return self._create(sheet, raw, row, run)
        seen = run.seen
        if row.referral_id in seen:
            raise RowRefused(
                [f"{pc.REFERRAL_ID}: the same deal is on line {seen[row.referral_id]} too"]
            )
        seen[row.referral_id] = raw.line
        return self._update(sheet, raw, row)

    # --- creating -----------------------------------------------------------------------------

    def _create(self, sheet: pc.Sheet, raw: pc.SheetRow, row: pc.PcRow, run: _Run) -> RowResult:
        problems = pc.missing_to_create(row, sheet.columns)
        if row.consent is False:
            problems.append(f"{pc.CONSENT}: a row with No is not created")
        if (row.status, row.substatus) not in ((None, None), (Status.ACTIVE, Substatus.ACCEPTED)):
            problems.append(
                f"{pc.SUBSTATUS}: a new deal starts Active / Accepted; close it on a later upload"
            )
        if row.stage_pct not in (None, 10):
            problems.append(f"{pc.SALES_STAGE}: a new deal starts at 10; mark stages later")
        location = _location(row, run.locations, problems)
        account_id = self._named_account(row, problems)
        fills: dict[str, str] = {}
        if account_id is None and not row.final_match and not problems:
            account_id, fills = self._match(row, problems, run.matching)
        if problems:
            raise RowRefused(problems, fills)
        help_type = row.help_type if row.help_required else HelpType.NONE
        draft = DealDraft(
            name=row.name,
            location_id=location,
            value=row.value,
            currency=row.currency or "",
            close_date=row.close_date,
            notes=row.notes,
            account_id=account_id,
            account=None
            if account_id is not None
            else AccountInput(
                name=row.customer_name,
                country=row.country or "",
                address_line1=row.address_line1,
                city=row.city,
                state=row.state,
                postal_code=row.postal_code,
                duns=row.duns,
            ),
            contact=_person(row.contact),
            consent=bool(row.consent),
            crm_id=row.crm_id,
            campaign_id=row.campaign_id,
            marketplace_intent=row.marketplace_intent or "",
            team=_people(row.team),
            solutions=tuple(_line(s) for s in row.solutions),
            help_type=help_type or HelpType.NONE,
            help_notes=row.notes_to_microsoft or "",
            visible_to_microsoft=row.share,
        )
        try:
            outcome = self._creation.create_deal(draft)
        except CosellError as exc:
            raise RowRefused(_words(exc, pc.DEAL_NAME), fills) from exc
        return RowResult(
            raw.line,
            "created",
            outcome.deal.id,
            outcome.deal.name,
            outcome.deal.referral_id,
            changed=(pc.REFERRAL_ID,),
            fills=fills,
        )

    def _match(
        self, row: pc.PcRow, problems: list[str], matching: Matching | None = None
    ) -> tuple[int | None, dict[str, str]]:
        """Partner Center's account matching (docs/csv.md, `Catalog.match_account`): the row's
        DUNS number or web domain, else its name in its country and city. A High match is
        used; anything less is written into the result file with suggestions and the row waits
        for the user to confirm (keep the match or paste a suggestion into Final Matched
        Customer Account); no account at all: a manually entered customer."""
        found = self._catalog.match_account(
            row.customer_name,
            row.country,
            row.city,
            row.duns,
            row.domain,
            matching,
            Place(row.city, row.address_line1, row.postal_code, row.state),
        )
        if found is None:
            return None, {}
        best, confidence = found.best, found.confidence.label
        fills = {
            pc.FINAL_MATCH: _account_text(best),
            pc.MATCHED_CATEGORY: _CATEGORY[best.kind],
            pc.CONFIDENCE: confidence,
        }
        for kind, columns in zip(SEARCH_KINDS, _SUGGESTION_COLUMNS, strict=True):
            for column, account in zip(columns, found.suggestions[kind], strict=False):
                fills[column] = _account_text(account)
        if found.confidence is not Confidence.HIGH:
            problems.append(
                f"{pc.FINAL_MATCH}: the customer matched {best.name} with {confidence} confidence;"
                " keep the match or paste a suggestion into this column, and upload again"
            )
            return None, fills
        return best.id, fills

    def _named_account(self, row: pc.PcRow, problems: list[str]) -> int | None:
        """`MicrosoftID: <id>` or `DUNSID: <number>` in Final Matched Customer Account names
        the customer directly; an unknown one is an error on the row. Accounts may share an ID
        (one customer's sites): the AccountName and AccountAddress written with it, the row's
        D-U-N-S number and customer name pick one (`catalog.pick_account`), else the row is
        refused naming them, never the first."""
        text = (row.final_match or "").strip()
        if not text:
            return None
        head, name, address = pc.account_cell(text)
        head = head.split(",", 1)[0]
        kind, _, value = head.partition(":")
        kind, value = kind.strip().casefold(), value.strip()
        if kind not in ("microsoftid", "dunsid") or not value:
            problems.append(
                f"{pc.FINAL_MATCH}: write 'MicrosoftID: <id>' or 'DUNSID: <number>', not '{head}'"
            )
            return None
        column = Account.microsoft_account_id if kind == "microsoftid" else Account.duns
        with self._ctx.read() as uow:
            found = uow.session.scalars(
                select(Account)
                .where(column == value, Account.kind != AccountKind.MANUAL)
                .order_by(Account.id)
                .limit(100)
            ).all()
            if not found:
                problems.append(f"{pc.FINAL_MATCH}: no customer account '{head}'")
                return None
            try:
                return pick_account(
                    found,
                    head,
                    name=name,
                    address=address,
                    duns=row.duns,
                    customer=row.customer_name,
                    fix="paste the one you mean with its AccountName and AccountAddress as the"
                    " suggestions write it",
                ).id
            except ValidationError as exc:
                problems.append(f"{pc.FINAL_MATCH}: {exc.message}")
                return None

    # --- updating -----------------------------------------------------------------------------

    def _update(self, sheet: pc.Sheet, raw: pc.SheetRow, row: pc.PcRow) -> RowResult:
        from cosell_tui.store import export

        assert row.referral_id is not None
        with self._ctx.read() as uow:
            try:
                ref = uow.load(row.referral_id)
            except CosellError:
                raise RowRefused(
                    [f"{pc.REFERRAL_ID}: no deal with this ID that you can see"]
                ) from None
            current = export.one(uow.session.connection(), ref.id)
            assert current is not None
            deal_id, version, substatus = ref.id, ref.version, ref.substatus
        columns = set(sheet.columns)
        was = pc.cells(current)
        now = pc.cells(row)

        def differs(column: str) -> bool:
            return column in columns and was.get(column, "") != now.get(column, "")

        numbered = sorted(
            c for c in columns if c.startswith((pc.SOLUTION + " ", pc.TEAM_MEMBER + " "))
        )
        changed = [c for c in (*pc.FIELDS, *numbered) if c not in NOT_STORED and differs(c)]
        if not changed:
            return RowResult(raw.line, "unchanged", deal_id, ref.name, row.referral_id)
        problems = []
        if substatus in TERMINAL_SUBSTATUSES:
            raise RowRefused(
                [
                    f"{changed[0]}: the deal is closed ({substatus.label}) and can no longer be"
                    " changed"
                ]
            )
        locked = list(READ_ONLY)
        if current.help_required:
            locked += [*CONTACT_COLUMNS, pc.HELP_REQUIRED, pc.HELP_WHAT, pc.NOTES_TO_MICROSOFT]
        if current.share:
            locked.append(pc.SHARE)
        for column in locked:
            if column in changed:
                problems.append(
                    f"{column}: cannot be changed after the deal is created"
                    if column not in (pc.SHARE, pc.HELP_REQUIRED, pc.HELP_WHAT, *CONTACT_COLUMNS)
                    else f"{column}: cannot be changed once shared with Microsoft"
                )
        if row.consent is False and changed:
            problems.append(f"{pc.CONSENT}: a row with No is not updated")
        if problems:
            raise RowRefused(problems)
        steps = _Steps(deal_id, version)
        self._plan(steps, row, current, changed)
        steps.run()
        name = row.name or ref.name
        return RowResult(raw.line, "updated", deal_id, name, row.referral_id, tuple(changed))

    def _plan(self, steps: _Steps, row: pc.PcRow, was: pc.Deal, changed: list[str]) -> None:
        """The use cases that make the deal look like the row, in an order the rules allow:
        accept first, details, team, solutions, sharing and help, the stage, closing last."""
        life, sharing = self._lifecycle, self._sharing
        asks_help = bool(row.help_required) and (
            pc.HELP_REQUIRED in changed or pc.HELP_WHAT in changed
        )
        for column in changed:
            numbered = column.startswith((pc.SOLUTION + " ", pc.TEAM_MEMBER + " "))
            if not (numbered or column in _APPLIED or (asks_help and column in CONTACT_COLUMNS)):
                steps.refuse(
                    column, "cannot be changed by an upload (change it on the deal's screen)"
                )
        status_changed = pc.STATUS in changed or pc.SUBSTATUS in changed
        if status_changed and row.substatus is Substatus.ACCEPTED:
            if was.substatus not in (Substatus.PENDING, Substatus.RECEIVED):
                steps.refuse(pc.SUBSTATUS, f"cannot go back from {_said(was.substatus)}")
            accept = AcceptForm(
                name=row.name or was.name,
                value=row.value if row.value is not None else was.value or 0,
                currency=row.currency or was.currency or "",
                close_date=row.close_date or was.close_date or "",
                notes=row.notes,
                crm_id=row.crm_id,
                campaign_id=row.campaign_id,
            )
            steps.add(pc.SUBSTATUS, lambda d, v: life.accept(d, v, accept))
            changed = [c for c in changed if c not in (pc.DEAL_NAME, pc.VALUE, pc.NOTES)]
        edit = {
            DETAIL_COLUMNS[c]: getattr(row, pc.FIELDS[c]) for c in changed if c in DETAIL_COLUMNS
        }
        if edit:
            for column, name in DETAIL_COLUMNS.items():
                if name in edit and edit[name] in (None, "") and column not in CLEARABLE:
                    steps.refuse(column, "cannot be emptied; write the new value")
            details = DetailsEdit(**{k: ("" if v is None else v) for k, v in edit.items()})
            column = next(c for c in changed if c in DETAIL_COLUMNS)
            steps.add(column, lambda d, v: life.edit_details(d, v, details))
        if any(c.startswith(pc.TEAM_MEMBER + " ") for c in changed):
            team = _people(row.team)
            steps.add(f"{pc.TEAM_MEMBER} 1", lambda d, v: life.set_team(d, v, team))
        if any(c.startswith(pc.SOLUTION + " ") for c in changed):
            lines = tuple(_line(s) for s in row.solutions)
            steps.add(f"{pc.SOLUTION} 1", lambda d, v: life.set_solutions(d, v, lines))
        if pc.SHARE in changed and row.share:
            steps.add(pc.SHARE, lambda d, v: sharing.share_with_microsoft(d, v))
        elif pc.SHARE in changed:
            steps.refuse(pc.SHARE, "a deal shared with Microsoft cannot be unshared")
        if (pc.HELP_REQUIRED in changed or pc.HELP_WHAT in changed) and row.help_required:
            # the Notes to Microsoft column goes with the request (not kept on the deal)
            help_type = row.help_type
            if help_type is None:
                steps.refuse(pc.HELP_WHAT, "say which help you need (1 to 6)")
            else:
                notes = row.notes_to_microsoft or row.notes
                contact = None if was.contact else _person(row.contact)
                steps.add(
                    pc.HELP_WHAT,
                    lambda d, v: sharing.request_help(
                        d, v, help_type, notes, contact, bool(row.consent)
                    ),
                )
        elif pc.HELP_REQUIRED in changed:
            steps.refuse(pc.HELP_REQUIRED, "help once asked for cannot be withdrawn")
        closing = status_changed and row.substatus in TERMINAL_SUBSTATUSES
        if pc.SALES_STAGE in changed and row.stage_pct is not None:
            pct = row.stage_pct
            if not (closing and row.substatus is Substatus.WON and pct == 100):
                steps.add(pc.SALES_STAGE, lambda d, v: life.mark_stage(d, v, pct))
        elif pc.SALES_STAGE in changed:
            steps.refuse(pc.SALES_STAGE, "required")
        if status_changed and row.substatus is not Substatus.ACCEPTED:
            self._close(steps, row, was)
        elif pc.REASON in changed:
            steps.refuse(pc.REASON, "a reason is only given when the deal is closed with it")

    def _close(self, steps: _Steps, row: pc.PcRow, was: pc.Deal) -> None:
        life = self._lifecycle
        target, reason = row.substatus, row.close_reason
        wanted = {
            Substatus.WON: Status.CLOSED,
            Substatus.LOST: Status.CLOSED,
            Substatus.DECLINED: Status.CLOSED,
            Substatus.ERROR: Status.CLOSED,
        }
        if target not in wanted or row.status is not wanted[target]:
            steps.refuse(
                pc.SUBSTATUS,
                f"cannot move from {_said(was.status)} / {_said(was.substatus)} to"
                f" {_said(row.status)} / {_said(target)}; use Active / Accepted, or Closed with"
                " Won, Lost, Declined or Error",
            )
            return
        if target is Substatus.WON:
            steps.add(pc.SUBSTATUS, lambda d, v: life.won(d, v))
            return
        if reason is None:
            codes = "1 to 9" if target is Substatus.ERROR else "1 to 8"
            steps.refuse(pc.REASON, f"closing as {target.label} needs a reason code ({codes})")
            return
        notes = row.notes if row.notes != was.notes else ""
        if target is Substatus.ERROR:
            assert isinstance(reason, ErrorReason)
            steps.add(pc.SUBSTATUS, lambda d, v: life.close_as_error(d, v, reason, notes))
        elif isinstance(reason, CloseReason) and target is Substatus.LOST:
            steps.add(pc.SUBSTATUS, lambda d, v: life.lost(d, v, reason, notes))
        elif isinstance(reason, CloseReason):
            steps.add(pc.SUBSTATUS, lambda d, v: life.decline(d, v, reason, notes))


_CATEGORY = {
    kind: kind.word for kind in (AccountKind.MANAGED, AccountKind.UNMANAGED, AccountKind.OTHER)
}
_SUGGESTION_COLUMNS = (
    pc.MATCH_SUGGESTIONS[0:2],
    pc.MATCH_SUGGESTIONS[2:4],
    pc.MATCH_SUGGESTIONS[4:6],
)


def _account_text(account: AccountView) -> str:
    """Partner Center's `MicrosoftID: …, AccountName: …, AccountAddress: …` form."""
    if account.microsoft_account_id:
        head = f"MicrosoftID: {account.microsoft_account_id}"
    else:
        head = f"DUNSID: {account.duns or ''}"
    address = account.address.replace(",", "")
    return f"{head}, AccountName: {account.name.replace(',', '')}, AccountAddress: {address}"


def _to_file(path: Path, fmt: str, write: Callable[[TextIO], int]) -> int:
    """`write` into the file `path`, all or nothing: the rows go to `<path>.part`, renamed to
    `path` once complete; a failure, a cancel (`Cancelled`) or Ctrl-C removes it, so a file at
    `path` is always a whole export (a device or a pipe is written directly)."""
    encoding = "utf-8" if fmt == "json" else "utf-8-sig"
    target = path if path.exists() and not path.is_file() else path.with_name(path.name + ".part")
    try:
        with target.open("w", encoding=encoding, newline="") as f:
            count = write(f)
        if target != path:
            target.replace(path)
    except OSError as exc:
        if target != path:
            target.unlink(missing_ok=True)
        raise SetupError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    except BaseException:
        if target != path:
            target.unlink(missing_ok=True)
        raise
    return count


def _counted(
    rows: Iterator[pc.Deal], progress: Progress | None, cancelled: Callable[[], bool] | None = None
) -> Iterator[pc.Deal]:
    """`rows`, telling `progress` the count every PROGRESS_EVERY rows and at the end; stopped
    by `Cancelled` once `cancelled()` is true."""
    n = 0
    for n, row in enumerate(rows, 1):
        if cancelled is not None and cancelled():
            raise Cancelled(f"Download cancelled after {n - 1:,} row(s); no file was written.")
        yield row
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    if progress is not None:
        progress(n)


@dataclass(slots=True)
class _Run:
    """One import's shared reads (`Transfer._run`) and the deals its rows named so far."""

    locations: tuple[tuple[int, str], ...]  # (id, PartnerID) the user may create deals for
    matching: Matching
    seen: dict[str, int] = field(default_factory=dict)  # Referral ID -> line


def _location(
    row: pc.PcRow, locations: Sequence[tuple[int, str]], problems: list[str]
) -> int | None:
    """The deal's location: the PartnerID column, else the user's only location."""
    if row.partner_id:
        found = [pk for pk, partner_id in locations if partner_id == row.partner_id]
        if not found:
            problems.append(
                f"{pc.PARTNER_ID}: '{row.partner_id}' is not a location you can create deals for"
            )
            return None
        return found[0]
    if len(locations) == 1:
        return locations[0][0]
    problems.append(
        f"{pc.PARTNER_ID}: say which location (PartnerID) the deal belongs to; you have"
        f" {len(locations)}"
    )
    return None


def _said(value: Any) -> str:
    return "(empty)" if value is None else str(getattr(value, "value", value))


class _Steps:
    """The use cases of one update row, run in order, each with the version the last left."""

    def __init__(self, deal: int, version: int) -> None:
        self.deal, self.version = deal, version
        self.todo: list[tuple[str, Callable[[int, int], Outcome]]] = []
        self.problems: list[str] = []

    def add(self, column: str, step: Callable[[int, int], Outcome]) -> None:
        self.todo.append((column, step))

    def refuse(self, column: str, message: str) -> None:
        self.problems.append(f"{column}: {message}")

    def run(self) -> None:
        if self.problems:
            raise RowRefused(self.problems)
        for column, step in self.todo:
            try:
                outcome = step(self.deal, self.version)
            except CosellError as exc:
                raise RowRefused(_words(exc, column)) from exc
            self.version = outcome.deal.version


def _person(person: pc.PersonCell | None) -> PersonInput | None:
    if person is None:
        return None
    return PersonInput(person.first_name, person.last_name, person.phone, person.email)


def _people(people: Sequence[pc.PersonCell]) -> tuple[PersonInput, ...]:
    return tuple(PersonInput(p.first_name, p.last_name, p.phone, p.email) for p in people)


def _line(line: pc.SolutionCell) -> SolutionInput:
    return SolutionInput(line.solution_id, line.price, line.quantity, line.currency)


__all__ = ["MAX_ROWS", "ImportReport", "RowResult", "Transfer", "column_of"]
