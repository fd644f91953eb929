"""The main screen: four tabs of deals (D1), a filter line, a preview pane and keyboard triage.

The screen is the keys and the wiring between widgets that own their state (docs/tui.md,
"How the main screen is built"): the tab bar (active tab and counts), one grid per tab (query,
cursor, marks, pages), the filter line, the preview pane (the deal it shows), the status line
(place, unread mail) and the download bar (which writes the download). They tell the screen
what happened by messages; the screen sets their reactives, saves the view in the config
(screens/saved_view.py) and starts the flows (screens/flows.py, `GridFlows`).
It never touches the database itself: every read and write runs in a thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Key
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from cosell_tui.config import Config, TabPrefs
from cosell_tui.domain import Action, Direction, Status
from cosell_tui.domain.tabs import DEFAULT_COLUMNS, GridQuery, SortKey, Tab
from cosell_tui.screens.flows import Flows, GridFlows
from cosell_tui.screens.keys import bound_action, mark_origin
from cosell_tui.screens.saved_view import SavedView
from cosell_tui.widgets.background import run_flow
from cosell_tui.widgets.exportbar import ExportBar
from cosell_tui.widgets.filterline import FilterLine
from cosell_tui.widgets.footer import MainFooter
from cosell_tui.widgets.grid import COLUMN_SORT, DealGrid
from cosell_tui.widgets.live import DatabaseChanged
from cosell_tui.widgets.preview import DealPreview
from cosell_tui.widgets.service_slot import ServiceSlot
from cosell_tui.widgets.statusline import Place, StatusLine, default_order
from cosell_tui.widgets.tabbar import TabBar

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealRow, Outcome
    from cosell_tui.service import Service

TABS: tuple[Tab, ...] = tuple(Tab)

#: What applies to the selected row: (a row is selected, it is a referral to answer, it is
#: open, deals are marked); the footer greys out the keys that do not apply.
NOTHING_APPLIES = (False, False, False, False)


class MainScreen(ServiceSlot, Screen[None]):
    """Tabs, grid, filter, preview, marks and the triage keys."""

    #: The grid has the keys from the start (not the filter line, the first focusable widget),
    #: so the footer is composed once for the grid's keys, not first for the filter line's.
    AUTO_FOCUS = "DealGrid"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "show_tab('inbound')",
            "Inbound",
            show=False,
            id="main.tab_inbound",
            tooltip="Show the Inbound tab",
        ),
        Binding(
            "2",
            "show_tab('outbound')",
            "Outbound",
            show=False,
            id="main.tab_outbound",
            tooltip="Show the Outbound tab",
        ),
        Binding(
            "3",
            "show_tab('favorites')",
            "Favorites",
            show=False,
            id="main.tab_favorites",
            tooltip="Show the Favorites tab",
        ),
        Binding(
            "4",
            "show_tab('closed')",
            "Closed",
            show=False,
            id="main.tab_closed",
            tooltip="Show the Closed tab",
        ),
        Binding(
            "right_square_bracket",
            "next_tab",
            "Next tab",
            show=False,
            id="main.next_tab",
            tooltip="Next tab",
        ),
        Binding(
            "left_square_bracket",
            "prev_tab",
            "Previous tab",
            show=False,
            id="main.prev_tab",
            tooltip="Previous tab",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="main.filter",
            tooltip="Filter deals (the query language)",
        ),
        Binding("a", "accept", "Accept", id="main.accept", tooltip="Accept the selected referral"),
        Binding(
            "d", "decline", "Decline", id="main.decline", tooltip="Decline the selected referral"
        ),
        Binding(
            "f",
            "favorite",
            "♥",
            id="main.favorite",
            tooltip="Toggle favourite ♥ of the selected deal",
        ),
        Binding("enter", "open", "Open", id="main.open", tooltip="Open the selected deal"),
        Binding("n", "new_deal", "New", id="main.new", tooltip="New deal (the wizard)"),
        Binding(
            "e",
            "close_error",
            "Close as error",
            show=False,
            id="main.close_error",
            tooltip="Close the selected deal as error",
        ),
        Binding("p", "preview", "Preview", id="main.preview", tooltip="Toggle the preview pane"),
        Binding(
            "A",
            "bulk_accept",
            "Accept marked",
            show=False,
            id="main.bulk_accept",
            tooltip="Accept the marked deals",
        ),
        Binding(
            "D",
            "bulk_decline",
            "Decline marked",
            show=False,
            id="main.bulk_decline",
            tooltip="Decline the marked deals",
        ),
        Binding(
            "F",
            "bulk_favorite",
            "♥ marked",
            show=False,
            id="main.bulk_favorite",
            tooltip="Add the marked deals to favourites ♥",
        ),
        Binding("c", "columns", "Columns", show=False, id="main.columns", tooltip="Choose columns"),
        Binding(
            "s",
            "sort_next",
            "Sort: next column",
            show=False,
            id="main.sort",
            tooltip="Sort by the next column",
        ),
        Binding(
            "S",
            "sort_reverse",
            "Sort: reverse",
            show=False,
            id="main.sort_reverse",
            tooltip="Reverse the sort",
        ),
        Binding("o", "sort_pick", "Sort by…", show=False, id="main.sort_pick", tooltip="Sort by…"),
        Binding(
            "r", "reload", "Reload", show=False, id="main.reload", tooltip="Reload counts and rows"
        ),
        Binding(
            "x",
            "export_csv",
            "Export CSV",
            show=False,
            id="main.export",
            tooltip="Download this tab (or the marked deals) as Partner Center CSV",
        ),
        Binding(
            "escape",
            "cancel_export",
            "Cancel download",
            show=False,
            id="main.cancel_export",
            tooltip="Stop the download being written (no file is left)",
        ),
        Binding(
            "U",
            "upload_csv",
            "Upload CSV",
            show=False,
            id="main.upload",
            tooltip="Upload a Partner Center co-sell CSV: review, then create and update deals",
        ),
        Binding(
            "y",
            "copy_id",
            "Copy referral ID",
            show=False,
            id="main.copy_id",
            tooltip="Copy the referral ID",
        ),
        Binding(
            "I",
            "insights",
            "Insights",
            show=False,
            id="main.insights",
            tooltip="Insights: the co-sell dashboard",
        ),
        Binding(
            "M",
            "administration",
            "Admin",
            show=False,
            id="main.administration",
            tooltip="Administration: users, locations, exchange rates, the log",
        ),
    ]

    #: The live queue's looks go on while this screen is on top (app.py, `_waits`).
    follows_changes: ClassVar[bool] = True

    #: What applies to the selected row (NOTHING_APPLIES's shape): a change refreshes the footer.
    applies: reactive[tuple[bool, bool, bool, bool]] = reactive(
        NOTHING_APPLIES, bindings=True, repaint=False
    )

    def __init__(self, service: Service | None, config: Config) -> None:
        """`service` None: the app is still opening it (see CosellApp); `service_ready` follows."""
        super().__init__()
        self._service = service
        #: The config in force; the view's changes are saved into its file as they are made.
        self.saved = SavedView(config, lambda said: self.notify(said, severity="warning"))
        #: Tabs whose grid reloads when next shown (a write changed what they list).
        self._stale: set[Tab] = set()
        self._counts_after_first_rows = False
        self._counts_after_rows = False  # after a write: the counts once its rows are read
        self._preview: DealPreview | None = None  # made when first asked for

    @property
    def config(self) -> Config:
        return self.saved.config

    # ---- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TabBar(self._service, id="tabs")
        yield FilterLine(id="filter")
        # The first tab's grid only: another tab's is made when first shown (grid_for), and
        # the preview pane beside them when first asked for (`preview`), so the first frame
        # composes and styles one grid, not four grids and a pane.
        grids = ContentSwitcher(initial=f"grid-{Tab.INBOUND.value}", id="grids")
        with Horizontal(id="body"), grids:
            yield self._new_grid(Tab.INBOUND)
        yield ExportBar(id="export-bar")  # shown while a big download is written
        yield StatusLine(self._service, id="status-line")
        yield MainFooter(compact=True)

    def _new_grid(self, tab: Tab) -> DealGrid:
        prefs = self.config.tab(tab.value)
        columns = prefs.columns or DEFAULT_COLUMNS[tab]
        query = self._query_for(tab, prefs)
        return DealGrid(self._service, query, columns, id=f"grid-{tab.value}")

    def _query_for(self, tab: Tab, prefs: TabPrefs) -> GridQuery:
        sort = COLUMN_SORT.get(prefs.sort) if prefs.sort else None
        return GridQuery(tab, prefs.filter, sort, prefs.descending if sort else False)

    def on_mount(self) -> None:
        self.filter_line.show_text(self.config.tab(self.tab.value).filter)
        self.grid.focus()
        if self.has_service:
            self._first_load()

    def say_opening(self, message: str) -> None:
        """While the app opens the database: what it waits for, on the status line (an
        upgrade's steps, another cosell upgrading or creating it), until the rows come."""
        self.status_line.opening = message

    def service_ready(self, service: Service) -> None:
        """The app opened the database after the first frame: now the rows can come."""
        self.service = service
        slots: list[ServiceSlot] = [self.tabs, self.status_line]
        if self._preview is not None:
            slots.append(self._preview)
        for slot in [*slots, *self.query(DealGrid)]:  # the grids made so far
            slot.service = service
        self.status_line.opening = ""  # no longer what opening waited for
        self._first_load()
        self._update_status()
        self.refresh_bindings()

    def _first_load(self) -> None:
        self.grid.reload(keep_cursor=False)
        # The tab counts (about 1 s at a million deals) and the unread count (which brings in
        # the ORM and the models, ~0.2 s) start once the first rows are painted, so they never
        # compete with the first page for the two cores.
        self._counts_after_first_rows = True

    # ---- accessors ---------------------------------------------------------------------------

    @property
    def grid(self) -> DealGrid:
        return self.query_one(f"#grid-{self.tab.value}", DealGrid)

    def grid_for(self, tab: Tab) -> DealGrid:
        """The tab's grid, made (hidden) the first time it is asked for."""
        for grid in self.query_one(ContentSwitcher).query_children(DealGrid):
            if grid.id == f"grid-{tab.value}":
                return grid
        grid = self._new_grid(tab)
        grid.display = False  # the switcher shows it when it becomes `current`
        self.query_one(ContentSwitcher).mount(grid)
        return grid

    @property
    def filter_line(self) -> FilterLine:
        return self.query_one("#filter", FilterLine)

    @property
    def preview(self) -> DealPreview:
        """The preview pane, made (hidden, beside the grids) the first time it is asked for:
        the first frame does without it."""
        if self._preview is None:
            self._preview = DealPreview(self._service, id="preview")
            self._preview.display = False
            self.query_one("#body").mount(self._preview)
        return self._preview

    def _forget_preview(self) -> None:
        """The preview reads its deal again when next shown (a write changed it); not made
        yet: nothing to forget."""
        if self._preview is not None:
            self._preview.forget()

    def _follow_in_preview(self, row: DealRow | None) -> None:
        if self._preview is not None:  # not made yet: not shown, nothing to follow
            self._preview.follow(row)

    @property
    def tabs(self) -> TabBar:
        return self.query_one("#tabs", TabBar)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one("#status-line", StatusLine)

    @property
    def export_bar(self) -> ExportBar:
        return self.query_one("#export-bar", ExportBar)

    @property
    def tab(self) -> Tab:
        """The tab shown (the tab bar's `active`)."""
        return self.tabs.active

    @property
    def counts(self) -> dict[Tab, int]:
        """Each tab's deal count, once read (the tab bar's `counts`)."""
        return self.tabs.counts

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
        grid = self.grid_for(tab)
        self.tabs.active = tab
        self.query_one(ContentSwitcher).current = grid.id
        self.filter_line.show_text(grid.grid_query.text)
        if not grid.loaded or tab in self._stale:
            self._stale.discard(tab)
            grid.reload(keep_cursor=grid.loaded)
        self.set_focus(grid)  # at once: the next key (typed fast) is checked against it
        self._update_status()
        self._follow_in_preview(grid.selected)

    @on(TabBar.Chosen)
    def _tab_clicked(self, event: TabBar.Chosen) -> None:
        event.stop()
        self.switch_tab(event.tab)

    def _changed(self, *, all_tabs: bool = True) -> None:
        """After a write: reload this grid (cursor kept) and the counts; others on next view.
        The reload first takes the live queue's counter as seen (`adopt_changes`), so the write
        is not reloaded a second time when the next look sees the counter it moved; the counts
        are read once the rows are (after that counter too, and not competing with the rows)."""
        self.grid.reload(keep_cursor=True, before=getattr(self.app, "adopt_changes", None))
        if all_tabs:
            self._stale.update(t for t in TABS if t is not self.tab)
        self._counts_after_rows = True

    @on(DatabaseChanged)
    def _changed_elsewhere(self, _event: DatabaseChanged) -> None:
        """Someone (or this user in another window) changed deals: the queue follows."""
        if self.has_service:
            self.tabs.announce_next()
            self._changed()

    # ---- grid events -------------------------------------------------------------------------

    @on(DealGrid.CursorMoved)
    def _cursor_moved(self, event: DealGrid.CursorMoved) -> None:
        if event.grid is self.grid:
            self._follow_in_preview(event.row)
            self._update_status()

    @on(DealGrid.Loaded)
    def _grid_loaded(self, event: DealGrid.Loaded) -> None:
        if self._counts_after_first_rows:
            self._counts_after_first_rows = False
            # Once the rows are painted, not beside their paint: the unread count imports the
            # ORM in its thread, which would hold the GIL while the rows are drawn.
            self.call_after_refresh(self._after_first_rows)
        if self._counts_after_rows:
            self._counts_after_rows = False
            self.tabs.load_counts()
        rows_shown = getattr(self.app, "rows_shown", None)
        if rows_shown is not None and event.total:
            rows_shown()

    def _after_first_rows(self) -> None:
        self.tabs.load_counts()
        self.refresh_unread()

    @on(DealGrid.Loaded)
    @on(DealGrid.MarksChanged)
    def _grid_changed(self, event: DealGrid.Loaded | DealGrid.MarksChanged) -> None:
        if event.grid is self.grid:
            self._update_status()

    def _update_status(self) -> None:
        """The status line and the footer follow the grid (each redraws only on a change)."""
        grid = self.grid
        self.status_line.place = Place.of(grid)
        self.applies = self._applicable(grid.selected)

    def refresh_unread(self) -> None:
        """Count the user's unread notifications again, for the status line."""
        self.status_line.refresh_unread()

    def _applicable(self, row: DealRow | None) -> tuple[bool, bool, bool, bool]:
        """What applies to `row` (NOTHING_APPLIES's shape)."""
        has_row = row is not None
        if row is not None and self.has_service:
            row = row.as_of(self.service.clock.now())  # an overdue referral reads Expired
        received = (
            row is not None and row.status is Status.NEW and row.direction is Direction.INCOMING
        )
        still_open = row is not None and row.status is not Status.CLOSED
        return (has_row, received, still_open, bool(self.grid.marked))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out in the footer what cannot apply now (no row, not an inbound deal, no marks;
        nothing but the tabs while the database is still being opened)."""
        if not self.has_service and action not in {"show_tab", "next_tab", "prev_tab"}:
            return None
        has_row, received, still_open, marks = self.applies
        if action in {"accept", "decline"}:
            return True if received else None
        if action == "close_error":
            return True if still_open else None
        if action in {"favorite", "open", "preview", "copy_id"}:
            return True if has_row else None
        if action in {"bulk_accept", "bulk_decline", "bulk_favorite"}:
            return True if marks else None
        if action == "cancel_export":  # esc means nothing here but while a download runs
            return self.export_bar.busy
        return True

    #: Actions that may be refused by the rules: a key of one that does not apply says why.
    RULED = {
        "accept": Action.ACCEPT,
        "decline": Action.DECLINE,
        "close_error": Action.CLOSE_AS_ERROR,
    }

    def on_key(self, event: Key) -> None:
        """A key of a greyed-out action on the selected deal: the rules' reason, not silence."""
        mark_origin(self, event)
        action = self.RULED.get(bound_action(self, event.key) or "")
        row = self.grid.selected if self.has_service else None
        if action is not None and row is not None and self.check_action(action.value, ()) is None:
            event.stop()
            run_flow(self, self.flows.detail(row.id, action))

    # ---- filter ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.filter_line.input.focus()

    @on(FilterLine.Applied)
    def _filter_applied(self, event: FilterLine.Applied) -> None:
        grid = self.grid
        query = grid.grid_query
        if event.text != query.text:
            grid.set_query(GridQuery(query.tab, event.text, query.sort, query.descending))
            self.saved.save_tab(self.tab, filter=event.text)
            self._update_status()

    @on(FilterLine.Left)
    def _filter_left(self) -> None:
        self.grid.focus()

    # ---- sort --------------------------------------------------------------------------------

    def _set_sort(self, sort: SortKey | None, descending: bool) -> None:
        grid = self.grid
        q = grid.grid_query
        grid.set_query(GridQuery(q.tab, q.text, sort, descending if sort else False))
        self.saved.save_tab(
            self.tab, sort=sort.value if sort else None, descending=descending if sort else False
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
            self.saved.save_tab(grid.grid_query.tab, columns=None if default else columns)
            self.notify(f"Columns saved for {grid.grid_query.tab.label}.")

        self.app.push_screen(
            ColumnChooser(grid.columns, DEFAULT_COLUMNS[grid.grid_query.tab]), chosen
        )

    # ---- preview -----------------------------------------------------------------------------

    def action_preview(self) -> None:
        preview = self.preview
        preview.display = not preview.display
        preview.forget()
        preview.follow(self.grid.selected)

    # ---- reload and copy ---------------------------------------------------------------------

    def action_insights(self) -> None:
        """The co-sell dashboard (screens/insights.py), for this user's scope."""
        from cosell_tui.screens.insights import InsightsScreen

        self.app.push_screen(InsightsScreen(self.service))

    def action_administration(self) -> None:
        """Users, locations, rates and the log (screens/admin.py), for Referrals admins; anyone
        else is told why not."""
        from cosell_tui.domain import Role
        from cosell_tui.screens.admin import NOT_AN_ADMIN, AdminScreen

        if self.service is None:
            return
        if self.service.user.role is not Role.ADMIN:
            self.app.notify(NOT_AN_ADMIN, title="Administration", severity="warning")
            return
        self.app.push_screen(AdminScreen(self.service))

    def action_reload(self) -> None:
        self._stale.update(TABS)
        self._stale.discard(self.tab)
        self.grid.reload(keep_cursor=True, before=getattr(self.app, "adopt_changes", None))
        self._forget_preview()
        self.tabs.load_counts()
        self.refresh_unread()

    def action_copy_id(self) -> None:
        row = self.grid.selected
        if row is not None:
            self.app.copy_to_clipboard(row.referral_id)
            self.notify(f"Copied referral ID {row.referral_id}")

    # ---- download (Partner Center's co-sell CSV, docs/csv.md: the download bar writes it) -------

    def action_export_csv(self) -> None:
        """Write the current tab with its filter and sort (only the marked rows when rows are
        marked) to a CSV in Partner Center's layout (widgets/exportbar.py)."""
        grid = self.grid
        marked = frozenset(grid.marked) if grid.marked else None
        what = f"{len(marked):,} marked deal(s)" if marked else grid.grid_query.tab.label
        expected = len(marked) if marked else (None if grid.counting else grid.total)
        self.export_bar.download(self.service, grid.grid_query, marked, what, expected)

    def action_cancel_export(self) -> None:
        self.export_bar.cancel()

    def action_upload_csv(self) -> None:
        """The upload screen (screens/upload.py): choose a file, review the dry run, confirm;
        the grids and counts follow when it wrote anything."""
        from cosell_tui.screens.upload import UploadScreen

        def done(wrote: bool | None) -> None:
            if wrote:
                self._forget_preview()
                self._changed()

        saved = self.saved
        screen = UploadScreen(self.service, saved.config.upload_dir, saved.remember_upload_dir)
        self.app.push_screen(screen, done)

    # ---- acting on deals (screens/flows.py: shared with the deal screen and the palette) ------

    @property
    def flows(self) -> Flows:
        return Flows(self.app, self.service)

    @property
    def on_grid(self) -> GridFlows:
        """The flows on this grid's selected or marked deals; after a change, `_after_write`."""
        return GridFlows(self, self.flows, self.grid, self._after_write)

    def _after_write(self) -> None:
        self._forget_preview()
        self._changed()

    def action_accept(self) -> None:
        self.on_grid.on_selected(self.flows.accept)

    def action_decline(self) -> None:
        self.on_grid.on_selected(self.flows.decline)

    def action_close_error(self) -> None:
        self.on_grid.on_selected(self.flows.close_as_error)

    def action_favorite(self) -> None:
        self.on_grid.favorite()

    def action_open(self) -> None:
        row = self.on_grid.selected()
        if row is not None:
            self.open_deal(row.id)

    def open_deal(self, deal_id: int) -> None:
        """The deal screen; previous/next follow this grid's order (the palette uses it too)."""
        try:
            from cosell_tui.screens.deal import DealScreen
        except ImportError:
            self.notify("The deal screen is not available in this build.", severity="warning")
            return
        screen = DealScreen(self.service, deal_id, self.grid.grid_query)
        self.app.push_screen(screen, self._back_from_deal)

    def _back_from_deal(self, deal_id: int | None) -> None:
        self.action_reload()
        if deal_id is not None:
            self.grid.select_deal(deal_id)

    def action_new_deal(self) -> None:
        """The wizard; for a Microsoft seller, a referral sent to a partner instead (D12)."""
        from cosell_tui.domain import Role

        if self.service.user.role is Role.MICROSOFT_SELLER:
            self.on_grid.run(self.flows.send_referral())
            return
        from cosell_tui.screens.wizard import NewDealScreen  # the wizard loads on first use

        self.app.push_screen(NewDealScreen(self.service), self._created)

    def _created(self, outcome: Outcome | None) -> None:
        if outcome is not None:
            self.flows.tell(outcome)
            self._changed()

    # ---- bulk triage on the marked deals (GridFlows.on_marked) ----------------------------

    def action_bulk_accept(self) -> None:
        self.on_grid.on_marked(self.flows.bulk_accept)

    def action_bulk_decline(self) -> None:
        self.on_grid.on_marked(self.flows.bulk_decline)

    def action_bulk_favorite(self) -> None:
        self.on_grid.bulk_favorite()
