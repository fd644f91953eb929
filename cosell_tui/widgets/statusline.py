"""The main screen's status line: cursor place, marks, order, filter and unread mail.

It holds what it tells in reactives (`place`, the grid's view; `unread`; `opening`, what the app
waits for while it opens the database) and redraws itself only when its text changes, without a
layout pass (its height is fixed), so a cursor move costs one short line on the terminal. It
counts the user's unread notifications itself, in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual.widgets import Static

from cosell_tui.domain.format import printable
from cosell_tui.domain.tabs import Tab
from cosell_tui.widgets.background import background
from cosell_tui.widgets.grid import DealGrid
from cosell_tui.widgets.service_slot import ServiceSlot

if TYPE_CHECKING:
    from cosell_tui.service import Service

DEFAULT_ORDER = {Tab.INBOUND: "soonest expiry"}
SEPARATOR = "  ·  "


def default_order(tab: Tab) -> str:
    """The order of a tab that has no sort of its own."""
    return DEFAULT_ORDER.get(tab, "newest first")


@dataclass(frozen=True)
class Place:
    """The grid's view as the status line tells it (equal views draw nothing)."""

    position: str  # "4 of 39", "…" before the rows, "+ (counting…)" while the total is counted
    marked: int
    order: str
    filter: str

    @classmethod
    def of(cls, grid: DealGrid) -> Place:
        q = grid.grid_query
        position = f"{min(grid.cursor + 1, grid.total):,} of {grid.total:,}" if grid.loaded else "…"
        if grid.counting:
            position += "+ (counting…)"
        order = q.sort.label if q.sort else default_order(q.tab)
        if q.sort:
            order += " ↓" if q.descending else " ↑"
        return cls(position, len(grid.marked), order, q.text)

    def parts(self) -> list[str]:
        parts = [self.position]
        if self.marked:
            parts.append(f"{self.marked:,} marked (A accept · D decline · F ♥ · u clear)")
        parts.append(f"sort: {self.order}")
        if self.filter:
            parts.append(f"filter: {self.filter}")
        return parts


class StatusLine(ServiceSlot, Static):
    """One line under the grid; the screen sets `place`, the line does the rest."""

    place: reactive[Place | None] = reactive(None, repaint=False)
    unread: reactive[int] = reactive(0, repaint=False)
    opening: reactive[str] = reactive("", repaint=False)

    def __init__(self, service: Service | None, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._service = service

    def text(self) -> str:
        if self.opening:
            return printable(self.opening)
        if self.place is None:
            return ""
        parts = self.place.parts()
        if self.unread:
            parts.append(f"✉ {self.unread:,} unread (N)")
        return SEPARATOR.join(parts)

    def _show(self) -> None:
        text = self.text()
        if self.content != text:  # fixed height: no layout pass, so a cursor move stays small
            self.update(text, layout=False)

    watch_place = watch_unread = watch_opening = _show

    @background(group="unread")
    def refresh_unread(self) -> None:
        """How many of the user's notifications are unread."""
        count = self.service.mail.unread_count()
        self.app.call_from_thread(setattr, self, "unread", count)
