"""The user's notifications (`N`, and the palette): what cosell sent (or will send) them by mail,
newest first, unread ones marked, like Partner Center's action center.

`enter` opens the deal a notification is about (and marks it read), `r` marks all read; the main
screen's status line shows how many are unread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cosell_tui.domain.views import NotificationView
from cosell_tui.widgets.background import background

if TYPE_CHECKING:
    from cosell_tui.service import Service


def entry(note: NotificationView) -> Content:
    """One notification: unread mark, time, subject, and its text on the next line."""
    mark = ("● ", "bold $text-accent") if not note.read else ("  ", "")
    return Content.assemble(
        mark,
        (f"{note.created_at:%Y-%m-%d %H:%M} ", "$text-muted"),
        (note.subject, "bold" if not note.read else ""),
        "\n  ",
        (note.body, "$text-muted"),
    )


def title(notes: tuple[NotificationView, ...]) -> str:
    unread = sum(1 for n in notes if not n.read)
    return f"Notifications, newest first · {unread} unread" if notes else "Notifications"


class NotificationsScreen(ModalScreen[int | None]):
    """Dismissed with the deal to open (enter), or None (esc/q)."""

    DEFAULT_CSS = """
    NotificationsScreen { align: center middle; }
    NotificationsScreen > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary 80%; background: $surface; padding: 0 1;
    }
    NotificationsScreen .notes-title { text-style: bold; padding: 0 0 1 0; }
    NotificationsScreen OptionList { height: auto; max-height: 1fr; border: none; padding: 0; }
    NotificationsScreen .notes-foot { color: $text-muted; padding: 1 0 0 0; }
    """
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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Notifications", id="notes-title", classes="notes-title")
            yield OptionList(id="notes-list")
            yield Static(
                "enter: open the deal · r: mark all read · esc/q: close", classes="notes-foot"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @background(group="notifications")
    def load(self) -> None:
        notes = self.service.mail.notifications()
        self.app.call_from_thread(self._show, notes)

    def _show(self, notes: tuple[NotificationView, ...]) -> None:
        self.notes = notes
        self.query_one("#notes-title", Label).update(title(notes))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        if not notes:
            options.add_option(Option("Nothing was sent to you yet.", disabled=True))
            return
        options.add_options([Option(entry(n), id=str(n.id)) for n in notes])
        options.highlighted = min(highlighted or 0, len(notes) - 1)

    @property
    def selected(self) -> NotificationView | None:
        index = self.query_one(OptionList).highlighted
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

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
