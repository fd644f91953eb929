"""The deal grid: a window over SQL that draws only the rows on screen (docs/tui.md).

Why not DataTable: it holds every row as widgets' data and freezes for seconds past a few
thousand. This is toolong's LogLines pattern: a Line-API `ScrollView` whose virtual height is
the `count(*)` of the query; `render_line` paints one row from a small LRU of pages fetched by
a thread worker (`service.listing.page`), and draws a placeholder until its page arrives. Moving the
cursor repaints two lines, so it costs the same with 100 or 1,000,000 deals.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from cosell_tui.domain import Direction
from cosell_tui.domain import format as fmt
from cosell_tui.domain.tabs import DEFAULT_COLUMNS, GridQuery, SortKey
from cosell_tui.widgets.background import background
from cosell_tui.widgets.service_slot import ServiceSlot

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealRow, Page
    from cosell_tui.service import Service

PAGE_SIZE = 100
CACHED_PAGES = 24  # 2,400 rows: a few screens either side of the cursor
URGENT_HOURS = 48  # the reminder window (D11): an inbound deal this close to expiry shows red


# --- columns ------------------------------------------------------------------------------------


def is_urgent(row: DealRow, now: datetime) -> bool:
    """An open inbound referral with less than 48 hours left."""
    if row.expires_at is None or row.direction is not Direction.INCOMING:
        return False
    left = (row.expires_at - now).total_seconds()
    return left < URGENT_HOURS * 3600


def money(row: DealRow) -> str:
    """The amount in whole units with the ISO code: '48,000 EUR'."""
    return fmt.money(row.value, row.currency, whole=True)


def _type_label(row: DealRow) -> str:
    return row.deal_type.label + (" P2P" if row.p2p else "")


@dataclass(frozen=True, slots=True)
class Column:
    """One grid column: header, width (0 = shares the free space), alignment and a formatter."""

    id: str
    header: str
    width: int
    render: Callable[[DealRow, datetime], str]
    right: bool = False
    min_width: int = 0


COLUMNS: dict[str, Column] = {
    c.id: c
    for c in (
        Column("name", "Deal name", 0, lambda r, _: r.name, min_width=16),
        Column("customer", "Customer", 0, lambda r, _: r.customer_name, min_width=12),
        Column("type", "Type", 11, lambda r, _: _type_label(r)),
        Column("status", "Status", 8, lambda r, now: r.as_of(now).substatus.label),
        Column("value", "Value", 15, lambda r, _: money(r), right=True),
        Column("close", "Close date", 10, lambda r, _: r.close_date.isoformat()),
        Column("country", "Country", 7, lambda r, _: r.country),
        Column("created", "Created", 10, lambda r, _: r.created_at.date().isoformat()),
        Column("expires", "Expires in", 10, lambda r, now: fmt.countdown(r.expires_at, now)),
        Column(
            "closed",
            "Closed on",
            10,
            lambda r, _: r.closed_at.date().isoformat() if r.closed_at else "",
        ),
        Column("msstatus", "MS status", 9, lambda r, _: r.microsoft_status.label),
        Column(
            "role", "Partner role", 14, lambda r, _: r.partner_role.label if r.partner_role else ""
        ),
        Column("program", "Program", 12, lambda r, _: r.partner_program or ""),
        Column("id", "Referral ID", 36, lambda r, _: r.referral_id),
        Column("crm", "CRM ID", 12, lambda r, _: r.crm_id or ""),
        Column("fav", "♥", 1, lambda r, _: "♥" if r.favorite else ""),
    )
}

#: The sort key of each column (the fav column has none).
COLUMN_SORT: dict[str, SortKey] = {key.value: key for key in SortKey}


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut to exactly `width` cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    pad = width - cell_len(text)
    return " " * pad + text if right else text + " " * pad


def layout(columns: Iterable[str], width: int) -> list[tuple[Column, int]]:
    """Widths for the chosen columns: fixed ones as declared, the rest share what is left."""
    chosen = [COLUMNS[c] for c in columns if c in COLUMNS]
    gaps = max(len(chosen) - 1, 0)
    fixed = sum(c.width for c in chosen if c.width) + gaps
    flexible = [c for c in chosen if not c.width]
    free = max(width - fixed, 0)
    widths: dict[str, int] = {}
    weights = {"name": 3, "customer": 2}
    total_weight = sum(weights.get(c.id, 1) for c in flexible) or 1
    for c in flexible:
        widths[c.id] = max(c.min_width, free * weights.get(c.id, 1) // total_weight)
    return [(c, c.width or widths[c.id]) for c in chosen]


# --- the widget ---------------------------------------------------------------------------------


@dataclass
class _Window:
    """What the grid shows: one query, its total, and the pages fetched so far."""

    query: GridQuery
    generation: int = 0  # bumped by every reload; stale worker results are dropped
    shown: int = 0  # the generation whose rows are on screen
    total: int = 0
    loaded: bool = False
    counting: bool = False  # rows are shown, the total is still being counted (a lower bound)
    pages: OrderedDict[int, tuple[DealRow, ...]] = field(default_factory=OrderedDict)


class DealGrid(ServiceSlot, ScrollView, can_focus=True):
    """A keyboard-driven, SQL-paged list of deals with a cursor and marks."""

    DEFAULT_CSS = """
    DealGrid {
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    DealGrid > .grid--header { text-style: bold; color: $text-muted; background: $panel; }
    DealGrid > .grid--cursor { background: $block-cursor-blurred-background; }
    DealGrid:focus > .grid--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    DealGrid > .grid--marked { color: $text-accent; text-style: bold; }
    DealGrid > .grid--placeholder { color: $text-disabled; }
    DealGrid > .grid--urgent { color: $text-error; text-style: bold; }
    DealGrid > .grid--fav { color: $text-error; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header",
        "grid--cursor",
        "grid--marked",
        "grid--placeholder",
        "grid--urgent",
        "grid--fav",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="grid.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="grid.up"),
        Binding("g,home", "cursor_first", "First", show=False, id="grid.first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="grid.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="grid.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="grid.page_up"),
        Binding("ctrl+d", "half_down", "Half page down", show=False, id="grid.half_down"),
        Binding("ctrl+u", "half_up", "Half page up", show=False, id="grid.half_up"),
        Binding("h,left", "pan(-10)", "Scroll left", show=False, id="grid.left"),
        Binding("l,right", "pan(10)", "Scroll right", show=False, id="grid.right"),
        Binding("space", "toggle_mark", "Mark", show=False, id="grid.mark"),
        Binding("v", "mark_range", "Mark range", show=False, id="grid.mark_range"),
        Binding("asterisk", "mark_all", "Mark all", show=False, id="grid.mark_all"),
        Binding("u", "clear_marks", "Unmark", show=False, id="grid.unmark"),
    ]

    cursor: reactive[int] = reactive(0, init=False, repaint=False)

    class CursorMoved(Message):
        """The selected row changed (or its data arrived); the preview follows it."""

        def __init__(self, grid: DealGrid, row: DealRow | None) -> None:
            super().__init__()
            self.grid = grid
            self.row = row

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DealGrid.CursorMoved) and message.grid is self.grid

        @property
        def control(self) -> DealGrid:
            return self.grid

    class Loaded(Message):
        """A new count (and first rows) arrived for the grid's query."""

        def __init__(self, grid: DealGrid, total: int) -> None:
            super().__init__()
            self.grid = grid
            self.total = total

        @property
        def control(self) -> DealGrid:
            return self.grid

    class MarksChanged(Message):
        def __init__(self, grid: DealGrid, count: int) -> None:
            super().__init__()
            self.grid = grid
            self.count = count

        @property
        def control(self) -> DealGrid:
            return self.grid

    def __init__(
        self,
        service: Service | None,
        query: GridQuery,
        columns: Iterable[str] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._service = service
        self._window = _Window(query)
        self._generation_lock = threading.Lock()
        self.columns: tuple[str, ...] = tuple(columns or DEFAULT_COLUMNS[query.tab])
        self.marked: set[int] = set()
        self._anchor: int | None = None
        self._requested: frozenset[int] = frozenset()
        #: A cursor move made before the first rows arrived (see `move_to`).
        self._early_cursor: int | None = None
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = 0

    # ---- public API --------------------------------------------------------------------------

    @property
    def grid_query(self) -> GridQuery:
        """The tab, filter and sort shown (not `query`: that is Textual's DOM query method)."""
        return self._window.query

    @property
    def total(self) -> int:
        return self._window.total

    @property
    def counting(self) -> bool:
        """True while `total` is only the rows fetched so far and the count is on its way."""
        return self._window.counting

    @property
    def reading_first_rows(self) -> bool:
        """The tab's first rows are being read (not yet shown, and no failure told)."""
        if self._window.loaded:
            return False
        return any(
            w.node is self and w.group == "grid-window" and not w.is_finished
            for w in self.app.workers
        )

    @property
    def loaded(self) -> bool:
        """True once the first count for the current query has arrived."""
        return self._window.loaded

    @property
    def selected(self) -> DealRow | None:
        """The row under the cursor, if its page is loaded."""
        return self.row_at(self.cursor)

    def empty_hint(self) -> str:
        """What an empty grid says instead of a blank: why, and the key that changes it."""
        q = self.grid_query
        if q.text:
            return f"No deals match the filter “{q.text}”: press / to change it."
        return f"No deals in {q.tab.label}."

    def row_at(self, index: int) -> DealRow | None:
        if not 0 <= index < self._window.total:
            return None
        page = self._window.pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def loaded_rows(self) -> list[DealRow]:
        """Rows currently cached, in display order."""
        return [row for _, page in sorted(self._window.pages.items()) for row in page]

    def select_deal(self, deal_id: int) -> None:
        """Put the cursor on a deal (the one the deal screen ended on, after previous/next):
        at once when its row is loaded, else where the service says it is in this order."""
        for number, page in self._window.pages.items():
            for offset, row in enumerate(page):
                if row.id == deal_id:
                    self.move_to(number * PAGE_SIZE + offset)
                    return
        self._locate(self.grid_query, deal_id)

    @background(group="grid-locate")
    def _locate(self, query: GridQuery, deal_id: int) -> None:
        ids = self.service.listing.ids(query)
        if deal_id in ids:
            self.app.call_from_thread(self.move_to, ids.index(deal_id))

    def set_query(self, query: GridQuery, *, keep_cursor: bool = False) -> None:
        """Show another query (filter or sort changed); the old rows stay until the new arrive."""
        self._window.query = query
        if not keep_cursor:
            self._anchor = None
        self.reload(keep_cursor=keep_cursor)

    def set_columns(self, columns: Iterable[str]) -> None:
        self.columns = tuple(columns)
        self._relayout()
        self.refresh()

    def reload(
        self, *, keep_cursor: bool = True, before: Callable[[], object] | None = None
    ) -> None:
        """Count again and refetch the visible pages (after a change, or `r`). Until the app has
        opened its service (just after the first frame) the grid draws its header only.
        `before`: called in the worker just before its first read (the live queue's counter
        read after the user's own write, so what the rows show is known to be seen)."""
        if not self.has_service:
            return
        with self._generation_lock:
            self._window.generation += 1
            generation = self._window.generation
        cursor = self.cursor if keep_cursor else 0
        # The cursor stays on its deal when rows arrived or left above it (the live queue):
        # the deal is looked for in the pages fetched around the old place.
        selected = self.selected if keep_cursor else None
        follow = selected.id if selected is not None else None
        self._load_window(
            self._window.query, generation, cursor, self._visible_height(), follow, before
        )

    # ---- loading (threads) -------------------------------------------------------------------

    def _visible_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1) if self.is_mounted else 48

    def _pages_for(self, first: int, height: int, total: int) -> list[int]:
        """Pages covering rows first..first+height, plus one page of look-ahead either side."""
        last = min(first + height + PAGE_SIZE // 2, max(total - 1, 0))
        start = max(first - PAGE_SIZE // 2, 0)
        return list(range(start // PAGE_SIZE, last // PAGE_SIZE + 1))

    @background(group="grid-window")
    def _load_window(
        self,
        query: GridQuery,
        generation: int,
        cursor: int,
        height: int,
        follow: int | None,
        before: Callable[[], object] | None = None,
    ) -> None:
        """Count and fetch the pages around the cursor in one go, so the first frame has rows.

        When the count is not a cheap read (a filter, a team-only user) and the view starts at
        the top, the rows come first and the count after, so typing never waits for a count.
        `follow`: the deal the cursor was on, whose new place wins over the old row number.
        """
        if before is not None:
            before()
        total = self.service.listing.quick_count(query)
        if total is None and cursor == 0:
            self._rows_then_count(query, generation, height)
            return
        if total is None:
            total = self.service.listing.count(query)
        cursor = min(cursor, max(total - 1, 0))
        top = max(cursor - height // 2, 0)
        pages: dict[int, Page] = {}
        for index in self._pages_for(top, height, total):
            if get_current_worker().is_cancelled:
                return
            pages[index] = self.service.listing.page(query, index * PAGE_SIZE, PAGE_SIZE)
        if follow is not None:
            cursor = _place_of(follow, pages, default=cursor)
        self.app.call_from_thread(self._apply_window, query, generation, total, cursor, pages)

    def _rows_then_count(self, query: GridQuery, generation: int, height: int) -> None:
        """The first pages, shown at once; then the count (in this same worker)."""
        pages: dict[int, Page] = {}
        total = None
        for index in self._pages_for(0, height, height + PAGE_SIZE):
            if get_current_worker().is_cancelled:
                return
            page = self.service.listing.page(query, index * PAGE_SIZE, PAGE_SIZE)
            pages[index] = page
            if len(page.rows) < PAGE_SIZE:
                total = index * PAGE_SIZE + len(page.rows)
                break
        if total is not None:  # a short page: the count is known
            self.app.call_from_thread(self._apply_window, query, generation, total, 0, pages)
            return
        shown = sum(len(p.rows) for p in pages.values())
        self.app.call_from_thread(
            self._apply_window, query, generation, shown, 0, pages, counting=True
        )
        if get_current_worker().is_cancelled:
            return
        total = self.service.listing.count(query)
        self.app.call_from_thread(self._apply_total, generation, total)

    def _apply_total(self, generation: int, total: int) -> None:
        window = self._window
        if generation != window.generation:
            return
        window.total, window.counting = total, False
        self.virtual_size = Size(self._content_width(), total + 1)
        self.refresh()
        self.post_message(self.Loaded(self, total))

    def _apply_window(
        self,
        query: GridQuery,
        generation: int,
        total: int,
        cursor: int,
        pages: dict[int, Page],
        counting: bool = False,
    ) -> None:
        if generation != self._window.generation:
            return
        if self._early_cursor is not None:
            cursor, self._early_cursor = self._early_cursor, None
        window = self._window
        window.query, window.total, window.loaded = query, total, True
        window.counting = counting
        window.shown = generation
        window.pages = OrderedDict((i, p.rows) for i, p in sorted(pages.items()))
        self._requested = frozenset()
        self.virtual_size = Size(self._content_width(), total + 1)
        self.set_reactive(DealGrid.cursor, min(cursor, max(total - 1, 0)))
        self._scroll_cursor_into_view(center=False)
        self.refresh()
        self.post_message(self.Loaded(self, total))
        self.post_message(self.CursorMoved(self, self.selected))

    def _request_visible(self) -> None:
        """Start a fetch for visible pages that are not cached yet (called after scrolling)."""
        window = self._window
        if not window.loaded or not window.total:
            return
        first = int(self.scroll_offset.y)
        needed = [
            i
            for i in self._pages_for(first, self._visible_height(), window.total)
            if i not in window.pages
        ]
        if not needed or frozenset(needed) <= self._requested:
            return
        self._requested = frozenset(needed)
        self._load_pages(window.query, window.generation, needed)

    @background(group="grid-pages")
    def _load_pages(self, query: GridQuery, generation: int, indexes: list[int]) -> None:
        for index in indexes:
            if get_current_worker().is_cancelled:
                return
            page = self.service.listing.page(query, index * PAGE_SIZE, PAGE_SIZE)
            self.app.call_from_thread(self._apply_page, generation, index, page.rows)

    def _apply_page(self, generation: int, index: int, rows: tuple[DealRow, ...]) -> None:
        window = self._window
        if generation != window.generation:
            return
        window.pages[index] = rows
        window.pages.move_to_end(index)
        self._evict()
        self._requested = self._requested - {index}
        first = index * PAGE_SIZE
        self.refresh_lines(first + 1, len(rows))
        if first <= self.cursor < first + len(rows):
            self.post_message(self.CursorMoved(self, self.selected))

    def _evict(self) -> None:
        """Drop the least recently fetched pages, never one that is on screen."""
        window = self._window
        keep = set(self._pages_for(int(self.scroll_offset.y), self._visible_height(), window.total))
        for index in list(window.pages):
            if len(window.pages) <= CACHED_PAGES:
                break
            if index not in keep:
                del window.pages[index]

    @background(group="grid-marks")
    def _resolve_ids(self, query: GridQuery, start: int, stop: int | None) -> None:
        """Ids of rows start..stop of the query (all of them for `*`), in one service call; the
        set is built here, off the event loop, so marking a million rows stays responsive."""
        ids = set(self.service.listing.ids(query, start, stop))
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self.add_marks, ids)

    def add_marks(self, ids: Iterable[int]) -> None:
        """Mark these deals too (a bulk action's failures, marked again for a retry)."""
        self.marked |= set(ids)
        self.refresh()
        self.post_message(self.MarksChanged(self, len(self.marked)))

    # ---- geometry and painting ---------------------------------------------------------------

    def _content_width(self) -> int:
        return sum(width for _, width in self._layout) + max(len(self._layout) - 1, 0)

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width if self.is_mounted else 80
        self._layout_width = width
        self._layout = layout(self.columns, width)
        self.virtual_size = Size(self._content_width(), self._window.total + 1)

    def on_mount(self) -> None:
        self._relayout()
        if self.has_service:
            self._follow_clock()

    def _follow_clock(self) -> None:
        if not self.service.clock.fixed:
            # A real clock makes the countdowns move; a fixed one (tests, demos) keeps frames still.
            self.set_interval(60, self.refresh)

    def on_resize(self) -> None:
        self._relayout()
        self._scroll_cursor_into_view(center=False)
        self._request_visible()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            # The vertical scrollbar came or went: the columns share a different width.
            self._relayout()
        base = self.rich_style
        strip = self._header_strip(base) if y == 0 else self._row_strip(scroll_y + y - 1, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("grid--header")
        sort = self.grid_query.sort
        parts: list[str] = []
        for column, width in self._layout:
            label = column.header
            if sort is not None and COLUMN_SORT.get(column.id) is sort:
                label += " ▼" if self.grid_query.descending else " ▲"
            parts.append(fit(label, width, column.right))
        return Strip([Segment(" ".join(parts), style)])

    def _row_strip(self, index: int, base: Style) -> Strip:
        if index >= self._window.total:
            if index == 0 and self._window.total == 0 and self._window.loaded:
                style = base + self.get_component_rich_style("grid--placeholder")
                return Strip([Segment(f"  {self.empty_hint()}", style)])
            return Strip([])
        row = self.row_at(index)
        is_cursor = index == self.cursor
        style = base
        if row is None:
            style += self.get_component_rich_style("grid--placeholder")
            text = fit("  ···", self._content_width())
            if is_cursor:
                style += self.get_component_rich_style("grid--cursor")
            return Strip([Segment(text, style)])
        if row.id in self.marked:
            style += self.get_component_rich_style("grid--marked", partial=True)
        if is_cursor:
            style += self.get_component_rich_style("grid--cursor")
        now = self.service.clock.now()
        segments: list[Segment] = []
        for position, (column, width) in enumerate(self._layout):
            text = fmt.printable(column.render(row, now))  # before its width is measured
            if column.id == "name" and row.id in self.marked:
                text = "● " + text
            cell = fit(text, width, column.right)
            cell_style = style
            if column.id == "expires" and is_urgent(row, now):
                cell_style = style + self.get_component_rich_style("grid--urgent", partial=True)
            elif column.id == "fav" and row.favorite:
                cell_style = style + self.get_component_rich_style("grid--fav", partial=True)
            if position:
                segments.append(Segment(" ", style))
            segments.append(Segment(cell, cell_style))
        # One segment per run of one style, not per cell and separator: the terminal gets one
        # style sequence for most of a row, which keeps a cursor move's bytes near DataTable's.
        return Strip(segments).simplify()

    # ---- cursor ------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_cursor_into_view(center=False)
        self.post_message(self.CursorMoved(self, self.selected))

    def _scroll_cursor_into_view(self, center: bool) -> None:
        height = self._visible_height()
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if not self._window.loaded:
            # Keys typed before the first rows arrive (a fast typist, a tab just switched to)
            # are kept, not lost: the cursor goes there when the rows come.
            self._early_cursor = max(0, index)
            return
        self.cursor = max(0, min(index, self._window.total - 1))

    def _aim(self) -> int:
        """Where the cursor is, or will be once the first rows arrive."""
        return self._early_cursor if self._early_cursor is not None else self.cursor

    def action_cursor_down(self) -> None:
        self.move_to(self._aim() + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self._aim() - 1)

    def action_cursor_first(self) -> None:
        self.move_to(0)

    def action_cursor_last(self) -> None:
        self.move_to(self._window.total - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._visible_height())

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._visible_height())

    def action_half_down(self) -> None:
        self.move_to(self.cursor + self._visible_height() // 2)

    def action_half_up(self) -> None:
        self.move_to(self.cursor - self._visible_height() // 2)

    def action_pan(self, cells: int) -> None:
        """Scroll sideways when the chosen columns are wider than the terminal."""
        self.scroll_to(x=self.scroll_x + cells, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(int(self.scroll_offset.y) + event.y - 1)

    # ---- marks -------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        row = self.selected
        if row is None:
            return
        if row.id in self.marked:
            self.marked.discard(row.id)
        else:
            self.marked.add(row.id)
        self._anchor = self.cursor
        self.refresh_line(self.cursor + 1)
        self.post_message(self.MarksChanged(self, len(self.marked)))
        self.move_to(self.cursor + 1)

    def action_mark_range(self) -> None:
        """Mark every row between the last toggled row and the cursor."""
        anchor = self._anchor if self._anchor is not None else self.cursor
        start, stop = sorted((anchor, self.cursor))
        self._anchor = self.cursor
        self._resolve_ids(self.grid_query, start, stop + 1)

    def action_mark_all(self) -> None:
        """Mark every row matching the filter (ids read in one query, in a thread)."""
        self._resolve_ids(self.grid_query, 0, None)

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self._anchor = None
        self.refresh()
        self.post_message(self.MarksChanged(self, 0))

    def clear_marks(self) -> None:
        self.action_clear_marks()


def _place_of(deal_id: int, pages: dict[int, Page], *, default: int) -> int:
    """The row number of a deal in the fetched pages, or `default` when it is not among them."""
    for index, page in pages.items():
        for offset, row in enumerate(page.rows):
            if row.id == deal_id:
                return index * PAGE_SIZE + offset
    return default
