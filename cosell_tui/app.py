"""The Textual app: theme, global keys, the user's keymap, the command palette and the first screen.

Kept small on purpose: screens own their keys and their work; this module
only wires them. `run()` is what `cosell` and `cosell demo` call.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from cosell_tui.commands import DealCommands
from cosell_tui.config import Config, load_config
from cosell_tui.screens.help import HelpScreen, binding_rows
from cosell_tui.screens.main import MainScreen

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: When this module was first imported: start-up is measured from here (logged on first rows).
STARTED = time.perf_counter()


class CosellApp(App[None]):
    """The cosell TUI on one service (one user, one database, one clock)."""

    CSS_PATH = "app.tcss"
    TITLE = "cosell"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DealCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self, service: Service, config: Config | None = None, *, animations: bool = True
    ) -> None:
        super().__init__()
        self.service = service
        self.config = config if config is not None else load_config()
        self.first_rows_seconds: float | None = None
        if not animations:
            self.animation_level = "none"
        user = service.user
        self.sub_title = f"{user.display_name} · {user.org_name}"

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.push_screen(MainScreen(self.service, self.config))

    def rows_shown(self) -> None:
        """Called by the main screen when the first rows are on screen: log time-to-first-frame."""
        if self.first_rows_seconds is None:
            self.first_rows_seconds = time.perf_counter() - STARTED
            self.log.info(f"first rows after {self.first_rows_seconds * 1000:.0f} ms")

    def action_help(self) -> None:
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


def run(service: Service, *, mouse: bool = True) -> None:
    """Open the TUI; `mouse=False` (or `mouse = false` in the config) for SSH sessions.

    Colours follow the terminal: Textual honours NO_COLOR and TEXTUAL_COLOR_SYSTEM itself.
    """
    config = load_config()
    animations = os.environ.get("TEXTUAL_ANIMATIONS", "full") != "none"
    CosellApp(service, config, animations=animations).run(mouse=mouse and config.mouse)
