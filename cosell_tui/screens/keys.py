"""Which action a key is bound to on a screen, as the user's keymap has it.

Textual runs only the actions `check_action` allows, so a key of a refused action arrives as a
plain, unhandled key. A screen that wants to say why it refused (the rules' reason) asks here
which of its actions the key belongs to: its own bindings, remapped by the config's keymap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.binding import Binding


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
