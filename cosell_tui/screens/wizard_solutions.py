"""Step 5 of the New Deal wizard: the solutions of the deal, searched in the catalog.

Each row says whether the solution is IP co-sell incentive eligible (what decides registration
later) and whether it is marketplace incentivised (what intent Yes needs). The limits (1–50, a
solution assessment alone, only for vetted partners) are the service's to check; the step shows
its messages and asks for the assessment location only when an assessment is chosen, and a
priced solution's unit price, quantity and currency while it is highlighted in the chosen list
(as the CLI document and the deal screen's Solutions dialog take them).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cosell_tui.domain import MAX_SOLUTIONS, SolutionCategory
from cosell_tui.domain.format import printable
from cosell_tui.domain.views import SolutionView
from cosell_tui.screens.wizard_base import WizardStep, split_key
from cosell_tui.service.forms import SolutionInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormField, choice_field, text_field


def solution_line(solution: SolutionView) -> str:
    """Name, publisher, category and the two incentive answers the user chooses by."""
    flags = [f"IP co-sell incentive: {'Yes' if solution.azure_ip_co_sell else 'No'}"]
    if solution.marketplace_incentivized:
        flags.append("marketplace incentivised")
    return printable(
        f"{solution.name} — {solution.publisher_name} · {solution.category.label} · "
        + " · ".join(flags)
    )


class SolutionsStep(WizardStep):
    key = "solutions"
    title = "Solutions"

    DEFAULT_CSS = """
    SolutionsStep #solution-query { height: auto; }
    SolutionsStep #solution-query #solution-text { width: 1fr; }
    SolutionsStep #solution-query Select { width: 32; }
    SolutionsStep OptionList { height: auto; max-height: 7; }
    SolutionsStep #field-assessment_location_id { display: none; }
    SolutionsStep.-assessment #field-assessment_location_id { display: block; }
    SolutionsStep #solution-pricing { height: auto; display: none; }
    SolutionsStep.-priced #solution-pricing { display: block; }
    SolutionsStep #solution-pricing FormField { width: 1fr; }
    """

    #: A priced line's answers, by field: what the CLI document's `price`, `quantity`, `currency`
    #: take (the deal screen's Solutions dialog asks the same).
    PRICE_FIELDS = ("price", "quantity", "currency")

    BINDINGS = [
        Binding("delete", "remove_solution", "Remove solution", id="wizard.remove_solution")
    ]

    class ResultsLoaded(Message):
        def __init__(self, results: tuple[SolutionView, ...]) -> None:
            super().__init__()
            self.results = results

    class LocationsLoaded(Message):
        def __init__(self, locations: tuple[tuple[int, str, str], ...]) -> None:
            super().__init__()
            self.locations = locations

    def __init__(self, service: Any) -> None:
        super().__init__(service)
        self.results: tuple[SolutionView, ...] = ()
        self.chosen: list[SolutionView] = []
        #: Price, quantity and currency typed for each priced solution, by its id.
        self.pricing: dict[str, dict[str, str]] = {}
        self.pricing_for: str | None = None  # the highlighted priced solution

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        with Horizontal(id="solution-query"):
            yield Input(placeholder="Search solutions by name", id="solution-text", compact=True)
            yield Select(
                [(category.label, category) for category in SolutionCategory],
                prompt="All categories",
                id="solution-category",
                compact=True,
            )
        yield Static("Enter adds the highlighted solution:", classes="step-note")
        yield OptionList(id="solution-results", compact=True)
        yield FormField(
            f"Chosen solutions (1 to {MAX_SOLUTIONS}; Delete removes)",
            OptionList(id="solution-chosen", compact=True),
            field="solutions",
            required=True,
        )
        with Horizontal(id="solution-pricing"):
            yield text_field(
                "Unit price (highlighted priced solution)", "line_price", kind="number"
            )
            yield text_field("Quantity", "line_quantity", kind="number")
            yield text_field("Currency", "line_currency", max_length=3)
        yield choice_field(
            "Assessment location (for the incentive payout)",
            "assessment_location_id",
            [],
            required=True,
            prompt="Choose a location",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._render_list()
        self.search()
        self._load_locations()

    # --- searching ----------------------------------------------------------------------------

    def search(self) -> None:
        text = self.query_one("#solution-text", Input).value.strip()
        chosen = self.query_one("#solution-category", Select).value
        category = chosen if isinstance(chosen, SolutionCategory) else None
        self._run_search(text, category)

    @background(group="wizard-solutions")
    def _run_search(self, text: str, category: SolutionCategory | None) -> None:
        results = self.service.catalog.search_solutions(text, category)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ResultsLoaded(results))

    @background(group="wizard-sa-locations")
    def _load_locations(self) -> None:
        self.post_message(self.LocationsLoaded(self.service.catalog.scope_locations()))

    @on(Input.Changed, "#solution-text")
    @on(Select.Changed, "#solution-category")
    def _query_changed(self, event: Message) -> None:
        event.stop()
        self.search()

    @on(Input.Submitted, "#solution-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#solution-results").focus()

    @on(ResultsLoaded)
    def _results_loaded(self, event: ResultsLoaded) -> None:
        event.stop()
        self.results = event.results
        results = self.query_one("#solution-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(Text(solution_line(s)), id=f"s{i}") for i, s in enumerate(self.results)
        )
        if not self.results:
            results.add_option(Option(Text("No solution matches."), disabled=True))
        else:
            results.highlighted = 0

    @on(LocationsLoaded)
    def _locations_loaded(self, event: LocationsLoaded) -> None:
        event.stop()
        select = self.fields["assessment_location_id"].control
        assert isinstance(select, Select)
        select.set_options((f"{name} ({pid})", id_) for id_, name, pid in event.locations)
        if len(event.locations) == 1:
            select.value = event.locations[0][0]

    # --- choosing -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#solution-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.results):
            self.add(self.results[event.option_index])

    def add(self, solution: SolutionView) -> None:
        """Add a solution once; the service judges counts and combinations."""
        if any(s.id == solution.id for s in self.chosen):
            self.app.notify(f"{solution.name} is already on the deal.")
            return
        self.chosen.append(solution)
        self._render_list()

    def _render_list(self) -> None:
        chosen = self.query_one("#solution-chosen", OptionList)
        chosen.clear_options()
        chosen.add_options(
            Option(Text(solution_line(s)), id=f"c{i}") for i, s in enumerate(self.chosen)
        )
        self.fields["solutions"].set_error(None)
        self.set_class(self.has_assessment, "-assessment")
        if not self.chosen:
            chosen.add_option(Option(Text("No solution chosen yet."), disabled=True))
        self.changed()

    @on(OptionList.OptionHighlighted, "#solution-chosen")
    def _chosen_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """A priced solution's price, quantity and currency are asked while it is highlighted."""
        event.stop()
        index = event.option_index
        solution = self.chosen[index] if 0 <= index < len(self.chosen) else None
        self.pricing_for = solution.id if solution is not None and solution.priced else None
        self.set_class(self.pricing_for is not None, "-priced")
        if self.pricing_for is not None:
            typed = self.pricing.get(self.pricing_for, {})
            for name in self.PRICE_FIELDS:
                control = self.fields[f"line_{name}"].control
                assert isinstance(control, Input)
                with control.prevent(Input.Changed):
                    control.value = typed.get(name, "")

    @on(Input.Changed, "#solution-pricing Input")
    def _price_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.pricing_for is None:
            return
        typed = self.pricing.setdefault(self.pricing_for, {})
        for name in self.PRICE_FIELDS:
            typed[name] = str(self.fields[f"line_{name}"].value or "").strip()
        self.changed()

    def action_remove_solution(self) -> None:
        chosen = self.query_one("#solution-chosen", OptionList)
        if chosen.has_focus and chosen.highlighted is not None and self.chosen:
            del self.chosen[chosen.highlighted]
            self._render_list()

    @property
    def has_assessment(self) -> bool:
        return any(s.category is SolutionCategory.ASSESSMENT for s in self.chosen)

    # --- the draft ----------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        location = self.fields["assessment_location_id"].value
        return {
            "solutions": tuple(self._line(s) for s in self.chosen),
            "assessment_location_id": location if self.has_assessment else None,
        }

    def _line(self, solution: SolutionView) -> SolutionInput:
        typed = self.pricing.get(solution.id, {}) if solution.priced else {}
        return SolutionInput(
            solution.id,
            typed.get("price") or None,
            typed.get("quantity") or None,
            (typed.get("currency") or "").upper() or None,
        )

    def is_dirty(self) -> bool:
        return bool(self.chosen)

    def route_error(self, key: str, message: str) -> bool:
        base, index, _leaf = split_key(key)
        if base != "solutions":
            return False
        if index is not None and index < len(self.chosen):
            message = f"{self.chosen[index].name}: {message}"
        self.fields["solutions"].set_error(message)
        return True

    def summary(self) -> list[str]:
        lines = [f"Solutions ({len(self.chosen)}):"]
        lines += [f"  {solution_line(s)}" for s in self.chosen[:10]]
        if len(self.chosen) > 10:
            lines.append(f"  … and {len(self.chosen) - 10} more")
        return lines
