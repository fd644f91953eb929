"""How long the demo seed takes, phase by phase (docs/data.md reports the numbers).

    .venv/bin/python benchmarks/seed_bench.py --deals 1000000
    .venv/bin/python benchmarks/seed_bench.py --deals 100000 --keep /tmp/cosell-100k.db
    .venv/bin/python benchmarks/seed_bench.py --deals 100000 --db postgresql://postgres@127.0.0.1/test

SQLite goes to a temporary file unless --keep names one (reuse it with grid_bench.py --db).
A PostgreSQL URL gets a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cosell_tui.demo.seed import seed
from cosell_tui.store.db import make_engine, resolve_url
from cosell_tui.store.migrate import upgrade

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@contextmanager
def database(url: str | None, keep: str | None) -> Iterator[str]:
    """A URL of an empty database for the run."""
    if url and not url.startswith("sqlite") and "://" in url:
        base = resolve_url(url)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
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
        return
    if keep:
        path = Path(keep)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--keep", help="SQLite file to keep for grid_bench.py")
    args = parser.parse_args()
    phases: list[tuple[str, float, float]] = []
    cpu_mark = [0.0]

    def on_phase(name: str, seconds: float) -> None:
        now = time.process_time()
        phases.append((name, seconds, now - cpu_mark[0]))
        cpu_mark[0] = now

    with database(args.db, args.keep) as url:
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        cpu_started = cpu_mark[0] = time.process_time()
        summary = seed(engine, args.deals, args.seed, now=NOW, on_phase=on_phase)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = ""
        if url.startswith("sqlite:///"):
            size = f"{os.path.getsize(url.removeprefix('sqlite:///')) / 1e6:,.0f} MB"
        engine.dispose()
    backend = "postgresql" if args.db and "postgres" in args.db else "sqlite"
    print(f"seed {args.deals:,} deals on {backend} (cpus: {os.cpu_count()}, load: "
          f"{os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"{'phase':<28}{'wall s':>10}{'CPU s':>10}")
    for name, seconds, cpu_s in phases:
        print(f"{name:<28}{seconds:>10.1f}{cpu_s:>10.1f}")
    print(f"{'total (wall)':<28}{total:>10.1f}")
    # On a shared machine the wall time includes waiting for the CPU; this is our own work.
    print(f"{'total (CPU of this process)':<28}{cpu:>10.1f}")
    print(f"{'referrals per second':<28}{summary.referrals / total:>10,.0f}")
    rows = (
        summary.referrals + summary.engagements + summary.team_members + summary.contacts
        + summary.history + summary.favorites + summary.invitations + summary.registrations
    )  # fmt: skip
    print(f"{'rows written':<28}{rows:>10,}")
    if size:
        print(f"{'file size':<28}{size:>10}")
    print(summary)


if __name__ == "__main__":
    main()
