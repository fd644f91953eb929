"""Step 1 of the New Deal wizard: pick the customer (or enter one by hand) and its contact.

The customer is read-only once the deal exists (domain.md §1.3), so the step says which account
is chosen and whether it was entered manually. The contact is optional unless Microsoft's help
is asked for in step 6; the service says so when that combination is validated.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cosell_tui.domain.format import printable
from cosell_tui.domain.views import AccountView
from cosell_tui.screens.wizard_base import WizardStep, split_key
from cosell_tui.service.forms import AccountInput, PersonInput
from cosell_tui.widgets.customer_search import CustomerSearch, chosen_line
from cosell_tui.widgets.form import FormField, check_field, text_field

CONSENT_REMINDER = (
    "Before you enter a customer contact, make sure the customer agreed that you share it with "
    "Microsoft and the partners you invite. It cannot be changed once shared."
)

#: The manual-entry fields, named as DealDraft names them.
MANUAL_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("account_name", "Company name", True),
    ("address_line1", "Address", True),
    ("city", "City", True),
    ("postal_code", "Postal code", False),
    ("country", "Country (2 letters)", True),
)
CONTACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Phone"),
    ("email", "Email"),
)


class CustomerStep(WizardStep):
    key = "customer"
    title = "Customer"

    DEFAULT_CSS = """
    CustomerStep #chosen-account { padding: 0 1; text-style: bold; height: auto; }
    CustomerStep #manual-entry { height: auto; display: none; }
    CustomerStep.-manual #manual-entry { display: block; }
    CustomerStep.-manual CustomerSearch { display: none; }
    CustomerStep .pair { height: auto; }
    CustomerStep .pair FormField { width: 1fr; }
    CustomerStep #manual-toggle { margin: 0 1; }
    """

    BINDINGS = [Binding("ctrl+t", "toggle_manual", "Enter manually", id="wizard.manual")]

    def __init__(self, service: Any) -> None:
        super().__init__(service)
        self.account: AccountView | None = None
        self.manual = False

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield Static("Find the customer by name and country.", classes="step-note")
        yield CustomerSearch(self.service, id="customer-search")
        yield FormField(
            "Chosen customer",
            Static("No customer chosen yet.", id="chosen-account"),
            field="account_id",
            required=True,
        )
        yield Button("Enter the customer manually", id="manual-toggle", compact=True)
        with Vertical(id="manual-entry"):
            yield Static(
                "Entered manually: Microsoft matches it to its records later.", classes="step-note"
            )
            for name, label, required in MANUAL_FIELDS:
                yield text_field(label, name, required=required)
        yield Label("Customer contact", classes="step-heading")
        yield Static(CONSENT_REMINDER, classes="step-note")
        yield Static("Optional, but required when you ask Microsoft for help.", classes="step-note")
        with Horizontal(classes="pair"):
            for name, label in CONTACT_FIELDS[:2]:
                yield text_field(label, f"contact_{name}")
        with Horizontal(classes="pair"):
            for name, label in CONTACT_FIELDS[2:]:
                yield text_field(label, f"contact_{name}")
        yield check_field("The customer consents to sharing this contact", "consent")

    # --- choosing -----------------------------------------------------------------------------

    @on(CustomerSearch.AccountChosen)
    def _account_chosen(self, event: CustomerSearch.AccountChosen) -> None:
        event.stop()
        self.choose(event.account)

    def choose(self, account: AccountView) -> None:
        self.account = account
        self.manual = False
        self.remove_class("-manual")
        self.query_one("#chosen-account", Static).update(f"Customer: {chosen_line(account)}")
        self.fields["account_id"].set_error(None)
        self.query_one("#input-contact_first_name").focus()

    @on(Button.Pressed, "#manual-toggle")
    def _manual_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_manual()

    def action_toggle_manual(self) -> None:
        """Switch between searching and typing the customer in by hand."""
        self.manual = not self.manual
        self.set_class(self.manual, "-manual")
        self.query_one("#manual-toggle", Button).label = (
            "Search instead" if self.manual else "Enter the customer manually"
        )
        if self.manual:
            self.account = None
            name = self.query_one(CustomerSearch).query_text
            field = self.fields["account_name"]
            if name and not field.value:
                assert isinstance(field.control, Input)  # a text field
                field.control.value = name
            self.query_one("#chosen-account", Static).update("Customer: entered manually")
            self.query_one("#input-account_name").focus()
        else:
            self.query_one("#chosen-account", Static).update("No customer chosen yet.")
            self.query_one("#customer-name").focus()

    # --- the draft ----------------------------------------------------------------------------

    def _contact(self) -> dict[str, str]:
        fields = self.fields
        return {name: str(fields[f"contact_{name}"].value or "") for name, _label in CONTACT_FIELDS}

    def collect(self) -> dict[str, Any]:
        fields = self.fields
        contact = self._contact()
        account = None
        if self.manual:
            typed = {name: str(fields[name].value or "") for name, _l, _r in MANUAL_FIELDS}
            account = AccountInput(
                name=typed["account_name"],
                country=typed["country"].upper(),
                address_line1=typed["address_line1"] or None,
                city=typed["city"] or None,
                postal_code=typed["postal_code"] or None,
            )
        return {
            "account_id": self.account.id if self.account and not self.manual else None,
            "account": account,
            "contact": PersonInput(
                first_name=contact["first_name"],
                last_name=contact["last_name"],
                phone=contact["phone"] or None,
                email=contact["email"] or None,
            )
            if any(contact.values())
            else None,
            "consent": bool(fields["consent"].value),
        }

    def is_dirty(self) -> bool:
        return self.account is not None or self.manual or any(self._contact().values())

    def route_error(self, key: str, message: str) -> bool:
        base, _index, leaf = split_key(key)
        if base == "contact" and leaf:
            target = self.fields.get(f"contact_{leaf}")
            if target is not None:
                target.set_error(message)
                return True
        if base in ("account", "customer", "account_id"):
            manual = {"name": "account_name"}.get(leaf or "", leaf or "")
            target = self.fields.get(manual) if self.manual and leaf else None
            (target or self.fields["account_id"]).set_error(message)
            return True
        return False

    def summary(self) -> list[str]:
        """Lines for the review step."""
        if self.manual:
            fields = self.fields
            name = fields["account_name"].value
            rest = ", ".join(
                str(fields[n].value) for n, _l, _r in MANUAL_FIELDS[1:] if fields[n].value
            )
            customer = printable(f"{name} — {rest} (entered manually)")
        elif self.account is not None:
            account = self.account
            customer = printable(f"{account.name} — {account.address} ({account.kind.label})")
        else:
            customer = "none chosen"
        contact = self._contact()
        person = " ".join(v for v in (contact["first_name"], contact["last_name"]) if v)
        who = ", ".join(v for v in (person, contact["phone"], contact["email"]) if v) or "none"
        return [f"Customer: {customer}", f"Customer contact: {who}"]
