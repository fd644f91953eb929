"""The message log (`L`, and the palette): every message the app has shown, newest first.

A toast fades after a few seconds and a long one is cut at 80×24; here each message is kept
whole, with when it was said and how (✔ information, ⚠ warning, ✘ error), and `e` narrows
the list to the warnings and errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cosell_tui.screens.listbox import ListBox


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """One message the user was shown, kept for the message log."""

    at: datetime
    severity: SeverityLevel
    title: str
    text: str


MARK = {"information": ("✔", "$text-success"), "warning": ("⚠", "$text-warning")}
ERROR_MARK = ("✘", "$text-error")


def entry(message: LoggedMessage) -> Content:
    """One message: time, mark, title and the whole text (wrapped by the list)."""
    mark, style = MARK.get(message.severity, ERROR_MARK)
    head = f"{message.at:%Y-%m-%d %H:%M} "
    parts: list[str | tuple[str, str]] = [(head, "$text-muted"), (f"{mark} ", style)]
    if message.title:
        parts.append((f"{message.title}: ", "bold"))
    parts.append(message.text)
    return Content.assemble(*parts)


class MessageLogScreen(ListBox[None]):
    """Newest first; `e` shows only warnings and errors; esc or q closes."""

    TITLE_TEXT = "Messages, newest first"
    FOOT = "e: only warnings and errors · esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="log.close"),
        Binding("e", "toggle_problems", "Only problems", id="log.problems"),
        Binding("j", "cursor_down", "Down", show=False, id="log.down"),
        Binding("k", "cursor_up", "Up", show=False, id="log.up"),
    ]

    only_problems: reactive[bool] = reactive(False)

    def __init__(self, messages: Sequence[LoggedMessage]) -> None:
        super().__init__()
        self.messages = list(reversed(messages))

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def shown(self) -> list[LoggedMessage]:
        if not self.only_problems:
            return self.messages
        return [m for m in self.messages if m.severity != "information"]

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        shown = self.shown()
        if not shown:
            empty = "No warnings or errors." if self.only_problems else "No messages yet."
            options.add_option(Option(empty, disabled=True))
            return
        options.add_options([Option(entry(m)) for m in shown])
        options.highlighted = 0

    def watch_only_problems(self) -> None:
        if self.is_mounted:
            self._fill()

    def action_toggle_problems(self) -> None:
        self.only_problems = not self.only_problems

    def action_close(self) -> None:
        self.dismiss(None)
