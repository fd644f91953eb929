"""Snapshots of the deal screen in the states a user meets, at 80×24 and 160×48.

The deals are read models built in tests/screens/test_deal_support.py (fixed clock, fixed
values), so a picture only changes when the screen does, not when the demo seed does.
`snap_compare` is synchronous; `run_before` waits for the screen's load worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from cosell_tui.domain.views import DealDetail
from cosell_tui.screens.deal import DealScreen
from tests.screens.conftest import settle
from tests.screens.test_deal_support import (
    RecordingService,
    ScreenHost,
    active_cosell,
    assessment_deal,
    closed_lost,
    make_detail,
    won_eligible,
    won_not_eligible,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

STATES: dict[str, Callable[[], DealDetail]] = {
    "inbound_new": make_detail,
    "active_cosell": active_cosell,
    "solution_assessment": assessment_deal,
    "won_eligible": won_eligible,
    "won_registered": lambda: won_eligible(registered=True),
    "won_not_eligible": won_not_eligible,
    "closed_lost": closed_lost,
}


def deal_app(detail: DealDetail) -> ScreenHost:
    service = RecordingService(detail)
    return ScreenHost(DealScreen(service, detail.row.id))  # type: ignore[arg-type]  # fake Service


def then(*pressed: str) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rounds=5)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot, rounds=5)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
def test_deal_screen(snap_compare: Any, size: tuple[int, int], state: str) -> None:
    app = deal_app(STATES[state]())
    assert snap_compare(app, terminal_size=size, run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_deal_screen_scrolled_to_the_history(snap_compare: Any, size: tuple[int, int]) -> None:
    app = deal_app(active_cosell())
    assert snap_compare(app, terminal_size=size, run_before=then("G"))


@pytest.mark.parametrize("size", SIZES)
def test_refused_action_toast(snap_compare: Any, size: tuple[int, int]) -> None:
    """Register on a deal that is not eligible: the rule's reason, as a toast."""
    app = deal_app(won_not_eligible())
    assert snap_compare(app, terminal_size=size, run_before=then("R"))
