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

Every table is described once (`BASE`, and `VARIANTS`: each base table keyed also by one
filter's columns or by the deal team's members, so a Referrals user's figures and the country,
program/role and marketplace filters are read from kept rows too); the DDL, the triggers (on
referral, referral_solution and team_member), the rebuild and the recount are generated from
that description, for both dialects. Migration 0014_insights3 builds `BASE`, 0016_insights4
`VARIANTS`; changing a table's description needs a new migration that drops, recreates and
rebuilds it and reinstalls the triggers.
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


#: What a kept table may be keyed by besides the referral row (alias → FROM item): a deal's
#: solutions (a row per referral_solution) and its team members (a row per distinct email on
#: its team: team_member does not forbid the same email twice, and the scope counts a deal
#: once). `{rid}` is the referral's id when one deal is meant (triggers), else None (recount).
RELATIONS = ("s", "m")


def _relation(alias: str, rid: str | None) -> str:
    if alias == "s":
        return "referral_solution s"
    where = "" if rid is None else f" WHERE referral_id = {rid}"
    return f"(SELECT DISTINCT referral_id, email FROM team_member{where}) m"


@dataclass(frozen=True, slots=True)
class Kept:
    """One aggregate table: its own key columns and measures after the common ones."""

    table: str
    keys: tuple[tuple[str, str, str], ...]
    measures: tuple[tuple[str, str], ...] = ()
    #: Keyed by the deal's solutions (a row per referral_solution).
    per_solution: bool = False
    #: Keyed by the deal's team members (a row per distinct email): a Referrals user's scope.
    per_member: bool = False
    #: Key columns a filter reads (a variant of a base table, `variant`). The primary key of a
    #: variant is (organisation, the member's email, creation month, the filter's other
    #: columns, location, …): a range of a user's months, or of the organisation's months with
    #: the filter's values read in it, instead of every month of every location.
    lead: tuple[tuple[str, str, str], ...] = ()

    @property
    def all_keys(self) -> tuple[tuple[str, str, str], ...]:
        if not self.lead:
            return (*_BASE_KEYS, *self.keys)
        org, location, month, *rest = _BASE_KEYS
        member = tuple(k for k in self.lead if k[0] == "email")
        others = tuple(k for k in self.lead if k[0] != "email")
        return (org, *member, month, *others, location, *rest, *self.keys)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(k[0] for k in self.all_keys)

    @property
    def measure_columns(self) -> tuple[str, ...]:
        return tuple(m[0] for m in (*_TALLY, *self.measures))

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(a for a, on in (("s", self.per_solution), ("m", self.per_member)) if on)


BASE: tuple[Kept, ...] = (
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

#: The filters the base tables cannot answer, by the columns that answer them (0016_insights4):
#: each base table gets a variant keyed by them too (`insights_main_country`, …), unless it is
#: keyed by them already (the country table answers the country filter itself).
FILTER_KEYS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "country": (("country", "VARCHAR(2)", "{r}.country"),),
    "capability": (
        ("program", "VARCHAR(100)", "coalesce({r}.partner_program, '')"),
        ("role", "VARCHAR(40)", "coalesce({r}.partner_role, '')"),
    ),
    "intent": (("intent", "VARCHAR(40)", "coalesce({r}.marketplace_intent, '')"),),
    "member": (("email", "VARCHAR(254)", "{m}.email"),),
}


def variant(base: Kept, dim: str) -> Kept | None:
    """`base` keyed by the filter `dim`'s columns too (None: `base` is keyed by them)."""
    lead = FILTER_KEYS[dim]
    names = {k[0] for k in lead}
    if names <= {k[0] for k in base.keys}:
        return None
    return Kept(
        f"{base.table}_{dim}",
        tuple(k for k in base.keys if k[0] not in names),
        base.measures,
        base.per_solution,
        base.per_member or dim == "member",
        lead,
    )


VARIANTS: tuple[Kept, ...] = tuple(
    v for b in BASE for dim in FILTER_KEYS if (v := variant(b, dim)) is not None
)
KEPT: tuple[Kept, ...] = (*BASE, *VARIANTS)
BY_NAME = {k.table: k for k in KEPT}


def table_for(base: str, dim: str) -> str:
    """The kept table answering `base`'s query under the filter `dim` ('' none)."""
    v = variant(BY_NAME[base], dim) if dim else None
    return base if v is None else v.table


#: Referral columns whose change moves a deal between rows (the update triggers watch them).
WATCHED = (
    "org_id", "location_id", "created_at", "deal_type", "direction", "substatus",
    "partner_role", "registration_status", "status_reason_code", "country", "partner_program",
    "value_usd", "accepted_at", "closed_at", "marketplace_intent",
)  # fmt: skip


def _dialect(conn: Connection) -> str:
    return "sqlite" if conn.dialect.name == "sqlite" else "postgresql"


def _expr(template: str, dialect: str, r: str, s: str = "s", m: str = "m") -> str:
    millis = MILLIS[dialect]
    return template.format(
        r=r,
        s=s,
        m=m,
        month=MONTH[dialect].format(r=r, column="created_at"),
        accepted_month=MONTH[dialect].format(r=r, column="accepted_at"),
        closed_month=MONTH[dialect].format(r=r, column="closed_at"),
        accept_ms=millis.format(later=f"{r}.accepted_at", earlier=f"{r}.created_at"),
        win_ms=millis.format(later=f"{r}.closed_at", earlier=f"{r}.created_at"),
    )


def _keys(k: Kept, dialect: str, r: str, s: str = "s", m: str = "m") -> list[str]:
    return [_expr(e, dialect, r, s, m) for _n, _t, e in k.all_keys]


def _measures(k: Kept, dialect: str, r: str) -> list[str]:
    return [_expr(e, dialect, r) for _n, e in (*_TALLY, *k.measures)]


def create_tables(conn: Connection, kept: Sequence[Kept] = KEPT) -> None:
    """The tables; on SQLite a variant's rows are stored in its primary key's order (WITHOUT
    ROWID), so a range of it is read in one pass without a look-up per row."""
    for k in kept:
        keys = ", ".join(f"{n} {t} NOT NULL" for n, t, _e in k.all_keys)
        measures = ", ".join(f"{m} BIGINT NOT NULL DEFAULT 0" for m in k.measure_columns)
        clustered = " WITHOUT ROWID" if k.lead and _dialect(conn) == "sqlite" else ""
        conn.exec_driver_sql(
            f"CREATE TABLE {k.table} ({keys}, {measures}, "
            f"PRIMARY KEY ({', '.join(k.key_columns)})){clustered}"
        )


def drop_tables(conn: Connection, kept: Sequence[Kept] = KEPT) -> None:
    for k in kept:
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


def _deal_statements(dialect: str, r: str, sign: int, kept: Sequence[Kept]) -> list[str]:
    """Add (sign 1) or subtract (-1) the referral row `r` (NEW / OLD) from every table."""
    out = []
    for k in kept:
        rels = k.relations
        keys = ", ".join(_keys(k, dialect, r))
        measures = _signed(k, dialect, r, sign)
        if rels:
            source = ", ".join(_relation(a, f"{r}.id") for a in rels)
            where = f"s.referral_id = {r}.id" if "s" in rels else "true"
            select = f"SELECT {keys}, {measures} FROM {source} WHERE {where}"
        elif dialect == "sqlite":  # SQLite's upsert needs the WHERE to parse
            select = f"SELECT {keys}, {measures} WHERE true"
        else:
            select = f"SELECT {keys}, {measures}"
        out.append(_upsert(k, select))
    return out


#: The relations' tables, their triggers' names, and the columns whose update moves a row.
_REL_TABLE = {"s": "referral_solution", "m": "team_member"}
_REL_TRIGGER = {"s": "insights_solution", "m": "insights_team_member"}
_REL_WATCHED = {"s": ("referral_id", "solution_id"), "m": ("referral_id", "email")}


def _relation_statements(
    dialect: str, alias: str, row: str, sign: int, kept: Sequence[Kept]
) -> list[str]:
    """Add or subtract the relation row `row` (NEW / OLD of `alias`'s table) from every table
    keyed by that relation: the deal's row(s) with the other relation joined. A team member's
    email counts once per deal: added, or subtracted, only when no other row of the deal has
    it. Each row's trigger must see the rows before it in its statement (SQLite's AFTER row
    triggers do, PostgreSQL's BEFORE row triggers do; its AFTER ones see the whole
    statement's end, where two rows of one email deleted together would each subtract)."""
    out = []
    for k in kept:
        if alias not in k.relations:
            continue
        others = [a for a in k.relations if a != alias]
        source = ", ".join(["referral r", *(_relation(a, f"{row}.referral_id") for a in others)])
        where = [f"r.id = {row}.referral_id"]
        if "s" in others:
            where.append("s.referral_id = r.id")
        if alias == "m":
            where.append(
                "NOT EXISTS (SELECT 1 FROM team_member t WHERE t.referral_id = "
                f"{row}.referral_id AND t.email = {row}.email AND t.id <> {row}.id)"
            )
        keys = ", ".join(
            _keys(k, dialect, "r", row if alias == "s" else "s", row if alias == "m" else "m")
        )
        select = (
            f"SELECT {keys}, {_signed(k, dialect, 'r', sign)} FROM {source} "
            f"WHERE {' AND '.join(where)}"
        )
        out.append(_upsert(k, select))
    return out


def _sqlite_names() -> list[str]:
    return [
        "insights_referral_ai", "insights_referral_bd", "insights_referral_au",
        *(f"{_REL_TRIGGER[a]}_{e}" for a in RELATIONS for e in ("ai", "ad", "au")),
    ]  # fmt: skip


def _sqlite_triggers(kept: Sequence[Kept]) -> list[str]:
    def body(statements: Sequence[str]) -> str:
        return "BEGIN " + "; ".join(statements) + "; END"

    watched = ", ".join(WATCHED)
    d = "sqlite"
    out = [
        "CREATE TRIGGER IF NOT EXISTS insights_referral_ai AFTER INSERT ON referral "
        + body(_deal_statements(d, "new", 1, kept)),
        # before: the deal's solutions and team are still there to subtract (when they go
        # after it, their own trigger finds no deal and subtracts nothing)
        "CREATE TRIGGER IF NOT EXISTS insights_referral_bd BEFORE DELETE ON referral "
        + body(_deal_statements(d, "old", -1, kept)),
        f"CREATE TRIGGER IF NOT EXISTS insights_referral_au AFTER UPDATE OF {watched} "
        "ON referral "
        + body([*_deal_statements(d, "old", -1, kept), *_deal_statements(d, "new", 1, kept)]),
    ]
    for a in RELATIONS:
        if not any(a in k.relations for k in kept):
            continue
        t, cols, name = _REL_TABLE[a], _REL_WATCHED[a], _REL_TRIGGER[a]
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
        out += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {t} "
            + body(_relation_statements(d, a, "new", 1, kept)),
            f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {t} "
            + body(_relation_statements(d, a, "old", -1, kept)),
            f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {', '.join(cols)} "
            f"ON {t} WHEN {changed} "
            + body(
                [
                    *_relation_statements(d, a, "old", -1, kept),
                    *_relation_statements(d, a, "new", 1, kept),
                ]
            ),
        ]
    return out


def _pg_functions(kept: Sequence[Kept]) -> list[str]:
    d = "postgresql"

    def run(statements: Sequence[str]) -> str:
        return " ".join(s + ";" for s in statements)

    out = [
        "CREATE OR REPLACE FUNCTION insights_referral() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {run(_deal_statements(d, 'OLD', -1, kept))} "
        "END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {run(_deal_statements(d, 'NEW', 1, kept))} "
        "END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NULL; "
        "END $$ LANGUAGE plpgsql",
    ]
    for a in RELATIONS:
        cols = _REL_WATCHED[a]
        same = " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in cols)
        subtract = run(_relation_statements(d, a, "OLD", -1, kept))
        add = run(_relation_statements(d, a, "NEW", 1, kept))
        # team_member's trigger runs BEFORE the row changes (`_relation_statements`): it lets
        # the change happen (the row); referral_solution's AFTER, its result ignored
        done = (
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
            if a in _PG_BEFORE
            else "RETURN NULL;"
        )
        out.append(
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION[a]}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {same} THEN RETURN NEW; END IF; "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {subtract or 'NULL;'} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {add or 'NULL;'} END IF; {done} "
            "END $$ LANGUAGE plpgsql"
        )
    return out


_PG_FUNCTION = {"s": "insights_referral_solution", "m": "insights_team_member"}
#: The relations whose PostgreSQL trigger runs before the row changes (`_relation_statements`).
_PG_BEFORE = frozenset({"m"})


def _pg_triggers() -> dict[tuple[str, str], str]:
    out = {
        ("insights_referral_aiu", "referral"): (
            f"AFTER INSERT OR UPDATE OF {', '.join(WATCHED)} ON referral "
            "FOR EACH ROW EXECUTE FUNCTION insights_referral()"
        ),
        ("insights_referral_bd", "referral"): (
            "BEFORE DELETE ON referral FOR EACH ROW EXECUTE FUNCTION insights_referral()"
        ),
    }
    for a in RELATIONS:
        t, cols = _REL_TABLE[a], _REL_WATCHED[a]
        when = "BEFORE" if a in _PG_BEFORE else "AFTER"
        out[(f"{_REL_TRIGGER[a]}_aiud", t)] = (
            f"{when} INSERT OR UPDATE OF {', '.join(cols)} OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION[a]}()"
        )
    return out


def install(conn: Connection, kept: Sequence[Kept] = KEPT) -> None:
    """Create the triggers that keep the tables `kept` (idempotent once dropped: `drop` first
    when they change; does not rebuild the rows)."""
    sqlite = _dialect(conn) == "sqlite"
    install_triggers(
        conn,
        _sqlite_triggers(kept) if sqlite else (),
        () if sqlite else _pg_functions(kept),
        _pg_triggers(),
    )


def drop(conn: Connection) -> None:
    """Drop the triggers (before a bulk load; `rebuild` afterwards)."""
    drop_triggers(conn, _sqlite_names(), _pg_triggers())


def drop_functions(conn: Connection) -> None:
    """PostgreSQL only: the trigger functions (for the downgrade)."""
    if _dialect(conn) != "sqlite":
        for name in ("insights_referral", *_PG_FUNCTION.values()):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")


def recount_query(k: Kept, dialect: str) -> str:
    """What `k` should hold, recounted from the deals: its key columns then its measures."""
    keys = _keys(k, dialect, "r")
    sums = ", ".join(f"sum({m})" for m in _measures(k, dialect, "r"))
    source = "referral r"
    for a in k.relations:
        source += f" JOIN {_relation(a, None)} ON {a}.referral_id = r.id"
    return f"SELECT {', '.join(keys)}, {sums} FROM {source} GROUP BY {', '.join(keys)}"


def rebuild(conn: Connection, kept: Sequence[Kept] = KEPT) -> None:
    """Recount every row of every table from the deals, set-based."""
    dialect = _dialect(conn)
    for k in kept:
        conn.exec_driver_sql(f"DELETE FROM {k.table}")
        cols = ", ".join((*k.key_columns, *k.measure_columns))
        conn.exec_driver_sql(f"INSERT INTO {k.table} ({cols}) {recount_query(k, dialect)}")


def mismatches(conn: Connection, kept: Sequence[Kept] = KEPT) -> int:
    """How many kept rows differ from a recount (rows of zeros count as absent)."""
    dialect = _dialect(conn)
    wrong = 0
    for k in kept:
        width = len(k.key_columns)
        cols = ", ".join((*k.key_columns, *k.measure_columns))
        kept_rows = {
            tuple(row[:width]): tuple(row[width:])
            for row in conn.exec_driver_sql(f"SELECT {cols} FROM {k.table}")
            if any(row[width:])
        }
        actual = {
            tuple(row[:width]): tuple(int(v) for v in row[width:])
            for row in conn.exec_driver_sql(recount_query(k, dialect))
        }
        wrong += sum(
            1 for key in kept_rows.keys() | actual.keys() if kept_rows.get(key) != actual.get(key)
        )
    return wrong
