"""Is a database healthy, and a consistent copy of one: `cosell db check` and `cosell db backup`.

`check` reads only (it runs in a transaction that is rolled back): the file's integrity
(SQLite's quick_check and foreign keys; PostgreSQL checks its own pages), the search index
against the deals, the kept tab counts (grid_count) and insights aggregates against a recount,
and the schema revision. `repair` rebuilds what can be rebuilt from the deals (counts,
aggregates, SQLite's search index).
`backup_sqlite` copies a live SQLite file with SQLite's online backup API, so others may keep
working; the copy is written next to the target and renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from cosell_tui.store import counts, insights_kept
from cosell_tui.store.migrate import HEAD, current_revision


@dataclass(frozen=True, slots=True)
class Finding:
    """One check: what was looked at, whether it is fine, and what was found."""

    what: str
    ok: bool
    detail: str
    repairable: bool = False


def _integrity(conn: Connection) -> list[Finding]:
    if conn.dialect.name != "sqlite":
        conn.execute(text("SELECT count(*) FROM referral")).scalar_one()
        return [Finding("integrity", True, "the server checks its own pages; tables readable")]
    said = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    findings = [
        Finding("integrity", said == ["ok"], "ok" if said == ["ok"] else "; ".join(said[:5]))
    ]
    orphans = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    findings.append(
        Finding(
            "references",
            not orphans,
            "every reference points to a row"
            if not orphans
            else f"{len(orphans):,} rows point to rows that do not exist",
        )
    )
    return findings


def _search_index(conn: Connection) -> Finding:
    if conn.dialect.name != "sqlite":
        valid = conn.execute(
            text(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = 'ix_referral_search' AND pg_table_is_visible(c.oid)"
            )
        ).scalar()
        ok = bool(valid)
        return Finding("search index", ok, "valid" if ok else "missing or invalid", not ok)
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(
                "INSERT INTO referral_fts(referral_fts, rank) VALUES ('integrity-check', 1)"
            )
    except Exception as exc:  # SQLITE_CORRUPT_VTAB: the index and the deals disagree
        if "malformed" not in str(exc) and "corrupt" not in str(exc).lower():
            raise
        return Finding("search index", False, "does not match the deals", True)
    return Finding("search index", True, "matches the deals")


def _kept_counts(conn: Connection) -> Finding:
    kept = {
        tuple(row[:4]): row[4]
        for row in conn.execute(
            text("SELECT org_id, location_id, tab, user_id, n FROM grid_count WHERE n <> 0")
        )
    }
    actual: dict[tuple[object, ...], int] = {}
    for sql in counts.recount_queries():
        for row in conn.execute(text(sql)):
            actual[tuple(row[:4])] = row[4]
    wrong = {key for key in kept.keys() | actual.keys() if kept.get(key) != actual.get(key)}
    if not wrong:
        return Finding("tab counts", True, f"{len(actual):,} kept counts match a recount")
    return Finding("tab counts", False, f"{len(wrong):,} of the kept counts are wrong", True)


def _kept_insights(conn: Connection) -> Finding:
    wrong = insights_kept.mismatches(conn)
    if not wrong:
        return Finding("insights aggregates", True, "match a recount of the deals")
    return Finding("insights aggregates", False, f"{wrong:,} kept rows are wrong", True)


def check(engine: Engine) -> list[Finding]:
    """Every check, on a current schema (an older one is upgraded by whoever opens it)."""
    at = current_revision(engine)
    behind = "" if at == HEAD else f", expected {HEAD} (any command upgrades it)"
    findings = [Finding("schema", at == HEAD, f"revision {at}{behind}")]
    with engine.connect() as conn:
        try:
            findings += _integrity(conn)
            if all(f.ok for f in findings):
                findings.append(_search_index(conn))
                findings.append(_kept_counts(conn))
                findings.append(_kept_insights(conn))
        finally:
            conn.rollback()
    return findings


def repair(engine: Engine) -> None:
    """Rebuild the kept counts, the insights aggregates and (SQLite) the search index from the
    deals, in one transaction."""
    with engine.begin() as conn:
        counts.rebuild(conn)
        insights_kept.rebuild(conn)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("INSERT INTO referral_fts(referral_fts) VALUES ('rebuild')")
        else:
            conn.exec_driver_sql("REINDEX INDEX ix_referral_search")


def backup_sqlite(source: str, target: Path, pages: int = 4096) -> int:
    """Copy the SQLite file `source` to `target` (which must not exist) with the online backup
    API: writers elsewhere go on, and the copy is one consistent moment. Returns its size."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=pages)
            said = dst.execute("PRAGMA quick_check").fetchone()
            if said is None or said[0] != "ok":
                raise sqlite3.DatabaseError("the copy does not pass SQLite's quick_check")
        finally:
            dst.close()
        os.replace(partial, target)
    finally:
        src.close()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target.stat().st_size
