"""An installation without an optional extra says which one to install, and changes nothing."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cosell_tui.service import open_service
from cosell_tui.service.admin import seed_database
from cosell_tui.service.errors import SetupError

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _without(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == module else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_seeding_without_faker_names_the_demo_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without(monkeypatch, "faker")
    target = tmp_path / "demo.db"
    with pytest.raises(SetupError) as err:
        seed_database(f"sqlite:///{target}", 10, 1, NOW)
    assert "pip install 'cosell-tui[demo]'" in err.value.message
    assert not target.exists()


def test_postgresql_without_its_driver_names_the_postgres_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without(monkeypatch, "psycopg")
    with pytest.raises(SetupError) as err:
        open_service(db="postgresql://nobody@127.0.0.1:1/none")
    assert err.value.message == (
        "A PostgreSQL database needs psycopg, which comes with the postgres extra: "
        "pip install 'cosell-tui[postgres]'."
    )


def test_a_database_that_breaks_under_a_running_service_is_a_sentence(tmp_path: Path) -> None:
    """What the driver raises about the file reaches the user as words, never SQL (the service's
    unit of work asks environment.py), and leaves the caller able to go on."""
    from cosell_tui.demo.seed import seed
    from cosell_tui.domain.views import GridQuery, Tab
    from cosell_tui.store.db import make_engine
    from cosell_tui.store.migrate import upgrade

    path = tmp_path / "team.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed(engine, 20, 3, now=NOW)
    engine.dispose()
    service = open_service(db=str(path), user="ava", now=NOW.isoformat())
    try:
        assert service.listing.count(GridQuery(Tab.INBOUND)) >= 0
        service._ctx.shared.engine.dispose()  # the next read opens the file again
        for leftover in tmp_path.glob("team.db-*"):
            leftover.unlink()
        path.write_bytes(b"this is not a database file at all" * 200)
        with pytest.raises(SetupError) as err:
            service.listing.count(GridQuery(Tab.INBOUND))
        assert err.value.message == f"{path} is not a cosell database, or it is damaged"
    finally:
        service.close()
