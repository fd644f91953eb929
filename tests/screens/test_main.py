"""Pilot tests of the main screen: keys in, service state and screen state out.

Every test runs on its own copy of the seeded demo database (tests/screens/conftest.py) with a
fixed clock, and checks what the service says after the keys, not only what the screen shows.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select

from cosell_tui.config import load_config
from cosell_tui.domain import CloseReason, Direction, Substatus
from cosell_tui.domain.views import DealRow, GridQuery, SortKey, Tab
from cosell_tui.screens.main import MainScreen
from cosell_tui.widgets import grid as grid_module
from cosell_tui.widgets.filterline import FilterLine
from cosell_tui.widgets.tabbar import TabBar, tab_label
from tests.screens.conftest import burst, settle

SIZE = (160, 48)


def main_of(app) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), f"expected the main screen, got {screen!r}"
    return screen


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def start(pilot) -> MainScreen:
    await settle(pilot)
    return main_of(pilot.app)


def row_at(main: MainScreen, index: int) -> DealRow:
    """The grid's row at `index`, which the test needs loaded."""
    row = main.grid.row_at(index)
    assert row is not None, f"row {index} is not loaded"
    return row


def selected(main: MainScreen) -> DealRow:
    return row_at(main, main.grid.cursor)


def first_row(main: MainScreen, predicate) -> int:
    """Move the cursor to the first loaded row matching `predicate`; return its index."""
    grid = main.grid
    for index in range(grid.total):
        row = grid.row_at(index)
        if row is not None and predicate(row):
            grid.move_to(index)
            return index
    pytest.fail("no row matches in the demo data")


# --- tabs, counts, cursor -------------------------------------------------------------------------


async def test_tabs_show_counts_and_switch_by_number_and_brackets(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        counts = app.service.listing.tab_counts()
        tabs = main.query_one(TabBar)
        for tab in Tab:
            assert tab_label(tab, tabs.counts) == f"{tab.label} {counts[tab]:,}"
        labels = tabs.render_line(0).text
        assert all(f"{tab.label} {counts[tab]:,}" in labels for tab in Tab)
        assert main.grid.total == counts[Tab.INBOUND] > 0

        await pilot.press("2")
        await settle(pilot)
        assert main.tab is Tab.OUTBOUND and tabs.active is Tab.OUTBOUND
        assert main.grid.total == counts[Tab.OUTBOUND]
        assert all(r.direction is Direction.OUTGOING for r in main.grid.loaded_rows())

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert main.tab is Tab.FAVORITES
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert main.tab is Tab.INBOUND  # wraps round
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert main.tab is Tab.CLOSED
        assert main.grid.total == counts[Tab.CLOSED]
        assert all(
            r.substatus.label in {"Won", "Lost", "Declined", "Expired", "Error"}
            for r in main.grid.loaded_rows()
        )


async def test_cursor_pages_through_sql_in_small_pages(make_app, monkeypatch) -> None:
    # Small pages make the 120-deal demo span many pages, so paging is really exercised.
    monkeypatch.setattr(grid_module, "PAGE_SIZE", 7)
    monkeypatch.setattr(grid_module, "CACHED_PAGES", 4)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        main = await start(pilot)
        await pilot.press("4")  # Closed: the biggest tab of the demo
        await settle(pilot)
        grid = main.grid
        total = grid.total
        assert total > 20
        expected = app.service.listing.page(grid.grid_query, 0, total).rows

        await pilot.press("j", "j", "down")
        assert grid.cursor == 3
        await pilot.press("k")
        assert grid.cursor == 2
        await pilot.press("G")
        await settle(pilot)
        assert grid.cursor == total - 1
        assert grid.selected == expected[-1]
        assert len(grid._window.pages) <= 6  # the LRU keeps a few pages (never evicts visible ones)
        await pilot.press("g")
        await settle(pilot)
        assert grid.cursor == 0 and grid.selected == expected[0]
        await pilot.press("pagedown")
        await settle(pilot)
        page = grid._visible_height()
        assert grid.cursor == page and grid.selected == expected[page]
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert grid.cursor == page + page // 2
        assert grid.selected == expected[page + page // 2]
        await pilot.press("ctrl+u", "pageup")
        await settle(pilot)
        assert grid.cursor == 0
        await pilot.press("end")
        await settle(pilot)
        assert grid.selected == expected[-1]


async def test_double_click_moves_the_cursor_without_crashing(make_app) -> None:
    # Regression: a `query` property on the grid shadowed Textual's DOMNode.query(), so the
    # double-click's select-all raised "'GridQuery' object is not callable" and closed the app.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.click(main.grid, offset=(5, 3), times=2)
        await settle(pilot)
        assert app.is_running
        assert main.grid.cursor == 2  # the header is line 0


# --- sort and filter ------------------------------------------------------------------------------


async def test_sort_cycles_columns_and_reverses(make_app, config_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert main.grid.grid_query.sort is None  # Outbound: newest first by default
        default = app.service.listing.page(GridQuery(Tab.OUTBOUND), 0, 5).rows
        assert [r.id for r in main.grid.loaded_rows()[:5]] == [r.id for r in default]

        await pilot.press("s")
        await settle(pilot)
        assert main.grid.grid_query.sort is SortKey.NAME and not main.grid.grid_query.descending
        names = [r.name for r in main.grid.loaded_rows()]
        assert names == [
            r.name for r in app.service.listing.page(main.grid.grid_query, 0, len(names)).rows
        ]
        await pilot.press("S")
        await settle(pilot)
        assert main.grid.grid_query.descending
        reversed_first = row_at(main, 0)
        assert reversed_first == app.service.listing.page(main.grid.grid_query, 0, 1).rows[0]

        saved = tomllib.loads(config_file.read_text())["tabs"]["outbound"]
        assert saved == {"sort": "name", "descending": True}


async def test_filter_applies_as_typed_and_invalid_query_shows_inline(
    make_app, config_file: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        before = main.grid.total
        country = row_at(main, 0).country
        await pilot.press("slash")
        line = main.query_one(FilterLine)
        assert line.input.has_focus
        line.input.value = f"country:{country}"
        await settle(pilot)
        grid = main.grid
        assert grid.grid_query.text == f"country:{country}"
        assert 0 < grid.total <= before
        assert grid.total == app.service.listing.count(GridQuery(Tab.INBOUND, f"country:{country}"))
        assert all(r.country == country for r in grid.loaded_rows())
        assert line.error is None

        line.input.value = "bogusfield:1"
        await settle(pilot)
        expected = app.service.listing.check_filter("bogusfield:1")
        assert expected  # the service refuses it ...
        assert line.error == expected  # ... and the line says why, inline
        assert line.has_class("-invalid")
        assert grid.grid_query.text == f"country:{country}"  # the list keeps the last valid filter

        await pilot.press("escape")
        assert grid.has_focus
        saved = tomllib.loads(config_file.read_text())["tabs"]["inbound"]
        assert saved["filter"] == f"country:{country}"


# --- triage on one deal ---------------------------------------------------------------------------


async def test_favourite_toggle_updates_row_and_favorites_count(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: not r.favorite)
        row = row_at(main, index)
        before = app.service.listing.tab_counts()[Tab.FAVORITES]
        await pilot.press("f")
        await settle(pilot)
        assert app.service.listing.row(row.id).favorite
        assert main.counts[Tab.FAVORITES] == before + 1
        assert row_at(main, index).favorite
        await pilot.press("f")
        await settle(pilot)
        assert not app.service.listing.row(row.id).favorite


async def test_accept_through_the_dialog(make_app) -> None:
    from cosell_tui.screens.dialogs import AcceptDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = row_at(main, index)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)
        assert app.screen.detail is not None
        assert app.screen.detail.row.id == row.id
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
        assert app.service.listing.row(row.id).substatus is Substatus.ACCEPTED
        assert any("ccept" in n for n in notices(app))


async def test_decline_with_reason(make_app) -> None:
    from cosell_tui.screens.dialogs import DeclineDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        inbound = main.grid.total
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = row_at(main, index)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeclineDialog)
        dialog.query_one("#input-reason", Select).value = CloseReason.NOT_A_CUSTOMER
        await pilot.press("ctrl+y")
        await settle(pilot)
        # A terminal transition is confirmed, inside the dialog: nothing has changed yet.
        assert app.screen is dialog and dialog.has_class("-confirming")
        assert app.service.listing.row(row.id).substatus is row.substatus
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
        assert app.service.listing.row(row.id).substatus is Substatus.DECLINED
        assert main.grid.total == inbound - 1
        assert main.counts[Tab.INBOUND] == inbound - 1
        assert row.id not in {r.id for r in main.grid.loaded_rows()}
        assert main.grid.cursor == min(index, main.grid.total - 1)  # stays where it was


async def test_refused_action_says_why(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        first_row(main, lambda r: r.substatus is Substatus.ACCEPTED)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is main  # no dialog for an action the rules refuse
        detail = app.service.listing.deal(selected(main).id)
        from cosell_tui.domain import Action

        assert Action.ACCEPT not in detail.decision.allowed
        assert notices(app), "the refusal is reported"


async def test_a_conflict_keeps_what_was_typed_and_says_who_changed_what(
    make_app, open_demo
) -> None:
    from textual.widgets import Input

    from cosell_tui.screens.dialogs import AcceptDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = row_at(main, index)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AcceptDialog)
        dialog.query_one("#input-notes", Input).value = "My own notes, typed at length"
        # Someone else answers the referral while the dialog is open.
        other = open_demo("ava")
        current = other.listing.row(row.id)
        other.lifecycle.decline(row.id, current.version, CloseReason.OTHERS, "taken by a colleague")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # still open, with what the user typed
        assert dialog.query_one("#input-notes", Input).value == "My own notes, typed at length"
        said = str(dialog.query_one("#general-error").render())
        assert "Changed by Ava" in said and "Declined" in said
        await pilot.press("ctrl+y")  # apply again: the rules now refuse, in words
        await settle(pilot)
        assert app.screen is dialog
        assert "closed" in str(dialog.query_one("#general-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        assert app.service.listing.row(row.id).substatus is Substatus.DECLINED  # theirs stands


async def test_after_a_conflict_the_kept_values_apply_to_the_deal_as_it_now_is(
    make_app, open_demo
) -> None:
    from textual.widgets import Input

    from cosell_tui.screens.deal import DealScreen
    from cosell_tui.screens.dialogs_edit import DetailsDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("2")
        await settle(pilot)
        row = selected(main)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DetailsDialog)
        dialog.query_one("#input-notes", Input).value = "Notes from the dialog"
        other = open_demo("ava")
        detail = other.listing.deal(row.id)
        stage = detail.decision.stages[-1]
        other.lifecycle.mark_stage(row.id, detail.row.version, stage)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog and "Changed by" in str(
            dialog.query_one("#general-error").render()
        )
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        saved = app.service.listing.deal(row.id)
        assert saved.notes == "Notes from the dialog" and saved.row.stage_pct == stage


# --- marks and bulk -------------------------------------------------------------------------------


async def test_bulk_accept_reports_refusals_per_deal(make_app) -> None:
    from cosell_tui.screens.bulk import BulkResultsScreen
    from cosell_tui.screens.dialogs import ConfirmDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        pending = selected(main)
        await pilot.press("space")
        first_row(main, lambda r: r.substatus is Substatus.ACCEPTED)
        accepted = selected(main)
        await pilot.press("space")
        assert main.grid.marked == {pending.id, accepted.id}
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "2" in app.screen.title_text
        await pilot.press("y")
        await settle(pilot)
        assert app.service.listing.row(pending.id).substatus is Substatus.ACCEPTED
        assert notices(app)[-1] == "Accept: 1 done, 1 not done"
        results = app.screen
        assert isinstance(results, BulkResultsScreen)  # every deal's line, to read at leisure
        lines = [str(o.prompt) for o in results.query_one(OptionList).options]
        assert lines[0].startswith(f"✘ #{accepted.id} {accepted.name}: ")
        assert f"✔ #{pending.id} {pending.name}" in lines
        await pilot.press("f")
        assert len(results.query_one(OptionList).options) == 1  # only the failures
        await pilot.press("m")  # mark the failures again, for a retry
        await settle(pilot)
        assert app.screen is main
        assert main.grid.marked == {accepted.id}


async def test_marks_range_all_and_clear(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        grid = main.grid
        await pilot.press("space", "j", "j", "v")
        await settle(pilot)
        assert grid.marked == {row_at(main, i).id for i in range(4)}
        await pilot.press("u")
        assert grid.marked == set()
        await pilot.press("asterisk")
        await settle(pilot)
        assert len(grid.marked) == grid.total


async def test_bulk_favourite_after_confirmation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        ids = [row_at(main, i).id for i in range(2)]
        already = [i for i in ids if app.service.listing.row(i).favorite]
        await pilot.press("space", "space", "F")  # space marks and moves down
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert all(app.service.listing.row(i).favorite for i in ids)
        done = len(ids) - len(already)
        expected = f"♥: {done} done" + (f", {len(already)} already so" if already else "")
        assert notices(app)[-1] == expected  # a deal already starred is not "added"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main and not main.grid.marked


async def test_bulk_favourite_takes_the_heart_off_when_all_have_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        ids = [row_at(main, i).id for i in range(2)]
        for deal in ids:
            app.service.listing.set_favorite(deal, True)
        main.grid.reload()
        await settle(pilot)
        await pilot.press("space", "space", "F")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not any(app.service.listing.row(i).favorite for i in ids)
        assert notices(app)[-1] == "Unstar: 2 done"


# --- columns and preview --------------------------------------------------------------------------


async def test_column_chooser_persists_in_config(make_app, config_file: Path) -> None:
    from textual.widgets import SelectionList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("c")
        await settle(pilot)
        selection = app.screen.query_one(SelectionList)
        selection.select("crm")
        selection.deselect("country")
        await pilot.press("enter")
        await settle(pilot)
        assert "crm" in main.grid.columns and "country" not in main.grid.columns
    saved = load_config(config_file).tab("inbound").columns
    assert saved is not None and "crm" in saved and "country" not in saved

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        assert main.grid.columns == saved


async def test_column_chooser_refuses_more_than_nine_columns(make_app) -> None:
    from textual.widgets import SelectionList

    from cosell_tui.screens.pickers import ColumnChooser

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        before = main.grid.columns
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(SelectionList).select_all()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ColumnChooser), "saved more than nine columns"
        assert any("Up to 9 columns" in n.message for n in app._notifications)
        assert main.grid.columns == before


async def test_preview_follows_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        preview = main.preview  # made when first asked for
        assert not preview.display
        await pilot.press("p")
        await settle(pilot)
        assert preview.display
        body = str(preview.query_one("#preview-body").render())
        assert selected(main).name in body
        await pilot.press("j")
        await settle(pilot)
        body = str(preview.query_one("#preview-body").render())
        assert selected(main).name in body
        assert "Registration" in body


async def test_help_lists_live_bindings(make_app) -> None:
    from cosell_tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        descriptions = {d for _, d, _ in app.screen.rows}
        assert {"Accept", "Decline", "Filter", "Mark", "Sort: next column"} <= descriptions
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


async def test_keymap_from_config_remaps_a_binding(make_app, config_file: Path) -> None:
    config_file.write_text('[keymap]\n"main.favorite" = "z"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: not r.favorite)
        row = row_at(main, index)
        await pilot.press("f")  # the default key no longer does it ...
        await settle(pilot)
        assert not app.service.listing.row(row.id).favorite
        await pilot.press("z")  # ... the remapped one does
        await settle(pilot)
        assert app.service.listing.row(row.id).favorite


# --- other screens and the palette ----------------------------------------------------------------


async def test_enter_opens_the_deal_and_n_the_wizard(make_app) -> None:
    from cosell_tui.screens.deal import DealScreen
    from cosell_tui.screens.wizard import NewDealScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert app.screen.deal_id == row_at(main, 1).id
        app.screen.dismiss(None)
        await settle(pilot)
        assert app.screen is main
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewDealScreen)


async def test_close_as_error_asks_reason_and_confirmation(make_app) -> None:
    from cosell_tui.domain import ErrorReason
    from cosell_tui.screens.dialogs import ErrorDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("2")
        await settle(pilot)
        row = selected(main)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        app.screen.query_one("#input-reason", Select).value = ErrorReason.TEST_REFERRAL
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog) and app.screen.has_class("-confirming")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.service.listing.row(row.id).substatus is Substatus.ERROR
        assert row.id not in {r.id for r in main.grid.loaded_rows()}


async def test_palette_finds_a_deal_by_name_and_opens_it(make_app) -> None:
    from textual.command import CommandInput, CommandPalette

    from cosell_tui.screens.deal import DealScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        target = row_at(main, 3)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(CommandInput).value = target.referral_id
        for _ in range(20):
            await pilot.pause(0.05)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert app.screen.deal_id == target.id


async def test_tab_keys_in_one_burst_settle_on_the_last_one(make_app) -> None:
    """Two or more tab keys in one read used to bounce between the tab bar and the screen
    forever (a livelock at ~60 % of a core): any burst now ends on the tab of its last key."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await burst(pilot, "right_square_bracket", "right_square_bracket")
        assert main.tab is Tab.FAVORITES and main.query_one(TabBar).active is Tab.FAVORITES
        await burst(pilot, "1", "2", "3", "4", "2", "left_square_bracket", "3")
        assert main.tab is Tab.FAVORITES
        assert main.grid.grid_query.tab is Tab.FAVORITES and main.grid.loaded
        await burst(pilot, *["right_square_bracket"] * 9)  # favorites + 9, round the four
        assert main.tab is Tab.CLOSED
        await pilot.press("j")  # still answers a key at once
        assert main.grid.cursor == 1


async def test_an_empty_result_says_why_and_what_to_press(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("slash")
        main.query_one(FilterLine).input.value = "country:AQ"
        await settle(pilot)
        grid = main.grid
        assert grid.total == 0
        first_line = grid.render_line(1).text
        assert "No deals match the filter “country:AQ”" in first_line
        assert "press / to change it" in first_line


async def test_keys_typed_while_the_wizard_opens_land_in_it(make_app) -> None:
    """A fast typist presses n and starts the customer's name before the wizard is drawn."""
    from textual.widgets import Input

    from cosell_tui.screens.wizard import NewDealScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await burst(pilot, "n", "C", "o", "n", "t")
        assert isinstance(app.screen, NewDealScreen)
        assert app.screen.query_one("#customer-name", Input).value == "Cont"


async def test_cursor_keys_typed_before_the_first_rows_are_kept(make_app) -> None:
    """j j typed as the app opens (or a tab is switched to) count once the rows arrive."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "j", "j")
        main = await start(pilot)
        assert main.grid.cursor == 2
        await burst(pilot, "right_square_bracket", "j")
        assert main.grid.grid_query.tab.value == "outbound" and main.grid.cursor == 1


async def test_keys_typed_while_a_dialog_opens_reach_the_dialog(make_app) -> None:
    """a (accept: the deal is read before its dialog opens) then escape in one burst: the
    escape closes the dialog it was typed for, and the j after it moves the grid's cursor."""
    from cosell_tui.screens.dialogs import AcceptDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)  # the first row can be accepted
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        before = row_at(main, 0)
        await burst(pilot, "a", "escape", "j")
        assert app.screen is main, f"left open: {app.screen!r}"
        assert main.grid.cursor == 1
        assert row_at(main, 0).status == before.status  # nothing accepted


async def test_keys_typed_while_the_help_opens_reach_its_bindings(make_app) -> None:
    """? then escape in one burst opens the help and closes it again."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await burst(pilot, "question_mark", "escape", "j")
        assert app.screen is main, f"left open: {app.screen!r}"
        assert main.grid.cursor == 1


async def test_an_overdue_referral_reads_expired_and_is_not_offered(make_app) -> None:
    """D9a: from its expiry instant a received referral reads Expired in the grid and `a`/`d`
    say why they do not apply, though the sweep has not recorded the expiry."""
    from cosell_tui.screens.dialogs import AcceptDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = row_at(main, index)
        assert row.expires_at is not None
        app.service.clock.set(row.expires_at)  # the expiry instant: over, nothing swept yet
        await pilot.press("j", "k")  # the cursor comes back to the same row
        await settle(pilot)
        assert selected(main).id == row.id
        status = grid_module.COLUMNS["status"]
        assert status.render(selected(main), app.service.clock.now()) == "Expired"
        assert main.check_action("accept", ()) is None  # greyed out in the footer
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, AcceptDialog)
        assert any("closed" in n for n in notices(app))
    assert app.service.listing.row(row.id).substatus is Substatus.EXPIRED


async def test_with_animations_off_a_focused_inputs_cursor_does_not_blink(make_app) -> None:
    """Snapshots are taken whenever the machine gets to it: with animations off (as in every
    snapshot test, and `TEXTUAL_ANIMATIONS=none`), the cursor of a focused input stays shown
    instead of blinking every half second, so two looks a second apart are the same screen."""
    import asyncio

    from textual.widgets import Input

    app = make_app(size=(80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("M", "3", "a"):  # administration, exchange rates, add: a dialog's input
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.focused, Input)
        before = app.export_screenshot()
        for _ in range(4):  # looks 0.3 s apart: a blinking cursor is hidden in some of them
            await asyncio.sleep(0.3)
            await settle(pilot)
            assert app.export_screenshot() == before
