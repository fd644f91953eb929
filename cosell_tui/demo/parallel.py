"""Large SQLite seeds on two cores: half of the random deals come from a helper process.

Python row generation and the sqlite3 driver's parameter binding both hold the GIL, so a
writer thread cannot make a single process faster than one core. A SQLite file has one writer
at a time, so the helper process writes its half into a file of its own (no indexes, no
journal); the main process then copies it in with one `INSERT … SELECT` per table, in C, moving
every integer id and every reference to a referral past the rows already there.

The split depends only on the deal count, never on the machine or the backend, so the same
(deals, seed, now) gives the same rows everywhere: the second half always comes from a fresh
generator on its own random stream whose ids continue after the first half's. On PostgreSQL
(many writers, COPY) the main process simply generates it after the first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, create_engine
from sqlalchemy.schema import CreateTable

from cosell_tui.demo.deals import PRIVATE, DealGenerator, Spec
from cosell_tui.demo.pools import FastRandom, Pools
from cosell_tui.demo.reference import exchange_rates
from cosell_tui.store import bulk
from cosell_tui.store.models import Base

#: The tables the deal generator writes, parents first.
DEAL_TABLES = tuple(t for t in bulk.LOAD_ORDER if t == "engagement" or t in bulk.BIG_TABLES)


def start(
    seed: int, n_accounts: int, now: datetime
) -> tuple[FastRandom, Pools, list[tuple[date, str, Decimal]]]:
    """The random stream, reference pools and exchange rates every part starts from."""
    rng = FastRandom(seed)
    pools = Pools(rng, seed, n_accounts)
    rates = exchange_rates(rng, now)
    return rng, pools, rates


def rate_map(rates: Sequence[tuple[date, str, Decimal]]) -> dict[tuple[date, str], Decimal]:
    return {(m, c): r for m, c, r in rates}


def fill(generator: DealGenerator, referrals: int, target: int) -> None:
    """Random engagements until exactly `target` referrals (`referrals` are already written)."""
    while referrals < target:
        spec = (
            generator.random_spec() if target - referrals >= 3 else Spec("out", PRIVATE, "active")
        )
        referrals += generator.engagement(spec)


def part_generator(
    seed: int,
    part: int,
    n_accounts: int,
    now: datetime,
    emit: Callable[[str, tuple[object, ...]], None],
    ids: Mapping[str, int] | None = None,
) -> DealGenerator:
    """The generator of part `part`: the seed's pools, its own random stream, ids after `ids`."""
    rng, pools, rates = start(seed, n_accounts, now)
    rng.seed(f"{seed}/part {part}")
    generator = DealGenerator(rng, pools, now, rate_map(rates), emit)
    if ids:
        generator.ids.update(ids)
    return generator


def generate_part(
    path: str,
    seed: int,
    part: int,
    n_accounts: int,
    now: datetime,
    target: int,
    columns: Mapping[str, Sequence[str]],
) -> dict[str, int]:
    """Helper-process entry point: write `target` referrals' rows into a new file at `path`;
    returns the rows written per table."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            for name in DEAL_TABLES:  # tables and their keys only: indexes come after the merge
                conn.execute(CreateTable(Base.metadata.tables[name]))
            conn.commit()
            loader = bulk.BulkLoader(conn, dict(columns), commit_each=True)
            generator = part_generator(seed, part, n_accounts, now, loader.add)
            fill(generator, 0, target)
            loader.close()
            conn.commit()
    finally:
        engine.dispose()
    return loader.counts


def merge_part(raw: sqlite3.Connection, path: str, columns: Mapping[str, Sequence[str]]) -> None:
    """Append a part's rows to the main database, past its ids, in one transaction."""
    offsets = {
        name: raw.execute(f"SELECT coalesce(max(id), 0) FROM {name}").fetchone()[0]
        for name in DEAL_TABLES
        if _integer_id(name)
    }
    raw.commit()
    raw.execute("ATTACH DATABASE ? AS part", (path,))
    try:
        raw.execute("BEGIN")
        for name in DEAL_TABLES:
            cols = columns[name]
            values = ", ".join(_shifted(name, col, offsets) for col in cols)
            raw.execute(
                f"INSERT INTO main.{name} ({', '.join(cols)}) SELECT {values} FROM part.{name}"
            )
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.execute("DETACH DATABASE part")


def _integer_id(table: str) -> bool:
    col = Base.metadata.tables[table].c.get("id")
    return col is not None and col.primary_key and isinstance(col.type, Integer)


def _shifted(table: str, column: str, offsets: Mapping[str, int]) -> str:
    """The SELECT expression for `column`: ids and references moved past the main rows."""
    col = Base.metadata.tables[table].c[column]
    if column == "id" and table in offsets:
        return f"id + {offsets[table]}"
    for fk in col.foreign_keys:
        target = fk.column.table.name
        if target in offsets:
            return f"{column} + {offsets[target]}"
    return column
