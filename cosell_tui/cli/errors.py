"""Exit codes, and every expected failure turned into `cosell: ` sentences and one of them.

`report()` is the one place that knows what can go wrong outside a bug: bad input caught by the
command (CliError, DocumentError), a broken config file, a broken rule file, a refusal of the
service (CosellError and its kinds), and the environment: a database that cannot be opened,
is locked, is not a database, is full, or was made by a newer cosell. The driver's and
SQLAlchemy's own texts (SQL, error codes) never reach the user; what they mean does.

Nothing here imports the service, SQLAlchemy or a driver: an exception of theirs is recognised
by the names of its classes, and a module that is not loaded cannot have raised anything, so
reporting costs nothing on the fast path (`cosell --help`, a usage error, bad input).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cosell_tui.cli.output import Output

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3
EXIT_NOT_FOUND = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

DEBUG_ENV = "COSELL_DEBUG"


class CliError(Exception):
    """Bad input caught by the command itself (a date, an enum, a file): exit 1, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class DocumentError(ValueError):
    """A JSON document the CLI cannot use; each problem names its JSON path and says why."""

    def __init__(self, message: str, more: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.more = tuple(more)


# --- reporting --------------------------------------------------------------------------------


def _loaded(module: str, name: str) -> Any:
    """A class of a module if that module is loaded, else None: an exception of a module that
    was never imported cannot be the one at hand, so there is no need to import it."""
    found = sys.modules.get(module)
    return getattr(found, name, None) if found is not None else None


def _is(exc: BaseException, cls: Any) -> bool:
    return isinstance(cls, type) and isinstance(exc, cls)


def report(
    exc: BaseException, output: Output, database: Callable[[], tuple[str, str | None]]
) -> int:
    """Print an expected failure as `cosell: ` lines and return its exit code; re-raise
    anything else (a bug), for the caller to report as an internal error.

    `database()` names the database in use for the user, and gives its SQLite file if it is
    one; it is asked only when the database is what failed.
    """
    if isinstance(exc, CliError):
        output.warn(exc.message)
        return exc.exit_code
    if isinstance(exc, DocumentError):
        output.warn(exc.message)
        for line in exc.more:
            output.warn(f"  {line}")
        return EXIT_REFUSED
    if _is(exc, _loaded("cosell_tui.config_values", "ConfigError")):
        output.warn(str(getattr(exc, "message", exc)))
        return int(getattr(exc, "exit_code", EXIT_REFUSED))
    if _is(exc, _loaded("cosell_tui.rules.errors", "RuleFileError")):
        output.warn(f"broken rule file: {exc}")
        return EXIT_REFUSED
    if _is(exc, _loaded("cosell_tui.service.errors", "CosellError")):
        message: str = getattr(exc, "message", str(exc))
        output.warn(message)
        fields: dict[str, str] = getattr(exc, "fields", {})
        for name, text in fields.items():
            if text and text not in message:
                output.warn(f"  {name}: {text}")
        return int(getattr(exc, "exit_code", EXIT_REFUSED))
    from cosell_tui.service.environment import refusal  # no SQLAlchemy: it matches by name

    problem = refusal(exc, database)
    if problem is not None:
        output.warn(problem.message)
        return problem.exit_code
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        output.warn(f"{exc.filename}: {exc.strerror.lower()}")
        return EXIT_REFUSED
    raise exc


#: The most of an internal error's own text that is shown (the rest is in the traceback).
INTERNAL_TEXT_MAX = 160


def internal_summary(exc: BaseException) -> str:
    """An exception in one short line: its class and the first line of what it says (for a
    database error, the driver's words without the SQL SQLAlchemy appends)."""
    said = getattr(exc, "orig", None)
    text = str(said if isinstance(said, BaseException) else exc)
    first = text.strip().splitlines()[0] if text.strip() else ""
    if len(first) > INTERNAL_TEXT_MAX:
        first = first[: INTERNAL_TEXT_MAX - 1] + "…"
    return f"{type(exc).__name__}: {first}".rstrip(": ")


def report_internal(exc: BaseException, output: Output) -> int:
    """A bug: one line (set COSELL_DEBUG=1 for the traceback) and exit 70."""
    output.warn(f"internal error: {internal_summary(exc)} (set {DEBUG_ENV}=1 for the traceback)")
    return EXIT_INTERNAL


def exit_code_for(
    exc: Exception, output: Output, database: Callable[[], tuple[str, str | None]]
) -> int:
    """What `cosell` says of an exception that reached it, and its exit code: `report()` for
    an expected failure, else an internal error (with COSELL_DEBUG=1, raised for its traceback).
    Both ways into a command (click's and the TUI's, cli/entry.py) end here."""
    try:
        return report(exc, output, database)
    except Exception:
        if os.environ.get(DEBUG_ENV):
            raise
        return report_internal(exc, output)
