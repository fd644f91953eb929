"""The deal's progress bar: the stages with their percentages, which are done, which may be
marked now.

Inbound deals read Received → Accepted → stages → Won; outbound deals Created → stages → Won
(domain.md §2.1). A solution assessment shows its own four stage names (D5). A closed deal ends
the bar with how it closed (Won, Lost, Declined, Expired, Error). Which stages may be marked is
the transitions rule set's answer (`decision.stages`), never worked out here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from cosell_tui.domain import (
    ASSESSMENT_STAGES,
    CREATED_PCT,
    NORMAL_STAGES,
    TERMINAL_SUBSTATUSES,
    WON_PCT,
    Direction,
    Substatus,
    stage_name,
)


@dataclass(frozen=True, slots=True)
class StageCell:
    """One step of the bar, as plain data (so it can be tested without a screen)."""

    title: str
    pct: int | None  # None for Received and for a closing state without a percentage
    state: str  # "done", "skipped", "current", "next" (markable now), "todo", "closed"


def stage_cells(
    *,
    direction: Direction,
    substatus: Substatus,
    stage_pct: int,
    assessment: bool,
    markable: Iterable[int] = (),
    skipped: Iterable[int] = (),
) -> tuple[StageCell, ...]:
    """The bar's steps for a deal in this state; `skipped`: stages a mark jumped over."""
    markable = frozenset(markable)
    passed_over = frozenset(skipped)
    received = substatus in (Substatus.PENDING, Substatus.RECEIVED)
    cells: list[StageCell] = []
    if direction is Direction.INCOMING:
        cells.append(StageCell("Received", None, "current" if received else "done"))
    working = not received and substatus not in (Substatus.DECLINED, Substatus.EXPIRED)
    first = stage_name(CREATED_PCT, assessment, direction)
    cells.append(StageCell(first, CREATED_PCT, _state(CREATED_PCT, stage_pct, working, markable)))
    for pct, name in ASSESSMENT_STAGES if assessment else NORMAL_STAGES:
        state = _state(pct, stage_pct, working, markable)
        if state == "done" and pct in passed_over:
            state = "skipped"
        cells.append(StageCell(name, pct, state))
    if substatus is Substatus.WON:
        cells.append(StageCell("Won", WON_PCT, "done"))
    elif substatus in TERMINAL_SUBSTATUSES:
        cells.append(StageCell(substatus.label, None, "closed"))
    else:
        cells.append(StageCell("Won", WON_PCT, "todo"))
    return tuple(cells)


def _state(pct: int, stage_pct: int, working: bool, markable: frozenset[int]) -> str:
    if working and pct < stage_pct:
        return "done"
    if working and pct == stage_pct:
        return "current"
    if pct in markable:
        return "next"
    return "todo"


_MARKS = {"done": "✓", "skipped": "–", "current": "●", "next": "○", "todo": "·", "closed": "✗"}


class StageBar(Horizontal):
    """One cell per step: name on the first line, percentage and mark on the second."""

    DEFAULT_CSS = """
    StageBar {
        height: 2;
        width: 100%;
    }
    StageBar > .stage {
        width: 1fr;
        height: 2;
        padding: 0 1 0 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    StageBar > .stage.-done { color: $text-success; }
    StageBar > .stage.-current { color: $text; text-style: bold; background: $primary 25%; }
    StageBar > .stage.-next { color: $text-primary; text-style: underline; }
    StageBar > .stage.-closed { color: $text-error; text-style: bold; }
    """

    def __init__(self, cells: tuple[StageCell, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cells = cells

    def compose(self) -> ComposeResult:
        for cell in self.cells:
            yield self._cell(cell)

    @staticmethod
    def _cell(cell: StageCell) -> Static:
        pct = "" if cell.pct is None else f"{cell.pct} % "
        return Static(
            f"{cell.title}\n{pct}{_MARKS[cell.state]}",
            classes=f"stage -{cell.state}",
            markup=False,
        )

    async def show(self, cells: tuple[StageCell, ...]) -> None:
        """Replace the steps (after a reload)."""
        self.cells = cells
        await self.remove_children()
        await self.mount_all([self._cell(cell) for cell in cells])
