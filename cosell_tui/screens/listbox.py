"""A centred box holding a list: a title, an OptionList and a line saying the keys.

The shape the message log, the notifications, the registration review and the bulk results
share: esc/q close (each screen binds its own keys), j/k move, the list grows with its content
up to the screen.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static

ResultT = TypeVar("ResultT")


class ListBox(ModalScreen[ResultT]):
    """Subclasses set TITLE_TEXT and FOOT, bind their keys, and fill `self.options`."""

    DEFAULT_CSS = """
    ListBox { align: center middle; }
    ListBox > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary 80%; background: $surface; padding: 0 1;
    }
    ListBox .list-title { text-style: bold; padding: 0 0 1 0; }
    ListBox OptionList { height: auto; max-height: 1fr; border: none; padding: 0; }
    ListBox .list-foot { color: $text-muted; padding: 1 0 0 0; }
    """
    TITLE_TEXT: ClassVar[str] = ""
    FOOT: ClassVar[str] = "esc/q: close"

    def compose(self) -> ComposeResult:
        with Vertical():
            # Titles carry deal and customer names: text, never markup.
            yield Label(self.TITLE_TEXT, id="list-title", classes="list-title", markup=False)
            yield OptionList(id="list")
            yield Static(self.FOOT, classes="list-foot")

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def set_title(self, text: str) -> None:
        self.query_one("#list-title", Label).update(text)

    def action_cursor_down(self) -> None:
        self.options.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.options.action_cursor_up()
