"""What every New Deal wizard step shares: its key, its fields, and where its messages go.

A step is a section of the one wizard screen. It never talks to the service itself for
validation: the screen collects every step's values into one `DealDraft`, asks
`Service.validate_draft(draft, step)` and hands the answer back to `show_errors`, which puts each
message next to its field (or, for a message about another step's field, in the step's summary
line, naming that step). That keeps the rules in one place, the service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, RadioSet, Select, Static

from cosell_tui.widgets.form import FormField

#: `team[1].phone`, `team.1.phone`, `invitations[0].value`, `name` → (base, index, leaf).
_KEY = re.compile(r"^(?P<base>[A-Za-z_]+)(?:\[(?P<i>\d+)\]|\.(?P<j>\d+))?(?:\.(?P<leaf>[\w.]+))?$")


def split_key(key: str) -> tuple[str, int | None, str | None]:
    """Split a service field key into its list name, index and leaf field."""
    match = _KEY.match(key)
    if match is None:
        return key, None, None
    index = match["i"] or match["j"]
    return match["base"], int(index) if index is not None else None, match["leaf"]


class WizardStep(VerticalScroll):
    """One section of the wizard. Subclasses set `key` and `title` and fill `fields`."""

    DEFAULT_CSS = """
    WizardStep { height: 1fr; padding: 0 1; }
    WizardStep .step-note { color: $text-muted; padding: 0 1; }
    WizardStep .step-errors { color: $text-error; padding: 0 1; }
    WizardStep .step-heading { text-style: bold; padding: 0 1; margin: 1 0 0 0; }
    """

    key: str = ""  # the `step` argument of Service.validate_draft
    title: str = ""
    #: Names of other steps' fields, to say where a message belongs ("Customer: …").
    FIELD_STEPS: Mapping[str, str] = {}

    class Changed(Message):
        """A list in a step changed (member, solution, invitation): the live line re-asks."""

    def __init__(self, service: Any, *, id: str | None = None) -> None:
        super().__init__(id=id or f"step-{self.key}")
        self.service = service

    def changed(self) -> None:
        self.post_message(WizardStep.Changed())

    def focus_first_control(self) -> None:
        """Put the cursor where the user starts typing on this step: the first field that takes
        typing or a choice; a list (the team so far, the invitations so far) only when the step
        has nothing else, since typing into a list lands nowhere."""
        for selector in ("Input, Select, RadioSet", "OptionList"):
            for widget in self.query(selector):
                if isinstance(widget, Input | Select | RadioSet | OptionList) and self._shown(
                    widget
                ):
                    widget.focus()
                    return

    def _shown(self, widget: Widget) -> bool:
        node: Widget | None = widget
        while node is not None and node is not self:
            if not node.display:
                return False
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return widget.focusable

    @property
    def fields(self) -> dict[str, FormField]:
        return {field.field: field for field in self.query(FormField)}

    def collect(self) -> dict[str, Any]:
        """This step's part of the DealDraft, as keyword arguments."""
        return {}

    def is_dirty(self) -> bool:
        """Whether the user has typed or chosen anything here (discard asks first)."""
        return False

    def entered(self) -> None:
        """Called each time the step is shown (pre-fill from earlier steps)."""

    def route_error(self, key: str, message: str) -> bool:
        """Place a message this step understands specially (list rows); True when placed."""
        return False

    def show_errors(self, errors: Mapping[str, str], labels: Mapping[str, str]) -> None:
        """Put each message next to its field; the rest go to the summary with their step."""
        fields = self.fields
        for field in fields.values():
            field.set_error(None)
        leftovers: list[str] = []
        for key, message in errors.items():
            if self.route_error(key, message):
                continue
            base, _index, leaf = split_key(key)
            target = fields.get(key) or fields.get(base) or (fields.get(leaf) if leaf else None)
            if target is not None:
                target.set_error(message)
            else:
                where = labels.get(base)
                leftovers.append(
                    f"{where}: {message}" if where and where != self.title else message
                )
        summary = self.query_one(".step-errors", Static)
        summary.update("\n".join(leftovers))
        summary.display = bool(leftovers)

    def on_mount(self) -> None:
        for summary in self.query(".step-errors"):
            summary.display = False
