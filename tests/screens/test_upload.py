"""The upload screen (`U`): choose a file with the path line, review the dry run, confirm a
customer match, upload all-or-nothing or partial, see the results and write the result file;
keys pressed one by one and in bursts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from cosell_tui.config import load_config
from cosell_tui.domain import pccsv as pc
from cosell_tui.screens.upload import MatchPicker, UploadScreen
from cosell_tui.widgets.pathpick import PathPicker, entries
from tests.screens.conftest import burst, settle
from tests.screens.test_main import SIZE, notices, start
from tests.screens.upload_support import write_upload


def upload_of(app) -> UploadScreen:
    screen = app.screen
    assert isinstance(screen, UploadScreen), f"expected the upload screen, got {screen!r}"
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def table_rows(screen: UploadScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def to_waiting_row(pilot, screen: UploadScreen) -> None:
    for _ in range(10):
        line = screen._highlighted()
        if line is not None and line.match is not None:
            return
        await pilot.press("j")
    raise AssertionError("no row waits for a customer match")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "files"
    (target / "archive").mkdir(parents=True)
    (target / ".hidden").mkdir()
    (target / "notes.txt").write_text("not a csv")
    monkeypatch.setenv("COSELL_EXPORT_DIR", str(target))
    return target


def test_the_path_line_lists_folders_then_csv_files(folder: Path) -> None:
    (folder / "Deals.CSV").write_text("x")
    (folder / "b.csv").write_text("x")
    where, found, problem = entries(f"{folder}/")
    assert (where, problem) == (folder, "")
    assert [e.shown for e in found] == ["../", "archive/", "b.csv", "Deals.CSV"]
    _, found, _ = entries(f"{folder}/d")
    assert [e.shown for e in found] == ["Deals.CSV"]
    assert found[0].completed == str(folder / "Deals.CSV")
    _, found, _ = entries(f"{folder}/.")
    assert [e.shown for e in found] == [".hidden/"]
    assert entries(f"{folder}/../files/")[1][0].completed == f"{folder.parent}{os.sep}"
    assert entries(f"{folder}/nowhere/")[2] == f"There is no folder {folder}/nowhere."


async def test_upload_reviews_confirms_a_match_and_writes_the_good_rows(
    make_app, folder: Path
) -> None:
    app = make_app()
    source = write_upload(app.service, folder / "deals.csv")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("U")
        await settle(pilot)
        screen = upload_of(app)
        picker = screen.query_one(PathPicker)
        assert picker.line.value == f"{folder}{os.sep}"
        assert [e.shown for e in picker.listed] == ["../", "archive/", "deals.csv"]
        await pilot.press("d", "e")
        await settle(pilot)
        await pilot.press("tab")
        assert picker.line.value == str(source)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.step == "review"
        counts = text(screen, "#review-counts")
        assert counts == (
            "5 row(s): 1 to create · 1 to update · 1 unchanged · 2 refused"
            " · 1 wait for a customer match (m)"
        )
        rows = table_rows(screen, "review-table")
        assert [r[0] for r in rows] == ["2", "3", "4", "5", "6"]
        assert rows[1][3] == "update" and rows[1][4] == f"changes {pc.DEAL_NAME}"
        assert rows[2][3] == "✘ refused"
        assert rows[2][4].startswith(f"{pc.CLOSE_DATE}: '13/45/2026'")
        assert rows[3][1:4] == ["new", "Northwind Traders Ltd", "create"]
        assert rows[4][3].startswith("✘ waits: ")
        assert "nothing would be written" in text(screen, "#review-mode")

        # all or nothing with refused rows: told, nothing written
        await pilot.press("ctrl+y")
        assert "2 row(s) are refused: fix them, or press p to write only the good rows." in (
            notices(app)
        )
        assert screen.step == "review"

        # the customer match: keep it; the dry run runs again with it
        await to_waiting_row(pilot, screen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MatchPicker)
        await pilot.press("enter")
        await settle(pilot)
        assert text(screen, "#review-counts") == (
            "5 row(s): 2 to create · 1 to update · 1 unchanged · 1 refused"
        )
        assert " · customer: " in table_rows(screen, "review-table")[4][4]

        # partial: the good rows are written after a confirmation
        await pilot.press("p")
        assert text(screen, "#review-mode").startswith("Partial: the 3 good row(s) are written")
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen.step == "results"
        assert text(screen, "#results-counts") == (
            "5 row(s): 2 created · 1 updated · 1 unchanged · 1 refused"
        )
        results = table_rows(screen, "results-table")
        does = ["unchanged", "updated", "✘ refused", "created", "created"]
        assert [r[3] for r in results] == does
        assert all(len(r[1]) == 36 for r in results)  # every deal's referral ID, new ones too
        found = app.service.listing.find_deals("Matched customer pilot", 5)
        assert [d.name for d in found] == ["Matched customer pilot"]


async def test_the_result_file_of_the_review_and_the_folder_remembered(
    make_app, folder: Path
) -> None:
    app = make_app()
    source = write_upload(app.service, folder / "deals.csv")
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("U")
        await settle(pilot)
        upload_of(app).query_one(PathPicker).line.value = str(source)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("w")  # the dry run's result file: what an upload would refuse
        await settle(pilot)
        result = folder / "deals-result.csv"
        back = pc.read(result.read_bytes())
        errors = [r.cells[pc.ERRORS] for r in back.rows]
        assert errors[2].startswith(pc.CLOSE_DATE) and errors[4].startswith(pc.FINAL_MATCH)
        assert not any(errors[:2] + errors[3:4])
        assert back.rows[4].cells[pc.CONFIDENCE] in ("Medium", "Low")
        assert f"Wrote the result file {result}" in notices(app)

        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is main
        assert load_config().upload_dir == str(folder)
        await pilot.press("U")
        await settle(pilot)
        assert upload_of(app).query_one(PathPicker).line.value == f"{folder}{os.sep}"


async def test_keys_in_a_burst_open_review_and_leave(make_app, folder: Path) -> None:
    app = make_app()
    write_upload(app.service, folder / "deals.csv")
    (folder / "archive" / "old.csv").write_text("Deal Name\nx\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        # the screen, into a folder with enter, out with ../, then the file: each burst typed
        # before any answer
        await burst(pilot, "U", "a", "r", "enter")
        screen = upload_of(app)
        assert screen.query_one(PathPicker).line.value == f"{folder / 'archive'}{os.sep}"
        # the file, and the keys for its review typed on: p partial, j j j j reach the fifth
        # row, whose customer match m opens
        keys = ("up", "enter", "d", "e", "a", "enter", "p", "j", "j", "j", "j", "m")
        await burst(pilot, *keys)
        assert screen.step == "review" and screen.partial
        assert text(screen, "#review-mode").startswith("Partial: the 2 good row(s)")
        line = screen._highlighted()
        assert line is not None and line.line == 6
        assert isinstance(app.screen, MatchPicker)
        # leave it unconfirmed: the row still waits
        await burst(pilot, "end", "enter")
        report = upload_of(app).report
        assert report is not None and report.refused == 2
        await burst(pilot, "escape", "escape")
        assert app.screen is not screen  # back to the main screen, nothing written
        assert not app.service.listing.find_deals("Matched customer pilot", 5)


async def test_m_typed_after_the_rows_but_before_the_check_ends_opens_the_match(
    make_app, folder: Path
) -> None:
    """The review's rows arrive a moment before the check is over (two messages from the
    worker): an m typed between them waits in the app's KeyHold (the screen does not take keys
    while busy), not dropped, and opens the match once the check is over."""
    app = make_app()
    source = write_upload(app.service, folder / "deals.csv")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("U")
        await settle(pilot)
        screen = upload_of(app)
        screen.query_one("#path-line", Input).value = str(source)
        await pilot.press("enter")
        await settle(pilot)
        await to_waiting_row(pilot, screen)
        screen._working("Checking 5 row(s)", 5)  # the rows are shown, the worker not yet done
        await pilot.press("m")
        assert app.screen is screen and list(app.key_hold.keys) == [("m", "m")]
        screen._idle()
        await settle(pilot)
        assert isinstance(app.screen, MatchPicker)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not app.key_hold.keys


def typed(pilot, *keys: str) -> None:
    """Keys sent as a terminal sends them, without waiting for anything (a burst whose end
    cannot be settled: a worker is held on purpose)."""
    from textual import events

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)


async def until(pilot, condition, what: str) -> None:
    for _ in range(2000):
        if condition():
            return
        await pilot.pause(0.005)
    raise AssertionError(f"never: {what}")


async def test_esc_while_the_dry_run_runs_leaves_and_the_keys_after_it_go_on(
    make_app, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen holds keys while its dry run runs, but not its cancel key: esc leaves at
    once, the j typed before it (for the review that never came) is dropped with the screen,
    and the j typed after it moves the main screen's cursor."""
    import threading

    app = make_app()
    source = write_upload(app.service, folder / "deals.csv")
    gate = threading.Event()
    transfer = app.service.transfer
    real = transfer.import_sheet

    def slow(*args, **kwargs):
        gate.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(transfer, "import_sheet", slow)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await start(pilot)
        before = main.grid.cursor
        await pilot.press("U")
        await settle(pilot)
        screen = upload_of(app)
        screen.query_one("#path-line", Input).value = str(source)
        typed(pilot, "enter")
        await until(pilot, lambda: screen.busy.startswith("Checking"), "the dry run runs")
        typed(pilot, "j", "j", "escape", "j")
        await until(pilot, lambda: app.screen is main, "back on the main screen")
        gate.set()
        await settle(pilot)
        assert app.screen is main and main.grid.cursor == before + 1
        assert not app.key_hold.keys
        assert not notices(app)  # the check ending after the screen left is nobody's news
        assert not app.service.listing.find_deals("Matched customer pilot", 5)


async def test_a_file_that_is_not_a_co_sell_csv_is_said_on_the_file_step(
    make_app, folder: Path
) -> None:
    (folder / "other.csv").write_text("Name,Amount\nx,1\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("U")
        await settle(pilot)
        screen = upload_of(app)
        screen.query_one("#path-line", Input).value = str(folder / "other.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.step == "file"
        assert "This is not a co-sell file" in text(screen, "#path-where")


async def test_the_palette_and_the_help_offer_the_upload(make_app) -> None:
    from cosell_tui.commands import live_commands
    from cosell_tui.screens.help import binding_rows

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        commands = {title: (keys, action) for title, keys, action in live_commands(app.screen)}
        title = "Upload a Partner Center co-sell CSV: review, then create and update deals"
        assert commands[title] == ("key U", "upload_csv")
        assert ("U", "Upload CSV", True) in binding_rows(main)
