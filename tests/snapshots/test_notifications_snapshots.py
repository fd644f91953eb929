"""Snapshots of the notification list (80×24 and 160×48): unread marked, and the count on the
main screen's status line."""

from __future__ import annotations

import pytest

from tests.screens.test_notifications import queue
from tests.snapshots.test_main_snapshots import SIZES, keys


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", ["status_line", "list"])
def test_notifications(snap_compare, make_app, size: tuple[int, int], case: str) -> None:
    app = make_app(size=size)
    queue(app.service)
    steps = keys() if case == "status_line" else keys("N")
    assert snap_compare(app, terminal_size=size, run_before=steps)
