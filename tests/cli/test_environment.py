"""A database or config the command cannot use is the user's environment, not a bug: one
sentence, exit 1 (3 for a lock), never exit 70 and never SQL, driver or SQLAlchemy text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cosell_tui.service.environment import database_problem
from cosell_tui.store.migrate import head_revision

from .conftest import NOW, Result, invoke, no_traceback

#: Words that would mean the driver's or SQLAlchemy's own text reached the user.
LEAKS = ("sqlite3", "sqlalchemy", "OperationalError", "DatabaseError", "psycopg", "SELECT",
         "PRAGMA", "Background on this error", "internal error", "COSELL_DEBUG")  # fmt: skip


def run(*argv: str) -> Result:
    return invoke(["--now", NOW, *argv])


def one_sentence(result: Result, code: int) -> str:
    no_traceback(result)
    assert result.code == code, result.err
    assert result.err.startswith("cosell: ") and result.err.count("\n") == 1, result.err
    for word in LEAKS:
        assert word not in result.err, result.err
    return result.err


def test_a_database_in_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "nonexistent" / "dir" / "x.db"
    err = one_sentence(run("--db", str(path), "deal", "list"), 1)
    assert err == (
        f"cosell: cannot open the database {path}: its folder {path.parent} does not exist\n"
    )


def test_the_nonexistent_path_of_the_docs() -> None:
    err = one_sentence(run("--db", "/nonexistent/dir/x.db", "deal", "list"), 1)
    assert "/nonexistent/dir" in err


def test_a_folder_given_as_the_database(tmp_path: Path) -> None:
    err = one_sentence(run("--db", str(tmp_path), "init"), 1)
    assert "it is a folder, not a file" in err


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    err = one_sentence(run("--db", str(path), "deal", "list"), 1)
    assert err == f"cosell: {path} is not a cosell database, or it is damaged\n"


def test_a_locked_database_is_exit_3(db: str) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")  # nobody else may read or write until we let go
        err = one_sentence(run("--db", db, "deal", "list"), 3)
        assert "is locked" in err and "try again" in err
    finally:
        holder.close()
    assert run("--db", db, "deal", "list", "--json").code == 0


def test_a_database_of_a_newer_cosell_is_refused_untouched(db: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    before = Path(db).read_bytes()
    err = one_sentence(run("--db", db, "deal", "list"), 1)
    assert "is at schema 0099, made by a newer cosell" in err
    assert f"schemas up to {head_revision()}" in err and "nothing was changed" in err
    assert "Upgrading" not in err
    assert Path(db).read_bytes() == before


def test_an_unknown_kind_of_database_url() -> None:
    err = one_sentence(run("--db", "mongodb://localhost/deals", "deal", "list"), 1)
    assert "is not a database cosell can open" in err


def test_a_database_server_that_does_not_answer() -> None:
    """Port 1 on the loopback: nothing listens, the connection is refused at once."""
    err = one_sentence(run("--db", "postgresql://ava:secret@127.0.0.1:1/deals", "deal", "list"), 1)
    assert "cannot connect to the database postgresql://ava:***@127.0.0.1:1/deals" in err
    assert "secret" not in err


def test_a_config_path_that_is_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(tmp_path))
    err = one_sentence(run("deal", "list"), 1)
    assert err.startswith(f"cosell: {tmp_path}: cannot read")


def test_a_broken_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text('user = "ava"\nmouse = [\n', encoding="utf-8")
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(config))
    err = one_sentence(run("deal", "list"), 1)
    assert err.startswith(f"cosell: {config}")


class _Fake(Exception):
    """Stands for a driver's error class, matched by name as the CLI does."""


def _named(module: str, name: str, **attributes: object) -> Exception:
    cls = type(name, (Exception,), {"__module__": module})
    error = cls("the driver's own words, with SQL: SELECT 1")
    for key, value in attributes.items():
        setattr(error, key, value)
    return error


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (_named("sqlite3", "Error", sqlite_errorname="SQLITE_BUSY"), 3, "is locked"),
        (_named("sqlite3", "Error", sqlite_errorname="SQLITE_FULL"), 1, "is full"),
        (_named("sqlite3", "Error", sqlite_errorname="SQLITE_READONLY"), 1, "read-only"),
        (_named("psycopg", "Error", sqlstate="55P03"), 3, "busy"),
        (_named("psycopg", "Error", sqlstate="28P01"), 1, "refused the login"),
        (_named("psycopg", "Error", sqlstate="3D000"), 1, "does not exist"),
        (_named("sqlalchemy.exc", "TimeoutError"), 3, "busy"),
        # a unique key taken between a check and the write: a race lost (test_races.py)
        (_named("psycopg", "Error", sqlstate="23505"), 3, "at the same moment"),
        (_named("sqlite3", "Error", sqlite_errorname="SQLITE_CONSTRAINT_UNIQUE"), 3, "same"),
    ],
)
def test_driver_errors_become_sentences(error: Exception, code: int, words: str) -> None:
    found = database_problem(error, "deals.db", "deals.db")
    assert found is not None
    sentence, conflict = found
    assert (3 if conflict else 1, words in sentence) == (code, True), sentence
    assert "SELECT" not in sentence and "driver" not in sentence


@pytest.mark.parametrize(
    "error",
    [
        _named("sqlite3", "Error", sqlite_errorname="SQLITE_ERROR"),  # wrong SQL: our bug
        _named("psycopg", "Error", sqlstate="42P01"),  # undefined table: our bug
        _named("psycopg", "Error", sqlstate="23503"),  # a foreign key: our bug
        _named("sqlite3", "Error", sqlite_errorname="SQLITE_CONSTRAINT_NOTNULL"),
        _Fake("anything else"),
    ],
)
def test_bugs_stay_bugs(error: Exception) -> None:
    assert database_problem(error, "deals.db", "deals.db") is None


def test_the_tui_ends_with_the_same_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The TUI opens the database after its first frame; a refusal then ends it with its
    sentence and exit code (app.py), so the opener hands it ours, not the driver's error."""
    from cosell_tui.cli import main, tui
    from cosell_tui.service.errors import CosellError

    told: list[tuple[int, str]] = []

    def fake_open(opener, mouse: bool, setup: object = None) -> int:
        try:
            opener(print)
        except CosellError as exc:
            told.append((exc.exit_code, exc.message))
            return exc.exit_code
        return 0

    monkeypatch.setattr(tui, "open_tui", fake_open)
    path = tmp_path / "missing" / "x.db"
    assert main(["--db", str(path), "--now", NOW]) == 1
    assert told == [
        (1, f"cannot open the database {path}: its folder {path.parent} does not exist")
    ]


def test_users_on_a_new_database(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "new.db"), "users")
    no_traceback(result)
    assert result.code == 0, result.err
    assert "No users yet" in result.out


def test_a_database_damaged_after_its_first_pages(db: str, tmp_path: Path) -> None:
    """The header is fine, the rest is noise: the first read of a damaged page says so."""
    import random

    data = bytearray(Path(db).read_bytes())
    noise = random.Random(7).randbytes(len(data) - 8192)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data[:8192]) + noise)
    err = one_sentence(run("--db", str(damaged), "deal", "list"), 1)
    assert "is not a cosell database, or it is damaged" in err
