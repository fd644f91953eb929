"""Snapshots of a Microsoft seller's Inbound, the accept confirmation and the referral sent
to a partner (80×24, 160×48)."""

from __future__ import annotations

import pytest

from tests.snapshots.test_main_snapshots import SIZES, keys


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", ["inbox", "accept", "send"])
def test_microsoft_seller(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    steps = keys(*{"inbox": (), "accept": ("a",), "send": ("n",)}[case])
    app = make_app(user="ms-jordan", size=size)
    assert snap_compare(app, terminal_size=size, run_before=steps)
