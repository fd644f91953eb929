"""The upgrade flows on an open deal: share with Microsoft sellers, ask Microsoft for help, invite.

Contract with the caller (the deal screen): each dialog is built as `Dialog(service, detail)`,
runs its use case itself in a worker and dismisses with the `Outcome` (None when cancelled).
A refusal never closes the dialog: `ValidationError.fields` land next to their fields and
any other `CosellError` under the form, so the user fixes the input and tries again.

- `ShareDialog` → `Service.share_with_microsoft(deal, version)` after a confirmation.
- `HelpDialog` → `Service.request_help(deal, version, help_type, notes, contact, consent)`; as
  the wizard: notes optional, and a customer contact (with the customer's consent tick) only when
  the deal has none (the deal-type rules refuse a co-sell deal without one).
- `InviteDialog` → `Service.invite(deal, version, InvitationDraft)`, with the same form as the
  wizard's step 7 (partner search, terms pre-filled from the deal, team, solutions, help).

Upgrades are one-way (D13): each dialog says so before the user confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from cosell_tui.domain import MAX_NOTES_LEN, HelpType
from cosell_tui.domain.views import DealDetail, Outcome
from cosell_tui.screens.dialogs import ConfirmDialog, FormDialog, UseCaseDialog
from cosell_tui.screens.wizard_base import split_key
from cosell_tui.screens.wizard_customer import CONSENT_REMINDER
from cosell_tui.screens.wizard_partners import InvitationForm
from cosell_tui.service.forms import PersonInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import check_field, choice_field, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service

    pass

ONE_WAY = "This cannot be undone: a deal never goes back to private or partner-led."


class ShareDialog(ConfirmDialog):
    """Confirm making a private deal visible to Microsoft sellers (partner-led), and do it."""

    def __init__(self, service: Service, detail: DealDetail) -> None:
        row = detail.row
        super().__init__(
            "Share with Microsoft sellers",
            f"Microsoft sellers will be able to view “{row.name}” ({row.customer_name}). "
            "It becomes a partner-led deal; nobody at Microsoft is asked to act on it.",
            [ONE_WAY],
            confirm_label="Share",
            run=lambda _value, deal: service.sharing.share_with_microsoft(
                _deal(deal).row.id, _deal(deal).row.version
            ),
            detail=detail,
            reload=service.listing.deal,
        )


def _deal(detail: DealDetail | None) -> DealDetail:
    """The deal a dialog was opened on (these dialogs always have one)."""
    assert detail is not None
    return detail


CONTACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Phone"),
    ("email", "Email"),
)


class HelpDialog(FormDialog[Outcome]):
    """Ask Microsoft for help: the deal becomes co-sell and Microsoft has 14 days to answer."""

    TITLE_TEXT = "Ask Microsoft for help"
    SUBMIT_LABEL = "Ask for help"

    def __init__(self, service: Service, detail: DealDetail) -> None:
        super().__init__(
            run=lambda value, deal: service.sharing.request_help(
                _deal(deal).row.id, _deal(deal).row.version, *value
            ),
            detail=detail,
            reload=service.listing.deal,
        )
        self.deal = detail
        self.needs_contact = not detail.contacts

    def dialog_subtitle(self) -> str:
        row = self.deal.row
        return (
            f"{row.name} · {row.customer_name}. It becomes a co-sell deal: Microsoft sees it and "
            f"has 14 days to accept or decline. {ONE_WAY}"
        )

    def compose_fields(self) -> ComposeResult:
        yield choice_field(
            "Identify the kind of help you need from Microsoft",
            "help_type",
            [(h.label, h) for h in HelpType if h is not HelpType.NONE],
            HelpType.GENERAL,
            required=True,
        )
        yield text_field("Notes to Microsoft", "notes", max_length=MAX_NOTES_LEN)
        if self.needs_contact:
            yield Label("Customer contact (required for co-sell)")
            yield Static(CONSENT_REMINDER, classes="warning")
            for pair in (CONTACT_FIELDS[:2], CONTACT_FIELDS[2:]):
                with Horizontal(classes="row"):
                    for name, label in pair:
                        yield text_field(label, f"contact_{name}", required=True)
            yield check_field("The customer consents to sharing this contact", "consent")

    def build(self) -> tuple[HelpType, str, PersonInput | None, bool]:
        value = self.value("help_type")
        help_type = value if isinstance(value, HelpType) else HelpType.GENERAL
        contact = None
        if self.needs_contact:
            typed = {name: self.text(f"contact_{name}") for name, _label in CONTACT_FIELDS}
            contact = PersonInput(
                typed["first_name"], typed["last_name"], typed["phone"], typed["email"]
            )
        consent = bool(self.value("consent")) if self.needs_contact else False
        return help_type, self.text("notes"), contact, consent

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        super().show_errors(_contact_keys(messages), message)


def _contact_keys(errors: Mapping[str, str]) -> dict[str, str]:
    """`contact.phone` (the service's key) → `contact_phone` (the dialog's field)."""
    mapped: dict[str, str] = {}
    for key, message in errors.items():
        base, _index, leaf = split_key(key)
        mapped[f"contact_{leaf}" if base == "contact" and leaf else key] = message
    return mapped


class InviteDialog(UseCaseDialog[Outcome]):
    """Invite a partner (or Microsoft) to an open deal: the wizard's step-7 form in a dialog."""

    DEFAULT_CSS = """
    InviteDialog > #dialog { width: 90; }
    InviteDialog #invite-scroll { height: auto; max-height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("q", "cancel", "Cancel", show=False, id="dialog.cancel_q"),
        Binding("ctrl+y", "submit", "Invite", id="dialog.submit"),
        Binding(
            "ctrl+o",
            "contacts",
            "Customer contacts",
            id="invite.contacts",
            tooltip="Add or edit the customer contacts (inviting Microsoft needs one)",
        ),
    ]

    def __init__(self, service: Service, detail: DealDetail) -> None:
        super().__init__(
            run=lambda draft, deal: service.sharing.invite(
                _deal(deal).row.id, _deal(deal).row.version, draft
            ),
            detail=detail,
            reload=service.listing.deal,
        )
        self.service = service

    @property
    def deal(self) -> DealDetail:
        """The deal the invitation goes to: as opened, or as saved since (contacts)."""
        assert self.detail is not None
        return self.detail

    def compose(self) -> ComposeResult:
        row = self.deal.row
        with Vertical(id="dialog"):
            yield Label("Invite a partner or Microsoft", classes="dialog-title")
            yield Static(
                f"{row.name} · {row.customer_name}. Once sent, you cannot change their close "
                "date or value; they can after accepting. ctrl+o: the customer contacts "
                "(inviting Microsoft needs one).",
                classes="dialog-subtitle",
            )
            with VerticalScroll(id="invite-scroll"):
                yield InvitationForm(self.service, id="invitation-form")
            yield Static("", id="general-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Invite (ctrl+y)", variant="primary", id="submit", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    @property
    def form(self) -> InvitationForm:
        return self.query_one(InvitationForm)

    def on_mount(self) -> None:
        row = self.deal.row
        self.form.prefill(
            close_date=row.close_date.isoformat(),
            value=f"{row.value:f}",
            currency=row.currency,
            team=[PersonInput(p.first_name, p.last_name, p.phone, p.email) for p in self.deal.team],
        )
        self.query_one("#partner-text").focus()

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """Service messages (`org_id`, `value`, `solution_ids`…) next to their fields."""
        for field in self.form.fields.values():
            field.set_error(None)
        for key, value in messages.items():
            base, _index, leaf = split_key(key)
            self.form.show_error(leaf or base, value)
        self.say(message)

    def action_submit(self) -> None:
        draft = self.form.draft()
        if draft is None:
            self.say("Choose a partner (or Microsoft) to invite first.")
            return
        self.start(draft)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_contacts(self) -> None:
        """The customer contacts, over this dialog: where the refusal "needs a customer
        contact" is shown, the user adds one and comes back to what they typed here (ctrl+o:
        the text fields keep ctrl+u for deleting to the line's start)."""
        from cosell_tui.screens.dialogs_edit import ContactsDialog

        if not self.busy:
            self.app.push_screen(
                ContactsDialog.saving(self.service, self.deal), self._contacts_saved
            )

    def _contacts_saved(self, outcome: object) -> None:
        if outcome is not None:
            self._reload_deal(self.deal.row.id)

    @background(group="dialog-reload")
    def _reload_deal(self, deal_id: int) -> None:
        fresh = self.service.listing.deal(deal_id)
        self.app.call_from_thread(self._deal_fresh, fresh)

    def _deal_fresh(self, fresh: DealDetail) -> None:
        """The contacts were saved (a new version of the deal): the invitation goes to it."""
        self.detail = fresh
        self.say("Customer contacts saved; ctrl+y sends the invitation.")

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
