"""Pilot tests of the triage dialogs: each happy path, and validation messages next to fields.

The dialogs only read a `DealDetail` (a plain read model), so these tests build one directly
instead of a database: they are about the form, not the use case.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from cosell_tui.domain import CloseReason, ErrorReason
from cosell_tui.screens.dialogs import (
    AcceptDialog,
    ConfirmDialog,
    DeclineDialog,
    ErrorDialog,
    LostDialog,
    WonDialog,
)
from cosell_tui.service.forms import AcceptForm
from tests.screens.test_deal_support import make_detail


class DialogHost(App[None]):
    """Pushes one dialog and keeps what it dismissed with."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def error_of(screen: Screen[Any], field: str) -> str:
    return str(screen.query_one(f"#error-{field}", Static).content)


async def test_accept_is_prefilled_from_the_referral_and_returns_the_form() -> None:
    app = DialogHost(AcceptDialog(make_detail()))
    async with app.run_test() as pilot:
        dialog = app.screen
        assert dialog.query_one("#input-name", Input).value == "Contoso data platform"
        assert dialog.query_one("#input-value", Input).value == "48000.00"
        assert dialog.query_one("#input-close_date", Input).value == "2027-03-31"
        dialog.query_one("#input-crm_id", Input).value = "CRM-9"
        await pilot.click("#submit")
    [form] = app.results
    assert form == AcceptForm(
        name="Contoso data platform",
        value="48000.00",
        currency="USD",
        close_date="2027-03-31",
        notes="Needs a lakehouse for 40 stores.",
        crm_id="CRM-9",
    )


async def test_accept_shows_required_and_format_errors_next_to_fields() -> None:
    app = DialogHost(AcceptDialog(make_detail()))
    async with app.run_test() as pilot:
        dialog = app.screen
        dialog.query_one("#input-name", Input).value = ""
        dialog.query_one("#input-close_date", Input).value = "31/03/2027"
        dialog.query_one("#input-value", Input).value = "lots"
        dialog.query_one("#input-contact_first_name", Input).value = "Bo"
        await pilot.press("enter")
        assert app.screen is dialog, "an invalid form must not close"
        assert error_of(dialog, "name") == "Required."
        assert "2026-12-31" in error_of(dialog, "close_date")
        assert "number" in error_of(dialog, "value")
        assert "email or a phone" in error_of(dialog, "contact_email")
        assert error_of(dialog, "currency") == ""
        assert dialog.focused is dialog.query_one("#input-name", Input)
    assert app.results == []


async def test_accept_reopened_with_service_errors_shows_them_inline() -> None:
    form = AcceptForm("X", "10", "USD", "2020-01-01", "n", contacts=())
    dialog = AcceptDialog(
        make_detail(),
        form=form,
        errors={"close_date": "Close date must be in the future.", "foo": "Other problem."},
    )
    app = DialogHost(dialog)
    async with app.run_test():
        assert dialog.query_one("#input-name", Input).value == "X"
        assert error_of(dialog, "close_date") == "Close date must be in the future."
        # A message for no field shows under the form, in its own words (no internal key).
        assert str(dialog.query_one("#general-error", Static).content) == "Other problem."


async def test_accept_escape_and_q_outside_inputs_cancel() -> None:
    app = DialogHost(AcceptDialog(make_detail()))
    async with app.run_test() as pilot:
        await pilot.press("q")  # typed into the focused name field, not a cancel
        assert app.results == []
        await pilot.press("escape")
    assert app.results == [None]


async def test_decline_needs_a_reason_then_returns_it_with_notes() -> None:
    app = DialogHost(DeclineDialog())
    async with app.run_test() as pilot:
        dialog = app.screen
        await pilot.click("#submit")
        assert error_of(dialog, "reason") == "Required."
        dialog.query_one("#input-reason", Select).value = CloseReason.NOT_A_CUSTOMER
        dialog.query_one("#input-notes", Input).value = "Unknown company"
        await pilot.press("ctrl+y")
    assert app.results == [(CloseReason.NOT_A_CUSTOMER, "Unknown company")]


async def test_bulk_decline_title_shows_the_count_and_q_cancels_from_the_picklist() -> None:
    app = DialogHost(DeclineDialog(count=12))
    async with app.run_test() as pilot:
        assert "12 deals" in str(app.screen.query_one(".dialog-title", Static).content)
        assert isinstance(app.screen.focused, Select)
        await pilot.press("q")
    assert app.results == [None]


async def test_lost_returns_reason() -> None:
    app = DialogHost(LostDialog())
    async with app.run_test() as pilot:
        app.screen.query_one("#input-reason", Select).value = CloseReason.OTHER_VENDOR
        await pilot.click("#submit")
    assert app.results == [(CloseReason.OTHER_VENDOR, "")]


async def test_error_offers_nine_reasons_and_shows_the_rule_on_notes() -> None:
    """Which reasons need notes is a rule (transitions.yaml): the use case refuses beside the
    notes and the dialog, still open, takes them and runs again."""
    from cosell_tui.service.errors import ValidationError

    calls: list[tuple[object, str]] = []

    def run(value: tuple[object, str], _deal: object) -> str:
        reason, notes = value
        calls.append((reason, notes))
        if not notes:
            raise ValidationError("The reason is not valid", {"notes": "Notes are required."})
        return "closed"

    app = DialogHost(ErrorDialog(run=run))
    async with app.run_test() as pilot:
        dialog = app.screen
        select = dialog.query_one("#input-reason", Select)
        assert len(select._options) == 1 + 9  # the blank prompt plus the nine reasons
        select.value = ErrorReason.OTHERS
        await pilot.press("ctrl+y", "ctrl+y")  # submit, confirm
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_of(dialog, "notes") == "Notes are required."
        dialog.query_one("#input-notes", Input).value = "Created twice by the connector"
        await pilot.pause()
        assert error_of(dialog, "notes") == ""  # editing the field clears its message
        await pilot.press("ctrl+y", "ctrl+y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert calls[-1] == (ErrorReason.OTHERS, "Created twice by the connector")
    assert app.results == ["closed"]


async def test_confirm_yes_no_and_keys() -> None:
    app = DialogHost(ConfirmDialog("Accept 3 deals?", "Accept with their own values."))
    async with app.run_test() as pilot:
        await pilot.press("y")
    assert app.results == [True]
    app = DialogHost(ConfirmDialog("Accept 3 deals?", "Body"))
    async with app.run_test() as pilot:
        await pilot.press("q")
    assert app.results == [False]


async def test_won_shows_the_72_hour_warning_only_when_given() -> None:
    warning = "Created 20 hours ago: registration may be rejected before 72 hours."
    app = DialogHost(WonDialog(make_detail(), (warning,)))
    async with app.run_test() as pilot:
        assert [str(w.content) for w in app.screen.query(".warning").results(Static)] == [
            f"⚠ {warning}"
        ]
        await pilot.press("y")
    assert app.results == [True]
    app = DialogHost(WonDialog(make_detail(), ()))
    async with app.run_test() as pilot:
        assert len(app.screen.query(".warning")) == 0
        await pilot.press("n")
    assert app.results == [False]
