"""Snapshots of the routing rules screen (admin and reader) and its add and change dialogs."""

from __future__ import annotations

import pytest

from tests.snapshots.test_main_snapshots import SIZES, keys

STEPS = {
    "admin": ("ava", ("W",)),
    "reader": ("cara", ("W",)),
    "add": ("ava", ("W", "a")),
    "change": ("ava", ("W", "j", "enter")),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", sorted(STEPS))
def test_routing(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    user, pressed = STEPS[case]
    app = make_app(user=user, size=size)
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))
