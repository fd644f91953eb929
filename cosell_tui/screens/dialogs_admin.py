"""The administration screen's dialogs (screens/admin.py): a user, a location, a month's rate,
one of your solutions, matching an account to a managed one, and the file of an import.

Each follows the dialog contract (dialogs.py): it runs its use case of the administration
service (the one `cosell admin` runs), stays open with the service's messages beside its fields
when refused, and dismisses with a sentence saying what was done.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from cosell_tui.domain import MAX_NAME_LEN
from cosell_tui.screens.dialogs import FormDialog, Run, UseCaseDialog
from cosell_tui.widgets.form import FormField, check_field, choice_field, text_field
from cosell_tui.widgets.pathpick import PathPicker

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


#: The incentive tags as the solution dialog writes them (the service reads codes or labels).
TAGS = (
    ("azure_ip_co_sell", "AzureIPCoSell"),
    ("biz_apps_premium", "BizAppsPremium"),
    ("biz_apps_standard", "BizAppsStandard"),
)


def solution_values(solution: Any) -> dict[str, object]:
    """A catalog entry (SolutionView) as the solution dialog's values, to change it."""
    return {
        "name": solution.name,
        "tags": ", ".join(code for flag, code in TAGS if getattr(solution, flag)),
        "co_sell_ready": solution.co_sell_ready,
        "marketplace_incentivized": solution.marketplace_incentivized,
        "priced": solution.priced,
    }


class SolutionDialog(_AdminForm):
    """Add one of your organisation's co-sell solutions, or change the one `editing` names."""

    SUBMIT_LABEL = "Save"
    FLAGS = (
        ("Co-sell ready", "co_sell_ready"),
        ("Marketplace incentivised", "marketplace_incentivized"),
        ("Priced (deals give price and quantity)", "priced"),
    )
    LABELS = {
        "id": ("Solution ID", "SOL-41005-OPS"),
        "name": ("Name", "Fabrikam Managed Azure Operations"),
        "tags": ("Incentive tags", "AzureIPCoSell, BizAppsPremium, BizAppsStandard"),
    }

    def dialog_title(self) -> str:
        return f"Change solution {self.editing}" if self.editing else "Add one of your solutions"

    def dialog_subtitle(self) -> str:
        return (
            "Your organisation's own co-sell solutions; Microsoft's and other partners' come "
            "from the catalog file (i)."
        )

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            if not self.editing:
                yield self.text_of("id", required=True, max_length=40)
            yield self.text_of("name", required=True, max_length=MAX_NAME_LEN)
        yield self.text_of("tags")
        for label, name in self.FLAGS:
            yield check_field(label, name, bool(self.initial(name, False)))

    def build(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.text("name"), "tags": self.text("tags") or ()}
        for _label, name in self.FLAGS:
            values[name] = bool(self.value(name))
        if not self.editing:
            values["id"] = self.text("id")
        return values


class MatchDialog(_AdminForm):
    """Match the unmanaged or DUNS account `editing` names to a managed one."""

    SUBMIT_LABEL = "Match"
    LABELS = {"managed": ("Managed account", "its number, Microsoft account ID or DUNS")}

    def __init__(self, account: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.account = account

    def dialog_title(self) -> str:
        return f"Match {self.account} to a managed account"

    def dialog_subtitle(self) -> str:
        return (
            "Registration needs a Microsoft-managed customer: every won deal on this account "
            "has its registration eligibility decided again."
        )

    def compose_fields(self) -> ComposeResult:
        yield self.text_of("managed", required=True)

    def build(self) -> str:
        return self.text("managed")


class ImportDialog(UseCaseDialog[Any]):
    """A CSV file to import, chosen by its path (the upload screen's picker). Choosing it
    checks the whole file (`run(path, None)`: a dry run, nothing written); refused lines stay
    under the picker, to choose the file again once fixed; else the dialog dismisses with the
    check, for the user to review and confirm."""

    DEFAULT_CSS = """
    ImportDialog PathPicker { height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, what: str, start: str, *, run: Run[Any] | None = None) -> None:
        super().__init__(run=run)
        self.what = what
        self.start_text = start.rstrip(os.sep) + os.sep

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Import {self.what} from a CSV file", classes="dialog-title")
            yield Static(
                "All or nothing: the whole file is checked first and you review what it would "
                "change, before anything is written. The columns are in docs/admin.md; imports "
                "never delete.",
                classes="dialog-subtitle",
                markup=False,
            )
            yield PathPicker(self.start_text, id="import-file")
            yield Static("", id="general-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(PathPicker).focus_line()

    def on_path_picker_chosen(self, event: PathPicker.Chosen) -> None:
        event.stop()
        self.start(event.path)

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """The file's bad lines, each with its line number; the picker takes keys again."""
        self.say(message, *(f"{where}: {said}" for where, said in messages.items()))
        self.query_one(PathPicker).focus_line()

    def action_cancel(self) -> None:
        self.dismiss(None)
