"""Transitions rule set (domain.md §2.2, §2.7, D3–D9, D13, D14): each rule both ways."""

from __future__ import annotations

import pytest

from cosell_tui.domain import (
    Action,
    DealType,
    Direction,
    ExceptionStatus,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
    Substatus,
)
from cosell_tui.rules import RuleBook, TransitionFacts
from tests.rules.factories import received, transition_facts, won

A = Action
ACTIVE_ACTIONS = {A.EDIT_DETAILS, A.EDIT_TEAM, A.EDIT_SOLUTIONS, A.MARK_STAGE, A.WON, A.LOST}


def allowed(book: RuleBook, facts: TransitionFacts) -> frozenset[Action]:
    return book.transitions(facts).allowed


def test_every_refused_action_has_a_reason(book: RuleBook) -> None:
    decision = book.transitions(transition_facts())
    assert set(decision.refusals) == set(Action) - decision.allowed
    assert all(reason.strip() for reason in decision.refusals.values())
    assert decision.why_not(A.ACCEPT) == decision.refusals[A.ACCEPT]
    assert decision.why_not(A.LOST) == ""


# --- closed deals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "substatus",
    [Substatus.WON, Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED, Substatus.ERROR],
)
def test_closed_deals_allow_nothing_but_register(book: RuleBook, substatus: Substatus) -> None:
    decision = book.transitions(won(substatus=substatus))
    assert decision.allowed <= {A.REGISTER, A.REQUEST_EXCEPTION}
    assert decision.stages == ()
    assert decision.refusals[A.EDIT_DETAILS] == (
        f"This deal is closed ({substatus.label}): closed deals cannot be changed."
    )


@pytest.mark.parametrize(
    "substatus",
    [Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED, Substatus.ERROR],
)
def test_an_exception_follows_only_a_won_deals_rejected_registration(
    book: RuleBook, substatus: Substatus
) -> None:
    failed = {"registration_status": RegistrationStatus.FAILED, "days_since_registered": 3}
    assert allowed(book, won(substatus=substatus, **failed)) == frozenset()
    assert allowed(book, won(**failed)) == {A.REQUEST_EXCEPTION}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"registration_status": RegistrationStatus.APPROVED}, "Microsoft rejected"),
        ({"registration_status": None, "days_since_registered": None}, "Microsoft rejected"),
        ({"days_since_registered": 60}, "filed 60 days ago; an exception can be requested only"),
        ({"exception_status": ExceptionStatus.PENDING}, "Exception (Pending)); there is one"),
        ({"exception_status": ExceptionStatus.REJECTED}, "one request per referral"),
        ({"role": Role.USER, "on_team": False}, "You are not on this deal's team"),
        ({"role": Role.MICROSOFT_SELLER}, "Microsoft sellers cannot change"),
    ],
)
def test_exception_refused_with_reason(
    book: RuleBook, changes: dict[str, object], words: str
) -> None:
    facts: dict[str, object] = {
        "registration_status": RegistrationStatus.MARKETPLACE_FAILED,
        "days_since_registered": 59,
    }
    facts.update(changes)
    decision = book.transitions(won(**facts))
    assert A.REQUEST_EXCEPTION not in decision.allowed
    assert words in decision.why_not(A.REQUEST_EXCEPTION)


def test_a_sent_back_exception_may_be_sent_again(book: RuleBook) -> None:
    facts = won(
        registration_status=RegistrationStatus.FAILED,
        days_since_registered=90,
        exception_status=ExceptionStatus.ACTION_REQUIRED,
        role=Role.USER,
    )
    assert A.REQUEST_EXCEPTION in allowed(book, facts)


def test_closed_lost_reason_matches_the_wording(book: RuleBook) -> None:
    decision = book.transitions(won(substatus=Substatus.LOST))
    assert decision.why_not(A.WON) == "This deal is closed (Lost): closed deals cannot be changed."
    assert decision.why_not(A.REGISTER) == "Only a won deal can be registered; this deal is Lost."


def test_register_won_eligible_unregistered_by_admin(book: RuleBook) -> None:
    assert allowed(book, won()) == {A.REGISTER}


def test_register_by_a_team_member_user(book: RuleBook) -> None:
    assert allowed(book, won(role=Role.USER, on_team=True)) == {A.REGISTER}


def test_register_by_an_admin_not_on_the_team(book: RuleBook) -> None:
    assert allowed(book, won(role=Role.ADMIN, on_team=False)) == {A.REGISTER}


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (won(registration_eligible=False), "does not meet the Azure IP co-sell registration"),
        (
            won(registration_status=RegistrationStatus.REVIEW_PENDING),
            "already registered (registration status Review (Pending))",
        ),
        (won(role=Role.USER, on_team=False), "not on this deal's team"),
        (won(role=Role.MICROSOFT_SELLER), "Microsoft sellers cannot change"),
        (transition_facts(), "Only a won deal can be registered; this deal is Accepted."),
        (received(), "Accept this referral first"),
    ],
)
def test_register_refused_with_reason(book: RuleBook, facts: TransitionFacts, words: str) -> None:
    decision = book.transitions(facts)
    assert A.REGISTER not in decision.allowed
    assert words in decision.refusals[A.REGISTER]


# --- who may act ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (transition_facts(role=Role.MICROSOFT_SELLER), "Microsoft sellers cannot change"),
        (transition_facts(role=Role.USER, on_team=False), "not on this deal's team"),
        (received(role=Role.USER, on_team=False), "not on this deal's team"),
    ],
)
def test_no_access_gives_nothing(book: RuleBook, facts: TransitionFacts, words: str) -> None:
    decision = book.transitions(facts)
    assert decision.allowed == frozenset()
    # a Microsoft seller's accept and decline follow their own rules (a received request)
    answers = {A.ACCEPT, A.DECLINE} if facts.role is Role.MICROSOFT_SELLER else set()
    assert all(words in decision.refusals[action] for action in set(Action) - answers)


def test_a_user_on_the_team_works_like_an_admin(book: RuleBook) -> None:
    user = allowed(book, transition_facts(role=Role.USER, on_team=True))
    assert user == allowed(book, transition_facts(role=Role.ADMIN))


# --- received referrals ---------------------------------------------------------------------


@pytest.mark.parametrize("substatus", [Substatus.PENDING, Substatus.RECEIVED])
def test_received_allows_accept_decline_error(book: RuleBook, substatus: Substatus) -> None:
    decision = book.transitions(received(substatus=substatus))
    assert decision.allowed == {A.ACCEPT, A.DECLINE, A.CLOSE_AS_ERROR}
    assert "Accept this referral first" in decision.refusals[A.EDIT_DETAILS]


@pytest.mark.parametrize(
    ("hours", "can_accept"), [(1, True), (0, False), (-5, False), (None, True)]
)
def test_accept_only_within_the_window(book: RuleBook, hours: int | None, can_accept: bool) -> None:
    decision = book.transitions(received(hours_to_expiry=hours))
    assert (A.ACCEPT in decision.allowed) is can_accept
    assert (A.DECLINE in decision.allowed) is can_accept
    if not can_accept:
        assert "response window has ended" in decision.refusals[A.ACCEPT]
        assert "response window has ended" in decision.refusals[A.DECLINE]


def test_a_microsoft_seller_answers_a_received_request(book: RuleBook) -> None:
    decision = book.transitions(received(role=Role.MICROSOFT_SELLER))
    assert decision.allowed == {A.ACCEPT, A.DECLINE}
    assert "Microsoft sellers cannot change" in decision.refusals[A.CLOSE_AS_ERROR]


@pytest.mark.parametrize(
    ("requester", "answers"),
    [(None, True), (Substatus.ACCEPTED, True), (Substatus.WON, True), (Substatus.LOST, False),
     (Substatus.ERROR, False)],
)  # fmt: skip
def test_microsoft_answers_unless_the_partner_lost(
    book: RuleBook, requester: Substatus | None, answers: bool
) -> None:
    facts = received(role=Role.MICROSOFT_SELLER, requester_substatus=requester)
    decision = book.transitions(facts)
    assert (A.ACCEPT in decision.allowed) is answers
    if requester is not None and not answers:
        assert f"The partner closed the deal ({requester.label})" in decision.refusals[A.DECLINE]


def test_an_outgoing_deal_is_never_accepted(book: RuleBook) -> None:
    decision = book.transitions(received(direction=Direction.OUTGOING))
    assert not decision.allowed & {A.ACCEPT, A.DECLINE}
    assert decision.refusals[A.ACCEPT] == "Only a received inbound referral can be accepted."


# --- active deals ---------------------------------------------------------------------------


def test_active_co_sell_allows_the_working_actions(book: RuleBook) -> None:
    decision = book.transitions(transition_facts())
    assert decision.allowed == ACTIVE_ACTIONS | {A.CLOSE_AS_ERROR, A.INVITE}
    assert "already active" in decision.refusals[A.ACCEPT]
    assert "already active" in decision.refusals[A.DECLINE]


def test_assessment_solutions_are_fixed(book: RuleBook) -> None:
    sa = book.transitions(transition_facts(deal_type=DealType.SOLUTION_ASSESSMENT))
    assert A.EDIT_SOLUTIONS not in sa.allowed
    assert "cannot be changed after creation" in sa.refusals[A.EDIT_SOLUTIONS]
    assert A.EDIT_SOLUTIONS in allowed(book, transition_facts(deal_type=DealType.PRIVATE))


@pytest.mark.parametrize(
    ("pct", "stages"),
    [(10, (20, 40, 60, 80)), (20, (40, 60, 80)), (40, (60, 80)), (60, (80,)), (80, ())],
)
@pytest.mark.parametrize("deal_type", [DealType.CO_SELL, DealType.PARTNER_LED, DealType.PRIVATE])
def test_normal_stages_skip_forward_never_back(
    book: RuleBook, pct: int, stages: tuple[int, ...], deal_type: DealType
) -> None:
    decision = book.transitions(transition_facts(stage_pct=pct, deal_type=deal_type))
    assert decision.stages == stages
    assert (A.MARK_STAGE in decision.allowed) is bool(stages)
    assert A.WON in decision.allowed  # stages are optional for normal deals (D6)
    if not stages:
        assert "already marked" in decision.refusals[A.MARK_STAGE]


@pytest.mark.parametrize(
    ("pct", "stages", "can_win"),
    [
        (10, (20,), False),
        (20, (40,), False),
        (40, (60,), False),
        (60, (80,), False),
        (80, (), True),
    ],
)
def test_assessment_stages_one_at_a_time_then_won(
    book: RuleBook, pct: int, stages: tuple[int, ...], can_win: bool
) -> None:
    decision = book.transitions(
        transition_facts(stage_pct=pct, deal_type=DealType.SOLUTION_ASSESSMENT)
    )
    assert decision.stages == stages
    assert (A.WON in decision.allowed) is can_win
    if not can_win:
        assert f"all four stages are complete (it is at {pct} %)" in decision.refusals[A.WON]


@pytest.mark.parametrize(
    ("deal_type", "hours", "warned"),
    [
        (DealType.CO_SELL, 71, True),
        (DealType.PARTNER_LED, 0, True),
        (DealType.CO_SELL, 72, False),
        (DealType.PARTNER_LED, 500, False),
        (DealType.PRIVATE, 10, False),
    ],
)
def test_won_within_72_hours_warns_but_allows(
    book: RuleBook, deal_type: DealType, hours: int, warned: bool
) -> None:
    facts = transition_facts(
        deal_type=deal_type, hours_since_created=hours, registration_eligible=True
    )
    decision = book.transitions(facts)
    assert A.WON in decision.allowed
    assert (A.WON in decision.warnings) is warned
    if warned:
        assert f"created {hours} hours ago" in decision.warnings[A.WON]
        assert "less than 72 hours" in decision.warnings[A.WON]


def test_no_72_hour_warning_for_a_deal_that_could_never_be_registered(book: RuleBook) -> None:
    facts = transition_facts(hours_since_created=1, registration_eligible=False)
    decision = book.transitions(facts)
    assert A.WON in decision.allowed and decision.warnings == {}


def test_warnings_only_for_allowed_actions(book: RuleBook) -> None:
    decision = book.transitions(
        transition_facts(hours_since_created=1, role=Role.USER, on_team=False)
    )
    assert decision.warnings == {}


# --- selling type (D9, D13) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deal_type", "status", "share", "help"),
    [
        (DealType.PRIVATE, MicrosoftStatus.NONE, True, True),
        (DealType.PARTNER_LED, MicrosoftStatus.NONE, False, True),
        (DealType.CO_SELL, MicrosoftStatus.PENDING, False, False),
        (DealType.CO_SELL, MicrosoftStatus.ACCEPTED, False, False),
        (DealType.CO_SELL, MicrosoftStatus.DECLINED, False, False),
        (DealType.CO_SELL, MicrosoftStatus.EXPIRED, False, True),
        (DealType.SOLUTION_ASSESSMENT, MicrosoftStatus.NONE, False, False),
    ],
)
def test_upgrades_are_one_way(
    book: RuleBook, deal_type: DealType, status: MicrosoftStatus, share: bool, help: bool
) -> None:
    decision = book.transitions(transition_facts(deal_type=deal_type, microsoft_status=status))
    assert (A.SHARE_WITH_MICROSOFT in decision.allowed) is share
    assert (A.REQUEST_HELP in decision.allowed) is help
    for action, ok in ((A.SHARE_WITH_MICROSOFT, share), (A.REQUEST_HELP, help)):
        if not ok:
            assert decision.refusals[action]


def test_help_already_requested_names_microsoft_status(book: RuleBook) -> None:
    decision = book.transitions(transition_facts(microsoft_status=MicrosoftStatus.DECLINED))
    assert "Microsoft's status is Declined" in decision.refusals[A.REQUEST_HELP]
    assert "already visible" in decision.refusals[A.SHARE_WITH_MICROSOFT]


# --- invitations (D14) -----------------------------------------------------------------------


@pytest.mark.parametrize(("invitee", "ok"), [(True, True), (False, False)])
def test_only_the_invitee_edits_invitation_terms(book: RuleBook, invitee: bool, ok: bool) -> None:
    decision = book.transitions(transition_facts(is_invitee=invitee))
    assert (A.EDIT_INVITATION_TERMS in decision.allowed) is ok
    assert A.INVITE in decision.allowed
    if not ok:
        assert "Only an invited partner" in decision.refusals[A.EDIT_INVITATION_TERMS]


def test_invitee_terms_not_before_accepting(book: RuleBook) -> None:
    decision = book.transitions(received(is_invitee=True))
    assert A.EDIT_INVITATION_TERMS not in decision.allowed
    assert A.INVITE not in decision.allowed


def test_decisions_are_immutable(book: RuleBook) -> None:
    decision = book.transitions(transition_facts())
    with pytest.raises(TypeError):
        decision.refusals[A.ACCEPT] = "changed"  # type: ignore[index]  # read-only, as tested
