"""What every command runs with: the global options in force, its output, and the service.

The service (SQLAlchemy, the rules) is opened on first use and the config file read only when
a flag and the environment leave a setting open, so a command that needs neither pays for
neither.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from cosell_tui.cli.errors import CliError
from cosell_tui.cli.output import Output

if TYPE_CHECKING:
    from cosell_tui.config import Config
    from cosell_tui.service import Service


def _say_on_stderr(message: str) -> None:
    """Progress that must not mix with a command's output (which may be --json)."""
    print(message, file=sys.stderr, flush=True)


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
        """Validate --now / COSELL_NOW up front, so a typo is exit 1, not a crash later."""
        from cosell_tui.domain.clock import parse_instant

        for source, text in (("--now", self.now), ("COSELL_NOW", os.environ.get("COSELL_NOW"))):
            if text:
                try:
                    parse_instant(text)
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

    def service(self) -> Service:
        """The service for --db/--user/--now (environment and config as fallback), opened once."""
        if self._service is None:
            from cosell_tui.service import open_service

            user = self.user or os.environ.get("COSELL_USER") or self.config().user
            self._service = open_service(
                db=self.db_url(), user=user, now=self.now, on_upgrade=_say_on_stderr
            )
        return self._service

    def close(self) -> None:
        if self._service is not None:
            service, self._service = self._service, None
            service.close()


def over_ssh() -> bool:
    """Is this session a remote login? (sshd sets SSH_CONNECTION, and SSH_TTY with a terminal.)"""
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
