"""Routing rules (`W`, and the palette): where Microsoft's referrals land, most specific first
(domain.md D18), as `cosell routing list` shows them.

Everyone of the organisation reads them; an entire-company Referrals admin also adds (`a`),
changes (`enter`/`e`) and removes (`d`) a rule, each in a dialog that runs its use case and
stays open on a refusal (screens/dialogs.py). The rules are read a page at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Key
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from cosell_tui.domain.facts import ALL
from cosell_tui.domain.format import printable
from cosell_tui.screens.dialogs import ConfirmDialog, FormDialog
from cosell_tui.screens.keys import bound_action, mark_origin
from cosell_tui.screens.listbox import ListBox
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import choice_field, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service
    from cosell_tui.service.routing import RoutingEntry

#: Rules read per page (an organisation has at most 500).
PAGE = 50
#: (label, PartnerID) of the organisation's locations, for the dialog's picklist.
Places = tuple[tuple[str, str], ...]


def entry(rule: RoutingEntry) -> Content:
    """One rule: market, solution (`all` for `*`), → location, and which kind of rule it is."""
    market = "all" if rule.market == ALL else rule.market
    solution = "all" if rule.solution == ALL else rule.solution
    return Content.assemble(
        (f"{market:<7}", "bold"),
        (f"{solution:<15}", "bold"),
        "→ ",
        (printable(f"{rule.location_name} ({rule.location})"), "bold"),
        (f"  {rule.kind}", "$text-muted"),
    )


class RoutingRuleDialog(FormDialog[Any]):
    """Add a rule (market, solution, location), or change the location of one."""

    SUBMIT_LABEL = "Save"

    def __init__(self, service: Service, places: Places, rule: RoutingEntry | None = None) -> None:
        routing = service.routing
        super().__init__(run=lambda value, _detail: routing.set_rule(value))
        self.places = places
        self.rule = rule

    def dialog_title(self) -> str:
        if self.rule is None:
            return "New routing rule"
        return f"Change the routing rule {self.rule.rule.describe().rsplit(' → ', 1)[0]}"

    def dialog_subtitle(self) -> str:
        return (
            "Microsoft's referral goes to the location of the most specific rule: market and "
            "solution, then solution, then market, then the default (* and *)."
        )

    def compose_fields(self) -> ComposeResult:
        rule = self.rule
        if rule is None:
            yield text_field(
                "Market", "market", str(self.initial("market", "")), required=True,
                placeholder="* for all, or a country code such as DE", max_length=40,
            )  # fmt: skip
            yield text_field(
                "Solution", "solution", str(self.initial("solution", "")), required=True,
                placeholder="* for all, or a solution ID such as SOL-41001-LKH", max_length=40,
            )  # fmt: skip
        current = self.initial("location", rule.location if rule else Select.NULL)
        yield choice_field("Location", "location", self.places, current, required=True)

    def build(self) -> dict[str, object]:
        if self.rule is not None:
            market, solution = self.rule.market, self.rule.solution
        else:
            market, solution = self.text("market"), self.text("solution")
        return {"market": market, "solution": solution, "location": self.value("location")}


def remove_dialog(service: Service, rule: RoutingEntry) -> ConfirmDialog:
    """Remove a rule, after a yes; refusals stay in the dialog."""
    routing = service.routing
    return ConfirmDialog(
        "Remove the routing rule?",
        f"{rule.rule.describe()} ({printable(rule.location_name)}). Microsoft's referrals it "
        "placed will go by the next most specific rule.",
        confirm_label="Remove",
        run=lambda _value, _detail: routing.remove_rule(rule.market, rule.solution),
    )


class RoutingScreen(ListBox[None]):
    """The organisation's routing rules; an entire-company admin edits them."""

    TITLE_TEXT = "Routing rules"
    FOOT = "a: add · enter/e: change · d: remove · esc/q: close"
    READ_ONLY_FOOT = "Read only: an entire-company Referrals admin changes them · esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,W", "close", "Close", id="routing.close"),
        Binding("a", "add", "Add rule", id="routing.add", tooltip="Add a routing rule"),
        Binding("e", "change", "Change", id="routing.change", tooltip="Change the rule's location"),
        Binding("d,delete", "remove", "Remove", id="routing.remove", tooltip="Remove the rule"),
        Binding("j", "cursor_down", "Down", show=False, id="routing.down"),
        Binding("k", "cursor_up", "Up", show=False, id="routing.up"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.editable = service.routing.can_edit()
        self.rules: list[RoutingEntry] = []
        self.total = 0
        self.places: Places = ()

    def on_mount(self) -> None:
        if not self.editable:
            self.query_one(".list-foot", Static).update(self.READ_ONLY_FOOT)
        self.options.focus()
        self.load()

    def on_key(self, event: Key) -> None:
        """Keys typed right after `a`, `e` or `d` go on to the dialog they opened (keys.py);
        for a reader, those keys say who may change the rules instead of doing nothing."""
        mark_origin(self, event)
        if not self.editable and bound_action(self, event.key) in ("add", "change", "remove"):
            event.stop()
            self.app.notify(
                "Only an entire-company Referrals admin changes the routing rules.",
                title="Routing rules",
                severity="warning",
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "change", "remove"):
            return self.editable
        return True

    @background(group="routing")
    def load(self) -> None:
        routing = self.service.routing
        total, rules = routing.count(), routing.rules(0, PAGE)
        places = tuple(
            (printable(f"{name} ({pid})"), pid)
            for _id, name, pid in self.service.catalog.scope_locations()
        )
        self.app.call_from_thread(self._show, total, rules, places)

    @background(group="routing-more")
    def _more(self, offset: int) -> None:
        rules = self.service.routing.rules(offset, PAGE)
        self.app.call_from_thread(self._add, offset, rules)

    def _show(self, total: int, rules: tuple[RoutingEntry, ...], places: Places) -> None:
        self.total, self.places = total, places
        highlighted = self.options.highlighted
        self.rules = []
        self.options.clear_options()
        self.set_title(
            f"Routing rules · {total}, most specific first\n  Market Solution          Location"
            if total
            else "Routing rules"
        )
        if not rules:
            self.options.add_option(
                Option(
                    "No routing rules: Microsoft's referrals go to the location in the "
                    "customer's country, else the first location.",
                    disabled=True,
                )
            )
            return
        self._add(0, rules)
        self.options.highlighted = min(highlighted or 0, len(self.rules) - 1)

    def _add(self, offset: int, rules: tuple[RoutingEntry, ...]) -> None:
        if offset != len(self.rules):
            return  # a reload started meanwhile
        self.rules.extend(rules)
        self.options.add_options([Option(entry(r)) for r in rules])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The next page is read as the cursor nears the end of what is shown."""
        if event.option_index >= len(self.rules) - 5 and len(self.rules) < self.total:
            self._more(len(self.rules))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.editable:
            self.action_change()

    @property
    def selected(self) -> RoutingEntry | None:
        index = self.options.highlighted
        if index is None or index >= len(self.rules):
            return None
        return self.rules[index]

    def action_add(self) -> None:
        self.app.push_screen(RoutingRuleDialog(self.service, self.places), self._done)

    def action_change(self) -> None:
        if (rule := self.selected) is not None:
            self.app.push_screen(RoutingRuleDialog(self.service, self.places, rule), self._done)

    def action_remove(self) -> None:
        if (rule := self.selected) is not None:
            self.app.push_screen(remove_dialog(self.service, rule), self._removed)

    def _done(self, rule: RoutingEntry | None) -> None:
        if rule is not None:
            self.app.notify(f"Routing rule saved: {rule.rule.describe()}.", title="Routing")
            self.load()

    def _removed(self, rule: RoutingEntry | None) -> None:
        if rule is not None:
            self.app.notify(f"Routing rule removed: {rule.rule.describe()}.", title="Routing")
            self.load()

    def action_close(self) -> None:
        self.dismiss(None)
