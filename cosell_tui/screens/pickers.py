"""Small modals of the main screen: the column chooser (`c`) and the sort picker (`o`).

They return plain values (column ids, a sort key) and know nothing of the service; the main
screen saves the choice in the user's config.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from cosell_tui.domain.views import REQUIRED_COLUMNS, SortKey
from cosell_tui.widgets.grid import COLUMNS

#: Partner Center's column chooser shows up to nine columns (domain.md §1.8); the ♥ marker
#: is a one-cell flag, not a column, so it does not count.
MAX_COLUMNS = 9

PICKER_CSS = """
%s {
    align: center middle;
}
%s > Vertical {
    width: 52;
    height: auto;
    max-height: 100%%;
    border: thick $primary 80%%;
    background: $surface;
    padding: 0 1;
}
%s .picker-title { text-style: bold; width: 1fr; }
%s .picker-help { color: $text-muted; }
%s SelectionList, %s OptionList { height: auto; max-height: 16; border: none; }
"""


def _css(name: str) -> str:
    return PICKER_CSS % ((name,) * 6)


class ColumnChooser(ModalScreen[tuple[str, ...] | None]):
    """Tick the columns to show; deal name, customer and status are always on (domain.md §5)."""

    DEFAULT_CSS = _css("ColumnChooser")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", id="columns.save", priority=True),
        Binding("escape,q", "cancel", "Cancel", id="columns.cancel"),
        Binding("R", "reset", "Reset", id="columns.reset"),
    ]

    def __init__(self, current: Iterable[str], default: Iterable[str]) -> None:
        super().__init__()
        self.current = tuple(current)
        self.default = tuple(default)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Columns", classes="picker-title")
            yield SelectionList[str](*self._selections(self.current), id="column-list")
            yield Static(
                "space ticks · enter saves · R resets · esc/q cancels\n"
                f"Deal name, Customer and Status are always shown; up to {MAX_COLUMNS} columns.",
                classes="picker-help",
            )

    def _selections(self, chosen: tuple[str, ...]) -> list[Selection[str]]:
        return [
            Selection(
                column.header if column.id != "fav" else "♥ Favourite",
                column.id,
                column.id in chosen or column.id in REQUIRED_COLUMNS,
                id=column.id,
                disabled=column.id in REQUIRED_COLUMNS,
            )
            for column in COLUMNS.values()
        ]

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_save(self) -> None:
        chosen = set(self.query_one(SelectionList).selected) | set(REQUIRED_COLUMNS)
        over = len(chosen - {"fav"}) - MAX_COLUMNS
        if over > 0:
            self.notify(
                f"Up to {MAX_COLUMNS} columns fit the grid: untick {over} more.",
                title="Too many columns",
                severity="warning",
            )
            return
        self.dismiss(tuple(c for c in COLUMNS if c in chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_reset(self) -> None:
        selection = self.query_one(SelectionList)
        selection.deselect_all()
        for column in self.default:
            selection.select(column)


class SortPicker(ModalScreen[tuple[SortKey | None, bool] | None]):
    """Pick the sort column (or the tab's default order); `S` in the list flips the direction."""

    DEFAULT_CSS = _css("SortPicker")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="sort.cancel"),
        Binding("S", "flip", "Reverse", id="sort.reverse"),
    ]

    def __init__(self, current: SortKey | None, descending: bool, default_label: str) -> None:
        super().__init__()
        self.current = current
        self.descending = descending
        self.default_label = default_label

    def compose(self) -> ComposeResult:
        options = [Option(f"Default ({self.default_label})", id="default")]
        options += [Option(key.label, id=key.value) for key in SortKey]
        with Vertical():
            yield Label(self._title(), classes="picker-title", id="sort-title")
            yield OptionList(*options, id="sort-list")
            yield Static("enter picks · S reverses · esc/q cancels", classes="picker-help")

    def _title(self) -> str:
        return "Sort by (descending)" if self.descending else "Sort by (ascending)"

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        wanted = self.current.value if self.current else "default"
        option_list.highlighted = option_list.get_option_index(wanted)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        assert option_id is not None  # compose() gives every option an id
        key = None if option_id == "default" else SortKey(option_id)
        self.dismiss((key, self.descending))

    def action_flip(self) -> None:
        self.descending = not self.descending
        self.query_one("#sort-title", Label).update(self._title())

    def action_cancel(self) -> None:
        self.dismiss(None)
