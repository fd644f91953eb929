"""Step 6 of the New Deal wizard: the selling type, i.e. whether and how Microsoft takes part.

The resulting deal type is not decided here: the screen shows the deal-type rule set's answer
(`Service.preview_deal_type`) live under every step. Solution assessments have no selling type,
so the step says so instead of offering the questions.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import RadioSet, Select, Static

from cosell_tui.domain import HelpType
from cosell_tui.screens.wizard_base import WizardStep
from cosell_tui.widgets.form import FormField, choice_field, text_field
from cosell_tui.widgets.toggles import Choice

VISIBILITY_QUESTION = "Would you like Microsoft sellers to view this deal?"


class SellingStep(WizardStep):
    key = "selling"
    title = "Selling type"

    DEFAULT_CSS = """
    SellingStep #selling-questions { height: auto; }
    SellingStep.-assessment #selling-questions { display: none; }
    SellingStep #selling-assessment { display: none; padding: 0 1; }
    SellingStep.-assessment #selling-assessment { display: block; }
    SellingStep.-help #field-visible_to_microsoft { display: none; }
    SellingStep #selling-help-visible { display: none; }
    SellingStep.-help #selling-help-visible { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-errors")
        yield Static(
            "Solution assessments have no selling type: Microsoft reviews them as assessments.",
            id="selling-assessment",
        )
        with Vertical(id="selling-questions"):
            yield choice_field(
                "Identify the kind of help you need from Microsoft",
                "help_type",
                [(help_type.label, help_type) for help_type in HelpType],
                HelpType.NONE,
                required=True,
            )
            yield text_field("Notes to Microsoft about the help", "help_notes", max_length=5000)
            yield Static(
                "Asking for help makes it a co-sell deal: Microsoft sees it, needs a customer "
                "contact (step 1) and has 14 days to accept or decline.",
                classes="step-note",
            )
            yield FormField(
                VISIBILITY_QUESTION,
                RadioSet(
                    Choice("Yes (partner-led)", id="visible-yes"),
                    Choice("No (private)", id="visible-no"),
                    id="input-visible_to_microsoft",
                    compact=True,
                ),
                field="visible_to_microsoft",
                required=True,
            )
            yield Static(
                "Co-sell deals are always visible to Microsoft sellers.", id="selling-help-visible"
            )
            yield Static(
                "Sharing with Microsoft sellers cannot be undone later.", classes="step-note"
            )

    @property
    def help_type(self) -> HelpType:
        value = self.fields["help_type"].value
        return value if isinstance(value, HelpType) else HelpType.NONE

    @property
    def visible_answer(self) -> bool | None:
        pressed = self.query_one("#input-visible_to_microsoft", RadioSet).pressed_button
        if pressed is None:
            return None
        return pressed.id == "visible-yes"

    def set_assessment(self, assessment: bool) -> None:
        self.set_class(assessment, "-assessment")

    @on(Select.Changed, "#input-help_type")
    def _help_changed(self, event: Select.Changed) -> None:
        self.set_class(self.help_type is not HelpType.NONE, "-help")

    def collect(self) -> dict[str, Any]:
        if self.has_class("-assessment"):
            return {"help_type": HelpType.NONE, "help_notes": "", "visible_to_microsoft": None}
        help_type = self.help_type
        return {
            "help_type": help_type,
            "help_notes": str(self.fields["help_notes"].value or ""),
            "visible_to_microsoft": True if help_type is not HelpType.NONE else self.visible_answer,
        }

    def is_dirty(self) -> bool:
        return self.help_type is not HelpType.NONE or self.visible_answer is not None

    def summary(self) -> list[str]:
        if self.has_class("-assessment"):
            return ["Selling type: not offered for solution assessments"]
        data = self.collect()
        visible = {True: "Yes", False: "No", None: "not answered"}[data["visible_to_microsoft"]]
        lines = [f"Help from Microsoft: {data['help_type'].label}"]
        if data["help_notes"]:
            lines.append(f"Notes to Microsoft: {data['help_notes']}")
        lines.append(f"Visible to Microsoft sellers: {visible}")
        return lines
