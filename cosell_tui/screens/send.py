"""A Microsoft seller sends a referral to a partner (T2, D12): the TUI's `cosell deal send`.

Contract with the caller (the main screen's `n` for a Microsoft seller, through
`Flows.send_referral`): `SendReferralDialog(service, partners)` with the co-sell partners the
catalog lists; it runs `Service.creation.send_referral(ReferralDraft)` itself and dismisses
with the `Outcome` (None when cancelled). A refusal stays in the dialog, next to its field.

It asks what `deal send` reads from its document and nothing a sent referral has no place for:
no location (the receiving partner's routing rules place it), no team, invitations or CRM ids
(the receiving partner adds its own). Microsoft is not offered as the receiver (it is asked for
help instead); the service checks every answer as it does for the CLI.

The customer is found as the wizard finds it (`CustomerSearch`: name and country, Partner
Center's three tabs, Enter picks), or typed in by hand (ctrl+t) when the search has no match;
the solutions are picked from the receiving partner's own in the co-sell catalog
(`PartnerSolutions`, loaded once the partner is chosen), as an invitation's are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from cosell_tui.domain import MAX_NAME_LEN, MAX_NOTES_LEN, HelpType
from cosell_tui.domain.views import AccountView, Outcome
from cosell_tui.screens.dialogs import FormDialog
from cosell_tui.screens.upgrade import CONTACT_FIELDS
from cosell_tui.screens.wizard_base import split_key
from cosell_tui.service.forms import AccountInput, PersonInput, ReferralDraft, SolutionInput
from cosell_tui.widgets.customer_search import CustomerSearch, chosen_line
from cosell_tui.widgets.form import FormField, choice_field, text_field
from cosell_tui.widgets.partner_solutions import PartnerSolutions

if TYPE_CHECKING:
    from cosell_tui.service import Service

NO_CUSTOMER = "None chosen: search above (Enter picks a result), or ctrl+t to type it in."
NO_PARTNER_YET = "Choose the receiving partner to pick from its solutions."


class SendReferralDialog(FormDialog[Outcome]):
    """Send a referral to a partner organisation; its routing rules decide the location."""

    TITLE_TEXT = "Send a referral to a partner"
    SUBMIT_LABEL = "Send"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+t", "toggle_manual", "Type the customer in", id="send.manual"),
    ]
    DEFAULT_CSS = """
    SendReferralDialog > #dialog { width: 90; }
    SendReferralDialog #send-manual { height: auto; display: none; }
    SendReferralDialog.-manual #send-manual { display: block; }
    SendReferralDialog.-manual CustomerSearch { display: none; }
    SendReferralDialog #chosen-customer { text-style: bold; }
    SendReferralDialog PartnerSolutions { height: auto; max-height: 6; }
    SendReferralDialog #solutions-note, SendReferralDialog #customer-note { color: $text-muted; }
    SendReferralDialog.-manual #customer-note { display: none; }
    """

    def __init__(self, service: Service, partners: Sequence[tuple[int, str]]) -> None:
        super().__init__(run=lambda draft, _deal: service.creation.send_referral(draft))
        self.service = service
        self.partners = tuple(partners)
        self.account: AccountView | None = None
        self.manual = False

    def dialog_subtitle(self) -> str:
        return (
            "The partner's routing rules decide which of its locations receives it; its Referrals "
            "admins there have 14 days to accept or decline."
        )

    def compose_fields(self) -> ComposeResult:
        yield choice_field(
            "Receiving partner",
            "to_org_id",
            [(name, org_id) for org_id, name in self.partners],
            required=True,
        )
        yield text_field("Deal name", "name", required=True, max_length=MAX_NAME_LEN)
        yield Static(
            "Find the customer by name and country (Enter searches):",
            id="customer-note",
            markup=False,
        )
        yield CustomerSearch(self.service, id="customer-search")
        yield FormField(
            "Customer",
            Static(NO_CUSTOMER, id="chosen-customer", markup=False),
            field="customer",
            required=True,
            read=self._customer,
        )
        with Vertical(id="send-manual"), Horizontal(classes="row"):
            yield text_field("Customer company", "customer_name")
            yield text_field("Country (ISO code)", "country", max_length=2)
        for pair in (CONTACT_FIELDS[:2], CONTACT_FIELDS[2:]):
            with Horizontal(classes="row"):
                for name, label in pair:
                    yield text_field(f"Customer contact: {label.lower()}", f"contact_{name}")
        with Horizontal(classes="row"):
            yield text_field("Estimated value", "value", required=True, kind="number")
            yield text_field("Currency", "currency", "USD", required=True, max_length=3)
            yield text_field("Close date", "close_date", required=True, kind="date")
        yield choice_field(
            "Help the partner should give",
            "help_type",
            [(h.label, h) for h in HelpType if h is not HelpType.NONE],
            HelpType.GENERAL,
            required=True,
        )
        yield FormField(
            "The partner's solutions it is about (Space toggles; optional)",
            PartnerSolutions(self.service, id="send-solutions"),
            field="solutions",
            read=lambda: None,
        )
        yield Static(NO_PARTNER_YET, id="solutions-note", markup=False)
        yield text_field("Notes", "notes", required=True, max_length=MAX_NOTES_LEN)

    # --- the customer -------------------------------------------------------------------------

    def _customer(self) -> str | None:
        """What the Customer field holds: the account picked, or a name typed in by hand."""
        if self.manual:
            return self.text("customer_name") or None
        return self.account.name if self.account is not None else None

    @on(CustomerSearch.AccountChosen)
    def _account_chosen(self, event: CustomerSearch.AccountChosen) -> None:
        event.stop()
        self.choose(event.account)

    def choose(self, account: AccountView) -> None:
        """The customer is this account of the search."""
        self.account = account
        self.query_one("#chosen-customer", Static).update(chosen_line(account))
        self.field("customer").set_error(None)
        self.query_one("#input-contact_first_name", Input).focus()

    def action_toggle_manual(self) -> None:
        """Type the customer in (company and country) instead of searching, and back."""
        self.manual = not self.manual
        self.set_class(self.manual, "-manual")
        chosen = self.query_one("#chosen-customer", Static)
        if self.manual:
            typed = self.query_one(CustomerSearch).query_text
            company = self.query_one("#input-customer_name", Input)
            if typed and not company.value:
                company.value = typed
            chosen.update("Typed in below (ctrl+t searches instead).")
            company.focus()
        else:
            chosen.update(NO_CUSTOMER if self.account is None else chosen_line(self.account))
            self.query_one("#customer-name", Input).focus()

    def extra_check(self) -> dict[str, str]:
        if not self.manual:
            return {}
        return {name: "Required." for name in ("customer_name", "country") if not self.text(name)}

    # --- the partner's solutions ----------------------------------------------------------------

    @on(Select.Changed, "#input-to_org_id")
    def _partner_chosen(self, event: Select.Changed) -> None:
        org_id = event.value if isinstance(event.value, int) else None
        self.query_one(PartnerSolutions).show_for(org_id)
        name = next((n for i, n in self.partners if i == org_id), None)
        self.query_one("#solutions-note", Static).update(
            NO_PARTNER_YET if name is None else f"{name}'s solutions in the co-sell catalog."
        )

    # --- the draft ------------------------------------------------------------------------------

    def build(self) -> ReferralDraft:
        typed = {name: self.text(f"contact_{name}") for name, _label in CONTACT_FIELDS}
        contact = PersonInput(**typed) if any(v.strip() for v in typed.values()) else None
        help_type = self.value("help_type")
        manual = self.manual
        return ReferralDraft(
            to_org_id=_org_id(self.value("to_org_id")),
            name=self.text("name"),
            value=self.text("value"),
            currency=self.text("currency").upper(),
            close_date=self.text("close_date"),
            notes=self.text("notes"),
            account_id=None if manual or self.account is None else self.account.id,
            account=(
                AccountInput(name=self.text("customer_name"), country=self.text("country").upper())
                if manual
                else None
            ),
            contact=contact,
            help_type=help_type if isinstance(help_type, HelpType) else HelpType.GENERAL,
            solutions=tuple(
                SolutionInput(solution_id)
                for solution_id in self.query_one(PartnerSolutions).selected
            ),
        )

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        super().show_errors(self._form_keys(messages), message)

    def _form_keys(self, errors: Mapping[str, str]) -> dict[str, str]:
        """The service's keys (`contact.phone`, `account.country`, `solutions[0]...`) -> this
        form's fields: a typed-in customer's on its own fields, a picked one's on Customer."""
        mapped: dict[str, str] = {}
        for key, text in errors.items():
            base, _index, leaf = split_key(key)
            if base == "contact" and leaf:
                name = f"contact_{leaf}"
            elif base in ("account", "account_id", "customer"):
                typed = {"name": "customer_name", "country": "country"}.get(leaf or "")
                name = typed if self.manual and typed else "customer"
            else:
                name = base
            mapped.setdefault(name, text)
        return mapped


def _org_id(value: object) -> int | str:
    return value if isinstance(value, int) else ""


__all__: list[str] = ["SendReferralDialog"]
