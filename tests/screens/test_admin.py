"""The administration screen (`M`): sections, the dialogs running the administration service
(the CLI's), refusals beside the fields, and a sentence instead of the screen for non-admins."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from cosell_tui.commands import live_commands
from cosell_tui.screens.admin import NOT_AN_ADMIN, AdminScreen
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.dialogs_admin import LocationDialog, RateDialog, UserDialog
from tests.screens.conftest import burst, settle


async def open_admin(pilot) -> AdminScreen:
    await settle(pilot)
    await pilot.press("M")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    return screen


def cells(screen: AdminScreen, table: str) -> list[list[str]]:
    grid = screen.query_one(f"#{table}", DataTable)
    return [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]


def fill(dialog, **values: str) -> None:
    for name, value in values.items():
        dialog.query_one(f"#input-{name}", Input).value = value


async def test_sections_list_what_the_service_lists(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        users = app.service.administration.users()
        assert [row[0] for row in cells(screen, "users")] == [u.login for u in users]
        await pilot.press("2")
        await settle(pilot)
        assert screen.section == "locations"
        locations = app.service.administration.locations()
        assert [row[0] for row in cells(screen, "locations")] == [x.partner_id for x in locations]
        await pilot.press("3")
        await settle(pilot)
        missing = app.service.administration.missing_rates()
        assert len(cells(screen, "missing")) == len(missing)
        await pilot.press("4")
        await settle(pilot)
        assert screen.section == "log"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AdminScreen)


async def test_add_a_user_refused_then_added_and_logged(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, UserDialog)
        fill(dialog, login="eve", name="Eve Park", email="eve@fabrikam", phone="12",
             locations="4100001")  # fmt: skip
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # refused: it stays, the messages beside the fields
        assert dialog.field("email").error and dialog.field("phone").error
        fill(dialog, email="eve@fabrikam.example", phone="+12065550199")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is screen
        assert "eve" in [row[0] for row in cells(screen, "users")]
        assert app.service.administration.log(1)[0].action == "user_added"


async def test_edit_deactivate_and_reactivate_a_user(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        logins = [row[0] for row in cells(screen, "users")]
        screen.query_one("#users", DataTable).move_cursor(row=logins.index("cara"))
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, UserDialog) and dialog.editing == "cara"
        fill(dialog, name="Cara N. Nguyen")
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        cara = next(u for u in app.service.administration.users() if u.login == "cara")
        assert (cara.name, cara.active) == ("Cara N. Nguyen", False)
        await pilot.press("x", "y")
        await settle(pilot)
        assert next(u for u in app.service.administration.users() if u.login == "cara").active


async def test_locations_and_a_missing_rate_set_from_its_row(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        assert isinstance(app.screen, LocationDialog)
        fill(app.screen, partner_id="4100009", name="Munich", country="DE")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "4100009" in [row[0] for row in cells(screen, "locations")]
        await pilot.press("3")
        await settle(pilot)
        missing = app.service.administration.missing_rates()
        assert missing  # the demo's deals need some
        screen.query_one("#missing", DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RateDialog)
        assert dialog.text("month") == f"{missing[0].month:%Y-%m}"
        fill(dialog, rate="0")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "positive" in dialog.field("rate").error
        fill(dialog, rate="1.5")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert len(app.service.administration.missing_rates()) == len(missing) - 1


async def test_keys_sent_without_waiting(make_app) -> None:
    """A fast typist: open, switch to Rates, open the rate dialog and leave it, in one burst."""
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        await burst(pilot, "M", "3", "a")
        assert isinstance(app.screen, RateDialog)
        await burst(pilot, "escape", "4", "escape")
        assert not isinstance(app.screen, AdminScreen | RateDialog)
        await burst(pilot, "M", "e")  # before the rows arrive: it waits for them
        assert isinstance(app.screen, UserDialog) and app.screen.editing == "ava"


async def test_a_referrals_user_gets_a_sentence_not_the_screen(make_app) -> None:
    app = make_app(user="cara")
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        offered = {action for _title, _help, action in live_commands(app.screen)}
        assert "administration" in offered  # in the palette for everyone; the answer differs
        await pilot.press("M")
        await settle(pilot)
        assert not isinstance(app.screen, AdminScreen)
        assert any(n.message == NOT_AN_ADMIN for n in app._notifications)
