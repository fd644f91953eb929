"""The user's settings: a TOML file in the user config directory, read into a validated dataclass.

Why a file and not the database: the settings are one person's (keys, columns, filters), and
several people may share one database on an SSH host. Tests point `COSELL_CONFIG_FILE` at a
temporary file so they never read or write the real one.

Layout::

    user = "ava"
    db = "~/deals.db"
    mouse = true

    [keymap]            # binding id = keys (comma separated), see docs/tui.md
    "deal.accept" = "a,y"

    [tabs.inbound]
    columns = ["name", "customer", "status", "value", "expires"]
    filter = "country:GB"
    sort = "expires"
    descending = false

Precedence, highest first: command-line flag (applied by cli.py, which asks the config only when
no flag is given), environment (`COSELL_USER`, `COSELL_DB`, `COSELL_MOUSE`), file, default.

Reading validates with a pydantic-settings model (config_model.py), imported only when a file
is read: importing this module stays as cheap as the standard library, for `cosell --help` and
`cosell locate config`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

APP_NAME = "cosell"
CONFIG_ENV = "COSELL_CONFIG_FILE"
#: The environment variables that override the file's scalar settings (config_model.py reads them).
SETTING_ENVS = ("COSELL_USER", "COSELL_DB", "COSELL_MOUSE")
TAB_NAMES = ("inbound", "outbound", "favorites", "closed")

#: Every grid column id, in display order; the ids are also the sort keys (service SortKey values).
COLUMN_IDS = (
    "name",
    "customer",
    "type",
    "status",
    "value",
    "close",
    "country",
    "created",
    "expires",
    "closed",
    "msstatus",
    "role",
    "program",
    "id",
    "crm",
    "fav",
)
#: Columns the chooser cannot hide (domain.md §5).
REQUIRED_COLUMNS = ("name", "customer", "status")


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
class Config:
    """Everything the config file can hold; every field has a working default."""

    user: str | None = None
    db: str | None = None
    mouse: bool = True
    keymap: dict[str, str] = field(default_factory=dict)
    tabs: dict[str, TabPrefs] = field(default_factory=dict)
    path: Path | None = None  # where it was read from, so `save` writes back there

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


def config_path() -> Path:
    """`COSELL_CONFIG_FILE`, else `config.toml` in the platform's user config directory."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


# --- reading ------------------------------------------------------------------------------------


def parse_config(data: dict[str, Any], path: Path | None = None, text: str | None = None) -> Config:
    """Validate a parsed TOML document (with the environment applied); a wrong value is a
    ConfigError naming the file, the line (when `text` is given) and the setting."""
    if not data and not any(os.environ.get(name) for name in SETTING_ENVS):
        return Config(path=path)  # nothing to validate: skip importing pydantic (~100 ms)
    from cosell_tui.config_model import validate

    return validate(data, path, text)


def load_config(path: Path | None = None) -> Config:
    """Read the config; a missing file is the defaults, a broken one a ConfigError.

    The error is one sentence (the CLI prints it as `cosell: ...` and exits 1): a broken config
    stops `cosell` before it opens anything, as it always has, rather than quietly running on
    the wrong database or as the wrong user.
    """
    import tomllib

    path = path or config_path()
    try:
        text = _read(path)
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_error(path, str(exc))) from None
    return parse_config(data, path, text)


def _syntax_error(path: Path, message: str) -> str:
    """tomllib's "Invalid value (at line 1, column 8)" as `<path>, line 1: not valid TOML (...)`."""
    import re

    match = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message)
    if match is None:
        return f"{path}: not valid TOML ({message})"
    what, line, column = match.groups()
    return f"{path}, line {line}: not valid TOML ({what[:1].lower()}{what[1:]} at column {column})"


def _read(path: Path) -> str:
    """The file's text exactly (newlines untranslated, so a rewrite keeps CRLF files CRLF)."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML (not UTF-8 text)") from None


# --- writing: the few shapes we store need no TOML library -------------------------------------


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.translate(_ESCAPES)
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else _toml_value(key)


def dump_config(config: Config) -> str:
    """The TOML text of a config (only settings that differ from the defaults)."""
    lines: list[str] = []
    if config.user is not None:
        lines.append(f"user = {_toml_value(config.user)}")
    if config.db is not None:
        lines.append(f"db = {_toml_value(config.db)}")
    if not config.mouse:
        lines.append("mouse = false")
    if config.keymap:
        lines += ["", "[keymap]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in sorted(config.keymap.items())]
    for name in TAB_NAMES:
        prefs = config.tabs.get(name)
        if prefs is None or prefs == TabPrefs():
            continue
        lines += ["", f"[tabs.{name}]"]
        if prefs.columns is not None:
            lines.append(f"columns = {_toml_value(list(prefs.columns))}")
        if prefs.filter:
            lines.append(f"filter = {_toml_value(prefs.filter)}")
        if prefs.sort is not None:
            lines.append(f"sort = {_toml_value(prefs.sort)}")
        if prefs.descending:
            lines.append("descending = true")
    return "\n".join(lines).lstrip("\n") + "\n"


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically (a temp file renamed), so a crash never leaves half a file."""
    target = path or config.path or config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(dump_config(config), encoding="utf-8")
    tmp.replace(target)
    return target
