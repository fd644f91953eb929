"""The upload screen (`U` on the main screen, "Upload CSV" in the palette): a Partner Center
co-sell CSV into deals, reviewed before anything is written (docs/csv.md).

Three steps on one screen. **File**: a path line with completion (widgets/pathpick.py),
starting in the folder used last (the config's `upload_dir`). **Review**: the file is read and
tried as a dry run — the same `Transfer.import_sheet` call as `cosell deal import --dry-run` —
and every row is listed: line, referral ID or "new", customer, what it does and, for a refused
row, the problems naming their columns. A row whose customer matched an account below High
confidence waits: `m` keeps the match, picks a suggestion or leaves it unconfirmed; the choice
is written into the row's *Final Matched Customer Account* (as a user would in the file) and
the dry run is tried again. `p` switches between all-or-nothing and partial. **Results**:
`ctrl+y` confirms, and the same call runs for real; the screen lists what was created,
updated and refused. `w` writes the result file (the input with the Errors column filled) next
to the input, at the review or after.

All work (reading, the dry run, the upload, the result file) runs in `@background` workers
with a progress bar. Meanwhile the screen does not take keys (`takes_keys`): keys typed on wait
in the app's KeyHold (screens/keys.py) and go on, in order, once the work is done, so `j j m`
typed before the review's rows arrive opens the match of the third row. Only its cancel keys
(`cancel_actions`: esc, q) go on at once and leave, except while an upload is written. The
screen dismisses with True when something was written (the main screen then reloads).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Footer,
    Label,
    OptionList,
    ProgressBar,
    Static,
)
from textual.widgets.option_list import Option

from cosell_tui.domain import pccsv as pc
from cosell_tui.domain.format import printable
from cosell_tui.screens.listbox import ListBox
from cosell_tui.widgets.background import background, throttled
from cosell_tui.widgets.pathpick import PathPicker

if TYPE_CHECKING:
    from collections.abc import Callable

    from cosell_tui.service import Service
    from cosell_tui.service.transfer import ImportReport, RowResult

#: Match confidences that make a new row wait for the user (docs/csv.md, account matching).
WAITING = ("Medium", "Low")
#: What a row does, before (dry run) and after.
VERBS = {
    "created": ("create", "created"),
    "updated": ("update", "updated"),
    "unchanged": ("unchanged", "unchanged"),
    "refused": ("refused", "refused"),
}


@dataclass(frozen=True, slots=True)
class Match:
    """A new row's customer matched below High confidence: the match and the suggestions."""

    account: str  # as Final Matched Customer Account takes it
    category: str
    confidence: str
    suggestions: tuple[tuple[str, str], ...]  # (column, account)

    @staticmethod
    def of(fills: dict[str, str]) -> Match | None:
        if fills.get(pc.CONFIDENCE) not in WAITING or not fills.get(pc.FINAL_MATCH):
            return None
        return Match(
            fills[pc.FINAL_MATCH],
            fills.get(pc.MATCHED_CATEGORY, ""),
            fills[pc.CONFIDENCE],
            tuple((c, fills[c]) for c in pc.MATCH_SUGGESTIONS if fills.get(c)),
        )

    @property
    def name(self) -> str:
        return pc.account_cell(self.account)[1] or self.account


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the review or the results."""

    line: int
    referral: str  # the referral ID, or "new"
    customer: str
    does: str
    what: str
    refused: bool
    match: Match | None = None


def lines(sheet: pc.Sheet, report: ImportReport, confirmed: dict[int, str]) -> tuple[Line, ...]:
    """The report's rows in the file's order, in words (`confirmed`: line → chosen account)."""
    cells = {row.line: row.cells for row in sheet.rows}
    return tuple(_line(r, cells.get(r.line, {}), report.dry_run, confirmed) for r in report.rows)


def _line(r: RowResult, cells: dict[str, str], dry: bool, confirmed: dict[int, str]) -> Line:
    before, after = VERBS.get(r.action, (r.action, r.action))
    referral = r.referral_id or cells.get(pc.REFERRAL_ID, "") or "new"
    if r.action == "created":
        referral = "new" if dry else r.referral_id
    customer = cells.get(pc.CUSTOMER_NAME, "") or (r.name if r.action != "created" else "")
    match = Match.of(r.fills) if r.action == "refused" else None
    if r.action == "refused":
        what = "; ".join(r.errors)
        does = f"waits: {match.confidence}" if match else after
    elif r.action == "created":
        what = f"new deal “{r.name}”"
        does = before if dry else after
    elif r.action == "updated":
        what = "changes " + ", ".join(r.changed)
        does = before if dry else after
    else:
        what, does = "no change", after
    if r.line in confirmed:
        what += f" · customer: {pc.account_cell(confirmed[r.line])[1] or confirmed[r.line]}"
    return Line(r.line, referral, customer, does, what, r.action == "refused", match)


def counts(report: ImportReport) -> str:
    """`3 to create · 2 to update · 5 unchanged · 1 refused` (after: created, updated)."""
    created, updated = report.count("created"), report.count("updated")
    if report.dry_run:
        head = f"{created:,} to create · {updated:,} to update"
    else:
        head = f"{created:,} created · {updated:,} updated"
    return f"{head} · {report.count('unchanged'):,} unchanged · {report.refused:,} refused"


class MatchPicker(ListBox[str | None]):
    """Keep the match, pick a suggestion, or leave the row unconfirmed: dismisses with the
    account for Final Matched Customer Account, "" to leave it, None on esc."""

    TITLE_TEXT = "Customer account"
    FOOT = "enter chooses · esc/q: back, nothing changes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="match.close"),
        Binding("j", "cursor_down", "Down", show=False, id="match.down"),
        Binding("k", "cursor_up", "Up", show=False, id="match.up"),
    ]

    def __init__(self, line: int, customer: str, match: Match, chosen: str | None) -> None:
        super().__init__()
        self.line = line
        self.customer = customer
        self.match = match
        self.chosen = chosen
        self.values: list[str] = []

    def on_mount(self) -> None:
        match = self.match
        self.set_title(
            f"Line {self.line}: “{self.customer}” matched {match.name}"
            f" ({match.category}, {match.confidence} confidence)"
        )
        choices: list[tuple[str, str]] = [(f"Keep the match: {_account(match.account)}", "")]
        self.values = [match.account]
        named = {match.account}
        for column, account in match.suggestions:
            # Accounts sharing an ID are told apart by the name and address written with it.
            if account not in named:
                named.add(account)
                choices.append((f"{column}: {_account(account)}", ""))
                self.values.append(account)
        choices.append(("Leave it unconfirmed (the row stays refused)", ""))
        self.values.append("")
        self.options.add_options([Option(printable(text)) for text, _ in choices])
        current = self.values.index(self.chosen) if self.chosen in self.values else 0
        self.options.highlighted = current
        self.options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.values[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


def _account(text: str) -> str:
    ident, name, address = pc.account_cell(text)
    return " — ".join(part for part in (name, address, ident) if part)


class UploadScreen(Screen[bool]):
    """File → review → results (see the module)."""

    DEFAULT_CSS = """
    UploadScreen #upload-title {
        background: $primary 20%; text-style: bold; padding: 0 1; width: 1fr;
    }
    UploadScreen #upload-steps { height: 1fr; }
    UploadScreen .counts { text-style: bold; padding: 0 1; height: auto; }
    UploadScreen .mode { padding: 0 1; height: auto; color: $text-muted; }
    UploadScreen .mode.-blocked { color: $text-warning; }
    UploadScreen DataTable { height: 1fr; }
    UploadScreen #row-detail { height: auto; max-height: 6; padding: 0 1; background: $panel; }
    UploadScreen #upload-busy { height: 1; padding: 0 1; background: $panel; }
    UploadScreen #busy-what { width: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "upload", "Upload", id="upload.upload"),
        Binding("p", "partial", "Partial", id="upload.partial"),
        Binding("m", "match", "Customer match", id="upload.match"),
        Binding("f", "only_refused", "Only refused", show=False, id="upload.refused"),
        Binding("w", "result_file", "Result file", id="upload.result_file"),
        Binding("o", "open_file", "Other file", show=False, id="upload.open"),
        Binding("j", "cursor(1)", "Down", show=False, id="upload.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="upload.up"),
        Binding("escape", "back", "Back", id="upload.back"),
        Binding("q", "close", "Close", show=False, id="upload.close"),
    ]
    #: Seconds between two moves of the progress bar.
    PROGRESS_PERIOD: ClassVar[float] = 0.1

    def __init__(
        self,
        service: Service,
        start: str | None = None,
        remember: Callable[[str], None] | None = None,
    ) -> None:
        """`start`: the folder to begin in (the config's upload_dir); `remember(folder)` is told
        the folder of each file opened."""
        super().__init__()
        self.service = service
        start = os.path.expanduser(start) if start else None
        folder = start if start and Path(start).is_dir() else str(service.transfer.export_folder())
        self.start_text = folder.rstrip(os.sep) + os.sep
        self.remember = remember
        self.step = "file"
        self.path: Path | None = None
        self.original: pc.Sheet | None = None  # as read
        self.sheet: pc.Sheet | None = None  # with the confirmed matches
        self.report: ImportReport | None = None
        self.confirmed: dict[int, str] = {}  # line -> account chosen for Final Matched …
        self.partial = False
        self.only_refused = False
        self.shown: tuple[Line, ...] = ()
        self.busy = ""  # what a worker is doing ("" when idle)
        self.wrote = False

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label("Upload co-sell CSV", id="upload-title", markup=False)
        with ContentSwitcher(initial="step-file", id="upload-steps"):
            yield PathPicker(self.start_text, id="step-file")
            with Vertical(id="step-review"):
                yield Static("", id="review-counts", classes="counts", markup=False)
                yield Static("", id="review-mode", classes="mode", markup=False)
                yield _table("review-table")
            with Vertical(id="step-results"):
                yield Static("", id="results-counts", classes="counts", markup=False)
                yield Static("", id="results-said", classes="mode", markup=False)
                yield _table("results-table")
        yield Static("", id="row-detail", markup=False)  # the highlighted row in full
        with Horizontal(id="upload-busy"):
            yield Label("", id="busy-what", markup=False)
            yield ProgressBar(id="busy-progress", show_eta=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#upload-busy").display = False
        self._show_step("file")

    @property
    def picker(self) -> PathPicker:
        return self.query_one(PathPicker)

    def _show_step(self, step: str) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = f"step-{step}"
        title = {"file": "choose a file", "review": "review", "results": "results"}[step]
        name = f" · {self.path.name}" if self.path is not None and step != "file" else ""
        self.query_one("#upload-title", Label).update(
            printable(f"Upload co-sell CSV{name} · {title}")
        )
        if step == "file":
            self.picker.focus_line()
        else:
            self.query_one(f"#{step}-table", DataTable).focus()
        self._detail()
        self.refresh_bindings()

    @property
    def takes_keys(self) -> bool:
        """Keys wait while a worker runs (KeyHold): those typed before the review's rows arrive
        are for them."""
        return not self.busy

    @property
    def cancel_actions(self) -> tuple[str, ...]:
        """What still goes on at once while keys wait: leaving, unless an upload is written."""
        return () if self.busy.startswith("Uploading") else ("back", "close")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("upload", "partial", "match", "only_refused"):
            if self.step != "review":
                return False
            if action == "match":
                if self.busy:
                    return True  # says to wait (see action_match)
                line = self._highlighted()
                return True if line is not None and line.match else None
            return True
        if action == "result_file":
            return self.step != "file" and self.report is not None
        if action in ("open_file", "cursor"):
            return self.step != "file"
        return True

    # --- the file -----------------------------------------------------------------------------

    @on(PathPicker.Chosen)
    def _file_chosen(self, event: PathPicker.Chosen) -> None:
        event.stop()
        if self.busy:
            self.picker.chosen = False  # the line keeps its keys
            return
        self.path = event.path
        self.confirmed = {}
        self.only_refused = False
        self.report = self.sheet = self.original = None
        if self.remember is not None:
            self.remember(str(event.path.parent))
        self._working(f"Reading {event.path.name}")
        # The review comes at once (its rows when the dry run is done), so keys typed on go
        # to its table, not into the path line
        self.query_one("#review-counts", Static).update(f"Reading {event.path.name}…")
        self.query_one("#review-mode", Static).update("")
        self._show_step("review")
        self._fill("review-table", [])
        self._read(event.path)

    @background(group="upload")
    def _read(self, path: Path) -> None:
        try:
            try:
                data = path.read_bytes()
            except OSError as exc:
                said = f"Cannot read {path}: {exc.strerror or exc}."
                self.app.call_from_thread(self._unreadable, said)
                return
            from cosell_tui.service.errors import ValidationError

            try:
                sheet = self.service.transfer.read(data)
            except ValidationError as exc:
                self.app.call_from_thread(self._unreadable, f"{path.name}: {exc.message}")
                return
            self._try(sheet, fresh=True)
        finally:
            self.app.call_from_thread(self._idle)

    def _unreadable(self, said: str) -> None:
        """Back to the file step, saying why the file cannot be uploaded."""
        self._show_step("file")
        self.picker.say(said)

    def action_open_file(self) -> None:
        if not self.busy:
            self._show_step("file")

    # --- the dry run --------------------------------------------------------------------------

    def _try(self, sheet: pc.Sheet, *, fresh: bool) -> None:
        """In a worker: the dry run of `sheet` (`fresh`: as read from the file), then the
        review."""
        rows = len(sheet.rows)
        self.app.call_from_thread(self._working, f"Checking {rows:,} row(s)", rows)
        tell = throttled(self, self.PROGRESS_PERIOD, self._progress)
        report = self.service.transfer.import_sheet(sheet, dry_run=True, progress=tell)
        self.app.call_from_thread(self._reviewed, sheet, report, fresh)

    def _reviewed(self, sheet: pc.Sheet, report: ImportReport, fresh: bool) -> None:
        if fresh:
            self.original = sheet
        self.sheet, self.report = sheet, report
        self._show_step("review")
        self._fill_review()

    def _fill_review(self) -> None:
        assert self.report is not None and self.sheet is not None
        report = self.report
        rows = len(report.rows)
        waiting = sum(1 for line in self._lines() if line.match)
        text = f"{rows:,} row(s): {counts(report)}"
        if waiting:
            text += f" · {waiting:,} wait for a customer match (m)"
        self.query_one("#review-counts", Static).update(text)
        self._say_mode()
        self._fill(
            "review-table",
            [line for line in self._lines() if line.refused or not self.only_refused],
        )

    def _lines(self) -> tuple[Line, ...]:
        assert self.report is not None and self.sheet is not None
        return lines(self.sheet, self.report, self.confirmed)

    def _say_mode(self) -> None:
        assert self.report is not None
        report = self.report
        good = report.count("created") + report.count("updated")
        refused = report.refused
        blocked = False
        if not good:
            text = "Nothing to write: every row is unchanged or refused."
            blocked = bool(refused)
        elif self.partial:
            text = f"Partial: the {good:,} good row(s) are written"
            text += f", the {refused:,} refused left out." if refused else "."
            text += " p: all or nothing · ctrl+y uploads"
        elif refused:
            blocked = True
            text = (
                f"All or nothing: with {refused:,} refused row(s) nothing would be written. Fix"
                " the file and open it again (o), confirm the customer matches (m), or press p"
                " to write only the good rows."
            )
        else:
            text = "All or nothing: every row is written, or none. p: partial · ctrl+y uploads"
        mode = self.query_one("#review-mode", Static)
        mode.update(text)
        mode.set_class(blocked, "-blocked")

    def _fill(self, table_id: str, shown: list[Line]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        before = table.cursor_row
        table.clear(columns=True)
        wide = self.size.width >= 140
        widths = (4, 37, 28, 16) if wide else (4, 9, 13, 15)
        what = max(20, self.size.width - sum(widths) - 2 * (len(widths) + 1) - 2)
        for label, width in zip(COLUMNS, (*widths, what), strict=True):
            table.add_column(label, width=width)
        self.shown = tuple(shown)
        for line in shown:
            referral = line.referral if wide or len(line.referral) <= 9 else line.referral[:8] + "…"
            cells = (line.customer, f"✘ {line.does}" if line.refused else line.does, line.what)
            table.add_row(
                str(line.line),
                printable(referral),
                *(printable(cell) for cell in cells),  # from the file and the database
                key=str(line.line),
            )
        if shown:
            table.move_cursor(row=max(0, min(before, len(shown) - 1)))
        self._detail()

    def _highlighted(self) -> Line | None:
        if self.step == "file" or not self.shown:
            return None
        table = self.query_one(f"#{self.step}-table", DataTable)
        row = table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()
        self.refresh_bindings()

    def _detail(self) -> None:
        detail = self.query_one("#row-detail", Static)
        detail.display = self.step != "file"
        line = self._highlighted()
        if line is None:
            detail.update("No row is refused." if self.only_refused else "")
            return
        text = f"Line {line.line} · {line.referral} · {line.customer}\n{line.what}"
        if line.match is not None and self.step == "review":
            text += (
                f"\nCustomer matched {line.match.name} ({line.match.category},"
                f" {line.match.confidence} confidence): m keeps it or picks a suggestion."
            )
        detail.update(printable(text))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(f"#{self.step}-table", DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def action_only_refused(self) -> None:
        self.only_refused = not self.only_refused
        if self.report is not None:  # else the rows, when they come, follow it
            self._fill_review()

    def action_partial(self) -> None:
        self.partial = not self.partial
        if self.report is not None:
            self._say_mode()

    # --- account matching ---------------------------------------------------------------------

    def action_match(self) -> None:
        if self.busy:  # only when a key waited longer than KeyHold holds one
            self.notify(f"Wait: {self.busy}…", severity="warning")
            return
        line = self._highlighted()
        if line is None or line.match is None:
            return

        def chosen(account: str | None) -> None:
            if account is None or self.original is None:
                return
            if account:
                self.confirmed[line.line] = account
            else:
                self.confirmed.pop(line.line, None)
            changes = {n: {pc.FINAL_MATCH: a} for n, a in self.confirmed.items()}
            sheet = pc.with_cells(self.original, changes)
            self._working(f"Checking {len(sheet.rows):,} row(s)", len(sheet.rows))
            self._retry(sheet)

        self.app.push_screen(
            MatchPicker(line.line, line.customer, line.match, self.confirmed.get(line.line)),
            chosen,
        )

    @background(group="upload")
    def _retry(self, sheet: pc.Sheet) -> None:
        try:
            self._try(sheet, fresh=False)
        finally:
            self.app.call_from_thread(self._idle)

    # --- the upload ---------------------------------------------------------------------------

    def action_upload(self) -> None:
        report, sheet = self.report, self.sheet
        if self.busy:
            self.notify(f"Wait: {self.busy}…", severity="warning")
            return
        if report is None or sheet is None:
            return
        good = report.count("created") + report.count("updated")
        if not good:
            self.notify("Nothing to write: every row is unchanged or refused.", severity="warning")
            return
        if report.refused and not self.partial:
            self.notify(
                f"{report.refused:,} row(s) are refused: fix them, or press p to write only the"
                " good rows.",
                severity="warning",
            )
            return
        from cosell_tui.screens.dialogs import ConfirmDialog

        created, updated = report.count("created"), report.count("updated")
        name = self.path.name if self.path else "the file"
        body = f"Create {created:,} deal(s) and update {updated:,} from {name}."
        warnings = (
            [f"The {report.refused:,} refused row(s) are left out (partial)."]
            if report.refused
            else []
        )
        partial = self.partial

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._working(f"Uploading {len(sheet.rows):,} row(s)", len(sheet.rows))
                self._upload(sheet, partial)

        self.app.push_screen(
            ConfirmDialog("Upload", body, warnings, confirm_label="Upload"), confirmed
        )

    @background(group="upload")
    def _upload(self, sheet: pc.Sheet, partial: bool) -> None:
        try:
            tell = throttled(self, self.PROGRESS_PERIOD, self._progress)
            report = self.service.transfer.import_sheet(sheet, partial=partial, progress=tell)
            self.app.call_from_thread(self._uploaded, report)
        finally:
            self.app.call_from_thread(self._idle)

    def _uploaded(self, report: ImportReport) -> None:
        assert self.sheet is not None
        self.report = report
        self.wrote = self.wrote or report.written
        summary = report.summary(partial_hint="press p")
        self.notify(
            summary, title="Upload", severity="information" if report.written else "warning"
        )
        self.query_one("#results-counts", Static).update(
            f"{len(report.rows):,} row(s): {counts(report)}"
        )
        said = (
            summary
            if report.written
            else f"{summary} Someone may have changed a deal since the check."
        )
        self.query_one("#results-said", Static).update(
            f"{said} w: result file · esc: back to the deals"
        )
        self._show_step("results")
        self._fill("results-table", list(self._lines()))

    # --- the result file ----------------------------------------------------------------------

    def result_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(f"{self.path.stem}-result.csv")

    def action_result_file(self) -> None:
        if self.busy:
            self.notify(f"Wait: {self.busy}…", severity="warning")
            return
        if self.report is None or self.sheet is None or self.path is None:
            return
        self._working("Writing the result file")
        self._write_result(self.result_path(), self.sheet, self.report)

    @background(group="upload")
    def _write_result(self, path: Path, sheet: pc.Sheet, report: ImportReport) -> None:
        try:
            written = self.service.transfer.write_result(path, sheet, report)
            self.app.call_from_thread(self.notify, f"Wrote the result file {written}", timeout=10)
        finally:
            self.app.call_from_thread(self._idle)

    # --- busy and leaving ---------------------------------------------------------------------

    def _working(self, what: str, total: int | None = None) -> None:
        self.busy = what
        self.query_one("#busy-what", Label).update(f"{what}… ")
        self.query_one("#busy-progress", ProgressBar).update(total=total, progress=0)
        self.query_one("#upload-busy").display = True

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#busy-progress", ProgressBar).update(total=total, progress=done)

    def _idle(self) -> None:
        self.busy = ""
        self.query_one("#upload-busy").display = False

    def action_back(self) -> None:
        if self.step == "review" and not self.busy:
            self._show_step("file")
        else:
            self.action_close()

    def action_close(self) -> None:
        if self.busy.startswith("Uploading"):
            self.notify("The upload is being written; wait for it to finish.", severity="warning")
            return
        self.dismiss(self.wrote)


#: The review's and the results' columns.
COLUMNS = ("Line", "Referral ID", "Customer", "Does", "What")


def _table(table_id: str) -> DataTable[object]:
    return DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
