"""Shared fixtures: a fresh database per test, on SQLite and (with COSELL_TEST_PG_URL) PostgreSQL.

Each PostgreSQL test gets its own schema through `search_path`, so tests can run in parallel
against one server and leave nothing behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("COSELL_TEST_PG_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _pg_driver_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(autouse=True)
def _host_independent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Money is written in `COSELL_LOCALE`; tests and snapshots must not follow the host's."""
    monkeypatch.delenv("COSELL_LOCALE", raising=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL to an empty database; parametrised over every available backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = _pg_driver_url(PG_URL or "")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite-only database, for tests that are about SQLite itself or the UI."""
    return f"sqlite:///{tmp_path / 'test.db'}"
