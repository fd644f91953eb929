"""Edit a deal's solutions (T6; never for solution assessments, which the rules refuse).

Searching the catalog is a service read, so it runs in a thread worker as the user types; the
chosen lines (with price, quantity and currency for priced catalog entries) come back as
`SolutionInput`s for `service.lifecycle.set_solutions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from cosell_tui.domain import MAX_SOLUTIONS
from cosell_tui.domain.views import DealDetail, SolutionView
from cosell_tui.screens.dialogs import FormDialog, Reload, Run
from cosell_tui.service.forms import SolutionInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormField, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service

_LINE_KEY = re.compile(r"^(?:solutions|lines)\[(\d+)\]\.(\w+)$")


@dataclass
class _Line:
    solution: SolutionView
    price: str = ""
    quantity: str = ""
    currency: str = ""


class SolutionsDialog(FormDialog[Any]):
    """Type to search the catalog, Enter adds the highlighted hit, ctrl+d removes the focused
    line; ctrl+y saves."""

    SUBMIT_LABEL = "Save solutions"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+d", "remove_line", "Remove line", id="solutions.remove"),
    ]
    DEFAULT_CSS = """
    SolutionsDialog #results { height: auto; max-height: 6; border: none; }
    SolutionsDialog #lines { height: auto; }
    SolutionsDialog .line { height: auto; }
    SolutionsDialog .line > .line-name { width: 1fr; padding: 0 1 0 0; }
    SolutionsDialog .line > FormField { width: 14; }
    SolutionsDialog .line.-priced > .line-name, SolutionsDialog .line.-priced > Button {
        margin: 1 0 0 0;
    }
    """

    @dataclass
    class HitsFound(Message):
        hits: tuple[SolutionView, ...]

    def __init__(
        self,
        service: Service,
        detail: DealDetail,
        *,
        lines: Sequence[SolutionInput] | None = None,
        known: Mapping[str, SolutionView] | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(errors=errors, message=message, run=run, detail=detail, reload=reload)
        self.service = service
        self.deal = detail
        #: Every catalog entry seen (the deal's and search hits), to reopen with typed lines.
        self.known: dict[str, SolutionView] = {
            line.solution.id: line.solution for line in detail.solutions
        }
        self.known.update(known or {})
        known = self.known
        if lines is None:
            self.lines = [
                _Line(
                    line.solution,
                    "" if line.price is None else f"{line.price:.2f}",
                    "" if line.quantity is None else str(line.quantity),
                    line.currency or "",
                )
                for line in detail.solutions
            ]
        else:
            self.lines = [
                _Line(
                    known[i.solution_id],
                    str(i.price or ""),
                    str(i.quantity or ""),
                    i.currency or "",
                )
                for i in lines
                if i.solution_id in known
            ]
        self.hits: tuple[SolutionView, ...] = ()
        self._serial = 0

    def dialog_title(self) -> str:
        return f"Solutions of “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        return "Type to search; Enter adds the highlighted hit; ctrl+d removes the focused line."

    def compose_fields(self) -> ComposeResult:
        yield Input(placeholder="Search the catalog", id="search", compact=True)
        yield OptionList(id="results")
        yield Static("", id="lines-title", classes="dialog-subtitle")
        yield Vertical(id="lines")

    async def prepare(self) -> None:
        await self._render_lines()
        self.search("")

    def focus_first(self) -> None:
        self.query_one("#search", Input).focus()

    # --- search -------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    @background(group="solution-search")
    def search(self, text: str) -> None:
        hits = self.service.catalog.search_solutions(text, limit=20)
        self.post_message(self.HitsFound(hits))

    @on(HitsFound)
    def _hits(self, event: HitsFound) -> None:
        self.hits = event.hits
        results = self.query_one("#results", OptionList)
        results.clear_options()
        chosen = {line.solution.id for line in self.lines}
        results.add_options(
            Option(
                f"{hit.name} · {hit.publisher_name}"
                + (" · IP co-sell" if hit.azure_ip_co_sell else "")
                + (" · added" if hit.id in chosen else ""),
                id=hit.id,
                disabled=hit.id in chosen,
            )
            for hit in event.hits
        )
        if event.hits:
            results.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        """Up/down in the search box move through the hits."""
        key = event.key
        if key in ("up", "down") and self.focused is self.query_one("#search", Input):
            results = self.query_one("#results", OptionList)
            (results.action_cursor_down if key == "down" else results.action_cursor_up)()
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            event.stop()
            event.prevent_default()  # the base class would submit the form
            results = self.query_one("#results", OptionList)
            if results.highlighted is not None:
                self._add(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._add(event.option.id)

    def _add(self, solution_id: str | None) -> None:
        hit = next((h for h in self.hits if h.id == solution_id), None)
        if hit is None or any(line.solution.id == hit.id for line in self.lines):
            return
        if len(self.lines) >= MAX_SOLUTIONS:
            self.notify(f"A deal has at most {MAX_SOLUTIONS} solutions.", severity="warning")
            return
        self._keep_typed()
        self.known[hit.id] = hit
        self.lines.append(_Line(hit, currency=self.deal.row.currency if hit.priced else ""))
        self.run_worker(self._render_lines(), exclusive=True, group="solution-lines")
        self._hits(self.HitsFound(self.hits))

    def action_remove_line(self) -> None:
        focused = self.focused
        for index in range(len(self.lines)):
            row = self.query(f"#line-{index}")
            if row and focused is not None and (focused in row.first().walk_children()):
                self._keep_typed()
                del self.lines[index]
                self.run_worker(self._render_lines(), exclusive=True, group="solution-lines")
                self._hits(self.HitsFound(self.hits))
                return
        self.notify("Focus a line (Tab) to remove it.")

    # --- lines ----------------------------------------------------------------------------------

    def _keep_typed(self) -> None:
        """Read what was typed into the line fields before they are rebuilt."""
        for index, line in enumerate(self.lines):
            for attr in ("price", "quantity", "currency"):
                found = self.query(f"#field-sol_{index}_{attr}")
                if found:
                    setattr(line, attr, str(found.first(FormField).value))

    async def _render_lines(self) -> None:
        box = self.query_one("#lines", Vertical)
        await box.remove_children()
        rows = []
        for index, line in enumerate(self.lines):
            parts: list[Static | FormField | Button] = [
                Static(line.solution.name, classes="line-name", markup=False)
            ]
            if line.solution.priced:
                parts += [
                    text_field("Price", f"sol_{index}_price", line.price, kind="number"),
                    text_field("Quantity", f"sol_{index}_quantity", line.quantity, kind="number"),
                    text_field("Currency", f"sol_{index}_currency", line.currency, max_length=3),
                ]
            parts.append(Button("✕", id=f"remove-{index}", compact=True))
            classes = "line -priced" if line.solution.priced else "line"
            rows.append(Horizontal(*parts, classes=classes, id=f"line-{index}"))
        await box.mount_all(rows)
        self._errors = None
        count = len(self.lines)
        self.query_one("#lines-title", Static).update(
            f"On the deal ({count}):" if count else "No solution chosen yet."
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("remove-"):
            event.stop()
            event.prevent_default()  # not the base class's submit/cancel
            self._keep_typed()
            del self.lines[int(button_id.removeprefix("remove-"))]
            self.run_worker(self._render_lines(), exclusive=True, group="solution-lines")
            self._hits(self.HitsFound(self.hits))

    def extra_check(self) -> dict[str, str]:
        if not self.lines:
            return {"": "Add at least one solution."}
        return {}

    def build(self) -> tuple[SolutionInput, ...]:
        self._keep_typed()
        return tuple(
            SolutionInput(
                line.solution.id,
                price=line.price or None,
                quantity=line.quantity or None,
                currency=(line.currency.upper() or None) if line.solution.priced else None,
            )
            for line in self.lines
        )

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        mapped: dict[str, str] = {}
        for key, text in messages.items():
            if match := _LINE_KEY.match(key):
                mapped[f"sol_{match[1]}_{match[2]}"] = text
            else:
                mapped[key] = text
        super().show_errors(mapped, message)


__all__ = ["SolutionsDialog"]
