"""Which action a key is bound to on a screen, as the user's keymap has it.

Textual runs only the actions `check_action` allows, so a key of a refused action arrives as a
plain, unhandled key. A screen that wants to say why it refused (the rules' reason) asks here
which of its actions the key belongs to: its own bindings, remapped by the config's keymap.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from textual.binding import Binding
from textual.events import Key

#: Set on a key event by the screen it was routed to (see `mark_origin`).
ORIGIN = "cosell_origin"

#: Longest a key waits for the screen it was typed for (a safety net: flows end or ask).
HOLD_AT_MOST = 10.0
#: Longest a key waits for a drawn screen's first focus to land.
FOCUS_WAIT = 0.5
#: How often held keys look whether they may go on (only while keys are typed in a burst).
POLL = 0.005
#: Marks a held key the app sends back to itself.
_REPLAYED = "cosell_replayed"


def mark_origin(screen: Any, event: Key) -> None:
    """Note which screen a key was routed to. Textual routes a key to the focused widget before
    the key before it has been handled, so a key typed right after one that opens a screen (a
    dialog, the wizard) could reach the old screen; the app then holds it and types it again
    on the new one (KeyHold), so keys typed fast land where the user is looking, in order."""
    setattr(event, ORIGIN, screen)


class KeyHold:
    """Keys typed faster than the app handles them wait here, and go on one at a time, in order.

    Textual routes each key to the focused widget as soon as the app reads it, before the key
    before it has had its effect; a key typed right after one that opens a dialog (after a
    database read) or a screen (before it is drawn) would reach the old screen. So the app
    lets a key go on only when the one before it has been handled (`in_flight`: the screen's
    message queues are empty) and the app is not between screens: a flow (screens/flows.py)
    working towards its next dialog rather than waiting for the user's answer in one
    (`asking`), the screen on top not drawn yet or its focus not landed, or the app not ready
    for keys at all (`takes_keys`: its database still opening; a screen may say it too, such
    as the upload screen while its dry run runs). A held key goes back through the app as if
    just typed, so the new screen's bindings and focused field see it. Keys typed at human
    speed never wait. Keys bound with priority at the app (quit) are never held, and neither
    is the cancel key of a screen that does not take keys (its `cancel_actions`: esc leaving
    the upload screen while its dry run runs): that key goes on at once, and the keys held
    before it, typed for the screen it leaves, are dropped with it.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.keys: deque[tuple[str, str | None]] = deque()
        self.asking = 0  # flows waiting for a user's answer in a screen they pushed
        self.in_flight = False  # the last key let through may not have had its effect yet
        self._since = 0.0
        self._posted = 0  # held keys sent back to the app, not yet read by it
        self._polling = False
        self._unfocused: WeakKeyDictionary[Any, float] = WeakKeyDictionary()

    # --- the app's side ---------------------------------------------------------------------

    def arrived(self, event: Key) -> bool:
        """A key the app just read: True when it must wait (it is held), else it goes on."""
        if getattr(event, _REPLAYED, False):
            self._posted -= 1
            self._went_on()
            return False
        if any(b.priority for b in self.app._bindings.key_to_bindings.get(event.key, ())):
            return False
        if self._cancels(event.key):
            self.keys.clear()  # typed for the screen the user leaves
            self._went_on()
            return False
        if self.keys or self.in_flight or self._posted or self.between_screens():
            self.hold(event.key, event.character)
            return True
        self._went_on()
        return False

    def hold(self, key: str, character: str | None, first: bool = False) -> None:
        if not self.keys:
            self._since = time.monotonic()
        if first:
            self.keys.appendleft((key, character))
        else:
            self.keys.append((key, character))
        self._poll()

    # --- state ------------------------------------------------------------------------------

    def _cancels(self, key: str) -> bool:
        """`key` is the cancel key of the screen on top, which does not take keys now."""
        app = self.app
        screen = app.screen
        cancel: tuple[str, ...] = getattr(screen, "cancel_actions", ())
        if not cancel or self._posted or getattr(app, "takes_keys", True):
            return False
        return bound_action(screen, key) in cancel

    def between_screens(self) -> bool:
        app = self.app
        flows = [w for w in app.workers if w.group == "flow" and not w.is_finished]
        if len(flows) > self.asking:
            return True
        screen = app.screen
        if not screen.is_mounted or not getattr(app, "takes_keys", True):
            return True
        if screen.focused is not None or not screen.AUTO_FOCUS or not app.app_focus:
            return False
        # Mounted, its first focus not landed yet (a screen that focuses in a callback after
        # its mount): wait a moment for it, never longer than FOCUS_WAIT for one that has
        # nothing to focus.
        first = self._unfocused.setdefault(screen, time.monotonic())
        return time.monotonic() - first < FOCUS_WAIT and bool(screen.focus_chain)

    def _handled(self) -> bool:
        """The key let through has had its effect: no held key on its way back, the app not
        between screens, and nothing waiting in the message queues of the screen on top or of
        the app (a `focus()` the key asked for runs from the app's queue: the next key waits
        for the focus to land, not for the widget it leaves)."""
        if self._posted or self.between_screens():
            return False
        screen = self.app.screen
        return all(
            node._message_queue.empty() and node._pending_message is None
            for node in (self.app, screen, *screen.walk_children())
        )

    # --- letting keys go on -----------------------------------------------------------------

    def _went_on(self) -> None:
        self.in_flight = True
        self._since = time.monotonic()
        self._poll()

    def _poll(self) -> None:
        if not self._polling:
            self._polling = True
            self.app.set_timer(POLL, self._tick)

    def _tick(self) -> None:
        self._polling = False
        overdue = time.monotonic() - self._since > HOLD_AT_MOST  # a safety net, never expected
        if self.in_flight:
            if not (self._handled() or overdue):
                self._poll()
                return
            self.in_flight = False
        if not self.keys:
            return
        if self.between_screens() and not overdue:
            self._poll()
            return
        key, character = self.keys.popleft()
        event = Key(key, character)
        setattr(event, _REPLAYED, True)
        self._posted += 1
        self.in_flight = True
        self._since = time.monotonic()
        self.app.post_message(event)


def key_hold(app: Any) -> KeyHold | None:
    hold = getattr(app, "key_hold", None)
    return hold if isinstance(hold, KeyHold) else None


async def ask(app: Any, screen: Any) -> Any:
    """`push_screen_wait` for flows: while the screen waits for the user, keys are theirs."""
    hold = key_hold(app)
    if hold is not None:
        hold.asking += 1
    try:
        return await app.push_screen_wait(screen)
    finally:
        if hold is not None:
            hold.asking -= 1


def bound_action(screen: Any, key: str) -> str | None:
    """The action of `screen`'s own binding for `key` (the config's keymap applied), or None."""
    keymap: Mapping[str, str] = getattr(screen.app, "keymap", {})  # the usable part of the config's
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or binding.id is None:
            continue
        keys = keymap.get(binding.id, binding.key).split(",")
        if key in (k.strip() for k in keys):
            return binding.action
    return None
