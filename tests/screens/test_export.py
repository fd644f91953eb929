"""The main screen's download: `x` writes the current tab (filter and sort; only the marked rows
when rows are marked) as Partner Center CSV, in a worker, and says which file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.domain import pccsv as pc
from tests.screens.conftest import settle
from tests.screens.test_main import SIZE, notices, start


async def test_x_downloads_the_tab_then_only_the_marked_rows(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSELL_EXPORT_DIR", str(tmp_path))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        total = main.grid.total
        await pilot.press("x")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        files = sorted(tmp_path.glob("cosell-inbound-*.csv"))
        assert len(files) == 1
        sheet = pc.read(files[0].read_bytes())
        assert len(sheet.rows) == total
        ids = [row.referral_id for i in range(min(total, 5)) if (row := main.grid.row_at(i))]
        assert [r.cells[pc.REFERRAL_ID] for r in sheet.rows[:5]] == ids  # the grid's order
        assert any(f"Wrote {total:,} deal(s) to {files[0]}" in n for n in notices(app))

        files[0].unlink()
        await pilot.press("space", "down", "space")
        await settle(pilot)
        assert len(main.grid.marked) == 2
        await pilot.press("x")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        (written,) = tmp_path.glob("cosell-inbound-*.csv")
        assert len(pc.read(written.read_bytes()).rows) == 2


async def test_a_big_download_shows_a_progress_bar_then_names_the_file(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import ProgressBar

    from cosell_tui.screens.main import MainScreen
    from cosell_tui.service import transfer

    monkeypatch.setenv("COSELL_EXPORT_DIR", str(tmp_path))
    monkeypatch.setattr(MainScreen, "EXPORT_PROGRESS_FROM", 10)
    monkeypatch.setattr(MainScreen, "PROGRESS_PERIOD", 0.0)
    monkeypatch.setattr(transfer, "PROGRESS_EVERY", 5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        total = main.grid.total
        assert total >= 10
        moves: list[tuple[int, bool, float | None]] = []
        bar = main.query_one("#export-bar")
        progress = main.query_one("#export-progress", ProgressBar)
        shown = main._export_progress

        def move(rows: int) -> None:
            moves.append((rows, bar.display, progress.total))
            shown(rows)

        monkeypatch.setattr(main, "_export_progress", move)
        # x twice before the first download is written: the second is told to wait (keys in
        # one burst now go on one at a time, after the key before has had its effect, which
        # a download of 19 rows may already have finished: so two presses of the action)
        main.action_export_csv()
        main.action_export_csv()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not bar.display
        assert [rows for rows, _, _ in moves] == [*range(5, total + 1, 5), total]
        assert all(display and of == total for _, display, of in moves)
        assert len(list(tmp_path.glob("cosell-inbound-*.csv"))) == 1
        said = notices(app)
        assert any(f"Wrote {total:,} deal(s) to" in n for n in said)
        assert "A download is being written; wait for it, or press esc to cancel it." in said


async def test_esc_cancels_a_download_and_leaves_no_file(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """esc while a download is written stops it: no file, not even a partial one, and a
    message says so; a burst of x then esc (not waiting) does the same. Without a download
    esc does nothing."""
    import asyncio
    import threading

    from cosell_tui.service.transfer import Transfer

    out = tmp_path / "downloads"
    out.mkdir()
    monkeypatch.setenv("COSELL_EXPORT_DIR", str(out))
    real = Transfer.export
    started = threading.Event()

    def slow(self, *args, **kwargs):  # the second row waits until the download is cancelled
        for i, row in enumerate(real(self, *args, **kwargs)):
            if i == 1:
                started.set()
                main._export_cancel.wait(10)
            yield row

    monkeypatch.setattr(Transfer, "export", slow)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("escape")  # nothing to cancel: nothing happens
        await settle(pilot)
        await pilot.press("x")
        for _ in range(1000):  # not settle(): it would wait for the download to end
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        assert started.is_set() and main.export_bar.busy
        assert [p.suffixes for p in out.iterdir()] == [[".csv", ".part"]]  # marked unfinished
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert list(out.iterdir()) == []
        assert any("Download cancelled" in n and "no file" in n for n in notices(app))
        assert not main.export_bar.busy and not main.query_one("#export-bar").display

        started.clear()
        await pilot.press("x", "escape")  # a burst: esc is answered once x has started it
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert list(out.iterdir()) == []
        assert sum("Download cancelled" in n for n in notices(app)) == 2
