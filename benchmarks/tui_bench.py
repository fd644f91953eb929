"""How fast the TUI answers at 10k, 100k and 1M deals (issue 3: none may grow with the deal count).

    .venv/bin/python benchmarks/tui_bench.py                 # 10k, 100k, 1M
    .venv/bin/python benchmarks/tui_bench.py --sizes 10000   # one size
    .venv/bin/python benchmarks/tui_bench.py --data /tmp/b   # where seeded databases are kept
    .venv/bin/python benchmarks/tui_bench.py --rounds 3 --against /tmp/old  # old code interleaved

Each size is seeded once (kept in --data and reused) and measured in a fresh process, headless
through Textual's Pilot at 160×48, so the memory figure is the TUI's own and not the seeder's:

- launch → first rows: from creating the app to the first grid frame with rows painted;
- cursor key → frame: median of 40 `j` presses, from the key to the next frame the compositor
  produces (and the median bytes of that frame, as a terminal would receive them);
- accept key → committed: ctrl+y in the accept dialog until the service reads the deal as
  accepted and the grid shows the updated row (median and p95 of up to 10 accepts);
- filter key → rows painted: one key typed in the filter line until the grid shows the new rows
  (median and p95 of 12 keys; there is no debounce: the filter is parsed on the event loop);
- memory: peak resident set size of the measuring process;
- "painted": the same accept and filter, timed to the first frame after the rows arrived;
- "ref": the same gestures in bare Textual (a DataTable, a modal, an Input) in the same process,
  timed to the frame: the floor Textual itself sets on this machine at this moment.

`--trace` also prints, on stderr, where each accept's time goes (ms from ctrl+y): the use case
and its commit, the dialog gone and the flow asking for the reload, the reload's first read,
the rows applied and painted, the garbage collector's pauses in between, and whether SQLite
folded its write-ahead log into the database (a checkpoint) during the accept.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.screen import Screen

NOW = "2026-11-23T09:00:00Z"
SIZES = (10_000, 100_000, 1_000_000)
SIZE = (160, 48)
ACCEPTS = 10
FILTER_KEYS = tuple("eatonrsilcud")


class AcceptTrace:
    """Stamps of one accept's steps (see `--trace`), from hooks on the service, the engine, the
    screen, the app and the garbage collector."""

    def __init__(self, service: Any, app: Any, main: Any, db: Path) -> None:
        import gc

        from sqlalchemy import event

        from cosell_tui.service.lifecycle import Lifecycle

        self.marks: dict[str, float] = {}
        self.gc: list[tuple[float, float, int]] = []  # (start, end, generation)
        self.wal = Path(f"{db}-wal")
        self._gc_start = 0.0
        real_accept = Lifecycle.accept

        def accept(lifecycle: Any, *args: Any, **kwargs: Any) -> Any:
            self._mark("use case")
            try:
                return real_accept(lifecycle, *args, **kwargs)
            finally:
                self._mark("use case done")

        Lifecycle.accept = accept  # type: ignore[method-assign,assignment]  # timed wrapper
        event.listen(service._ctx.shared.write_engine, "commit", lambda _c: self._mark("commit"))
        changed = main._changed
        adopt = getattr(app, "adopt_changes", None)  # absent in code before 2026-12-01

        def traced_changed(*args: Any, **kwargs: Any) -> None:
            self._mark("reload asked")
            changed(*args, **kwargs)

        def traced_adopt() -> None:
            self._mark("reload reads")
            if adopt is not None:
                adopt()

        main._changed = traced_changed
        if adopt is not None:
            app.adopt_changes = traced_adopt

        def collected(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                self._gc_start = time.perf_counter()
            else:
                self.gc.append((self._gc_start, time.perf_counter(), info["generation"]))

        gc.callbacks.append(collected)

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.perf_counter())

    def start(self) -> float:
        self.marks.clear()
        self.gc.clear()
        self.wal_before = self.wal.stat().st_size if self.wal.exists() else 0
        return time.perf_counter()

    def line(self, before: float, applied: float, painted: float) -> str:
        def ms(t: float) -> str:
            return f"{(t - before) * 1000:.0f}"

        steps = " ".join(f"{name} {ms(t)}" for name, t in sorted(self.marks.items(), key=_at))
        pauses = [(s, e, g) for s, e, g in self.gc if before <= s <= painted]
        gc_ms = sum(e - s for s, e, _ in pauses) * 1000
        gens = ",".join(str(g) for _, _, g in pauses)
        wal = self.wal.stat().st_size if self.wal.exists() else 0
        checkpoint = " · WAL checkpoint" if wal < self.wal_before else ""
        return (
            f"accept: {steps} · rows {ms(applied)} · painted {ms(painted)}"
            f" · gc {gc_ms:.0f} ms ({len(pauses)}: gen {gens or '-'}){checkpoint}"
        )


def _at(item: tuple[str, float]) -> float:
    return item[1]


def _p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank): with 10–12 samples, the slowest but one or two."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]


def seeded(data: Path, deals: int) -> Path:
    """The database for `deals`, seeded on first use (in a child process, to keep ours lean)."""
    path = data / f"bench-{deals}.db"
    if path.exists():
        return path
    data.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys\n"
        "from cosell_tui.domain.clock import parse_instant\n"
        "from cosell_tui.store.db import make_engine\n"
        "from cosell_tui.store.migrate import upgrade\n"
        "from cosell_tui.demo.seed import seed\n"
        "engine = make_engine(sys.argv[1])\n"
        "upgrade(engine)\n"
        "seed(engine, deals=int(sys.argv[2]), seed=7, now=parse_instant(sys.argv[3]))\n"
        "with engine.connect() as c: c.exec_driver_sql('PRAGMA wal_checkpoint(TRUNCATE)')\n"
    )
    tmp = path.with_suffix(".tmp")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp}", str(deals), NOW], check=True)
    tmp.rename(path)
    print(f"  seeded {deals:,} deals in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


async def _until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await asyncio.sleep(0.005)


def _spy_frames(app) -> list[tuple[float, int]]:
    """(time, bytes) of every frame the app produces from now on, rendered as a terminal would
    receive it (headless runs skip the write). Wraps Textual's private `App._display`."""
    frames: list[tuple[float, int]] = []
    display = app._display

    def recording_display(screen: Screen[Any], renderable: RenderableType | None) -> None:
        size = 0
        if renderable is not None and hasattr(renderable, "render_segments"):
            size = len(renderable.render_segments(app.console).encode())
        frames.append((time.perf_counter(), size))
        display(screen, renderable)

    app._display = recording_display
    return frames


async def _painted_after(pilot, frames: list[tuple[float, int]], stamp: float) -> float:
    """When the first frame after `stamp` (the rows applied) reached the terminal."""
    await _until(pilot, lambda: any(t >= stamp for t, _ in frames))
    return next(t for t, _ in frames if t >= stamp)


async def _cursor_moves(pilot, key: str, frames: list[tuple[float, int]]) -> tuple[float, float]:
    """Median ms from `key` to the next frame, and median bytes of the frames of a move."""
    samples, sizes = [], []
    for _ in range(40):
        frames.clear()
        before = time.perf_counter()
        await pilot.press(key)
        await _until(pilot, lambda: bool(frames))
        await pilot.pause()
        samples.append((frames[0][0] - before) * 1000)
        sizes.append(sum(size for _, size in frames))
    return statistics.median(samples), statistics.median(sizes)


@contextmanager
def _rows_arrival(grid, arrived: Callable[[], bool]) -> Iterator[list[float]]:
    """Stamp (into the yielded list) the moment rows reach `grid` and `arrived()` holds.

    `pilot.press` returns only once the app is idle (toasts, and the count that follows the
    rows, included), which is not the latency a user sees."""
    stamps: list[float] = []
    apply_window = grid._apply_window

    def stamped(*args, **kwargs):
        result = apply_window(*args, **kwargs)
        if arrived() and not stamps:
            stamps.append(time.perf_counter())
        return result

    grid._apply_window = stamped
    try:
        yield stamps
    finally:
        grid._apply_window = apply_window


async def measure(db: Path, trace: bool = False, think: float = 0.0) -> dict[str, float]:
    """One run of every measurement on `db`; times in milliseconds. `think`: seconds the user
    reads the row before each accept (0: the next gesture at once, as no person types)."""
    from cosell_tui.app import CosellApp
    from cosell_tui.config import Config
    from cosell_tui.domain import Action, Substatus
    from cosell_tui.screens.dialogs import AcceptDialog
    from cosell_tui.screens.main import MainScreen
    from cosell_tui.service import open_service

    service = open_service(db=str(db), user="ava", now=NOW)
    results: dict[str, float] = {}
    started = time.perf_counter()
    try:  # as `cosell` runs it: the garbage collector between gestures (widgets/collector.py)
        app = CosellApp(service, Config(), animations=False, collect_between_gestures=True)
    except TypeError:  # --against code from before the collector
        app = CosellApp(service, Config(), animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: getattr(app.screen, "grid", None) is not None)
        main = app.screen
        assert isinstance(main, MainScreen)
        await _until(pilot, lambda: main.grid.loaded and main.grid.row_at(0) is not None)
        await pilot.pause()
        results["launch_first_rows_ms"] = (time.perf_counter() - started) * 1000

        grid = main.grid
        frames = _spy_frames(app)
        cursor_ms, cursor_bytes = await _cursor_moves(pilot, "j", frames)
        results["cursor_key_frame_ms"] = cursor_ms
        results["cursor_frame_bytes"] = cursor_bytes

        # Loaded rows the rules let ava accept now (the seed has refused ones too).
        acceptable = [
            i
            for i, candidate in enumerate(grid.loaded_rows())
            if candidate.substatus is Substatus.PENDING
            and Action.ACCEPT in service.listing.deal(candidate.id).decision.allowed
        ][:ACCEPTS]
        accepts: list[float] = []
        accepts_painted: list[float] = []
        tracer = AcceptTrace(service, app, main, db) if trace else None
        for index in acceptable:
            grid.move_to(index)
            await pilot.pause()
            if think:
                await asyncio.sleep(think)
            row = grid.row_at(index)
            assert row is not None  # one of the loaded rows
            await pilot.press("a")
            await _until(pilot, lambda: isinstance(app.screen, AcceptDialog))
            await pilot.pause()
            generation = grid._window.generation

            def reloaded(after: int = generation) -> bool:
                return grid._window.shown > after

            with _rows_arrival(grid, reloaded) as applied:
                before = tracer.start() if tracer else time.perf_counter()
                await pilot.press("ctrl+y")
                try:
                    await _until(pilot, lambda: bool(applied))
                except TimeoutError:
                    notes = [n.message for n in app._notifications]
                    raise TimeoutError(f"accept did not land: {app.screen!r} {notes}") from None
            accepts.append((applied[0] - before) * 1000)
            shown_at = await _painted_after(pilot, frames, applied[0])
            accepts_painted.append((shown_at - before) * 1000)
            if tracer:
                print(tracer.line(before, applied[0], shown_at), file=sys.stderr)
            assert service.listing.row(row.id).substatus is Substatus.ACCEPTED
            await _until(pilot, lambda: app.screen is main)
        if accepts:
            results["accept_key_committed_ms"] = statistics.median(accepts)
            results["accept_p95_ms"] = _p95(accepts)
            results["accept_painted_ms"] = statistics.median(accepts_painted)
            results["accept_painted_p95_ms"] = _p95(accepts_painted)

        await pilot.press("slash")
        typed = ""
        filters: list[float] = []
        filters_painted: list[float] = []
        for key in FILTER_KEYS:
            typed = typed + key if len(typed) < 3 else key  # short words, then start again
            await pilot.press(*(["ctrl+u"] if len(typed) == 1 else []))
            generation = grid._window.generation

            def filtered(text: str = typed) -> bool:
                return grid._window.query.text == text and grid._window.loaded

            with _rows_arrival(grid, filtered) as painted:
                before = time.perf_counter()
                await pilot.press(key)
                await _until(pilot, lambda: bool(painted))
            assert grid.grid_query.text == typed
            filters.append((painted[0] - before) * 1000)
            filters_painted.append(
                (await _painted_after(pilot, frames, painted[0]) - before) * 1000
            )
        results["filter_key_rows_ms"] = statistics.median(filters)
        results["filter_p95_ms"] = _p95(filters)
        results["filter_painted_ms"] = statistics.median(filters_painted)
        results["filter_painted_p95_ms"] = _p95(filters_painted)
    service.close()
    import gc

    gc.unfreeze()  # what the app froze (widgets/collector.py) is not the reference's
    gc.collect()
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


async def reference() -> dict[str, float]:
    """The same three gestures on bare Textual at the same size, as the floor Textual itself sets:
    a DataTable of 200 rows with the grid's columns and a footer; cursor key → next frame (and its
    bytes); a modal dialog's ctrl+y → dialog popped and its row updated; a key typed in an Input
    → the table's rows replaced (45, a screenful) — each stamped as cosell's are."""
    from textual.app import App, ComposeResult
    from textual.screen import ModalScreen
    from textual.widgets import DataTable, Footer, Input, Label

    headers = ("Deal name", "Customer", "Status", "Value", "Expires in", "Country", "♥")

    def row(i: int, text: str = "") -> tuple[str, ...]:
        return (
            f"Contoso {text}deal {i}",
            "Contoso Ltd",
            "Received",
            "48,000 EUR",
            "1d 6h",
            "GB",
            "",
        )

    stamps: list[float] = []

    class Dialog(ModalScreen[bool]):
        BINDINGS = [("ctrl+y", "ok")]

        def compose(self) -> ComposeResult:
            yield Label("Accept?")
            yield Input(value="notes")

        def action_ok(self) -> None:
            self.dismiss(True)

    class Reference(App[None]):
        BINDINGS = [("a", "accept")]

        def compose(self) -> ComposeResult:
            yield Input(id="filter")
            yield DataTable(cursor_type="row")
            yield Footer(compact=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*headers)
            for i in range(200):
                table.add_row(*row(i))
            table.focus()

        def action_accept(self) -> None:
            table = self.query_one(DataTable)

            def accepted(_ok: bool | None) -> None:
                table.update_cell_at(table.cursor_coordinate._replace(column=2), "Accepted")
                stamps.append(time.perf_counter())

            self.push_screen(Dialog(), accepted)

        def on_input_changed(self, event: Input.Changed) -> None:
            table = self.query_one(DataTable)
            table.clear()
            for i in range(45):
                table.add_row(*row(i, event.value))
            stamps.append(time.perf_counter())

    results: dict[str, float] = {}
    app = Reference()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = _spy_frames(app)
        cursor_ms, cursor_bytes = await _cursor_moves(pilot, "down", frames)
        results["ref_cursor_key_frame_ms"] = cursor_ms
        results["ref_cursor_frame_bytes"] = cursor_bytes

        accepts: list[float] = []
        for _ in range(ACCEPTS):
            await pilot.press("a")
            await _until(pilot, lambda: isinstance(app.screen, Dialog))
            await pilot.pause()
            stamps.clear()
            before = time.perf_counter()
            await pilot.press("ctrl+y")
            await _until(pilot, lambda: bool(stamps))
            accepts.append((await _painted_after(pilot, frames, stamps[0]) - before) * 1000)
        results["ref_accept_ms"] = statistics.median(accepts)
        results["ref_accept_p95_ms"] = _p95(accepts)

        app.query_one("#filter", Input).focus()
        await pilot.pause()
        filters: list[float] = []
        for key in FILTER_KEYS:
            stamps.clear()
            before = time.perf_counter()
            await pilot.press(key)
            await _until(pilot, lambda: bool(stamps))
            filters.append((await _painted_after(pilot, frames, stamps[0]) - before) * 1000)
        results["ref_filter_ms"] = statistics.median(filters)
        results["ref_filter_p95_ms"] = _p95(filters)
    return results


async def measure_both(db: Path, trace: bool = False, think: float = 0.0) -> dict[str, float]:
    """Cosell and the bare-Textual reference in one process, one after the other."""
    results = await measure(db, trace, think)
    results.update(await reference())
    return results


def _use_code(folder: str) -> None:
    """Import cosell_tui from `folder` (another checkout, e.g. the code before a change) instead
    of the editable install of this one."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
    sys.path.insert(0, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "cosell-bench")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each size (interleaved)")
    parser.add_argument(
        "--against",
        metavar="DIR",
        help="also measure the cosell_tui in DIR (e.g. `git archive` of the code before a "
        "change), alternating with this checkout's in every round",
    )
    parser.add_argument(
        "--trace", action="store_true", help="print where each accept's time goes (stderr)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds the user reads a row before each accept (default 0: no pause at all)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        if args.code:
            _use_code(args.code)
        os.environ["COSELL_CONFIG_FILE"] = str(args.measure.with_suffix(".config.toml"))
        print(json.dumps(asyncio.run(measure_both(args.measure, args.trace, args.think))))
        return
    codes: list[str | None] = [None, args.against] if args.against else [None]
    rows = []
    for deals in args.sizes:
        db = seeded(args.data, deals)
        for _ in range(args.rounds):
            for code in codes:
                command = [sys.executable, __file__, "--measure", str(db)]
                out = subprocess.run(
                    command
                    + (["--code", code] if code else [])
                    + (["--trace"] * args.trace)
                    + ["--think", str(args.think)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                label = f"{deals:,}" + (" (against)" if code else "")
                for line in out.stderr.splitlines() if args.trace else ():
                    if line.startswith("accept:"):
                        print(f"{label} {line}", file=sys.stderr)
                rows.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    headers = [
        ("launch_first_rows_ms", "launch→rows ms"),
        ("cursor_key_frame_ms", "cursor key ms"),
        ("accept_key_committed_ms", "accept ms"),
        ("accept_p95_ms", "accept p95"),
        ("accept_painted_p95_ms", "accept painted p95"),
        ("filter_key_rows_ms", "filter key ms"),
        ("filter_p95_ms", "filter p95"),
        ("filter_painted_p95_ms", "filter painted p95"),
        ("cursor_frame_bytes", "bytes/move"),
        ("peak_rss_mb", "peak RSS MB"),
        ("ref_cursor_key_frame_ms", "ref cursor ms"),
        ("ref_cursor_frame_bytes", "ref bytes/move"),
        ("ref_accept_p95_ms", "ref accept p95"),
        ("ref_filter_p95_ms", "ref filter p95"),
    ]
    print("| deals | " + " | ".join(h for _, h in headers) + " |")
    print("|---:|" + "---:|" * len(headers))
    for deals, result in rows:  # deals: the size's label
        cells = [f"{result[k]:.1f}" if k in result else "—" for k, _ in headers]
        print(f"| {deals} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
