"""Shared fixtures: a fresh database per test, on SQLite and (with COSELL_TEST_PG_URL) PostgreSQL.

Each PostgreSQL test gets its own schema through `search_path`, so tests can run in parallel
against one server and leave nothing behind.
"""

from __future__ import annotations

import contextlib
import gc
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("COSELL_TEST_PG_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _pg_driver_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (the README's `pytest`): two workers per core. A Pilot test waits for the
    app to go idle, a reliability test for its child processes and a PostgreSQL test for the
    server, so one worker per core left the cores idle about half the time (measured: 695 s of
    CPU in 796 s on 2 cores)."""
    return 2 * (os.cpu_count() or 1)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """A worker's end is quick, and a signal cannot land inside hypothesis.

    Once a pytest-xdist worker has said it is finished, execnet gives it 5 s to exit, then
    sends it a SIGINT. pytest ends a session with five full garbage collections (for the
    unraisable exceptions of finalizers), 0.3 to 0.9 s each for a worker's heap on a loaded
    2-core machine; the KeyboardInterrupt then landed in the one Python function a collection
    runs, hypothesis's gc callback (it times collections for its deadlines), and was printed as
    an unraisable exception at the end of CI. So, before xdist says the worker is finished:
    one collection here (what its finalizers raise is still reported), then the survivors are
    frozen (pytest's collections have nothing left to walk), and hypothesis's callback, which no
    test needs any more, is removed (a late signal now ends the worker quietly, as execnet
    means it to)."""
    gc.collect()
    gc.freeze()
    gc.callbacks[:] = [
        callback
        for callback in gc.callbacks
        if not getattr(callback, "__module__", "").startswith("hypothesis.")
    ]


@pytest.fixture(autouse=True)
def _host_independent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Money is written in `COSELL_LOCALE`; tests and snapshots must not follow the host's."""
    monkeypatch.delenv("COSELL_LOCALE", raising=False)


@contextlib.contextmanager
def empty_database(backend: str, folder: Path) -> Iterator[str]:
    """A URL to a new empty database: a file in `folder` (SQLite) or a schema of its own on the
    test server (PostgreSQL), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    base = _pg_driver_url(PG_URL or "")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database; parametrised over every available backend."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like `db_url`, but one database per test module and backend: for modules whose tests
    only read what a fixture seeded once (seeding per test was most of their time)."""
    with empty_database(request.param, tmp_path_factory.mktemp("module-db")) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite-only database, for tests that are about SQLite itself or the UI."""
    return f"sqlite:///{tmp_path / 'test.db'}"
