"""Check boxes and radio buttons whose state shows in the glyph, not only in its colour.

Textual draws a ticked and an unticked box with the same `X` (a radio with the same `●`) and
tells them apart by colour, which `NO_COLOR`, a monochrome terminal or a colour-blind user does
not see: the customer's consent box would read ticked either way. Here an unticked box is
empty, everywhere, as on paper.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, RadioButton


class Tick(Checkbox):
    """A check box: `▐X▌` ticked, `▐ ▌` not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_state()

    def _show_state(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "

    def watch_value(self) -> None:
        self._show_state()
        super().watch_value()


class Choice(RadioButton):
    """A radio button: `▐●▌` chosen, `▐ ▌` not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_state()

    def _show_state(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "

    def watch_value(self) -> None:
        self._show_state()
        super().watch_value()
