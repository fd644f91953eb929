"""The administration screen (`M`): sections, the dialogs running the administration service
(the CLI's), refusals beside the fields, the catalog, accounts and partners paged from the
database with a search, imports checked and reviewed before they write, keys typed in bursts,
and a sentence instead of the screen for non-admins."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from cosell_tui.commands import live_commands
from cosell_tui.domain import AccountKind, SolutionCategory
from cosell_tui.screens import admin as admin_screen
from cosell_tui.screens import dialogs_admin as d
from cosell_tui.screens.admin import NOT_AN_ADMIN, PAGE, AdminScreen
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.widgets.pathpick import PathPicker
from tests.screens.conftest import burst, settle


async def open_admin(pilot, *keys: str) -> AdminScreen:
    """The screen, after `keys` (a section's number...) pressed on it."""
    await settle(pilot)
    await pilot.press("M")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
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
        await pilot.press("7")
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
        assert isinstance(dialog, d.UserDialog)
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
        assert isinstance(dialog, d.UserDialog) and dialog.editing == "cara"
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
        assert isinstance(app.screen, d.LocationDialog)
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
        assert isinstance(dialog, d.RateDialog)
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
        assert isinstance(app.screen, d.RateDialog)
        await burst(pilot, "escape", "7", "escape")
        assert not isinstance(app.screen, AdminScreen | d.RateDialog)
        await burst(pilot, "M", "e")  # before the rows arrive: it waits for them
        assert isinstance(app.screen, d.UserDialog) and app.screen.editing == "ava"


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


async def test_accounts_are_paged_from_the_database_and_searched(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot, "5")
        ref = app.service.reference
        total = ref.count_accounts()
        assert total > PAGE  # the demo has more than a page: only one is read
        table = screen.query_one("#accounts", DataTable)
        assert table.row_count == PAGE == len(screen.pagers["accounts"].entries)
        table.move_cursor(row=PAGE - 1)
        await settle(pilot)
        assert table.row_count == min(total, 2 * PAGE)  # the next page, as the cursor neared it
        first = ref.accounts(limit=1)[0].account
        await pilot.press("slash")
        for key in first.name.split()[0]:
            await pilot.press(key)
        await settle(pilot)
        names = [row[1] for row in cells(screen, "accounts")]
        assert first.name in names and len(names) == ref.count_accounts(first.name.split()[0])
        await pilot.press("escape")  # leaves the search line, not the screen
        await settle(pilot)
        assert app.screen is screen and table.has_focus


async def test_users_are_paged_from_the_database_and_searched(make_app, monkeypatch) -> None:
    """The users section reads a page at a time (two here), the next as the cursor nears the
    end, and searches by login or name; a change keeps the cursor on its row."""
    monkeypatch.setattr(admin_screen, "PAGE", 2)
    app = make_app()
    admin = app.service.administration
    asked: list[tuple[str, int, int]] = []
    read = admin.users

    def users(search: str, limit: int, offset: int) -> tuple:
        asked.append((search, limit, offset))
        return read(search, limit, offset)

    monkeypatch.setattr(admin, "users", users)
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        total = admin.count_users()
        assert total > 2
        table = screen.query_one("#users", DataTable)
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot)
        assert table.row_count == total == len(screen.pagers["users"].entries)
        assert {limit for _s, limit, _o in asked} == {2}  # never more than a page
        assert [offset for _s, _l, offset in asked] == list(range(0, total, 2))
        await pilot.press("slash", *"NGUY")
        await settle(pilot)
        assert [row[0] for row in cells(screen, "users")] == ["cara"]
        await pilot.press("enter", "x", "y")  # back to the table; deactivate cara
        await settle(pilot)
        assert not next(u for u in admin.users("cara", 1, 0)).active
        assert cells(screen, "users")[0][:5] == ["cara", "Cara Nguyen", "Referrals user",
                                                 "4100001", "no"]  # fmt: skip


async def test_linked_accounts_tell_apart_within_80_columns(make_app) -> None:
    """The linked entries of one customer (its sites, often of one name) differ in what an
    80-column terminal shows: the number, the Microsoft account ID and the address come before
    the columns that scroll off."""
    columns = admin_screen.COLUMNS["accounts"]
    assert [label for label, _w in columns[:5]] == ["#", "Name", "Kind", "MS ID / DUNS", "Address"]
    before_address = sum(width + 2 for _label, width in columns[:4])  # a space either side
    assert before_address + 2 + 12 <= 78  # twelve characters of the address beside a scrollbar
    app = make_app(size=(80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "5")
        entries = screen.pagers["accounts"].entries
        groups: dict[str, list[tuple[str, ...]]] = {}
        for entry, row in zip(entries, cells(screen, "accounts"), strict=True):
            if entry.account.group_key:
                groups.setdefault(entry.account.group_key, []).append(tuple(row))
        linked = [rows for rows in groups.values() if len(rows) > 1]
        assert linked  # the demo's first page has linked customers
        for rows in linked:
            for column in (0, 3, 4):  # number, Microsoft account ID, address
                assert len({row[column] for row in rows}) == len(rows), rows


async def test_own_solutions_added_and_changed_others_refused_with_a_sentence(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot, "4", "a")
        dialog = app.screen
        assert isinstance(dialog, d.SolutionDialog)
        fill(dialog, id="SOL-NEW-1", name="Fabrikam New Thing", tags="Gold")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog and "not an incentive tag" in dialog.field("tags").error
        fill(dialog, tags="AzureIPCoSell")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("slash", *"SOL-NEW", "enter")
        await settle(pilot)
        assert [row[0] for row in cells(screen, "solutions")] == ["SOL-NEW-1"]
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, d.SolutionDialog) and dialog.text("tags") == "AzureIPCoSell"
        fill(dialog, name="Fabrikam Newer Thing")
        await pilot.press("ctrl+y")
        await settle(pilot)
        found = app.service.catalog.search_solutions("SOL-NEW-1")[0]
        assert (found.name, found.azure_ip_co_sell) == ("Fabrikam Newer Thing", True)
        microsoft = app.service.catalog.search_solutions("Azure")[0]
        screen.query_one("#solutions-search", Input).value = microsoft.id
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen  # not ours: a sentence, no dialog
        assert any("changes by importing it" in n.message for n in app._notifications)


async def test_an_account_is_matched_from_its_row(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_admin(pilot)
        ref = app.service.reference
        unmanaged = ref.accounts(kind="Unmanaged", limit=1)[0].account
        managed = ref.accounts(kind="Managed", limit=1)[0].account
        await pilot.press("5")
        await settle(pilot)
        screen.query_one("#accounts-search", Input).value = unmanaged.microsoft_account_id
        await settle(pilot)
        await pilot.press("enter", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, d.MatchDialog)
        fill(dialog, managed="no-such-account")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # refused, the sentence under the form
        fill(dialog, managed=str(managed.id))  # its number (demo IDs repeat across links)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is screen, dialog.query_one("#general-error").render()
        assert cells(screen, "accounts")[0][-1].startswith(managed.name)
        assert app.service.administration.log(1)[0].action == "account_matched"
        assert managed.kind is AccountKind.MANAGED


async def choose_file(pilot, path: Path) -> d.ImportDialog:
    dialog = pilot.app.screen
    assert isinstance(dialog, d.ImportDialog)
    dialog.query_one(PathPicker).line.value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def test_an_import_is_checked_reviewed_then_written(make_app, tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.csv", tmp_path / "accounts.csv"
    bad.write_text("Account kind,Name,DUNS,Country\nDUNS,Tailspin,12x,XX\n")
    good.write_text("Account kind,Name,DUNS,Country\nDUNS,Tailspin Two,987654321,US\n")
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        before = app.service.reference.count_accounts()
        screen = await open_admin(pilot, "5", "i")
        dialog = await choose_file(pilot, bad)
        assert app.screen is dialog  # every bad line under the picker, nothing written
        said = str(dialog.query_one("#general-error").render())
        assert "Checked, nothing written" in said and "line 2:" in said
        await choose_file(pilot, good)
        review = app.screen
        assert isinstance(review, ConfirmDialog)
        assert "1 would be added" in review.body and "Adds: DUNS 987654321." in review.body
        assert app.service.reference.count_accounts() == before  # the check wrote nothing
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert app.service.reference.count_accounts() == before + 1
        assert screen.pagers["accounts"].total == before + 1
        assert app.service.administration.log(1)[0].action == "accounts_imported"


async def test_new_sections_take_keys_in_bursts(make_app, tmp_path: Path) -> None:
    """Keys typed before the screen, a section's first page or a dialog is there wait for it
    (KeyHold and the screen's `takes_keys`), in order."""
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        await burst(pilot, "M", "5", "i")
        assert isinstance(app.screen, d.ImportDialog)
        await burst(pilot, "escape", "4", "slash", "z", "z", "q")
        screen = app.screen
        assert isinstance(screen, AdminScreen) and screen.section == "solutions"
        assert screen.query_one("#solutions-search", Input).value == "zzq"  # q typed, not quit
        await burst(pilot, "escape", "6", "e", "a", "x", "7", "q")  # no edit, add, x here
        assert not isinstance(app.screen, AdminScreen)
        mine = app.service.catalog.search_solutions("", SolutionCategory.MINE)[0]
        await burst(pilot, "M", "4", "slash", *mine.id, "enter", "e")  # rows: then the edit
        assert isinstance(app.screen, d.SolutionDialog) and app.screen.editing == mine.id
