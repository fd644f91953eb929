"""The administration screen's dialogs (screens/admin.py): a user, a location, a month's rate.

Each follows the dialog contract (dialogs.py): it runs its use case of the administration
service (the one `cosell admin` runs), stays open with the service's messages beside its fields
when refused, and dismisses with a sentence saying what was done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal

from cosell_tui.domain import MAX_NAME_LEN
from cosell_tui.screens.dialogs import FormDialog, Run
from cosell_tui.widgets.form import FormField, check_field, choice_field, text_field

ROLES = [("Referrals user", "user"), ("Referrals admin", "admin")]


class _AdminForm(FormDialog[str]):
    """A form of the administration screen: adds, or with `editing` (the login, the
    PartnerID) changes that one, starting from `values`."""

    def __init__(
        self,
        *,
        editing: str | None = None,
        values: Mapping[str, object] | None = None,
        run: Run[str] | None = None,
    ) -> None:
        super().__init__(values=values, run=run)
        self.editing = editing

    def text_of(self, name: str, **options: Any) -> FormField:
        label, placeholder = self.LABELS[name]
        return text_field(
            label, name, str(self.initial(name, "")), placeholder=placeholder, **options
        )

    #: field -> (label, placeholder)
    LABELS: dict[str, tuple[str, str]] = {}


class UserDialog(_AdminForm):
    """Add a user, or change the one `editing` names. Dismisses with what was done."""

    SUBMIT_LABEL = "Save"
    LABELS = {
        "login": ("Login", "their operating-system login"),
        "name": ("Name", "Ben Okafor"),
        "email": ("Email", "ben@fabrikam.example"),
        "phone": ("Phone", "+442079460018"),
        "locations": ("Locations (PartnerIDs)", "4812346, 4812347"),
    }

    def dialog_title(self) -> str:
        return f"Change {self.editing}" if self.editing else "Add a user"

    def dialog_subtitle(self) -> str:
        return "Scope: the entire company, or the PartnerIDs of their locations."

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            if not self.editing:
                yield self.text_of("login", required=True)
            yield self.text_of("name", required=True, max_length=MAX_NAME_LEN)
        with Horizontal(classes="row"):
            yield self.text_of("email", required=True)
            yield self.text_of("phone", required=True)
        with Horizontal(classes="row"):
            yield choice_field("Role", "role", ROLES, self.initial("role", "user"), required=True)
            yield self.text_of("locations")
        yield check_field(
            "Entire company", "entire_company", bool(self.initial("entire_company", False))
        )

    def extra_check(self) -> dict[str, str]:
        if not self.value("entire_company") and not self.text("locations"):
            return {"locations": "Give their locations, or tick Entire company."}
        return {}

    def build(self) -> dict[str, Any]:
        entire = bool(self.value("entire_company"))
        values: dict[str, Any] = {
            "name": self.text("name"),
            "email": self.text("email"),
            "phone": self.text("phone"),
            "role": self.value("role"),
            "entire_company": True if entire else None,
            "locations": None if entire else self.text("locations"),
        }
        if not self.editing:
            values["login"] = self.text("login")
        return values


class LocationDialog(_AdminForm):
    """Add a location, or change the one `editing` names (its PartnerID)."""

    SUBMIT_LABEL = "Save"
    LABELS = {
        "partner_id": ("PartnerID", "4812347"),
        "name": ("Name", "Munich"),
        "country": ("Country", "DE"),
    }

    def dialog_title(self) -> str:
        return f"Change location {self.editing}" if self.editing else "Add a location"

    def dialog_subtitle(self) -> str:
        return "A PartnerID is digits and cannot change once a deal uses it."

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield self.text_of("partner_id", required=True)
            yield self.text_of("name", required=True, max_length=MAX_NAME_LEN)
            yield self.text_of("country", required=True, max_length=2)

    def build(self) -> dict[str, Any]:
        return {name: self.text(name) for name in ("partner_id", "name", "country")}


class RateDialog(_AdminForm):
    """Set a month's exchange rate (pre-filled from a missing one)."""

    TITLE_TEXT = "Set an exchange rate"
    SUBMIT_LABEL = "Set"
    LABELS = {
        "month": ("Month", "2026-12"),
        "currency": ("Currency", "EUR"),
        "rate": ("USD per unit", "1.08"),
    }

    def dialog_subtitle(self) -> str:
        return "1 unit of the currency is worth this many USD that month (D8)."

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield self.text_of("month", required=True, max_length=7)
            yield self.text_of("currency", required=True, max_length=3)
            yield self.text_of("rate", required=True, kind="number")

    def build(self) -> dict[str, Any]:
        return {name: self.text(name) for name in ("month", "currency", "rate")}
