"""The JSON mapping and the human rendering, on read models built by hand (no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from cosell_tui.cli.document import parse_document
from cosell_tui.cli.errors import DocumentError
from cosell_tui.cli.explain import derived_type_reason, explain_json, render_explain
from cosell_tui.cli.jsonio import amount, referral_to_json
from cosell_tui.cli.output import Fit, table_text
from cosell_tui.cli.render import render_detail
from cosell_tui.domain import DealType, HelpType
from cosell_tui.domain.format import duration, money

from .views_factory import detail, row


def test_row_is_an_api_referral_with_the_extension_apart() -> None:
    out = referral_to_json(row())
    assert out["id"] == "6f1c0000-0000-4000-8000-000000000042"
    assert (out["status"], out["substatus"], out["direction"]) == ("Closed", "Won", "Outgoing")
    assert out["details"] == {
        "dealValue": 120000.5,
        "currency": "USD",
        "closingDateTime": "2026-12-15T00:00:00Z",
    }
    assert out["createdDateTime"] == "2026-11-01T09:30:00Z"
    assert out["type"] == "Shared"
    assert out["x-cosell"]["number"] == 42
    assert out["x-cosell"]["version"] == 5
    assert out["x-cosell"]["dealType"] == "CoSell"
    assert out["x-cosell"]["stageName"] == "Won"
    json.dumps(out)  # every value is plain JSON


def test_private_deal_without_partners_is_independent() -> None:
    out = referral_to_json(row(deal_type=DealType.PRIVATE, p2p=False))
    assert out["type"] == "Independent"


@pytest.mark.parametrize(("pct", "stage"), [(10, None), (20, "Qualify"), (80, "Close")])
def test_sales_stage_uses_the_connector_enum(pct: int, stage: str | None) -> None:
    assert referral_to_json(row(stage_pct=pct))["salesStage"] == stage


def test_detail_carries_every_section() -> None:
    out = referral_to_json(detail())
    assert out["mpnId"] == "4100001"
    assert out["customerProfile"]["ids"] == [
        {"profileType": "Duns", "id": "123456789"},
        {"profileType": "External", "id": "1-ABC123"},
    ]
    assert out["customerProfile"]["team"] == [
        {"firstName": "Ana", "lastName": "Silva", "email": "ana@fabrikam.example"}
    ]
    assert out["inviteContext"]["assistanceRequestCode"] == "CustomerTechnicalArchitecture"
    attrs = out["details"]["requirements"]["additionalRequirements"]["attributes"]
    assert attrs == [{"type": "CustomerMarketplaceIntent", "id": "Yes"}]
    reg = out["registrations"][0]
    assert reg["contract"]["term"] == "Finite"
    assert reg["solutionDetails"][0]["isDeployedOnAzure"] is True
    ext = out["x-cosell"]
    assert ext["actions"]["allowed"] == ["register"]
    assert ext["actions"]["refusals"] == {
        "edit_details": "The deal is won: a closed deal cannot change."
    }
    assert [c["outcome"] for c in ext["eligibility"]["criteria"]] == ["met", "undecidable"]
    assert ext["eligibility"]["criteria"][1]["missing"] == ["value_usd"]
    assert ext["invitations"][0]["inviteeSubstatus"] == "Accepted"
    assert ext["microsoft"]["seller"]["email"] == "sam@microsoft.example"
    json.dumps(out)


def test_no_help_leaves_the_assistance_code_out() -> None:
    out = referral_to_json(detail(help_type=HelpType.NONE, invite_notes=None))
    assert out["inviteContext"] == {}


def test_money_is_exact_for_two_decimals() -> None:
    assert amount(Decimal("48000.00")) == 48000
    assert repr(amount(Decimal("1234567.89"))) == "1234567.89"
    assert money(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert money(Decimal("1234"), "JPY") == "1,234 JPY"


def test_rendered_detail_names_each_section() -> None:
    text = render_detail(detail(), datetime(2026, 11, 23, tzinfo=UTC))
    for heading in ("Team", "Customer contacts", "Solutions", "Microsoft", "Partner invitations",
                    "Registration", "Actions now", "History"):  # fmt: skip
        assert f"\n{heading}\n" in text
    assert "120,000.50 USD" in text
    assert "Register deal" in text


def test_explain_reports_type_actions_and_checklist() -> None:
    d = detail()
    reason = derived_type_reason(d)
    assert "Customer technical architecture" in reason
    assert "P2P" in reason
    text = render_explain(d, reason)
    assert "[x] Deal is won" in text
    assert "[?] Value at least USD 25,000" in text
    assert "cannot decide yet" in text
    assert "- Edit details: The deal is won" in text
    out = explain_json(d, reason)
    assert out["dealType"] == {"value": "CoSell", "label": "Co-sell", "p2p": True,
                               "reason": reason}  # fmt: skip
    assert out["eligibility"]["undecidable"] is True


def test_table_aligns_columns() -> None:
    text = table_text(["#", "Name"], [["7", "a"], ["123", "bbb"]], right=(0,))
    assert text.splitlines() == ["  #  Name", "---  ----", "  7  a", "123  bbb"]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "expired"), (3600 * 49 + 60, "2d 1h"), (5 * 3600 + 600, "5h 10m")]
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "is not valid JSON"), ("[1]", "must hold a JSON object"), ("", "is not valid JSON")],
)
def test_malformed_documents_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_document(text, "deal.json")


def test_fit_table_drops_then_clips_for_narrow_terminals() -> None:
    headers = ["#", "Deal", "Customer", "Value", "Ctry"]
    rows = [["7", "Northwind – data platform modernisation", "Northwind Traders", "1.00 USD", "IE"]]
    fit = Fit(drop=(4, 2), shrink=1)
    full = table_text(headers, rows, right=(0, 3), width=None, fit=fit)
    assert "Customer" in full and "Ctry" in full
    narrow = table_text(headers, rows, right=(0, 3), width=40, fit=fit)
    lines = narrow.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert "Customer" not in lines[0] and "Ctry" not in lines[0]
    assert lines[2].split("  ")[1].endswith("…")


def test_an_invitee_reads_the_inviters_team_as_contacts() -> None:
    from cosell_tui.domain.views import PersonView

    team = (PersonView("Ava", "Lindqvist", None, "ava@fabrikam.example"),)
    shown = detail(inviter_contacts=team)
    contacts = referral_to_json(shown)["inviteContext"]["contacts"]
    assert contacts == [
        {"firstName": "Ava", "lastName": "Lindqvist", "email": "ava@fabrikam.example"}
    ]
    assert "The inviter's team" in render_detail(shown, datetime(2026, 11, 23, tzinfo=UTC))
    assert "contacts" not in referral_to_json(detail())["inviteContext"]
