"""A Microsoft seller sends a referral to a partner (T2, D12): the TUI's `cosell deal send`.

Contract with the caller (the main screen's `n` for a Microsoft seller, through
`Flows.send_referral`): `SendReferralDialog(service, partners)` with the co-sell partners the
catalog lists; it runs `Service.creation.send_referral(ReferralDraft)` itself and dismisses
with the `Outcome` (None when cancelled). A refusal stays in the dialog, next to its field.

It asks what `deal send` reads from its document and nothing a sent referral has no place for:
no location (the receiving partner's routing rules place it), no team, invitations or CRM ids
(the receiving partner adds its own). Microsoft is not offered as the receiver (it is asked for
help instead); the service checks every answer as it does for the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal

from cosell_tui.domain import MAX_NAME_LEN, MAX_NOTES_LEN, HelpType
from cosell_tui.domain.views import Outcome
from cosell_tui.screens.dialogs import FormDialog
from cosell_tui.screens.upgrade import CONTACT_FIELDS
from cosell_tui.screens.wizard_base import split_key
from cosell_tui.service.forms import AccountInput, PersonInput, ReferralDraft, SolutionInput
from cosell_tui.widgets.form import choice_field, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: The service's names for the answers (ReferralDraft, `deal send`'s messages) -> this form's.
_FIELDS = {
    "to_org_id": "to_org_id",
    "account": "customer_name",
    "customer": "customer_name",
    "account.name": "customer_name",
    "account.country": "country",
    "solutions": "solutions",
}


class SendReferralDialog(FormDialog[Outcome]):
    """Send a referral to a partner organisation; its routing rules decide the location."""

    TITLE_TEXT = "Send a referral to a partner"
    SUBMIT_LABEL = "Send"

    def __init__(self, service: Service, partners: Sequence[tuple[int, str]]) -> None:
        super().__init__(run=lambda draft, _deal: service.creation.send_referral(draft))
        self.partners = tuple(partners)

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
        with Horizontal(classes="row"):
            yield text_field("Customer company", "customer_name", required=True)
            yield text_field("Country (ISO code)", "country", required=True, max_length=2)
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
        yield text_field("Solutions (catalog ids, spaces or commas)", "solutions")
        yield text_field("Notes", "notes", required=True, max_length=MAX_NOTES_LEN)

    def build(self) -> ReferralDraft:
        typed = {name: self.text(f"contact_{name}") for name, _label in CONTACT_FIELDS}
        contact = PersonInput(**typed) if any(v.strip() for v in typed.values()) else None
        help_type = self.value("help_type")
        ids = self.text("solutions").replace(",", " ").split()
        return ReferralDraft(
            to_org_id=_org_id(self.value("to_org_id")),
            name=self.text("name"),
            value=self.text("value"),
            currency=self.text("currency").upper(),
            close_date=self.text("close_date"),
            notes=self.text("notes"),
            account=AccountInput(name=self.text("customer_name"), country=self.text("country")),
            contact=contact,
            help_type=help_type if isinstance(help_type, HelpType) else HelpType.GENERAL,
            solutions=tuple(SolutionInput(solution_id) for solution_id in ids),
        )

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        super().show_errors(_form_keys(messages), message)


def _org_id(value: object) -> int | str:
    return value if isinstance(value, int) else ""


def _form_keys(errors: Mapping[str, str]) -> dict[str, str]:
    """The service's keys (`contact.phone`, `solutions[0].solution_id`) -> the form's fields."""
    mapped: dict[str, str] = {}
    for key, text in errors.items():
        base, _index, leaf = split_key(key)
        if base == "contact" and leaf:
            name = f"contact_{leaf}"
        else:
            name = _FIELDS.get(key) or _FIELDS.get(base) or key
        mapped.setdefault(name, text)
    return mapped


__all__: list[str] = ["SendReferralDialog"]
