"""How fast the grids count and page at scale (docs/data.md reports the numbers).

    .venv/bin/python benchmarks/grid_bench.py --deals 1000000            # seeds a temp file
    .venv/bin/python benchmarks/grid_bench.py --db /tmp/cosell-1m.db     # a seeded file
    .venv/bin/python benchmarks/grid_bench.py --db /tmp/cosell-1m.db --explain

"cold" uses a fresh Grid (nothing cached: what the first look at a tab costs); "warm" repeats
the call (the cached count / ordered ids). Pages are 100 rows at the top, the middle and the
end of each tab. Times are the median of --repeat runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

from sqlalchemy import Engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cosell_tui.demo.seed import seed
from cosell_tui.domain import Role
from cosell_tui.domain.query import parse
from cosell_tui.domain.views import SortKey, Tab
from cosell_tui.store.db import make_engine
from cosell_tui.store.grid import Grid, R, Scope, _segments, where_clause
from cosell_tui.store.migrate import upgrade

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AVA = Scope(1, 1, "ava.lindqvist@fabrikam.example", Role.ADMIN, True)
BEN = Scope(1, 2, "ben.okafor@fabrikam.example", Role.ADMIN, False, (2,))
CARA = Scope(1, 3, "cara.nguyen@fabrikam.example", Role.USER, False, (1,))
P = ParamSpec("P")


def ms(fn: Callable[[], Any], repeat: int, fresh: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if fresh:
            fresh()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


class Bench:
    def __init__(self, engine: Engine, repeat: int) -> None:
        self.engine = engine
        self.repeat = repeat
        self.grid = Grid(engine)
        self.rows: list[tuple[str, str, float, float]] = []

    def fresh(self) -> None:
        self.grid = Grid(self.engine)

    def measure(
        self,
        group: str,
        what: str,
        call: Callable[Concatenate[Grid, P], object],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Time `call(grid, *args, **kwargs)` on a fresh Grid (cold), then on the same (warm)."""
        cold = ms(lambda: call(self.grid, *args, **kwargs), self.repeat, self.fresh)
        call(self.grid, *args, **kwargs)
        warm = ms(lambda: call(self.grid, *args, **kwargs), self.repeat)
        self.rows.append((group, what, cold, warm))
        print(f"{group:<36}{what:<24}{cold:>10.1f}{warm:>10.1f}", flush=True)


def run(engine: Engine, repeat: int) -> None:
    b = Bench(engine, repeat)
    empty = parse("")
    print(f"{'case':<36}{'what':<24}{'cold ms':>10}{'warm ms':>10}")
    for name, scope in (
        ("ava (entire company)", AVA),
        ("ben (London)", BEN),
        ("cara (team)", CARA),
    ):
        b.measure(name, "tab_counts (4 counts)", Grid.tab_counts, scope, NOW)
    for tab in Tab:
        total = b.grid.count(AVA, tab, empty, NOW)
        label = f"ava {tab.label} ({total:,})"
        b.measure(label, "count", Grid.count, AVA, tab, empty, NOW)
        for where, offset in (("top", 0), ("middle", total // 2), ("end", max(total - 100, 0))):
            b.measure(
                label, f"page 100 at {where}", Grid.page, AVA, tab, empty, NOW,
                offset=offset, limit=100,
            )  # fmt: skip
    for tab, q in (
        (Tab.CLOSED, "status:won"),
        (Tab.CLOSED, "!status:won"),
        (Tab.CLOSED, "value:>=25k"),
        (Tab.CLOSED, "contoso"),
        (Tab.CLOSED, '"data platform"'),
        (Tab.CLOSED, "registration:eligible"),
        (Tab.INBOUND, "expires:<3d"),
        (Tab.OUTBOUND, "country:GB type:co-sell"),
        (Tab.OUTBOUND, "ms:pending fav:yes"),
    ):
        query = parse(q)
        label = f"{tab.label} '{q}'"
        b.measure(label, "count", Grid.count, AVA, tab, query, NOW)
        b.measure(label, "page 100 at top", Grid.page, AVA, tab, query, NOW, limit=100)

    closed = b.grid.count(AVA, Tab.CLOSED, empty, NOW)
    for sort in SortKey:
        for desc in (False, True):
            label = f"Closed by {sort.value} {'desc' if desc else 'asc'}"
            for where, offset in (("top", 0), ("middle", closed // 2), ("end", closed - 100)):
                b.measure(
                    label, f"page 100 at {where}", Grid.page, AVA, Tab.CLOSED, empty, NOW,
                    sort, desc, offset=offset, limit=100,
                )  # fmt: skip


def explain(engine: Engine) -> None:
    """The plans of the main statements: count, top page, deep id walk, text search."""
    dialect = engine.dialect.name
    cases = [
        ("Inbound count", Tab.INBOUND, "", None),
        ("Inbound top page (expires)", Tab.INBOUND, "", SortKey.EXPIRES),
        ("Closed top page (created desc)", Tab.CLOSED, "", SortKey.CREATED),
        ("Closed by name", Tab.CLOSED, "", SortKey.NAME),
        ("Closed 'contoso'", Tab.CLOSED, "contoso", SortKey.CREATED),
        ("Closed status:won", Tab.CLOSED, "status:won", SortKey.CREATED),
    ]
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        for title, tab, q, sort in cases:
            where = where_clause(dialect, AVA, tab, parse(q), NOW)
            if sort is None:
                stmt = select(func.count()).where(where)
            else:
                extra, order = _segments(sort, sort is SortKey.CREATED)[0]
                cond = where if extra is None else (where & extra)
                stmt = select(R.id).where(cond).order_by(*order).limit(100)
            compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
            print(f"--- {title}\n{compiled}")
            for row in conn.execute(text(prefix + str(compiled))):
                print("   ", " | ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--db", help="a seeded database (SQLite path or URL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'grid.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM referral")).scalar_one()
        if n == 0:
            print(f"seeding {args.deals:,} deals ...", flush=True)
            seed(engine, args.deals, 7, now=NOW)
            n = args.deals
        print(f"grid on {engine.dialect.name} with {n:,} referrals")
        if args.explain:
            explain(engine)
        run(engine, args.repeat)
        engine.dispose()


if __name__ == "__main__":
    main()
