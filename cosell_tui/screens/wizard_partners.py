"""Step 7 of the New Deal wizard: partner-to-partner invitations (and Microsoft), all optional.

The form is shared with the upgrade dialog that invites more partners to an open deal
(`InvitationForm`), so both ask the same things in the same words. Per partner: close date and
value (pre-filled from the deal, frozen for the inviter once sent, D14), notes, the team for
that partner (pre-filled from step 4), the solutions the partner should bring (its own, as the
co-sell catalog lists them, loaded once the partner is chosen) and the help wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cosell_tui.domain import HelpType
from cosell_tui.screens.wizard_base import WizardStep, split_key
from cosell_tui.service.forms import MICROSOFT, InvitationDraft, PersonInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormField, choice_field, text_field
from cosell_tui.widgets.partner_solutions import PartnerSolutions

#: What the partner search offers first: Microsoft can be invited like any partner.
MICROSOFT_CHOICE: tuple[int | str, str] = (MICROSOFT, "Microsoft")


def invitation_line(name: str, invitation: InvitationDraft) -> str:
    return (
        f"{name} · {invitation.value} {invitation.currency} by {invitation.close_date} · "
        f"{HelpType(invitation.help_type).label} · {len(invitation.solution_ids)} solution(s)"
    )


class InvitationForm(Vertical):
    """Search an invitee and fill in one invitation; reads back an `InvitationDraft`."""

    DEFAULT_CSS = """
    InvitationForm { height: auto; }
    InvitationForm .pair { height: auto; }
    InvitationForm .pair FormField { width: 1fr; }
    InvitationForm OptionList, InvitationForm SelectionList { height: auto; max-height: 6; }
    InvitationForm #invite-terms { height: auto; display: none; }
    InvitationForm.-chosen #invite-terms { display: block; }
    InvitationForm #invite-chosen { text-style: bold; padding: 0 1; }
    """

    class PartnersLoaded(Message):
        def __init__(self, partners: tuple[tuple[int, str], ...]) -> None:
            super().__init__()
            self.partners = partners

    def __init__(self, service: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.service = service
        self.partners: tuple[tuple[int | str, str], ...] = ()
        self.invitee: tuple[int | str, str] | None = None
        self.team: tuple[PersonInput, ...] = ()
        #: The deal's close date, value and currency: each new invitation starts from them.
        self.deal_terms: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Search partners in the co-sell ecosystem", id="partner-text", compact=True
        )
        yield OptionList(id="partner-results", compact=True)
        yield Static("Choose a partner (Enter) to fill in the invitation.", id="invite-chosen")
        with Vertical(id="invite-terms"):
            with Horizontal(classes="pair"):
                yield text_field("Their close date", "inv_close_date", kind="date", required=True)
                yield text_field("Their value", "inv_value", kind="number", required=True)
                yield text_field("Currency", "inv_currency", "USD", max_length=3, required=True)
            yield choice_field(
                "Help you need from them",
                "inv_help_type",
                [(h.label, h) for h in HelpType if h is not HelpType.NONE],
                HelpType.GENERAL,
                required=True,
            )
            yield text_field("Notes (why you invite them)", "inv_notes", max_length=5000)
            yield FormField(
                "Solutions they should bring (Space toggles; at least one)",
                PartnerSolutions(self.service, id="inv-solutions"),
                field="inv_solution_ids",
                required=True,
            )
            yield FormField(
                "Your team for this partner (Space toggles)",
                SelectionList[int](id="inv-team", compact=True),
                field="inv_team",
            )

    def on_mount(self) -> None:
        self.search()

    def search(self) -> None:
        self._run_search(self.query_one("#partner-text", Input).value.strip())

    @background(group="wizard-partners")
    def _run_search(self, text: str) -> None:
        partners = self.service.catalog.search_partners(text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PartnersLoaded(partners))

    @on(Input.Changed, "#partner-text")
    def _text_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search()

    @on(Input.Submitted, "#partner-text")
    def _text_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#partner-results").focus()

    @on(PartnersLoaded)
    def _partners_loaded(self, event: PartnersLoaded) -> None:
        event.stop()
        text = self.query_one("#partner-text", Input).value.strip().lower()
        microsoft = [MICROSOFT_CHOICE] if text in "microsoft" else []
        self.partners = (*microsoft, *event.partners)
        results = self.query_one("#partner-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(Text(name), id=f"p{i}") for i, (_id, name) in enumerate(self.partners)
        )
        if self.partners:
            results.highlighted = 0

    @on(OptionList.OptionSelected, "#partner-results")
    def _partner_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.partners[event.option_index])

    def choose(self, invitee: tuple[int | str, str]) -> None:
        self.invitee = invitee
        self.add_class("-chosen")
        self.query_one("#invite-chosen", Static).update(f"Invitation to {invitee[1]}")
        # Microsoft brings no partner solution; a partner's own are offered once loaded.
        self.query_one(PartnerSolutions).show_for(
            invitee[0] if isinstance(invitee[0], int) else None
        )
        self.query_one("#input-inv_close_date").focus()

    def prefill(
        self,
        *,
        close_date: str,
        value: str,
        currency: str,
        team: Sequence[PersonInput],
    ) -> None:
        """Fill what comes from the deal; fields the user already typed keep their text."""
        self.deal_terms = {
            "inv_close_date": close_date,
            "inv_value": value,
            "inv_currency": currency,
        }
        for field, text in self.deal_terms.items():
            control = self.query_one(f"#input-{field}", Input)
            if not control.value or control.value == "USD":
                control.value = text
        if tuple(team) != self.team:
            self.team = tuple(team)
            picker = self.query_one("#inv-team", SelectionList)
            picker.clear_options()
            picker.add_options(
                (f"{p.first_name} {p.last_name}".strip(), i, True) for i, p in enumerate(self.team)
            )

    @property
    def fields(self) -> dict[str, FormField]:
        return {field.field: field for field in self.query(FormField)}

    def draft(self) -> InvitationDraft | None:
        """The invitation as typed, or None before a partner is chosen."""
        if self.invitee is None:
            return None
        fields = self.fields
        help_type = fields["inv_help_type"].value
        team = self.query_one("#inv-team", SelectionList).selected
        return InvitationDraft(
            org_id=self.invitee[0],
            value=str(fields["inv_value"].value or ""),
            currency=str(fields["inv_currency"].value or "").upper(),
            close_date=str(fields["inv_close_date"].value or ""),
            notes=str(fields["inv_notes"].value or ""),
            help_type=help_type if isinstance(help_type, HelpType) else HelpType.GENERAL,
            solution_ids=tuple(self.query_one(PartnerSolutions).selected),
            team=tuple(self.team[i] for i in team),
        )

    def reset(self) -> None:
        """Ready for the next partner: terms go back to the deal's, choices are cleared."""
        self.invitee = None
        self.remove_class("-chosen")
        self.query_one("#invite-chosen", Static).update(
            "Choose a partner (Enter) to fill in the invitation."
        )
        for name in ("inv_notes",):
            self.query_one(f"#input-{name}", Input).value = ""
        for name, text in self.deal_terms.items():  # the deal's, not the last partner's
            self.query_one(f"#input-{name}", Input).value = text
        for field in self.fields.values():
            field.set_error(None)
        self.query_one(PartnerSolutions).deselect_all()
        self.query_one("#inv-team", SelectionList).select_all()

    def show_error(self, leaf: str | None, message: str) -> None:
        """Place an invitation message on its field (`solution_ids` → the solutions picker)."""
        name = {"org_id": None, "team": "inv_team", "solution_ids": "inv_solution_ids"}.get(
            leaf or "", f"inv_{leaf}" if leaf else None
        )
        target = self.fields.get(name or "")
        if target is None:
            self.query_one("#invite-chosen", Static).update(message)
            return
        target.set_error(message)


class PartnersStep(WizardStep):
    key = "partners"
    title = "Partner invitations"

    DEFAULT_CSS = """
    PartnersStep #invitations { height: auto; max-height: 5; }
    PartnersStep #invite-add { margin: 0 1; }
    """

    BINDINGS = [
        Binding("delete", "remove_invitation", "Remove invitation", id="wizard.remove_invitation")
    ]

    class AddRequested(Message):
        """The user wants the typed invitation added; the screen validates it first."""

    def __init__(self, service: Any) -> None:
        super().__init__(service)
        self.invitations: list[tuple[str, InvitationDraft]] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield Static(
            "Optional: invite partners (or Microsoft) to work the deal with you.",
            classes="step-note",
        )
        yield FormField(
            "Invitations (Delete removes)",
            OptionList(id="invitations", compact=True),
            field="invitations",
        )
        yield InvitationForm(self.service, id="invitation-form")
        yield Button("Add invitation", id="invite-add", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._render_list()

    @property
    def form(self) -> InvitationForm:
        return self.query_one(InvitationForm)

    @on(Button.Pressed, "#invite-add")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.form.invitee is None:
            self.app.notify("Choose a partner first.", severity="warning")
            return
        self.post_message(self.AddRequested())

    def accept_pending(self) -> None:
        draft = self.form.draft()
        if draft is None or self.form.invitee is None:
            return
        self.invitations.append((self.form.invitee[1], draft))
        self._render_list()
        self.form.reset()

    def _render_list(self) -> None:
        listing = self.query_one("#invitations", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(Text(invitation_line(name, draft)), id=f"i{i}")
            for i, (name, draft) in enumerate(self.invitations)
        )
        if not self.invitations:
            listing.add_option(
                Option(Text("No invitations: this step is optional."), disabled=True)
            )
        self.changed()

    def action_remove_invitation(self) -> None:
        listing = self.query_one("#invitations", OptionList)
        if listing.has_focus and listing.highlighted is not None and self.invitations:
            del self.invitations[listing.highlighted]
            self._render_list()

    def prefill(self, **kwargs: Any) -> None:
        self.form.prefill(**kwargs)

    def collect(self) -> dict[str, Any]:
        pending = self.form.draft()
        drafts = [draft for _name, draft in self.invitations]
        return {"invitations": (*drafts, *([pending] if pending else []))}

    def is_dirty(self) -> bool:
        return bool(self.invitations) or self.form.invitee is not None

    def route_error(self, key: str, message: str) -> bool:
        base, index, leaf = split_key(key)
        if base != "invitations":
            return False
        if index is not None and index >= len(self.invitations):
            self.form.show_error(leaf, message)
            return True
        if index is not None:
            message = f"{self.invitations[index][0]}: {message}"
        self.fields["invitations"].set_error(message)
        return True

    def show_errors(self, errors: Any, labels: Any) -> None:
        for field in self.form.fields.values():
            field.set_error(None)
        super().show_errors(errors, labels)

    def summary(self) -> list[str]:
        names = [name for name, _draft in self.invitations]
        if self.form.invitee is not None:
            names.append(self.form.invitee[1])
        collected = self.collect()["invitations"]
        if not collected:
            return ["Partner invitations: none"]
        return ["Partner invitations:"] + [
            f"  {invitation_line(name, draft)}"
            for name, draft in zip(names, collected, strict=True)
        ]
