"""What the main screen remembers in the config file: each tab's filter, sort and columns, and
the folder the upload screen starts in (docs/tui.md, "Config").

`SavedView` holds the one config the main screen works with, so no save undoes another, and
writes each change into the file the moment it is made (`save_config` changes only what this
session changed, in place). A file that cannot be written (unwritable, or no longer TOML after
an edit elsewhere) is said in one sentence and left alone; the view keeps the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cosell_tui.config import Config, ConfigError, TabPrefs, save_config
from cosell_tui.domain.views import Tab


class SavedView:
    """The config in force, saved into its file as the user changes the view."""

    def __init__(self, config: Config, warn: Callable[[str], object]) -> None:
        """`warn(sentence)`: tells the user the file could not be written."""
        self.config = config
        self._warn = warn

    def tab(self, tab: Tab) -> TabPrefs:
        return self.config.tab(tab.value)

    def save_tab(self, tab: Tab, **changes: Any) -> None:
        """Remember `tab`'s filter, sort, descending or columns (TabPrefs's fields)."""
        name = tab.value
        self._save(self.config.with_tab(name, replace(self.config.tab(name), **changes)))

    def remember_upload_dir(self, folder: str) -> None:
        """The folder of the file last opened on the upload screen: it starts there next time."""
        if folder != self.config.upload_dir:
            self._save(replace(self.config, upload_dir=folder))

    def _save(self, config: Config) -> None:
        """Keep `config` and write what changed into the file (a tiny write, not database
        work, so on the event loop)."""
        self.config = config
        try:
            save_config(config)
        except (OSError, ConfigError) as exc:  # unwritable, or the file is no longer TOML
            self._warn(f"Could not save the config: {exc}")
