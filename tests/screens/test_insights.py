"""The Insights screen: opened with I (and from the palette), tabs, range, filter words, tables,
and figures that are the service's for the same question."""

from __future__ import annotations

from textual.widgets import Input, Static

from cosell_tui.domain.insights import CoSellKind, InsightsFilter
from cosell_tui.screens.insights import InsightsScreen
from tests.screens.conftest import settle


def text_of(widget) -> str:
    """What a panel shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(width=160, file=io.StringIO(), no_color=True)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get()


async def open_insights(pilot) -> InsightsScreen:
    await settle(pilot)
    await pilot.press("I")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InsightsScreen)
    assert screen.dashboard is not None
    return screen


async def test_opens_with_I_and_shows_the_services_figures(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        assert screen.dashboard == app.service.insights.figures("3m", InsightsFilter())
        summary = text_of(screen.query_one("#ins-summary"))
        assert "Deals" in summary
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, InsightsScreen)


async def filter_by(pilot, screen: InsightsScreen, words: str) -> Input:
    """Type `words` on the filter line (`/`) and submit them."""
    await pilot.press("slash")
    field = screen.query_one("#ins-filter", Input)
    field.value = words
    await pilot.press("enter")
    await settle(pilot)
    return field


async def test_tabs_and_range(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.dashboard is not None
        assert screen.dashboard.filters.kind is CoSellKind.SERVICES
        await pilot.press("r")
        await settle(pilot)
        assert screen.range == "6m"
        assert screen.dashboard.period.name == "6m"
        expected = app.service.insights.figures("6m", InsightsFilter(kind=CoSellKind.SERVICES))
        assert screen.dashboard.summary == expected.summary


async def test_filter_words_and_a_bad_one(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        await pilot.press("slash")
        field = screen.query_one("#ins-filter", Input)
        field.value = "range:2026-01-01..2026-11-22 country:US type:all dir:in"
        await pilot.press("enter")
        await settle(pilot)
        d = screen.dashboard
        assert d is not None
        assert d.filters.countries == ("US",)
        assert d.filters.deal_types == ()
        assert [g.key for g in d.geography] in (["US"], [])
        before = screen.dashboard
        await pilot.press("slash")
        field.value = "range:2026-13-01..2026-12-01"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.dashboard is before  # nothing changed
        assert any("range" in m.text for m in app.messages)


async def test_tables_value_and_split_toggle(make_app) -> None:
    app = make_app(size=(80, 24))
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        await pilot.press("t")
        assert screen.as_tables
        assert "Value won" in text_of(screen.query_one("#ins-geography"))
        await pilot.press("v", "m")
        assert screen.by_value and screen.split == "market"
        assert "market" in str(screen.query_one("#ins-comparison").border_title)


async def test_a_user_sees_their_own_deals_only(make_app) -> None:
    app = make_app(user="cara")
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        admin = app.service.as_user("ava").insights.figures("3m")
        assert screen.dashboard is not None
        assert screen.dashboard.summary.total <= admin.summary.total


async def test_palette_offers_insights(make_app) -> None:
    from cosell_tui.commands import live_commands

    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        titles = [title for title, _help, _action in live_commands(app.screen)]
        assert "Insights: the co-sell dashboard" in titles


async def test_customer_program_and_role_words(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        words = 'range:12m customer:"Contoso Pvt. Ltd." program:none role:presales,none'
        field = await filter_by(pilot, screen, words)
        d = screen.dashboard
        assert d is not None
        assert [m.text for m in app.messages] == []
        assert (d.filters.customer, d.filters.programs) == ("contoso", ("",))
        assert d.filters.roles == ("PresalesEnvisioning", "")
        assert d == app.service.insights.figures("12m", d.filters)
        assert [r.key for r in d.programs] in ([""], [])
        await pilot.press("slash")
        # the words as typed come back (the status line shows them normalised)
        assert 'customer:"Contoso Pvt. Ltd." program:none' in field.value
        assert "customer:contoso" in str(screen.query_one("#ins-status", Static).content)
        await pilot.press("escape")
        await filter_by(pilot, screen, "role:juggler")
        assert screen.dashboard is d  # nothing changed
        assert any("partner role" in m.text for m in app.messages)


async def test_registration_funnel_only_with_registrations(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        await pilot.press("1", "r", "r")  # IP co-sell, 12 months: the seed's registrations
        await settle(pilot)
        d = screen.dashboard
        assert d is not None and d.summary.registered > 0
        panel = screen.query_one("#ins-registrations")
        assert panel.display
        assert "Registered" in text_of(panel)
        assert d.registration_funnel[0].count == d.summary.registered
        assert "Annual contract value" in text_of(screen.query_one("#ins-summary"))
        await filter_by(pilot, screen, "range:12m customer:nosuchcustomer")
        assert screen.dashboard is not None and screen.dashboard.summary.registered == 0
        assert not panel.display


async def test_v_compares_value_won_and_approved_value(make_app) -> None:
    app = make_app()
    async with app.run_test(size=app.test_size) as pilot:
        screen = await open_insights(pilot)
        await pilot.press("1", "r", "r", "v")
        await settle(pilot)
        panel = screen.query_one("#ins-comparison")
        assert "value won" in str(panel.border_title)
        shown = text_of(panel)
        assert "Approved value (registrations)" in shown
        assert "USD" in shown
        await pilot.press("t")
        assert "Approved value" in text_of(panel)
        assert "Value won" in text_of(panel)
