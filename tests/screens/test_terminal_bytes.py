"""What a cursor move costs on the wire (issue 9: over SSH, no more than Textual's DataTable).

The headless driver writes nothing, so the frames are weighed where the app would write them:
each compositor update rendered with the app's console, as `App._display` does for a terminal.
The same rows in a DataTable, moved the same way in the same run, are the reference. The demo
data and the clock are fixed, so the byte counts are deterministic.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Static

from cosell_tui.widgets.grid import COLUMNS
from tests.screens.conftest import settle

SIZE = (80, 24)


def weigh_frames(app: App[Any], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The terminal text of every frame the app produces from now on (a test-only spy)."""
    frames: list[str] = []
    display = app._display

    def spy(screen: Any, renderable: Any) -> None:
        if renderable is not None and hasattr(renderable, "render_segments"):
            frames.append(renderable.render_segments(app.console))
        display(screen, renderable)

    monkeypatch.setattr(app, "_display", spy)
    return frames


async def moves(pilot: Any, key: str, frames: list[str], count: int = 3) -> list[str]:
    """The frames of the last of `count` moves (the first ones warm the caches)."""
    for _ in range(count):
        frames.clear()
        await pilot.press(key)
        await settle(pilot)
    return list(frames)


class Reference(App[None]):
    """The main screen as Textual's DataTable would make it: the same columns at the same widths
    (a DataTable cell has a space either side), the same rows, a status line styled as ours that
    counts the cursor's place, and a footer."""

    CSS = "#status-line { height: 1; padding: 0 1; background: $panel; color: $text-muted; }"

    def __init__(self, columns: list[tuple[str, int]], rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.columns = columns
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")
        yield Static("", id="status-line", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for header, width in self.columns:
            table.add_column(header, width=max(1, width - 1))
        for row in self.rows:
            table.add_row(*row)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        place = f"{event.cursor_row + 1} of {len(self.rows)}  ·  sort: soonest expiry"
        self.query_one("#status-line", Static).update(place)


async def test_a_cursor_move_writes_two_rows_and_the_status_line_within_datatable_bytes(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        grid = main.grid
        frames = weigh_frames(app, monkeypatch)
        moved = await moves(pilot, "j", frames)
        assert grid.cursor == 3
        sent = "".join(moved)
        ours = len(sent.encode())
        # Only what changed: the row left, the row reached and the status line ("4 of N").
        assert set(re.findall(r"\x1b\[(\d+);1H", sent)) == {"7", "8", str(SIZE[1] - 1)}
        now = app.service.clock.now()
        shown = [grid.row_at(i) for i in range(20)]
        rows = [tuple(COLUMNS[c].render(r, now) for c in grid.columns) for r in shown if r]
        columns = [(column.header, width) for column, width in grid._layout]

    reference = Reference(columns, rows)
    async with reference.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = weigh_frames(reference, monkeypatch)
        theirs = len("".join(await moves(pilot, "down", frames)).encode())
    assert 0 < ours <= theirs, f"a cursor move writes {ours} bytes, DataTable {theirs}"
