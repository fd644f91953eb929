"""The user's settings: a TOML file in the user config directory, read into a validated dataclass.

Why a file and not the database: the settings are one person's (keys, columns, filters), and
several people may share one database on an SSH host. Tests point `COSELL_CONFIG_FILE` at a
temporary file so they never read or write the real one.

Layout::

    user = "ava"
    db = "~/deals.db"
    mouse = true

    [keymap]            # binding id = keys (comma separated), see docs/tui.md
    "deal.accept" = "a,ctrl+y"

    [tabs.inbound]
    columns = ["name", "customer", "status", "value", "expires"]
    filter = "country:GB"
    sort = "expires"
    descending = false

Precedence, highest first: command-line flag (applied by the CLI, which asks the config only when
no flag is given), environment (`COSELL_USER`, `COSELL_DB`, `COSELL_MOUSE`), file, default.

Reading validates with a pydantic-settings model (config_model.py); writing updates the file in
place with tomlkit, so the user's comments, order and blank lines survive. Both libraries are
imported only when needed: importing this module stays as cheap as the standard library, for
`cosell --help` and `cosell locate config`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_config_dir

# The settings' shape lives in config_values, which config_model (pydantic) builds too; it is
# re-exported here, where callers look for it.
from cosell_tui.config_values import Config as Config
from cosell_tui.config_values import ConfigError as ConfigError
from cosell_tui.config_values import DiskState as DiskState
from cosell_tui.config_values import TabPrefs as TabPrefs
from cosell_tui.config_values import normalise_columns as normalise_columns
from cosell_tui.config_values import normalise_keys as normalise_keys
from cosell_tui.domain.tabs import TAB_NAMES

if TYPE_CHECKING:
    from tomlkit import TOMLDocument
    from tomlkit.container import Container
    from tomlkit.items import InlineTable, Table

APP_NAME = "cosell"
CONFIG_ENV = "COSELL_CONFIG_FILE"
#: The environment variables that override the file's scalar settings (config_model.py reads them).
SETTING_ENVS = ("COSELL_USER", "COSELL_DB", "COSELL_MOUSE")


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
    if not data and not _setting_in_environment():
        return Config(path=path)  # nothing to validate: skip importing pydantic (~100 ms)
    from cosell_tui.config_model import validate

    return validate(data, path, text)


def _setting_in_environment() -> bool:
    """Whether a COSELL_USER/DB/MOUSE is set, matched as pydantic-settings matches (any case)."""
    return any(value and name.upper() in SETTING_ENVS for name, value in os.environ.items())


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
    config = parse_config(data, path, text)
    return replace(config, on_disk=DiskState(config))


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


# --- writing: update the user's document in place ------------------------------------------------

#: Settings whose default is a value TOML can hold; absent from the file, they stay absent.
_DEFAULTS: dict[str, Any] = {"filter": "", "descending": False}

Leaf = tuple[str, ...]


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config into its file, changing only the keys that differ, atomically.

    The file is re-read and updated in place with tomlkit: comments, order, blank lines, quoting
    and unrelated keys stay as they are. A loaded config writes only the settings changed since
    it was loaded or last saved; one built by hand makes the file say exactly what it holds.
    The new text goes to a temporary file in the same directory, flushed to disk and renamed
    over the old one, so a crash never leaves half a file; a symlinked config is written
    through its link. A file that is no longer TOML is left alone (ConfigError); OSError when
    the directory or file cannot be written.
    """
    target = path or config.path or config_path()
    real = target.resolve() if target.is_symlink() else target  # keep a dotfiles symlink
    try:
        text = _read(real)
    except FileNotFoundError:
        text = ""
    state = config.on_disk if path is None or path == config.path else None
    new = _updated(text, config, state.config if state else None, real)
    if new != text:
        _write_atomically(real, new)
    if state is not None:
        state.config = config
    return target


def dump_config(config: Config) -> str:
    """The TOML text of a config on its own (only settings that differ from the defaults)."""
    return _updated("", config, None, None)


def _updated(text: str, config: Config, baseline: Config | None, where: Path | None) -> str:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{where or 'config'}: not valid TOML ({exc}); not saved") from None
    wanted = _leaves(config)
    if baseline is None:
        # The file must say exactly this config: keymap entries it lacks go.
        keymap = doc.get("keymap")
        for key in keymap if isinstance(keymap, dict) else ():
            wanted.setdefault(("keymap", str(key)), None)
        changes = wanted
    else:
        before = _leaves(baseline)
        for leaf in before:
            wanted.setdefault(leaf, None)  # a keymap entry removed since loading
        changes = {leaf: value for leaf, value in wanted.items() if before.get(leaf) != value}
    # Settings first, removals after, so a table that changes keys is not dropped and re-made.
    for leaf, value in sorted(changes.items(), key=lambda change: _unset(*change)):
        _apply(doc, leaf, value, where)
    # tomlkit writes new lines with \n: tidy in \n, then give a Windows file back all CRLF.
    crlf = "\r\n" in text
    old = text.replace("\r\n", "\n")
    new = tomlkit.dumps(doc).replace("\r\n", "\n")
    # New tables end in a blank line, which is one too many at the very end of the file or
    # before a table added earlier; a run of blank lines the user never wrote is ours.
    if new.endswith("\n\n") and not old.endswith("\n\n"):
        new = new.rstrip("\n") + "\n"
    if "\n\n\n" not in old:
        while "\n\n\n" in new:
            new = new.replace("\n\n\n", "\n\n")
    return new.replace("\n", "\r\n") if crlf else new


def _leaves(config: Config) -> dict[Leaf, Any]:
    """Every setting as key path → value in the file's terms (None = not in the file)."""
    leaves: dict[Leaf, Any] = {("user",): config.user, ("db",): config.db}
    leaves[("mouse",)] = config.mouse
    leaves[("upload_dir",)] = config.upload_dir
    for binding, keys in config.keymap.items():
        leaves[("keymap", binding)] = keys
    for name in TAB_NAMES:
        prefs = config.tab(name)
        columns = normalise_columns(prefs.columns)
        leaves[("tabs", name, "columns")] = list(columns) if columns is not None else None
        leaves[("tabs", name, "filter")] = prefs.filter
        leaves[("tabs", name, "sort")] = prefs.sort
        leaves[("tabs", name, "descending")] = prefs.descending
    return leaves


def _unset(leaf: Leaf, value: Any) -> bool:
    """True when the setting should not be in the file: no value, or the default one."""
    return value is None or (leaf[-1] in _DEFAULTS and value == _DEFAULTS[leaf[-1]])


def _apply(doc: TOMLDocument, leaf: Leaf, value: Any, where: Path | None) -> None:
    """Make the document say `value` at `leaf`, touching nothing when it already does.

    A setting back at its default leaves the file (as the old writer never wrote defaults), and
    so does a table that ends up holding nothing, not even a comment.
    """
    unset = _unset(leaf, value)
    parent = _table(doc, leaf[:-1], create=not unset, where=where)
    if parent is None:
        return  # nothing to remove, and a default needs no table
    key = leaf[-1]
    if unset:
        if key in parent:
            del parent[key]
            _drop_empty_tables(doc, leaf[:-1])
        return
    if key not in parent:
        _insert(parent, key, value)
    elif _as_read(leaf, parent[key]) != value:
        parent[key] = value  # tomlkit keeps the line's comment
    # else: the same value; its formatting, quoting and comment stay


def _drop_empty_tables(doc: TOMLDocument, keys: Leaf) -> None:
    from tomlkit.items import Null, Table, Whitespace

    while keys:
        table = _table(doc, keys, create=False, where=None)
        if not isinstance(table, Table):
            return  # an inline table, or out-of-order parts: leave them be
        if any(not isinstance(item, Whitespace | Null) for _, item in table.value.body):
            return
        parent = _table(doc, keys[:-1], create=False, where=None)
        if parent is None:
            return
        del parent[keys[-1]]
        keys = keys[:-1]


def _as_read(leaf: Leaf, item: Any) -> Any:
    """A document value as `load_config` would see it, to tell whether it really changed."""
    value = item.unwrap() if hasattr(item, "unwrap") else item
    columns = leaf[0] == "tabs" and leaf[-1] == "columns" and isinstance(value, list)
    if columns and all(isinstance(column, str) for column in value):
        return list(normalise_columns(value) or ())
    if leaf[0] == "keymap" and isinstance(value, str):
        return normalise_keys(value)
    return value


def _table(
    doc: TOMLDocument, keys: Leaf, *, create: bool, where: Path | None
) -> Container | Table | InlineTable | None:
    """The table at `keys` (created when `create`), or None when it is absent."""
    import tomlkit
    from tomlkit.items import InlineTable

    container: Any = doc
    for depth, key in enumerate(keys):
        if key in container:
            container = container[key]
            if not isinstance(container, dict):
                shown = ".".join(keys[: depth + 1])
                raise ConfigError(f"{where or 'config'}: {shown} is not a table; not saved")
            continue
        if not create:
            return None
        table: Any
        if isinstance(container, InlineTable):
            table = tomlkit.inline_table()
        else:
            # `[tabs.inbound]` without a `[tabs]` header above it.
            table = tomlkit.table(is_super_table=keys[:1] == ("tabs",) and depth == 0)
        _insert(container, key, table)
        container = container[key]
    return container


def _insert(container: Any, key: str, value: Any) -> None:
    """Add a key where a person would: after the table's last key, before the comments and
    blank lines that lead into the next table; a new table after a blank line."""
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import AoT, Comment, Table

    if isinstance(value, Table):
        before = container.as_string() if hasattr(container, "as_string") else ""
        if before.strip() and not before.endswith("\n\n"):
            value.trivia.indent = "\n"
        if not value.is_super_table():
            value.add(tomlkit.nl())
        if hasattr(container, "append"):
            container.append(key, value)
        else:  # the parts of a table split around other tables (tomlkit's proxy)
            container[key] = value
        return
    body_of = container.value if isinstance(container, Table) else container
    if not isinstance(body_of, Container):  # an inline table or an out-of-order table proxy
        container[key] = value
        return
    body = body_of.body
    end = next((i for i, (_, item) in enumerate(body) if isinstance(item, Table | AoT)), len(body))
    keyed = [i for i in range(end) if body[i][0] is not None]
    if keyed:
        index = keyed[-1] + 1
    else:  # no keys yet: after the comment block that opens the table (or the file)
        index = 0
        while index < end and isinstance(body[index][1], Comment):
            index += 1
    if index >= len(body):
        container.append(key, value)
        return
    try:
        body_of._insert_at(index, key, value)  # tomlkit has no public positional insert
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - a tomlkit change
        container.append(key, value)
    else:
        if isinstance(container, Table):
            dict.__setitem__(container, key, body_of[key])  # Table caches its items


def _write_atomically(target: Path, text: str) -> None:
    """Write `text` to a temporary file beside `target`, flush it to disk, rename it over."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600  # a new config may hold a database URL with a password
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
