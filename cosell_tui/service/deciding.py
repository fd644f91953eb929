"""The questions one deal puts to the rules: its registration-eligibility facts and its
transition facts, built from the referral's columns and what the caller looked up.

`ref` is the referral as either reader has it: an ORM `Referral` (the unit of work, unit.py,
for the writes) or a Core row of `store/tables.referral` (one deal read in full, detail.py):
both carry the same column attributes. Building the facts here, once, means both readers ask
the rules the same question about the same deal. Neither the ORM nor the rules are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from cosell_tui.domain import (
    AccountKind,
    DealType,
    Direction,
    ExceptionStatus,
    MicrosoftStatus,
    Status,
    Substatus,
    window_over,
)
from cosell_tui.domain.facts import Checklist, EligibilityFacts, TransitionFacts
from cosell_tui.domain.views import UserView

#: Ask the eligibility rules about the deal: (as_won, microsoft_may_accept) -> its checklist.
AskEligibility = Callable[[bool, bool], Checklist]


def is_on_team(user: UserView, team_emails: Iterable[str]) -> bool:
    """The deal team lists the user (by email, in any case)."""
    return user.email.lower() in {email.lower() for email in team_emails}


def is_invitee(ref: Any, microsoft_org_id: Callable[[], int | None]) -> bool:
    """A P2P invitee's referral: sent to us by another partner (not by Microsoft, whose
    organisation `microsoft_org_id` looks up, only when it matters)."""
    if ref.direction is not Direction.INCOMING or ref.invited_by_org_id is None:
        return False
    return bool(ref.invited_by_org_id != microsoft_org_id())


def shown_status(ref: Any, now: datetime) -> tuple[Status, Substatus]:
    """The deal's status as it reads now: Closed / Expired from the expiry instant of a
    received referral's window, before the sweep records it (§2.6)."""
    if window_over(ref.status, ref.expires_at, now):
        return Status.CLOSED, Substatus.EXPIRED
    return ref.status, ref.substatus


def won_day(ref: Any, now: datetime) -> date:
    """The day whose month's exchange rate values a won deal (or one asked 'as if won now')."""
    return (ref.closed_at or now).date()


def eligibility_facts(
    ref: Any,
    *,
    as_won: bool,
    microsoft_may_accept: bool,
    usd: Decimal | None,
    azure_ip_solutions: int,
    account_kind: AccountKind,
    matched_to_managed: bool,
) -> EligibilityFacts:
    """Registration eligibility's facts (domain.md §4.2); `as_won` asks 'if it were won now',
    and `microsoft_may_accept` counts a pending co-sell request as accepted (Microsoft may
    still accept after the win, D9). `usd`: the value at the won day's month's rate."""
    ms_status = ref.microsoft_status
    if microsoft_may_accept and ms_status is MicrosoftStatus.PENDING:
        ms_status = MicrosoftStatus.ACCEPTED
    return EligibilityFacts(
        substatus=Substatus.WON if as_won else ref.substatus,
        deal_type=ref.deal_type,
        microsoft_status=ms_status,
        azure_ip_solution_count=azure_ip_solutions,
        value=f"{ref.value:.2f}",
        currency=ref.currency,
        value_usd=None if usd is None else int(usd.to_integral_value(ROUND_FLOOR)),
        account_kind=account_kind,
        matched_to_managed=matched_to_managed,
    )


def registration_eligible(ref: Any, checklist: Checklist | None, ask: AskEligibility) -> bool:
    """Whether the deal is (won) or could be once won (open) registrable: a fact of the
    transitions (the 72-hour advisory is only for those, D7)."""
    if ref.deal_type is DealType.SOLUTION_ASSESSMENT:
        return False
    if ref.substatus is Substatus.WON:
        return (checklist or ask(False, False)).eligible
    if ref.status is Status.CLOSED:
        return False
    return ask(True, True).eligible


def transition_facts(
    ref: Any,
    *,
    user: UserView,
    now: datetime,
    eligible: bool,
    has_customer_contact: bool,
    team_emails: Iterable[str],
    is_invitee: bool,
    requester_substatus: Substatus | None,
    registration: tuple[ExceptionStatus | None, datetime] | None,
) -> TransitionFacts:
    """The transitions rule set's facts: what this user may do with this deal now.
    `registration`: the registration's exception status and when it was filed, if any."""
    status, substatus = shown_status(ref, now)
    hours_to_expiry = None
    if status is Status.NEW and ref.expires_at is not None:
        # Whole hours left, a started hour counting as one: 0 only once the window is over.
        hours_to_expiry = -int((now - ref.expires_at).total_seconds() // 3600)
    exception: dict[str, Any] = {}
    if ref.registration_status is not None and registration is not None:
        exception_status, registered_at = registration
        days = max(0, (now - registered_at).days)
        exception = {"exception_status": exception_status, "days_since_registered": days}
    return TransitionFacts(
        direction=ref.direction,
        status=status,
        substatus=substatus,
        deal_type=ref.deal_type,
        stage_pct=ref.stage_pct,
        help_type=ref.help_type,
        visible_to_microsoft=ref.visible_to_microsoft,
        microsoft_status=ref.microsoft_status,
        has_customer_contact=has_customer_contact,
        is_invitee=is_invitee,
        role=user.role,
        on_team=is_on_team(user, team_emails),
        hours_since_created=max(0, int((now - ref.created_at).total_seconds() // 3600)),
        hours_to_expiry=hours_to_expiry,
        registration_status=ref.registration_status,
        registration_eligible=eligible,
        requester_substatus=requester_substatus,
        **exception,
    )
