"""Insights: the co-sell dashboard's vocabulary, its questions (range and filters) and its answers.

What the store counts (store/insights.py), the service scopes (service/insights.py) and the
screen and `cosell insights` render. Plain values only: the figures are computed in SQL, these
classes carry them. docs/insights.md explains every figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from cosell_tui.domain import (
    DealType,
    Direction,
    Label,
    MarketplaceIntent,
    PartnerRole,
    RegistrationStatus,
)
from cosell_tui.domain.query import QueryError, read_value

#: Deals created before this day predate the marketplace-intent field: "Not applicable".
MARKETPLACE_FIELD_SINCE = datetime(2023, 6, 1, tzinfo=UTC)
#: The marketplace filter's extra value for those deals.
NOT_APPLICABLE = "NotApplicable"
MARKETPLACE_CHOICES: tuple[str, ...] = (*(m.value for m in MarketplaceIntent), NOT_APPLICABLE)

#: Deal types shown until the user picks others (the vendor's default).
DEFAULT_DEAL_TYPES: tuple[DealType, ...] = (DealType.CO_SELL, DealType.PARTNER_LED)
#: The ranges offered by name; a custom range is `YYYY-MM-DD..YYYY-MM-DD`.
RANGE_MONTHS: dict[str, int] = {"1m": 1, "3m": 3, "6m": 6, "12m": 12}
DEFAULT_RANGE = "3m"
#: How many rows `--download` writes at most (the vendor's limit).
DOWNLOAD_LIMIT = 5000
#: The comparison chart splits by at most this many markets or solutions (the rest is "Other").
TOP_PARTS = 3

_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


#: Registration statuses (their values) the figures count as rejected and as approved.
REJECTED = frozenset({RegistrationStatus.FAILED.value, RegistrationStatus.MARKETPLACE_FAILED.value})
#: Approved automatically, after review, or after marketplace validation.
APPROVED = frozenset(
    {
        RegistrationStatus.APPROVED.value,
        RegistrationStatus.PASSED.value,
        RegistrationStatus.MARKETPLACE_PASSED.value,
    }
)
#: The registration funnel after "Registered": each stage by the outcome each registration's
#: own record keeps (store/insights.py `_outcome`): its status, a Closed one by how it was
#: decided.
REGISTRATION_STAGES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "In review",
        frozenset(
            {RegistrationStatus.REVIEW_PENDING.value, RegistrationStatus.MARKETPLACE_PENDING.value}
        ),
    ),
    ("Action required", frozenset({RegistrationStatus.ACTION_REQUIRED.value})),
    ("Approved", APPROVED),
    ("Rejected", REJECTED),
    ("Closed", frozenset({RegistrationStatus.CLOSED.value})),
)


class CoSellKind(Label):
    """The dashboard's tabs. Services co-sell referrals carry a partner role (domain.md §1.5.8,
    required for them only); every other referral is IP co-sell."""

    IP = "ip", "IP co-sell"
    SERVICES = "services", "Services co-sell"
    ALL = "all", "All"


class RangeError(ValueError):
    """A range that is not 1m, 3m, 6m, 12m or YYYY-MM-DD..YYYY-MM-DD (start ≤ end)."""


def _minus_months(when: datetime, months: int) -> datetime:
    year, month = divmod(when.year * 12 + (when.month - 1) - months, 12)
    month += 1
    day = when.day
    while True:
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def month_start(when: date | datetime) -> date:
    return date(when.year, when.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in UTC, and the name it was asked by (`3m` or the custom text)."""

    start: datetime
    end: datetime
    name: str

    @classmethod
    def parse(cls, text: str, now: datetime) -> Period:
        """`1m|3m|6m|12m` (ending now) or `YYYY-MM-DD..YYYY-MM-DD` (both days included)."""
        wanted = (text or DEFAULT_RANGE).strip().lower()
        if wanted in RANGE_MONTHS:
            return cls(_minus_months(now, RANGE_MONTHS[wanted]), now, wanted)
        found = _CUSTOM.match(wanted)
        if found is None:
            raise RangeError(
                f"The range {text!r} is not one of 1m, 3m, 6m, 12m or YYYY-MM-DD..YYYY-MM-DD."
            )
        try:
            first, last = (date.fromisoformat(part) for part in found.groups())
        except ValueError as exc:
            raise RangeError(f"The range {text!r} has a day that does not exist.") from exc
        if last < first:
            raise RangeError(f"The range {text!r} ends before it starts.")
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)
        end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
        return cls(start, end, wanted)

    def months(self) -> tuple[date, ...]:
        """Every calendar month the range touches, oldest first."""
        out: list[date] = []
        month = month_start(self.start)
        while datetime(month.year, month.month, 1, tzinfo=UTC) < self.end:
            out.append(month)
            month = next_month(month)
        return tuple(out)

    def full_months(self) -> tuple[date, ...]:
        """The months wholly inside the range (what the changes compare)."""
        return tuple(
            m
            for m in self.months()
            if datetime(m.year, m.month, 1, tzinfo=UTC) >= self.start
            and datetime(*next_month(m).timetuple()[:3], tzinfo=UTC) <= self.end
        )


@dataclass(frozen=True, slots=True)
class InsightsFilter:
    """What the dashboard counts: a tab and the vendor's filters. Empty tuples mean "any"."""

    kind: CoSellKind = CoSellKind.ALL
    deal_types: tuple[DealType, ...] = DEFAULT_DEAL_TYPES
    direction: Direction | None = None
    countries: tuple[str, ...] = ()
    solution: str | None = None
    #: MarketplaceIntent values and/or NOT_APPLICABLE.
    marketplace: tuple[str, ...] = ()
    #: Customer name words, as customer search normalises them (names.company_key): a deal
    #: counts when every word is a word of its customer's normalised name. "" = any customer.
    customer: str = ""
    #: Partner programs (compared without regard to case); WITHOUT = deals without one.
    programs: tuple[str, ...] = ()
    #: PartnerRole values; WITHOUT = deals without a partner role.
    roles: tuple[str, ...] = ()

    def but(self, **changes: object) -> InsightsFilter:
        """This filter with some fields changed (the tab keys, the service's clean-up)."""
        from dataclasses import replace

        return replace(self, **changes)  # type: ignore[arg-type]  # field names checked by dataclasses


#: In the program and role filters: deals without a program / role ("(none)" in the tables).
WITHOUT = ""
#: The word for WITHOUT on the filter line and in the CLI.
NONE_WORD = "none"


def role_value(word: str) -> str | None:
    """A partner role from what a user types: its value, its label, or the start of either
    (any case, spaces and hyphens ignored), `none` for deals without; None when unknown or
    ambiguous."""

    def squeeze(text: str) -> str:
        return text.strip().lower().replace(" ", "").replace("-", "")

    key = squeeze(word)
    if key == NONE_WORD:
        return WITHOUT
    names = {str(r.value): (squeeze(str(r.value)), squeeze(r.label)) for r in PartnerRole}
    exact = [value for value, both in names.items() if key in both]
    if exact:
        return exact[0]
    starts = [v for v, both in names.items() if key and any(n.startswith(key) for n in both)]
    return starts[0] if len(starts) == 1 else None


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum in USD and how many deals could not be converted (their month has no rate)."""

    usd: Decimal = Decimal(0)
    without_rate: int = 0

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.usd + other.usd, self.without_rate + other.without_rate)


@dataclass(frozen=True, slots=True)
class Change:
    """A figure in the first and the last full month of the range."""

    first_month: date
    last_month: date
    first: Decimal
    last: Decimal

    @property
    def delta(self) -> Decimal:
        return self.last - self.first

    @property
    def percent(self) -> Decimal | None:
        """None when the first month is zero (no percentage of nothing)."""
        if self.first == 0:
            return None
        return (self.delta * 100 / self.first).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    accepted: int
    won: int
    lost: int
    won_value: Amount
    #: IP co-sell registrations of these deals.
    registered: int
    approved: int
    rejected: int
    #: Per figure name (total, accepted, won, lost, wonValueUsd, annualValueUsd,
    #: approvedValueUsd): first vs last full month; empty when the range holds fewer than two
    #: full months.
    changes: dict[str, Change] = field(default_factory=dict)
    #: The registrations' annual contract value and the approved ones' contract value, in USD
    #: at the rate of the registration's month (docs/insights.md "Registrations").
    annual_value: Amount = Amount()
    approved_value: Amount = Amount()


@dataclass(frozen=True, slots=True)
class Stage:
    """One box of a funnel: how many deals, and their value in USD."""

    name: str
    count: int
    value: Amount


@dataclass(frozen=True, slots=True)
class Funnel:
    #: Received → accepted / declined / expired / still open; created (outbound); won / lost.
    stages: tuple[Stage, ...]
    #: Deals created before the range and accepted, won, lost, declined or expired inside it.
    past: tuple[Stage, ...]
    avg_seconds_to_accept: float | None
    avg_seconds_to_win: float | None


@dataclass(frozen=True, slots=True)
class ReasonRow:
    outcome: str  # "Declined" or "Lost"
    code: str | None
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """A row of the geography, solutions or capabilities tables."""

    key: str
    label: str
    deals: int
    won: int
    lost: int
    expired: int
    won_value: Amount
    lost_value: Amount


@dataclass(frozen=True, slots=True)
class MonthRow:
    """One bar of the comparison: the month's deals, split by part (deal type, or a top
    market / solution), its value won and its approved value, split the same way."""

    month: date
    deals: int
    won: int
    won_value: Amount
    parts: dict[str, int]
    #: Value won (USD) by the same parts (deals without a rate left out, as in won_value).
    won_value_parts: dict[str, Decimal] = field(default_factory=dict)
    #: Contract value (USD) of the month's deals' approved registrations (at the rate of the
    #: registration's month; without a rate left out and counted, as in won_value).
    approved_value: Amount = Amount()
    #: The approved value (USD) by the same parts (by solution: the approved registrations of
    #: deals that carry the solution; a deal with several is in several parts).
    approved_value_parts: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dashboard:
    period: Period
    filters: InsightsFilter
    summary: Summary
    funnel: Funnel
    reasons: tuple[ReasonRow, ...]
    geography: tuple[BreakdownRow, ...]
    solutions: tuple[BreakdownRow, ...]
    programs: tuple[BreakdownRow, ...]
    roles: tuple[BreakdownRow, ...]
    #: The comparison, split by deal type, by the top markets and by the top solutions.
    months: tuple[MonthRow, ...]
    months_by_market: tuple[MonthRow, ...]
    months_by_solution: tuple[MonthRow, ...]
    #: Deals in the range whose value has no USD rate for their month (shown, never dropped).
    without_rate: int
    #: IP co-sell registrations: registered → in review / action required / approved /
    #: rejected / closed, by count and contract value (USD); empty without registrations.
    registration_funnel: tuple[Stage, ...] = ()
    #: Widgets still being counted (service Insights.figures_in_steps); empty when complete.
    pending: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DownloadRow:
    """A row of `--download`: one deal behind the figures."""

    referral_id: str
    name: str
    customer_name: str
    country: str
    deal_type: str
    direction: str
    status: str
    value: Decimal
    currency: str
    value_usd: Decimal | None
    created_at: datetime
    closed_at: datetime | None
    partner_role: str | None


#: The Insights screen's filter words (`/`): `range:3m country:US,GB type:all dir:in
#: solution:SOL-1 mp:yes,na customer:contoso program:"Azure Migrate" role:presales,none`;
#: a value with spaces is quoted, as in the grid's filter line (query.read_value).
FILTER_WORDS = ("range", "country", "type", "dir", "solution", "mp", "customer", "program", "role")
_TYPE_WORDS = {
    "cosell": DealType.CO_SELL,
    "partnerled": DealType.PARTNER_LED,
    "private": DealType.PRIVATE,
    "assessment": DealType.SOLUTION_ASSESSMENT,
}
_MP_WORDS = {
    "yes": MarketplaceIntent.YES.value,
    "no": MarketplaceIntent.NO.value,
    "undecided": MarketplaceIntent.UNDECIDED.value,
    "na": NOT_APPLICABLE,
}


class FilterWordsError(ValueError):
    """Filter words that cannot be read; the message says which and why."""


def parse_filter_words(text: str, base: InsightsFilter) -> tuple[str | None, InsightsFilter]:
    """(range or None when not given, the filter) from `word:value` pairs; the tab (kind) is
    kept from `base`, everything else starts from the defaults."""
    rng: str | None = None
    deal_types = DEFAULT_DEAL_TYPES
    direction: Direction | None = None
    countries: tuple[str, ...] = ()
    solution: str | None = None
    marketplace: tuple[str, ...] = ()
    customer = ""
    programs: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    for token, word, value in _tokens(text):
        if word not in FILTER_WORDS or not value:
            raise FilterWordsError(
                f"{token!r} is not one of {', '.join(w + ':' for w in FILTER_WORDS)} with a value"
            )
        values = [v.lower() for v in value.split(",") if v]
        if word == "range":
            rng = value
        elif word == "country":
            countries = tuple(v.upper() for v in values)
        elif word == "type":
            unknown = [v for v in values if v not in _TYPE_WORDS and v != "all"]
            if unknown:
                raise FilterWordsError(
                    f"type:{unknown[0]} is not one of {', '.join(_TYPE_WORDS)} or all"
                )
            deal_types = () if "all" in values else tuple(_TYPE_WORDS[v] for v in values)
        elif word == "dir":
            if value.lower() not in ("in", "out", "all"):
                raise FilterWordsError(f"dir:{value} is not in, out or all")
            direction = {"in": Direction.INCOMING, "out": Direction.OUTGOING}.get(value.lower())
        elif word == "solution":
            solution = value
        elif word == "customer":
            customer = value
        elif word == "program":
            programs = tuple(
                WITHOUT if v.strip().lower() == NONE_WORD else v.strip()
                for v in value.split(",")
                if v.strip()
            )
        elif word == "role":
            found = [(v, role_value(v)) for v in values]
            unknown = [v for v, r in found if r is None]
            if unknown:
                raise FilterWordsError(
                    f"role:{unknown[0]} is not a partner role (e.g. presales, deployment) or none"
                )
            roles = tuple(r for _v, r in found if r is not None)
        else:
            unknown = [v for v in values if v not in _MP_WORDS]
            if unknown:
                raise FilterWordsError(f"mp:{unknown[0]} is not one of {', '.join(_MP_WORDS)}")
            marketplace = tuple(_MP_WORDS[v] for v in values)
    return rng, InsightsFilter(
        kind=base.kind,
        deal_types=deal_types,
        direction=direction,
        countries=countries,
        solution=solution,
        marketplace=marketplace,
        customer=customer,
        programs=programs,
        roles=roles,
    )


def _tokens(text: str) -> list[tuple[str, str, str]]:
    """(token as typed, word, value) of each `word:value`; the value may be "quoted"."""
    out: list[tuple[str, str, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        colon = text.find(":", i)
        space = next((j for j in range(i, n) if text[j].isspace()), n)
        if colon < 0 or colon > space:
            out.append((text[start:space], text[start:space].lower(), ""))
            i = space
            continue
        try:
            value, i = read_value(text, colon + 1)
        except QueryError as exc:
            raise FilterWordsError(exc.message) from exc
        out.append((text[start:i], text[start:colon].lower(), value))
    return out


def _quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) else value


def filter_words(rng: str, f: InsightsFilter) -> str:
    """The words that give back `rng` and `f` (what `/` starts from)."""
    words = [f"range:{rng}"]
    names = {v: k for k, v in _TYPE_WORDS.items()}
    if not f.deal_types:
        words.append("type:all")
    elif f.deal_types != DEFAULT_DEAL_TYPES:
        words.append("type:" + ",".join(names[t] for t in f.deal_types))
    if f.direction is not None:
        words.append("dir:" + ("in" if f.direction is Direction.INCOMING else "out"))
    if f.countries:
        words.append("country:" + ",".join(f.countries))
    if f.solution:
        words.append(f"solution:{f.solution}")
    if f.marketplace:
        back = {v: k for k, v in _MP_WORDS.items()}
        words.append("mp:" + ",".join(back.get(m, m) for m in f.marketplace))
    if f.customer:
        words.append("customer:" + _quoted(f.customer))
    if f.programs:
        words.append("program:" + _quoted(",".join(p or NONE_WORD for p in f.programs)))
    if f.roles:
        words.append("role:" + ",".join(r or NONE_WORD for r in f.roles))
    return " ".join(words)
