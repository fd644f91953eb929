"""The filter line (`/`): filters from the first key, says inline why a query is invalid.

Each keystroke is parsed at once, on the event loop (the query language's parser, no database:
microseconds), so there is no debounce to wait for; a valid query goes to the grid, whose one
exclusive loader drops the rows of a query typed over before they are painted.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

PLACEHOLDER = "filter: text  status:received  country:GB  value:>=25k  expires:<3d  !type:private"


class FilterLine(Vertical):
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
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
        from cosell_tui.domain import query  # the parser: with the first key, not the first frame

        text = event.value.strip()
        error = query.check(text) if text else None
        self._show_error(error)
        if error is None:
            self.post_message(self.Applied(text))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_leave()

    def action_leave(self) -> None:
        self.post_message(self.Left())
