"""`cosell deal create`: every example document creates its deal type; bad documents change
nothing and say what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Runner, no_traceback

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: example file -> (deal type, p2p)
EXPECTED = {
    "private-deal.json": ("Private", False),
    "partner-led-deal.json": ("PartnerLed", False),
    "co-sell-deal.json": ("CoSell", False),
    "p2p-deal.json": ("CoSell", True),
    "solution-assessment-deal.json": ("SolutionAssessment", False),
}


def outbound_total(cosell: Runner) -> int:
    return cosell("deal", "list", "--tab", "outbound", "--json").json()["totalCount"]


def test_every_example_is_covered() -> None:
    deals = {p.name for p in EXAMPLES.glob("*.json")} - {"registration.json", "referral.json"}
    assert deals == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_creates_its_deal_type(cosell: Runner, name: str) -> None:
    deal_type, p2p = EXPECTED[name]
    result = cosell("deal", "create", str(EXAMPLES / name), "--json")
    assert result.code == 0, result.err
    created = result.json()["referral"]
    assert created["x-cosell"]["dealType"] == deal_type
    assert created["x-cosell"]["p2p"] is p2p
    assert (created["direction"], created["status"]) == ("Outgoing", "Active")
    document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    detail = cosell("deal", "show", created["id"], "--json").json()
    assert detail["name"] == document["name"]
    assert detail["details"]["dealValue"] == document["details"]["dealValue"]
    wanted = [s["id"] for s in document["details"]["requirements"]["solutions"]]
    assert [s["id"] for s in detail["details"]["requirements"]["solutions"]] == wanted
    assert len(detail["team"]) == len(document["team"])


def test_create_from_standard_input(cosell: Runner) -> None:
    text = (EXAMPLES / "private-deal.json").read_text(encoding="utf-8")
    result = cosell("deal", "create", "-", stdin=text)
    assert result.code == 0, result.err
    assert result.out.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "x",', "standard input is not valid JSON"),
        ("[]", "must hold a JSON object"),
        ('{"nmae": "typo"}', "unknown field nmae"),
        ('{"name": "x", "details": {"dealValue": "lots"}}', ""),
        ('{"name": "x", "details": {"dealValue": true}}', "details.dealValue must be a number"),
        ('{"name": "x", "team": {"firstName": "A"}}', "team must be a list"),
        ('{"name": "x", "x-cosell": {"accountid": 1}}', "unknown field accountid in x-cosell"),
        ('{"name": "x", "customerProfile": {"team": [{}, {}]}}', "one customer contact"),
    ],
)
def test_bad_documents_are_refused_and_create_nothing(
    cosell: Runner, text: str, message: str
) -> None:
    before = outbound_total(cosell)
    result = cosell("deal", "create", "-", stdin=text)
    assert result.code == 1
    assert result.err.startswith("cosell: ")
    assert message in result.err
    no_traceback(result)
    assert outbound_total(cosell) == before


def test_a_document_the_service_refuses_names_the_fields(cosell: Runner) -> None:
    document = json.loads((EXAMPLES / "private-deal.json").read_text(encoding="utf-8"))
    document["team"] = []
    document["details"]["currency"] = "XXQ"
    before = outbound_total(cosell)
    result = cosell("deal", "create", "-", stdin=json.dumps(document))
    assert result.code == 1
    assert result.err.startswith("cosell: ")
    no_traceback(result)
    assert outbound_total(cosell) == before


def test_missing_file(cosell: Runner, tmp_path: Path) -> None:
    result = cosell("deal", "create", str(tmp_path / "nothing.json"))
    assert result.code == 1
    assert "no such file" in result.err


def test_register_from_the_example_form(cosell: Runner) -> None:
    """Create the registrable example, win it, and register it with examples/registration.json."""
    created = cosell("deal", "create", str(EXAMPLES / "partner-led-deal.json"), "--json")
    assert created.code == 0, created.err
    ident = created.json()["referral"]["id"]
    assert cosell("deal", "won", ident, "--yes").code == 0
    explain = cosell("deal", "explain", ident, "--json").json()
    result = cosell("deal", "register", ident, "--file", str(EXAMPLES / "registration.json"))
    if explain["eligibility"]["eligible"]:
        assert result.code == 0, result.err
        assert cosell("deal", "show", ident, "--json").json()["registrationStatus"]
    else:
        assert result.code == 1
        no_traceback(result)


def test_marketplace_intent_is_required(cosell: Runner) -> None:
    document = json.loads((EXAMPLES / "private-deal.json").read_text(encoding="utf-8"))
    del document["details"]["requirements"]["additionalRequirements"]
    before = outbound_total(cosell)
    result = cosell("deal", "create", "-", stdin=json.dumps(document))
    assert result.code == 1
    assert "Marketplace intent is required" in result.err
    no_traceback(result)
    assert outbound_total(cosell) == before
