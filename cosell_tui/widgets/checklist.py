"""The Azure IP co-sell eligibility checklist: each criterion met ✓, failed ✗ or undecidable ?.

The rules give every criterion with a reason in words (domain.md §4.2, D8); this widget only
lays them out, so "why can I not register?" is answered on the screen, one line per rule.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from cosell_tui.domain.facts import Checklist, Outcome

_MARK = {
    Outcome.MET: ("✓", "$text-success"),
    Outcome.FAILED: ("✗", "$text-error"),
    Outcome.UNDECIDABLE: ("?", "$text-warning"),
}


def checklist_content(checklist: Checklist | None) -> Content:
    """The verdict line, then one line per criterion with its reason."""
    if checklist is None:
        return Content.styled("Registration does not apply until the deal is won.", "$text-muted")
    if checklist.eligible:
        verdict = Content.styled("Eligible for Azure IP co-sell registration", "bold $text-success")
    elif checklist.undecidable:
        verdict = Content.styled("Eligibility cannot be decided yet", "bold $text-warning")
    else:
        verdict = Content.styled(
            "Not eligible for Azure IP co-sell registration", "bold $text-error"
        )
    lines = [verdict]
    for item in checklist.items:
        mark, style = _MARK[item.outcome]
        line = Content.assemble((f"{mark} ", style), (item.title, "bold"))
        if item.reason:
            line = Content.assemble(line, ("  ", ""), (item.reason, "$text-muted"))
        lines.append(line)
    return Content("\n").join(lines)


class EligibilityChecklist(Static):
    """Renders a `Checklist` (or says registration does not apply)."""

    DEFAULT_CSS = """
    EligibilityChecklist {
        height: auto;
    }
    """

    def __init__(self, checklist: Checklist | None = None, *, id: str | None = None) -> None:
        super().__init__(checklist_content(checklist), id=id)
        self.checklist = checklist

    def show(self, checklist: Checklist | None) -> None:
        self.checklist = checklist
        self.update(checklist_content(checklist))
