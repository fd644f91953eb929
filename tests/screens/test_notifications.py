"""The user's notifications (`N` and the palette): newest first, unread marked and counted on
the main screen's status line; enter opens the deal, r marks all read."""

from __future__ import annotations

from textual.widgets import Label, OptionList, Static

from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.notifications import NotificationsScreen
from cosell_tui.service import Service
from cosell_tui.service.outbox import notify
from tests.screens.conftest import settle

SIZE = (120, 30)


def queue(service: Service, deal_id: int = 1) -> None:
    """Three notifications to the service's user (and one to someone else)."""
    user = service.user
    with service._ctx.write() as uow:
        now = uow.now()
        for n, subject in enumerate(("Referral received", "Microsoft accepted", "Expiring soon")):
            notify(uow.session, now, "test", deal_id + n, [(user.id, user.email)], subject,
                   f"Body {n}: what happened to deal {deal_id + n}.")  # fmt: skip
        notify(uow.session, now, "test", deal_id, [(None, "else@x.example")], "Not yours", "-")


async def test_the_list_counts_unread_and_opens_a_deal(make_app) -> None:
    app = make_app(size=SIZE)
    queue(app.service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#status-line", Static).content)
        assert "✉ 3 unread (N)" in status
        await pilot.press("N")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        texts = [str(o.prompt) for o in screen.query_one(OptionList).options]
        assert len(texts) == 3 and "Expiring soon" in texts[0]  # newest first
        assert all(t.startswith("●") for t in texts)
        assert "3 unread" in str(screen.query_one("#list-title", Label).content)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen) and app.screen.deal_id == 3
        await pilot.press("escape")
        await settle(pilot)
        assert "✉ 2 unread (N)" in str(app.screen.query_one("#status-line", Static).content)
        await pilot.press("N")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        texts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert not any(t.startswith("●") for t in texts)
        await pilot.press("q")
        await settle(pilot)
        assert "unread" not in str(app.screen.query_one("#status-line", Static).content)


async def test_nothing_sent_yet(make_app) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        texts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert texts == ["Nothing was sent to you yet."]


async def test_the_palette_offers_notifications(make_app) -> None:
    from cosell_tui.commands import live_commands

    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [title for title, _help, _action in live_commands(app.screen)]
        assert "Your notifications (what was sent to you by mail)" in titles
