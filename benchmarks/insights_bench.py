"""How fast the Insights figures come at scale (README "Speed", docs/insights.md report them).

    .venv/bin/python benchmarks/insights_bench.py --db /tmp/cosell-bench/bench-1000000.db
    .venv/bin/python benchmarks/insights_bench.py --deals 100000        # seeds a temp file
    .venv/bin/python benchmarks/insights_bench.py --db DB --no-tui      # the service only

Measures, on a seeded database (clock fixed at the seed's NOW):
- each store query (store/insights.py) and the whole `figures()` call, per range, as ava
  (entire company), ben (one location) and cara (a Referrals user);
- the screen (headless, Pilot, 160×48): *draw* = from pressing I on the main screen to the
  figures on screen; *redraw* = from a tab key (2) and from the range key (r) to the new figures.
Times are the median of --repeat runs, in milliseconds. Goals: draw ≤ 1,000, redraw ≤ 300.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cosell_tui.domain.clock import parse_instant
from cosell_tui.domain.insights import InsightsFilter, Period
from cosell_tui.service import Service, open_service
from cosell_tui.store import insights as store
from cosell_tui.store.db import make_engine
from cosell_tui.store.grid import Scope
from cosell_tui.store.migrate import upgrade

NOW = "2026-11-23T09:00:00Z"
QUERIES = (
    "main_groups",
    "registration_groups",
    "country_groups",
    "capability_groups",
    "solution_groups",
    "past_groups",
)


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def seeded(deals: int) -> str:
    from cosell_tui.demo.seed import seed

    path = Path(tempfile.mkdtemp()) / f"insights-{deals}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed(engine, deals=deals, seed=7, now=parse_instant(NOW))
    engine.dispose()
    return str(path)


def service_figures(svc: Service, repeat: int) -> None:
    print("service (ms, median)")
    for user in ("ava", "ben", "cara"):
        who = svc.as_user(user)
        scope = Scope.of(who.user)
        for rng in ("1m", "3m", "12m"):
            period = Period.parse(rng, who.clock.now())
            parts = []
            with who._ctx.shared.engine.connect() as conn:
                for name in QUERIES:
                    query = getattr(store, name)
                    args = (conn, scope, InsightsFilter(), period.start, period.end)
                    ms = timed(functools.partial(query, *args), repeat)
                    parts.append(f"{name.removesuffix('_groups')} {ms:,.0f}")
            total = timed(functools.partial(who.insights.figures, rng), repeat)
            print(f"  {user:5} {rng:>3}  figures {total:7,.0f}   ({', '.join(parts)})")


async def shown(app: Any, before: object, complete: bool) -> None:
    """Wait until the Insights screen shows figures other than `before`: the first ones
    (summary, funnel, comparison) or, `complete`, every widget."""
    from cosell_tui.screens.insights import InsightsScreen

    while True:
        screen = app.screen
        if (
            isinstance(screen, InsightsScreen)
            and screen.dashboard is not before
            and screen.dashboard is not None
            and not (complete and screen.loading)
        ):
            return
        await asyncio.sleep(0.005)


async def screen_times(db: str, repeat: int) -> None:
    from cosell_tui.app import CosellApp
    from cosell_tui.config import load_config
    from cosell_tui.screens.insights import InsightsScreen

    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        svc = open_service(db=db, now=NOW)
        app = CosellApp(svc, load_config(), animations=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()

            for key, name in (("I", "draw (I)"), ("2", "redraw, tab 2"), ("r", "redraw, r 3m→6m")):
                screen = app.screen
                before = screen.dashboard if isinstance(screen, InsightsScreen) else None
                started = time.perf_counter()
                await pilot.press(key)
                await shown(app, before, complete=False)
                first = (time.perf_counter() - started) * 1000
                await shown(app, before, complete=True)
                every = (time.perf_counter() - started) * 1000
                times.setdefault(name, []).append(first)
                times.setdefault(name + ", every widget", []).append(every)
        svc.close()
    print("screen (ms, median; goals: draw ≤ 1,000, redraw ≤ 300)")
    for name, runs in times.items():
        print(f"  {name:36} {statistics.median(runs):7,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a seeded SQLite file or database URL")
    parser.add_argument("--deals", type=int, default=100_000, help="seed this many (no --db)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tui", action="store_true", help="the service only")
    args = parser.parse_args()
    db = args.db or seeded(args.deals)
    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    upgrade(engine)  # the insights index (0007_insights), once
    engine.dispose()
    svc = open_service(db=db, now=NOW)
    try:
        service_figures(svc, args.repeat)
    finally:
        svc.close()
    if not args.no_tui:
        asyncio.run(screen_times(db, args.repeat))


if __name__ == "__main__":
    main()
