"""Snapshots of the upload screen at 80×24 and 160×48 (fixed clock, seed 7, new deals' referral
IDs in order): the file step, the review of a dry run with a customer match waiting, the match
picker, and the results of a partial upload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.screens.conftest import settle
from tests.screens.upload_support import fixed_guids, write_upload  # noqa: F401

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

Step = Callable[..., Awaitable[None]]


async def _to_waiting_row(pilot) -> None:
    screen = pilot.app.screen
    for _ in range(10):
        line = screen._highlighted()
        if line is not None and line.match is not None:
            return
        await pilot.press("j")
    raise AssertionError("no row waits for a customer match")


def keys(*pressed: str, waiting: bool = False) -> Step:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in ("U", *pressed):
            await pilot.press(key)
            await settle(pilot)
        if waiting:
            await _to_waiting_row(pilot)
            await pilot.press("m")
            await settle(pilot)

    return run_before


CASES = {
    "file": keys("d"),
    "review": keys("d", "tab", "enter", "j", "j"),
    "match": keys("d", "tab", "enter", waiting=True),
    "results": keys("d", "tab", "enter", "p", "ctrl+y", "y"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_upload_screen(
    snap_compare,
    make_app,
    fixed_guids,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    case: str,
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    monkeypatch.chdir(folder)  # a relative folder: the same text on every machine
    monkeypatch.setenv("COSELL_EXPORT_DIR", ".")
    app = make_app(size=size)
    write_upload(app.service, folder / "deals.csv")
    (folder / "archive").mkdir()
    assert snap_compare(app, terminal_size=size, run_before=CASES[case])
