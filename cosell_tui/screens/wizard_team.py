"""Step 4 of the New Deal wizard: the deal team, at least one member with name, phone and email.

A member being typed but not yet added counts as part of the draft, so pressing Next with a
half-typed member shows the service's message next to the missing field instead of a vague
"add someone". Members of the user's recent deals are offered for a one-key add.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cosell_tui.domain.views import PersonView
from cosell_tui.screens.wizard_base import WizardStep, split_key
from cosell_tui.service.forms import PersonInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormField, text_field

PERSON_FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Phone"),
    ("email", "Email"),
)


def person_line(person: PersonInput | PersonView) -> str:
    name = f"{person.first_name} {person.last_name}".strip()
    return " · ".join(
        part for part in (name, person.phone or "no phone", person.email or "no email")
    )


class TeamStep(WizardStep):
    key = "team"
    title = "Team"

    DEFAULT_CSS = """
    TeamStep .pair { height: auto; }
    TeamStep .pair FormField { width: 1fr; }
    TeamStep OptionList { height: auto; max-height: 6; }
    TeamStep #team-add { margin: 0 1; }
    """

    BINDINGS = [Binding("delete", "remove_member", "Remove member", id="wizard.remove_member")]

    class RecentLoaded(Message):
        def __init__(self, people: tuple[PersonView, ...]) -> None:
            super().__init__()
            self.people = people

    def __init__(self, service: Any) -> None:
        super().__init__(service)
        self.members: list[PersonInput] = []
        self.recent: tuple[PersonView, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield FormField(
            "Team members (Delete removes the highlighted one)",
            OptionList(id="team-list", compact=True),
            field="team",
            required=True,
        )
        yield Static("Add a member: name, phone and email are all required.", classes="step-note")
        with Horizontal(classes="pair"):
            for name, label in PERSON_FIELDS[:2]:
                yield text_field(label, f"member_{name}")
        with Horizontal(classes="pair"):
            for name, label in PERSON_FIELDS[2:]:
                yield text_field(label, f"member_{name}")
        yield Button("Add member", id="team-add", compact=True)
        yield Label("From your recent deals (Enter adds):", classes="step-heading")
        yield OptionList(id="team-recent", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._render_list()
        self._load_recent()

    @background(group="wizard-recent")
    def _load_recent(self) -> None:
        self.post_message(self.RecentLoaded(self.service.catalog.recent_team_members()))

    @on(RecentLoaded)
    def _recent_loaded(self, event: RecentLoaded) -> None:
        event.stop()
        self.recent = event.people
        recent = self.query_one("#team-recent", OptionList)
        recent.clear_options()
        recent.add_options(
            Option(Text(person_line(p)), id=f"r{i}") for i, p in enumerate(self.recent)
        )
        if not self.recent:
            recent.add_option(Option(Text("No recent team members yet."), disabled=True))

    # --- editing ------------------------------------------------------------------------------

    def _typed(self) -> dict[str, str]:
        fields = self.fields
        return {name: str(fields[f"member_{name}"].value or "") for name, _label in PERSON_FIELDS}

    def pending(self) -> PersonInput | None:
        """The member being typed, if any field of it has text."""
        typed = self._typed()
        if not any(typed.values()):
            return None
        return PersonInput(
            first_name=typed["first_name"],
            last_name=typed["last_name"],
            phone=typed["phone"] or None,
            email=typed["email"] or None,
        )

    def add(self, person: PersonInput) -> None:
        self.members.append(person)
        self._render_list()

    def _render_list(self) -> None:
        team = self.query_one("#team-list", OptionList)
        team.clear_options()
        team.add_options(
            Option(Text(person_line(p)), id=f"m{i}") for i, p in enumerate(self.members)
        )
        self.fields["team"].set_error(None)
        if not self.members:
            team.add_option(
                Option(
                    Text("No members yet: add one below or from your recent deals."), disabled=True
                )
            )
        self.changed()

    def clear_typed(self) -> None:
        for name, _label in PERSON_FIELDS:
            field = self.fields[f"member_{name}"]
            assert isinstance(field.control, Input)  # text fields
            field.control.value = ""
            field.set_error(None)

    @on(OptionList.OptionSelected, "#team-recent")
    def _recent_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        person = self.recent[event.option_index]
        self.add(PersonInput(person.first_name, person.last_name, person.phone, person.email))

    def action_remove_member(self) -> None:
        team = self.query_one("#team-list", OptionList)
        if team.has_focus and team.highlighted is not None and self.members:
            del self.members[team.highlighted]
            self._render_list()

    @on(Button.Pressed, "#team-add")
    @on(Input.Submitted, "#input-member_email")
    def _add_pressed(self, event: Message) -> None:
        """Ask the screen to validate the typed member before it joins the list."""
        event.stop()
        if self.pending() is not None:
            self.post_message(self.AddRequested())

    class AddRequested(Message):
        """The user wants the typed member added; the screen validates it first."""

    def accept_pending(self) -> None:
        """The typed member passed validation: move it into the list."""
        person = self.pending()
        if person is not None:
            self.add(person)
            self.clear_typed()
            self.query_one("#input-member_first_name").focus()

    # --- the draft ----------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        pending = self.pending()
        return {"team": (*self.members, *([pending] if pending else []))}

    def is_dirty(self) -> bool:
        return bool(self.members) or self.pending() is not None

    def route_error(self, key: str, message: str) -> bool:
        base, index, leaf = split_key(key)
        if base != "team":
            return False
        if index is not None and index >= len(self.members) and leaf:
            field = self.fields.get(f"member_{leaf}")
            if field is not None:
                field.set_error(message)
                return True
        if index is not None and index < len(self.members):
            person = person_line(self.members[index])
            message = f"{person}: {message}"
            current = self.fields["team"].error
            self.fields["team"].set_error(f"{current}\n{message}" if current else message)
            return True
        self.fields["team"].set_error(message)
        return True

    def summary(self) -> list[str]:
        team = self.collect()["team"]
        return ["Team:", *(f"  {person_line(p)}" for p in team)] if team else ["Team: none"]
