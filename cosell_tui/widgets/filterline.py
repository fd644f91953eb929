"""The filter line (`/`): filters from the first key, says inline why a query is invalid.

Each keystroke restarts one exclusive thread worker that waits ~150 ms (the debounce) and asks
the service whether the query is valid; only then does the grid reload. A slow database never
blocks typing, and a burst of keys costs one query, not one per key.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from cosell_tui.widgets.service_slot import ServiceSlot

if TYPE_CHECKING:
    from cosell_tui.service import Service

DEBOUNCE_SECONDS = 0.15
PLACEHOLDER = "filter: text  status:received  country:GB  value:>=25k  expires:<3d  !type:private"


class FilterLine(ServiceSlot, Vertical):
    """A one-line query input with its error line under it."""

    DEFAULT_CSS = """
    FilterLine { height: auto; }
    FilterLine > Horizontal { height: 1; }
    FilterLine .filter-prompt { width: 2; color: $text-accent; text-style: bold; }
    FilterLine Input { width: 1fr; }
    FilterLine .filter-error { color: $text-error; height: auto; padding: 0 2; display: none; }
    FilterLine.-invalid .filter-error { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the list", id="filter.leave"),
        Binding("down", "leave", "Back to the list", show=False, id="filter.down"),
    ]

    class Applied(Message):
        """A valid query was typed: the grid should show it."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Left(Message):
        """The user is done typing (Esc, Enter, down): focus goes back to the grid."""

    def __init__(self, service: Service | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._service = service
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("/", classes="filter-prompt")
            yield Input(placeholder=PLACEHOLDER, compact=True, id="filter-input")
        yield Static("", classes="filter-error", markup=False)

    def on_mount(self) -> None:
        self.input.cursor_blink = False

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def show_text(self, text: str, error: str | None = None) -> None:
        """Show another tab's filter without treating it as typing."""
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self._show_error(error)

    def _show_error(self, error: str | None) -> None:
        self.error = error
        self.query_one(".filter-error", Static).update(error or "")
        self.set_class(error is not None, "-invalid")

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._check(event.value)

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_leave()

    def action_leave(self) -> None:
        self.post_message(self.Left())

    @work(thread=True, exclusive=True, group="filter-check")
    def _check(self, text: str) -> None:
        time.sleep(DEBOUNCE_SECONDS)
        if get_current_worker().is_cancelled:
            return
        try:
            service = self.service
            error = service.listing.check_filter(text.strip()) if text.strip() and service else None
        except Exception as exc:  # a failing check is shown like an invalid query
            error = str(exc)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._checked, text, error)

    def _checked(self, text: str, error: str | None) -> None:
        if text != self.input.value:
            return  # the user typed on; a newer check is coming
        self._show_error(error)
        if error is None:
            self.post_message(self.Applied(text.strip()))
