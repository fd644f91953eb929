"""Facts with sensible defaults: each test changes only the fields it is about."""

from __future__ import annotations

from typing import Any

from cosell_tui.domain import (
    AccountKind,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.rules import DealTypeFacts, EligibilityFacts, TransitionFacts


def deal_facts(**changes: Any) -> DealTypeFacts:
    """A valid partner-led answer set; tests change only what they are about."""
    values: dict[str, Any] = {
        "solution_count": 1,
        "assessment_count": 0,
        "help_type": HelpType.NONE,
        "visible_to_microsoft": True,
        "invited_partner_count": 0,
        "has_customer_contact": True,
        "org_assessment_vetted": True,
    }
    values.update(changes)
    return DealTypeFacts(**values)


def transition_facts(**changes: Any) -> TransitionFacts:
    """An active outbound co-sell deal an admin works on, created 100 hours ago."""
    values: dict[str, Any] = {
        "direction": Direction.OUTGOING,
        "status": Status.ACTIVE,
        "substatus": Substatus.ACCEPTED,
        "deal_type": DealType.CO_SELL,
        "stage_pct": 10,
        "help_type": HelpType.GENERAL,
        "visible_to_microsoft": True,
        "microsoft_status": MicrosoftStatus.PENDING,
        "has_customer_contact": True,
        "is_invitee": False,
        "role": Role.ADMIN,
        "on_team": True,
        "hours_since_created": 100,
        "hours_to_expiry": None,
        "registration_status": None,
        "registration_eligible": False,
    }
    values.update(changes)
    return TransitionFacts(**values)


def received(**changes: Any) -> TransitionFacts:
    """An inbound referral waiting for an answer, 48 hours before it expires."""
    base: dict[str, Any] = {
        "direction": Direction.INCOMING,
        "status": Status.NEW,
        "substatus": Substatus.PENDING,
        "hours_to_expiry": 48,
    }
    base.update(changes)
    return transition_facts(**base)


def won(**changes: Any) -> TransitionFacts:
    """A won deal, eligible and not yet registered."""
    base: dict[str, Any] = {
        "status": Status.CLOSED,
        "substatus": Substatus.WON,
        "stage_pct": 100,
        "registration_eligible": True,
    }
    base.update(changes)
    return transition_facts(**base)


def eligibility_facts(**changes: Any) -> EligibilityFacts:
    """A won co-sell deal that meets every criterion."""
    values: dict[str, Any] = {
        "substatus": Substatus.WON,
        "deal_type": DealType.CO_SELL,
        "microsoft_status": MicrosoftStatus.ACCEPTED,
        "azure_ip_solution_count": 1,
        "value": "48000.00",
        "currency": "USD",
        "value_usd": 48000,
        "account_kind": AccountKind.MANAGED,
        "matched_to_managed": False,
    }
    values.update(changes)
    return EligibilityFacts(**values)
