"""Service fixtures: a migrated database with the factories' cast, built once per session for
SQLite (the file is copied per test) and per test in a fresh schema for PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from cosell_tui.domain.clock import parse_instant
from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Base
from tests import factories as f
from tests.service.realdb import Opener, open_real


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cosell.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    f.reference(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def svc(db_url: str, template_db: Path) -> Iterator[Service]:
    """The service as ava (Fabrikam admin, entire company) at NOW."""
    if db_url.startswith("sqlite"):
        shutil.copy(template_db, Path(db_url.removeprefix("sqlite:///")))
    else:
        engine = make_engine(db_url)
        upgrade(engine)
        f.reference(engine)
        engine.dispose()
    service = open_service(db_url, user="ava", now=f.NOW, rules=default_rulebook())
    yield service
    service.close()


def advance(svc: Service, **delta: float) -> None:
    """Move the shared fixed clock forward."""
    svc.clock.set(svc.clock.now() + timedelta(**delta))


def reset_clock(svc: Service) -> None:
    svc.clock.set(parse_instant(f.NOW))


def engine_of(svc: Service) -> Engine:
    return svc._ctx.shared.engine


def dump(svc: Service) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order: equal dumps = an unchanged database."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine_of(svc).connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


def scalar(svc: Service, sql: str, **params: object) -> object:
    with engine_of(svc).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def rows(svc: Service, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine_of(svc).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


@pytest.fixture
def real(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Opener]:
    """A freshly set-up real database, and `open_as(login, user=..., now=...)`: the service as
    the operating-system user `login` (no demo marker: the real rules apply)."""
    yield from open_real(db_url, monkeypatch)
