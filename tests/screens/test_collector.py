"""The garbage collector runs between the user's gestures (widgets/collector.py): start-up's
objects are frozen once the first rows are shown, what the first write needs is loaded in a
thread once nothing else runs, and a pause (no key for a moment, no worker) collects and freezes
what the last gestures left; never while a gesture's worker runs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from cosell_tui.widgets import collector as module
from cosell_tui.widgets.collector import Collector


@dataclass
class Worker:
    group: str
    is_finished: bool = False


@dataclass
class App:
    workers: list[Worker] = field(default_factory=list)
    looks: list[Callable[[], None]] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    def set_interval(self, _period: float, callback: Callable[[], None]) -> None:
        self.looks.append(callback)

    def run_worker(self, work: Callable[[], None], **kwargs: Any) -> None:
        self.started.append(kwargs["group"])
        work()


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many full collections the collector asked for; everything unfrozen after."""
    done: list[int] = []
    unfreeze = gc.unfreeze  # the real one, even if a test replaced it

    def collect(*_: int) -> int:
        done.append(1)
        return 0

    monkeypatch.setattr(module.gc, "collect", collect)
    yield done
    unfreeze()


def test_start_freezes_then_warms_up_then_collects_at_a_pause(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = App()
    collector = Collector(app)
    collector.start()
    assert gc.get_freeze_count() > 0 and len(app.looks) == 1
    (look,) = app.looks
    monkeypatch.setattr(module, "IDLE_AFTER", 0.0)

    look()  # the first look: the warm-up, in a thread; no collection yet
    assert app.started == ["warm-up"] and not collections
    import sys

    assert "cosell_tui.service.inputs" in sys.modules
    look()  # then what start-up and the warm-up left is collected
    assert collections == [1]
    look()  # nothing typed since: nothing to do
    assert collections == [1]


def test_a_pause_comes_only_after_the_keys_and_the_workers(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "IDLE_AFTER", 0.0)
    app = App()
    collector = Collector(app)
    collector.warmed = True
    collector.start()
    (look,) = app.looks
    look()
    assert collections == [1]

    monkeypatch.setattr(module, "IDLE_AFTER", 60.0)
    collector.key()  # a key: the gesture goes on for IDLE_AFTER
    look()
    assert collections == [1]
    monkeypatch.setattr(module, "IDLE_AFTER", 0.0)
    app.workers.append(Worker("grid-window"))  # its rows are on their way
    look()
    assert collections == [1]
    app.workers.append(Worker("flow"))  # a dialog waits for the user: that is a pause
    app.workers.append(Worker("live"))
    app.workers[0].is_finished = True
    look()
    assert collections == [1, 1]


def test_every_so_often_a_pause_sweeps_what_was_frozen(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "IDLE_AFTER", 0.0)
    unfrozen: list[int] = []
    monkeypatch.setattr(module.gc, "unfreeze", lambda: unfrozen.append(1))
    app = App()
    collector = Collector(app)
    collector.warmed = True
    collector.start()
    (look,) = app.looks
    for _ in range(module.SWEEP_EVERY):
        collector.key()
        look()
    assert len(collections) == module.SWEEP_EVERY and unfrozen == [1]
