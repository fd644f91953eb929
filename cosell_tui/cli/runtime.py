"""What every command runs with: the global options in force, its output, and the service.

The service (SQLAlchemy, the rules) is opened on first use and the config file read only when
a flag and the environment leave a setting open, so a command that needs neither pays for
neither.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from cosell_tui.cli.errors import DEBUG_ENV, CliError
from cosell_tui.cli.output import Output

if TYPE_CHECKING:
    from cosell_tui.config import Config
    from cosell_tui.service import Service


def _say_on_stderr(message: str) -> None:
    """Progress that must not mix with a command's output (which may be --json)."""
    print(message, file=sys.stderr, flush=True)


#: The environment variables cosell reads as text.
TEXT_VARIABLES = ("COSELL_USER", "COSELL_DB", "COSELL_NOW", "COSELL_LOCALE", "COSELL_CONFIG_FILE")


def not_utf8(text: str) -> bool:
    """Text that came from bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_environment() -> None:
    """CliError for an environment variable that is not UTF-8 text, or a COSELL_LOCALE that
    babel does not know (it would fail the first amount written, deep in a command)."""
    for name in TEXT_VARIABLES:
        if not_utf8(os.environ.get(name, "")):
            raise CliError(f"environment variable {name} is not valid UTF-8 text")
    wanted = os.environ.get("COSELL_LOCALE")
    if wanted:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(wanted)
        except (UnknownLocaleError, ValueError, TypeError):
            raise CliError(
                f"COSELL_LOCALE: {wanted!r} is not a locale cosell knows (e.g. en_US, de_DE, fr_FR)"
            ) from None


class Runtime:
    """The global options (`--db`, `--user`, `--now`, `--no-mouse`), given before or after the
    subcommand (the innermost wins), and what they open."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.db: str | None = None
        self.user: str | None = None
        self.now: str | None = None
        #: --mouse (True) or --no-mouse (False); None when neither was given.
        self.mouse_flag: bool | None = None
        self._config: Config | None = None
        self._service: Service | None = None

    def config(self) -> Config:
        if self._config is None:
            from cosell_tui.config import load_config

            self._config = load_config()
        return self._config

    def check_clock(self) -> None:
        """Validate --now / COSELL_NOW (and the environment's other settings) up front, so a
        typo is exit 1, not a crash later."""
        from cosell_tui.domain.clock import (
            EARLIEST_YEAR,
            LATEST_YEAR,
            InstantOutOfRange,
            parse_instant,
        )

        check_environment()
        for source, text in (("--now", self.now), ("COSELL_NOW", os.environ.get("COSELL_NOW"))):
            if text:
                try:
                    parse_instant(text)
                except InstantOutOfRange:
                    raise CliError(
                        f"{source}: {text!r} is outside the years {EARLIEST_YEAR} to "
                        f"{LATEST_YEAR} that cosell's time rules work in"
                    ) from None
                except ValueError:
                    raise CliError(
                        f"{source}: {text!r} is not an ISO-8601 instant (e.g. 2025-06-01T09:00:00Z)"
                    ) from None
                return

    def db_url(self) -> str:
        """--db, else COSELL_DB, else the config file's `db`, else the default SQLite file."""
        from cosell_tui.service.admin import resolve_db_url

        explicit = self.db or os.environ.get("COSELL_DB") or self.config().db
        return resolve_db_url(explicit)

    def database(self) -> tuple[str, str | None]:
        """The database for messages (a path, or the URL as given, without its password) and
        its SQLite file when it is one."""
        explicit = self.db or os.environ.get("COSELL_DB")
        try:
            url = self.db_url()
            explicit = explicit or self.config().db
        except Exception:  # a broken config: say what we know
            return (explicit or "in use", None)
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            return (path, path)
        try:
            from cosell_tui.service.admin import shown_url

            return (shown_url(explicit or url), None)
        except Exception:  # not even a URL: the message says so, without repeating it
            return ("given", None)

    def mouse(self) -> bool:
        """--mouse/--no-mouse win; else the config's `mouse` (COSELL_MOUSE first); else on,
        except over SSH, where reporting every mouse motion costs bytes on each move."""
        if self.mouse_flag is not None:
            return self.mouse_flag
        setting = self.config().mouse
        if setting is not None:
            return setting
        return not over_ssh()

    def service(self, on_upgrade: Callable[[str], None] = _say_on_stderr) -> Service:
        """The service for --db/--user/--now (environment and config as fallback), opened once;
        `on_upgrade` hears an upgrade's progress and a wait for another process's (stderr, but
        the TUI shows it on its own screen)."""
        if self._service is None:
            from cosell_tui.service import open_service

            user = self.user or os.environ.get("COSELL_USER") or self.config().user
            self._service = open_service(
                db=self.db_url(), user=user, now=self.now, on_upgrade=on_upgrade
            )
        return self._service

    def close(self) -> None:
        if self._service is not None:
            service, self._service = self._service, None
            service.close()

    def close_or_warn(self) -> None:
        """`close()` as a command ends: a failure to close is one line, never a crash that
        turns success into failure (with COSELL_DEBUG=1, raised for its traceback)."""
        try:
            self.close()
        except Exception:
            if os.environ.get(DEBUG_ENV):
                raise
            self.output.warn(f"could not close the database cleanly (set {DEBUG_ENV}=1 for why)")


def over_ssh() -> bool:
    """Is this session a remote login? (sshd sets SSH_CONNECTION, and SSH_TTY with a terminal.)"""
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
