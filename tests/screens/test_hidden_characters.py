"""The TUI gets the service's refusal of hidden characters next to the field, as the CLI gets it
in its message (tests/cli/test_hidden_characters.py): a bidi override pasted into the accept
dialog's deal name is refused there, and the deal is unchanged."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from cosell_tui.screens.dialogs import AcceptDialog
from tests.screens.test_deal_service import accept_dialog, settle


async def test_a_pasted_bidi_override_is_refused_next_to_the_field(open_demo: Any) -> None:
    service = open_demo("ava")
    async with accept_dialog(service) as (app, pilot, detail):
        app.screen.query_one("#input-name", Input).value = "Contoso \u202eatad"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)
        said = str(app.screen.query_one("#error-name", Static).content)
        assert said.startswith("Deal name must not contain invisible or control characters")
        assert "U+202E (right-to-left override) at character 9" in said
    after = service.listing.deal(detail.row.id)
    assert after.row.version == detail.row.version and after.row.name == detail.row.name
