"""What a bulk action did, deal by deal: ✔ done, · already so, ✘ not done and why.

A toast cannot hold 41 refusals at 80×24 and fades in seconds; this screen keeps every line, `f`
narrows it to the failures, and `m` closes it with the failed deals marked again in the grid,
so the user fixes what stopped them (or picks another action) and retries.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets.option_list import Option

from cosell_tui.domain.format import printable
from cosell_tui.domain.views import BulkResult
from cosell_tui.screens.listbox import ListBox


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


class BulkResultsScreen(ListBox[frozenset[int] | None]):
    """Dismisses with the failed deals to mark again (`m`), or None (esc, q)."""

    FOOT = "f: only failures · m: close and mark the failures again · esc/q: close"
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

    def on_mount(self) -> None:
        self.set_title(printable(self.result.summary(self.verb)))
        self._fill()
        self.options.focus()

    def _fill(self) -> None:
        options = self.options
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

    def action_close(self) -> None:
        self.dismiss(None)
