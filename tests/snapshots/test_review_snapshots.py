"""Snapshots of the Microsoft reviewer's registration queue and its decision dialog."""

from __future__ import annotations

import pytest

from tests.snapshots.test_main_snapshots import SIZES, keys


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", ["queue", "dialog"])
def test_review(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    steps = keys("V") if case == "queue" else keys("V", "enter")
    app = make_app(user="ms-jordan", size=size)
    assert snap_compare(app, terminal_size=size, run_before=steps)
