"""The solutions a partner publishes in the co-sell catalog, to pick from (Space toggles).

What an invitation asks the invited partner to bring (the wizard's step 7 and the invite
dialog) and what a Microsoft seller's referral is about (the send dialog) are the receiving
partner's own solutions: `show_for(org_id)` loads them in a thread worker
(`Service.catalog.partner_solutions`) once the partner is chosen; none is selected. A load for a
partner no longer chosen is dropped.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import SelectionList
from textual.worker import get_current_worker

from cosell_tui.widgets.background import background


class PartnerSolutions(SelectionList[str]):
    """A chosen partner's catalog solutions; `selected` holds the picked ids."""

    class Loaded(Message):
        """The partner's solutions (id, name), from the co-sell catalog."""

        def __init__(self, org_id: int, solutions: tuple[tuple[str, str], ...]) -> None:
            super().__init__()
            self.org_id = org_id
            self.solutions = solutions

    def __init__(self, service: Any, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.service = service
        self.org_id: int | None = None
        self.solutions: tuple[tuple[str, str], ...] = ()  # (id, name), as offered

    def show_for(self, org_id: int | None) -> None:
        """Offer `org_id`'s solutions (none for Microsoft, or no partner: None)."""
        self.org_id = org_id
        self._offer(())
        if org_id is not None:
            self._load(org_id)

    @background(group="partner-solutions")
    def _load(self, org_id: int) -> None:
        solutions = self.service.catalog.partner_solutions(org_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(org_id, solutions))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        if event.org_id == self.org_id:
            self._offer(event.solutions)

    def _offer(self, solutions: tuple[tuple[str, str], ...]) -> None:
        if solutions == self.solutions:
            return
        self.solutions = solutions
        self.clear_options()
        self.add_options((name, solution_id, False) for solution_id, name in solutions)

    def names(self) -> list[str]:
        """The picked solutions' names, in the order offered."""
        picked = set(self.selected)
        return [name for solution_id, name in self.solutions if solution_id in picked]


__all__ = ["PartnerSolutions"]
