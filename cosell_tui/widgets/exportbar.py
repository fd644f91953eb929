"""The bar under the grid while a big download is written: what is exported and how far it is.

`busy` (a reactive) is whether a download is being written, one at a time; the bar is shown
only for a big one (`start(..., shown=True)`), and goes when the download ends. Its label and
progress bar are made when a big download first starts: the main screen's first frame does
without them (README, "Speed").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

if TYPE_CHECKING:
    from textual.widgets import ProgressBar


class ExportBar(Horizontal):
    """'Exporting Inbound ▕████▏' while a download is written."""

    busy: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self._progress: ProgressBar | None = None

    def start(self, what: str, expected: int | None, *, shown: bool) -> None:
        """A download of `expected` rows (None: not counted yet) starts."""
        self.busy = True
        if not shown:
            return
        text = f"Exporting {what} (esc cancels) "
        if self._progress is None:
            from textual.widgets import ProgressBar

            self._progress = ProgressBar(total=expected, id="export-progress", show_eta=False)
            self.mount(Label(text, id="export-what", markup=False), self._progress)
        else:
            self.query_one("#export-what", Label).update(text)
            self._progress.update(total=expected, progress=0)
        self.display = True

    def advance(self, rows: int) -> None:
        if self._progress is not None:  # none: no big download yet, nothing shown
            self._progress.update(progress=rows)

    def watch_busy(self, busy: bool) -> None:
        if not busy:
            self.display = False
