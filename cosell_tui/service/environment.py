"""A database that cannot be used, said in words: the one place that turns what SQLAlchemy, Alembic
and the drivers raise about the environment (a missing folder, a file that is not a database, a
lock, a full disk, a server that does not answer, a schema from a newer cosell) into the
service's refusals, with a sentence that names the database and what to do.

The service's unit of work raises these for every call, so the CLI and the TUI report them the
same way; the CLI also asks here about failures before a service exists (opening). SQL and
driver texts never reach a user. Nothing here imports SQLAlchemy or a driver: their exceptions
are recognised by the names of their classes, so a command that never opened a database pays
nothing. A unique key violated is a race lost: two sessions checked that a login, an ID or a
PartnerID was free and both added it; the second is told as a conflict (exit 3), and trying
again gets the use case's own sentence ("The login ben is taken."). Anything else not
recognised (wrong SQL, another constraint) is a bug and stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cosell_tui.service.errors import ConflictError, CosellError, SetupError

DEBUG_ENV = "COSELL_DEBUG"

#: (sentence, is_conflict): a lock or a busy server is a conflict (exit 3), the rest exit 1.
Problem = tuple[str, bool]


def _class_names(exc: BaseException) -> set[str]:
    """`module.Class` of the exception's class and every base (for matching without imports)."""
    return {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}


def _from_a_database(exc: BaseException) -> bool:
    """Raised by SQLAlchemy, Alembic or a database driver (sqlite3, psycopg)."""
    modules = {name.split(".", 1)[0] for name in _class_names(exc)}
    modules |= {name.split(".", 1)[0] for name in _class_names(_driver_error(exc))}
    return bool(modules & {"sqlalchemy", "alembic", "sqlite3", "psycopg"}) or (
        "cosell_tui.store.migrate.NewerSchemaError" in _class_names(exc)
    )


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


def database_problem(exc: BaseException, database: str, sqlite_path: str | None) -> Problem | None:
    """A sentence and an exit code for a database that cannot be used; None for anything else
    (a bug in cosell, such as wrong SQL, stays an internal error).

    `database` names the database for the user (a path, or a URL without its password);
    `sqlite_path` is the SQLite file, when it is one.
    """
    names = _class_names(exc)
    if "cosell_tui.store.migrate.NewerSchemaError" in names:
        return (
            f"the database {database} is at schema {getattr(exc, 'revision', '?')}, made by a "
            f"newer cosell (this one knows schemas up to {getattr(exc, 'head', '?')}); nothing "
            "was changed; use that newer cosell, or another database",
            False,
        )
    if names & {"sqlalchemy.exc.NoSuchModuleError", "sqlalchemy.exc.ArgumentError"}:
        return (
            f"{database} is not a database cosell can open; give a SQLite file path or a "
            "postgresql:// URL (--db, COSELL_DB or the config's db)",
            False,
        )
    if "alembic.util.exc.CommandError" in names:
        return (
            f"the database {database} has a schema this cosell does not know (was it made by a "
            "newer cosell?); use that version, or another database",
            False,
        )
    if "sqlalchemy.exc.TimeoutError" in names:
        return (f"the database {database} is busy; try again in a moment", True)
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
            False,
        )
    return None


def _sqlite_problem(code: str, database: str, path: str | None) -> Problem | None:
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the database {database} is locked by another program (or another cosell); "
            "nothing was changed; try again in a moment",
            True,
        )
    if code.startswith("SQLITE_CANTOPEN"):
        why = _sqlite_folder_problem(path or "")
        return (
            f"cannot open the database {database}"
            + (f": {why}" if why else "; check the path and that you may write to its folder"),
            False,
        )
    if code.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return (
            f"cannot write to the database {database}: the file or its folder is read-only for you",
            False,
        )
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return (f"{database} is not a cosell database, or it is damaged", False)
    if code.startswith("SQLITE_FULL"):
        return (f"the disk that holds the database {database} is full", False)
    if code.startswith(("SQLITE_IOERR", "SQLITE_NOLFS", "SQLITE_PROTOCOL")):
        return (f"cannot read or write the database {database} (a disk error)", False)
    if code in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return (SAME_MOMENT, True)
    return None  # SQLITE_ERROR (wrong SQL), other constraints, ...: a bug of ours


#: A unique key another session took between this one's check and its write.
SAME_MOMENT = (
    "someone else added the same thing at the same moment (a login, an ID or a PartnerID that "
    "must be unique); nothing was changed; look again and try again"
)


#: PostgreSQL SQLSTATE classes and codes that say something about the environment.
_PG_CONFLICT = {"40001", "40P01", "55P03", "55006"}  # serialization, deadlock, lock, in use


def _postgres_problem(sqlstate: str | None, database: str) -> Problem | None:
    if sqlstate is None or sqlstate.startswith("08"):
        return (
            f"cannot connect to the database {database}: check that the server runs and that "
            "the host, port and database name are right",
            False,
        )
    if sqlstate == "23505":  # unique_violation
        return (SAME_MOMENT, True)
    if sqlstate in _PG_CONFLICT:
        return (
            f"the database {database} is busy with another change; nothing was changed; "
            "try again in a moment",
            True,
        )
    if sqlstate.startswith("28"):
        return (f"the database server refused the login to {database}", False)
    if sqlstate == "3D000":
        return (f"the database {database} does not exist on its server", False)
    if sqlstate.startswith("42501"):
        return (f"you may not read or change the database {database}", False)
    if sqlstate.startswith("53"):
        return (f"the database server of {database} is out of resources", False)
    if sqlstate.startswith("57"):
        return (f"the database server of {database} is shutting down or restarting", False)
    return None


def refusal(
    exc: BaseException, database: Callable[[], tuple[str, str | None]]
) -> CosellError | None:
    """`exc` as the service's refusal (SetupError, or ConflictError for a lock) when it says the
    database cannot be used; None for anything else. `database()` names the database for the
    user and gives its SQLite file, if it is one; it is asked only when the database failed."""
    if isinstance(exc, CosellError) or not _from_a_database(exc):
        return None
    problem = database_problem(exc, *database())
    if problem is None:
        return None
    sentence, conflict = problem
    return ConflictError(sentence) if conflict else SetupError(sentence)
