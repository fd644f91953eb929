"""The preview pane (`p`): the selected deal's key facts without leaving the list.

It mirrors the portal's hover card (domain.md §5): created, status, Microsoft status, customer
and contacts, the expiry countdown and whether the deal is eligible for registration. The screen
tells it which row the cursor is on (`follow`); the pane holds the deal it shows in a reactive
(`deal_id`), reads that deal's `DealDetail` (a frozen read model) in its own worker while it is
shown, and renders it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from cosell_tui.domain import TERMINAL_SUBSTATUSES, Direction
from cosell_tui.domain.format import countdown, printable
from cosell_tui.service.errors import CosellError
from cosell_tui.widgets.background import background
from cosell_tui.widgets.grid import is_urgent, money
from cosell_tui.widgets.service_slot import ServiceSlot

if TYPE_CHECKING:
    from cosell_tui.domain.facts import Outcome
    from cosell_tui.domain.views import DealDetail, DealRow
    from cosell_tui.service import Service


def _mark(outcome: Outcome) -> tuple[str, str]:
    """A checklist item's mark and style. The rule facts are imported when a preview is first
    drawn, not before the first frame (the preview starts hidden)."""
    from cosell_tui.domain.facts import Outcome

    marks = {
        Outcome.MET: ("✔", "$text-success"),
        Outcome.FAILED: ("✘", "$text-error"),
        Outcome.UNDECIDABLE: ("?", "$text-warning"),
    }
    return marks[outcome]


DIM = "$text-muted"


class _Parts(list):
    """(text, style) pieces assembled into one Content; styles are theme variables."""

    def append(self, text: str, style: str = "") -> None:
        text = printable(text)  # names, people and reasons come from the database
        super().append((text, style) if style else text)


def preview_text(detail: DealDetail, now: datetime) -> Content:
    """The card's text, styled with theme variables only (so the ANSI themes work too)."""
    row = detail.row
    text = _Parts()
    text.append(row.name + "\n", style="bold")
    badges = [row.direction.label.upper(), row.deal_type.label]
    if row.p2p:
        badges.append("P2P")
    text.append(" · ".join(badges) + "\n", style=DIM)

    def fact(label: str, value: str, style: str = "") -> None:
        text.append(f"{label:<12}", style=DIM)
        text.append(value + "\n", style=style)

    fact("Status", row.substatus.label)
    if row.direction is Direction.INCOMING and row.substatus not in TERMINAL_SUBSTATUSES:
        left = countdown(row.expires_at, now)
        if left:
            fact("Expires in", left, "bold $text-error" if is_urgent(row, now) else "")
    fact("Value", money(row))
    fact("Close date", row.close_date.isoformat())
    fact("Created", row.created_at.strftime("%Y-%m-%d %H:%M"))
    fact("Referral ID", row.referral_id)
    if row.crm_id:
        fact("CRM ID", row.crm_id)
    if detail.invited_by:
        fact("From", detail.invited_by)
    ms = detail.microsoft
    fact("Microsoft", ms.status.label)
    if ms.seller is not None:
        fact("MS seller", ", ".join(filter(None, (ms.seller.full_name, ms.seller.email))))

    text.append("\nCustomer\n", style="bold")
    text.append(f"{detail.customer.name} ({detail.customer.country})\n")
    for person in detail.contacts:
        details = ", ".join(filter(None, (person.email, person.phone)))
        text.append(f"  {person.full_name}" + (f"  {details}" if details else "") + "\n")
    if not detail.contacts:
        text.append("  no contact shared\n", style=DIM)

    text.append("\nRegistration\n", style="bold")
    if detail.checklist is None:
        text.append("  applies once the deal is won\n", style=DIM)
    else:
        verdict = "eligible" if detail.checklist.eligible else "not eligible"
        text.append(f"  Azure IP co-sell: {verdict}\n")
        from cosell_tui.domain.facts import Outcome

        for item in detail.checklist.items:
            mark, style = _mark(item.outcome)
            text.append(f"  {mark} ", style=style)
            text.append(item.title)
            if item.outcome is not Outcome.MET and item.reason:
                text.append(f" — {item.reason}", style=DIM)
            text.append("\n")
    if detail.registration is not None:
        fact("Registered", detail.registration.status.label)
    return Content.assemble(*text)


class DealPreview(ServiceSlot, VerticalScroll, can_focus=False):
    """A side pane that shows one deal; hidden until `p`."""

    DEFAULT_CSS = """
    DealPreview {
        width: 42%;
        min-width: 32;
        max-width: 60;
        border-left: vkey $panel-lighten-2;
        padding: 0 1;
        background: $surface;
    }
    DealPreview > Static { width: 1fr; }
    """

    #: The deal shown (or being read); None: none yet, or read it again on the next `follow`.
    deal_id: reactive[int | None] = reactive(None, init=False, repaint=False)

    def __init__(self, service: Service | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._service = service

    def compose(self) -> ComposeResult:
        yield Static("", id="preview-body", markup=False)

    def follow(self, row: DealRow | None) -> None:
        """The cursor is on `row`: show it (read only when the pane is shown and the deal is
        another one than the pane shows)."""
        if not self.display:
            return
        if row is None:
            self.forget()
            self.show(None, self.service.clock.now())
            return
        self.deal_id = row.id

    def forget(self) -> None:
        """The deal may have changed: the next `follow` reads it again."""
        self.set_reactive(DealPreview.deal_id, None)

    def watch_deal_id(self, deal_id: int | None) -> None:
        if deal_id is not None:
            self._load(deal_id)

    @background(group="preview")
    def _load(self, deal_id: int) -> None:
        try:
            detail = self.service.listing.deal(deal_id)
        except CosellError as exc:  # e.g. no longer visible: say so where the preview would be
            self.app.call_from_thread(self.show_message, exc.message)
            return
        self.app.call_from_thread(self._loaded, detail)

    def _loaded(self, detail: DealDetail) -> None:
        if detail.row.id == self.deal_id:  # not one the cursor has already left
            self.show(detail, self.service.clock.now())

    def show(self, detail: DealDetail | None, now: datetime) -> None:
        body = self.query_one("#preview-body", Static)
        if detail is None:
            body.update(Content.styled("No deal selected.", DIM))
        else:
            body.update(preview_text(detail, now))

    def show_message(self, message: str) -> None:
        self.query_one("#preview-body", Static).update(Content.styled(message, DIM))
