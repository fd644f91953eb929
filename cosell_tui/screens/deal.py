"""The deal screen: everything about one deal, and only the actions the rules allow now.

Keys (each binding has an id, so a config keymap can remap it):
  a accept · d decline · m mark stage · w won · l lost · e close as error · c edit details ·
  t edit team · o edit solutions · s share with Microsoft sellers · h ask Microsoft for help ·
  i invite · v edit invitation terms (invitee) · R register · f favourite · y copy referral ID ·
  r reload ·
  [ / ctrl+left previous deal · ] / ctrl+right next deal (in the grid's order) · Esc / q back.
The footer lists only the actions in `decision.allowed` (via `check_action`); a key of a refused
action answers with the rule's reason (`decision.why_not`) as a toast.

Every service call runs in a thread worker; results come back as messages. A conflict (someone
else changed the deal) changes nothing and offers a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Grid, Vertical, VerticalScroll
from textual.events import Key, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from cosell_tui.domain import Action, DealType
from cosell_tui.domain.views import DealDetail, DealRow, Outcome
from cosell_tui.screens import deal_sections as sections
from cosell_tui.screens.dialogs import (
    AcceptDialog,
    ConfirmDialog,
    DeclineDialog,
    ErrorDialog,
    LostDialog,
    WonDialog,
)
from cosell_tui.screens.dialogs_edit import (
    DetailsDialog,
    InvitationTermsDialog,
    StageDialog,
    TeamDialog,
)
from cosell_tui.screens.dialogs_solutions import SolutionsDialog
from cosell_tui.screens.registration import RegistrationDialog
from cosell_tui.service import Service
from cosell_tui.service.errors import ConflictError, CosellError, ValidationError
from cosell_tui.widgets.checklist import EligibilityChecklist
from cosell_tui.widgets.stagebar import StageBar, stage_cells

#: Neighbour lookup given by the grid: (deal id, -1 or +1) -> the previous/next id, or None.
Neighbours = Callable[[int, int], int | None]

#: Width from which sections sit in two columns.
WIDE = 120


class DealActions(Provider):
    """The command palette's view of the deal screen: the actions that apply now, by name."""

    def _entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for each live binding of the deal screen."""
        screen = self.screen
        if not isinstance(screen, DealScreen):
            return []
        entries: dict[str, tuple[str, str, str]] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node is not screen or not active.enabled:
                continue
            if binding.action.startswith("scroll") or binding.action in entries:
                continue
            action = _deal_action(binding.action)
            title = f"Deal: {action.label if action else binding.description}"
            entries[binding.action] = (title, f"key {key}", binding.action)
        return list(entries.values())

    async def discover(self) -> Hits:
        screen = self.screen
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, partial(screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        for title, help_text, action in self._entries():
            if (score := matcher.match(title)) > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(screen.run_action, action),
                    text=title,
                    help=help_text,
                )


def _deal_binding(keys: str, action: Action, description: str, key_id: str) -> Binding:
    return Binding(keys, f"deal('{action.value}')", description, id=f"deal.{key_id}")


class DealScreen(Screen[None]):
    """One deal: header, stage bar, the sections, and the allowed actions in the footer."""

    DEFAULT_CSS = """
    DealScreen #deal-header {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    DealScreen #stagebar {
        padding: 0 1;
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

    COMMANDS = Screen.COMMANDS | {DealActions}
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
        _deal_binding("o", Action.EDIT_SOLUTIONS, "Solutions", "edit_solutions"),
        _deal_binding("s", Action.SHARE_WITH_MICROSOFT, "Share", "share"),
        _deal_binding("h", Action.REQUEST_HELP, "Help", "help"),
        _deal_binding("i", Action.INVITE, "Invite", "invite"),
        _deal_binding("R", Action.REGISTER, "Register", "register"),
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

    def __init__(
        self,
        service: Service,
        deal_id: int,
        neighbours: Neighbours | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.deal_id = deal_id
        self.neighbours = neighbours
        self.detail: DealDetail | None = None

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="deal-header")
        yield StageBar(id="stagebar")
        with VerticalScroll(id="sections", can_focus=True), Grid(id="sections-grid"):
            # Eligibility sits under the progress (domain.md §4.2), shown once it applies.
            with Vertical(classes="section", id="section-eligibility") as box:
                box.border_title = "Registration eligibility"
                yield EligibilityChecklist(id="checklist")
            with Vertical(classes="section", id="section-registration") as box:
                box.border_title = "Registration"
                yield Static("", id="body-registration", markup=False)
            for key, title in (
                ("details", "Details"),
                ("customer", "Customer and contacts"),
                ("team", "Team"),
                ("solutions", "Solutions"),
                ("microsoft", "Microsoft"),
                ("invitations", "Partner invitations"),
            ):
                with Vertical(classes="section", id=f"section-{key}") as box:
                    box.border_title = title
                    yield Static("", id=f"body-{key}", markup=False)
            with Vertical(classes="section -span", id="section-history") as box:
                box.border_title = "History (newest first)"
                yield Static("", id="body-history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(30, self._tick)
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.query_one("#sections").focus()
        self.load()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    # --- loading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="deal-load")
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
        row = detail.row
        now = self.service.clock.now()
        self.query_one("#deal-header", Static).update(sections.header(detail, now))
        await self.query_one(StageBar).show(
            stage_cells(
                direction=row.direction,
                substatus=row.substatus,
                stage_pct=row.stage_pct,
                assessment=row.deal_type is DealType.SOLUTION_ASSESSMENT,
                markable=detail.decision.stages,
            )
        )
        bodies = {
            "details": sections.details(detail),
            "customer": sections.customer(detail),
            "team": sections.team(detail),
            "solutions": sections.solutions(detail),
            "microsoft": sections.microsoft(detail, now),
            "invitations": sections.invitations(detail),
            "registration": sections.registration(detail.registration),
            "history": sections.history(detail),
        }
        for key, text in bodies.items():
            self.query_one(f"#body-{key}", Static).update(text)
        self.query_one(EligibilityChecklist).show(detail.checklist)
        applies = detail.checklist is not None or detail.registration is not None
        self.query_one("#section-eligibility").display = detail.checklist is not None
        self.query_one("#section-registration").display = applies
        self.sub_title = row.name
        self.refresh_bindings()

    def _tick(self) -> None:
        """Keep the expiry and Microsoft countdowns current while the screen is open."""
        if self.detail is not None:
            now = self.service.clock.now()
            self.query_one("#deal-header", Static).update(sections.header(self.detail, now))
            body = self.query_one("#body-microsoft", Static)
            body.update(sections.microsoft(self.detail, now))

    @on(LoadFailed)
    def _load_failed(self, event: LoadFailed) -> None:
        self.query_one("#deal-header", Static).update(event.message)
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
            return self.neighbours is not None
        return True

    def on_key(self, event: Key) -> None:
        """A key of a refused action reaches here unhandled: say why the rules refuse it."""
        if self.detail is None:
            return
        # The chain with the user's keymap applied (Textual keeps it private; no public twin).
        for namespace, bindings in self._binding_chain:
            if namespace is not self:
                continue
            for binding in bindings.key_to_bindings.get(event.key, ()):
                action = _deal_action(binding.action)
                if action is not None and action not in self.detail.decision.allowed:
                    event.stop()
                    self.notify(
                        self.detail.decision.why_not(action),
                        title=f"{action.label}: not now",
                        severity="warning",
                    )
                    return

    # --- navigation -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def action_scroll(self, step: int) -> None:
        scroller = self.query_one("#sections", VerticalScroll)
        scroller.scroll_relative(y=step * 3, animate=False)

    def action_scroll_home(self) -> None:
        self.query_one("#sections", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.query_one("#sections", VerticalScroll).scroll_end(animate=False)

    @work(thread=True, exclusive=True, group="deal-load")
    def action_neighbour(self, step: int) -> None:
        """Previous/next deal in the grid's order, without going back to the list."""
        if self.neighbours is None:
            return
        target = self.neighbours(self.deal_id, step)
        if target is None:
            where = "first" if step < 0 else "last"
            self.app.call_from_thread(self.notify, f"This is the {where} deal in the list.")
            return
        self.app.call_from_thread(self._goto, target)

    def _goto(self, deal_id: int) -> None:
        self.deal_id = deal_id
        self.detail = None
        self.query_one("#deal-header", Static).update("Loading…")
        self.refresh_bindings()
        self.query_one("#sections", VerticalScroll).scroll_home(animate=False)
        self.load()

    def action_copy_id(self) -> None:
        if self.detail is not None:
            self.app.copy_to_clipboard(self.detail.row.referral_id)
            self.notify(f"Copied referral ID {self.detail.row.referral_id}")

    # --- actions ----------------------------------------------------------------------------------

    def action_deal(self, name: str) -> None:
        detail = self.detail
        if detail is None:
            return
        handler = getattr(self, f"_do_{name}")
        handler(detail)

    def _do_accept(self, detail: DealDetail, **reopen: Any) -> None:
        def chosen(form: Any) -> None:
            if form is not None:
                self.write(
                    lambda: self.service.lifecycle.accept(detail.row.id, detail.row.version, form),
                    retry=lambda exc: self._do_accept(
                        detail, form=form, errors=exc.fields, message=exc.message
                    ),
                )

        self.app.push_screen(AcceptDialog(detail, **reopen), chosen)

    def _reason_then_confirm(
        self,
        dialog: Any,
        what: str,
        call: Callable[[Any, str], Outcome],
    ) -> None:
        """Reason dialog, then a confirmation (terminal), then the use case."""
        detail = self.detail
        assert detail is not None

        def confirmed(reason: Any, notes: str) -> Callable[[bool | None], None]:
            def go(yes: bool | None) -> None:
                if yes:
                    self.write(lambda: call(reason, notes))

            return go

        def chosen(result: Any) -> None:
            if result is None:
                return
            reason, notes = result
            body = f"{what} “{detail.row.name}”: {reason.label}.\nThis is final."
            self.app.push_screen(ConfirmDialog(f"{what}?", body), confirmed(reason, notes))

        self.app.push_screen(dialog, chosen)

    def _do_decline(self, detail: DealDetail) -> None:
        row = detail.row
        self._reason_then_confirm(
            DeclineDialog(),
            "Decline",
            lambda reason, notes: self.service.lifecycle.decline(
                row.id, row.version, reason, notes
            ),
        )

    def _do_lost(self, detail: DealDetail) -> None:
        row = detail.row
        self._reason_then_confirm(
            LostDialog(),
            "Mark lost",
            lambda reason, notes: self.service.lifecycle.lost(row.id, row.version, reason, notes),
        )

    def _do_close_as_error(self, detail: DealDetail) -> None:
        row = detail.row
        self._reason_then_confirm(
            ErrorDialog(),
            "Close as error",
            lambda reason, notes: self.service.lifecycle.close_as_error(
                row.id, row.version, reason, notes
            ),
        )

    def _do_mark_stage(self, detail: DealDetail) -> None:
        row = detail.row

        def chosen(pct: int | None) -> None:
            if pct is not None:
                self.write(lambda: self.service.lifecycle.mark_stage(row.id, row.version, pct))

        self.app.push_screen(StageDialog(detail), chosen)

    def _do_won(self, detail: DealDetail) -> None:
        self._won_warnings(detail)

    @work(thread=True, group="deal-write")
    def _won_warnings(self, detail: DealDetail) -> None:
        """Ask the service for the D7 advisory before showing the confirmation."""
        try:
            warnings = self.service.lifecycle.won_warnings(detail.row.id)
        except CosellError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._confirm_won, detail, warnings)

    def _confirm_won(self, detail: DealDetail, warnings: tuple[str, ...]) -> None:
        row = detail.row

        def go(yes: bool | None) -> None:
            if yes:
                self.write(lambda: self.service.lifecycle.won(row.id, row.version))

        self.app.push_screen(WonDialog(detail, warnings), go)

    def _do_edit_details(self, detail: DealDetail, **reopen: Any) -> None:
        def chosen(edit: Any) -> None:
            if edit is not None:
                self.write(
                    lambda: self.service.lifecycle.edit_details(
                        detail.row.id, detail.row.version, edit
                    ),
                    retry=lambda exc: self._do_edit_details(
                        detail, edit=edit, errors=exc.fields, message=exc.message
                    ),
                )

        self.app.push_screen(DetailsDialog(detail, **reopen), chosen)

    def _do_edit_team(self, detail: DealDetail, **reopen: Any) -> None:
        def chosen(team: Any) -> None:
            if team is not None:
                self.write(
                    lambda: self.service.lifecycle.set_team(
                        detail.row.id, detail.row.version, team
                    ),
                    retry=lambda exc: self._do_edit_team(
                        detail, team=team, errors=exc.fields, message=exc.message
                    ),
                )

        self.app.push_screen(TeamDialog(detail, **reopen), chosen)

    def _do_edit_solutions(self, detail: DealDetail, **reopen: Any) -> None:
        dialog = SolutionsDialog(self.service, detail, **reopen)

        def chosen(lines: Any) -> None:
            if lines is not None:
                self.write(
                    lambda: self.service.lifecycle.set_solutions(
                        detail.row.id, detail.row.version, lines
                    ),
                    retry=lambda exc: self._do_edit_solutions(
                        detail,
                        lines=lines,
                        known=dialog.known,
                        errors=exc.fields,
                        message=exc.message,
                    ),
                )

        self.app.push_screen(dialog, chosen)

    def _do_edit_invitation_terms(self, detail: DealDetail, **reopen: Any) -> None:
        row = detail.row

        def chosen(terms: Any) -> None:
            if terms is not None:
                self.write(
                    lambda: self.service.lifecycle.edit_invitation_terms(
                        row.id, row.version, terms.value, terms.currency, terms.close_date
                    ),
                    retry=lambda exc: self._do_edit_invitation_terms(
                        detail, terms=terms, errors=exc.fields, message=exc.message
                    ),
                )

        self.app.push_screen(InvitationTermsDialog(detail, **reopen), chosen)

    def _do_register(self, detail: DealDetail, **reopen: Any) -> None:
        def chosen(form: Any) -> None:
            if form is not None:
                self.write(
                    lambda: self.service.registration.register(
                        detail.row.id, detail.row.version, form
                    ),
                    retry=lambda exc: self._do_register(
                        detail, form=form, errors=exc.fields, message=exc.message
                    ),
                )

        self.app.push_screen(RegistrationDialog(detail, **reopen), chosen)

    def _do_share(self, detail: DealDetail) -> None:
        self._upgrade("ShareDialog", detail)

    def _do_request_help(self, detail: DealDetail) -> None:
        self._upgrade("HelpDialog", detail)

    def _do_invite(self, detail: DealDetail) -> None:
        self._upgrade("InviteDialog", detail)

    def _upgrade(self, name: str, detail: DealDetail) -> None:
        """Share / help / invite are the wizard's dialogs (screens/upgrade.py)."""
        from cosell_tui.screens import upgrade

        dialog = getattr(upgrade, name)(self.service, detail)
        self.app.push_screen(dialog, self._upgraded)

    def _upgraded(self, result: Outcome | None) -> None:
        if result is not None:
            self._saved(result)
            self.load()

    def action_favourite(self) -> None:
        if self.detail is not None:
            self._favourite(self.detail.row.id)

    @work(thread=True, group="deal-write")
    def _favourite(self, deal_id: int) -> None:
        try:
            on = self.service.listing.toggle_favorite(deal_id)
        except CosellError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        text = "Added to favourites." if on else "Removed from favourites."
        self.app.call_from_thread(self.notify, text)
        self._reload_after_write()

    # --- the one way a write runs -----------------------------------------------------------------

    @work(thread=True, group="deal-write")
    def write(
        self,
        call: Callable[[], Outcome],
        retry: Callable[[ValidationError], None] | None = None,
    ) -> None:
        """Run a use case off the loop; refusals come back as toasts or inline field errors."""
        try:
            outcome = call()
        except ValidationError as exc:
            if retry is not None and exc.fields:
                self.app.call_from_thread(retry, exc)
            else:
                self.app.call_from_thread(self._refused, exc)
            return
        except CosellError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._saved, outcome)
        self._reload_after_write()

    def _reload_after_write(self) -> None:
        try:
            detail = self.service.listing.deal(self.deal_id)
        except CosellError as exc:
            self.post_message(self.LoadFailed(exc.message))
            return
        self.post_message(self.DealLoaded(detail))

    def _saved(self, outcome: Outcome) -> None:
        self.notify(outcome.message or "Saved.", title=outcome.deal.name)
        for warning in outcome.warnings:
            self.notify(warning, severity="warning")
        self.post_message(self.DealChanged(outcome.deal))

    def _refused(self, exc: CosellError) -> None:
        if isinstance(exc, ConflictError):
            self.notify(
                f"{exc.message} Nothing was saved. Press r to reload.",
                title="Changed by someone else",
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(exc.message, title="Not done", severity="error")


def _deal_action(action: str) -> Action | None:
    """`deal('won')` -> Action.WON; other actions -> None."""
    if not action.startswith("deal('"):
        return None
    return Action(action[len("deal('") : -2])
