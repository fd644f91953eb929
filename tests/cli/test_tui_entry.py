"""`cosell` and `cosell demo` hand the TUI a way to open the service (the TUI itself is stubbed
here: its own tests drive it, and open the service after their first frame)."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.cli import entry, main, tui

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


@pytest.mark.parametrize("via", [main, entry.main], ids=["click", "console-script"])
def test_both_ways_in_open_the_same_tui(via: Any, db: str, opened: list[dict[str, Any]]) -> None:
    """The console script opens the TUI without click (cli/entry.py) for a command line of
    global options only: the same user, clock and mouse as through click."""
    assert via(["--db", db, "--now=" + NOW, "--user", "ben", "--no-mouse", "--mouse"]) == 0
    assert via([f"--db={db}", "--now", NOW, "--no-mouse"]) == 0
    first, second = opened
    assert (first["user"], first["mouse"]) == ("ben", True)
    assert second["mouse"] is False and second["now"] == first["now"]


@pytest.mark.parametrize(
    ("argv", "given"),
    [
        ([], {}),
        (["--db", "x.db"], {"db": "x.db"}),
        (["--db=x.db", "--db", "y.db"], {"db": "y.db"}),
        (
            ["--no-mouse", "--user", "ava", "--now", NOW],
            {"mouse_flag": False, "user": "ava", "now": NOW},
        ),
        (["--mouse"], {"mouse_flag": True}),
        (["--help"], None),
        (["-h"], None),
        (["demo"], None),
        (["--db", "x.db", "deal", "list"], None),
        (["--db"], None),  # a missing value: click's usage error
        (["--db", ""], None),
        (["--db", "--no-mouse"], None),
        (["--mouse=yes"], None),
        (["--nope"], None),
        (["--"], None),
        (["--db", "a\x00b"], None),
        (["--user", "\udcff"], None),
    ],
)
def test_what_goes_straight_to_the_tui(argv: list[str], given: dict[str, Any] | None) -> None:
    """Only the plainest command lines skip click; anything else is click's to read and say."""
    assert entry.tui_options(argv) == given


def test_a_bad_clock_is_said_the_same_way_without_click(
    capsys: pytest.CaptureFixture[str], opened: list[dict[str, Any]]
) -> None:
    said = []
    for via in (main, entry.main):
        code = via(["--now", "yesterday", "--no-mouse"])
        said.append((code, capsys.readouterr().err))
    assert said[0] == said[1]
    assert said[0][0] == 1 and said[0][1].startswith("cosell: --now: 'yesterday'")
    assert opened == []


def test_a_command_still_goes_through_click(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--db", db, "--now", NOW, "users"]) == 0
    assert "ava" in capsys.readouterr().out
    assert entry.main(["--db", db, "--bogus"]) == 2
    assert "No such option" in capsys.readouterr().err


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
