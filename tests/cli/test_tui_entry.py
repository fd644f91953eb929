"""`cosell` and `cosell demo` hand the TUI a way to open the service (the TUI itself is stubbed
here: its own tests drive it, and open the service after their first frame)."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.cli import main, tui

from .conftest import NOW


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_open(opener, mouse: bool, setup: object = None) -> int:
        service = opener(print)
        calls.append(
            {
                "user": service.user.username,
                "mouse": mouse,
                "counts": {tab.value: n for tab, n in service.listing.tab_counts().items()},
                "now": service.clock.now(),
            }
        )
        return 0

    monkeypatch.setattr(tui, "open_tui", fake_open)
    return calls


def test_no_subcommand_opens_the_tui(db: str, opened: list[dict[str, Any]]) -> None:
    assert main(["--db", db, "--now", NOW, "--user", "ava"]) == 0
    assert opened[0]["user"] == "ava"
    assert opened[0]["mouse"] is True
    assert sum(opened[0]["counts"].values()) > 0


def test_no_mouse(db: str, opened: list[dict[str, Any]]) -> None:
    assert main(["--db", db, "--now", NOW, "--no-mouse"]) == 0
    assert opened[0]["mouse"] is False


def test_demo_seeds_a_temporary_database_as_ava(opened: list[dict[str, Any]]) -> None:
    assert main(["--now", NOW, "demo", "--deals", "30", "--seed", "3"]) == 0
    assert opened[0]["user"] == "ava"
    assert opened[0]["now"].isoformat() == "2026-11-23T12:00:00+00:00"
    assert opened[0]["counts"]["inbound"] > 0 and opened[0]["counts"]["outbound"] > 0


def test_demo_opens_as_the_user_asked_for(opened: list[dict[str, Any]]) -> None:
    assert main(["--now", NOW, "--user", "cara", "demo", "--deals", "30"]) == 0
    assert opened[0]["user"] == "cara"


def test_unknown_user_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", db, "--now", NOW, "--user", "nobody-here", "deal", "list"])
    assert code in (1, 4)
    assert capsys.readouterr().err.startswith("cosell: ")
