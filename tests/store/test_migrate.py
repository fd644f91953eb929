"""Migrations build exactly the models' schema, on every backend, and re-running is a no-op."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from cosell_tui.demo.seed import seed
from cosell_tui.store import search
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import (
    current_revision,
    downgrade,
    head_revision,
    include_object,
    scripts_head,
    upgrade,
)
from cosell_tui.store.models import Base


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(ctx, Base.metadata)


#: SQLite's insights indexes and the accounts' order index are on an expression, which
#: SQLAlchemy's reflection skips with a warning (store/insights.py SQLITE_INDEXES, migration
#: 0015_account_order; migrate.py leaves them out of the comparison).
EXPRESSION_INDEXES = (
    "ignore:Skipped unsupported reflection of expression-based index ix_(insights|account_order)_"
)


@pytest.mark.filterwarnings(EXPRESSION_INDEXES)
def test_migrations_match_models(db_url: str) -> None:
    engine = make_engine(db_url)
    assert len(_diff(engine)) >= len(Base.metadata.tables)  # the comparison does see tables
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_the_head_constant_is_alembics_head() -> None:
    """Opening a current database reads HEAD instead of Alembic's script directory."""
    assert head_revision() == scripts_head()


def test_a_current_database_is_opened_without_alembic(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'current.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    probe = (
        "import sys\n"
        "from cosell_tui.store.db import make_engine\n"
        "from cosell_tui.store.migrate import upgrade\n"
        f"upgrade(make_engine({url!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM grid_version WHERE id = 1")).scalar() == 0
    assert "referral" in inspect(engine).get_table_names()
    engine.dispose()


def test_search_artifacts_exist(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
            assert {"referral_fts", "referral_fts_ai", "grid_version_referral_update"} <= names
            fts = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'referral_fts'"))
            assert "prefix='1 2'" in fts.scalar_one()  # revision 0005: short words probe cheaply
        else:
            idx = conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_referral_search'"
                    " AND schemaname = current_schema()"  # other tests' schemas come and go
                )
            ).scalar()
            assert idx is not None and "gin" in idx
    engine.dispose()


def test_pg_document_matches_migration() -> None:
    """The grid's search expression must be the indexed one, or PostgreSQL scans."""
    assert "to_tsvector('simple'::regconfig" in search.PG_DOCUMENT


@pytest.mark.filterwarnings(EXPRESSION_INDEXES)
def test_a_seeded_database_upgrades_and_still_finds_its_words(tmp_path) -> None:
    """0005 rebuilds the FTS5 table of a filled database (SQLite) and drops old indexes."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine)
    seed(engine, 300, 7, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    downgrade(engine, "0004")  # a filled database as cosell 0004 left it
    query = "SELECT count(*) FROM referral_fts WHERE referral_fts MATCH :m"
    with engine.connect() as conn:
        fts = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'referral_fts'"))
        assert "prefix" not in fts.scalar_one()
        before = {m: conn.execute(text(query), {"m": m}).scalar() for m in ('"e" *', '"co" *')}
    upgrade(engine)
    with engine.connect() as conn:
        after = {m: conn.execute(text(query), {"m": m}).scalar() for m in ('"e" *', '"co" *')}
        indexes = {i["name"] for i in inspect(conn).get_indexes("referral")}
        conn.execute(text("UPDATE referral SET name = 'Zyxwv renewal' WHERE id = 1"))
        found = conn.execute(text(query), {"m": '"zyxwv" *'}).scalar()
    assert after == before and all(after.values())
    assert found == 1  # the triggers came back with the table
    assert not indexes & {"ix_referral_grid_expiry", "ix_referral_grid_created"}
    engine.dispose()


def test_a_second_process_waits_for_the_upgrade_and_says_so(db_url: str) -> None:
    """Another connection holds the upgrade lock (SQLite's write lock, PostgreSQL's advisory
    lock) for a moment: `upgrade` tells why it waits, then finds nothing left to do."""
    import threading
    import time

    from cosell_tui.store.migrate import PG_LOCK_KEY, WAITING

    engine = make_engine(db_url)
    holder = make_engine(db_url)
    said: list[str] = []
    with holder.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.connection.dbapi_connection.isolation_level = None  # type: ignore[union-attr]  # a live pool connection has its DBAPI one
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")

        def release() -> None:
            time.sleep(1.0)
            conn.exec_driver_sql("COMMIT") if conn.dialect.name == "sqlite" else conn.commit()

        threading.Thread(target=release).start()
        upgrade(engine, say=said.append)
    assert said[0] == WAITING
    assert current_revision(engine) == head_revision()
    engine.dispose()
    holder.dispose()


def test_a_newer_schema_is_refused_before_anything_is_touched(db_url: str) -> None:
    import pytest

    from cosell_tui.store.migrate import NewerSchemaError

    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(NewerSchemaError) as err:
        upgrade(engine)
    assert (err.value.revision, err.value.head) == ("0099", head_revision())
    assert current_revision(engine) == "0099"
    engine.dispose()
