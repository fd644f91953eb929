"""`cosell db check` and `cosell db backup`: a database's health, and a safe copy of it.

Like init and seed (admin.py) they act on a whole database, not as a user, so they take a URL.
Neither changes anything but `repair` (the kept counts and the search index, rebuilt from the
deals) and the new backup file.
"""

from __future__ import annotations

from pathlib import Path

from cosell_tui.service.admin import open_engine, shown_url
from cosell_tui.service.errors import RuleRefusal, SetupError
from cosell_tui.store import health
from cosell_tui.store.db import is_postgresql, resolve_url
from cosell_tui.store.health import Finding

__all__ = ["Finding", "backup_database", "check_database", "repair_database"]


def _sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _must_exist(url: str) -> None:
    """A check or a backup of a file that is not there would create an empty one: refuse."""
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise SetupError(f"there is no database at {path}; `cosell init` creates one")


def check_database(url: str) -> list[Finding]:
    """Every check of `cosell db check` (reads only)."""
    url = resolve_url(url)
    _must_exist(url)
    engine = open_engine(url)
    try:
        return health.check(engine)
    finally:
        engine.dispose()


def repair_database(url: str) -> None:
    """Rebuild the tab counts and the search index from the deals (one transaction)."""
    url = resolve_url(url)
    _must_exist(url)
    engine = open_engine(url)
    try:
        health.repair(engine)
    finally:
        engine.dispose()


def backup_database(url: str, target: str) -> int:
    """Copy a SQLite database to `target` while others may go on working; its size in bytes.
    PostgreSQL: a refusal that explains pg_dump."""
    url = resolve_url(url)
    if is_postgresql(url):
        shown = shown_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
        raise RuleRefusal(
            f"cosell db backup copies SQLite files; for the PostgreSQL database {shown} "
            "use the server's own tool, which is also safe while others work: "
            "pg_dump --format=custom --file FILE URL (restore with pg_restore)"
        )
    source = _sqlite_file(url)
    if source is None:
        raise RuleRefusal(f"{shown_url(url)} cannot be backed up by cosell")
    _must_exist(url)
    path = Path(target).expanduser()
    if path.exists():
        raise RuleRefusal(f"{path} already exists; cosell db backup never overwrites a file")
    if not path.parent.is_dir():
        raise SetupError(f"cannot write the backup {path}: its folder {path.parent} does not exist")
    if path.resolve() == source.resolve():
        raise RuleRefusal("the backup must be another file than the database")
    return health.backup_sqlite(str(source), path)
