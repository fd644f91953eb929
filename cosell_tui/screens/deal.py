"""The deal screen: everything about one deal, and only the actions the rules allow now.

Keys (each binding has an id, so a config keymap can remap it):
  a accept · d decline · m mark stage · w won · l lost · e close as error · c edit details ·
  t edit team · o edit solutions · s share with Microsoft sellers · h ask Microsoft for help ·
  i invite · v edit invitation terms (invitee) · R register · x request an exception (a rejected
  registration) · f favourite · y copy referral ID ·
  r reload ·
  [ / ctrl+left previous deal · ] / ctrl+right next deal (in the grid's order) · Esc / q back.
The footer lists only the actions in `decision.allowed` (via `check_action`); a key of a refused
action answers with the rule's reason (`decision.why_not`) as a toast.

The header, the stale banner and the sections are widgets that hold the deal they show in
reactives (screens/deal_parts.py); the screen reads the deal and sets them. Reads run in
`@background` workers; every action runs its flow (screens/flows.py, shared with
the main screen and the palette), whose dialog runs the use case and stays open until it
succeeds. Previous/next is a question to the service (the grid's order), never a read of the
grid's cache from another thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Key, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from cosell_tui.domain import Action, DealType
from cosell_tui.domain.format import printable
from cosell_tui.domain.views import DealDetail, DealRow, GridQuery
from cosell_tui.screens.deal_parts import LOADING, DealHeader, DealSections, StaleBanner
from cosell_tui.screens.flows import Flows
from cosell_tui.screens.keys import bound_action, mark_origin
from cosell_tui.service.errors import CosellError
from cosell_tui.widgets.background import background, run_flow
from cosell_tui.widgets.live import DatabaseChanged
from cosell_tui.widgets.stagebar import StageBar, stage_cells

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: Width from which sections sit in two columns.
WIDE = 120


def _deal_binding(keys: str, action: Action, description: str, key_id: str) -> Binding:
    return Binding(
        keys,
        f"deal('{action.value}')",
        description,
        id=f"deal.{key_id}",
        tooltip=f"Deal: {action.label}",
    )


class DealScreen(Screen[int | None]):
    """One deal: header, stage bar, the sections, and the allowed actions in the footer."""

    #: The live queue's looks go on while this screen is on top (app.py, `_waits`).
    follows_changes: ClassVar[bool] = True

    DEFAULT_CSS = """
    DealScreen #deal-header {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    DealScreen #stagebar {
        padding: 0 1;
    }
    DealScreen #deal-stale {
        display: none;
        height: auto;
        padding: 0 1;
        background: $warning 30%;
    }
    DealScreen #deal-stale.-shown {
        display: block;
    }
    DealScreen #sections {
        height: 1fr;
    }
    DealScreen #section-eligibility, DealScreen #section-registration {
        display: none;
    }
    DealScreen #sections-grid {
        grid-size: 1;
        grid-rows: auto;
        grid-gutter: 0 1;
        height: auto;
        padding: 0 1;
    }
    DealScreen.-wide #sections-grid {
        grid-size: 2;
    }
    DealScreen .section {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $text-primary;
        border-title-style: bold;
        padding: 0 1;
    }
    DealScreen .section:focus-within {
        border: round $primary;
    }
    DealScreen .section > Static {
        height: auto;
    }
    DealScreen .-span {
        column-span: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="deal.back"),
        Binding("r", "reload", "Reload", id="deal.reload"),
        Binding("[,ctrl+left", "neighbour(-1)", "Prev", id="deal.prev"),
        Binding("],ctrl+right", "neighbour(1)", "Next", id="deal.next"),
        _deal_binding("a", Action.ACCEPT, "Accept", "accept"),
        _deal_binding("d", Action.DECLINE, "Decline", "decline"),
        _deal_binding("m", Action.MARK_STAGE, "Stage", "stage"),
        _deal_binding("w", Action.WON, "Won", "won"),
        _deal_binding("l", Action.LOST, "Lost", "lost"),
        _deal_binding("e", Action.CLOSE_AS_ERROR, "Error", "error"),
        _deal_binding("c", Action.EDIT_DETAILS, "Edit", "edit_details"),
        _deal_binding("t", Action.EDIT_TEAM, "Team", "edit_team"),
        _deal_binding("u", Action.EDIT_CONTACTS, "Contacts", "edit_contacts"),
        _deal_binding("o", Action.EDIT_SOLUTIONS, "Solutions", "edit_solutions"),
        _deal_binding("s", Action.SHARE_WITH_MICROSOFT, "Share", "share"),
        _deal_binding("h", Action.REQUEST_HELP, "Help", "help"),
        _deal_binding("i", Action.INVITE, "Invite", "invite"),
        _deal_binding("R", Action.REGISTER, "Register", "register"),
        _deal_binding("x", Action.REQUEST_EXCEPTION, "Exception", "exception"),
        _deal_binding("v", Action.EDIT_INVITATION_TERMS, "Terms", "edit_terms"),
        Binding("f", "favourite", "♥", id="deal.favourite"),
        Binding("y", "copy_id", "Copy ID", show=False, id="deal.copy_id"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="deal.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="deal.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="deal.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="deal.bottom"),
    ]

    @dataclass
    class DealLoaded(Message):
        """A fresh read of the deal arrived from the worker."""

        detail: DealDetail

    @dataclass
    class LoadFailed(Message):
        message: str

    @dataclass
    class DealChanged(Message):
        """A change was saved; bubbles to the app so grids can refresh the row."""

        row: DealRow

    def __init__(self, service: Service, deal_id: int, grid: GridQuery | None = None) -> None:
        """`grid`: the list the deal was opened from, whose order previous/next follow."""
        super().__init__()
        self.service = service
        self.deal_id = deal_id
        self.grid = grid
        self.detail: DealDetail | None = None

    @property
    def flows(self) -> Flows:
        return Flows(self.app, self.service)

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DealHeader(id="deal-header")
        yield StaleBanner(id="deal-stale")
        yield StageBar(id="stagebar")
        yield DealSections(id="sections", can_focus=True)
        yield Footer()

    @property
    def header(self) -> DealHeader:
        return self.query_one(DealHeader)

    @property
    def sections(self) -> DealSections:
        return self.query_one(DealSections)

    def on_mount(self) -> None:
        self.set_interval(30, self._tick)
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.query_one("#sections").focus()
        self.load()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    # --- loading ---------------------------------------------------------------------------------

    @background(group="deal-load")
    def load(self) -> None:
        """Read the deal (rules' decision included) off the event loop."""
        try:
            detail = self.service.listing.deal(self.deal_id)
        except CosellError as exc:
            self.post_message(self.LoadFailed(exc.message))
            return
        self.post_message(self.DealLoaded(detail))

    @on(DealLoaded)
    async def _show(self, event: DealLoaded) -> None:
        detail = event.detail
        if detail.row.id != self.deal_id:
            return  # a stale read from before prev/next
        self.detail = detail
        self.query_one(StaleBanner).notice = ""
        row = detail.row
        now = self.service.clock.now()
        self.header.now = self.sections.now = now
        self.header.detail = detail
        await self.query_one(StageBar).show(
            stage_cells(
                direction=row.direction,
                substatus=row.substatus,
                stage_pct=row.stage_pct,
                assessment=row.deal_type is DealType.SOLUTION_ASSESSMENT,
                markable=detail.decision.stages,
                skipped=detail.skipped_stages,
            )
        )
        self.sections.detail = detail
        self.sub_title = printable(row.name)
        self.refresh_bindings()

    def _tick(self) -> None:
        """Keep the expiry and Microsoft countdowns current while the screen is open."""
        if self.detail is not None:
            self.header.now = self.sections.now = self.service.clock.now()

    # --- the live queue: a change by someone else is shown, never silently swapped in ----------

    @on(DatabaseChanged)
    def _changed_elsewhere(self, _event: DatabaseChanged) -> None:
        if self.detail is not None:
            self._check_fresh(self.deal_id, self.detail.row.version)

    @background(group="deal-fresh")
    def _check_fresh(self, deal_id: int, version: int) -> None:
        """One row first; the whole deal only when its version moved."""
        try:
            if self.service.listing.row(deal_id).version == version:
                return
            detail = self.service.listing.deal(deal_id)
        except CosellError as exc:  # gone from this user's view (scope, or deleted)
            self.app.call_from_thread(self._stale, deal_id, exc.message)
            return
        latest = detail.history[0] if detail.history else None
        if latest is None or latest.who == self.service.user.display_name:
            self.post_message(self.DealLoaded(detail))  # this user's own change: just show it
            return
        self.app.call_from_thread(
            self._stale, deal_id, f"Changed by {latest.who}: {latest.summary} — r to reload"
        )

    def _stale(self, deal_id: int, text: str) -> None:
        if deal_id != self.deal_id:
            return  # the user moved on (previous/next) meanwhile
        self.query_one(StaleBanner).notice = text

    @on(LoadFailed)
    def _load_failed(self, event: LoadFailed) -> None:
        self.header.detail = None
        self.header.message = event.message
        self.notify(event.message, severity="error", title="Cannot open the deal")

    # --- which keys apply ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "deal":
            if self.detail is None:
                return False
            return Action(str(parameters[0])) in self.detail.decision.allowed
        if action in ("favourite", "copy_id"):
            return self.detail is not None
        if action == "neighbour":
            return self.grid is not None
        return True

    def on_key(self, event: Key) -> None:
        """A key of a refused action reaches here unhandled (the footer lists only the allowed
        ones): say why the rules refuse it. The keys are this screen's bindings as the user's
        keymap (the config) has them."""
        mark_origin(self, event)
        if self.detail is None:
            return
        action = _deal_action(bound_action(self, event.key) or "")
        if action is not None and action not in self.detail.decision.allowed:
            event.stop()
            self.notify(
                self.detail.decision.why_not(action),
                title=f"{action.label}: not now",
                severity="warning",
            )

    # --- navigation -------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the list, whose cursor follows to the deal shown last (previous/next)."""
        self.dismiss(self.deal_id)

    def action_reload(self) -> None:
        self.load()

    def action_scroll(self, step: int) -> None:
        scroller = self.query_one("#sections", VerticalScroll)
        scroller.scroll_relative(y=step * 3, animate=False)

    def action_scroll_home(self) -> None:
        self.query_one("#sections", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.query_one("#sections", VerticalScroll).scroll_end(animate=False)

    @background(group="deal-load")
    def action_neighbour(self, step: int) -> None:
        """Previous/next deal in the grid's order, without going back to the list."""
        if self.grid is None:
            return
        target = self.service.listing.neighbour(self.grid, self.deal_id, step)
        if target is None:
            where = "first" if step < 0 else "last"
            self.app.call_from_thread(self.notify, f"This is the {where} deal in the list.")
            return
        self.app.call_from_thread(self._goto, target)

    def _goto(self, deal_id: int) -> None:
        self.deal_id = deal_id
        self.detail = None
        self.header.detail = None
        self.header.message = LOADING
        self.refresh_bindings()
        self.query_one("#sections", VerticalScroll).scroll_home(animate=False)
        self.load()

    def action_copy_id(self) -> None:
        if self.detail is not None:
            self.app.copy_to_clipboard(self.detail.row.referral_id)
            self.notify(f"Copied referral ID {self.detail.row.referral_id}")

    # --- actions ----------------------------------------------------------------------------------

    def action_deal(self, name: str) -> None:
        if self.detail is not None:
            run_flow(self, self._act(Action(name)))

    async def _act(self, action: Action) -> None:
        """The action's flow (its dialog runs the use case); then show the deal as it is now."""
        outcome = await self.flows.for_action(action)(self.deal_id)
        if outcome is not None:
            self.post_message(self.DealChanged(outcome.deal))
            self.load()

    def action_favourite(self) -> None:
        if self.detail is not None:
            run_flow(self, self._favourite(self.detail.row))

    async def _favourite(self, row: DealRow) -> None:
        await self.flows.toggle_favorite(row.id, row.name)
        self.post_message(self.DealChanged(row))
        self.load()


def _deal_action(action: str) -> Action | None:
    """`deal('won')` -> Action.WON; other actions -> None."""
    if not action.startswith("deal('"):
        return None
    return Action(action[len("deal('") : -2])
