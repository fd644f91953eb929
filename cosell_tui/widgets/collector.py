"""What the app does between the user's gestures rather than inside one: Python's garbage
collection, and loading what the first write needs.

A full (generation 2) collection walks every object the process tracks: about 110,000 once the
first rows are shown and 170,000 once a dialog, the rules and the ORM are loaded, which took
70–120 ms on our idle 2-core machine and 300–500 ms under load. Left to its thresholds it lands
in whatever gesture happens to allocate the object that tips them, and it was most of the slow
5 % of accepts (docs/tui.md, "Numbers": the accept's p95).

So the app freezes what start-up built (`gc.freeze`: never walked again, still freed by
reference counting) once the first rows are shown, and when the user has paused (no key for
`IDLE_AFTER` seconds, no worker running) it collects what is new since and freezes what
survived: the collections the thresholds still start walk only the objects of the last few
gestures. Every `SWEEP_EVERY`-th pause it unfreezes everything first, so a cycle frozen while
it was alive (a screen open at a pause, closed since) is freed too.

The first write of a session also imported the service's input models (pydantic, phone numbers,
e-mail addresses: `service/parse.py` leaves them out of start-up), some 100 ms on an idle machine,
which made the first accept the slowest; so did the use cases' own modules (lifecycle, creation,
outbox…). Once the first rows and what follows them have arrived (no worker running), a thread
imports them, so the first write finds them loaded (what is left of its extra time is
SQLAlchemy's first flush and statement compiles).
"""

from __future__ import annotations

import gc
import time
from typing import Any

#: Seconds without a key before the collector may run.
IDLE_AFTER = 0.5
#: How often the app looks whether the user has paused.
LOOK_EVERY = 0.25
#: One pause in this many also sweeps what earlier pauses froze.
SWEEP_EVERY = 20
#: Workers that do not make a pause part of a gesture: the live queue's look, and a flow
#: (screens/flows.py) waiting for the user's answer in its dialog.
WAITING = ("live", "flow")


class Collector:
    """The garbage collector's timing for one app (see the module)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_key = time.monotonic()
        self.dirty = False  # keys since the last collection
        self.pauses = 0
        self.started = False
        self.warmed = False

    def start(self) -> None:
        """Once the first rows are shown: freeze start-up's objects, then watch for pauses."""
        if self.started:
            return
        self.started = True
        gc.freeze()
        self.dirty = True  # the first pause collects what the first rows brought
        self.app.set_interval(LOOK_EVERY, self._look)

    def key(self) -> None:
        """A key arrived: a gesture is under way."""
        self.last_key = time.monotonic()
        self.dirty = True

    def _look(self) -> None:
        if not self.dirty:
            return
        if any(not w.is_finished and w.group not in WAITING for w in self.app.workers):
            return  # its results are on their way: a gesture is not over
        if not self.warmed:  # keys or not: a thread, the event loop goes on
            self.warmed = True
            self.app.run_worker(_warm_up, thread=True, group="warm-up", exit_on_error=False)
            return
        if time.monotonic() - self.last_key < IDLE_AFTER:
            return
        self.dirty = False
        self.pauses += 1
        if self.pauses % SWEEP_EVERY == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()


def _warm_up() -> None:
    """What the first write needs and start-up leaves out (see the module): the input models
    (~400 ms under load, ~100 idle) and the write side's modules (~120 ms under load)."""
    import cosell_tui.service.inputs
    import cosell_tui.service.lifecycle  # noqa: F401 (and creation, microsoft, outbox, audit…)
