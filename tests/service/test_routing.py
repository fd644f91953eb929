"""Routing rules (D18): the table of an organisation, edited by its entire-company admins, and
the placement of Microsoft's referrals by it, with the notification and the explanation."""

from __future__ import annotations

import pytest

from cosell_tui.service import Service
from cosell_tui.service.errors import ConflictError, NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import SolutionInput
from tests import factories as f
from tests.service.conftest import dump, rows, scalar

GOOD = f"""market,solution,location
*,*,100
GB,*,101
*,{f.AZURE_IP},101
US,{f.AZURE_IP},100
"""


def received(svc: Service, **overrides: object) -> int:
    """Microsoft's referral to Fabrikam; the pk of Fabrikam's inbound copy."""
    svc.as_user("jordan").creation.send_referral(f.referral(**overrides))
    pk = scalar(
        svc,
        "SELECT max(id) FROM referral WHERE org_id = :o AND direction = 'Incoming'",
        o=f.FABRIKAM,
    )
    assert isinstance(pk, int)
    return pk


def test_set_list_and_remove_a_rule_with_history(svc: Service) -> None:
    entry = svc.routing.set_rule({"market": "gb", "solution": "*", "location": "101"})
    assert (entry.market, entry.solution, entry.location, entry.location_name) == (
        "GB", "*", "101", "London",
    )  # fmt: skip
    svc.routing.set_rule({"market": "*", "solution": f.AZURE_IP, "location": "100"})
    svc.routing.set_rule({"market": "*", "solution": f.AZURE_IP, "location": "101"})
    listed = svc.routing.rules()
    assert [(e.market, e.solution, e.location) for e in listed] == [
        ("*", f.AZURE_IP, "101"),  # the solution's rule is tried before the market's
        ("GB", "*", "101"),
    ]
    assert listed[0].solution_name and svc.routing.count() == 2
    removed = svc.routing.remove_rule("gb", "*")
    assert removed.location == "101" and svc.routing.count() == 1
    actions = [r[0] for r in rows(svc, "SELECT action FROM admin_log ORDER BY id")]
    assert actions == ["routing_added", "routing_added", "routing_changed", "routing_removed"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"market": "XX", "solution": "*", "location": "100"}, "market"),
        ({"market": "US", "solution": "SOL-NOPE", "location": "100"}, "solution"),
        ({"market": "US", "solution": "*", "location": "300"}, "location"),  # Adatum's
        ({"market": "US", "solution": "*", "location": ""}, "location"),
    ],
)
def test_bad_rules_are_refused_in_words(svc: Service, values: dict[str, str], field: str) -> None:
    before = dump(svc)
    with pytest.raises(ValidationError) as caught:
        svc.routing.set_rule(values)
    assert field in caught.value.fields and "_" not in caught.value.message
    assert dump(svc) == before


def test_only_entire_company_admins_edit_others_read(svc: Service) -> None:
    svc.routing.set_rule({"market": "*", "solution": "*", "location": "100"})
    for login in ("ben", "cara"):  # a London-only admin, a user
        other = svc.as_user(login)
        assert not other.routing.can_edit()
        assert [e.location for e in other.routing.rules()] == ["100"]
        with pytest.raises(RuleRefusal, match="entire-company"):
            other.routing.set_rule({"market": "GB", "solution": "*", "location": "101"})
        with pytest.raises(RuleRefusal):
            other.routing.remove_rule("*", "*")
        with pytest.raises(RuleRefusal):
            other.routing.import_csv(GOOD)
    assert svc.routing.can_edit()
    assert svc.as_user("dan").routing.count() == 0  # Adatum's table is its own
    with pytest.raises(NotFoundError):
        svc.routing.remove_rule("DE", "*")


def test_import_is_all_or_nothing_and_names_every_bad_line(svc: Service) -> None:
    svc.routing.set_rule({"market": "IN", "solution": "*", "location": "100"})
    before = dump(svc)
    bad = GOOD + "XX,*,100\nDE,*,999\nGB,*,100\nFR,SOL-NOPE,100\nFR,*\n"
    with pytest.raises(ValidationError) as caught:
        svc.routing.import_csv(bad)
    assert set(caught.value.fields) == {"line 6", "line 7", "line 8", "line 9", "line 10"}
    assert "already routed on line 3" in caught.value.fields["line 8"]
    assert "5 bad lines; nothing was changed" in caught.value.message
    assert dump(svc) == before
    done = svc.routing.import_csv(GOOD)
    assert (done.rules, done.added, done.changed, done.removed) == (4, 4, 0, 1)
    assert svc.routing.export_csv().splitlines()[0] == "market,solution,location"
    again = svc.routing.import_csv(svc.routing.export_csv().replace("GB,*,101", "GB,*,100"))
    assert (again.added, again.changed, again.removed) == (0, 1, 0)


def test_microsofts_referral_is_placed_by_the_most_specific_rule(svc: Service) -> None:
    svc.routing.import_csv(GOOD)
    # Northwind is a US customer: the rule for US and the solution beats the solution's rule
    pk = received(svc, solutions=(SolutionInput(f.AZURE_IP),))
    detail = svc.listing.deal(pk)
    assert detail.location_name == "Seattle"
    assert detail.routed_by and "market US, solution " + f.AZURE_IP in detail.routed_by
    # the solution's rule (all markets) beats the market's and the default
    pk = received(svc, account_id=f.FOURTH_COFFEE, solutions=(SolutionInput(f.AZURE_IP),))
    assert svc.listing.deal(pk).location_name == "London"
    # another solution in Germany: only the default matches
    pk = received(svc, account_id=f.FOURTH_COFFEE, solutions=(SolutionInput(f.PLAIN),))
    detail = svc.listing.deal(pk)
    assert detail.location_name == "Seattle" and "default" in (detail.routed_by or "")


def test_the_routed_locations_admins_are_told(svc: Service) -> None:
    svc.routing.set_rule({"market": "*", "solution": "*", "location": "101"})
    pk = received(svc)  # a US customer, routed to London by the default rule
    assert svc.listing.deal(pk).location_name == "London"
    told = {r[0] for r in rows(svc, "SELECT recipient_email FROM notification")}
    assert told == {"ava@fabrikam.example", "ben@fabrikam.example"}  # ben is London's admin


def test_without_rules_microsofts_referral_lands_as_before(svc: Service) -> None:
    pk = received(svc)
    detail = svc.listing.deal(pk)
    assert detail.location_name == "Seattle"
    assert detail.routed_by and "No routing rule" in detail.routed_by


def test_a_microsoft_seller_cannot_pick_the_location(svc: Service) -> None:
    before = dump(svc)
    with pytest.raises(ValidationError, match="routing rules decide"):
        svc.as_user("jordan").creation.send_referral(f.referral(to_location_id=f.LONDON))
    assert dump(svc) == before


def test_microsoft_sellers_have_no_routing_table(svc: Service) -> None:
    with pytest.raises(RuleRefusal):
        svc.as_user("jordan").routing.rules()


def test_a_rule_saved_meanwhile_by_another_admin_is_a_conflict(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cosell_tui.service import routing

    svc.routing.set_rule({"market": "GB", "solution": "*", "location": "101"})
    before = dump(svc)
    # as if the other admin's insert landed between this one's read and its write
    monkeypatch.setattr(routing, "_row", lambda *_args: None)
    with pytest.raises(ConflictError, match="Someone else changed the routing rules"):
        svc.routing.set_rule({"market": "GB", "solution": "*", "location": "100"})
    assert dump(svc) == before
