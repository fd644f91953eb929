"""Snapshots of the Insights screen at 80×24 and 160×48 (fixed clock, seed 7): every widget as
a chart and as a table, another tab and range, the comparison split, the filter line, and
NO_COLOR (the bars differ by glyph, not only by colour), the registration funnel by count
and by value, and the comparison of value won and approved value."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.screens.conftest import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

Step = Callable[..., Awaitable[None]]


def keys(*pressed: str) -> Step:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


async def filter_line(pilot) -> None:
    await keys("slash")(pilot)
    pilot.app.screen.query_one("#ins-filter").value = "range:12m country:US,GB type:all"
    await pilot.press("enter")
    await settle(pilot)


async def registrations(pilot) -> None:
    """IP co-sell over 12 months (the seed's registrations), the registration funnel in view."""
    await keys("1", "r", "r")(pilot)
    pilot.app.screen.query_one("#ins-registrations").scroll_visible(animate=False, top=True)
    await settle(pilot)


async def registrations_by_value(pilot) -> None:
    await registrations(pilot)
    await pilot.press("v")
    await settle(pilot)


async def value_comparison(pilot) -> None:
    """IP co-sell over 12 months, `v`: the comparison of value won and approved value."""
    await keys("1", "r", "r", "v")(pilot)
    pilot.app.screen.query_one("#ins-comparison").scroll_visible(animate=False, top=True)
    await settle(pilot)


CASES = {
    "charts": keys(),
    "tables": keys("t"),
    "scrolled": keys("j", "j", "j"),
    "services_12m": keys("2", "r", "r"),
    "by_value_by_market": keys("v", "m", "r", "r"),
    "filtered": filter_line,
    "registrations": registrations,
    "registrations_by_value": registrations_by_value,
    "value_comparison": value_comparison,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_insights_screen(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    assert snap_compare(make_app(size=size), terminal_size=size, run_before=CASES[case])


@pytest.mark.parametrize("size", SIZES)
def test_insights_no_color(
    snap_compare, make_app, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(size=size), terminal_size=size, run_before=keys("r", "r"))
