"""What the service tells the rules, and what the rules answer.

Plain frozen dataclasses: the rules know nothing of storage or UI, and callers never see
durable-rules. Field names here are the names the rule files use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from cosell_tui.domain import (
    AccountKind,
    Action,
    DealType,
    Direction,
    ExceptionStatus,
    HelpType,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
    Status,
    Substatus,
)

# --- deal type (wizard answers) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealTypeFacts:
    solution_count: int
    assessment_count: int  # how many of the solutions are solution-assessment types
    help_type: HelpType
    visible_to_microsoft: bool | None  # None = not answered
    invited_partner_count: int
    has_customer_contact: bool
    org_assessment_vetted: bool


@dataclass(frozen=True, slots=True)
class DealTypeDecision:
    deal_type: DealType | None  # None when `problems` make the answers invalid
    p2p: bool
    rule: str  # id of the rule that decided
    reason: str  # in words, for the wizard's live "deal type" line
    problems: tuple[str, ...] = ()  # refusals in words (SA plus another solution, ...)
    problem_rules: tuple[str, ...] = ()  # the id of the rule of each problem, in order


# --- transitions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransitionFacts:
    direction: Direction
    status: Status
    substatus: Substatus
    deal_type: DealType
    stage_pct: int
    help_type: HelpType
    visible_to_microsoft: bool
    microsoft_status: MicrosoftStatus
    has_customer_contact: bool
    is_invitee: bool  # this referral came from a P2P invitation
    role: Role
    on_team: bool
    hours_since_created: int
    hours_to_expiry: int | None  # None when no response window applies
    registration_status: RegistrationStatus | None
    registration_eligible: bool  # from the eligibility checklist (for REGISTER)
    #: On Microsoft's referral of a co-sell request: the requesting partner's deal substatus.
    requester_substatus: Substatus | None = None
    #: The exception request on the registration (missing = none asked for).
    exception_status: ExceptionStatus | None = None
    #: Whole days since the first registration was filed (missing = not registered).
    days_since_registered: int | None = None


@dataclass(frozen=True, slots=True)
class TransitionDecision:
    allowed: frozenset[Action]
    stages: tuple[int, ...] = ()  # stage percentages that may be marked now
    refusals: Mapping[Action, str] = field(default_factory=dict)  # why an action is not allowed
    warnings: Mapping[Action, str] = field(default_factory=dict)  # allowed, but say this first

    def why_not(self, action: Action) -> str:
        """The reason an action is refused, in words (empty when it is allowed)."""
        if action in self.allowed:
            return ""
        return self.refusals.get(action, f"{action.label} is not possible for this deal now.")


@dataclass(frozen=True, slots=True)
class DateWindows:
    """How far back a registration form's contract dates may lie, in days counted back from
    the day it is filed (None: no limit), as transitions.yaml's `register` block says."""

    sign_days: int | None
    start_days: int | None


@dataclass(frozen=True, slots=True)
class KeptAnswers:
    """The registration answers a form filed again after an approved exception keeps as
    Microsoft rejected them (transitions.yaml's `register` → `kept after an approved
    exception:`, D19): their names (domain.REGISTRATION_FIELDS) and why, in words."""

    fields: tuple[str, ...] = ()
    why: str = ""


# --- registration eligibility -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EligibilityFacts:
    substatus: Substatus
    deal_type: DealType
    microsoft_status: MicrosoftStatus
    azure_ip_solution_count: int
    value: str  # the deal value as written, e.g. "48000.00" (for explanations)
    currency: str
    value_usd: int | None  # whole USD after the month's rate; None = no rate (undecidable)
    account_kind: AccountKind
    matched_to_managed: bool


class Outcome(str, Enum):  # noqa: UP042 - StrEnum would change str() for callers
    MET = "met"
    FAILED = "failed"
    UNDECIDABLE = "undecidable"


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    title: str
    outcome: Outcome
    reason: str  # in words, rendered from the deal's values ("USD 12,000 is below USD 25,000")
    missing: tuple[str, ...] = ()  # fact names that were missing (why it is undecidable)


@dataclass(frozen=True, slots=True)
class Checklist:
    items: tuple[Criterion, ...]

    @property
    def eligible(self) -> bool:
        return all(item.outcome is Outcome.MET for item in self.items)

    @property
    def undecidable(self) -> bool:
        return any(item.outcome is Outcome.UNDECIDABLE for item in self.items)

    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(item for item in self.items if item.outcome is not Outcome.MET)


# --- routing (inbound referrals from Microsoft) --------------------------------------------------

#: "All markets" / "all solutions" in a routing rule (Partner Center's `*`).
ALL = "*"


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    """What a routing rule tests: the customer's market (ISO country) and one solution."""

    market: str
    solution: str | None  # None: the referral names no solution


@dataclass(frozen=True, slots=True)
class RoutingRule:
    """(market, solution) → location; `*` stands for all markets or all solutions (D18)."""

    market: str  # ISO alpha-2, or ALL
    solution: str  # a solution id, or ALL
    location: str  # the location's PartnerID

    @property
    def rank(self) -> int:
        """Precedence (D18), lower wins: both named 0, the solution 1, the market 2, default 3."""
        return (self.solution == ALL) * 2 + (self.market == ALL)

    @property
    def kind(self) -> str:
        return ("market and solution", "solution", "market", "default")[self.rank]

    def describe(self) -> str:
        """`market DE, solution SOL-1 → 4100003` as a person reads the rule."""
        market = "all markets" if self.market == ALL else f"market {self.market}"
        solution = "all solutions" if self.solution == ALL else f"solution {self.solution}"
        return f"{market}, {solution} → {self.location}"


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    rule: RoutingRule | None  # None: no rule matches (the organisation has none, or no default)
    reason: str  # in words: which rule routed the referral and why it won


__all__ = [
    "ALL",
    "Checklist",
    "Criterion",
    "DealTypeDecision",
    "DealTypeFacts",
    "EligibilityFacts",
    "Outcome",
    "Role",
    "RoutingDecision",
    "RoutingFacts",
    "RoutingRule",
    "TransitionDecision",
    "TransitionFacts",
]
