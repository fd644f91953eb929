"""Opening a database made by an older cosell: it is upgraded, and the user is told first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cosell_tui.cli import main
from cosell_tui.demo.seed import seed
from cosell_tui.domain.clock import parse_instant
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import current_revision, downgrade, head_revision, upgrade
from tests.cli.conftest import NOW


def test_an_older_database_is_upgraded_with_a_note_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed(engine, 60, 7, now=parse_instant(NOW))
    downgrade(engine, "0004")  # as cosell left it two releases ago
    engine.dispose()

    code = main(["--db", str(path), "--now", NOW, "deal", "list", "--json"])
    first = capsys.readouterr()
    assert code == 0
    assert f"Upgrading the database from schema 0004 to {head_revision()}" in first.err
    assert "  schema 0005 done (1/" in first.err  # each step, and how far the upgrade is
    assert json.loads(first.out)["totalCount"] > 0  # --json output stays clean

    code = main(["--db", str(path), "--now", NOW, "deal", "list", "--json"])
    again = capsys.readouterr()
    assert code == 0 and "Upgrading" not in again.err
    assert again.out == first.out
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_new_database_is_set_up_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(tmp_path / "new.db"), "--now", NOW, "init"])
    assert code == 0
    assert "Upgrading" not in capsys.readouterr().err
