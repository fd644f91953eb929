"""Migrations build exactly the models' schema, on every backend, and re-running is a no-op."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from cosell_tui.store import search
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import current_revision, head_revision, include_object, upgrade
from cosell_tui.store.models import Base


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(ctx, Base.metadata)


def test_migrations_match_models(db_url: str) -> None:
    engine = make_engine(db_url)
    assert len(_diff(engine)) >= len(Base.metadata.tables)  # the comparison does see tables
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


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
        else:
            idx = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_referral_search'")
            ).scalar()
            assert idx is not None and "gin" in idx
    engine.dispose()


def test_pg_document_matches_migration() -> None:
    """The grid's search expression must be the indexed one, or PostgreSQL scans."""
    assert "to_tsvector('simple'::regconfig" in search.PG_DOCUMENT
