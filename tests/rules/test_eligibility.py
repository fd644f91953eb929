"""Eligibility rule set (domain.md §4.2, D8): six criteria, each met, failed or undecidable."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.domain import AccountKind, DealType, MicrosoftStatus, Substatus
from cosell_tui.rules import Checklist, Criterion, Outcome, RuleBook
from tests.rules.factories import eligibility_facts

IDS = (
    "won",
    "deal-type",
    "microsoft-accepted",
    "azure-ip-solution",
    "deal-value",
    "managed-account",
)


def item(checklist: Checklist, criterion: str) -> Criterion:
    return next(i for i in checklist.items if i.id == criterion)


def test_all_met_is_eligible(book: RuleBook) -> None:
    checklist = book.eligibility(eligibility_facts())
    assert tuple(i.id for i in checklist.items) == IDS
    assert checklist.eligible
    assert not checklist.undecidable
    assert checklist.unmet() == ()
    assert all(i.reason and i.title for i in checklist.items)


CASES = [
    # (criterion, changes, outcome, words in the reason)
    ("won", {}, Outcome.MET, "The deal is won."),
    ("won", {"substatus": Substatus.LOST}, Outcome.FAILED, "The deal is Lost; only a won deal"),
    ("deal-type", {"deal_type": DealType.PARTNER_LED}, Outcome.MET, "Partner-led deal"),
    ("deal-type", {}, Outcome.MET, "Co-sell deal"),
    (
        "deal-type",
        {"deal_type": DealType.PRIVATE},
        Outcome.FAILED,
        "This is a Private deal; only co-sell and partner-led",
    ),
    (
        "deal-type",
        {"deal_type": DealType.SOLUTION_ASSESSMENT},
        Outcome.FAILED,
        "Solution-assessment deals are never eligible",
    ),
    ("microsoft-accepted", {}, Outcome.MET, "Microsoft's status is Accepted."),
    (
        "microsoft-accepted",
        {"microsoft_status": MicrosoftStatus.WON},
        Outcome.MET,
        "Microsoft's status is Won.",
    ),
    (
        "microsoft-accepted",
        {"deal_type": DealType.PARTNER_LED, "microsoft_status": MicrosoftStatus.NONE},
        Outcome.MET,
        "not needed for partner-led",
    ),
    (
        "microsoft-accepted",
        {"microsoft_status": MicrosoftStatus.PENDING},
        Outcome.FAILED,
        "Microsoft has not accepted the co-sell request (Microsoft's status is Pending)",
    ),
    (
        "microsoft-accepted",
        {"microsoft_status": MicrosoftStatus.DECLINED},
        Outcome.FAILED,
        "Microsoft's status is Declined",
    ),
    (
        "microsoft-accepted",
        {"deal_type": DealType.PRIVATE, "microsoft_status": MicrosoftStatus.ACCEPTED},
        Outcome.FAILED,
        "A Private deal has no co-sell request",
    ),
    ("azure-ip-solution", {"azure_ip_solution_count": 2}, Outcome.MET, "2 solution(s)"),
    ("azure-ip-solution", {"azure_ip_solution_count": 0}, Outcome.FAILED, "None of the deal's"),
    ("deal-value", {"value_usd": 25000}, Outcome.MET, "USD 25,000 meets the USD 25,000 minimum."),
    (
        "deal-value",
        {"value_usd": 12000, "value": "12000.00"},
        Outcome.FAILED,
        "USD 12,000 is below the USD 25,000 minimum.",
    ),
    ("deal-value", {"value_usd": 24999}, Outcome.FAILED, "USD 24,999 is below"),
    (
        "deal-value",
        {"value_usd": None, "value": "30000.00", "currency": "CRC"},
        Outcome.UNDECIDABLE,
        "30000.00 CRC and there is no exchange rate from CRC to USD",
    ),
    ("managed-account", {}, Outcome.MET, "is a Microsoft-managed account"),
    (
        "managed-account",
        {"account_kind": AccountKind.OTHER, "matched_to_managed": True},
        Outcome.MET,
        "matched to a Microsoft-managed account",
    ),
    (
        "managed-account",
        {"account_kind": AccountKind.UNMANAGED},
        Outcome.FAILED,
        "The customer account is Microsoft Unmanaged and is not matched",
    ),
    (
        "managed-account",
        {"account_kind": AccountKind.MANUAL},
        Outcome.FAILED,
        "Entered manually and is not matched",
    ),
]


@pytest.mark.parametrize(
    ("criterion", "changes", "outcome", "words"),
    CASES,
    ids=[f"{c[0]}-{c[2].value}-{i}" for i, c in enumerate(CASES)],
)
def test_criterion(
    book: RuleBook, criterion: str, changes: dict[str, Any], outcome: Outcome, words: str
) -> None:
    checklist = book.eligibility(eligibility_facts(**changes))
    found = item(checklist, criterion)
    assert found.outcome is outcome
    assert words in found.reason
    assert checklist.eligible is (outcome is Outcome.MET)


def test_unknown_value_is_undecidable_not_failed(book: RuleBook) -> None:
    checklist = book.eligibility(eligibility_facts(value_usd=None, currency="EUR"))
    value = item(checklist, "deal-value")
    assert value.outcome is Outcome.UNDECIDABLE
    assert value.missing == ("value_usd",)
    assert checklist.undecidable and not checklist.eligible
    assert checklist.unmet() == (value,)
    assert all(i.missing == () for i in checklist.items if i is not value)


def test_title_shows_the_threshold(book: RuleBook) -> None:
    checklist = book.eligibility(eligibility_facts())
    assert item(checklist, "deal-value").title == "Deal value at least USD 25,000"
