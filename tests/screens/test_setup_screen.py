"""`cosell` on an empty database: the setup screen runs `cosell setup`'s use case, then the app
opens as the new admin; esc leaves with the sentence `cosell deal list` would say (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from cosell_tui.app import CosellApp
from cosell_tui.config import load_config
from cosell_tui.domain.clock import Clock
from cosell_tui.screens.main import MainScreen
from cosell_tui.screens.setup import SetupDialog
from cosell_tui.service import Service, identity, open_service
from cosell_tui.service.setup import setup_database
from tests.screens.conftest import settle

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


@pytest.fixture
def empty_app(
    tmp_path: Path, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CosellApp]:
    """The app on an empty SQLite file, as `cosell` opens it, the OS login being ava."""
    url = f"sqlite:///{tmp_path / 'team.db'}"
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


def fill(dialog: SetupDialog, values: dict[str, str]) -> None:
    for name, value in values.items():
        dialog.query_one(f"#input-{name}", Input).value = value


async def test_setup_screen_sets_up_and_opens_the_app(empty_app: CosellApp) -> None:
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


async def test_esc_leaves_with_the_not_set_up_sentence(empty_app: CosellApp) -> None:
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(empty_app.screen, SetupDialog)
        await pilot.press("escape")
        await settle(pilot)
    assert empty_app.return_code == 4
