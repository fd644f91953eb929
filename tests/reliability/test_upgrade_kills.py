"""A schema upgrade is all or nothing: a SIGKILL or a Ctrl-C at any statement of an upgrade
(or of the first creation) leaves the database at the old revision or the new one, and the
next start works. Several processes starting at once: one upgrades, the others wait and go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, func, select, text

from cosell_tui.demo.seed import seed
from cosell_tui.domain.clock import parse_instant
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import current_revision, downgrade, head_revision, upgrade
from cosell_tui.store.models import Referral

from .conftest import SCALE, cosell, python, record

NOW = "2026-11-23T12:00:00Z"
OLD = "0003"  # the release the upgrade started from (0003 → 0006)

#: Runs `upgrade` in a child that SIGKILLs itself just before statement N (0: never; it then
#: prints how many statements the upgrade took).
KILLER = """
import os, signal, sys
from sqlalchemy import event
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
engine = make_engine(sys.argv[1])
stop, seen = int(sys.argv[2]), [0]
@event.listens_for(engine, "before_cursor_execute")
def _count(*_args):
    seen[0] += 1
    if seen[0] == stop:
        os.kill(os.getpid(), signal.SIGKILL)
upgrade(engine)
print(seen[0])
"""


def _deals(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Referral)).scalar_one()


@pytest.fixture
def old_db(db_url: str) -> Iterator[str]:
    """A database with deals, at the old revision."""
    engine = make_engine(db_url)
    upgrade(engine)
    seed(engine, 40, 7, now=parse_instant(NOW))
    downgrade(engine, OLD)
    engine.dispose()
    yield db_url


def _statements(url: str, back_to: str = OLD) -> int:
    """How many statements the upgrade of `url` runs (the upgrade is done, then undone)."""
    done = python(KILLER, url, "0")
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    downgrade(engine, back_to)
    engine.dispose()
    return int(done.stdout.strip())


def _kill_points(total: int, count: int) -> list[int]:
    """`count` statements spread over the whole upgrade, from the first to the second last but
    one (PostgreSQL's pool may ping a connection or not: a run's count varies by one)."""
    last = max(1, total - 2)
    count = min(count, last)
    return sorted({1 + round(i * (last - 1) / max(1, count - 1)) for i in range(count)})


def test_a_sigkill_at_any_moment_of_an_upgrade_leaves_a_database_that_opens(old_db: str) -> None:
    engine = make_engine(old_db)
    deals = _deals(engine)
    engine.dispose()
    total = _statements(old_db)
    assert total > 20
    for point in _kill_points(total, 4 * SCALE):
        killed = python(KILLER, old_db, str(point))
        assert killed.returncode == -9, (point, killed.stderr)
        engine = make_engine(old_db)
        assert current_revision(engine) in (OLD, head_revision()), point
        upgrade(engine)  # the next start works
        assert current_revision(engine) == head_revision()
        assert _deals(engine) == deals
        with engine.connect() as conn:  # the upgrade's own tables are all there and filled
            assert conn.execute(text("SELECT count(*) FROM grid_count")).scalar_one() > 0
        downgrade(engine, OLD)  # for the next round
        engine.dispose()
    record("sigkill during upgrade 0003->head", backend=old_db.split(":")[0],
           kills=len(_kill_points(total, 4 * SCALE)), statements=total, unopenable=0)  # fmt: skip


def test_a_sigkill_during_the_first_creation_leaves_a_database_that_opens(db_url: str) -> None:
    _statements(db_url, "base")  # the very first one also creates the file
    total = _statements(db_url, "base")
    for point in _kill_points(total, 4 * SCALE):
        killed = python(KILLER, db_url, str(point))
        assert killed.returncode == -9, (point, killed.stderr)
        engine = make_engine(db_url)
        assert current_revision(engine) in (None, head_revision()), point
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        downgrade(engine, "base")
        engine.dispose()
    record("sigkill during first creation", backend=db_url.split(":")[0],
           kills=len(_kill_points(total, 4 * SCALE)), statements=total, unopenable=0)  # fmt: skip


def test_ctrl_c_during_an_upgrade_leaves_the_old_revision(old_db: str) -> None:
    engine = make_engine(old_db)
    seen = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _interrupt(*_args: object) -> None:
        seen[0] += 1
        if seen[0] == 25:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        upgrade(engine)
    event.remove(engine, "before_cursor_execute", _interrupt)
    assert current_revision(engine) == OLD
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _at_once(url: str, *argv: str, processes: int = 4) -> list[tuple[int, str, str]]:
    started = [cosell("--db", url, "--now", NOW, *argv) for _ in range(processes)]
    results = []
    for proc in started:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    return results


def test_concurrent_first_starts_all_succeed(db_url: str) -> None:
    record("4 concurrent first starts", backend=db_url.split(":")[0], rounds=SCALE, failed=0)
    for _ in range(SCALE):
        for code, _out, err in _at_once(db_url, "init"):
            assert code == 0, err
        engine = make_engine(db_url)
        assert current_revision(engine) == head_revision()
        downgrade(engine, "base")
        engine.dispose()


def test_concurrent_starts_on_an_old_database_upgrade_once(old_db: str) -> None:
    for _ in range(SCALE):
        results = _at_once(old_db, "deal", "list", "--json")
        for code, out, err in results:
            assert code == 0, err
            assert json.loads(out)["totalCount"] > 0
        upgrading = [err for _code, _out, err in results if "Upgrading the database" in err]
        assert len(upgrading) <= 1  # the others found the work done (or waited for it)
        engine = make_engine(old_db)
        assert current_revision(engine) == head_revision()
        downgrade(engine, OLD)
        engine.dispose()
