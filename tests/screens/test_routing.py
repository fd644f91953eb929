"""The routing rules screen (`W`): everyone reads, an entire-company admin adds, changes and
removes rules in dialogs that stay open on a refusal; keys typed fast land in the dialog."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.routing import RoutingRuleDialog, RoutingScreen
from tests.screens.conftest import burst, settle

SIZE = (100, 30)


def rules(app) -> list[tuple[str, str, str]]:
    return [(e.market, e.solution, e.location) for e in app.service.routing.rules()]


async def test_an_admin_adds_changes_and_removes_a_rule(make_app) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoutingScreen) and screen.editable
        assert len(screen.rules) == 5 and screen.rules[0].kind == "market and solution"
        # add: a bad solution is refused beside its field, and what was typed stays
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RoutingRuleDialog)
        dialog.query_one("#input-market", Input).value = "fr"
        dialog.query_one("#input-solution", Input).value = "SOL-NOPE"
        dialog.query_one("#input-location", Select).value = "4100003"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog
        assert "No solution 'SOL-NOPE'" in str(dialog.query_one("#error-solution", Static).content)
        assert dialog.query_one("#input-market", Input).value == "fr"
        dialog.query_one("#input-solution", Input).value = "*"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is screen
        assert ("FR", "*", "4100003") in rules(app)
        # change: the highlighted rule's location
        assert screen.selected is not None and screen.selected.market == "DE"
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RoutingRuleDialog) and dialog.rule is not None
        dialog.query_one("#input-location", Select).value = "4100002"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert ("DE", "SOL-41001-LKH", "4100002") in rules(app)
        # remove, after a yes
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert all(r[:2] != ("DE", "SOL-41001-LKH") for r in rules(app))
        assert len(screen.rules) == 5
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RoutingScreen)


async def test_keys_typed_fast_land_in_the_dialog(make_app) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        await burst(pilot, "a", "U", "S")
        dialog = app.screen
        assert isinstance(dialog, RoutingRuleDialog)
        assert dialog.query_one("#input-market", Input).value == "US"


async def test_others_read_only(make_app) -> None:
    app = make_app(user="ben", size=SIZE)  # an admin of London only
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoutingScreen) and not screen.editable
        assert len(screen.rules) == 5
        assert "Read only" in str(screen.query_one(".list-foot", Static).content)
        for key in ("a", "enter", "e", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        assert any("entire-company" in str(n.message) for n in app._notifications)


async def test_microsoft_sellers_are_not_offered_routing(make_app) -> None:
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        assert not isinstance(app.screen, RoutingScreen)


def test_the_deal_screen_says_which_rule_placed_microsofts_referral(open_demo) -> None:
    from cosell_tui.screens.deal_sections import details
    from cosell_tui.service.forms import AccountInput, ReferralDraft, SolutionInput

    seller = open_demo("ms-jordan")
    seller.creation.send_referral(
        ReferralDraft(
            to_org_id=1, name="Contoso Retail SOC", value="95000", currency="GBP",
            close_date="2027-03-31", notes="A partner for the SOC.",
            account=AccountInput(name="Contoso Retail Ltd", country="GB"),
            solutions=(SolutionInput("SOL-41002-SOC"),),
        )
    )  # fmt: skip
    ava = open_demo("ava")
    [row] = ava.listing.find_deals("Contoso Retail SOC")
    shown = details(ava.listing.deal(row.id))
    assert "Location:" in shown and "Fabrikam London (4100002)" in shown
    assert "Routing:" in shown and "solution SOL-41002-SOC → 4100002" in shown


async def test_the_rules_are_read_a_page_at_a_time(make_app) -> None:
    from cosell_tui.screens.routing import PAGE

    app = make_app(size=SIZE)
    markets = _MARKETS[: PAGE + 10]
    app.service.routing.import_csv(
        "market,solution,location\n" + "".join(f"{m},*,4100001\n" for m in markets)
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoutingScreen)
        assert screen.total == PAGE + 10 and len(screen.rules) == PAGE
        screen.options.highlighted = PAGE - 2  # near the end of what is shown
        await settle(pilot)
        assert len(screen.rules) == PAGE + 10
        assert screen.options.option_count == PAGE + 10


_MARKETS = [
    "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CL", "CN", "CO", "CY", "CZ", "DE", "DK", "EE",
    "EG", "ES", "FI", "FR", "GB", "GR", "HK", "HR", "HU", "ID", "IE", "IL", "IN", "IS", "IT",
    "JP", "KE", "KR", "LT", "LU", "LV", "MA", "MT", "MX", "MY", "NG", "NL", "NO", "NZ", "PE",
    "PH", "PK", "PL", "PT", "QA", "RO", "RS", "SA", "SE", "SG", "SI", "SK", "TH", "TR", "TW",
    "UA", "US", "VN", "ZA",
]  # fmt: skip
