"""What happens when the user acts on a deal, written top to bottom, in one place.

The main screen, the deal screen and the command palette all act through `Flows`: each flow
reads the deal, checks that the rules allow the action now (else says why), opens the action's
dialog — which runs the use case itself and stays open until it succeeds (dialogs.py) — and
returns what the use case returned, or None when the user cancelled. The caller then refreshes
what it shows (the main screen through `GridFlows`: on the selected or the marked deals). Flows
run as workers (`run_flow`), so `push_screen_wait` can wait for a dialog; their database reads
run in threads; any failure follows the one worker policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Any, TypeVar

from cosell_tui.domain import Action, Role

if TYPE_CHECKING:
    from textual.app import App

    from cosell_tui.domain.views import DealDetail, DealRow, Outcome
    from cosell_tui.service import Service
    from cosell_tui.widgets.grid import DealGrid

T = TypeVar("T")


class Flows:
    """The actions on deals, for whichever screen the user is on."""

    def __init__(self, app: App[Any], service: Service) -> None:
        self.app = app
        self.service = service

    # --- steps every flow shares ----------------------------------------------------------------

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """A service call, off the event loop."""
        return await asyncio.to_thread(function, *args)

    async def detail(self, deal_id: int, action: Action | None = None) -> DealDetail | None:
        """The deal as it is now, when `action` is allowed on it; else the rule's reason, told."""
        detail = await self.call(self.service.listing.deal, deal_id)
        if action is not None and action not in detail.decision.allowed:
            self.app.notify(
                detail.decision.why_not(action),
                title=f"{action.label}: not now",
                severity="warning",
            )
            return None
        return detail

    def tell(self, outcome: Outcome) -> None:
        """What a use case did, and anything the user should know about it."""
        self.app.notify(outcome.message, title=outcome.deal.name)
        for warning in outcome.warnings:
            self.app.notify(warning, title=outcome.deal.name, severity="warning", timeout=10)

    async def ask(self, screen: Any) -> Any:
        """Push `screen` and wait for the user's answer (keys typed meanwhile are theirs)."""
        from cosell_tui.screens.keys import ask

        return await ask(self.app, screen)

    async def _dialog(self, dialog: Any) -> Any:
        from cosell_tui.domain.views import Outcome  # loaded with the dialog already

        result = await self.ask(dialog)
        if isinstance(result, Outcome):
            self.tell(result)
            return result
        return None

    # --- one deal -------------------------------------------------------------------------------

    async def accept(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs import AcceptDialog

        lifecycle = self.service.lifecycle
        if (detail := await self.detail(deal_id, Action.ACCEPT)) is None:
            return None
        if self.service.user.role is Role.MICROSOFT_SELLER:
            return await self._microsoft_accept(detail)
        return await self._dialog(
            AcceptDialog(
                detail,
                run=lambda form, deal: lifecycle.accept(deal.row.id, deal.row.version, form),
                reload=self.service.listing.deal,
            )
        )

    async def _microsoft_accept(self, detail: DealDetail) -> Outcome | None:
        """A Microsoft seller accepts a co-sell request: a confirmation, nothing to fill in."""
        from cosell_tui.screens.dialogs import ConfirmDialog

        microsoft = self.service.microsoft
        row = detail.row
        return await self._dialog(
            ConfirmDialog(
                "Accept the co-sell request",
                f"Accept '{row.name}' for {row.customer_name}? You become the Microsoft "
                "seller on the partner's deal, and the partner is told.",
                confirm_label="Accept",
                run=lambda _value, deal: microsoft.accept(deal.row.id, deal.row.version),
                detail=detail,
                reload=self.service.listing.deal,
            )
        )

    async def decline(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs import DeclineDialog

        if self.service.user.role is Role.MICROSOFT_SELLER:  # Microsoft answers a request
            if (detail := await self.detail(deal_id, Action.DECLINE)) is None:
                return None
            microsoft = self.service.microsoft
            return await self._dialog(
                DeclineDialog(
                    1,
                    run=lambda value, deal: microsoft.decline(
                        deal.row.id, deal.row.version, *value
                    ),
                    detail=detail,
                    reload=self.service.listing.deal,
                )
            )
        return await self._reason(deal_id, Action.DECLINE, DeclineDialog, "decline")

    async def lost(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs import LostDialog

        return await self._reason(deal_id, Action.LOST, LostDialog, "lost")

    async def close_as_error(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs import ErrorDialog

        return await self._reason(deal_id, Action.CLOSE_AS_ERROR, ErrorDialog, "close_as_error")

    async def _reason(
        self, deal_id: int, action: Action, dialog: Callable[..., Any], use_case: str
    ) -> Outcome | None:
        """A coded reason and notes, confirmed in the dialog (the change is final)."""
        if (detail := await self.detail(deal_id, action)) is None:
            return None
        run_use_case = getattr(self.service.lifecycle, use_case)
        return await self._dialog(
            dialog(
                1,
                run=lambda value, deal: run_use_case(deal.row.id, deal.row.version, *value),
                detail=detail,
                reload=self.service.listing.deal,
            )
        )

    async def won(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs import WonDialog

        if (detail := await self.detail(deal_id, Action.WON)) is None:
            return None
        lifecycle = self.service.lifecycle
        preview = await self.call(lifecycle.won_preview, deal_id)
        return await self._dialog(
            WonDialog(
                detail,
                preview.warnings,
                registrable=preview.registrable,
                run=lambda _value, deal: lifecycle.won(deal.row.id, deal.row.version),
                reload=self.service.listing.deal,
            )
        )

    async def mark_stage(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_edit import StageDialog

        if (detail := await self.detail(deal_id, Action.MARK_STAGE)) is None:
            return None
        lifecycle = self.service.lifecycle
        return await self._dialog(
            StageDialog(
                detail,
                run=lambda pct, deal: lifecycle.mark_stage(deal.row.id, deal.row.version, pct),
                reload=self.service.listing.deal,
            )
        )

    async def edit_details(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_edit import DetailsDialog

        if (detail := await self.detail(deal_id, Action.EDIT_DETAILS)) is None:
            return None
        lifecycle = self.service.lifecycle
        return await self._dialog(
            DetailsDialog(
                detail,
                run=lambda edit, deal: lifecycle.edit_details(deal.row.id, deal.row.version, edit),
                reload=self.service.listing.deal,
            )
        )

    async def edit_contacts(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_edit import ContactsDialog

        if (detail := await self.detail(deal_id, Action.EDIT_CONTACTS)) is None:
            return None
        return await self._dialog(ContactsDialog.saving(self.service, detail))

    async def edit_team(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_edit import TeamDialog

        if (detail := await self.detail(deal_id, Action.EDIT_TEAM)) is None:
            return None
        lifecycle = self.service.lifecycle
        return await self._dialog(
            TeamDialog(
                detail,
                run=lambda team, deal: lifecycle.set_team(deal.row.id, deal.row.version, team),
                reload=self.service.listing.deal,
            )
        )

    async def edit_solutions(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_solutions import SolutionsDialog

        if (detail := await self.detail(deal_id, Action.EDIT_SOLUTIONS)) is None:
            return None
        lifecycle = self.service.lifecycle
        return await self._dialog(
            SolutionsDialog(
                self.service,
                detail,
                run=lambda lines, deal: lifecycle.set_solutions(
                    deal.row.id, deal.row.version, lines
                ),
                reload=self.service.listing.deal,
            )
        )

    async def edit_invitation_terms(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.dialogs_edit import InvitationTermsDialog

        if (detail := await self.detail(deal_id, Action.EDIT_INVITATION_TERMS)) is None:
            return None
        lifecycle = self.service.lifecycle
        return await self._dialog(
            InvitationTermsDialog(
                detail,
                run=lambda terms, deal: lifecycle.edit_invitation_terms(
                    deal.row.id, deal.row.version, terms.value, terms.currency, terms.close_date
                ),
                reload=self.service.listing.deal,
            )
        )

    async def register(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.registration import RegistrationDialog

        if (detail := await self.detail(deal_id, Action.REGISTER)) is None:
            return None
        registration = self.service.registration
        return await self._dialog(
            RegistrationDialog(
                detail,
                run=lambda form, deal: registration.register(deal.row.id, deal.row.version, form),
                reload=self.service.listing.deal,
                kept=registration.kept_answers(),
            )
        )

    async def request_exception(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.registration import ExceptionDialog

        if (detail := await self.detail(deal_id, Action.REQUEST_EXCEPTION)) is None:
            return None
        registration = self.service.registration
        return await self._dialog(
            ExceptionDialog(
                detail,
                run=lambda text, deal: registration.request_exception(
                    deal.row.id, deal.row.version, text
                ),
                reload=self.service.listing.deal,
            )
        )

    async def share_with_microsoft(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.upgrade import ShareDialog

        if (detail := await self.detail(deal_id, Action.SHARE_WITH_MICROSOFT)) is None:
            return None
        return await self._dialog(ShareDialog(self.service, detail))

    async def request_help(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.upgrade import HelpDialog

        if (detail := await self.detail(deal_id, Action.REQUEST_HELP)) is None:
            return None
        return await self._dialog(HelpDialog(self.service, detail))

    async def send_referral(self) -> Outcome | None:
        """A Microsoft seller sends a referral to a partner (the TUI's `deal send`)."""
        from cosell_tui.screens.send import SendReferralDialog

        partners = await self.call(self.service.catalog.search_partners, "")
        return await self._dialog(SendReferralDialog(self.service, partners))

    async def invite(self, deal_id: int) -> Outcome | None:
        from cosell_tui.screens.upgrade import InviteDialog

        if (detail := await self.detail(deal_id, Action.INVITE)) is None:
            return None
        return await self._dialog(InviteDialog(self.service, detail))

    async def toggle_favorite(self, deal_id: int, name: str) -> bool:
        on = await self.call(self.service.listing.toggle_favorite, deal_id)
        self.app.notify(
            f"♥ Added “{name}” to favourites." if on else f"Removed “{name}” from favourites."
        )
        return on

    #: The flow of each deal action, by its name (the deal screen's keys and the palette).
    def for_action(self, action: Action) -> Callable[[int], Any]:
        flows: dict[Action, Callable[[int], Any]] = {
            Action.ACCEPT: self.accept,
            Action.DECLINE: self.decline,
            Action.LOST: self.lost,
            Action.CLOSE_AS_ERROR: self.close_as_error,
            Action.WON: self.won,
            Action.MARK_STAGE: self.mark_stage,
            Action.EDIT_DETAILS: self.edit_details,
            Action.EDIT_TEAM: self.edit_team,
            Action.EDIT_CONTACTS: self.edit_contacts,
            Action.EDIT_SOLUTIONS: self.edit_solutions,
            Action.EDIT_INVITATION_TERMS: self.edit_invitation_terms,
            Action.REGISTER: self.register,
            Action.REQUEST_EXCEPTION: self.request_exception,
            Action.SHARE_WITH_MICROSOFT: self.share_with_microsoft,
            Action.REQUEST_HELP: self.request_help,
            Action.INVITE: self.invite,
        }
        return flows[action]

    # --- marked deals ---------------------------------------------------------------------------

    async def bulk_accept(self, deals: Collection[int]) -> frozenset[int] | None:
        from cosell_tui.screens.dialogs import ConfirmDialog

        lifecycle = self.service.lifecycle
        ids = sorted(deals)
        result = await self.ask(
            ConfirmDialog(
                f"Accept {len(ids)} deals?",
                "Each referral is accepted with its own name, value, close date and notes; the "
                "senders are told. Deals that cannot be accepted are listed afterwards.",
                confirm_label="Accept all",
                run=lambda _value, _deal: lifecycle.bulk_accept(ids),
            )
        )
        return await self._bulk_done("Accept", result)

    async def bulk_decline(self, deals: Collection[int]) -> frozenset[int] | None:
        from cosell_tui.screens.dialogs import DeclineDialog

        lifecycle = self.service.lifecycle
        ids = sorted(deals)
        result = await self.ask(
            DeclineDialog(len(ids), run=lambda value, _deal: lifecycle.bulk_decline(ids, *value))
        )
        return await self._bulk_done("Decline", result)

    async def bulk_favorite(self, deals: Collection[int], on: bool) -> frozenset[int] | None:
        from cosell_tui.screens.dialogs import ConfirmDialog

        listing = self.service.listing
        ids = sorted(deals)
        verb = "Add" if on else "Remove"
        result = await self.ask(
            ConfirmDialog(
                f"{verb} {len(ids)} deals {'to' if on else 'from'} favourites?",
                "Favourites are yours alone; the deals themselves do not change.",
                confirm_label=verb,
                run=lambda _value, _deal: listing.bulk_favorite(ids, on),
            )
        )
        return await self._bulk_done("♥" if on else "Unstar", result)

    async def _bulk_done(self, verb: str, result: object) -> frozenset[int] | None:
        """One line per deal, ✔ or ✘ with the reason, on a screen the user can read at leisure.
        Returns the deals to mark again for a retry (the user's choice there), else None; also
        None when the user cancelled before anything ran."""
        from cosell_tui.domain.views import BulkResult  # loaded with the dialog already

        if not isinstance(result, BulkResult):
            return None
        from cosell_tui.screens.bulk import BulkResultsScreen

        self.app.notify(
            result.summary(verb), severity="warning" if result.refused else "information"
        )
        retry: frozenset[int] | None = await self.ask(BulkResultsScreen(verb, result))
        return retry


class GridFlows:
    """The main screen's flows on its grid: on the selected deal, or on the marked deals; when
    one changed something, `changed()` (the screen reloads what it shows). Each runs as a flow
    of `node` (`run_flow`: one at a time, the one failure policy)."""

    def __init__(
        self, node: Any, flows: Flows, grid: DealGrid, changed: Callable[[], object]
    ) -> None:
        self.node = node
        self.flows = flows
        self.grid = grid
        self.changed = changed

    def run(self, flow: Awaitable[object]) -> None:
        """`flow`, then `changed()` unless it returned None (cancelled or refused)."""
        from cosell_tui.widgets.background import run_flow

        run_flow(self.node, self._then_changed(flow))

    def on_selected(self, flow: Callable[[int], Awaitable[object]]) -> None:
        if (row := self.selected()) is not None:
            self.run(flow(row.id))

    def favorite(self) -> None:
        if (row := self.selected()) is not None:
            self.run(self.flows.toggle_favorite(row.id, row.name))

    def selected(self) -> DealRow | None:
        """The deal under the cursor, or None, said."""
        row = self.grid.selected
        if row is None:
            self.flows.app.notify("No deal selected.", severity="warning")
        return row

    def on_marked(self, flow: Callable[[frozenset[int]], Awaitable[frozenset[int] | None]]) -> None:
        """A bulk flow on a snapshot of the marks (sorted in the flow, so a million marks
        confirm at once): afterwards the marks go, and the results screen may give back the
        failures to mark again for a retry."""
        marked = frozenset(self.grid.marked)
        if not marked:
            self.flows.app.notify(
                "Mark deals first: space marks one, v a range, * all matching.", severity="warning"
            )
            return
        from cosell_tui.widgets.background import run_flow

        run_flow(self.node, self._marks_then(flow(marked)))

    def bulk_favorite(self) -> None:
        """♥ the marked deals (those already favourites are said to be so); when every marked
        deal is a favourite already, F takes the ♥ off them instead, as f does for one deal."""
        marked = self.grid.marked
        rows = [row for row in self.grid.loaded_rows() if row.id in marked]
        starred = len(rows) == len(marked) and all(row.favorite for row in rows)
        self.on_marked(lambda ids: self.flows.bulk_favorite(ids, not starred))

    async def _then_changed(self, flow: Awaitable[object]) -> None:
        if await flow is not None:
            self.changed()

    async def _marks_then(self, flow: Awaitable[frozenset[int] | None]) -> None:
        grid = self.grid
        retry = await flow
        grid.clear_marks()
        if retry:
            grid.add_marks(retry)
        self.changed()
