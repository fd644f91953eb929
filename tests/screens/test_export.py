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
