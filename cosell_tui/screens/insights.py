"""Insights (`I` from the main screen, or the palette): the co-sell dashboard in the terminal.

Tabs IP co-sell / Services co-sell / All (1 2 3), a range (`r` cycles 1, 3, 6, 12 months; `/`
takes any range and the filters as words), and the widgets: summary, conversion funnel (`v`:
by count or USD), declined and lost reasons, geography, solutions, partner programs and roles,
the registration funnel (IP co-sell, when the range has registrations), and the month-by-month
comparison (`m`: split by deal type, market or solution). `t` shows
every chart's numbers as a table. The figures come from the service in a worker
(`@background`), so the screen stays live while the database counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from cosell_tui.domain.format import printable
from cosell_tui.domain.insights import (
    DEFAULT_RANGE,
    RANGE_MONTHS,
    CoSellKind,
    Dashboard,
    FilterWordsError,
    InsightsFilter,
    MonthRow,
    Stage,
    filter_words,
    parse_filter_words,
)
from cosell_tui.domain.insights_tables import (
    TextTable,
    all_tables,
    breakdown_table,
    change_text,
    funnel_tables,
    has_approved_value,
    month_parts,
    months_table,
    months_value_table,
    reasons_table,
    registration_funnel_table,
    summary_table,
    usd,
    usd_amount,
    without_rate_note,
)
from cosell_tui.service.errors import CosellError
from cosell_tui.widgets.background import background
from cosell_tui.widgets.charts import Bar, bars, stacked

if TYPE_CHECKING:
    from cosell_tui.service import Service

SPLITS = ("type", "market", "solution")
SPLIT_TITLES = {"type": "deal type", "market": "market", "solution": "solution"}
#: Rows a bar chart shows at most (its table has them all).
TOP_ROWS = 8
#: While figures are still coming in, the screen draws them at most this often (seconds):
#: every draw that changes a panel's height repaints the whole screen, on the same 2 cores
#: the counting needs.
DRAW_EVERY = 0.25


def rich_table(table: TextTable) -> RenderableType:
    if not table.rows:
        return Text("No deals.", style="italic")
    out = Table(box=None, pad_edge=False, show_edge=False, expand=False, header_style="bold")
    for i, head in enumerate(table.headers):
        out.add_column(head, justify="right" if i in table.right else "left", no_wrap=i > 0)
    for row in table.rows:
        out.add_row(*(Text(printable(cell)) for cell in row))  # not markup: names may hold "["
    return out


class Panel(Static):
    """One widget of the dashboard: a bordered box with a title."""

    DEFAULT_CSS = """
    Panel { border: round $primary 60%; padding: 0 1; height: auto; }
    """


class InsightsScreen(Screen[None]):
    """The dashboard; esc goes back to the deals."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    DEFAULT_CSS = """
    InsightsScreen #ins-head { height: 1; padding: 0 1; }
    InsightsScreen #ins-status { height: auto; padding: 0 1; color: $text-muted; }
    InsightsScreen #ins-body { height: 1fr; }
    InsightsScreen #ins-grid { grid-size: 1; grid-gutter: 0 1; height: auto; }
    InsightsScreen.-wide #ins-grid { grid-size: 2; }
    InsightsScreen #ins-filter { dock: bottom; display: none; }
    InsightsScreen #ins-filter.-open { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="insights.close", tooltip="Back to the deals"),
        Binding(
            "1", "kind('ip')", "IP", show=False, id="insights.ip", tooltip="IP co-sell insights"
        ),
        Binding(
            "2",
            "kind('services')",
            "Services",
            show=False,
            id="insights.services",
            tooltip="Services co-sell insights",
        ),
        Binding(
            "3", "kind('all')", "All", show=False, id="insights.all", tooltip="All co-sell deals"
        ),
        Binding(
            "r",
            "next_range",
            "Range",
            id="insights.range",
            tooltip="Next range (months)",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="insights.filter",
            tooltip=(
                "Range and filters as words "
                "(range: country: type: dir: solution: mp: customer: program: role:)"
            ),
        ),
        Binding("t", "tables", "Tables", id="insights.tables", tooltip="Charts or their numbers"),
        Binding(
            "v",
            "by_value",
            "Count/USD",
            id="insights.value",
            tooltip="Funnels and comparison by count or USD",
        ),
        Binding(
            "m",
            "next_split",
            "Split",
            id="insights.split",
            tooltip="Comparison by deal type, market or solution",
        ),
        Binding("j", "scroll(1)", "Down", show=False, id="insights.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="insights.up"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.range = DEFAULT_RANGE
        self.filters = InsightsFilter()
        self.as_tables = False
        self.by_value = False
        self.split = SPLITS[0]
        self.dashboard: Dashboard | None = None
        #: Figures still coming (not Textual's `loading`, which would cover the screen with
        #: a loading indicator until the last figures, hiding the first ones, and repaint
        #: the whole screen when it goes).
        self.counting = False
        #: When the figures were last drawn (None: not since the last reload), and the draw
        #: waiting for DRAW_EVERY to pass.
        self._drawn_at: float | None = None
        self._draw_timer: Timer | None = None
        #: What each panel shows: (modes, counting, its figures); `_draw` skips a panel
        #: whose entry would not change.
        self._shown: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="ins-head")
        yield Static("Loading…", id="ins-status")
        with VerticalScroll(id="ins-body"), Grid(id="ins-grid"):
            for name in (
                "summary", "funnel", "registrations", "comparison", "reasons", "geography",
                "solutions", "programs", "roles",
            ):  # fmt: skip
                yield Panel(id=f"ins-{name}")
        yield Input(placeholder="range:3m country:US type:all dir:in mp:yes", id="ins-filter")
        yield Footer()

    def on_mount(self) -> None:
        self._head()
        self.reload()

    # --- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        self.counting = True
        # opening: the first figures are drawn as they come; after a key the figures shown
        # stay (the status line says "Counting…") until the new ones are complete or
        # DRAW_EVERY has passed, so a quick redraw is painted once, not once per step
        self._drawn_at = None if self.dashboard is None else monotonic()
        self.query_one("#ins-status", Static).update("Counting…")
        self._load(self.range, self.filters)

    @background(group="insights")
    def _load(self, rng: str, filters: InsightsFilter) -> None:
        """Each widget is drawn as soon as its query is done (summary, funnel and comparison
        first), so the screen shows figures before the slower tables are counted."""
        worker = get_current_worker()
        for dashboard in self.service.insights.figures_in_steps(rng, filters):
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._loaded, dashboard)

    def _loaded(self, dashboard: Dashboard) -> None:
        """A step of the figures: the complete ones are drawn at once, and so are the first
        ones when the screen opens; the others at most every DRAW_EVERY seconds (`reload`)."""
        self.counting = bool(dashboard.pending)
        self.dashboard = dashboard
        now = monotonic()
        if not dashboard.pending or self._drawn_at is None or now - self._drawn_at >= DRAW_EVERY:
            self._draw()
        elif self._draw_timer is None:
            self._draw_timer = self.set_timer(self._drawn_at + DRAW_EVERY - now, self._draw)

    # --- drawing ------------------------------------------------------------------------

    def _head(self) -> None:
        parts = Text()
        for kind in CoSellKind:
            active = kind is self.filters.kind
            label = f"[{kind.label}]" if active else f" {kind.label} "
            parts.append(label, style="bold reverse" if active else "")
            parts.append(" ")
        parts.append(f" Range {self.range}", style="bold")
        self.query_one("#ins-head", Static).update(parts)

    def _width(self) -> int:
        total = self.size.width or 80
        columns = 2 if total >= 120 else 1
        return max((total - 2) // columns - 6, 30)

    def _draw(self) -> None:
        if self._draw_timer is not None:
            self._draw_timer.stop()
            self._draw_timer = None
        self._drawn_at = monotonic()
        self._head()
        d = self.dashboard
        if d is None:
            return
        p = d.period
        status = f"{p.start:%Y-%m-%d} → {p.end:%Y-%m-%d}  ·  {filter_words(self.range, d.filters)}"
        note = without_rate_note(d.without_rate)
        if note:
            status += f"\n⚠ {note}"
        self.query_one("#ins-status", Static).update(Text(status))
        width = self._width()
        panels: dict[str, Callable[[], tuple[str, RenderableType]]] = {
            "summary": lambda: ("Summary", rich_table(summary_table(d))),
            "funnel": lambda: self._funnel(d, width),
            "registrations": lambda: self._registrations(d, width),
            "comparison": lambda: self._comparison(d, width),
            "reasons": lambda: self._reasons(d, width),
            "geography": lambda: self._breakdown(d, "geography", width),
            "solutions": lambda: self._breakdown(d, "solutions", width),
            "programs": lambda: self._breakdown(d, "programs", width),
            "roles": lambda: self._breakdown(d, "roles", width),
        }
        # what each panel shows depends on: a panel whose figures and modes are those it
        # shows already is left alone (so a step of the figures redraws only its panels)
        figures: dict[str, object] = {
            "summary": (d.summary, "registrations" in d.pending),
            "funnel": d.funnel,
            "registrations": d.registration_funnel,
            "comparison": (d.months, d.months_by_market, d.months_by_solution, d.summary.changes),
            "reasons": d.reasons,
            "geography": d.geography,
            "solutions": d.solutions,
            "programs": d.programs,
            "roles": d.roles,
        }
        waiting = {
            "registrations": "registrations",
            "geography": "geography",
            "programs": "capabilities",
            "roles": "capabilities",
            "solutions": "solutions",
            "comparison": {"type": "", "market": "geography", "solution": "solutions"}[self.split],
        }
        modes = (self.as_tables, self.by_value, self.split, width)
        for name, make in panels.items():
            counting = waiting.get(name, "") in d.pending
            shown = (modes, counting, None if counting else figures[name])
            if self._shown.get(name) == shown:
                continue
            self._shown[name] = shown
            title, body = make()
            panel = self.query_one(f"#ins-{name}", Panel)
            panel.border_title = title
            panel.update(Text("Counting…", style="italic") if counting else body)
        # IP co-sell registrations only exist on won deals without a partner role: the widget
        # is there when the range has some (the summary counts them before their values come)
        self.query_one("#ins-registrations", Panel).display = d.summary.registered > 0

    def _funnel(self, d: Dashboard, width: int) -> tuple[str, RenderableType]:
        how = "USD" if self.by_value else "count"
        title = f"Conversion funnel, by {how}"
        if self.as_tables:
            return title, _stack([rich_table(t) for t in funnel_tables(d)])
        chart = bars(self._stage_bars(d.funnel.stages), width)
        f = d.funnel
        extra = []
        if f.avg_seconds_to_accept is not None:
            from cosell_tui.domain import format as fmt

            extra.append(f"to accept {fmt.duration(f.avg_seconds_to_accept)}")
            if f.avg_seconds_to_win is not None:
                extra.append(f"to win {fmt.duration(f.avg_seconds_to_win)}")
        past = ", ".join(f"{s.name.lower()} {s.count:,}" for s in f.past if s.count)
        lines = [chart]
        if extra:
            lines.append(Text("Average time " + " · ".join(extra), style="italic"))
        if past:
            lines.append(Text(f"From before the range: {past}", style="italic"))
        return title, _stack(lines)

    def _registrations(self, d: Dashboard, width: int) -> tuple[str, RenderableType]:
        how = "USD (contract value)" if self.by_value else "count"
        title = f"Registration funnel, by {how}"
        if self.as_tables:
            return title, rich_table(registration_funnel_table(d))
        return title, bars(self._stage_bars(d.registration_funnel), width)

    def _stage_bars(self, stages: Sequence[Stage]) -> list[Bar]:
        """A funnel's stages as bars, by count or (`v`) by USD."""
        return [
            Bar(
                s.name,
                float(s.value.usd) if self.by_value else s.count,
                usd_amount(s.value) if self.by_value else f"{s.count:,}",
            )
            for s in stages
        ]

    def _reasons(self, d: Dashboard, width: int) -> tuple[str, RenderableType]:
        title = "Declined and lost reasons"
        if self.as_tables:
            return title, rich_table(reasons_table(d))
        items = [Bar(f"{r.outcome[0]} {r.label}", r.count, f"{r.count:,}") for r in d.reasons][
            :TOP_ROWS
        ]
        return title + " (D declined, L lost)", bars(items, width)

    def _breakdown(self, d: Dashboard, which: str, width: int) -> tuple[str, RenderableType]:
        rows, title, head = {
            "geography": (d.geography, "Geography", "Country"),
            "solutions": (d.solutions, "Solutions", "Solution"),
            "programs": (d.programs, "Partner programs", "Program"),
            "roles": (d.roles, "Partner roles", "Role"),
        }[which]
        if self.as_tables:
            return title, rich_table(breakdown_table(title, head, rows))
        items = [
            Bar(r.label, r.deals, f"{r.deals:,} · won {r.won:,} · {usd(r.won_value.usd)}")
            for r in rows[:TOP_ROWS]
        ]
        more = len(rows) - TOP_ROWS
        body = bars(items, width)
        if more > 0:
            return title, _stack([body, Text(f"+{more} more: t for the table", style="italic")])
        return title, body

    def _comparison(self, d: Dashboard, width: int) -> tuple[str, RenderableType]:
        months: tuple[MonthRow, ...] = {
            "type": d.months,
            "market": d.months_by_market,
            "solution": d.months_by_solution,
        }[self.split]
        title = f"Comparison by month, by {SPLIT_TITLES[self.split]}"
        if self.as_tables and self.by_value:
            title += ", value won (USD)"
            tables = [rich_table(months_value_table(title, months))]
            if has_approved_value(months):
                approved = f"Approved value by {SPLIT_TITLES[self.split]} (USD)"
                tables.append(rich_table(months_value_table(approved, months, approved=True)))
            return title, _stack(tables)
        if self.as_tables:
            return title, rich_table(months_table(title, months))
        parts = month_parts(months)
        if self.by_value:
            return title + ", value won (USD)", self._value_comparison(d, months, parts, width)
        rows = [
            (f"{m.month:%Y-%m}", [float(m.parts.get(p, 0)) for p in parts], f"{m.deals:,}")
            for m in months
        ]
        change = d.summary.changes.get("total")
        body = [stacked(rows, parts, width)]
        if change is not None:
            body.append(Text(f"Deals, first to last full month: {change_text(change)}"))
        return title, _stack(body)

    def _value_comparison(
        self, d: Dashboard, months: Sequence[MonthRow], parts: list[str], width: int
    ) -> RenderableType:
        """`v`: value won per month, split like the deals; then, when the range has approved
        registrations, their approved value per month, split the same way."""
        rows = [
            (
                f"{m.month:%Y-%m}",
                [float(m.won_value_parts.get(p, 0)) for p in parts],
                usd_amount(m.won_value),
            )
            for m in months
        ]
        body: list[RenderableType] = [stacked(rows, parts, width)]
        change = d.summary.changes.get("wonValueUsd")
        if change is not None:
            body.append(Text(f"Value won, first to last full month: {change_text(change, True)}"))
        if has_approved_value(months):
            body.append(Text("Approved value (registrations)", style="bold"))
            approved_parts = month_parts(months, value="approved")
            approved = [
                (
                    f"{m.month:%Y-%m}",
                    [float(m.approved_value_parts.get(p, 0)) for p in approved_parts],
                    usd_amount(m.approved_value),
                )
                for m in months
            ]
            body.append(stacked(approved, approved_parts, width))
        return _stack(body)

    # --- actions ------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self.dashboard is not None:
            self._draw()

    def action_close(self) -> None:
        field = self.query_one("#ins-filter", Input)
        if field.has_class("-open"):
            field.remove_class("-open")
            self.query_one("#ins-body").focus()
            return
        self.dismiss(None)

    def action_kind(self, kind: str) -> None:
        self.filters = self.filters.but(kind=CoSellKind(kind))
        self._head()
        self.reload()

    def action_next_range(self) -> None:
        names = list(RANGE_MONTHS)
        at = names.index(self.range) if self.range in names else -1
        self.range = names[(at + 1) % len(names)]
        self._head()
        self.reload()

    def action_tables(self) -> None:
        self.as_tables = not self.as_tables
        self._draw()

    def action_by_value(self) -> None:
        self.by_value = not self.by_value
        self._draw()

    def action_next_split(self) -> None:
        self.split = SPLITS[(SPLITS.index(self.split) + 1) % len(SPLITS)]
        self._draw()

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#ins-body", VerticalScroll)
        body.scroll_relative(y=lines * 3, animate=False)

    def action_filter(self) -> None:
        field = self.query_one("#ins-filter", Input)
        field.value = filter_words(self.range, self.filters)
        field.add_class("-open")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            rng, filters = parse_filter_words(event.value, self.filters)
        except FilterWordsError as exc:
            self.app.notify(str(exc), title="Filter", severity="error")
            return
        wanted = rng or self.range
        try:
            self.service.insights.period(wanted)
            self.service.insights.check_filters(filters)
        except CosellError as exc:  # a refusal in words, said as a toast; nothing changes
            self.app.notify(exc.message, title="Filter", severity="error")
            return
        self.range = wanted
        self.filters = filters
        event.input.remove_class("-open")
        self.query_one("#ins-body").focus()
        self._head()
        self.reload()

    def all_text_tables(self) -> list[TextTable]:
        """Every table of the current figures (for tests and `t`)."""
        return all_tables(self.dashboard) if self.dashboard else []


def _stack(parts: Sequence[RenderableType]) -> RenderableType:
    from rich.console import Group

    return Group(*parts)
