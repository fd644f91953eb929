"""The download (`x` on the main screen): the bar under the grid, and the worker that writes it.

The bar owns the download: `download(...)` writes the rows a grid shows, in Partner Center's
co-sell CSV layout, in a thread worker (one at a time: `busy`, a reactive); `cancel()` (esc)
stops it, and the service leaves no file. The bar is shown only for a big download (from
`PROGRESS_FROM` rows, or not counted yet) and goes when the download ends; a message names the
file, or says it was cancelled.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label, ProgressBar

from cosell_tui.widgets.background import background, throttled

if TYPE_CHECKING:
    from cosell_tui.domain.views import GridQuery
    from cosell_tui.service import Service


class ExportBar(Horizontal):
    """'Exporting Inbound ▕████▏' while a download is written."""

    #: A download of at least this many rows shows a progress bar while it is written.
    PROGRESS_FROM: ClassVar[int] = 500
    #: Seconds between two moves of the bar (a few frames a second, not one per chunk).
    PROGRESS_PERIOD: ClassVar[float] = 0.1

    busy: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Set by `cancel` (esc): the download being written stops.
        self.cancelled = threading.Event()

    def compose(self) -> ComposeResult:
        yield Label("", id="export-what", markup=False)
        yield ProgressBar(id="export-progress", show_eta=False)

    def on_mount(self) -> None:
        self.display = False

    def download(
        self,
        service: Service,
        query: GridQuery,
        marked: frozenset[int] | None,
        what: str,
        expected: int | None,
    ) -> None:
        """Write `query`'s rows (only `marked` when given) to a CSV in the export folder;
        `what` names them in the messages, `expected` is their number (None: not counted)."""
        if self.busy:
            self.notify(
                "A download is being written; wait for it, or press esc to cancel it.",
                severity="warning",
            )
            return
        self.notify(f"Exporting {what} as CSV…")
        self.busy = True
        if expected is None or expected >= self.PROGRESS_FROM:
            self.query_one("#export-what", Label).update(f"Exporting {what} (esc cancels) ")
            self.query_one(ProgressBar).update(total=expected, progress=0)
            self.display = True
        self.cancelled = threading.Event()
        self._write(service, query, marked, self.cancelled)

    def cancel(self) -> None:
        """Stop the download being written: the service removes its unfinished file."""
        self.cancelled.set()

    @background(group="export")
    def _write(
        self,
        service: Service,
        query: GridQuery,
        marked: frozenset[int] | None,
        cancelled: threading.Event,
    ) -> None:
        from cosell_tui.service.errors import Cancelled

        told = throttled(self, self.PROGRESS_PERIOD, self.advance)
        try:
            path, count = service.transfer.export_file(
                query, marked, progress=told, cancelled=cancelled.is_set
            )
        except Cancelled as exc:
            self.app.call_from_thread(self.notify, exc.message, timeout=10)
            return
        finally:
            self.app.call_from_thread(self._done)
        self.app.call_from_thread(self.notify, f"Wrote {count:,} deal(s) to {path}", timeout=10)

    def advance(self, rows: int) -> None:
        self.query_one(ProgressBar).update(progress=rows)

    def _done(self) -> None:
        self.busy = False

    def watch_busy(self, busy: bool) -> None:
        if not busy:
            self.display = False
