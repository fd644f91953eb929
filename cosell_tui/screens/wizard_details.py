"""Steps 2 and 3 of the New Deal wizard: the deal's details (with the partner role and program,
as `deal create` and the deal screen's details take them) and the marketplace intent.

Only the locations of the user's scope are offered (D2), loaded from the service; the location
is the deal's scope key and cannot change after creation, so the step says so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import RadioSet, Select, Static

from cosell_tui.domain import MarketplaceIntent, PartnerRole
from cosell_tui.screens.wizard_base import WizardStep
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormField, choice_field, text_field
from cosell_tui.widgets.toggles import Choice

#: How far ahead the close date is pre-filled; the user changes it as needed.
DEFAULT_CLOSE_IN = timedelta(days=30)


class DetailsStep(WizardStep):
    key = "details"
    title = "Deal details"

    DEFAULT_CSS = """
    DetailsStep .pair { height: auto; }
    DetailsStep .pair FormField { width: 1fr; }
    """

    class LocationsLoaded(Message):
        def __init__(self, locations: tuple[tuple[int, str, str], ...]) -> None:
            super().__init__()
            self.locations = locations

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield text_field("Deal name", "name", required=True, max_length=200)
        yield choice_field("Location", "location_id", [], required=True, prompt="Choose a location")
        yield Static(
            "The location decides who sees the deal and cannot be changed after creation.",
            classes="step-note",
        )
        with Horizontal(classes="pair"):
            yield text_field("Estimated value", "value", required=True, kind="number")
            yield text_field("Currency", "currency", "USD", required=True, max_length=3)
        close = (self.service.clock.now() + DEFAULT_CLOSE_IN).date().isoformat()
        yield text_field("Estimated close date", "close_date", close, required=True, kind="date")
        with Horizontal(classes="pair"):
            yield text_field("CRM ID", "crm_id", max_length=100)
            yield text_field("Marketing campaign ID", "campaign_id", max_length=100)
        with Horizontal(classes="pair"):
            yield choice_field(
                "Partner role", "partner_role", [(r.label, r) for r in PartnerRole], prompt="None"
            )
            yield text_field("Partner program", "partner_program", max_length=100)
        yield text_field(
            "Notes (on record; seen by everyone on the deal)",
            "notes",
            required=True,
            max_length=5000,
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._load_locations()

    @background(group="wizard-locations")
    def _load_locations(self) -> None:
        self.post_message(self.LocationsLoaded(self.service.catalog.scope_locations()))

    @on(LocationsLoaded)
    def _locations_loaded(self, event: LocationsLoaded) -> None:
        event.stop()
        self.locations = event.locations
        select = self.fields["location_id"].control
        assert isinstance(select, Select)
        select.set_options(
            (f"{name} ({partner_id})", id_) for id_, name, partner_id in event.locations
        )
        if len(event.locations) == 1:
            select.value = event.locations[0][0]

    locations: tuple[tuple[int, str, str], ...] = ()

    def collect(self) -> dict[str, Any]:
        fields = self.fields
        value = fields["value"].value
        return {
            "name": fields["name"].value,
            "location_id": fields["location_id"].value,
            "value": value or None,
            "currency": str(fields["currency"].value).upper(),
            "close_date": fields["close_date"].value or None,
            "crm_id": fields["crm_id"].value or None,
            "campaign_id": fields["campaign_id"].value or None,
            "notes": fields["notes"].value,
            "partner_role": fields["partner_role"].value or None,
            "partner_program": fields["partner_program"].value or None,
        }

    def is_dirty(self) -> bool:
        fields = self.fields
        return any(fields[n].value for n in ("name", "value", "crm_id", "campaign_id", "notes"))

    def location_name(self, location_id: object) -> str:
        for id_, name, partner_id in self.locations:
            if id_ == location_id:
                return f"{name} ({partner_id})"
        return "none chosen"

    def summary(self) -> list[str]:
        data = self.collect()
        return [
            f"Deal name: {data['name'] or '—'}",
            f"Location: {self.location_name(data['location_id'])} (cannot change later)",
            f"Estimated value: {data['value'] or '—'} {data['currency']}",
            f"Estimated close date: {data['close_date'] or '—'}",
            f"CRM ID: {data['crm_id'] or '—'} · Campaign ID: {data['campaign_id'] or '—'}",
            f"Partner role: {_label(data['partner_role'])} · "
            f"Partner program: {data['partner_program'] or '—'}",
            f"Notes: {data['notes'] or '—'}",
        ]


def _label(role: object) -> str:
    return role.label if isinstance(role, PartnerRole) else "—"


class IntentStep(WizardStep):
    key = "intent"
    title = "Marketplace intent"

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield Static(
            "Does the customer intend to buy through the commercial marketplace?",
            classes="step-note",
        )
        buttons = [
            Choice(
                intent.label,
                value=intent is MarketplaceIntent.UNDECIDED,
                id=f"intent-{intent.value}",
            )
            for intent in MarketplaceIntent
        ]
        yield FormField(
            "Marketplace intent",
            RadioSet(*buttons, id="input-marketplace_intent", compact=True),
            field="marketplace_intent",
            required=True,
        )
        yield Static(
            "Yes needs a marketplace-incentivised solution in step 5. "
            "Have not decided can be changed later on the deal.",
            classes="step-note",
        )

    @property
    def intent(self) -> MarketplaceIntent:
        pressed = self.query_one(RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return MarketplaceIntent.UNDECIDED
        return MarketplaceIntent(pressed.id.removeprefix("intent-"))

    def collect(self) -> dict[str, Any]:
        return {"marketplace_intent": self.intent}

    def is_dirty(self) -> bool:
        return self.intent is not MarketplaceIntent.UNDECIDED

    def summary(self) -> list[str]:
        return [f"Marketplace intent: {self.intent.label}"]
