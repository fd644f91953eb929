"""The main screen's footer: Textual's `Footer`, but when only whether keys apply changes (a row
selected, the database opened, deals marked) it greys or lights its keys in place instead of
composing itself again.

Textual's footer removes and mounts all of its keys on every change of the bindings, which on
the main screen (about fifteen keys) is the largest piece of work between the first frame and
the first rows: it happened when the grid took focus, when the database opened and when the
rows arrived, each time beside the thread reading them (README, "Speed"). The keys shown, their
order and their look are Textual's; only the way there is shorter.
"""

from __future__ import annotations

from collections import defaultdict

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: What the footer shows, but for which keys apply: (key, description, action, tooltip) of each
#: action's first binding, in order, and whether the command palette's key is there.
Shape = tuple[tuple[tuple[str, str, str, str], ...], bool]


class MainFooter(Footer):
    """`Footer` that composes again only when the keys it shows change, not their state."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        #: What the keys composed last show (None: nothing composed yet).
        self._shape: Shape | None = None
        self._recompose_pending = False

    def _shown(self) -> tuple[Shape, list[bool]]:
        """What compose() shows, and whether each key applies (compose's grouping: the first
        binding of each action)."""
        by_action: defaultdict[str, list[tuple[str, str, str, bool]]] = defaultdict(list)
        active = self.screen.active_bindings
        for _node, binding, applies, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append(
                    (binding.key, binding.description, tooltip, applies)
                )
        palette = (
            self.show_command_palette
            and self.app.ENABLE_COMMAND_PALETTE
            and self.app.COMMAND_PALETTE_BINDING in active
        )
        keys = tuple((k, d, action, t) for action, ((k, d, t, _), *_) in by_action.items())
        enabled = [first[3] for first, *_ in by_action.values()]
        return (keys, palette), enabled

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shape = self._shown()[0]
        yield from super().compose()

    async def recompose(self) -> None:
        await super().recompose()
        self._recompose_pending = False
        # Changes that arrived while it ran (it awaits the old keys' removal) are in the keys
        # composed, unless they came after compose() read the bindings: catch up on those.
        if self._shape is not None and self.is_attached and not self._in_place():
            self._recompose_pending = True
            self.call_after_refresh(self.recompose)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Footer.bindings_changed, with the keys updated in place when only their state
        changed, and one recompose for any number of changes before it runs."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._shape is not None and not self._recompose_pending and self._in_place():
            return
        if not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self.recompose)

    def _in_place(self) -> bool:
        """Grey or light the keys composed last; False when the keys shown changed."""
        shape, enabled = self._shown()
        keys = list(self.query_children(FooterKey))
        if shape[1]:
            keys = keys[:-1]  # the command palette's key, last: always enabled
        if shape != self._shape or len(keys) != len(enabled):
            return False
        if any("-grouped" in key.classes for key in keys):
            return False  # grouped keys (none on the main screen): Textual's way
        for key, on in zip(keys, enabled, strict=True):
            if key._disabled == on:  # FooterKey keeps its state there (read on a click)
                key._disabled = not on
                key.set_class(not on, "-disabled")
                key.refresh()
        return True
