"""Monthly insights aggregates kept by the database, in the writing transaction.

Six tables hold, per (organisation, location, creation month, deal type, direction, status,
services co-sell or not) and one query's own groups, how many deals there are, how many have a
USD value and its sum in cents (and, for the main one, the times to accept and to win in whole
milliseconds): `insights_main` (+ registration status, reason code), `insights_country`
(+ country), `insights_capability` (+ partner program, partner role), `insights_solution`
(+ solution, one row per solution of a deal), `insights_accepted` and `insights_closed` (+ the
month the deal was accepted / closed). They answer store/insights.py's main, country,
capability, solution and "from before the range" queries for whole months, so a year of a
million deals is a few thousand rows instead of a scan.

Row triggers on `referral` and `referral_solution` (SQLite triggers, PostgreSQL plpgsql) subtract
a deal's old row and add its new one on every insert, update of a counted column, and delete,
so no writer can forget them and they commit or roll back with the write; like `grid_count`
(counts.py). Deals closed as error are kept under their status and left out when read.
Bulk loads drop the triggers (search.suspend) and rebuild every row set-based (search.resume);
`cosell db check` compares the rows with a recount and `cosell db repair` rebuilds them.

Every table is described once (`KEPT`); the DDL, the triggers, the rebuild and the recount are
generated from that description, for both dialects. Migration 0014_insights3 builds them from
this description, so changing `KEPT` (a column, a key, a watched column) needs a new migration
that drops, recreates and rebuilds the tables and reinstalls the triggers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from cosell_tui.store.counts import drop_triggers, install_triggers

#: The key columns every table starts with: (name, SQL type, expression over a referral row
#: `{r}`; `{month}` is the dialect's creation month).
_BASE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("org_id", "INTEGER", "{r}.org_id"),
    ("location_id", "INTEGER", "{r}.location_id"),
    ("month", "VARCHAR(7)", "{month}"),
    ("deal_type", "VARCHAR(40)", "{r}.deal_type"),
    ("direction", "VARCHAR(40)", "{r}.direction"),
    ("substatus", "VARCHAR(40)", "{r}.substatus"),
    ("services", "SMALLINT", "CASE WHEN {r}.partner_role IS NULL THEN 0 ELSE 1 END"),
)
#: Measures every table keeps: (name, expression over `{r}`).
_TALLY: tuple[tuple[str, str], ...] = (
    ("n", "1"),
    ("rated", "CASE WHEN {r}.value_usd IS NULL THEN 0 ELSE 1 END"),
    ("cents", "coalesce({r}.value_usd, 0)"),
)
_ACCEPT_TIMED = "{r}.direction = 'Incoming' AND {r}.accepted_at IS NOT NULL"
_WON_TIMED = "{r}.substatus = 'Won' AND {r}.closed_at IS NOT NULL"
#: Whole milliseconds between two stored times, as store/insights.py's scans compute them too.
MILLIS = {
    "sqlite": "CAST(round((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER)",
    "postgresql": "CAST(round(extract(epoch FROM {later} - {earlier}) * 1000) AS BIGINT)",
}
MONTH = {
    "sqlite": "substr({r}.{column}, 1, 7)",
    "postgresql": "to_char({r}.{column}, 'YYYY-MM')",
}


@dataclass(frozen=True, slots=True)
class Kept:
    """One aggregate table: its own key columns and measures after the common ones."""

    table: str
    keys: tuple[tuple[str, str, str], ...]
    measures: tuple[tuple[str, str], ...] = ()
    #: Keyed by the deal's solutions (a row per referral_solution).
    per_solution: bool = False

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(k[0] for k in (*_BASE_KEYS, *self.keys))

    @property
    def measure_columns(self) -> tuple[str, ...]:
        return tuple(m[0] for m in (*_TALLY, *self.measures))


KEPT: tuple[Kept, ...] = (
    Kept(
        "insights_main",
        (
            ("registration_status", "VARCHAR(40)", "coalesce({r}.registration_status, '')"),
            ("reason_code", "VARCHAR(4)", "coalesce({r}.status_reason_code, '')"),
        ),
        (
            ("accept_ms", f"CASE WHEN {_ACCEPT_TIMED} THEN {{accept_ms}} ELSE 0 END"),
            ("accept_timed", f"CASE WHEN {_ACCEPT_TIMED} THEN 1 ELSE 0 END"),
            ("win_ms", f"CASE WHEN {_WON_TIMED} THEN {{win_ms}} ELSE 0 END"),
            ("win_timed", f"CASE WHEN {_WON_TIMED} THEN 1 ELSE 0 END"),
        ),
    ),
    Kept("insights_country", (("country", "VARCHAR(2)", "{r}.country"),)),
    Kept(
        "insights_capability",
        (
            ("program", "VARCHAR(100)", "coalesce({r}.partner_program, '')"),
            ("role", "VARCHAR(40)", "coalesce({r}.partner_role, '')"),
        ),
    ),
    Kept(
        "insights_solution",
        (("solution_id", "VARCHAR(40)", "{s}.solution_id"),),
        per_solution=True,
    ),
    # "from before the range": by the month the deal was accepted / closed ('' = not yet)
    Kept("insights_accepted", (("event_month", "VARCHAR(7)", "coalesce({accepted_month}, '')"),)),
    Kept("insights_closed", (("event_month", "VARCHAR(7)", "coalesce({closed_month}, '')"),)),
)
BY_NAME = {k.table: k for k in KEPT}

#: Referral columns whose change moves a deal between rows (the update triggers watch them).
WATCHED = (
    "org_id", "location_id", "created_at", "deal_type", "direction", "substatus",
    "partner_role", "registration_status", "status_reason_code", "country", "partner_program",
    "value_usd", "accepted_at", "closed_at",
)  # fmt: skip


def _dialect(conn: Connection) -> str:
    return "sqlite" if conn.dialect.name == "sqlite" else "postgresql"


def _expr(template: str, dialect: str, r: str, s: str = "s") -> str:
    millis = MILLIS[dialect]
    return template.format(
        r=r,
        s=s,
        month=MONTH[dialect].format(r=r, column="created_at"),
        accepted_month=MONTH[dialect].format(r=r, column="accepted_at"),
        closed_month=MONTH[dialect].format(r=r, column="closed_at"),
        accept_ms=millis.format(later=f"{r}.accepted_at", earlier=f"{r}.created_at"),
        win_ms=millis.format(later=f"{r}.closed_at", earlier=f"{r}.created_at"),
    )


def _keys(k: Kept, dialect: str, r: str, s: str = "s") -> list[str]:
    return [_expr(e, dialect, r, s) for _n, _t, e in (*_BASE_KEYS, *k.keys)]


def _measures(k: Kept, dialect: str, r: str) -> list[str]:
    return [_expr(e, dialect, r) for _n, e in (*_TALLY, *k.measures)]


def create_tables(conn: Connection) -> None:
    for k in KEPT:
        keys = ", ".join(f"{n} {t} NOT NULL" for n, t, _e in (*_BASE_KEYS, *k.keys))
        measures = ", ".join(f"{m} BIGINT NOT NULL DEFAULT 0" for m in k.measure_columns)
        conn.exec_driver_sql(
            f"CREATE TABLE {k.table} ({keys}, {measures}, PRIMARY KEY ({', '.join(k.key_columns)}))"
        )


def drop_tables(conn: Connection) -> None:
    for k in KEPT:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {k.table}")


def _upsert(k: Kept, select: str) -> str:
    """INSERT of `select`'s rows, added to the rows already there."""
    cols = (*k.key_columns, *k.measure_columns)
    adds = ", ".join(f"{m} = {k.table}.{m} + excluded.{m}" for m in k.measure_columns)
    return (
        f"INSERT INTO {k.table} ({', '.join(cols)}) {select} "
        f"ON CONFLICT ({', '.join(k.key_columns)}) DO UPDATE SET {adds}"
    )


def _signed(k: Kept, dialect: str, r: str, sign: int) -> str:
    return ", ".join(m if sign > 0 else f"-({m})" for m in _measures(k, dialect, r))


def _deal_statements(dialect: str, r: str, sign: int) -> list[str]:
    """Add (sign 1) or subtract (-1) the referral row `r` (NEW / OLD) from every table."""
    out = []
    for k in KEPT:
        keys = ", ".join(_keys(k, dialect, r))
        measures = _signed(k, dialect, r, sign)
        if k.per_solution:
            select = (
                f"SELECT {keys}, {measures} FROM referral_solution s WHERE s.referral_id = {r}.id"
            )
        elif dialect == "sqlite":
            select = f"SELECT {keys}, {measures} WHERE true"
        else:
            select = f"SELECT {keys}, {measures}"
        out.append(_upsert(k, select))
    return out


def _solution_statements(dialect: str, s: str, sign: int) -> list[str]:
    """Add or subtract the referral_solution row `s` (NEW / OLD) from insights_solution."""
    k = BY_NAME["insights_solution"]
    keys = ", ".join(_keys(k, dialect, "r", s))
    select = (
        f"SELECT {keys}, {_signed(k, dialect, 'r', sign)} FROM referral r "
        f"WHERE r.id = {s}.referral_id"
    )
    return [_upsert(k, select)]


_TRIGGERS_SQLITE = (
    "insights_referral_ai",
    "insights_referral_bd",
    "insights_referral_au",
    "insights_solution_ai",
    "insights_solution_ad",
    "insights_solution_au",
)


def _sqlite_triggers() -> list[str]:
    def body(statements: Sequence[str]) -> str:
        return "BEGIN " + "; ".join(statements) + "; END"

    watched = ", ".join(WATCHED)
    d = "sqlite"
    return [
        "CREATE TRIGGER IF NOT EXISTS insights_referral_ai AFTER INSERT ON referral "
        + body(_deal_statements(d, "new", 1)),
        # before: the deal's solutions are still there to subtract (when they go after it,
        # their own trigger finds no deal and subtracts nothing)
        "CREATE TRIGGER IF NOT EXISTS insights_referral_bd BEFORE DELETE ON referral "
        + body(_deal_statements(d, "old", -1)),
        f"CREATE TRIGGER IF NOT EXISTS insights_referral_au AFTER UPDATE OF {watched} "
        "ON referral " + body([*_deal_statements(d, "old", -1), *_deal_statements(d, "new", 1)]),
        "CREATE TRIGGER IF NOT EXISTS insights_solution_ai AFTER INSERT ON referral_solution "
        + body(_solution_statements(d, "new", 1)),
        "CREATE TRIGGER IF NOT EXISTS insights_solution_ad AFTER DELETE ON referral_solution "
        + body(_solution_statements(d, "old", -1)),
        "CREATE TRIGGER IF NOT EXISTS insights_solution_au AFTER UPDATE OF referral_id, "
        "solution_id ON referral_solution "
        + body([*_solution_statements(d, "old", -1), *_solution_statements(d, "new", 1)]),
    ]


def _pg_functions() -> list[str]:
    d = "postgresql"

    def run(statements: Sequence[str]) -> str:
        return " ".join(s + ";" for s in statements)

    return [
        "CREATE OR REPLACE FUNCTION insights_referral() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {run(_deal_statements(d, 'OLD', -1))} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {run(_deal_statements(d, 'NEW', 1))} END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NULL; "
        "END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION insights_referral_solution() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {run(_solution_statements(d, 'OLD', -1))} "
        "END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {run(_solution_statements(d, 'NEW', 1))} "
        "END IF; RETURN NULL; END $$ LANGUAGE plpgsql",
    ]


_PG_TRIGGERS = {
    ("insights_referral_aiu", "referral"): (
        f"AFTER INSERT OR UPDATE OF {', '.join(WATCHED)} ON referral "
        "FOR EACH ROW EXECUTE FUNCTION insights_referral()"
    ),
    ("insights_referral_bd", "referral"): (
        "BEFORE DELETE ON referral FOR EACH ROW EXECUTE FUNCTION insights_referral()"
    ),
    ("insights_solution_aiud", "referral_solution"): (
        "AFTER INSERT OR UPDATE OF referral_id, solution_id OR DELETE ON referral_solution "
        "FOR EACH ROW EXECUTE FUNCTION insights_referral_solution()"
    ),
}


def install(conn: Connection) -> None:
    """Create the triggers that keep the tables (idempotent; does not rebuild the rows)."""
    sqlite = _dialect(conn) == "sqlite"
    install_triggers(
        conn, _sqlite_triggers() if sqlite else (), () if sqlite else _pg_functions(), _PG_TRIGGERS
    )


def drop(conn: Connection) -> None:
    """Drop the triggers (before a bulk load; `rebuild` afterwards)."""
    drop_triggers(conn, _TRIGGERS_SQLITE, _PG_TRIGGERS)


def drop_functions(conn: Connection) -> None:
    """PostgreSQL only: the trigger functions (for the downgrade)."""
    if _dialect(conn) != "sqlite":
        for name in ("insights_referral()", "insights_referral_solution()"):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}")


def recount_query(k: Kept, dialect: str) -> str:
    """What `k` should hold, recounted from the deals: its key columns then its measures."""
    keys = _keys(k, dialect, "r")
    sums = ", ".join(f"sum({m})" for m in _measures(k, dialect, "r"))
    source = "referral r"
    if k.per_solution:
        source += " JOIN referral_solution s ON s.referral_id = r.id"
    return f"SELECT {', '.join(keys)}, {sums} FROM {source} GROUP BY {', '.join(keys)}"


def rebuild(conn: Connection) -> None:
    """Recount every row of every table from the deals, set-based."""
    dialect = _dialect(conn)
    for k in KEPT:
        conn.exec_driver_sql(f"DELETE FROM {k.table}")
        cols = ", ".join((*k.key_columns, *k.measure_columns))
        conn.exec_driver_sql(f"INSERT INTO {k.table} ({cols}) {recount_query(k, dialect)}")


def mismatches(conn: Connection) -> int:
    """How many kept rows differ from a recount (rows of zeros count as absent)."""
    dialect = _dialect(conn)
    wrong = 0
    for k in KEPT:
        width = len(k.key_columns)
        cols = ", ".join((*k.key_columns, *k.measure_columns))
        kept = {
            tuple(row[:width]): tuple(row[width:])
            for row in conn.exec_driver_sql(f"SELECT {cols} FROM {k.table}")
            if any(row[width:])
        }
        actual = {
            tuple(row[:width]): tuple(int(v) for v in row[width:])
            for row in conn.exec_driver_sql(recount_query(k, dialect))
        }
        wrong += sum(1 for key in kept.keys() | actual.keys() if kept.get(key) != actual.get(key))
    return wrong
