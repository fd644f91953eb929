"""Snapshots of a Microsoft seller's Inbound and the accept confirmation (80×24, 160×48)."""

from __future__ import annotations

import pytest

from tests.snapshots.test_main_snapshots import SIZES, keys


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", ["inbox", "accept"])
def test_microsoft_seller(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    steps = keys() if case == "inbox" else keys("a")
    app = make_app(user="ms-jordan", size=size)
    assert snap_compare(app, terminal_size=size, run_before=steps)
