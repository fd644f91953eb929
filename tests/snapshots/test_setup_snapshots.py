"""The setup screen (`cosell` on an empty database), clean and refused, at 80×24 and 160×48."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.screens.setup import SetupDialog
from tests.screens.conftest import settle
from tests.screens.test_deal_support import ScreenHost

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
REFUSED = {
    "admin.email": "The email address is not valid. It must have exactly one @-sign.",
    "locations[0].partner_id": "PartnerID '48x' is not a PartnerID (digits only, e.g. 4812345).",
}


def dialog(case: str) -> SetupDialog:
    values = {"org": "Fabrikam Consulting", "location_name": "Seattle", "partner_id": "48x",
              "country": "US", "name": "Ava Lindqvist", "email": "ava",
              "phone": "+12065550101"} if case == "refused" else {}  # fmt: skip
    return SetupDialog(login="ava", database="/home/ava/.local/share/cosell/cosell.db",
                       values=values)  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", ["clean", "refused"])
def test_setup_screen(snap_compare: Any, size: tuple[int, int], case: str) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        if case == "refused":
            screen = pilot.app.screen
            assert isinstance(screen, SetupDialog)
            screen.show_errors(REFUSED, "The set-up is not valid (2 problems).")
            await settle(pilot)

    assert snap_compare(ScreenHost(dialog(case)), terminal_size=size, run_before=run_before)
