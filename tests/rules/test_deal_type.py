"""Deal-type rule set (domain.md §4.1, D13): each rule both ways, each problem in words."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.domain import DealType, HelpType
from cosell_tui.rules import RuleBook
from tests.rules.factories import deal_facts


@pytest.mark.parametrize(
    ("changes", "deal_type", "rule"),
    [
        ({"assessment_count": 1}, DealType.SOLUTION_ASSESSMENT, "solution-assessment"),
        # the assessment decides before visibility (first policy); with help it is a problem
        (
            {"assessment_count": 1, "visible_to_microsoft": False},
            DealType.SOLUTION_ASSESSMENT,
            "solution-assessment",
        ),
        ({"help_type": HelpType.PROOF_OF_CONCEPT}, DealType.CO_SELL, "co-sell"),
        (
            {"help_type": HelpType.QUOTES_LICENSING, "visible_to_microsoft": False},
            DealType.CO_SELL,
            "co-sell",
        ),
        (
            {"help_type": HelpType.GENERAL, "visible_to_microsoft": None},
            DealType.CO_SELL,
            "co-sell",
        ),
        ({"visible_to_microsoft": True}, DealType.PARTNER_LED, "partner-led"),
        ({"visible_to_microsoft": False}, DealType.PRIVATE, "private"),
    ],
)
def test_deal_type_table(
    book: RuleBook, changes: dict[str, Any], deal_type: DealType, rule: str
) -> None:
    decision = book.deal_type(deal_facts(**changes))
    assert decision.deal_type is deal_type
    assert decision.rule == rule
    assert decision.problems == ()
    assert decision.reason


def test_reason_names_the_help_requested(book: RuleBook) -> None:
    decision = book.deal_type(deal_facts(help_type=HelpType.TECHNICAL_ARCHITECTURE))
    assert "Customer technical architecture" in decision.reason


@pytest.mark.parametrize(("count", "p2p"), [(0, False), (1, True), (3, True)])
def test_p2p_flag_with_any_type(book: RuleBook, count: int, p2p: bool) -> None:
    for changes in ({}, {"visible_to_microsoft": False}, {"help_type": HelpType.GENERAL}):
        assert book.deal_type(deal_facts(invited_partner_count=count, **changes)).p2p is p2p


PROBLEMS = [
    ({"solution_count": 0}, "no-solutions", "Choose at least one solution."),
    (
        {"solution_count": 51},
        "too-many-solutions",
        "51 solutions are chosen; a deal takes at most 50.",
    ),
    (
        {"solution_count": 2, "assessment_count": 1},
        "assessment-not-alone",
        "exactly one assessment and no other solution (2 solutions are chosen, 1 of them",
    ),
    (
        {"solution_count": 2, "assessment_count": 2},
        "assessment-not-alone",
        "(2 solutions are chosen, 2 of them assessments)",
    ),
    (
        {"assessment_count": 1, "org_assessment_vetted": False},
        "assessment-needs-vetting",
        "not vetted for solution assessments",
    ),
    (
        {"assessment_count": 1, "help_type": HelpType.GENERAL},
        "assessment-cannot-invite-microsoft",
        "A solution-assessment deal cannot invite Microsoft or ask for its help (General",
    ),
    (
        {"help_type": HelpType.GENERAL, "has_customer_contact": False},
        "help-needs-customer-contact",
        "needs a customer contact",
    ),
    ({"visible_to_microsoft": None}, "visibility-unanswered", "Say whether Microsoft sellers"),
]


@pytest.mark.parametrize(("changes", "rule", "words"), PROBLEMS, ids=[p[1] for p in PROBLEMS])
def test_each_problem_refuses_in_words(
    book: RuleBook, changes: dict[str, Any], rule: str, words: str
) -> None:
    decision = book.deal_type(deal_facts(**changes))
    assert decision.deal_type is None
    assert decision.rule == rule
    assert len(decision.problems) == 1
    assert words in decision.problems[0]
    assert decision.reason == decision.problems[0]


@pytest.mark.parametrize(
    "changes",
    [
        {"solution_count": 50},  # the maximum itself is fine
        {"solution_count": 1, "assessment_count": 1},  # one assessment alone is fine
        {
            "assessment_count": 1,
            "solution_count": 1,
            "visible_to_microsoft": None,
        },  # SA: no question
        {"help_type": HelpType.GENERAL, "has_customer_contact": True, "visible_to_microsoft": None},
        {"help_type": HelpType.NONE, "has_customer_contact": False},  # no help: contact optional
        {"org_assessment_vetted": False},  # vetting matters only for assessments
    ],
)
def test_no_problem_when_the_answers_fit(book: RuleBook, changes: dict[str, Any]) -> None:
    decision = book.deal_type(deal_facts(**changes))
    assert decision.problems == ()
    assert decision.deal_type is not None


def test_several_problems_are_all_reported_in_file_order(book: RuleBook) -> None:
    decision = book.deal_type(
        deal_facts(
            solution_count=3,
            assessment_count=2,
            org_assessment_vetted=False,
            help_type=HelpType.GENERAL,
            has_customer_contact=False,
        )
    )
    assert decision.deal_type is None
    assert decision.rule == "assessment-not-alone"
    assert len(decision.problems) == 4
    assert "not vetted" in decision.problems[1]
    assert "cannot invite Microsoft" in decision.problems[2]
    assert "customer contact" in decision.problems[3]
