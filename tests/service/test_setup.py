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
