"""The deal screen's edit dialogs: mark a sales stage, edit details, edit the team.

Like the triage dialogs they only gather and check input; the deal screen calls the service and
reopens a dialog with the service's field messages when it refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cosell_tui.domain import (
    ASSESSMENT_STAGES,
    MAX_NAME_LEN,
    MAX_NOTES_LEN,
    MAX_TEAM_MEMBERS,
    NORMAL_STAGES,
    DealType,
    MarketplaceIntent,
    PartnerRole,
)
from cosell_tui.domain.views import DealDetail
from cosell_tui.screens.dialogs import FormDialog, Reload, Run, UseCaseDialog
from cosell_tui.service.forms import DetailsEdit, PersonInput
from cosell_tui.widgets.form import FormField, check_field, choice_field, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service

# --- stage --------------------------------------------------------------------------------------


class StageDialog(UseCaseDialog[Any]):
    """Pick the sales stage to mark complete; only the stages the rules allow now can be chosen.

    Normal deals may skip forward (D6); a solution assessment offers only the next stage.
    """

    DEFAULT_CSS = """
    StageDialog > #dialog { width: 60; }
    StageDialog OptionList { height: auto; max-height: 10; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="stage.cancel"),
    ]

    def __init__(
        self, detail: DealDetail, *, run: Run[Any] | None = None, reload: Reload | None = None
    ) -> None:
        super().__init__(run=run, detail=detail, reload=reload)
        self.deal = detail

    def compose(self) -> ComposeResult:
        row = self.deal.row
        assessment = row.deal_type is DealType.SOLUTION_ASSESSMENT
        allowed = set(self.deal.decision.stages)
        options = []
        for pct, name in ASSESSMENT_STAGES if assessment else NORMAL_STAGES:
            if pct <= row.stage_pct:
                mark = "✓ done"
            elif pct in allowed:
                mark = ""
            else:
                mark = "not yet" if assessment else "—"
            options.append(
                Option(
                    f"{pct:>3} %  {name}  {mark}".rstrip(), id=str(pct), disabled=pct not in allowed
                )
            )
        with Vertical(id="dialog"):
            yield Label("Mark sales stage complete", classes="dialog-title")
            hint = (
                "Solution assessments mark every stage, in order; Won needs all four."
                if assessment
                else "Stages are optional and may be skipped forward, never back."
            )
            yield Static(hint, classes="dialog-subtitle")
            yield OptionList(*options, id="stages")
            yield Static("", id="general-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        stages = self.query_one(OptionList)
        stages.focus()
        for index, option in enumerate(stages.options):
            if not option.disabled:
                stages.highlighted = index
                break

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.start(int(event.option.id or 0))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- details -----------------------------------------------------------------------------------


def details_values(detail: DealDetail) -> dict[str, object]:
    row = detail.row
    return {
        "name": row.name,
        "value": f"{row.value:.2f}",
        "currency": row.currency,
        "close_date": row.close_date.isoformat(),
        "notes": detail.notes,
        "crm_id": row.crm_id or "",
        "campaign_id": detail.campaign_id or "",
        "marketplace_intent": detail.marketplace_intent,
        "partner_role": row.partner_role if row.partner_role else Select.NULL,
        "partner_program": row.partner_program or "",
    }


class DetailsDialog(FormDialog[Any]):
    """Edit a deal's details (T6) → DetailsEdit holding only what changed."""

    SUBMIT_LABEL = "Save"

    def __init__(
        self,
        detail: DealDetail,
        *,
        edit: DetailsEdit | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        self.original = details_values(detail)
        values = dict(self.original)
        if edit is not None:
            values.update({k: v for k, v in _edit_items(edit) if v is not None})
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail

    def dialog_title(self) -> str:
        return f"Edit details of “{self.deal.row.name}”"

    def compose_fields(self) -> ComposeResult:
        def text(label: str, name: str, **kw: Any) -> FormField:
            return text_field(label, name, str(self.initial(name, "")), **kw)

        yield text("Deal name", "name", required=True, max_length=MAX_NAME_LEN)
        with Horizontal(classes="row"):
            yield text("Estimated value", "value", required=True, kind="number")
            yield text("Currency", "currency", required=True, max_length=3)
            yield text("Close date", "close_date", required=True, kind="date")
        yield text("Notes", "notes", required=True, max_length=MAX_NOTES_LEN)
        with Horizontal(classes="row"):
            yield text("CRM ID", "crm_id")
            yield text("Campaign ID", "campaign_id")
        with Horizontal(classes="row"):
            yield choice_field(
                "Marketplace intent",
                "marketplace_intent",
                [(m.label, m) for m in MarketplaceIntent],
                self.initial("marketplace_intent", Select.NULL),
                required=True,
            )
            yield choice_field(
                "Partner role",
                "partner_role",
                [(r.label, r) for r in PartnerRole],
                self.initial("partner_role", Select.NULL),
                prompt="None",
            )
        yield text("Partner program", "partner_program")

    def build(self) -> DetailsEdit:
        changed: dict[str, Any] = {}
        for name, before in self.original.items():
            now = self.value(name)
            if name == "currency" and isinstance(now, str):
                now = now.upper()
            if now is None and before is Select.NULL:
                continue
            if now != before:
                changed[name] = now if now is not None else ""
        return DetailsEdit(**changed)

    def extra_check(self) -> dict[str, str]:
        if self.errors.check():
            return {}
        if self.build() == DetailsEdit():
            return {"name": "Nothing changed: edit a field, or press Esc."}
        return {}


def _edit_items(edit: DetailsEdit) -> list[tuple[str, object]]:
    return [(name, getattr(edit, name)) for name in DetailsEdit.__dataclass_fields__]


# --- team ----------------------------------------------------------------------------------------

_PERSON_FIELDS = ("first_name", "last_name", "email", "phone")
_LIST_KEY = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


class PeopleDialog(FormDialog[Any]):
    """Rows of people (first and last name, email, phone), ctrl+n adding one: what the team and
    the customer-contacts dialogs share. Empty rows are dropped; a row that is started needs a
    name and an email. A subclass says which list it edits (`current`, `KEY`, `SERVICE_KEY`),
    whether it may be empty (`AT_LEAST_ONE`), and what it dismisses with (`build`, from
    `persons()`)."""

    KEY: ClassVar[str]  # the fields' prefix: team_0_email
    SERVICE_KEY: ClassVar[str]  # the service's list: team[0].email
    AT_LEAST_ONE: ClassVar[str] = ""  # the message when no row is filled in ("": none is fine)
    TOO_MANY: ClassVar[str] = f"At most {MAX_TEAM_MEMBERS} people."

    def __init__(
        self,
        detail: DealDetail,
        *,
        people: Sequence[PersonInput] | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        rows = list(people) if people is not None else self.current(detail)
        values: dict[str, object] = {}
        for index, p in enumerate(rows):
            for attr in _PERSON_FIELDS:
                values[f"{self.KEY}_{index}_{attr}"] = getattr(p, attr) or ""
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail
        self.rows = max(len(rows) + 1, 2)

    @staticmethod
    def current(detail: DealDetail) -> list[PersonInput]:
        """The people the dialog opens with."""
        raise NotImplementedError

    def _row(self, index: int) -> Horizontal:
        return Horizontal(
            *(
                text_field(
                    label if index == 0 else "",
                    f"{self.KEY}_{index}_{attr}",
                    str(self.initial(f"{self.KEY}_{index}_{attr}", "")),
                    placeholder=label if index else "",
                )
                for attr, label in zip(
                    _PERSON_FIELDS, ("First name", "Last name", "Email", "Phone"), strict=True
                )
            ),
            classes="row",
            id=f"{self.KEY}-row-{index}",
        )

    def compose_fields(self) -> ComposeResult:
        for index in range(self.rows):
            yield self._row(index)

    async def action_add_row(self) -> None:
        if self.rows >= MAX_TEAM_MEMBERS:
            self.notify(self.TOO_MANY, severity="warning")
            return
        row = self._row(self.rows)
        self.rows += 1
        self._errors = None  # the new fields join the error map
        await self.query_one("#fields").mount(row)
        row.query(FormField).first().control.focus()

    def people(self) -> list[tuple[int, dict[str, str]]]:
        out = []
        for index in range(self.rows):
            values = {attr: self.text(f"{self.KEY}_{index}_{attr}") for attr in _PERSON_FIELDS}
            if any(values.values()):
                out.append((index, values))
        return out

    def extra_check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        people = self.people()
        if not people and self.AT_LEAST_ONE:
            problems[f"{self.KEY}_0_first_name"] = self.AT_LEAST_ONE
        for index, values in people:
            for attr in ("first_name", "last_name", "email"):
                if not values[attr]:
                    problems.setdefault(f"{self.KEY}_{index}_{attr}", "Required.")
        return problems

    def persons(self) -> tuple[PersonInput, ...]:
        """The rows filled in, as the service takes them."""
        return tuple(
            PersonInput(v["first_name"], v["last_name"], v["phone"] or None, v["email"] or None)
            for _, v in self.people()
        )

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """Service keys `team[1].email` land on row 1's email field."""
        mapped: dict[str, str] = {}
        for key, text in messages.items():
            if (match := _LIST_KEY.match(key)) and match[1] == self.SERVICE_KEY:
                mapped[f"{self.KEY}_{match[2]}_{match[3]}"] = text
            else:
                mapped[key] = text
        super().show_errors(mapped, message)


class TeamDialog(PeopleDialog):
    """Edit the deal team (T6): at least one member. Dismisses with the members."""

    SUBMIT_LABEL = "Save team"
    KEY = "team"
    SERVICE_KEY = "team"
    AT_LEAST_ONE = "The team needs at least one member."
    TOO_MANY = f"A team has at most {MAX_TEAM_MEMBERS} members."
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+n", "add_row", "Add member", id="team.add"),
    ]

    @staticmethod
    def current(detail: DealDetail) -> list[PersonInput]:
        return [PersonInput(p.first_name, p.last_name, p.phone, p.email) for p in detail.team]

    def dialog_title(self) -> str:
        return f"Team of “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        return "At least one member; each needs a name and an email. ctrl+n adds a row."

    def build(self) -> tuple[PersonInput, ...]:
        return self.persons()


class ContactsDialog(PeopleDialog):
    """Edit the customer contacts (§1.3): rows like the team's, none required, and the
    customer's consent ticked; read-only once shared with Microsoft (the rules say so before
    the dialog opens). Dismisses with (contacts, consent)."""

    SUBMIT_LABEL = "Save contacts"
    KEY = "contact"
    SERVICE_KEY = "contacts"
    TOO_MANY = f"A deal has at most {MAX_TEAM_MEMBERS} customer contacts."
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+n", "add_row", "Add contact", id="contacts.add"),
    ]

    @classmethod
    def saving(cls, service: Service, detail: DealDetail) -> ContactsDialog:
        """The dialog that saves through the service (Lifecycle.set_contacts): from the deal
        screen's `u` and from the invite dialog, where a contact is what inviting Microsoft
        lacks."""
        lifecycle = service.lifecycle
        return cls(
            detail,
            run=lambda answer, deal: lifecycle.set_contacts(deal.row.id, deal.row.version, *answer),
            reload=service.listing.deal,
        )

    @staticmethod
    def current(detail: DealDetail) -> list[PersonInput]:
        return [PersonInput(c.first_name, c.last_name, c.phone, c.email) for c in detail.contacts]

    def dialog_title(self) -> str:
        return f"Customer contacts of “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        return (
            "Each needs a name and an email. Once shared with Microsoft they can no longer be "
            "changed. ctrl+n adds a row."
        )

    def compose_fields(self) -> ComposeResult:
        yield from super().compose_fields()
        yield check_field(
            "The customer consents to sharing these contacts", "consent", bool(self.deal.contacts)
        )

    def build(self) -> tuple[tuple[PersonInput, ...], bool]:
        """The rows and the consent tick: what `Lifecycle.set_contacts` takes."""
        return self.persons(), bool(self.value("consent"))


# --- invitation terms ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvitationTerms:
    """What an invitee may change after accepting (D14): value, currency and close date."""

    value: str
    currency: str
    close_date: str


class InvitationTermsDialog(FormDialog[Any]):
    """Edit the close date and value of a deal received through a P2P invitation (D14)."""

    SUBMIT_LABEL = "Save"

    def __init__(
        self,
        detail: DealDetail,
        *,
        terms: InvitationTerms | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        row = detail.row
        values: dict[str, object] = (
            {"value": terms.value, "currency": terms.currency, "close_date": terms.close_date}
            if terms is not None
            else {
                "value": f"{row.value:.2f}",
                "currency": row.currency,
                "close_date": row.close_date.isoformat(),
            }
        )
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail

    def dialog_title(self) -> str:
        return "Edit invitation close date and value"

    def dialog_subtitle(self) -> str:
        inviter = self.deal.invited_by or "the inviting partner"
        return f"The terms {inviter} proposed; only you, the invitee, can change them."

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            for label, name, kind in (
                ("Estimated value", "value", "number"),
                ("Currency", "currency", "text"),
                ("Close date", "close_date", "date"),
            ):
                yield text_field(label, name, str(self.initial(name, "")), required=True, kind=kind)

    def build(self) -> InvitationTerms:
        return InvitationTerms(
            self.text("value"), self.text("currency").upper(), self.text("close_date")
        )


__all__ = [
    "DetailsDialog",
    "InvitationTerms",
    "InvitationTermsDialog",
    "StageDialog",
    "TeamDialog",
]
