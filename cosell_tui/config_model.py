"""The config file's schema, validated by pydantic-settings, and its errors in the user's words.

`cosell_tui.config` imports this module only when a config is actually read: pydantic and
pydantic-settings take 60–150 ms to import, which `cosell --help` and `cosell locate config`
must not pay.

Sources, highest first: the environment (`COSELL_USER`, `COSELL_DB`, `COSELL_MOUSE`; the
scalar settings only), then the TOML file, then the defaults. Command-line flags beat all three,
but they are applied by the caller (the CLI), which never asks the config when a flag is given.

Errors never show pydantic's wording (`loc` tuples, `[type=...]`): `explain` turns each one into
a sentence that names the file, the line when it can be found, and the key path as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from cosell_tui.config_values import (
    Config,
    ConfigError,
    SmtpPrefs,
    TabPrefs,
    normalise_columns,
    normalise_keys,
)
from cosell_tui.domain.views import COLUMN_IDS, TAB_NAMES

ENV_PREFIX = "COSELL_"
#: The settings the environment may set; keys and tabs live in the file only.
ENV_SETTINGS = ("user", "db", "mouse")
TAB_SETTINGS = ("columns", "filter", "sort", "descending")
#: What `COSELL_MOUSE` accepts (the words pydantic's lax bool parsing knows).
BOOL_WORDS = {
    **dict.fromkeys(("1", "true", "t", "yes", "y", "on"), True),
    **dict.fromkeys(("0", "false", "f", "no", "n", "off"), False),
}


def _column(value: str) -> str:
    if value not in COLUMN_IDS:
        raise PydanticCustomError("unknown_column", "unknown column {column}", {"column": value})
    return value


Column = Annotated[str, AfterValidator(_column)]
#: Types are checked as TOML has them: `mouse = 1` or `user = 42` is an error, not a guess.
STRICT = ConfigDict(extra="forbid", strict=True)


class TabModel(BaseModel):
    """`[tabs.<name>]`: one tab's columns, filter and sort."""

    model_config = STRICT

    columns: list[Column] | None = None
    filter: str = ""
    sort: Column | None = None
    descending: bool = False


class TabsModel(BaseModel):
    """`[tabs]`: one optional table per tab (the names are config.TAB_NAMES)."""

    model_config = STRICT

    inbound: TabModel | None = None
    outbound: TabModel | None = None
    favorites: TabModel | None = None
    closed: TabModel | None = None


class SmtpModel(BaseModel):
    """`[smtp]`: host, port, security, user and from; the password is environment-only."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    security: Literal["none", "starttls", "tls"] | None = None
    user: str | None = None
    mail_from: str | None = Field(None, alias="from")


#: The SMTP variables: COSELL_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, and COSELL_MAIL_FROM.
SMTP_ENV = {
    "host": "COSELL_SMTP_HOST",
    "port": "COSELL_SMTP_PORT",
    "security": "COSELL_SMTP_SECURITY",
    "user": "COSELL_SMTP_USER",
    "password": "COSELL_SMTP_PASSWORD",
    "mail_from": "COSELL_MAIL_FROM",
}


def smtp_from_environment(prefs: SmtpPrefs, environ: Mapping[str, str] | None = None) -> SmtpPrefs:
    """The file's `[smtp]` with the COSELL_SMTP_* variables applied (they win); the password
    comes from COSELL_SMTP_PASSWORD only. A bad value is a ConfigError naming the variable."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {
        name: getattr(prefs, name) for name in ("host", "port", "security", "user", "mail_from")
    }
    for name, variable in SMTP_ENV.items():
        text = (env.get(variable) or "").strip()
        if not text:
            continue
        if name == "port":
            if not text.isdigit() or not 1 <= int(text) <= 65535:
                raise ConfigError(f"environment variable {variable} must be a port number "
                                  f"(1-65535), not {_quote(text)}")  # fmt: skip
            values[name] = int(text)
        elif name == "security":
            if text.lower() not in ("none", "starttls", "tls"):
                raise ConfigError(f"environment variable {variable} must be none, starttls or "
                                  f"tls, not {_quote(text)}")  # fmt: skip
            values[name] = text.lower()
        else:
            values[name] = env.get(variable)  # a password keeps its spaces
    return SmtpPrefs(**values)


#: The parsed TOML document of the `load` in progress (a settings source cannot take arguments).
_FILE_DATA: ContextVar[Mapping[str, Any]] = ContextVar("cosell_config_file_data")


class TomlDataSource(PydanticBaseSettingsSource):
    """The config file as a settings source: its table as tomllib parsed it.

    The file is read and parsed by `config.load_config` (which words its own read and syntax
    errors and keeps the text for line numbers), so this source only hands the table over. It is
    deliberately not passed as `__init__` keywords: a key such as `_secrets_dir` in the file
    would then configure pydantic-settings itself.
    """

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self.data = dict(_FILE_DATA.get({}))

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)  # unknown keys included, so `extra="forbid"` reports them


class ScalarEnvSource(EnvSettingsSource):
    """`COSELL_USER`, `COSELL_DB` and `COSELL_MOUSE`; nothing else is read from the environment."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name not in ENV_SETTINGS:
            return None, field_name, False
        return super().get_field_value(field, field_name)

    def prepare_field_value(
        self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool
    ) -> Any:
        if field_name == "mouse" and isinstance(value, str):
            # The model is strict (TOML has real booleans); an environment variable is text.
            # A word we do not know stays text, so validation reports it.
            return BOOL_WORDS.get(value.strip().lower(), value)
        return super().prepare_field_value(field_name, field, value, value_is_complex)


class FileSettings(BaseSettings):
    """Everything the config can hold, as validated; `to_config` turns it into a `Config`."""

    model_config = SettingsConfigDict(
        extra="forbid", strict=True, env_prefix=ENV_PREFIX, env_ignore_empty=True
    )

    user: str | None = None
    db: str | None = None
    mouse: bool | None = None
    keymap: dict[str, str] = {}
    tabs: TabsModel = TabsModel()
    smtp: SmtpModel = SmtpModel.model_validate({})
    upload_dir: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment beats the file; no .env files, no secrets directory, no init keywords.
        return (ScalarEnvSource(settings_cls), TomlDataSource(settings_cls))


def validate(data: Mapping[str, Any], path: Path | None, text: str | None = None) -> Config:
    """The parsed TOML `data` (from `path`, whose `text` helps find line numbers) with the
    environment applied, as a Config; a ConfigError in one sentence when anything is wrong."""
    token = _FILE_DATA.set(data)
    try:
        settings = FileSettings()
    except ValidationError as exc:
        raise ConfigError(explain(exc, path, text)) from None
    finally:
        _FILE_DATA.reset(token)
    return to_config(settings, path)


def to_config(settings: FileSettings, path: Path | None) -> Config:
    tabs: dict[str, TabPrefs] = {}
    for name in TAB_NAMES:
        tab: TabModel | None = getattr(settings.tabs, name)
        if tab is None:
            continue
        prefs = TabPrefs(normalise_columns(tab.columns), tab.filter, tab.sort, tab.descending)
        if prefs != TabPrefs():  # an empty table (maybe kept for its comment) says nothing
            tabs[name] = prefs
    return Config(
        user=settings.user,
        db=settings.db,
        mouse=settings.mouse,
        keymap={k: normalise_keys(v) for k, v in settings.keymap.items()},
        tabs=tabs,
        smtp=SmtpPrefs(
            host=settings.smtp.host,
            port=settings.smtp.port,
            security=settings.smtp.security,
            user=settings.smtp.user,
            mail_from=settings.smtp.mail_from,
        ),
        upload_dir=settings.upload_dir,
        path=path,
    )


# --- errors in the user's words -----------------------------------------------------------------


def explain(exc: ValidationError, path: Path | None, text: str | None) -> str:
    """The first problem (in file order) as one sentence, and how many more there are."""
    problems = [_problem(error, path, text) for error in exc.errors(include_url=False)]
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
    first = problems[0][1]
    more = len(problems) - 1
    if more:
        first += f" (and {more} more problem{'s' if more > 1 else ''})"
    return first


def _problem(error: ErrorDetails, path: Path | None, text: str | None) -> tuple[int | None, str]:
    keys = tuple(str(part) for part in error["loc"] if isinstance(part, str))
    env = _env_name(keys[0]) if len(keys) == 1 and keys[0] in ENV_SETTINGS else None
    if env is not None:  # the environment beats the file, so the bad value came from there
        return None, f"environment variable {env} {_what_is_wrong(error, keys, env=True)}"
    line = find_line(text, keys) if text else None
    where = str(path) if path else "config"
    if line is not None:
        where += f", line {line}"
    return line, f"{where}: {_what_is_wrong(error, keys)}"


def _what_is_wrong(error: ErrorDetails, keys: tuple[str, ...], env: bool = False) -> str:
    kind = error["type"]
    value = error.get("input")
    shown = key_path(keys)
    if kind == "extra_forbidden":
        if len(keys) == 1:
            return (
                f"{shown} is not a setting"
                " (the settings are user, db, mouse, keymap, tabs, smtp, upload_dir)"
            )
        if keys == ("smtp", "password"):
            return "smtp.password is not read from the file: set COSELL_SMTP_PASSWORD instead"
        if keys[0] == "smtp" and len(keys) == 2:
            return f"{shown} is not an smtp setting (host, port, security, user, from)"
        if keys[0] == "tabs" and len(keys) == 2:
            return f"{shown} is not a tab (the tabs are {', '.join(TAB_NAMES)})"
        if keys[0] == "tabs" and len(keys) == 3:
            return f"{shown} is not a tab setting (a tab has {', '.join(TAB_SETTINGS)})"
        return f"{shown} is not a setting"
    if kind == "unknown_column":
        return f"{shown}: {_toml(value)} is not a column (the columns are {', '.join(COLUMN_IDS)})"
    if kind == "bool_type":
        if env:
            return f"must be true or false (or 1/0, yes/no, on/off), not {_toml(value)}"
        return f"{shown} must be true or false, not {_toml(value)}"
    if kind == "string_type":
        if keys[0] == "keymap" and len(keys) == 2:
            return f'{shown} must be keys in quotes, e.g. "a,y", not {_toml(value)}'
        return f"{shown} must be text in quotes, not {_toml(value)}"
    if kind == "list_type":
        return f'{shown} must be a list of column ids, e.g. ["name", "value"], not {_toml(value)}'
    if kind in {"dict_type", "model_type"}:
        if keys == ("keymap",):
            return f"{shown} must be a table of binding id = keys, not {_toml(value)}"
        return f"{shown} must be a table, not {_toml(value)}"
    message = error["msg"]  # plain English without pydantic's "[type=...]" suffix
    return f"{shown}: {message[:1].lower()}{message[1:]}"


def _env_name(setting: str) -> str | None:
    """The variable that set `setting`, matched as pydantic-settings does (any case, not empty)."""
    wanted = (ENV_PREFIX + setting).lower()
    for name, value in os.environ.items():
        if name.lower() == wanted and value:
            return name
    return None


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(keys: tuple[str, ...]) -> str:
    """The key path as it is written in TOML: `tabs.inbound.sort`, `keymap."main.accept"`."""
    return ".".join(k if _BARE_KEY.fullmatch(k) else _quote(k) for k in keys)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _toml(value: Any) -> str:
    """A value as TOML would show it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "an array of tables"
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "a table"
    return str(value)


# --- line numbers -------------------------------------------------------------------------------


def find_line(text: str, keys: tuple[str, ...]) -> int | None:
    """The line where `keys` is set, or else where its nearest enclosing key or table is.

    A best effort on the raw text (tomllib keeps no positions, tomlkit keeps them poorly): it
    follows `[table]` headers and `dotted.keys = ...`, and ignores comments and blank lines. A
    key inside an inline table or a multi-line value resolves to the line that opens it.
    """
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (matched depth, line)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            inner = line.lstrip("[")
            header = _split_key(inner[: _end_of_key(inner, "]")])
            if header is None:
                continue
            table, found = header, header
        else:
            end = _end_of_key(line, "=")
            if end >= len(line):
                continue  # not a `key = value` line (inside a multi-line array or string)
            relative = _split_key(line[:end])
            if relative is None:
                continue
            found = table + relative
        depth = _common_prefix(found, keys)
        if depth == len(keys) and len(found) == len(keys):
            return number
        if depth == len(found) and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _end_of_key(text: str, stop: str) -> int:
    """Where the key ends (the index of `stop` outside quotes), or len(text)."""
    quote = ""
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == stop:
            return i
    return len(text)


_KEY_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*(\.?)')


def _split_key(text: str) -> tuple[str, ...] | None:
    """`a."b.c".d` → ("a", "b.c", "d"); None when it is not a key."""
    parts: list[str] = []
    position = 0
    while True:
        match = _KEY_PART.match(text, position)
        if match is None:
            return None
        part = match.group(1)
        if part[0] == '"':
            part = part[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif part[0] == "'":
            part = part[1:-1]
        parts.append(part)
        position = match.end()
        if not match.group(2):
            return tuple(parts) if position == len(text) else None


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    depth = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        depth += 1
    return depth
