"""Schema migrations applied on start: `upgrade(engine)` brings any database to the models.

The Alembic scripts ship inside the package (store/migrations), configured in code, so an
installed cosell needs no alembic.ini. Running it again is a no-op.

Opening a database that is already current must stay quick (every `cosell` command does it):
`current_revision` reads the `alembic_version` row with one query, `HEAD` names the newest
script (a test holds it to Alembic's own answer), and Alembic itself is imported only when the
schema is behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: The newest revision the package ships (store/migrations/versions/; tests/store/test_migrate.py
#: checks it against Alembic's script directory).
HEAD = "0016_insights4"

#: Objects the migrations create that the ORM models do not describe (full-text search, and
#: expression indexes, which SQLAlchemy's SQLite reflection skips).
_UNMODELLED_PREFIXES = (
    "referral_fts",
    "ix_referral_search",
    "ix_insights_",
    "insights_",
    "ix_account_order_",
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave search tables and indexes, which only the migrations know, out of autogenerate."""
    return not (name or "").startswith(_UNMODELLED_PREFIXES)


def alembic_config() -> Config:
    """An in-memory Alembic config pointing at the packaged scripts (the connection is handed
    over in `attributes`, so no URL is needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    return HEAD


def scripts_head() -> str:
    """The head as Alembic's script directory sees it (for the test that guards `HEAD`)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database): one query, no Alembic."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == HEAD


class NewerSchemaError(Exception):
    """The database is at a revision this cosell does not ship: a newer cosell made it.
    Nothing was changed; `revision` is the database's, `head` this cosell's newest."""

    def __init__(self, revision: str, head: str) -> None:
        super().__init__(f"database schema {revision} is newer than this cosell's {head}")
        self.revision = revision
        self.head = head


#: Called with a sentence for the user: waiting for another process, what an upgrade does.
Say = Callable[[str], None]

#: How long an upgrade waits for another process's upgrade (or a long write) to finish, in s.
LOCK_WAIT = 600.0
#: The first, quiet try for the lock (ms): longer than that and the user is told why we wait.
_QUIET_WAIT_MS = 200
WAITING = "Waiting for another cosell to finish upgrading the database…"

#: PostgreSQL advisory lock key of schema changes (env.py takes it too, for downgrades).
PG_LOCK_KEY = 736571


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _check_known(revision: str | None) -> None:
    """NewerSchemaError when `revision` is not one this cosell ships (checked before any
    change, so a database of a newer cosell is left exactly as it was)."""
    if revision is not None and revision != HEAD and revision not in _known_revisions():
        raise NewerSchemaError(revision, HEAD)


def upgrade(engine: Engine, revision: str = "head", say: Say | None = None) -> None:
    """Apply every pending migration, all or nothing; safe to call on every start (a database
    that is already at the head costs one query).

    The whole upgrade (or the first creation) is one transaction under the database's
    exclusive lock: SQLite's BEGIN EXCLUSIVE (its DDL is transactional), PostgreSQL's advisory
    lock. A kill or Ctrl-C at any moment leaves the old revision or the new one, never a mix;
    a second process starting at once waits for the first (`say` hears that it waits, and
    what the upgrade does step by step), then finds the work done. A database of a newer
    cosell raises NewerSchemaError before anything is touched.
    """
    at = current_revision(engine)
    if revision in ("head", HEAD) and at == HEAD:
        return
    _check_known(at)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _upgrade_sqlite(conn, revision, say)
        else:
            _upgrade_locked(conn, revision, say)


def _sqlite_begin_exclusive(conn: Connection, say: Say | None) -> None:
    """BEGIN EXCLUSIVE on a connection in driver autocommit; a short quiet try, then a long
    wait (told to the user) while another process holds the lock."""
    import sqlite3

    try:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={_QUIET_WAIT_MS}")
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
        return
    except Exception as exc:  # SQLAlchemy wraps sqlite3's error
        orig = getattr(exc, "orig", None)
        if not isinstance(orig, sqlite3.OperationalError) or "locked" not in str(orig):
            raise
    if say is not None:
        say(WAITING)
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(LOCK_WAIT * 1000)}")
    conn.exec_driver_sql("BEGIN EXCLUSIVE")


def _upgrade_sqlite(conn: Connection, revision: str, say: Say | None) -> None:
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    saved = dbapi.isolation_level
    dbapi.isolation_level = None  # we say BEGIN ourselves
    try:
        _sqlite_begin_exclusive(conn, say)
        try:
            _migrate_in_transaction(conn, revision, say)
        except BaseException:
            # A Ctrl-C inside the driver invalidates the connection: closing it rolls back.
            if not conn.invalidated:
                with contextlib.suppress(Exception):
                    conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")
    finally:
        conn.rollback()  # SQLAlchemy's own (empty) transaction
        if not conn.invalidated:
            conn.exec_driver_sql("PRAGMA busy_timeout=5000")
            conn.rollback()
            dbapi.isolation_level = saved


def _upgrade_locked(conn: Connection, revision: str, say: Say | None) -> None:
    """PostgreSQL: one transaction (its DDL is transactional) under the advisory lock."""
    with conn.begin():
        got = conn.execute(text(f"SELECT pg_try_advisory_xact_lock({PG_LOCK_KEY})")).scalar()
        if not got:
            if say is not None:
                say(WAITING)
            conn.execute(text(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})"))
        _migrate_in_transaction(conn, revision, say)


def _revision_of(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _migrate_in_transaction(conn: Connection, revision: str, say: Say | None) -> None:
    """Under the lock: look again (another process may have done it, or be newer), then run."""
    from alembic import command

    at = _revision_of(conn)
    if revision in ("head", HEAD) and at == HEAD:
        return
    _check_known(at)
    target = HEAD if revision == "head" else revision
    if say is not None and at is not None and at != target:
        say(
            f"Upgrading the database from schema {at} to {target}; on a large database "
            "this can take a minute…"
        )
    config = alembic_config()
    config.attributes["connection"] = conn
    if say is not None and at is not None:
        from alembic.script import ScriptDirectory

        steps = list(ScriptDirectory.from_config(config).iterate_revisions(target, at))
        config.attributes["on_step"] = say
        config.attributes["steps"] = len(steps)
    command.upgrade(config, revision)
    if revision in ("head", HEAD):
        # SQLite's expression indexes for insights are invisible to reflection, so a migration
        # that rebuilds the referral table (batch mode) drops them: put them back.
        from cosell_tui.store.insights import create_sqlite_indexes

        create_sqlite_indexes(conn)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (tests of upgrades on filled databases; operators
    undoing a release). Data in dropped columns is lost."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
