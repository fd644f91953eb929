"""How fast the Insights figures come at scale (README "Speed", docs/insights.md report them).

    .venv/bin/python benchmarks/insights_bench.py --db /tmp/cosell-bench/bench-1000000.db
    .venv/bin/python benchmarks/insights_bench.py --deals 100000        # seeds a temp file
    .venv/bin/python benchmarks/insights_bench.py --db DB --no-tui      # the service only
    .venv/bin/python benchmarks/insights_bench.py --db DB --tui-only    # the screen only

The screen part runs on any version of cosell: copy this file into another checkout's
benchmarks/ (it imports the checkout it sits in) to time that version the same way.

Measures, on a seeded database (clock fixed at the seed's NOW):
- each store query (store/insights.py) and the whole `figures()` call, per range, as ava
  (entire company), ben (one location) and cara (a Referrals user); the queries the kept
  monthly aggregates answer (store/insights_kept.py) twice, interleaved: from the aggregates
  ("kept") and by the exact scan they replace ("scan", what cosell did before 0014);
- the same for the filters the base aggregates cannot answer (FILTERED) and for cara's own
  deals, kept (a variant keyed by the filter, 0016_insights4) and scanned;
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
    "registration_solution_groups",
    "past_groups",
)
#: The queries with a `kept` switch (whole months from the aggregates, or the exact scan).
KEPT = ("main_groups", "country_groups", "capability_groups", "solution_groups", "past_groups")


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


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median ms of each, run in turns (a, b, a, b, …) so a loaded machine hits both alike."""
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            runs[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(r) for name, r in runs.items()}


def _figures_by_scan(who: Service, rng: str, flt: InsightsFilter | None = None) -> Any:
    saved = store.keepable
    store.keepable = lambda *_a: False  # the pre-0014 path
    try:
        return who.insights.figures(rng, flt)
    finally:
        store.keepable = saved


def service_figures(svc: Service, repeat: int) -> None:
    print("service (ms, median; kept = from the monthly aggregates, scan = the exact scan)")
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
                    short = name.removesuffix("_groups")
                    if name in KEPT and store.keepable(scope, InsightsFilter()):
                        got = interleaved(
                            {
                                "kept": functools.partial(query, *args),
                                "scan": functools.partial(query, *args, kept=False),
                            },
                            repeat,
                        )
                        parts.append(f"{short} {got['kept']:,.0f}/{got['scan']:,.0f}")
                    else:
                        parts.append(
                            f"{short} {timed(functools.partial(query, *args), repeat):,.0f}"
                        )
            total = interleaved(
                {
                    "kept": functools.partial(who.insights.figures, rng),
                    "scan": functools.partial(_figures_by_scan, who, rng),
                },
                repeat,
            )
            print(
                f"  {user:5} {rng:>3}  figures {total['kept']:7,.0f} (scan {total['scan']:7,.0f})"
                f"   ({', '.join(parts)})"
            )


#: Filters the base aggregates cannot answer, each answered by a kept variant since
#: 0016_insights4 (store/insights.py `kept_filter`); cara's own deals are the "member" one.
FILTERED = {
    "country US": InsightsFilter(countries=("US",)),
    "program": InsightsFilter(programs=("Azure Migrate and Modernize",)),
    "role presales": InsightsFilter(roles=("presales",)),
    "mp yes": InsightsFilter(marketplace=("Yes",)),
}


def filtered_figures(svc: Service, repeat: int) -> None:
    print("filtered (ms, median of figures(): kept / scan)")
    for user, flts in (("ava", FILTERED), ("cara", {"(her deals)": InsightsFilter()})):
        who = svc.as_user(user)
        for label, flt in flts.items():
            cells = []
            for rng in ("1m", "3m", "12m"):
                got = interleaved(
                    {
                        "kept": functools.partial(who.insights.figures, rng, flt),
                        "scan": functools.partial(_figures_by_scan, who, rng, flt),
                    },
                    repeat,
                )
                cells.append(f"{rng} {got['kept']:6,.0f} / {got['scan']:6,.0f}")
            print(f"  {user:5} {label:14} " + "   ".join(cells))


async def screen_times(db: str, repeat: int) -> None:
    """Per key: *first* = the first figures handed to the screen (summary, funnel, comparison),
    *every* = the last widget's, *painted* = the key's processing done (Pilot.press returns
    once the app is idle again, so after the last repaint)."""
    from cosell_tui.app import CosellApp
    from cosell_tui.config import load_config
    from cosell_tui.screens.insights import InsightsScreen

    stamps: list[tuple[float, bool]] = []
    loaded = InsightsScreen._loaded

    def stamped(screen: InsightsScreen, dashboard: Any) -> None:
        stamps.append((time.perf_counter(), not dashboard.pending))
        loaded(screen, dashboard)

    setattr(InsightsScreen, "_loaded", stamped)  # noqa: B010  # a timing hook
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        svc = open_service(db=db, now=NOW)
        app = CosellApp(svc, load_config(), animations=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            for key, name in (("I", "draw (I)"), ("2", "redraw, tab 2"), ("r", "redraw, r 3m→6m")):
                stamps.clear()
                started = time.perf_counter()
                await pilot.press(key)
                while not stamps or not stamps[-1][1]:
                    await asyncio.sleep(0.005)
                await pilot.pause()
                painted = time.perf_counter()
                for label, at in (
                    ("first figures", stamps[0][0]),
                    ("every widget", stamps[-1][0]),
                    ("painted", painted),
                ):
                    times.setdefault(f"{name}: {label}", []).append((at - started) * 1000)
        svc.close()
    setattr(InsightsScreen, "_loaded", loaded)  # noqa: B010
    print("screen (ms, median; goals: draw ≤ 1,000, redraw ≤ 300)")
    for name, runs in times.items():
        print(f"  {name:36} {statistics.median(runs):7,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a seeded SQLite file or database URL")
    parser.add_argument("--deals", type=int, default=100_000, help="seed this many (no --db)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tui", action="store_true", help="the service only")
    parser.add_argument("--tui-only", action="store_true", help="the screen only")
    parser.add_argument(
        "--filters-only", action="store_true", help="of the service, the filtered figures only"
    )
    args = parser.parse_args()
    db = args.db or seeded(args.deals)
    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    upgrade(engine)  # the insights index (0007_insights), once
    engine.dispose()
    if not args.tui_only:
        svc = open_service(db=db, now=NOW)
        try:
            if not args.filters_only:
                service_figures(svc, args.repeat)
            filtered_figures(svc, args.repeat)
        finally:
            svc.close()
    if not args.no_tui:
        asyncio.run(screen_times(db, args.repeat))


if __name__ == "__main__":
    main()
