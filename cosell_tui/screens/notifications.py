"""The user's notifications (`N`, and the palette): what cosell sent (or will send) them by mail,
newest first, unread ones marked, like Partner Center's action center.

`enter` opens the deal a notification is about (and marks it read), `r` marks all read; the main
screen's status line shows how many are unread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cosell_tui.domain.format import printable
from cosell_tui.domain.views import NotificationView
from cosell_tui.screens.listbox import ListBox
from cosell_tui.widgets.background import background

if TYPE_CHECKING:
    from cosell_tui.service import Service


def entry(note: NotificationView) -> Content:
    """One notification: unread mark, time, subject, and its text on the next line."""
    mark = ("● ", "bold $text-accent") if not note.read else ("  ", "")
    return Content.assemble(
        mark,
        (f"{note.created_at:%Y-%m-%d %H:%M} ", "$text-muted"),
        (printable(note.subject), "bold" if not note.read else ""),
        "\n  ",
        (printable(note.body), "$text-muted"),
    )


def title(notes: tuple[NotificationView, ...]) -> str:
    unread = sum(1 for n in notes if not n.read)
    return f"Notifications, newest first · {unread} unread" if notes else "Notifications"


class NotificationsScreen(ListBox[int | None]):
    """Dismissed with the deal to open (enter), or None (esc/q)."""

    TITLE_TEXT = "Notifications"
    FOOT = "enter: open the deal · r: mark all read · esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,N", "close", "Close", id="notes.close"),
        Binding("enter", "open", "Open deal", id="notes.open"),
        Binding("r", "read_all", "Mark all read", id="notes.read_all"),
        Binding("j", "cursor_down", "Down", show=False, id="notes.down"),
        Binding("k", "cursor_up", "Up", show=False, id="notes.up"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.notes: tuple[NotificationView, ...] = ()

    def on_mount(self) -> None:
        self.options.focus()
        self.load()

    @background(group="notifications")
    def load(self) -> None:
        notes = self.service.mail.notifications()
        self.app.call_from_thread(self._show, notes)

    def _show(self, notes: tuple[NotificationView, ...]) -> None:
        self.notes = notes
        self.set_title(title(notes))
        options = self.options
        highlighted = options.highlighted
        options.clear_options()
        if not notes:
            options.add_option(Option("Nothing was sent to you yet.", disabled=True))
            return
        options.add_options([Option(entry(n), id=str(n.id)) for n in notes])
        options.highlighted = min(highlighted or 0, len(notes) - 1)

    @property
    def selected(self) -> NotificationView | None:
        index = self.options.highlighted
        if index is None or not self.notes or index >= len(self.notes):
            return None
        return self.notes[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        note = self.selected
        if note is None:
            return
        self._mark_and_open(note)

    @background(group="notifications-read")
    def _mark_and_open(self, note: NotificationView) -> None:
        self.service.mail.mark_read([note.id])
        self.app.call_from_thread(self.dismiss, note.deal_id)

    @background(group="notifications-read")
    def action_read_all(self) -> None:
        self.service.mail.mark_read()
        self.app.call_from_thread(self.load)

    def action_close(self) -> None:
        self.dismiss(None)
