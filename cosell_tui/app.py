"""The Textual app: theme, global keys, the user's keymap, the command palette and the first screen.

Kept small on purpose: screens own their keys and their work; this module
only wires them. `run()` is what `cosell` and `cosell demo` call.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.events import DescendantFocus, Event, Key
from textual.notifications import SeverityLevel
from textual.widgets import Input

from cosell_tui.commands import ScreenCommands
from cosell_tui.config import Config, load_config
from cosell_tui.domain.format import printable
from cosell_tui.screens.keys import ORIGIN, KeyHold
from cosell_tui.screens.main import MainScreen
from cosell_tui.screens.messages import LoggedMessage
from cosell_tui.widgets.background import background
from cosell_tui.widgets.collector import Collector
from cosell_tui.widgets.live import LIVE_EVERY, DatabaseChanged

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from cosell_tui.service import Service

    #: Opens the service, telling its argument what it waits for (an upgrade, another
    #: process's upgrade); cli/tui.py gives one.
    Opener = Callable[[Callable[[str], None]], Service]

#: When this module was first imported: start-up is measured from here (logged on first rows).
STARTED = time.perf_counter()


#: How many messages the log keeps (the oldest go first).
MESSAGE_LOG_SIZE = 500


class CosellApp(App[None]):
    """The cosell TUI on one service (one user, one database, one clock).

    Given an `opener` instead of a service, the app paints its first frame (the tabs and the
    grid's header) before it opens the database: the service, SQLAlchemy and the store are
    imported and the schema checked in a thread started after that frame, and the rows follow.
    A refusal while opening (no such user, a database that cannot be opened) ends the app with
    that sentence and the command's exit code. What the opener says meanwhile (an upgrade's
    steps, "Waiting for another cosell to finish upgrading the database…") is shown on the main
    screen's status line until the rows come: stderr is hidden behind the TUI's screen.
    """

    CSS_PATH = "app.tcss"
    TITLE = "cosell"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("L", "messages", "Messages", show=False, id="app.messages"),
        Binding(
            "N",
            "notifications",
            "Notifications",
            show=False,
            id="app.notifications",
            tooltip="Your notifications (what was sent to you by mail)",
        ),
        Binding(
            "W",
            "routing",
            "Routing rules",
            show=False,
            id="app.routing",
            tooltip="Routing rules: where Microsoft's referrals land",
        ),
        Binding(
            "V",
            "review_registrations",
            "Review registrations",
            show=False,
            id="app.review",
            tooltip="Review registrations (Microsoft)",
        ),
    ]

    def __init__(
        self,
        service: Service | None,
        config: Config | None = None,
        *,
        opener: Opener | None = None,
        animations: bool = True,
        live_every: float | None = LIVE_EVERY,
        setup: Callable[[Mapping[str, Any]], Any] | None = None,
        collect_between_gestures: bool = False,
    ) -> None:
        """`live_every`: seconds between looks for others' changes (widgets/live.py); None
        turns the live queue off (snapshot tests, which need a screen that stays put).
        `collect_between_gestures`: the garbage collector's timing (widgets/collector.py), for
        the one app of a process (`run`), never for the many apps of a test run."""
        super().__init__()
        if service is None and opener is None:
            raise ValueError("CosellApp needs a service or an opener")
        self.service: Service | None = service
        self._opener = opener
        self.key_hold = KeyHold(self)
        self.collector = Collector(self) if collect_between_gestures else None
        #: Sets up an empty database (service/setup.py): offered when opening finds none.
        self._setup = setup
        self.config = config if config is not None else load_config()
        self.first_rows_seconds: float | None = None
        #: Every message shown, newest last (`L` shows them newest first).
        self.messages: list[LoggedMessage] = []
        self.live_every = live_every
        #: The keymap in force: the config's, less the entries that cannot work.
        self.keymap: dict[str, str] = {}
        self._changes_seen: int | None = None
        self._changes_lock = threading.Lock()  # the looks (event loop) and `adopt_changes`
        #: With animations off, text cursors do not blink either (`on_descendant_focus`).
        self._steady_cursor = not animations
        if not animations:
            self.animation_level = "none"
        if service is not None:
            self._show_user(service)

    @property
    def takes_keys(self) -> bool:
        """False while the main screen waits for the database to open or for a tab's first
        rows: keys typed meanwhile wait for them (screens/keys.py), so `a` typed as the app
        opens accepts the first referral. Another screen says so itself (`takes_keys`: the
        administration screen until its rows arrive, the upload screen while it works);
        dialogs, such as the setup screen's, take theirs."""
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return bool(getattr(screen, "takes_keys", True))  # a screen may say (admin.py)
        return self.service is not None and not screen.grid.reading_first_rows

    async def on_event(self, event: Event) -> None:
        """Keys typed faster than the app answers go on one at a time (screens/keys.py)."""
        if isinstance(event, Key) and not event.is_forwarded:
            if self.collector is not None:
                self.collector.key()
            if self.key_hold.arrived(event):
                return
        await super().on_event(event)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """With animations off (`TEXTUAL_ANIMATIONS=none`, the snapshot tests) a focused input's
        cursor is shown steadily instead of blinking: the screen looks the same whenever it is
        looked at (a snapshot taken half a second late on a busy machine caught it hidden)."""
        if self._steady_cursor and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_key(self, event: Key) -> None:
        """A key routed to a screen that is no longer on top (the screen changed under it)
        waits and is typed again on the screen now on top (screens/keys.py)."""
        origin = getattr(event, ORIGIN, None)
        if origin is not None and origin is not self.screen:
            event.prevent_default()  # not the new screen's bindings on the old screen's key
            self.key_hold.hold(event.key, event.character, first=True)

    def _show_user(self, service: Service) -> None:
        user = service.user
        self.sub_title = f"{user.display_name} · {user.org_name}"

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first and bottom screen: composed once, with no empty
        screen painted and switched away from before it (the first frame is the main screen)."""
        return MainScreen(self.service, self.config)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.call_after_refresh(self._apply_keymap)
        if self.service is None:
            self.call_after_refresh(self._open_service)
        else:
            self._watch_changes()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_service(self) -> None:
        assert self._opener is not None
        try:
            service = self._opener(self._say_while_opening)
        except Exception as exc:
            self.call_from_thread(self._not_opened, exc)
            return
        self.call_from_thread(self._opened, service)

    def _say_while_opening(self, message: str) -> None:
        """From the opening thread: the message on the status line, at once."""
        self.call_from_thread(self._show_opening, message)

    def _show_opening(self, message: str) -> None:
        main = self.main_screen
        if main is not None:
            main.say_opening(message)

    def _opened(self, service: Service) -> None:
        self.service = service
        self._show_user(service)
        main = self.main_screen
        if main is not None:
            main.service_ready(service)
        self._watch_changes()

    def _apply_keymap(self) -> None:
        """Just after the first frame (the check imports every screen): the user's keymap,
        less the entries that cannot work, which are told with file and line and leave their
        bindings at the defaults (screens/keymap.py)."""
        from cosell_tui.screens.keymap import check_keymap, scopes

        usable, problems = check_keymap(self.config.keymap, self.config.path, scopes(type(self)))
        self.keymap = usable
        self.set_keymap(usable)
        if problems:
            self.notify("\n".join(problems), title="Keymap", severity="warning", timeout=20)

    # ---- the live queue (widgets/live.py) ----------------------------------------------------

    def _watch_changes(self) -> None:
        """The first look at once, beside the first rows, so a change made while they load is
        not taken for the starting point; then one look every `live_every` seconds."""
        if self.live_every is not None:
            self._look_for_changes()
            self.set_interval(self.live_every, self._look_for_changes)

    @background(group="live")
    def _look_for_changes(self) -> None:
        """One indexed row. A failed look (the database busy for a moment) is not worth a
        message: the next one, a second later, tries again; a real problem shows on the next
        thing the user does."""
        from cosell_tui.service.errors import CosellError

        assert self.service is not None
        try:
            counter = self.service.listing.changes()
        except CosellError:
            return
        self.call_from_thread(self._changes_counted, counter)

    def _changes_counted(self, counter: int) -> None:
        """A look's counter: the open screens follow when it moved past what they show. A
        counter below the one seen was read before a reload adopted a newer one: nothing new.
        The look is left for the next one while the user's own write may be on its way to a
        reload that adopts the counter (`_waits`)."""
        with self._changes_lock:
            seen = self._changes_seen
            if seen is not None and (counter <= seen or self._waits()):
                return
            self._changes_seen = counter
        if seen is not None:
            for screen in self.screen_stack:
                screen.post_message(DatabaseChanged(counter))

    def _waits(self) -> bool:
        """A flow runs (its write, then its reload, may come at any moment), the grid is
        reloading (it may adopt the counter), or the screen on top does not follow the queue
        (`follows_changes`: the main and deal screens do; the upload screen or the wizard
        reloads the grid with the counter as it closes)."""
        if not getattr(self.screen, "follows_changes", False):
            return True
        return any(w.group in ("flow", "grid-window") and not w.is_finished for w in self.workers)

    def adopt_changes(self) -> None:
        """In a reload's worker, before its first read (after the user's own write): read the
        counter and take it as seen, since the rows about to be read show every change up to
        it. The next look then finds nothing new, so one write makes one reload, not a second
        one when the look sees the counter the write moved."""
        from cosell_tui.service.errors import CosellError

        if self.service is None or self.live_every is None:
            return
        try:
            counter = self.service.listing.changes()
        except CosellError:
            return  # the look will see it, and reload once more
        with self._changes_lock:
            if self._changes_seen is None or counter > self._changes_seen:
                self._changes_seen = counter

    def _not_opened(self, exc: Exception) -> None:
        from cosell_tui.service.errors import CosellError
        from cosell_tui.service.identity import NotSetUpError

        if isinstance(exc, NotSetUpError) and self._setup is not None:
            self._offer_setup(exc)
            return
        if isinstance(exc, CosellError):
            self.exit(return_code=exc.exit_code, message=f"cosell: {exc.message}")
        else:
            raise exc

    def _offer_setup(self, exc: Exception) -> None:
        """The setup screen over the empty main screen: set up, then open as usual; esc ends
        the app with the refusal it would have ended with."""
        from cosell_tui.screens.setup import SetupDialog
        from cosell_tui.service.identity import os_login

        setup = self._setup
        assert setup is not None

        def done(result: Any) -> None:
            if result is None:
                self.exit(return_code=getattr(exc, "exit_code", 1), message=f"cosell: {exc}")
                return
            self.notify(f"{result.organization} is set up; you are {result.admin}.")
            self._open_service()

        dialog = SetupDialog(login=os_login() or "", run=lambda values, _detail: setup(values))
        self.push_screen(dialog, done)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast and keep it in the message log: nothing said is lost when it fades.
        Markup is off by default: messages carry deal and customer names, which may hold '['
        (and, for the same reason, every message is shown `printable`)."""
        message, title = printable(message), printable(title)
        now = self.service.clock.now() if self.service is not None else datetime.now(UTC)
        self.messages.append(LoggedMessage(now, severity, title, message))
        del self.messages[:-MESSAGE_LOG_SIZE]
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def rows_shown(self) -> None:
        """Called by the main screen when the first rows are on screen: log time-to-first-frame."""
        if self.first_rows_seconds is None:
            self.first_rows_seconds = time.perf_counter() - STARTED
            self.log.info(f"first rows after {self.first_rows_seconds * 1000:.0f} ms")
            if self.collector is not None:
                self.collector.start()

    def action_messages(self) -> None:
        """The message log: every message shown so far, newest first."""
        from cosell_tui.screens.messages import MessageLogScreen

        if not isinstance(self.screen, MessageLogScreen):
            self.push_screen(MessageLogScreen(self.messages))

    def action_notifications(self) -> None:
        """The user's notifications; enter on one opens its deal."""
        from cosell_tui.screens.notifications import NotificationsScreen

        if self.service is None or isinstance(self.screen, NotificationsScreen):
            return
        self.push_screen(NotificationsScreen(self.service), self._back_from_notifications)

    def _back_from_notifications(self, deal_id: int | None) -> None:
        main = self.main_screen
        if main is None:
            return
        main.refresh_unread()
        if deal_id is not None:
            main.open_deal(deal_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Registration review is Microsoft's: offered to Microsoft sellers only; routing rules
        are a partner organisation's: offered to its users only."""
        if action in ("review_registrations", "routing"):
            from cosell_tui.domain import Role

            seller = self.service is not None and self.service.user.role is Role.MICROSOFT_SELLER
            return seller if action == "review_registrations" else not seller
        return True

    def action_routing(self) -> None:
        """The organisation's routing rules: everyone reads, entire-company admins edit."""
        from cosell_tui.screens.routing import RoutingScreen

        if self.service is None or isinstance(self.screen, RoutingScreen):
            return
        self.push_screen(RoutingScreen(self.service))

    def action_review_registrations(self) -> None:
        """The registrations waiting for a Microsoft reviewer; enter decides one."""
        from cosell_tui.screens.review import ReviewQueueScreen

        if self.service is None or isinstance(self.screen, ReviewQueueScreen):
            return
        self.push_screen(ReviewQueueScreen(self.service))

    def action_help(self) -> None:
        from cosell_tui.screens.help import HelpScreen, binding_rows  # not before the first frame

        if isinstance(self.screen, HelpScreen):
            return
        title = f"Keys — {type(self.screen).__name__.removesuffix('Screen') or 'cosell'}"
        self.push_screen(HelpScreen(binding_rows(self.screen), title))

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None


def run(
    opener: Opener,
    *,
    mouse: bool = True,
    setup: Callable[[Mapping[str, Any]], Any] | None = None,
) -> int:
    """Open the TUI, which opens the service with `opener` once its first frame is painted;
    `mouse` as the command line decided it (flag, config, then off over SSH). Returns the exit
    code.

    Colours follow the terminal: Textual honours NO_COLOR and TEXTUAL_COLOR_SYSTEM itself.
    """
    config = load_config()
    animations = os.environ.get("TEXTUAL_ANIMATIONS", "full") != "none"
    app = CosellApp(
        None,
        config,
        opener=opener,
        animations=animations,
        setup=setup,
        collect_between_gestures=True,
    )
    app.run(mouse=mouse)
    return app.return_code or 0
