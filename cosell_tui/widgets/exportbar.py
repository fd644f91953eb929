"""The bar under the grid while a big download is written: what is exported and how far it is.

`busy` (a reactive) is whether a download is being written, one at a time; the bar is shown
only for a big one (`start(..., shown=True)`), and goes when the download ends.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label, ProgressBar


class ExportBar(Horizontal):
    """'Exporting Inbound ▕████▏' while a download is written."""

    busy: reactive[bool] = reactive(False, init=False, repaint=False)

    def compose(self) -> ComposeResult:
        yield Label("", id="export-what", markup=False)
        yield ProgressBar(id="export-progress", show_eta=False)

    def on_mount(self) -> None:
        self.display = False

    def start(self, what: str, expected: int | None, *, shown: bool) -> None:
        """A download of `expected` rows (None: not counted yet) starts."""
        self.busy = True
        if shown:
            self.query_one("#export-what", Label).update(f"Exporting {what} (esc cancels) ")
            self.query_one(ProgressBar).update(total=expected, progress=0)
            self.display = True

    def advance(self, rows: int) -> None:
        self.query_one(ProgressBar).update(progress=rows)

    def watch_busy(self, busy: bool) -> None:
        if not busy:
            self.display = False
