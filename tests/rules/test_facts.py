"""Malformed facts are refused in words before anything reaches the C engine."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cosell_tui.domain import HelpType, Status, Substatus
from cosell_tui.rules import FactError, RuleBook
from tests.rules.factories import deal_facts, eligibility_facts, transition_facts


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (deal_facts(solution_count="3"), "DealTypeFacts.solution_count must be a whole number"),
        (deal_facts(solution_count=True), "solution_count must be a whole number, got True"),
        (deal_facts(solution_count=2.5), "must be a whole number, got 2.5"),
        (deal_facts(solution_count=float("nan")), "must be a whole number"),
        (deal_facts(solution_count=2**70), "out of range"),
        (deal_facts(solution_count=None), "solution_count is required"),
        (deal_facts(help_type="Lots"), "help_type must be a HelpType"),
        (deal_facts(help_type=Status.NEW), "help_type must be a HelpType"),
        (deal_facts(visible_to_microsoft=1), "visible_to_microsoft must be true or false, got 1"),
        (deal_facts(visible_to_microsoft="yes"), "must be true or false"),
        (deal_facts(has_customer_contact=None), "has_customer_contact is required"),
        (transition_facts(hours_to_expiry="soon"), "hours_to_expiry must be a whole number"),
        (
            transition_facts(status=Status.CLOSED, substatus=Substatus.ACCEPTED),
            "status Closed with substatus Accepted is not a valid state",
        ),
        (eligibility_facts(currency="X" * 2000), "currency is too long"),
        (eligibility_facts(value=48000), "value must be text"),
        (eligibility_facts(value_usd=Decimal("25000.5")), "must be a whole number"),
    ],
)
def test_malformed_facts(book: RuleBook, facts: Any, words: str) -> None:
    asks: dict[str, Callable[[Any], object]] = {
        "DealTypeFacts": book.deal_type,
        "TransitionFacts": book.transitions,
        "EligibilityFacts": book.eligibility,
    }
    ask = asks[type(facts).__name__]
    with pytest.raises(FactError) as caught:
        ask(facts)
    assert words in str(caught.value)


def test_wrong_facts_class(book: RuleBook) -> None:
    with pytest.raises(FactError, match="expected TransitionFacts, got DealTypeFacts"):
        book.transitions(deal_facts())  # type: ignore[arg-type]  # the wrong facts, on purpose
    with pytest.raises(FactError, match="expected DealTypeFacts, got dict"):
        book.deal_type({"solution_count": 1})  # type: ignore[arg-type]  # not facts, on purpose


def test_numbers_and_enum_values_are_normalised(book: RuleBook) -> None:
    exact = book.deal_type(deal_facts(solution_count=2, help_type=HelpType.GENERAL))
    loose = book.deal_type(deal_facts(solution_count=2.0, help_type="GeneralOrOther"))
    assert loose == exact
    value = book.eligibility(eligibility_facts(value_usd=Decimal("12000")))
    assert "USD 12,000 is below" in value.items[4].reason


def test_a_malformed_fact_never_hits_a_cached_good_answer() -> None:
    """`True == 1` and they hash alike: validation must come before the cache."""
    with RuleBook.load() as book:
        book.deal_type(deal_facts(visible_to_microsoft=True))
        with pytest.raises(FactError):
            book.deal_type(deal_facts(visible_to_microsoft=1))
