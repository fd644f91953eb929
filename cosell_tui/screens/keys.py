"""Which action a key is bound to on a screen, as the user's keymap has it.

Textual runs only the actions `check_action` allows, so a key of a refused action arrives as a
plain, unhandled key. A screen that wants to say why it refused (the rules' reason) asks here
which of its actions the key belongs to: its own bindings, remapped by the config's keymap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.binding import Binding
from textual.events import Key

#: Set on a key event by the screen it was routed to (see `mark_origin`).
ORIGIN = "cosell_origin"


def mark_origin(screen: Any, event: Key) -> None:
    """Note which screen a key was routed to. Textual checks the bindings of a key when it
    reaches the app, after the screen; if a key before it opened another screen (a dialog, the
    wizard), the app hands this one on to the new screen instead (CosellApp.on_key), so keys
    typed fast land where the user is looking, in order."""
    setattr(event, ORIGIN, screen)


def hand_on(top: Any, key: str, character: str | None) -> None:
    """Deliver a key to whatever has the focus on `top`, once it is drawn."""

    def deliver() -> None:
        if top.focused is None and not top.is_mounted:
            top.call_after_refresh(deliver)  # still being drawn: its focus is not set yet
            return
        (top.focused or top).post_message(Key(key, character))

    top.call_after_refresh(deliver)  # after the screen's first focus has landed


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
