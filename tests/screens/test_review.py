"""Registration review in the TUI (Microsoft reviewers): `V` lists what waits for review; enter
decides one; a send-back without a message is refused beside the field."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select, Static

from cosell_tui.domain import RegistrationStatus
from cosell_tui.screens.review import ReviewDialog, ReviewQueueScreen
from tests.screens.conftest import settle

SIZE = (120, 30)


async def test_a_reviewer_sends_a_registration_back(make_app) -> None:
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        waiting = len(queue.items)
        assert waiting >= 1
        first = queue.items[0]
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReviewDialog)
        dialog.query_one("#input-decision", Select).value = "send-back"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog
        shown = str(dialog.query_one("#error-message", Static).content)
        assert "message to the team is required" in shown
        dialog.query_one("#input-message", Input).value = "Attach the proof of execution."
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is queue
        assert len(queue.items) == waiting - 1
        assert first.deal_id not in {i.deal_id for i in queue.items}
        texts = [str(o.prompt) for o in queue.query_one(OptionList).options]
        assert all(f"#{first.deal_id} " not in t for t in texts)
    with app.service._ctx.shared.engine.connect() as conn:
        status = conn.exec_driver_sql(
            f"SELECT status FROM registration WHERE referral_id = {first.deal_id}"
        ).scalar()
    assert status == RegistrationStatus.ACTION_REQUIRED.value


async def test_partners_are_not_offered_the_review(make_app) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewQueueScreen)


async def test_a_reviewer_decides_an_exception_request(make_app, open_demo) -> None:
    """Exception requests follow the registrations in the queue; enter decides one the same
    way (approve, send back, reject), and an approved one lets the team file again."""
    from datetime import timedelta

    from cosell_tui.domain import ExceptionStatus

    partner = open_demo("ava")
    reviewer = open_demo("ms-jordan")
    since = reviewer.clock.now() - timedelta(days=30)
    item = next(i for i in reviewer.registration.awaiting_review() if i.filed_at > since)
    reviewer.registration.review(item.deal_id, "reject", "A duplicate")
    row = partner.listing.row(item.deal_id)
    partner.registration.request_exception(row.id, row.version, "The customer signed twice.")
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        assert queue.items[-1].exception and queue.items[-1].deal_id == item.deal_id
        texts = [str(o.prompt) for o in queue.query_one(OptionList).options]
        assert "exception request: The customer signed twice." in texts[-1]
        queue.query_one(OptionList).highlighted = len(queue.items) - 1
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReviewDialog)
        assert "Exception request" in dialog.dialog_title()
        dialog.query_one("#input-decision", Select).value = "approve"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is queue
        assert item.deal_id not in {i.deal_id for i in queue.items if i.exception}
    registration = partner.listing.deal(item.deal_id).registration
    assert registration is not None and registration.exception_status is ExceptionStatus.APPROVED
    assert registration.status is RegistrationStatus.ACTION_REQUIRED
