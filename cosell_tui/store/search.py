"""Full-text search over the grid's free words: deal name, customer, referral ID, CRM ID, notes.

Both backends match the same way: text is split on anything that is not a letter or digit,
lower-cased, and each typed word matches the *start* of a word ("conto" finds "Contoso").
SQLite uses an FTS5 table over `referral` (external content, kept by triggers); PostgreSQL
uses a GIN index on a `simple` tsvector expression. Neither scans the referral table.

The same module installs the triggers that bump `grid_version`, the grid cache's change
counter, and (through counts.py) drops and restores the triggers that keep the tab counts, so
bulk loaders can drop and restore everything in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.engine import Connection


def _pg_document(table: str = "") -> str:
    """The searchable text of a referral on PostgreSQL, its columns prefixed with `table`."""
    t = table
    return (
        "to_tsvector('simple'::regconfig, regexp_replace("
        f"coalesce({t}name, '') || ' ' || coalesce({t}customer_name, '') || ' ' || "
        f"{t}referral_id || ' ' || coalesce({t}crm_id, '') || ' ' || coalesce({t}notes, ''), "
        "'[^[:alnum:]]+', ' ', 'g'))"
    )


#: The searchable text of a referral on PostgreSQL; the GIN index is built on exactly this.
PG_DOCUMENT = _pg_document()
#: The same in a query: qualified, so a join with another table that has a `name` (the
#: export's account and location) is not ambiguous; PostgreSQL still matches it to the index.
PG_QUERY_DOCUMENT = _pg_document("referral.")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: Words of up to this many letters have their own prefix index in FTS5, so "e" or "en" (the
#: first keys of any filter) is one doclist, not a merge of every word that starts so.
SHORT_PREFIX = 2
_FTS_COLS = "name, customer_name, referral_id, crm_id, notes"


def _sqlite_fts(prefixes: bool = True) -> str:
    """The FTS5 table; without `prefixes` as revisions 0002–0004 had it (0005's downgrade)."""
    options = "content='referral', content_rowid='id', tokenize='unicode61 remove_diacritics 2'"
    if prefixes:
        options += f", prefix='{' '.join(str(n) for n in range(1, SHORT_PREFIX + 1))}'"
    return f"CREATE VIRTUAL TABLE IF NOT EXISTS referral_fts USING fts5({_FTS_COLS}, {options})"


_SQLITE_FTS_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS referral_fts_ai AFTER INSERT ON referral BEGIN
      INSERT INTO referral_fts(rowid, {_FTS_COLS})
      VALUES (new.id, new.name, new.customer_name, new.referral_id, new.crm_id, new.notes);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS referral_fts_ad AFTER DELETE ON referral BEGIN
      INSERT INTO referral_fts(referral_fts, rowid, {_FTS_COLS})
      VALUES ('delete', old.id, old.name, old.customer_name, old.referral_id, old.crm_id,
              old.notes);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS referral_fts_au
    AFTER UPDATE OF name, customer_name, referral_id, crm_id, notes ON referral BEGIN
      INSERT INTO referral_fts(referral_fts, rowid, {_FTS_COLS})
      VALUES ('delete', old.id, old.name, old.customer_name, old.referral_id, old.crm_id,
              old.notes);
      INSERT INTO referral_fts(rowid, {_FTS_COLS})
      VALUES (new.id, new.name, new.customer_name, new.referral_id, new.crm_id, new.notes);
    END""",
)
_SQLITE_FTS_TRIGGER_NAMES = ("referral_fts_ai", "referral_fts_ad", "referral_fts_au")
_SQLITE_FTS_FILL = "INSERT INTO referral_fts(referral_fts) VALUES ('rebuild')"
#: (table, event) pairs whose writes can change what a grid shows.
_WATCHED: tuple[tuple[str, str], ...] = (
    ("referral", "INSERT"),
    ("referral", "UPDATE"),
    ("referral", "DELETE"),
    ("team_member", "INSERT"),
    ("team_member", "UPDATE"),
    ("team_member", "DELETE"),
    ("favorite", "INSERT"),
    ("favorite", "DELETE"),
)
_BUMP = "UPDATE grid_version SET n = n + 1 WHERE id = 1"


def _version_trigger_name(table: str, event: str) -> str:
    return f"grid_version_{table}_{event.lower()}"


def install(conn: Connection) -> None:
    """Create the search structures and change-counter triggers (idempotent)."""
    if conn.dialect.name == "sqlite":
        _create_sqlite_fts(conn, prefixes=True)
        for table, event in _WATCHED:
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {_version_trigger_name(table, event)} "
                f"AFTER {event} ON {table} BEGIN {_BUMP}; END"
            )
    else:
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_referral_search ON referral USING gin ({PG_DOCUMENT})"
        )
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION grid_version_bump() RETURNS trigger AS $$ "
            f"BEGIN {_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table, event in _WATCHED:
            name = _version_trigger_name(table, event)
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            conn.exec_driver_sql(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION grid_version_bump()"
            )
    exists = conn.exec_driver_sql("SELECT count(*) FROM grid_version WHERE id = 1").scalar()
    if not exists:
        conn.exec_driver_sql("INSERT INTO grid_version (id, n) VALUES (1, 0)")


def suspend(conn: Connection) -> None:
    """Drop the per-row triggers (and the PostgreSQL search index) before a bulk load."""
    # Imported here: a grid read (which uses this module's matching) needs neither.
    from cosell_tui.store import counts, insights_kept

    counts.drop(conn)
    insights_kept.drop(conn)
    if conn.dialect.name == "sqlite":
        for name in _SQLITE_FTS_TRIGGER_NAMES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for table, event in _WATCHED:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_version_trigger_name(table, event)}")
    else:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_referral_search")
        for table, event in _WATCHED:
            name = _version_trigger_name(table, event)
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def resume(conn: Connection) -> None:
    """After a bulk load: rebuild the search index, the tab counts and the insights aggregates
    from the tables, restore triggers, bump."""
    from cosell_tui.store import counts, insights_kept

    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_SQLITE_FTS_FILL)
    install(conn)
    counts.rebuild(conn)
    counts.install(conn)
    insights_kept.rebuild(conn)
    insights_kept.install(conn)
    conn.exec_driver_sql(_BUMP)


def words(text: str) -> list[str]:
    """The words of `text` as both backends index them (letters and digits, lower case)."""
    return [w.lower() for w in _WORD.findall(text)]


def sqlite_match(phrases: Sequence[str]) -> str | None:
    """An FTS5 MATCH expression: every phrase must occur, its last word as a prefix."""
    parts = []
    for phrase in phrases:
        ws = words(phrase)
        if ws:
            parts.append('"' + " ".join(ws) + '" *' if len(ws) > 1 else f'"{ws[0]}" *')
    return " AND ".join(parts) if parts else None


def short_prefixes(phrases: Sequence[str]) -> bool:
    """Every phrase is one word short enough for the FTS5 prefix index (cheap to probe)."""
    return bool(phrases) and all(
        len(ws := words(p)) == 1 and len(ws[0]) <= SHORT_PREFIX for p in phrases
    )


def rebuild_sqlite_fts(conn: Connection, prefixes: bool = True) -> None:
    """Drop and re-create the FTS5 table and its triggers (its options changed), then fill it.

    `prefixes=False` builds the table as revisions 0002–0004 had it (0005's downgrade)."""
    for name in _SQLITE_FTS_TRIGGER_NAMES:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS referral_fts")
    _create_sqlite_fts(conn, prefixes)
    conn.exec_driver_sql(_SQLITE_FTS_FILL)


def _create_sqlite_fts(conn: Connection, prefixes: bool) -> None:
    """The FTS5 table and the triggers that keep it (idempotent; fills nothing)."""
    conn.exec_driver_sql(_sqlite_fts(prefixes))
    for ddl in _SQLITE_FTS_TRIGGERS:
        conn.exec_driver_sql(ddl)


def pg_tsquery(phrases: Sequence[str]) -> str | None:
    """A to_tsquery('simple', ...) text: words of a phrase adjacent, the last one a prefix."""
    parts = []
    for phrase in phrases:
        ws = words(phrase)
        if ws:
            parts.append("(" + " <-> ".join([*ws[:-1], ws[-1] + ":*"]) + ")")
    return " & ".join(parts) if parts else None
