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
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

APP_NAME = "cosell"
CONFIG_ENV = "COSELL_CONFIG_FILE"
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


def config_path() -> Path:
    """`COSELL_CONFIG_FILE`, else `config.toml` in the platform's user config directory."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: expected {names}, got {value!r}")
    return value


def _tab_prefs(raw: Any, where: str) -> TabPrefs:
    raw = _expect(raw, dict, where)
    unknown = set(raw) - {"columns", "filter", "sort", "descending"}
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    columns: tuple[str, ...] | None = None
    if "columns" in raw:
        items = _expect(raw["columns"], list, f"{where}.columns")
        bad = [c for c in items if c not in COLUMN_IDS]
        if bad:
            raise ConfigError(
                f"{where}.columns: unknown column(s) {', '.join(map(str, bad))}; "
                f"known: {', '.join(COLUMN_IDS)}"
            )
        # The required columns always show, whatever the file says.
        columns = tuple(dict.fromkeys([*REQUIRED_COLUMNS, *items]))
    sort = raw.get("sort")
    if sort is not None and sort not in COLUMN_IDS:
        raise ConfigError(f"{where}.sort: unknown column {sort!r}")
    return TabPrefs(
        columns=columns,
        filter=_expect(raw.get("filter", ""), str, f"{where}.filter"),
        sort=sort,
        descending=_expect(raw.get("descending", False), bool, f"{where}.descending"),
    )


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML document; a wrong value is a ConfigError naming the setting."""
    where = str(path) if path else "config"
    unknown = set(data) - {"user", "db", "mouse", "keymap", "tabs"}
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    keymap_raw = _expect(data.get("keymap", {}), dict, f"{where}: keymap")
    keymap = {
        str(k): _expect(v, str, f"{where}: keymap.{k}").replace(" ", "")
        for k, v in keymap_raw.items()
    }
    tabs_raw = _expect(data.get("tabs", {}), dict, f"{where}: tabs")
    tabs: dict[str, TabPrefs] = {}
    for name, raw in tabs_raw.items():
        if name not in TAB_NAMES:
            raise ConfigError(f"{where}: unknown tab {name!r}; tabs are {', '.join(TAB_NAMES)}")
        tabs[name] = _tab_prefs(raw, f"{where}: tabs.{name}")
    user = data.get("user")
    db = data.get("db")
    return Config(
        user=_expect(user, str, f"{where}: user") if user is not None else None,
        db=_expect(db, str, f"{where}: db") if db is not None else None,
        mouse=_expect(data.get("mouse", True), bool, f"{where}: mouse"),
        keymap=keymap,
        tabs=tabs,
        path=path,
    )


def load_config(path: Path | None = None) -> Config:
    """Read the config; a missing file is the defaults, a broken one a ConfigError."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(data, path)


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
