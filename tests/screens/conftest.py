"""Shared fixtures for every TUI test (main screen, deal screen, wizard, snapshots).

One deterministic demo database is seeded once per test session (120 deals, seed 7, a fixed
clock) into a template SQLite file; each test gets its own copy, so tests may change deals
freely and still start from the same state. Screens get a `Service` opened as a reference user
(ava, ben or cara) with the same fixed clock, and a config file of their own.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cosell_tui.domain.clock import parse_instant

if TYPE_CHECKING:
    from cosell_tui.service import Service

NOW = "2026-11-23T09:00:00Z"
DEALS = 120
SEED = 7
USERS = ("ava", "ben", "cara")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded template file (read-only by convention: tests use `demo_db`)."""
    from cosell_tui.demo.seed import seed
    from cosell_tui.store.db import make_engine
    from cosell_tui.store.migrate import upgrade

    path = tmp_path_factory.mktemp("demo") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        seed(engine, deals=DEALS, seed=SEED, now=parse_instant(NOW))
        with engine.connect() as conn:  # fold the WAL into the file so a plain copy is complete
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database for one test."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config file of this test's own (never the user's real one)."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(path))
    return path


@pytest.fixture
def open_demo(demo_db: Path, config_file: Path) -> Iterator[Callable[..., Service]]:
    """`open_demo(user="ava")` → a Service on this test's database; all closed at teardown."""
    from cosell_tui.service import open_service

    opened: list[Service] = []

    def _open(user: str = "ava") -> Service:
        service = open_service(db=str(demo_db), user=user, now=NOW)
        opened.append(service)
        return service

    yield _open
    for service in opened:
        service.close()


def _working(app) -> list:
    """The workers doing work, flows (screens/flows.py) aside: see `_flow_moving`."""
    return [worker for worker in app.workers if worker.group != "flow"]


def _flow_moving(app) -> bool:
    """A flow between two of its dialogs (one dismissed, the next not yet pushed) is moving;
    one waiting for the user's answer in a dialog (a modal on top) is not work. Never waited
    for as a worker: it ends only when the user answers."""
    from textual.screen import ModalScreen

    flows = [w for w in app.workers if w.group == "flow" and not w.is_finished]
    return bool(flows) and not isinstance(app.screen, ModalScreen)


def _pumps_idle(app) -> bool:
    """Every message pump of the open screens (the app, each screen, each widget) has an empty
    queue, no message peeked and kept, and no `call_next` or after-refresh callback waiting.

    Read from the pumps' own counters, without posting anything: Pilot's `pause` posts a
    callback to every widget of the screen and waits for each (about 50 ms on a wizard of 450
    widgets), which made settling most of a Pilot test's time. A handler still running when
    its queue is empty is caught by the rounds: what it awaits (a mount, a worker, a message to
    another widget) shows up as queued work or a running worker in one of them.
    """
    for screen in app.screen_stack:
        if screen._callbacks:
            return False
        for node in (screen, *screen.walk_children()):
            if _pump_busy(node):
                return False
    return not _pump_busy(app)


def _pump_busy(pump) -> bool:
    return bool(
        not pump._message_queue.empty() or pump._pending_message is not None or pump._next_callbacks
    )


async def settle(pilot, rounds: int = 3, timeout: float = 30.0) -> None:
    """Wait until the app is quiet: no worker running and `rounds` rounds in a row in which none
    started, no message was waiting or being handled anywhere, and no flow was between dialogs.

    A fixed number of pauses is not enough on a loaded machine: a worker's result arrives as a
    message, which may start another worker (rows, then counts, then the tab labels' new
    widths), and each link can lag. Counting quiet rounds waits for the whole chain, however
    slow, and fails loudly instead of snapshotting a half-drawn screen. A flow waiting for the
    user (its dialog is open) does not count as work. One Pilot `pause` first and last (every
    message queued so far handled, the screen updated); the rounds between read the pumps'
    counters (`_pumps_idle`), which costs microseconds where a pause costs tens of ms.
    """
    import asyncio

    from textual._wait import wait_for_idle

    app = pilot.app
    deadline = time.monotonic() + timeout
    await pilot.pause()
    quiet = 0
    while quiet < rounds:
        if working := _working(app):  # an empty list would mean every worker to Textual
            from textual.worker import WorkerCancelled

            with contextlib.suppress(WorkerCancelled):  # an exclusive one replaced by a newer
                await app.workers.wait_for_complete(working)
        await asyncio.sleep(0)
        await wait_for_idle(0)
        busy = bool(_working(app)) or _flow_moving(app) or not _pumps_idle(app)
        quiet = 0 if busy else quiet + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle within {timeout:.0f} s")
    await pilot.pause()


async def burst(pilot, *keys: str, timeout: float = 30.0) -> None:
    """Send `keys` in one burst, as a fast typist or an SSH link that batches keystrokes does:
    all queued before the app handles the first (Pilot's `press` waits for idle after each key,
    which no person does), then wait until the app has settled; a livelock fails the test."""
    import asyncio
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    app = pilot.app
    driver = app._driver  # Pilot's own route for keys (App._press_keys), minus the waits
    for key in keys:
        char: str | None
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)
    await asyncio.wait_for(settle(pilot, timeout=timeout), timeout)


@pytest.fixture
def make_app(open_demo: Callable[..., Service]) -> Callable[..., object]:
    """`make_app(user="ava", size=(160, 48))` → a CosellApp on the demo database, animations off.

    Pass the app to `app.run_test(size=app.test_size)` or to `snap_compare`; `app.service` is its
    service, `app.config` its config.
    """
    from cosell_tui.app import CosellApp
    from cosell_tui.config import load_config

    def _make(user: str = "ava", size: tuple[int, int] = (160, 48), config=None, live_every=None):
        """`live_every`: the live queue's period (off by default: tests control every change)."""
        app = CosellApp(
            open_demo(user),
            config if config is not None else load_config(),
            animations=False,
            live_every=live_every,
        )
        app.test_size = size  # type: ignore[attr-defined]  # the size to run it at, on the app
        return app

    return _make
