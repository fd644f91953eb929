"""The demo database: fixed reference data plus N generated deals, deterministic per arguments.

`seed(engine, deals, seed, now=...)` gives the same rows for the same (deals, seed, now) on
either backend: every random choice comes from one `random.Random(seed)` (Faker is seeded from
it too) and no wall-clock time is read. See docs/data.md for what the demo contains.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import Connection

from cosell_tui.demo import parallel as seed_parallel
from cosell_tui.demo.deals import (
    CONTACT_COLUMNS,
    ENGAGEMENT_COLUMNS,
    FAVORITE_COLUMNS,
    HISTORY_COLUMNS,
    INVITATION_COLUMNS,
    REFERRAL_COLUMNS,
    REGISTRATION_COLUMNS,
    SOLUTION_COLUMNS,
    TEAM_COLUMNS,
    DealGenerator,
    coverage_specs,
)
from cosell_tui.demo.pools import ACCOUNT_COLUMNS, Pools
from cosell_tui.demo.reference import (
    CATALOG,
    FABRIKAM,
    LOCATIONS,
    ORGANIZATIONS,
    USERS,
)
from cosell_tui.domain.names import name_keys
from cosell_tui.rules.routing import read_routing_csv
from cosell_tui.rules.rulebook import DEFAULT_ROUTING
from cosell_tui.store import bulk, search
from cosell_tui.store import insights as insights_store
from cosell_tui.store.models import RoutingRuleRow
from cosell_tui.store.tables import mark_database

#: Above this many deals, secondary indexes are dropped during the load and rebuilt after.
BULK_THRESHOLD = 2000
#: From this many deals, the second half comes from a generator of its own: on SQLite in a
#: helper process, so both cores work (demo/parallel.py).
PARALLEL_THRESHOLD = 100_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "kind", "assessment_vetted", "co_sell_ecosystem"),
    "location": ("id", "org_id", "partner_id", "name", "country"),
    "user_account": (
        "id", "org_id", "username", "display_name", "email", "phone", "role", "entire_company",
    ),
    "user_location": ("user_id", "location_id"),
    "account": ACCOUNT_COLUMNS,
    "account_key": ("key", "account_id"),
    "solution": (
        "id", "name", "kind", "publisher_org_id", "publisher_name", "co_sell_ready",
        "azure_ip_co_sell", "biz_apps_premium", "biz_apps_standard", "marketplace_incentivized",
        "priced",
    ),
    "exchange_rate": ("month", "currency", "usd_per_unit"),
    "engagement": ENGAGEMENT_COLUMNS,
    "referral": REFERRAL_COLUMNS,
    "customer_contact": CONTACT_COLUMNS,
    "team_member": TEAM_COLUMNS,
    "referral_solution": SOLUTION_COLUMNS,
    "invitation": INVITATION_COLUMNS,
    "favorite": FAVORITE_COLUMNS,
    "history": HISTORY_COLUMNS,
    "registration": REGISTRATION_COLUMNS,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """How many rows of each kind the seed wrote."""

    referrals: int  # every organisation's referrals (the `deals` asked for, or the minimum)
    partner_deals: int  # Fabrikam Consulting's own referrals (what ava's grids list)
    engagements: int
    accounts: int
    solutions: int
    users: int
    team_members: int
    contacts: int
    favorites: int
    invitations: int
    registrations: int
    history: int
    exchange_rates: int


def account_count(deals: int) -> int:
    """A few hundred customers for a demo, more for large databases."""
    return 300 + deals // 500


class _PhaseClock:
    """Reports phase durations; wall time is read only for this report, never for data."""

    def __init__(self, report: Callable[[str, float], None] | None) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        t = time.perf_counter()
        if self.report is not None:
            self.report(name, t - self.last)
        self.last = t


@contextmanager
def _bulk_session(engine: Engine, large: bool) -> Iterator[Connection]:
    """A connection set up for loading: SQLite skips FK checks and fsyncs during the load, and a
    large load keeps its rollback journal in memory instead of writing every page twice."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        journal = None
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            if large:
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-400000")
                conn.exec_driver_sql("PRAGMA threads=2")  # index builds sort on both cores
                journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                # Leaving WAL needs the only connection; if another is open, stay in WAL.
                conn.exec_driver_sql("PRAGMA journal_mode=MEMORY")
        try:
            yield conn
        finally:
            if conn.in_transaction():
                conn.rollback()
            if sqlite:
                if journal is not None:
                    conn.exec_driver_sql(f"PRAGMA journal_mode={journal}")
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")


def seed(
    engine: Engine,
    deals: int = 500,
    seed: int = 7,
    *,
    now: datetime,
    on_phase: Callable[[str, float], None] | None = None,
) -> SeedSummary:
    """Fill an empty, migrated database with the demo (docs/data.md).

    Large seeds commit in chunks (a crash leaves a partial demo: delete the file and re-run).
    From PARALLEL_THRESHOLD deals on SQLite, half of the random deals are generated by a
    helper process (demo/parallel.py); the rows depend only on the arguments, not the machine.

    `deals` is the number of referral rows across all organisations (counterpart referrals of
    Microsoft and other partners included); at least one engagement of every state and type is
    always written, so very small values give slightly more rows. `on_phase(name, seconds)`
    hears how long each phase took (the benchmark prints them).
    """
    clock = _PhaseClock(on_phase)
    if now.tzinfo is None:
        raise ValueError("seed(now=...) needs an aware UTC datetime")
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM referral")).scalar():
            raise ValueError("the database already holds deals; seed an empty database")
    large = deals > BULK_THRESHOLD
    halves = deals >= PARALLEL_THRESHOLD
    parallel = halves and engine.dialect.name == "sqlite"
    n_accounts = account_count(deals)
    rng, pools, rates = seed_parallel.start(seed, n_accounts, now)
    indexes = bulk.secondary_indexes(bulk.BIG_TABLES) if large else []
    deal_columns = {t: COLUMNS[t] for t in seed_parallel.DEAL_TABLES}
    clock.lap("reference pools")

    with _helper(parallel) as (pool, tmp):
        helper: Future[dict[str, int]] | None = None
        second = deals // 2 if halves else 0
        part_file = str(Path(tmp) / "part1.db") if pool is not None else ""
        if pool is not None:
            helper = pool.submit(
                seed_parallel.generate_part,
                part_file, seed, 1, n_accounts, now, second, deal_columns,
            )  # fmt: skip
        with _bulk_session(engine, large) as conn:
            search.suspend(conn)
            bulk.drop_indexes(conn, indexes)
            if large:
                insights_store.drop_sqlite_indexes(conn)
            loader = bulk.BulkLoader(conn, COLUMNS, commit_each=large)
            _reference_rows(loader, pools, rates)
            generator = DealGenerator(rng, pools, now, seed_parallel.rate_map(rates), loader.add)
            referrals = sum(generator.engagement(spec) for spec in coverage_specs())
            seed_parallel.fill(generator, referrals, deals - second)
            if second and pool is None:  # same rows as the helper would write, in-process
                half = seed_parallel.part_generator(
                    seed, 1, n_accounts, now, loader.add, generator.ids
                )
                seed_parallel.fill(half, 0, second)
            loader.close()
            counts = dict(loader.counts)
            clock.lap("generate and insert")
            if helper is not None:
                written = helper.result()
                clock.lap("wait for the helper process")
                conn.commit()
                raw = conn.connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)  # the helper only runs on SQLite
                seed_parallel.merge_part(raw, part_file, deal_columns)
                for table, n in written.items():
                    counts[table] += n
                clock.lap("merge the helper's half")
            bulk.create_indexes(conn, indexes, commit_each=large)
            insights_store.create_sqlite_indexes(conn)
            clock.lap("build indexes")
            search.resume(conn)
            bulk.reset_sequences(conn)
            _routing_rules(conn, now)
            mark_database(conn, "demo")  # --now and --user stay free on it (README "Security")
            conn.commit()
            clock.lap("search index and commit")
            partner_deals = conn.execute(
                text("SELECT count(*) FROM referral WHERE org_id = :o"), {"o": FABRIKAM}
            ).scalar_one()
    _analyze(engine)
    clock.lap("analyze")
    c = counts
    return SeedSummary(
        referrals=c["referral"],
        partner_deals=partner_deals,
        engagements=c["engagement"],
        accounts=c["account"],
        solutions=c["solution"],
        users=c["user_account"],
        team_members=c["team_member"],
        contacts=c["customer_contact"],
        favorites=c["favorite"],
        invitations=c["invitation"],
        registrations=c["registration"],
        history=c["history"],
        exchange_rates=c["exchange_rate"],
    )


@contextmanager
def _helper(wanted: bool) -> Iterator[tuple[ProcessPoolExecutor | None, str]]:
    """A one-process pool and a scratch directory for its file (or nothing, if not wanted).

    Spawned, not forked: the parent may already run threads (the bulk writer, Textual)."""
    if not wanted:
        yield None, ""
        return
    with (
        tempfile.TemporaryDirectory(prefix="cosell-seed-") as tmp,
        ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool,
    ):
        yield pool, tmp


def _reference_rows(
    loader: bulk.BulkLoader, pools: Pools, rates: list[tuple[date, str, Decimal]]
) -> None:
    for org in ORGANIZATIONS:
        loader.add("organization", (org[0], org[1], org[2].value, org[3], org[4]))
    loader.extend("location", LOCATIONS)
    for u in USERS:
        loader.add(
            "user_account",
            (u.id, u.org_id, u.username, u.display_name, u.email, u.phone, u.role.value,
             u.entire_company),
        )  # fmt: skip
        for loc in u.location_ids:
            loader.add("user_location", (u.id, loc))
    for a in pools.accounts:
        loader.add("account", a.row)
        loader.extend("account_key", ((key, a.id) for key in sorted(name_keys(str(a.row[2])))))
    for s in CATALOG:
        loader.add(
            "solution",
            (s.id, s.name, s.kind.value, s.publisher_org_id, s.publisher_name, s.co_sell_ready,
             s.azure_ip_co_sell, s.biz_apps_premium, s.biz_apps_standard,
             s.marketplace_incentivized, s.priced),
        )  # fmt: skip
    for month, currency, rate in rates:
        loader.add("exchange_rate", (month, currency, str(rate)))


def _routing_rules(conn: Connection, now: datetime) -> None:
    """Fabrikam's routing rules: the data file shipped with the rules (rules/routing.csv)."""
    rows, problems = read_routing_csv(DEFAULT_ROUTING.read_text(encoding="utf-8"))
    if problems:  # `cosell rules check` and the tests keep the shipped file valid
        raise ValueError(f"{DEFAULT_ROUTING}: {problems[0]}")
    location = {loc[2]: loc[0] for loc in LOCATIONS if loc[1] == FABRIKAM}
    conn.execute(
        insert(RoutingRuleRow),
        [
            {"org_id": FABRIKAM, "market": row.rule.market, "solution": row.rule.solution,
             "location_id": location[row.rule.location], "updated_at": now, "updated_by": None}
            for row in rows
        ],
    )  # fmt: skip


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics, so the grid queries pick the tab indexes."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=2000")
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.commit()
            # VACUUM sets the visibility map, so counts can be index-only scans.
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        conn.commit()
