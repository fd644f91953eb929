"""The grids through the service (D1, D10): tabs, scope, filter line and paging."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cosell_tui.domain import CloseReason
from cosell_tui.domain.views import GridQuery, SortKey, Tab
from cosell_tui.service import Service
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.forms import DetailsEdit
from tests import factories as f


def ids(svc: Service, tab: Tab, text: str = "") -> list[int]:
    return [r.id for r in svc.listing.page(GridQuery(tab, text), 0, 100).rows]


def test_d1_tabs(svc: Service) -> None:
    outbound = svc.creation.create_deal(f.draft()).deal
    won = svc.creation.create_deal(f.draft(name="Won one")).deal
    svc.lifecycle.won(won.id, won.version)
    svc.as_user("jordan").creation.send_referral(f.referral())
    inbound = svc.listing.find_deals("Northwind")[0]
    declined = svc.as_user("dan").creation.send_referral(f.referral(name="Declined one"))
    assert declined.deal.id
    to_decline = svc.listing.find_deals("Declined")[0]
    svc.lifecycle.decline(to_decline.id, to_decline.version, CloseReason.BUDGET)
    svc.listing.set_favorite(won.id, True)
    assert ids(svc, Tab.OUTBOUND) == [outbound.id]
    assert ids(svc, Tab.INBOUND) == [inbound.id]
    assert set(ids(svc, Tab.CLOSED)) == {won.id, to_decline.id}
    assert ids(svc, Tab.FAVORITES) == [won.id]
    assert svc.listing.tab_counts() == {
        Tab.INBOUND: 1,
        Tab.OUTBOUND: 1,
        Tab.FAVORITES: 1,
        Tab.CLOSED: 2,
    }
    assert svc.listing.count(GridQuery(Tab.CLOSED)) == 2


def test_d10_grids_follow_scope(svc: Service) -> None:
    seattle = svc.creation.create_deal(f.draft()).deal
    london = svc.creation.create_deal(f.draft(location_id=f.LONDON, name="London")).deal
    cara_deal = svc.creation.create_deal(f.draft(team=(f.CARA_PERSON,), name="Cara's")).deal
    assert set(ids(svc, Tab.OUTBOUND)) == {seattle.id, london.id, cara_deal.id}
    assert ids(svc.as_user("ben"), Tab.OUTBOUND) == [london.id]
    assert ids(svc.as_user("cara"), Tab.OUTBOUND) == [cara_deal.id]
    assert svc.as_user("dan").listing.tab_counts()[Tab.OUTBOUND] == 0


def test_filter_line(svc: Service) -> None:
    private = svc.creation.create_deal(f.draft()).deal
    led = svc.creation.create_deal(f.draft(visible_to_microsoft=True, name="Shared one")).deal
    assert svc.listing.check_filter("type:private") is None
    assert ids(svc, Tab.OUTBOUND, "type:private") == [private.id]
    assert ids(svc, Tab.OUTBOUND, "shared") == [led.id]
    message = svc.listing.check_filter("bogus:1")
    assert message and "unknown field" in message
    with pytest.raises(ValidationError) as err:
        svc.listing.count(GridQuery(Tab.OUTBOUND, "bogus:1"))
    assert "filter" in err.value.fields


def test_registration_eligible_is_kept_for_the_filter(svc: Service) -> None:
    eligible = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    other = svc.creation.create_deal(f.draft(name="Private")).deal
    svc.lifecycle.won(eligible.id, eligible.version)
    svc.lifecycle.won(other.id, other.version)
    assert ids(svc, Tab.CLOSED, "registration:eligible") == [eligible.id]


def test_pages_are_ordered_and_stable(svc: Service) -> None:
    made = [svc.creation.create_deal(f.draft(name=f"Deal {i:02d}")).deal.id for i in range(7)]
    q = GridQuery(Tab.OUTBOUND, sort=SortKey.NAME)
    first = svc.listing.page(q, 0, 4)
    second = svc.listing.page(q, 4, 4)
    assert first.offset == 0 and second.offset == 4
    assert [r.id for r in first.rows + second.rows] == made
    with pytest.raises(ValidationError):
        svc.listing.page(q, -1, 4)


def test_value_sorts_by_the_usd_equivalent_and_follows_edits(svc: Service) -> None:
    """₹ 5,000,000 is about $60,000 (factories' rate 0.012): between $50k and $100k, not above
    them; an edit of the amount or currency moves the deal; no rate for a currency → last."""
    small = svc.creation.create_deal(f.draft(name="USD fifty", value="50000")).deal
    big = svc.creation.create_deal(f.draft(name="USD hundred", value="100000")).deal
    rupees = svc.creation.create_deal(
        f.draft(name="INR five million", value="5000000", currency="INR")
    )
    unrated = svc.creation.create_deal(
        f.draft(name="JPY no rate", value="90000000", currency="JPY")
    )
    by_value = GridQuery(Tab.OUTBOUND, sort=SortKey.VALUE, descending=True)

    def order() -> list[int]:
        return [r.id for r in svc.listing.page(by_value, 0, 100).rows]

    assert order() == [big.id, rupees.deal.id, small.id, unrated.deal.id]
    assert svc.listing.row(rupees.deal.id).value_usd == Decimal("60000.00")
    assert svc.listing.row(unrated.deal.id).value_usd is None

    current = svc.listing.row(rupees.deal.id)
    svc.lifecycle.edit_details(
        current.id, current.version, DetailsEdit(value="10000000")
    )  # ≈ $120k
    assert order() == [rupees.deal.id, big.id, small.id, unrated.deal.id]
    current = svc.listing.row(rupees.deal.id)
    svc.lifecycle.edit_details(current.id, current.version, DetailsEdit(currency="EUR", value="10"))
    assert svc.listing.row(rupees.deal.id).value_usd == Decimal("11.00")
    assert order() == [big.id, small.id, rupees.deal.id, unrated.deal.id]


def test_neighbour_walks_the_grid_order_and_stops_at_either_end(svc: Service) -> None:
    """The deal screen's previous/next is a service question, answered in the grid's order."""
    rows = [svc.creation.create_deal(f.draft(name=f"Walk {n}")).deal for n in range(3)]
    query = GridQuery(Tab.OUTBOUND, "walk", SortKey.NAME)
    first, middle, last = sorted(rows, key=lambda r: r.name)
    assert svc.listing.neighbour(query, middle.id, 1) == last.id
    assert svc.listing.neighbour(query, middle.id, -1) == first.id
    assert svc.listing.neighbour(query, last.id, 1) is None
    assert svc.listing.neighbour(query, first.id, -1) is None
    assert svc.listing.neighbour(query, 999_999, 1) is None
