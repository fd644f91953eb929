"""What the config file holds: the settings' dataclasses and their error; `config` reads and
writes them, `config_model` validates them (pydantic). Tab and column names: domain/views.py.

Kept apart so that config_model does not import config (which imports config_model to validate
what it reads): the two form no import cycle. Importing it costs only the standard library
and the domain's read models.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from cosell_tui.domain.tabs import REQUIRED_COLUMNS


class ConfigError(ValueError):
    """The config file is unreadable or holds a value of the wrong kind; says which and where."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TabPrefs:
    """One tab's remembered view: columns (None = the default set), filter text and sort."""

    columns: tuple[str, ...] | None = None
    filter: str = ""
    sort: str | None = None  # a column id; None = the tab's default order
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SmtpPrefs:
    """`[smtp]`: where `cosell mail send|run` delivers (each also a COSELL_SMTP_* variable,
    which wins). The password is never in the file: COSELL_SMTP_PASSWORD only."""

    host: str | None = None
    port: int | None = None
    security: str | None = None  # none, starttls or tls
    user: str | None = None
    mail_from: str | None = None  # `from` in the file, COSELL_MAIL_FROM
    password: str | None = field(default=None, repr=False, compare=False)  # environment only


class DiskState:
    """The settings last read from or written to the file (mutable, unlike the configs that
    share it, so the next save compares with what it wrote before)."""

    __slots__ = ("config",)

    def __init__(self, config: Config) -> None:
        self.config = config


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the config file can hold; every field has a working default."""

    user: str | None = None
    db: str | None = None
    #: None: not set, so the mouse is on, except over SSH (see `mouse_wanted`).
    mouse: bool | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    tabs: dict[str, TabPrefs] = field(default_factory=dict)
    smtp: SmtpPrefs = field(default_factory=SmtpPrefs)
    #: The folder the upload screen opened a file from last (it starts there next time).
    upload_dir: str | None = None
    path: Path | None = None  # where it was read from, so `save` writes back there
    #: What the file said when this config was loaded or last saved, shared by every copy made
    #: from it: `save_config` writes only what changed since, so a value from the environment
    #: never lands in the file and edits made to the file meanwhile (by hand) survive.
    on_disk: DiskState | None = field(default=None, compare=False, repr=False)

    def tab(self, name: str) -> TabPrefs:
        return self.tabs.get(name, TabPrefs())

    def with_tab(self, name: str, prefs: TabPrefs) -> Config:
        """A copy with one tab's preferences replaced (configs are immutable values)."""
        return replace(self, tabs={**self.tabs, name: prefs})


def normalise_columns(columns: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The required columns always show, first, whatever the file says."""
    if columns is None:
        return None
    return tuple(dict.fromkeys([*REQUIRED_COLUMNS, *columns]))


def normalise_keys(keys: str) -> str:
    """`"a, y"` and `"a,y"` are the same keys."""
    return keys.replace(" ", "")
