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

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
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


# --- the environment: databases and their drivers ---------------------------------------------


def _class_names(exc: BaseException) -> set[str]:
    """`module.Class` of the exception's class and every base (for matching without imports)."""
    return {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}


def _from_a_database(exc: BaseException) -> bool:
    """Raised by SQLAlchemy, Alembic or a database driver (sqlite3, psycopg)."""
    modules = {name.split(".", 1)[0] for name in _class_names(exc)}
    modules |= {name.split(".", 1)[0] for name in _class_names(_driver_error(exc))}
    return bool(modules & {"sqlalchemy", "alembic", "sqlite3", "psycopg"})


def _driver_error(exc: BaseException) -> BaseException:
    """The DBAPI error SQLAlchemy wraps (`.orig`), else the exception itself."""
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def _sqlite_folder_problem(path: str) -> str | None:
    """Why a SQLite file cannot be opened, when its folder explains it."""
    if not path or path == ":memory:":
        return None
    folder = Path(path).expanduser().parent
    if not folder.exists():
        return f"its folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if Path(path).is_dir():
        return "it is a folder, not a file"
    return None


def database_problem(
    exc: BaseException, database: str, sqlite_path: str | None
) -> tuple[str, int] | None:
    """A sentence and an exit code for a database that cannot be used; None for anything else
    (a bug in cosell, such as wrong SQL, stays an internal error).

    `database` names the database for the user (a path, or a URL without its password);
    `sqlite_path` is the SQLite file, when it is one.
    """
    names = _class_names(exc)
    if names & {"sqlalchemy.exc.NoSuchModuleError", "sqlalchemy.exc.ArgumentError"}:
        return (
            f"{database} is not a database cosell can open; give a SQLite file path or a "
            "postgresql:// URL (--db, COSELL_DB or the config's db)",
            EXIT_REFUSED,
        )
    if "alembic.util.exc.CommandError" in names:
        return (
            f"the database {database} has a schema this cosell does not know (was it made by a "
            "newer cosell?); use that version, or another database",
            EXIT_REFUSED,
        )
    if "sqlalchemy.exc.TimeoutError" in names:
        return (f"the database {database} is busy; try again in a moment", EXIT_CONFLICT)
    driver = _driver_error(exc)
    driver_names = _class_names(driver)
    sqlite_code = getattr(driver, "sqlite_errorname", None)
    if "sqlite3.Error" in driver_names and isinstance(sqlite_code, str):
        return _sqlite_problem(sqlite_code, database, sqlite_path)
    if "psycopg.Error" in driver_names:
        return _postgres_problem(getattr(driver, "sqlstate", None), database)
    if names & {"sqlalchemy.exc.OperationalError", "sqlalchemy.exc.InterfaceError"}:
        return (
            f"the database {database} could not be used (the connection failed); "
            f"set {DEBUG_ENV}=1 to see the details",
            EXIT_REFUSED,
        )
    return None


def _sqlite_problem(code: str, database: str, path: str | None) -> tuple[str, int] | None:
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the database {database} is locked by another program (or another cosell); "
            "nothing was changed; try again in a moment",
            EXIT_CONFLICT,
        )
    if code.startswith("SQLITE_CANTOPEN"):
        why = _sqlite_folder_problem(path or "")
        return (
            f"cannot open the database {database}"
            + (f": {why}" if why else "; check the path and that you may write to its folder"),
            EXIT_REFUSED,
        )
    if code.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return (
            f"cannot write to the database {database}: the file or its folder is read-only for you",
            EXIT_REFUSED,
        )
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return (f"{database} is not a cosell database, or it is damaged", EXIT_REFUSED)
    if code.startswith("SQLITE_FULL"):
        return (f"the disk that holds the database {database} is full", EXIT_REFUSED)
    if code.startswith(("SQLITE_IOERR", "SQLITE_NOLFS", "SQLITE_PROTOCOL")):
        return (f"cannot read or write the database {database} (a disk error)", EXIT_REFUSED)
    return None  # SQLITE_ERROR (wrong SQL), SQLITE_CONSTRAINT, ...: a bug of ours


#: PostgreSQL SQLSTATE classes and codes that say something about the environment.
_PG_CONFLICT = {"40001", "40P01", "55P03", "55006"}  # serialization, deadlock, lock, in use


def _postgres_problem(sqlstate: str | None, database: str) -> tuple[str, int] | None:
    if sqlstate is None or sqlstate.startswith("08"):
        return (
            f"cannot connect to the database {database}: check that the server runs and that "
            "the host, port and database name are right",
            EXIT_REFUSED,
        )
    if sqlstate in _PG_CONFLICT:
        return (
            f"the database {database} is busy with another change; nothing was changed; "
            "try again in a moment",
            EXIT_CONFLICT,
        )
    if sqlstate.startswith("28"):
        return (f"the database server refused the login to {database}", EXIT_REFUSED)
    if sqlstate == "3D000":
        return (f"the database {database} does not exist on its server", EXIT_REFUSED)
    if sqlstate.startswith("42501"):
        return (f"you may not read or change the database {database}", EXIT_REFUSED)
    if sqlstate.startswith("53"):
        return (f"the database server of {database} is out of resources", EXIT_REFUSED)
    if sqlstate.startswith("57"):
        return (f"the database server of {database} is shutting down or restarting", EXIT_REFUSED)
    return None


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
    problem = database_problem(exc, *database()) if _from_a_database(exc) else None
    if problem is not None:
        output.warn(problem[0])
        return problem[1]
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        output.warn(f"{exc.filename}: {exc.strerror.lower()}")
        return EXIT_REFUSED
    raise exc


def environment_refusal(
    exc: BaseException, database: Callable[[], tuple[str, str | None]]
) -> Exception | None:
    """A database that cannot be used, as the service's refusal (SetupError, or ConflictError
    for a lock) carrying our sentence: for callers that report refusals themselves (the TUI).
    None when `exc` is something else."""
    if not _from_a_database(exc):
        return None
    problem = database_problem(exc, *database())
    if problem is None:
        return None
    from cosell_tui.service.errors import ConflictError, SetupError

    sentence, code = problem
    return ConflictError(sentence) if code == EXIT_CONFLICT else SetupError(sentence)


def report_internal(exc: BaseException, output: Output) -> int:
    """A bug: one line (set COSELL_DEBUG=1 for the traceback) and exit 70."""
    output.warn(f"internal error: {type(exc).__name__}: {exc}".rstrip(": "))
    output.warn(f"set {DEBUG_ENV}=1 to see the traceback")
    return EXIT_INTERNAL
