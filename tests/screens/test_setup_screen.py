"""`cosell` on an empty database: the setup screen runs `cosell setup`'s use case, then the app
opens as the new admin, who imports the examples' reference data on the administration screen;
esc leaves with the sentence `cosell deal list` would say (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from cosell_tui.app import CosellApp
from cosell_tui.config import load_config
from cosell_tui.domain.clock import Clock
from cosell_tui.screens.admin import AdminScreen
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.main import MainScreen
from cosell_tui.screens.setup import SetupDialog
from cosell_tui.service import Service, identity, open_service
from cosell_tui.service.setup import setup_database
from cosell_tui.widgets.pathpick import PathPicker
from tests.screens.conftest import settle

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SIZE = (100, 32)
TYPED = {
    "org": "Fabrikam Consulting",
    "location_name": "Seattle",
    "partner_id": "4812345",
    "country": "us",
    "name": "Ava Lindqvist",
    "email": "ava@fabrikam.example",
    "phone": "+12065550101",
}


def _empty_app(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CosellApp]:
    """The app on an empty database, as `cosell` opens it, the OS login being ava."""
    monkeypatch.setattr(identity, "os_login", lambda: "ava")
    for name in ("COSELL_USER", "COSELL_NOW"):
        monkeypatch.delenv(name, raising=False)
    opened: list[Service] = []

    def opener(say: object) -> Service:
        opened.append(open_service(db=url))
        return opened[-1]

    def setup(values: Any) -> Any:
        return setup_database(url, values, Clock().now())

    yield CosellApp(None, load_config(), opener=opener, animations=False, setup=setup)
    for service in opened:
        service.close()


@pytest.fixture
def empty_app(
    sqlite_url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CosellApp]:
    """On an empty SQLite file."""
    yield from _empty_app(sqlite_url, monkeypatch)


@pytest.fixture
def new_team_app(
    db_url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CosellApp]:
    """On an empty SQLite file and an empty PostgreSQL schema."""
    yield from _empty_app(db_url, monkeypatch)


def fill(dialog: SetupDialog, values: dict[str, str]) -> None:
    for name, value in values.items():
        dialog.query_one(f"#input-{name}", Input).value = value


async def test_setup_screen_sets_up_and_opens_the_app(new_team_app: CosellApp) -> None:
    empty_app = new_team_app
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = empty_app.screen
        assert isinstance(dialog, SetupDialog)
        assert dialog.query_one("#input-login", Input).value == "ava"  # the OS login
        fill(dialog, {**TYPED, "email": "not an email"})
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert empty_app.screen is dialog  # refused: the form stays, with the message
        assert isinstance(dialog, SetupDialog)
        assert dialog.field("email").error
        fill(dialog, TYPED)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(empty_app.screen, MainScreen)
        assert empty_app.screen.has_service
        assert empty_app.service is not None
        assert empty_app.service.user.username == "ava"
        assert "Fabrikam Consulting" in empty_app.sub_title
        # The new admin's first day goes on in the TUI: the examples' catalog and accounts
        # import from the administration screen, each checked and reviewed first.
        await pilot.press("M")
        await settle(pilot)
        admin = empty_app.screen
        assert isinstance(admin, AdminScreen)
        for section, file in (("4", "solutions.csv"), ("5", "accounts.csv")):
            await pilot.press(section, "i")
            await settle(pilot)
            empty_app.screen.query_one(PathPicker).line.value = str(EXAMPLES / file)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(empty_app.screen, ConfirmDialog), file
            await pilot.press("y")
            await settle(pilot)
            assert empty_app.screen is admin
        reference = empty_app.service.reference
        assert reference.count_accounts() == 6
        assert admin.pagers["accounts"].total == 6
        assert empty_app.service.catalog.count_solutions() > 0


async def test_esc_leaves_with_the_not_set_up_sentence(empty_app: CosellApp) -> None:
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(empty_app.screen, SetupDialog)
        await pilot.press("escape")
        await settle(pilot)
    assert empty_app.return_code == 4
