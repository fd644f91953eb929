"""Snapshots of the main screen and its modals at 80×24 and 160×48 (fixed clock, seed 7).

`snap_compare` is synchronous; each case's `run_before` waits for the grid's workers so the
picture has rows, never placeholders. Regenerate with `pytest --snapshot-update` locally, look
at the SVGs, and commit them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.screens.conftest import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

Step = Callable[..., Awaitable[None]]


def keys(*pressed: str) -> Step:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


async def filter_error(pilot) -> None:
    await settle(pilot)
    await pilot.press("slash")
    pilot.app.screen.filter_line.input.value = "status:nonsense"
    await settle(pilot)


async def filtered(pilot) -> None:
    await settle(pilot)
    await pilot.press("slash")
    pilot.app.screen.filter_line.input.value = "country:US"
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


CASES = {
    "inbound": keys(),
    "outbound": keys("2"),
    "favorites": keys("3"),
    "closed": keys("4"),
    "cursor_moved": keys("j", "j", "j"),
    "filter_valid": filtered,
    "filter_error": filter_error,
    "preview": keys("j", "p"),
    "marks": keys("space", "j", "space", "j", "j", "v"),
    "sorted_by_value_desc": keys("2", "o", "down", "down", "down", "down", "down", "S", "enter"),
    "column_chooser": keys("c"),
    "help": keys("question_mark"),
    "bulk_confirm": keys("space", "space", "A"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_main_screen(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    assert snap_compare(make_app(size=size), terminal_size=size, run_before=CASES[case])
