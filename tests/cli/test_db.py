"""`cosell db check` and `cosell db backup`."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from .conftest import NOW, Result, invoke, no_traceback


def run(*argv: str) -> Result:
    return invoke(["--now", NOW, *argv])


def test_a_healthy_database_passes_every_check(db: str) -> None:
    result = run("--db", db, "db", "check", "--json")
    assert result.code == 0, result.err
    found = result.json()
    assert found["healthy"] is True
    assert [c["check"] for c in found["checks"]] == [
        "schema",
        "integrity",
        "references",
        "search index",
        "tab counts",
        "insights aggregates",
    ]


def test_check_on_postgresql_too(db_url: str) -> None:
    assert run("--db", db_url, "init").code == 0
    result = run("--db", db_url, "db", "check", "--json")
    assert result.code == 0, result.err
    assert result.json()["healthy"] is True


def test_wrong_kept_counts_are_found_and_repaired(db: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE grid_count SET n = n + 5")
    conn.close()
    result = run("--db", db, "db", "check")
    no_traceback(result)
    assert result.code == 1
    assert "PROBLEM" in result.out and "tab counts" in result.out
    assert "--repair" in result.err
    repaired = run("--db", db, "db", "check", "--repair")
    assert repaired.code == 0, repaired.out + repaired.err
    assert "PROBLEM" not in repaired.out


@pytest.mark.parametrize(
    "table", ["insights_country", "insights_main_member", "insights_solution_intent"]
)
def test_wrong_insights_aggregates_are_found_and_repaired(db: str, table: str) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute(f"UPDATE {table} SET n = n + 1").rowcount
    conn.close()
    result = run("--db", db, "db", "check")
    assert result.code == 1
    assert "PROBLEM" in result.out and "insights aggregates" in result.out
    assert run("--db", db, "db", "check", "--repair").code == 0
    assert "PROBLEM" not in run("--db", db, "db", "check").out


def test_check_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = run("--db", str(path), "db", "check")
    assert result.code == 1 and "there is no database at" in result.err
    assert not path.exists()


def test_a_backup_is_a_healthy_copy_taken_while_another_writes(db: str, tmp_path: Path) -> None:
    stop = threading.Event()

    def write() -> None:
        conn = sqlite3.connect(db, timeout=30)
        while not stop.is_set():
            with conn:
                conn.execute("UPDATE referral SET notes = notes || 'x' WHERE id = 1")
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        target = tmp_path / "copy.db"
        result = run("--db", db, "db", "backup", str(target))
    finally:
        stop.set()
        writer.join()
    assert result.code == 0, result.err
    assert result.out.startswith(f"Backed up to {target}")
    assert run("--db", str(target), "db", "check").code == 0
    listed = run("--db", str(target), "deal", "list", "--json")
    assert listed.code == 0 and listed.json()["totalCount"] > 0
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_a_backup_never_overwrites(db: str, tmp_path: Path) -> None:
    target = tmp_path / "exists.db"
    target.write_text("mine", encoding="utf-8")
    result = run("--db", db, "db", "backup", str(target))
    assert result.code == 1 and "already exists" in result.err
    assert target.read_text(encoding="utf-8") == "mine"


def test_a_backup_into_a_missing_folder(db: str, tmp_path: Path) -> None:
    result = run("--db", db, "db", "backup", str(tmp_path / "no" / "copy.db"))
    assert result.code == 1 and "does not exist" in result.err


def test_postgresql_is_backed_up_with_pg_dump() -> None:
    result = run("--db", "postgresql://ava:secret@127.0.0.1:1/deals", "db", "backup", "x.db")
    assert result.code == 1
    assert "pg_dump" in result.err and "secret" not in result.err
