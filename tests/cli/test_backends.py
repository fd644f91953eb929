"""The command on every backend (SQLite, and PostgreSQL when COSELL_TEST_PG_URL is set):
init, seed, a read, a create, and seed --force starting over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cosell_tui.cli import main

from .conftest import NOW

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "p2p-deal.json"


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", url, "--now", NOW, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_on_backend(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "init")[0] == 0
    code, out, err = run(capsys, db_url, "seed", "--deals", "30")
    assert code == 0, err
    code, out, err = run(capsys, db_url, "deal", "list", "--tab", "inbound", "--json")
    assert code == 0, err
    assert json.loads(out)["totalCount"] > 0
    code, out, err = run(capsys, db_url, "deal", "create", str(EXAMPLE), "--json")
    assert code == 0, err
    created = json.loads(out)["referral"]
    assert (created["x-cosell"]["dealType"], created["x-cosell"]["p2p"]) == ("CoSell", True)
    assert run(capsys, db_url, "seed", "--deals", "30")[0] == 1
    code, out, err = run(capsys, db_url, "seed", "--deals", "30", "--seed", "5", "--force")
    assert code == 0, err
    code, out, err = run(capsys, db_url, "deal", "show", created["id"])
    assert code == 4  # erased with everything else
