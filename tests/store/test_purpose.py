"""The database's purpose (revision 0008_setup): demo and test databases are marked, a real
team's is not; a database filled before 0007 could only have been seeded, so it is demo."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import downgrade, upgrade
from cosell_tui.store.tables import database_purpose, mark_database
from tests import factories as f


def purpose(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return database_purpose(session)
    finally:
        engine.dispose()


def test_a_filled_database_from_before_0007_is_marked_demo(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    f.reference(engine)
    assert purpose(db_url) == "test"
    downgrade(engine, "0006")
    upgrade(engine)
    engine.dispose()
    assert purpose(db_url) == "demo"


def test_an_empty_database_is_not_marked(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    downgrade(engine, "0006")
    upgrade(engine)
    engine.dispose()
    assert purpose(db_url) is None


def test_mark_replaces_the_purpose(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with Session(engine) as session:
        mark_database(session, "demo")
        mark_database(session, "test")
        session.commit()
        assert database_purpose(session) == "test"
    engine.dispose()
