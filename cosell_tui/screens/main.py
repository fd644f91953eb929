"""The main screen: four tabs of deals (D1), a filter line, a preview pane and keyboard triage.

The screen translates keys into service calls and renders the answers; it never touches the
database itself. Every read and write runs in a thread worker and comes back with
`call_from_thread`, so a key press is answered within a frame whatever the database does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from cosell_tui.config import Config, ConfigError, TabPrefs, save_config
from cosell_tui.domain import Action
from cosell_tui.domain.views import (
    DEFAULT_COLUMNS,
    BulkResult,
    DealDetail,
    DealRow,
    GridQuery,
    Outcome,
    SortKey,
    Tab,
)
from cosell_tui.service.errors import ConflictError, CosellError, ValidationError
from cosell_tui.widgets.filterline import FilterLine
from cosell_tui.widgets.grid import COLUMN_SORT, DealGrid
from cosell_tui.widgets.preview import DealPreview
from cosell_tui.widgets.service_slot import ServiceSlot
from cosell_tui.widgets.tabbar import TabBar

if TYPE_CHECKING:
    from cosell_tui.service import Service

TABS: tuple[Tab, ...] = tuple(Tab)
DEFAULT_ORDER = {Tab.INBOUND: "soonest expiry"}
CONFLICT = "“{name}” was changed by someone else — press r to reload"


def message_of(exc: BaseException) -> str:
    """A refusal's own words; anything else by its type, so a bug is visible but not fatal."""
    if isinstance(exc, CosellError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def default_order(tab: Tab) -> str:
    return DEFAULT_ORDER.get(tab, "newest first")


class MainScreen(ServiceSlot, Screen[None]):
    """Tabs, grid, filter, preview, marks and the triage keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('inbound')", "Inbound", show=False, id="main.tab_inbound"),
        Binding("2", "show_tab('outbound')", "Outbound", show=False, id="main.tab_outbound"),
        Binding("3", "show_tab('favorites')", "Favorites", show=False, id="main.tab_favorites"),
        Binding("4", "show_tab('closed')", "Closed", show=False, id="main.tab_closed"),
        Binding("right_square_bracket", "next_tab", "Next tab", show=False, id="main.next_tab"),
        Binding("left_square_bracket", "prev_tab", "Previous tab", show=False, id="main.prev_tab"),
        Binding("slash", "filter", "Filter", id="main.filter"),
        Binding("a", "accept", "Accept", id="main.accept"),
        Binding("d", "decline", "Decline", id="main.decline"),
        Binding("f", "favorite", "♥", id="main.favorite"),
        Binding("enter", "open", "Open", id="main.open"),
        Binding("n", "new_deal", "New", id="main.new"),
        Binding("e", "close_error", "Close as error", show=False, id="main.close_error"),
        Binding("p", "preview", "Preview", id="main.preview"),
        Binding("A", "bulk_accept", "Accept marked", show=False, id="main.bulk_accept"),
        Binding("D", "bulk_decline", "Decline marked", show=False, id="main.bulk_decline"),
        Binding("F", "bulk_favorite", "♥ marked", show=False, id="main.bulk_favorite"),
        Binding("c", "columns", "Columns", show=False, id="main.columns"),
        Binding("s", "sort_next", "Sort: next column", show=False, id="main.sort"),
        Binding("S", "sort_reverse", "Sort: reverse", show=False, id="main.sort_reverse"),
        Binding("o", "sort_pick", "Sort by…", show=False, id="main.sort_pick"),
        Binding("r", "reload", "Reload", show=False, id="main.reload"),
        Binding("y", "copy_id", "Copy referral ID", show=False, id="main.copy_id"),
    ]

    def __init__(self, service: Service | None, config: Config) -> None:
        """`service` None: the app is still opening it (see CosellApp); `service_ready` follows."""
        super().__init__()
        self._service = service
        self.config = config
        self.tab: Tab = Tab.INBOUND
        self.counts: dict[Tab, int] = {}
        self._stale: set[Tab] = set()
        self._preview_for: int | None = None
        self._applies: tuple[bool, ...] = ()
        self._counts_after_first_rows = False

    # ---- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TabBar(id="tabs")
        yield FilterLine(self._service, id="filter")
        with Horizontal(id="body"):
            with ContentSwitcher(initial=f"grid-{Tab.INBOUND.value}", id="grids"):
                for tab in TABS:
                    prefs = self.config.tab(tab.value)
                    yield DealGrid(
                        self._service,
                        self._query_for(tab, prefs),
                        prefs.columns or DEFAULT_COLUMNS[tab],
                        id=f"grid-{tab.value}",
                    )
            yield DealPreview(id="preview")
        yield Static("", id="status-line", markup=False)
        yield Footer(compact=True)

    def _query_for(self, tab: Tab, prefs: TabPrefs) -> GridQuery:
        sort = COLUMN_SORT.get(prefs.sort) if prefs.sort else None
        return GridQuery(tab, prefs.filter, sort, prefs.descending if sort else False)

    def on_mount(self) -> None:
        self.query_one("#preview", DealPreview).display = False
        self.filter_line.show_text(self.config.tab(self.tab.value).filter)
        self.grid.focus()
        if self.has_service:
            self._first_load()

    def service_ready(self, service: Service) -> None:
        """The app opened the database after the first frame: now the rows can come."""
        self.service = service
        self.filter_line.service = service
        for tab in TABS:
            self.grid_for(tab).service = service
        self._first_load()
        self.refresh_bindings()

    def _first_load(self) -> None:
        self.grid.reload(keep_cursor=False)
        # The tab counts (about 1 s at a million deals) start once the first rows are painted,
        # so they never compete with the first page for the two cores.
        self._counts_after_first_rows = True

    # ---- accessors ---------------------------------------------------------------------------

    @property
    def grid(self) -> DealGrid:
        return self.query_one(f"#grid-{self.tab.value}", DealGrid)

    def grid_for(self, tab: Tab) -> DealGrid:
        return self.query_one(f"#grid-{tab.value}", DealGrid)

    @property
    def filter_line(self) -> FilterLine:
        return self.query_one("#filter", FilterLine)

    @property
    def preview(self) -> DealPreview:
        return self.query_one("#preview", DealPreview)

    # ---- tabs and counts ---------------------------------------------------------------------

    def action_show_tab(self, name: str) -> None:
        self.switch_tab(Tab(name))

    def action_next_tab(self) -> None:
        self.switch_tab(TABS[(TABS.index(self.tab) + 1) % len(TABS)])

    def action_prev_tab(self) -> None:
        self.switch_tab(TABS[(TABS.index(self.tab) - 1) % len(TABS)])

    def switch_tab(self, tab: Tab) -> None:
        if tab is self.tab:
            return
        self.tab = tab
        self.query_one(TabBar).active = tab
        self.query_one(ContentSwitcher).current = f"grid-{tab.value}"
        grid = self.grid
        self.filter_line.show_text(grid.grid_query.text)
        if not grid.loaded or tab in self._stale:
            self._stale.discard(tab)
            grid.reload(keep_cursor=grid.loaded)
        grid.focus()
        self._update_status()
        self._follow_cursor(grid.selected)

    @on(TabBar.Chosen)
    def _tab_clicked(self, event: TabBar.Chosen) -> None:
        event.stop()
        self.switch_tab(event.tab)

    @work(thread=True, exclusive=True, group="tab-counts")
    def _load_counts(self) -> None:
        try:
            counts = self.service.listing.tab_counts()
        except Exception as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: dict[Tab, int]) -> None:
        self.counts = counts
        self.query_one(TabBar).counts = counts

    def _changed(self, *, all_tabs: bool = True) -> None:
        """After a write: reload this grid (cursor kept) and the counts; others on next view."""
        self.grid.reload(keep_cursor=True)
        if all_tabs:
            self._stale.update(t for t in TABS if t is not self.tab)
        self._load_counts()

    # ---- grid events -------------------------------------------------------------------------

    @on(DealGrid.CursorMoved)
    def _cursor_moved(self, event: DealGrid.CursorMoved) -> None:
        if event.grid is self.grid:
            self._follow_cursor(event.row)
            self._update_status()

    @on(DealGrid.Loaded)
    def _grid_loaded(self, event: DealGrid.Loaded) -> None:
        if self._counts_after_first_rows:
            self._counts_after_first_rows = False
            self._load_counts()
        rows_shown = getattr(self.app, "rows_shown", None)
        if rows_shown is not None and event.total:
            rows_shown()

    @on(DealGrid.Loaded)
    @on(DealGrid.MarksChanged)
    def _grid_changed(self, event: DealGrid.Loaded | DealGrid.MarksChanged) -> None:
        if event.grid is self.grid:
            self._update_status()

    @on(DealGrid.LoadFailed)
    def _grid_failed(self, event: DealGrid.LoadFailed) -> None:
        self.notify(message_of(event.error), title="Could not load deals", severity="error")

    def _update_status(self) -> None:
        grid = self.grid
        q = grid.grid_query
        parts = [f"{min(grid.cursor + 1, grid.total):,} of {grid.total:,}" if grid.loaded else "…"]
        if grid.counting:
            parts[0] += "+ (counting…)"
        if grid.marked:
            parts.append(f"{len(grid.marked):,} marked (A accept · D decline · F ♥ · u clear)")
        order = q.sort.label if q.sort else default_order(q.tab)
        if q.sort:
            order += " ↓" if q.descending else " ↑"
        parts.append(f"sort: {order}")
        if q.text:
            parts.append(f"filter: {q.text}")
        text = "  ·  ".join(parts)
        status = self.query_one("#status-line", Static)
        if status.content != text:  # fixed height: no layout pass, so a cursor move stays small
            status.update(text, layout=False)
        applies = self._applicable(grid.selected)
        if applies != self._applies:
            self._applies = applies
            self.refresh_bindings()

    def _applicable(self, row: DealRow | None) -> tuple[bool, ...]:
        has_row = row is not None
        return (has_row, has_row and self.tab is Tab.INBOUND, bool(self.grid.marked))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out in the footer what cannot apply now (no row, not an inbound deal, no marks;
        nothing but the tabs while the database is still being opened)."""
        if not self.has_service and action not in {"show_tab", "next_tab", "prev_tab"}:
            return None
        has_row, inbound, marks = self._applies or (False, False, False)
        if action in {"accept", "decline"}:
            return True if inbound else None
        if action in {"favorite", "open", "close_error", "preview", "copy_id"}:
            return True if has_row else None
        if action in {"bulk_accept", "bulk_decline", "bulk_favorite"}:
            return True if marks else None
        return True

    # ---- filter ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.filter_line.input.focus()

    @on(FilterLine.Applied)
    def _filter_applied(self, event: FilterLine.Applied) -> None:
        grid = self.grid
        query = grid.grid_query
        if event.text != query.text:
            grid.set_query(GridQuery(query.tab, event.text, query.sort, query.descending))
            self._save_prefs(filter=event.text)
            self._update_status()

    @on(FilterLine.Left)
    def _filter_left(self) -> None:
        self.grid.focus()

    # ---- sort --------------------------------------------------------------------------------

    def _set_sort(self, sort: SortKey | None, descending: bool) -> None:
        grid = self.grid
        q = grid.grid_query
        grid.set_query(GridQuery(q.tab, q.text, sort, descending if sort else False))
        self._save_prefs(
            sort=sort.value if sort else None, descending=descending if sort else False
        )
        self._update_status()

    def action_sort_next(self) -> None:
        """Cycle the sort through the shown columns, then back to the tab's default order."""
        keys = [COLUMN_SORT[c] for c in self.grid.columns if c in COLUMN_SORT]
        current = self.grid.grid_query.sort
        cycle: list[SortKey | None] = [None, *keys]
        position = cycle.index(current) if current in cycle else 0
        following = cycle[(position + 1) % len(cycle)]
        self._set_sort(following, self.grid.grid_query.descending)

    def action_sort_reverse(self) -> None:
        q = self.grid.grid_query
        if q.sort is None:
            # The default orders have a direction (soonest expiry, newest first): flip it.
            natural_descending = q.tab is not Tab.INBOUND
            sort = SortKey.CREATED if natural_descending else SortKey.EXPIRES
            self._set_sort(sort, not natural_descending)
        else:
            self._set_sort(q.sort, not q.descending)

    def action_sort_pick(self) -> None:
        from cosell_tui.screens.pickers import SortPicker

        q = self.grid.grid_query

        def picked(choice: tuple[SortKey | None, bool] | None) -> None:
            if choice is not None:
                self._set_sort(*choice)

        self.app.push_screen(SortPicker(q.sort, q.descending, default_order(q.tab)), picked)

    # ---- columns and config ------------------------------------------------------------------

    def action_columns(self) -> None:
        from cosell_tui.screens.pickers import ColumnChooser

        grid = self.grid

        def chosen(columns: tuple[str, ...] | None) -> None:
            if columns is None:
                return
            grid.set_columns(columns)
            default = columns == DEFAULT_COLUMNS[grid.grid_query.tab]
            self._save_prefs(columns=None if default else columns)
            self.notify(f"Columns saved for {grid.grid_query.tab.label}.")

        self.app.push_screen(
            ColumnChooser(grid.columns, DEFAULT_COLUMNS[grid.grid_query.tab]), chosen
        )

    def _save_prefs(self, **changes: Any) -> None:
        """Remember this tab's view in the config file (a tiny write, not database work)."""
        name = self.tab.value
        prefs = self.config.tab(name)
        values = {
            "columns": prefs.columns,
            "filter": prefs.filter,
            "sort": prefs.sort,
            "descending": prefs.descending,
            **changes,
        }
        self.config = self.config.with_tab(name, TabPrefs(**values))
        try:
            save_config(self.config)
        except (OSError, ConfigError) as exc:  # unwritable, or the file is no longer TOML
            self.notify(f"Could not save the config: {exc}", severity="warning")

    # ---- preview -----------------------------------------------------------------------------

    def action_preview(self) -> None:
        preview = self.preview
        preview.display = not preview.display
        self._preview_for = None
        self._follow_cursor(self.grid.selected)

    def _follow_cursor(self, row: DealRow | None) -> None:
        if not self.preview.display:
            return
        if row is None:
            self.preview.show(None, self.service.clock.now())
            self._preview_for = None
            return
        if row.id == self._preview_for:
            return
        self._preview_for = row.id
        self._load_preview(row.id)

    @work(thread=True, exclusive=True, group="preview")
    def _load_preview(self, deal_id: int) -> None:
        try:
            detail = self.service.listing.deal(deal_id)
        except Exception as exc:
            self.app.call_from_thread(self.preview.show_message, message_of(exc))
            return
        self.app.call_from_thread(self._show_preview, detail)

    def _show_preview(self, detail: DealDetail) -> None:
        if detail.row.id == self._preview_for:
            self.preview.show(detail, self.service.clock.now())

    # ---- reload and copy ---------------------------------------------------------------------

    def action_reload(self) -> None:
        self._stale.update(TABS)
        self._stale.discard(self.tab)
        self.grid.reload(keep_cursor=True)
        self._preview_for = None
        self._load_counts()

    def action_copy_id(self) -> None:
        row = self.grid.selected
        if row is not None:
            self.app.copy_to_clipboard(row.referral_id)
            self.notify(f"Copied referral ID {row.referral_id}")

    # ---- running a use case ------------------------------------------------------------------

    @work(thread=True, group="writes")
    def _run(
        self,
        name: str,
        call: Callable[[], Any],
        done: Callable[[Any], None],
        invalid: Callable[[ValidationError], None] | None = None,
    ) -> None:
        """Run one service call off the event loop and report the outcome as a toast."""
        try:
            result = call()
        except ValidationError as exc:
            if invalid is not None:
                self.app.call_from_thread(invalid, exc)
            else:
                self.app.call_from_thread(self._refused, exc.message)
            return
        except ConflictError:
            self.app.call_from_thread(self._conflict, name)
            return
        except CosellError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        except Exception as exc:  # a bug or a lost database: say so, keep the app alive
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(done, result)

    def _failed(self, exc: Exception) -> None:
        self.log.error(repr(exc))
        self.notify(message_of(exc), title="Something went wrong", severity="error", timeout=10)

    def _refused(self, message: str) -> None:
        self.notify(message, title="Not done", severity="error")

    def _conflict(self, name: str) -> None:
        self.notify(CONFLICT.format(name=name), title="Conflict", severity="warning", timeout=8)

    def _outcome(self, outcome: Outcome) -> None:
        message = outcome.message
        if outcome.warnings:
            message += "\n" + "\n".join(f"⚠ {w}" for w in outcome.warnings)
        self.notify(message)
        self._preview_for = None
        self._changed()

    @work(thread=True, exclusive=True, group="detail")
    def _with_detail(
        self, deal_id: int, action: Action | None, then: Callable[[DealDetail], None]
    ) -> None:
        """Load the deal, check the rules allow `action`, then continue on the event loop."""
        try:
            detail = self.service.listing.deal(deal_id)
        except CosellError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        except Exception as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        if action is not None and action not in detail.decision.allowed:
            reason = detail.decision.refusals.get(action) or f"{action.label} is not allowed now."
            self.app.call_from_thread(self._refused, reason)
            return
        self.app.call_from_thread(then, detail)

    def _selected_or_none(self) -> DealRow | None:
        row = self.grid.selected
        if row is None:
            self.notify("No deal selected.", severity="warning")
        return row

    # ---- triage on the selected deal ---------------------------------------------------------

    def action_accept(self) -> None:
        row = self._selected_or_none()
        if row is not None:
            self._with_detail(row.id, Action.ACCEPT, self._ask_accept)

    def _ask_accept(
        self, detail: DealDetail, form: Any = None, errors: Any = None, message: str = ""
    ) -> None:
        from cosell_tui.screens.dialogs import AcceptDialog

        def submitted(result: Any) -> None:
            if result is None:
                return
            row = detail.row
            self._run(
                row.name,
                lambda: self.service.lifecycle.accept(row.id, row.version, result),
                self._outcome,
                lambda exc: self._ask_accept(detail, result, exc.fields, exc.message),
            )

        self.app.push_screen(
            AcceptDialog(detail, form=form, errors=errors, message=message), submitted
        )

    def action_decline(self) -> None:
        row = self._selected_or_none()
        if row is not None:
            self._with_detail(row.id, Action.DECLINE, self._ask_decline)

    def _ask_decline(
        self, detail: DealDetail, values: Any = None, errors: Any = None, message: str = ""
    ) -> None:
        from cosell_tui.screens.dialogs import DeclineDialog

        self._ask_final_close(
            detail,
            DeclineDialog,
            "Decline",
            self.service.lifecycle.decline,
            self._ask_decline,
            values,
            errors,
            message,
        )

    def action_close_error(self) -> None:
        row = self._selected_or_none()
        if row is not None:
            self._with_detail(row.id, Action.CLOSE_AS_ERROR, self._ask_error)

    def _ask_error(
        self, detail: DealDetail, values: Any = None, errors: Any = None, message: str = ""
    ) -> None:
        from cosell_tui.screens.dialogs import ErrorDialog

        self._ask_final_close(
            detail,
            ErrorDialog,
            "Close as error",
            self.service.lifecycle.close_as_error,
            self._ask_error,
            values,
            errors,
            message,
        )

    def _ask_final_close(
        self,
        detail: DealDetail,
        dialog: Callable[..., Any],
        verb: str,
        use_case: Callable[[int, int, Any, str], Outcome],
        again: Callable[..., None],
        values: Any,
        errors: Any,
        message: str,
    ) -> None:
        """Ask a reason and notes, confirm once more (the change is final), then run the use case.

        A refusal reopens the dialog (`again`) with what was typed and the field messages.
        """
        from cosell_tui.screens.dialogs import ConfirmDialog

        row = detail.row

        def submitted(result: tuple[Any, str] | None) -> None:
            if result is None:
                return
            reason, notes = result

            def confirmed(yes: bool | None) -> None:
                if not yes:
                    return
                self._run(
                    row.name,
                    lambda: use_case(row.id, row.version, reason, notes),
                    self._outcome,
                    lambda exc: again(
                        detail, {"reason": reason, "notes": notes}, exc.fields, exc.message
                    ),
                )

            # Terminal transitions are confirmed once more (as on the deal screen).
            body = f"{verb} “{row.name}”: {reason.label}.\nThis is final."
            self.app.push_screen(ConfirmDialog(f"{verb}?", body), confirmed)

        self.app.push_screen(dialog(1, values=values, errors=errors, message=message), submitted)

    def action_favorite(self) -> None:
        row = self._selected_or_none()
        if row is None:
            return

        def done(on: bool) -> None:
            verb = "♥ Added “{}” to" if on else "Removed “{}” from"
            self.notify(verb.format(row.name) + " favourites.")
            self._changed()

        self._run(row.name, lambda: self.service.listing.toggle_favorite(row.id), done)

    def action_open(self) -> None:
        row = self._selected_or_none()
        if row is not None:
            self.open_deal(row.id)

    def open_deal(self, deal_id: int) -> None:
        """The deal screen; previous/next follow this grid's order (the palette uses it too)."""
        try:
            from cosell_tui.screens.deal import DealScreen
        except ImportError:
            self.notify("The deal screen is not available in this build.", severity="warning")
            return
        screen = DealScreen(self.service, deal_id, self.grid.neighbour)
        self.app.push_screen(screen, lambda _: self.action_reload())

    def action_new_deal(self) -> None:
        try:
            from cosell_tui.screens.wizard import NewDealScreen
        except ImportError:
            self.notify(
                "The New Deal wizard is not available in this build yet.", severity="warning"
            )
            return
        self.app.push_screen(NewDealScreen(self.service), self._created)

    def _created(self, outcome: Outcome | None) -> None:
        if outcome is not None:
            self._outcome(outcome)

    # ---- bulk triage on the marked deals -----------------------------------------------------

    def _marked_or_none(self) -> frozenset[int] | None:
        """A snapshot of the marks; sorted in the worker, so a million marks confirm at once."""
        marked = frozenset(self.grid.marked)
        if not marked:
            self.notify(
                "Mark deals first: space marks one, v a range, * all matching.", severity="warning"
            )
            return None
        return marked

    def _confirm(self, title: str, body: str, then: Callable[[], object]) -> None:
        from cosell_tui.screens.dialogs import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(title, body), confirmed)

    def action_bulk_accept(self) -> None:
        ids = self._marked_or_none()
        if ids is None:
            return
        body = (
            f"Accept {len(ids):,} marked deal(s) with each referral's own values?\n"
            "Deals the rules refuse are listed afterwards and stay marked."
        )
        self._confirm(
            f"Accept {len(ids):,} deals",
            body,
            lambda: self._run(
                "marked deals",
                lambda: self.service.lifecycle.bulk_accept(sorted(ids)),
                self._bulk_done("Accepted"),
            ),
        )

    def action_bulk_decline(self) -> None:
        from cosell_tui.screens.dialogs import DeclineDialog

        ids = self._marked_or_none()
        if ids is None:
            return

        def submitted(result: tuple[Any, str] | None) -> None:
            if result is not None:
                reason, notes = result
                self._run(
                    "marked deals",
                    lambda: self.service.lifecycle.bulk_decline(sorted(ids), reason, notes),
                    self._bulk_done("Declined"),
                )

        # The dialog names the count ("Decline: 12 deals") and is the one confirmation.
        self.app.push_screen(DeclineDialog(len(ids)), submitted)

    def action_bulk_favorite(self) -> None:
        ids = self._marked_or_none()
        if ids is None:
            return
        self._confirm(
            f"Favourite {len(ids):,} deals",
            f"Add {len(ids):,} marked deal(s) to your favourites?",
            lambda: self._run(
                "marked deals",
                lambda: self.service.listing.bulk_favorite(sorted(ids), True),
                self._bulk_done("Added to ♥"),
            ),
        )

    def _bulk_done(self, verb: str) -> Callable[[BulkResult], None]:
        def done(result: BulkResult) -> None:
            self.grid.forget_marks(row.id for row in result.done)
            self.notify(
                bulk_summary(verb, result),
                severity="warning" if result.refused else "information",
                timeout=10,
            )
            self._changed()

        return done


def bulk_summary(verb: str, result: BulkResult, limit: int = 8) -> str:
    """'Accepted 5 of 6.' plus one line per refused deal with the rule's reason."""
    total = len(result.done) + len(result.refused)
    lines = [f"{verb} {len(result.done):,} of {total:,}."]
    for _, name, reason in result.refused[:limit]:
        lines.append(f"✘ {name}: {reason}")
    if len(result.refused) > limit:
        lines.append(f"… and {len(result.refused) - limit:,} more refused (still marked).")
    return "\n".join(lines)
