"""What a bulk action did, deal by deal: ✔ done, · already so, ✘ not done and why.

A toast cannot hold 41 refusals at 80×24 and fades in seconds; this screen keeps every line, `f`
narrows it to the failures, and `m` closes it with the failed deals marked again in the grid,
so the user fixes what stopped them (or picks another action) and retries.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cosell_tui.domain.format import printable
from cosell_tui.domain.views import BulkResult


def lines(result: BulkResult, only_failures: bool) -> list[Content]:
    """One line per deal: the refused first (they need the user), then the rest; deal names
    `printable`."""
    out = [
        Content.assemble(
            ("✘ ", "$text-error"), (f"#{deal} {printable(name)}: ", "bold"), printable(reason)
        )
        for deal, name, reason in result.refused
    ]
    if only_failures:
        return out
    out += [
        Content.assemble(("· ", "$text-muted"), printable(f"#{deal} {name}: {why}"))
        for deal, name, why in result.unchanged
    ]
    out += [
        Content.assemble(("✔ ", "$text-success"), f"#{row.id} {printable(row.name)}")
        for row in result.done
    ]
    return out


class BulkResultsScreen(ModalScreen[frozenset[int] | None]):
    """Dismisses with the failed deals to mark again (`m`), or None (esc, q)."""

    DEFAULT_CSS = """
    BulkResultsScreen { align: center middle; }
    BulkResultsScreen > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary 80%; background: $surface; padding: 0 1;
    }
    BulkResultsScreen .bulk-title { text-style: bold; padding: 0 0 1 0; }
    BulkResultsScreen OptionList { height: auto; max-height: 1fr; border: none; padding: 0; }
    BulkResultsScreen .bulk-foot { color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="bulk.close"),
        Binding("f", "toggle_failures", "Only failures", id="bulk.failures"),
        Binding("m", "mark_failures", "Mark failures again", id="bulk.mark"),
        Binding("j", "cursor_down", "Down", show=False, id="bulk.down"),
        Binding("k", "cursor_up", "Up", show=False, id="bulk.up"),
    ]

    only_failures: reactive[bool] = reactive(False)

    def __init__(self, verb: str, result: BulkResult) -> None:
        super().__init__()
        self.verb = verb
        self.result = result

    def compose(self) -> ComposeResult:
        with Vertical():
            title = printable(self.result.summary(self.verb))
            yield Label(title, classes="bulk-title", markup=False)
            yield OptionList(id="bulk-list")
            yield Static(
                "f: only failures · m: close and mark the failures again · esc/q: close",
                classes="bulk-foot",
            )

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        shown = lines(self.result, self.only_failures)
        if not shown:
            options.add_option(Option("Nothing was refused.", disabled=True))
            return
        options.add_options([Option(line) for line in shown])
        options.highlighted = 0

    def watch_only_failures(self) -> None:
        if self.is_mounted:
            self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_failures", "mark_failures"):
            return True if self.result.refused else None
        return True

    def action_toggle_failures(self) -> None:
        self.only_failures = not self.only_failures

    def action_mark_failures(self) -> None:
        self.dismiss(frozenset(deal for deal, _name, _reason in self.result.refused))

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
