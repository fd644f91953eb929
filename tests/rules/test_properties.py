"""Properties over the whole fact spaces: what must hold for ANY deal, not just the examples."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from cosell_tui.domain import (
    AccountKind,
    Action,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.rules import (
    DealTypeFacts,
    EligibilityFacts,
    Outcome,
    RuleBook,
    TransitionFacts,
)
from tests.rules.strategies import deal_type_facts, eligibility_facts, transition_facts

SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(deal_type_facts)
def test_deal_type_follows_the_ordered_table(book: RuleBook, facts: DealTypeFacts) -> None:
    decision = book.deal_type(facts)
    assert decision.p2p is (facts.invited_partner_count >= 1)
    if decision.problems:
        assert decision.deal_type is None
        assert decision.reason == decision.problems[0]
        return
    assert 1 <= facts.solution_count <= 50
    if facts.assessment_count:
        assert decision.deal_type is DealType.SOLUTION_ASSESSMENT
        assert facts.solution_count == facts.assessment_count == 1
        assert facts.org_assessment_vetted
    elif facts.help_type is not HelpType.NONE:
        assert decision.deal_type is DealType.CO_SELL
        assert facts.has_customer_contact
    elif facts.visible_to_microsoft:
        assert decision.deal_type is DealType.PARTNER_LED
    else:
        assert facts.visible_to_microsoft is False
        assert decision.deal_type is DealType.PRIVATE


@SETTINGS
@given(transition_facts())
def test_transition_invariants(book: RuleBook, facts: TransitionFacts) -> None:
    decision = book.transitions(facts)
    # every action not allowed is refused in words
    assert set(decision.refusals) == set(Action) - decision.allowed
    assert all(reason.strip() for reason in decision.refusals.values())
    assert set(decision.warnings) <= decision.allowed
    # terminal deals allow nothing but registration and its exception request (D19)
    if facts.status is Status.CLOSED:
        assert decision.allowed <= {Action.REGISTER, Action.REQUEST_EXCEPTION}
    if Action.REQUEST_EXCEPTION in decision.allowed:
        assert facts.substatus is Substatus.WON
    if Action.REGISTER in decision.allowed:
        assert facts.substatus is Substatus.WON and facts.registration_eligible
        # not filed yet, or sent back to be filed again (Action required, D19)
        assert facts.registration_status in (None, RegistrationStatus.ACTION_REQUIRED)
        assert facts.role is Role.ADMIN or facts.on_team
    # users off the team get nothing; Microsoft sellers only answer a received request
    if facts.role is Role.USER and not facts.on_team:
        assert decision.allowed == frozenset()
    if facts.role is Role.MICROSOFT_SELLER:
        assert decision.allowed <= {Action.ACCEPT, Action.DECLINE}
    # a received referral is answered only inside its window, and never for a closed request
    if {Action.ACCEPT, Action.DECLINE} & decision.allowed:
        assert facts.status is Status.NEW
        assert facts.hours_to_expiry is None or facts.hours_to_expiry > 0
        assert facts.requester_substatus not in (Substatus.LOST, Substatus.ERROR)
    # stages only forward, and only with mark_stage
    assert bool(decision.stages) is (Action.MARK_STAGE in decision.allowed)
    assert all(pct > facts.stage_pct for pct in decision.stages)
    if facts.deal_type is DealType.SOLUTION_ASSESSMENT:
        assert len(decision.stages) <= 1
        assert not decision.allowed & {
            Action.SHARE_WITH_MICROSOFT,
            Action.REQUEST_HELP,
            Action.EDIT_SOLUTIONS,
        }
        if Action.WON in decision.allowed:
            assert facts.stage_pct >= 80
    # one-way upgrades (D13)
    if Action.SHARE_WITH_MICROSOFT in decision.allowed:
        assert facts.deal_type is DealType.PRIVATE
    if Action.REQUEST_HELP in decision.allowed and facts.deal_type is DealType.CO_SELL:
        assert facts.microsoft_status is MicrosoftStatus.EXPIRED
    if Action.ACCEPT in decision.allowed:
        assert facts.status is Status.NEW and facts.direction is Direction.INCOMING
        assert facts.hours_to_expiry is None or facts.hours_to_expiry > 0
    if Action.EDIT_INVITATION_TERMS in decision.allowed:
        assert facts.is_invitee and facts.status is Status.ACTIVE


@SETTINGS
@given(eligibility_facts)
def test_eligibility_is_all_six_criteria(book: RuleBook, facts: EligibilityFacts) -> None:
    checklist = book.eligibility(facts)
    assert len(checklist.items) == 6
    value = checklist.items[4]
    if facts.value_usd is None:
        assert value.outcome is Outcome.UNDECIDABLE and value.missing == ("value_usd",)
        assert facts.currency in value.reason and "exchange rate" in value.reason
    else:
        assert (value.outcome is Outcome.MET) is (facts.value_usd >= 25_000)
    expected = (
        facts.substatus is Substatus.WON
        and facts.deal_type in (DealType.CO_SELL, DealType.PARTNER_LED)
        and (
            facts.deal_type is DealType.PARTNER_LED
            or facts.microsoft_status in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON)
        )
        and facts.azure_ip_solution_count >= 1
        and facts.value_usd is not None
        and facts.value_usd >= 25_000
        and (facts.account_kind is AccountKind.MANAGED or facts.matched_to_managed)
    )
    assert checklist.eligible is expected
    assert all(item.reason.strip() for item in checklist.items)
