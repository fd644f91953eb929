"""The administration screen (`M`) and its dialogs at 80×24 and 160×48 (fixed clock, seed 7)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from cosell_tui.widgets.pathpick import PathPicker
from tests.screens.conftest import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

Step = Callable[..., Awaitable[None]]


def keys(*pressed: str, typed: dict[str, str] | None = None, submit: bool = False) -> Step:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for name, value in (typed or {}).items():
            pilot.app.screen.query_one(f"#input-{name}", Input).value = value
        if submit:
            await pilot.press("ctrl+y")
            await settle(pilot)

    return run_before


CASES = {
    "users": keys("M"),
    "locations": keys("M", "2"),
    "rates": keys("M", "3"),
    "log": keys(
        "M",
        "2",
        "a",
        typed={"partner_id": "4100009", "name": "Munich", "country": "DE"},
        submit=True,
    ),
    "user_dialog_refused": keys(
        "M",
        "a",
        typed={
            "login": "eve",
            "name": "Eve Park",
            "email": "eve@fabrikam",
            "phone": "12",
            "locations": "4100001",
        },
        submit=True,
    ),
    "rate_dialog": keys("M", "3", "a"),
    "solutions": keys("M", "4"),
    "accounts": keys("M", "5"),
    "partners": keys("M", "6"),
    "solution_dialog": keys("M", "4", "a"),
    "import_review": keys("M", "5", "i"),
}
#: The examples' accounts file, reviewed before its import (its name, not the path, is shown).
ACCOUNTS = Path(__file__).resolve().parents[2] / "examples" / "accounts.csv"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_admin_screen(snap_compare: Any, make_app: Any, case: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await CASES[case](pilot)
        if case == "log":
            await pilot.press("7")
            await settle(pilot)
        if case == "import_review":
            pilot.app.screen.query_one(PathPicker).line.value = str(ACCOUNTS)
            await pilot.press("enter")
            await settle(pilot)

    app = make_app(size=size)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
