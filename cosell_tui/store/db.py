"""Engine and session set-up: SQLite by default (WAL, foreign keys, busy timeout), or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "cosell"


def default_db_path() -> Path:
    """The SQLite file in the user's data directory."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "cosell.db"


def resolve_url(explicit: str | None = None) -> str:
    """`--db` wins over `COSELL_DB`; neither means the default SQLite file.

    A bare path is taken as a SQLite file.
    """
    url = explicit or os.environ.get("COSELL_DB")
    if not url:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship.
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_postgresql(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create the engine for a URL (see `resolve_url`)."""
    resolved = resolve_url(url)
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if ":memory:" not in resolved and resolved != "sqlite://":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    return create_engine(resolved, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker  # the ORM only for those who ask for sessions

    return sessionmaker(engine, expire_on_commit=False)


#: Execution option that marks a connection as a writer (see `writer_engine`).
WRITE_OPTION = "cosell_write"


def writer_engine(engine: Engine) -> Engine:
    """The engine for write transactions.

    On SQLite, SQLAlchemy then emits BEGIN itself, IMMEDIATE for writer connections, so a write
    transaction holds SQLite's write lock from its first read: two writers queue on the busy
    timeout instead of one failing half-way with an upgrade deadlock. Readers stay deferred.
    PostgreSQL needs nothing: the version column catches concurrent updates.
    """
    if engine.dialect.name == "sqlite":
        engine.dispose()  # connections made before the hooks keep pysqlite's own BEGIN

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            writer = conn.get_execution_options().get(WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine.execution_options(**{WRITE_OPTION: True})


def insert_or_ignore(dialect: str, table: Any) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for `table` (a model or Table) on SQLite or
    PostgreSQL: a row that is already there (perhaps written a moment ago by another session)
    is left alone instead of failing the transaction with a unique violation."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()
