"""The main screen's four tabs (D1) with their deal counts: a label line and an underline.

Textual's `Tabs` was replaced on purpose. Its active tab is state that posts a message back
(`active` → `TabActivated` → handler → `active`), so two tab keys arriving in one read bounced
off each other forever; and its underline moved after a refresh of its own, so it raced the
tab labels' new widths when the counts arrived. Here the screen owns which tab is active and
sets it; the bar draws `active` and `counts` (two reactives), reads the counts itself in a
worker when asked (`load_counts`), and reports a click, so any sequence of keys settles, and the
underline is drawn in the same frame as its label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from cosell_tui.domain.tabs import Tab
from cosell_tui.widgets.background import background
from cosell_tui.widgets.service_slot import ServiceSlot

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: Space between two labels.
GAP = 2


def tab_label(tab: Tab, counts: Mapping[Tab, int]) -> str:
    """'Inbound 1,234', or just 'Inbound' until the counts arrive."""
    count = counts.get(tab)
    return tab.label if count is None else f"{tab.label} {count:,}"


class TabBar(ServiceSlot, Widget):
    """Draws the tabs; the screen decides which is active (`active`) and when to count."""

    DEFAULT_CSS = """
    TabBar {
        height: 2;
        width: 1fr;
        padding: 0 1;
    }
    TabBar > .tab-bar--label {
        color: $text-muted;
    }
    TabBar > .tab-bar--active {
        color: $text;
        text-style: bold;
    }
    TabBar > .tab-bar--underline {
        color: $foreground 15%;
    }
    TabBar > .tab-bar--underline-active {
        color: $accent;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tab-bar--label",
        "tab-bar--active",
        "tab-bar--underline",
        "tab-bar--underline-active",
    }
    can_focus = False

    active: reactive[Tab] = reactive(Tab.INBOUND)
    counts: reactive[dict[Tab, int]] = reactive(dict, always_update=True)

    class Chosen(Message):
        """The user clicked a tab."""

        def __init__(self, tab: Tab) -> None:
            super().__init__()
            self.tab = tab

    def __init__(self, service: Service | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._service = service
        #: Tell the user about new inbound referrals when the next counts arrive (live queue).
        self._announce = False

    def announce_next(self) -> None:
        """Deals changed elsewhere: the next counts say how many inbound referrals arrived."""
        self._announce = True

    @background(group="tab-counts")
    def load_counts(self) -> None:
        """Count every tab again (kept by triggers: a few indexed rows, whatever the deals)."""
        counts = self.service.listing.tab_counts()
        self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: dict[Tab, int]) -> None:
        before = self.counts.get(Tab.INBOUND)
        if self._announce and before is not None:
            arrived = counts.get(Tab.INBOUND, 0) - before
            if arrived > 0:
                noun = "referral" if arrived == 1 else "referrals"
                self.notify(f"{arrived:,} new inbound {noun}.", title="Inbound")
        self._announce = False
        self.counts = counts

    def spans(self) -> list[tuple[Tab, int, int]]:
        """(tab, first cell, end cell) of each label, relative to the content area."""
        found: list[tuple[Tab, int, int]] = []
        x = 0
        for tab in Tab:
            width = cell_len(tab_label(tab, self.counts)) + 2  # a space either side
            found.append((tab, x, x + width))
            x += width + GAP
        return found

    def _style(self, component: str) -> Style:
        """The component's colour and weight on the bar's own background."""
        own = self.get_component_rich_style(component)
        return self.rich_style + Style(color=own.color, bold=own.bold)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if y == 0:
            label = self._style("tab-bar--label")
            active = self._style("tab-bar--active")
            segments: list[Segment] = []
            for index, (tab, _start, _end) in enumerate(self.spans()):
                if index:
                    segments.append(Segment(" " * GAP, label))
                style = active if tab is self.active else label
                segments.append(Segment(f" {tab_label(tab, self.counts)} ", style))
            return Strip(segments).crop_extend(0, width, self.rich_style)
        if y == 1:
            dim = self._style("tab-bar--underline")
            bright = self._style("tab-bar--underline-active")
            start, end = next((s, e) for t, s, e in self.spans() if t is self.active)
            start, end = min(start, width), min(end, width)
            line = [Segment("━" * start, dim), Segment("━" * (end - start), bright)]
            if end < width:
                line += [Segment("╺", dim), Segment("━" * (width - end - 1), dim)]
            return Strip(line).crop_extend(0, width, self.rich_style)
        return Strip.blank(width)

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.styles.gutter.left
        for tab, start, end in self.spans():
            if start <= x < end:
                self.post_message(self.Chosen(tab))
                return
