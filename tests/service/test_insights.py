"""Insights: every figure equals a brute-force recount in Python over random deals (hypothesis),
on SQLite and PostgreSQL; plus the range, the filters' refusals and the download."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    ContractTerm,
    DealType,
    Direction,
    MarketplaceIntent,
    PartnerRole,
    PricingModel,
    RegistrationStatus,
    Status,
    Substatus,
    TenantType,
)
from cosell_tui.domain.insights import (
    APPROVED,
    MARKETPLACE_FIELD_SINCE,
    NOT_APPLICABLE,
    REGISTRATION_STAGES,
    REJECTED,
    CoSellKind,
    InsightsFilter,
    Period,
)
from cosell_tui.domain.names import company_key
from cosell_tui.service import Service
from cosell_tui.service.errors import ValidationError
from cosell_tui.store.models import (
    Engagement,
    ExchangeRate,
    Referral,
    ReferralSolution,
    Registration,
    TeamMember,
)
from tests import factories as f
from tests.service.conftest import engine_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SOLUTIONS = (f.AZURE_IP, f.PLAIN, f.BIZ_APPS)
#: Every (status, substatus) a deal can be in (the domain's list), in a fixed order.
STATES = tuple(sorted(VALID_STATUS_PAIRS))


@dataclass(frozen=True)
class Spec:
    """One random deal."""

    org: int
    location: int
    direction: Direction
    state: tuple[Status, Substatus]
    deal_type: DealType
    role: PartnerRole | None
    program: str | None
    country: str
    currency: str
    cents: int
    created_days: int  # before NOW
    accepted_after: int | None  # hours after creation
    closed_after: int | None
    reason: str | None
    registration: RegistrationStatus | None
    intent: MarketplaceIntent
    solutions: tuple[str, ...]
    cara_on_team: bool
    customer: int = f.CONTOSO_IN
    #: The registration (when `registration` is set): currency, contract value in cents,
    #: days from the deal's creation to registering, contract days (None: perpetual).
    reg_currency: str = "USD"
    reg_cents: int = 5_000_000
    reg_after: int = 0
    reg_days: int | None = None
    #: Hours after registering at which the registration was approved automatically, passed
    #: and failed review (None: never): its record, which decides how a Closed one counts.
    reg_stamps: tuple[int | None, int | None, int | None] = (None, None, None)


specs = st.builds(
    Spec,
    org=st.sampled_from([f.FABRIKAM, f.FABRIKAM, f.ADATUM]),
    location=st.sampled_from([f.SEATTLE, f.LONDON]),
    direction=st.sampled_from(list(Direction)),
    state=st.sampled_from(STATES),
    deal_type=st.sampled_from(list(DealType)),
    role=st.one_of(st.none(), st.sampled_from([PartnerRole.PRESALES, PartnerRole.DEPLOYMENT])),
    program=st.sampled_from([None, "Azure Migrate", "Modern Work"]),
    country=st.sampled_from(["US", "GB", "IN", "DE"]),
    currency=st.sampled_from(["USD", "EUR", "INR", "JPY"]),
    cents=st.integers(0, 10_000_000),
    created_days=st.integers(0, 1400),
    accepted_after=st.one_of(st.none(), st.integers(1, 2000)),
    closed_after=st.one_of(st.none(), st.integers(1, 5000)),
    reason=st.sampled_from([None, "1", "3", "8"]),
    registration=st.one_of(
        st.none(),
        st.sampled_from(
            [
                RegistrationStatus.APPROVED,
                RegistrationStatus.FAILED,
                RegistrationStatus.CLOSED,
                RegistrationStatus.REVIEW_PENDING,
                RegistrationStatus.ACTION_REQUIRED,
                RegistrationStatus.PASSED,
                RegistrationStatus.MARKETPLACE_FAILED,
                RegistrationStatus.MARKETPLACE_PENDING,
            ]
        ),
    ),
    intent=st.sampled_from(list(MarketplaceIntent)),
    solutions=st.lists(st.sampled_from(SOLUTIONS), unique=True, max_size=3).map(tuple),
    cara_on_team=st.booleans(),
    customer=st.sampled_from([f.CONTOSO_IN, f.CONTOSO_IN_2, f.NORTHWIND, f.TAILSPIN_FED_MANAGED]),
    reg_currency=st.sampled_from(["USD", "EUR", "INR", "JPY"]),
    reg_cents=st.integers(1, 900_000_000),
    reg_after=st.integers(0, 400),
    reg_days=st.one_of(st.none(), st.integers(1, 2000)),
    reg_stamps=st.tuples(*[st.one_of(st.none(), st.integers(0, 3))] * 3),
)
#: The factories' customers by their normalised names (account.search_name).
SEARCH_NAMES = {
    f.CONTOSO_IN: "contoso",
    f.CONTOSO_IN_2: "contoso pune",
    f.NORTHWIND: "northwind traders",
    f.TAILSPIN_FED_MANAGED: "tailspin federal agency",
}

any_filters = st.builds(
    InsightsFilter,
    kind=st.sampled_from(list(CoSellKind)),
    deal_types=st.sampled_from([(DealType.CO_SELL, DealType.PARTNER_LED), (), (DealType.PRIVATE,)]),
    direction=st.one_of(st.none(), st.sampled_from(list(Direction))),
    countries=st.sampled_from([(), ("US",), ("GB", "IN")]),
    solution=st.sampled_from([None, f.AZURE_IP]),
    marketplace=st.sampled_from([(), ("Yes",), (NOT_APPLICABLE,), ("No", NOT_APPLICABLE)]),
    # as typed: the service normalises them (legal suffix, case, punctuation)
    customer=st.sampled_from(["", "Contoso Pvt. Ltd.", "PUNE contoso", "traders", "federal x"]),
    programs=st.sampled_from([(), ("azure migrate",), ("none",), ("Modern Work", "none")]),
    roles=st.sampled_from([(), ("presales",), ("none",), ("Deployment services", "none")]),
)
#: At most one filter the base kept tables cannot answer (so a kept variant answers it:
#: store/insights.py `kept_filter`), beside the tab, type and direction.
one_kept_filter = st.builds(
    lambda base, extra: base.but(**extra),
    st.builds(
        InsightsFilter,
        kind=st.sampled_from(list(CoSellKind)),
        deal_types=st.sampled_from([(DealType.CO_SELL, DealType.PARTNER_LED), ()]),
        direction=st.one_of(st.none(), st.sampled_from(list(Direction))),
    ),
    st.sampled_from(
        [
            {},
            {"countries": ("US",)},
            {"countries": ("GB", "IN")},
            {"marketplace": ("Yes",)},
            {"marketplace": ("No", NOT_APPLICABLE)},
            {"programs": ("azure migrate",)},
            {"programs": ("Modern Work", "none")},
            {"roles": ("presales",)},
            {"roles": ("none",)},
            {"programs": ("none",), "roles": ("Deployment services",)},
        ]
    ),
)
filters = st.one_of(any_filters, one_kept_filter)
ranges = st.sampled_from(
    ["1m", "3m", "6m", "12m", "2023-01-15..2025-03-31", "2026-11-01..2026-11-30"]
)
users = st.sampled_from(["ava", "ben", "cara"])


def _rates(svc: Service) -> dict[tuple[date, str], Decimal]:
    with engine_of(svc).connect() as conn:
        return {
            (m, c): Decimal(r)
            for m, c, r in conn.execute(
                select(ExchangeRate.month, ExchangeRate.currency, ExchangeRate.usd_per_unit)
            )
        }


def _usd(spec: Spec, created: datetime, rates: dict[tuple[date, str], Decimal]) -> Decimal | None:
    value = Decimal(spec.cents) / 100
    if spec.currency == "USD":
        return value
    rate = rates.get((date(created.year, created.month, 1), spec.currency))
    if rate is None:
        return None
    return (value * rate).quantize(Decimal("0.01"))


def _contract_cents(
    spec: Spec, registered: datetime, rates: dict[tuple[date, str], Decimal]
) -> tuple[Decimal, Decimal] | None:
    """(contract value, annual contract value) in USD cents, unrounded; None without a rate."""
    if spec.reg_currency == "USD":
        rate = Decimal(1)
    elif (
        found := rates.get((date(registered.year, registered.month, 1), spec.reg_currency))
    ) is None:
        return None
    else:
        rate = found
    contract = spec.reg_cents * rate
    years = Decimal(6) if spec.reg_days is None else max(Decimal(1), Decimal(spec.reg_days) / 365)
    return contract, contract / years


@dataclass(frozen=True)
class Deal:
    spec: Spec
    created: datetime
    accepted: datetime | None
    closed: datetime | None
    usd: Decimal | None
    #: The registration's (contract, annual) value in USD cents; None: no rate (or none).
    reg_usd: tuple[Decimal, Decimal] | None = None

    @property
    def sub(self) -> Substatus:
        return self.spec.state[1]


def _store(svc: Service, deals: list[Spec]) -> list[Deal]:
    rates = _rates(svc)
    out = []
    with engine_of(svc).begin() as conn:
        conn.execute(delete(Registration))
        conn.execute(delete(ReferralSolution))
        conn.execute(delete(TeamMember))
        conn.execute(delete(Referral))
        conn.execute(delete(Engagement))
        conn.execute(insert(Engagement).values(id="e1", created_at=NOW))
        for i, spec in enumerate(deals, start=1):
            created = NOW - timedelta(days=spec.created_days, hours=i % 7)
            accepted = (
                created + timedelta(hours=spec.accepted_after) if spec.accepted_after else None
            )
            closed = created + timedelta(hours=spec.closed_after) if spec.closed_after else None
            usd = _usd(spec, created, rates)
            location = spec.location if spec.org == f.FABRIKAM else f.TORONTO
            status, sub = spec.state
            conn.execute(
                insert(Referral).values(
                    id=i, referral_id=str(uuid.UUID(int=i)), engagement_id="e1", org_id=spec.org,
                    location_id=location, direction=spec.direction, status=status,
                    substatus=sub, deal_type=spec.deal_type, name=f"Deal {i}",
                    value=Decimal(spec.cents) / 100, currency=spec.currency, value_usd=usd,
                    close_date=date(2027, 1, 1), customer_account_id=spec.customer,
                    customer_name="Contoso", country=spec.country, created_at=created,
                    updated_at=created, accepted_at=accepted, closed_at=closed,
                    status_reason_code=spec.reason, registration_status=spec.registration,
                    marketplace_intent=spec.intent, partner_role=spec.role,
                    partner_program=spec.program, version=1,
                )
            )  # fmt: skip
            for sid in spec.solutions:
                conn.execute(insert(ReferralSolution).values(referral_id=i, solution_id=sid))
            if spec.cara_on_team:
                conn.execute(
                    insert(TeamMember).values(
                        referral_id=i, first_name="Cara", last_name="Nguyen", phone="+1",
                        email="cara@fabrikam.example",
                    )
                )  # fmt: skip
            reg_usd = None
            if spec.registration is not None:
                registered = created + timedelta(days=spec.reg_after, minutes=i)
                start = registered.date()
                conn.execute(
                    insert(Registration).values(
                        referral_id=i, status=spec.registration, is_marketplace=False,
                        deployed_on_azure=True, term=ContractTerm.PERPETUAL
                        if spec.reg_days is None else ContractTerm.FINITE,
                        contract_value=Decimal(spec.reg_cents) / 100,
                        contract_currency=spec.reg_currency, solution_id=f.AZURE_IP,
                        solution_value=Decimal(1), solution_currency="USD", sign_date=start,
                        start_date=start,
                        end_date=None if spec.reg_days is None
                        else start + timedelta(days=spec.reg_days),
                        tenant_type=TenantType.CUSTOMER, pricing_model=PricingModel.OTHER,
                        registered_at=registered,
                        **{
                            name: None if hours is None else registered + timedelta(hours=hours)
                            for name, hours in zip(
                                ("approved_at", "passed_at", "failed_at"), spec.reg_stamps,
                                strict=True,
                            )
                        },
                    )
                )  # fmt: skip
                reg_usd = _contract_cents(spec, registered, rates)
            out.append(Deal(spec, created, accepted, closed, usd, reg_usd))
    return out


def _status(d: Deal) -> str | None:
    """The status the registration counts under: a Closed one by its last decision (failed
    over passed over approved at the same instant), undecided ones as Closed."""
    if d.spec.registration is None:
        return None
    if d.spec.registration is not RegistrationStatus.CLOSED:
        return d.spec.registration.value
    decisions = [
        (hours, rank, status.value)
        for rank, (hours, status) in enumerate(
            zip(
                d.spec.reg_stamps,
                (RegistrationStatus.APPROVED, RegistrationStatus.PASSED, RegistrationStatus.FAILED),
                strict=True,
            )
        )
        if hours is not None
    ]
    return max(decisions)[2] if decisions else RegistrationStatus.CLOSED.value


def _approved(d: Deal) -> bool:
    return _status(d) in APPROVED


def _rejected(d: Deal) -> bool:
    return _status(d) in REJECTED


def _visible(d: Deal, user: str) -> bool:
    if d.spec.org != f.FABRIKAM:
        return False
    if user == "ben":
        return d.spec.location == f.LONDON
    if user == "cara":
        return d.spec.location == f.SEATTLE and d.spec.cara_on_team
    return True


def _matches(d: Deal, flt: InsightsFilter) -> bool:
    s = d.spec
    if d.sub is Substatus.ERROR:
        return False
    if flt.kind is CoSellKind.IP and s.role is not None:
        return False
    if flt.kind is CoSellKind.SERVICES and s.role is None:
        return False
    if flt.deal_types and s.deal_type not in flt.deal_types:
        return False
    if flt.direction is not None and s.direction is not flt.direction:
        return False
    if flt.countries and s.country not in flt.countries:
        return False
    if flt.solution and flt.solution not in s.solutions:
        return False
    if flt.customer:
        typed = company_key(flt.customer).split()
        if not set(typed) <= set(SEARCH_NAMES[s.customer].split()):
            return False
    if flt.programs:
        wanted = {"" if p == "none" else p.lower() for p in flt.programs}
        if (s.program or "").lower() not in wanted:
            return False
    if flt.roles:
        words = {
            "none": "",
            "presales": PartnerRole.PRESALES.value,
            "Deployment services": PartnerRole.DEPLOYMENT.value,
        }
        if (s.role.value if s.role else "") not in {words[r] for r in flt.roles}:
            return False
    if flt.marketplace:
        old = d.created < MARKETPLACE_FIELD_SINCE
        if not (
            (old and NOT_APPLICABLE in flt.marketplace)
            or (not old and s.intent.value in flt.marketplace)
        ):
            return False
    return True


def _sum(deals: list[Deal]) -> tuple[Decimal, int]:
    return (
        sum((d.usd for d in deals if d.usd is not None), Decimal("0.00")),
        sum(1 for d in deals if d.usd is None),
    )


#: SQLite converts registrations' values in floating point (it has no decimal type): a sum may
#: round to the next cent. PostgreSQL's are exact.
CENT = Decimal("0.01")


def _reg_sum(deals: list[Deal], which: int) -> tuple[Decimal, int]:
    """Contract (0) or annual (1) value in USD of these deals' registrations, and how many have
    no rate: rounded once, as the service does."""
    cents = sum((d.reg_usd[which] for d in deals if d.reg_usd is not None), Decimal(0))
    return (cents / 100).quantize(CENT), sum(1 for d in deals if d.reg_usd is None)


def _same_money(got: Any, expected: tuple[Decimal, int]) -> None:
    assert got.without_rate == expected[1]
    assert abs(got.usd - expected[0]) <= CENT, (got, expected)


def _month(when: datetime) -> date:
    return date(when.year, when.month, 1)


def check(svc: Service, deals: list[Deal], user: str, rng: str, flt: InsightsFilter) -> None:
    who = svc.as_user(user)
    got = who.insights.figures(rng, flt)
    period = Period.parse(rng, NOW)
    seen = [d for d in deals if _visible(d, user) and _matches(d, flt)]
    inside = [d for d in seen if period.start <= d.created < period.end]

    def subs(ds: list[Deal], *wanted: Substatus) -> list[Deal]:
        return [d for d in ds if d.sub in wanted]

    won = subs(inside, Substatus.WON)
    lost = subs(inside, Substatus.LOST)
    accepted = subs(inside, Substatus.ACCEPTED, Substatus.WON, Substatus.LOST)
    s = got.summary
    assert (s.total, s.accepted, s.won, s.lost) == (len(inside), len(accepted), len(won), len(lost))
    assert (s.won_value.usd, s.won_value.without_rate) == _sum(won)
    assert got.without_rate == _sum(inside)[1]
    assert s.registered == sum(1 for d in inside if d.spec.registration is not None)
    assert s.approved == sum(1 for d in inside if _approved(d))
    assert s.rejected == sum(1 for d in inside if _rejected(d))
    registered = [d for d in inside if d.spec.registration is not None]
    approved = [d for d in registered if _approved(d)]
    _same_money(s.annual_value, _reg_sum(registered, 1))
    _same_money(s.approved_value, _reg_sum(approved, 0))
    if registered:
        funnel = {st_.name: st_ for st_ in got.registration_funnel}
        wanted = {
            "Registered": registered,
            **{
                name: [d for d in registered if _status(d) in statuses]
                for name, statuses in REGISTRATION_STAGES
            },
        }
        assert list(funnel) == list(wanted)
        for name, ds in wanted.items():
            assert funnel[name].count == len(ds), name
            _same_money(funnel[name].value, _reg_sum(ds, 0))
    else:
        assert got.registration_funnel == ()
    full = period.full_months()
    if len(full) >= 2:
        first = [d for d in inside if _month(d.created) == full[0]]
        last = [d for d in inside if _month(d.created) == full[-1]]
        assert s.changes["total"].first == len(first)
        assert s.changes["total"].last == len(last)
        assert s.changes["wonValueUsd"].last == _sum(subs(last, Substatus.WON))[0]
        last_registered = [d for d in last if d.spec.registration is not None]
        assert s.changes["registered"].last == len(last_registered)
        assert s.changes["approved"].first == sum(1 for d in first if _approved(d))
        assert s.changes["rejected"].last == sum(1 for d in last if _rejected(d))
        assert abs(s.changes["annualValueUsd"].last - _reg_sum(last_registered, 1)[0]) <= CENT
    else:
        assert s.changes == {}

    # funnel
    inbound = [d for d in inside if d.spec.direction is Direction.INCOMING]
    stages = {st_.name: st_ for st_ in got.funnel.stages}
    expected = {
        "Received": inbound,
        "Accepted": subs(inbound, Substatus.ACCEPTED, Substatus.WON, Substatus.LOST),
        "Declined": subs(inbound, Substatus.DECLINED),
        "Expired": subs(inbound, Substatus.EXPIRED),
        "Awaiting response": subs(inbound, Substatus.PENDING, Substatus.RECEIVED),
        "Created": [d for d in inside if d.spec.direction is Direction.OUTGOING],
        "Won": won,
        "Lost": lost,
    }
    for name, ds in expected.items():
        assert stages[name].count == len(ds), name
        assert (stages[name].value.usd, stages[name].value.without_rate) == _sum(ds), name
    waits = [(d.accepted - d.created).total_seconds() for d in inbound if d.accepted is not None]
    if waits:
        avg = sum(waits) / len(waits)
        assert got.funnel.avg_seconds_to_accept == pytest.approx(avg, rel=1e-6, abs=1)
    else:
        assert got.funnel.avg_seconds_to_accept is None
    before = [d for d in seen if d.created < period.start]

    def within(t: datetime | None) -> bool:
        return t is not None and period.start <= t < period.end

    past = {st_.name: st_.count for st_ in got.funnel.past}
    assert past["Accepted"] == sum(1 for d in before if within(d.accepted))
    assert past["Won"] == sum(1 for d in subs(before, Substatus.WON) if within(d.closed))
    for sub in (Substatus.WON, Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED):
        assert past[sub.label] == sum(1 for d in subs(before, sub) if within(d.closed)), sub

    # reasons
    reasons = Counter(
        (d.sub.value, d.spec.reason) for d in subs(inside, Substatus.DECLINED, Substatus.LOST)
    )
    assert {(r.outcome, r.code): r.count for r in got.reasons} == dict(reasons)

    # geography, solutions (once per solution), capabilities
    def table(keyed: list[tuple[str, Deal]]) -> dict[str, tuple[Any, ...]]:
        groups: dict[str, list[Deal]] = defaultdict(list)
        for key, d in keyed:
            groups[key].append(d)
        return {
            k: (
                len(ds),
                len(subs(ds, Substatus.WON)),
                len(subs(ds, Substatus.LOST)),
                len(subs(ds, Substatus.EXPIRED)),
                _sum(subs(ds, Substatus.WON)),
                _sum(subs(ds, Substatus.LOST)),
            )
            for k, ds in groups.items()
        }

    def rows(found: Any) -> dict[str, tuple[Any, ...]]:
        return {
            r.key: (
                r.deals, r.won, r.lost, r.expired, (r.won_value.usd, r.won_value.without_rate),
                (r.lost_value.usd, r.lost_value.without_rate),
            )
            for r in found
        }  # fmt: skip

    assert rows(got.geography) == table([(d.spec.country, d) for d in inside])
    assert rows(got.solutions) == table([(sid, d) for d in inside for sid in d.spec.solutions])
    assert rows(got.programs) == table([(d.spec.program or "", d) for d in inside])
    assert rows(got.roles) == table([(d.spec.role.value if d.spec.role else "", d) for d in inside])

    # comparison by month
    months = {m.month: m for m in got.months}
    assert tuple(months) == period.months()
    for month, row in months.items():
        ds = [d for d in inside if _month(d.created) == month]
        assert row.deals == len(ds)
        assert row.won == len(subs(ds, Substatus.WON))
        assert row.won_value.usd == _sum(subs(ds, Substatus.WON))[0]
        assert sum(row.parts.values()) == len(ds)
        assert (
            row.parts
            == {k.label: n for k, n in sorted(Counter(d.spec.deal_type for d in ds).items())}
            or not ds
        )
        won_ds = subs(ds, Substatus.WON)
        assert row.won_value_parts == {
            part: _sum([d for d in won_ds if d.spec.deal_type.label == part])[0]
            for part in row.parts
        }
        _same_money(
            row.approved_value,
            _reg_sum([d for d in ds if _approved(d)], 0),
        )
    for row in got.months_by_market:
        won_ds = [d for d in subs(inside, Substatus.WON) if _month(d.created) == row.month]
        top = [p for p in row.parts if p != "Other"]
        for part in row.parts:
            mine = [
                d
                for d in won_ds
                if (d.spec.country == part if part != "Other" else d.spec.country not in top)
            ]
            assert row.won_value_parts[part] == _sum(mine)[0], (row.month, part)
        assert sum(row.won_value_parts.values()) == row.won_value.usd
    _check_approved_parts(got, inside)
    for split in (got.months_by_market, got.months_by_solution):
        assert [m.month for m in split] == list(period.months())
    assert sum(m.deals for m in got.months_by_market) == len(inside)


def _check_approved_parts(got: Any, inside: list[Deal]) -> None:
    """The approved value of each comparison is split like its deals: by deal type, by the
    top markets and Other, by the top solutions and Other (a deal in each of its solutions)."""
    by_name = {r.label: r.key for r in got.solutions}

    def type_of(d: Deal) -> set[str]:
        return {d.spec.deal_type.label}

    def country_of(d: Deal) -> set[str]:
        return {d.spec.country}

    def solutions_of(d: Deal) -> set[str]:
        return set(d.spec.solutions)

    for months, keys, key_of in (
        (got.months, type_of, lambda part: part),
        (got.months_by_market, country_of, lambda part: part),
        (got.months_by_solution, solutions_of, lambda part: by_name.get(part, part)),
    ):
        for row in months:
            approved = [d for d in inside if _month(d.created) == row.month and _approved(d)]
            top = {key_of(p) for p in row.parts if p != "Other"}
            assert set(row.approved_value_parts) == set(row.parts)
            for part, value in row.approved_value_parts.items():
                mine = [
                    d
                    for d in approved
                    if (keys(d) - top if part == "Other" else key_of(part) in keys(d))
                ]
                assert abs(value - _reg_sum(mine, 0)[0]) <= CENT, (row.month, part)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deals=st.lists(specs, max_size=40),
    cases=st.lists(st.tuples(users, ranges, filters), min_size=1, max_size=3),
)
def test_every_figure_is_a_recount(
    svc: Service, deals: list[Spec], cases: list[tuple[str, str, InsightsFilter]]
) -> None:
    stored = _store(svc, deals)
    for user, rng, flt in cases:
        check(svc, stored, user, rng, flt)


def test_error_closed_deals_and_other_orgs_are_left_out(svc: Service) -> None:
    base = dict(
        org=f.FABRIKAM, location=f.SEATTLE, direction=Direction.OUTGOING,
        deal_type=DealType.CO_SELL, role=None, program=None, country="US", currency="USD",
        cents=100_00, created_days=3, accepted_after=None, closed_after=1, reason=None,
        registration=None, intent=MarketplaceIntent.YES, solutions=(), cara_on_team=False,
    )  # fmt: skip
    _store(
        svc,
        [
            Spec(state=(Status.CLOSED, Substatus.ERROR), **base),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(state=(Status.CLOSED, Substatus.WON), **base),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(state=(Status.CLOSED, Substatus.WON), **{**base, "org": f.ADATUM}),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(state=(Status.CLOSED, Substatus.WON), **{**base, "currency": "JPY"}),  # type: ignore[arg-type]  # base: a dict of typed fields
        ],
    )
    got = svc.insights.figures("1m")
    assert got.summary.total == 2
    assert got.summary.won_value.usd == Decimal("100.00")
    assert got.summary.won_value.without_rate == 1
    assert got.without_rate == 1


@pytest.mark.parametrize("bad", ["2m", "2026-13-01..2026-12-01", "2026-05-01..2026-04-01", "x"])
def test_a_bad_range_is_refused_in_words(svc: Service, bad: str) -> None:
    with pytest.raises(ValidationError, match="range"):
        svc.insights.figures(bad)


def test_a_bad_country_is_refused(svc: Service) -> None:
    with pytest.raises(ValidationError, match="two-letter"):
        svc.insights.figures("3m", InsightsFilter(countries=("USA",)))


#: A won outbound co-sell deal of Fabrikam's Seattle, worth USD 100 (tests add the rest).
WON_DEAL: dict[str, Any] = dict(
    org=f.FABRIKAM, location=f.SEATTLE, direction=Direction.OUTGOING,
    state=(Status.CLOSED, Substatus.WON), deal_type=DealType.CO_SELL, role=None, program=None,
    currency="USD", cents=100_00, accepted_after=None, closed_after=1, reason=None,
    intent=MarketplaceIntent.YES, solutions=(), cara_on_team=False,
)  # fmt: skip


def test_download_is_newest_first_and_honours_filters(svc: Service) -> None:
    base = {**WON_DEAL, "registration": None}
    _store(
        svc,
        [
            Spec(created_days=5, country="US", **base),
            Spec(created_days=2, country="US", **base),
            Spec(created_days=1, country="GB", **base),
            Spec(created_days=200, country="US", **base),
        ],
    )
    rows = svc.insights.download("3m", InsightsFilter(countries=("us",)))
    assert [r.name for r in rows] == ["Deal 2", "Deal 1"]
    assert len(svc.insights.download("12m", limit=1)) == 1


def test_period_months_and_full_months() -> None:
    p = Period.parse("3m", NOW)
    assert p.start == datetime(2026, 8, 20, 12, tzinfo=UTC)
    assert p.months() == (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    assert p.full_months() == (date(2026, 9, 1), date(2026, 10, 1))
    custom = Period.parse("2026-01-01..2026-02-28", NOW)
    assert custom.full_months() == (date(2026, 1, 1), date(2026, 2, 1))
    assert Period.parse("1m", datetime(2026, 3, 31, tzinfo=UTC)).start == datetime(
        2026, 2, 28, tzinfo=UTC
    )


def test_filter_words_read_quoted_values_and_give_them_back() -> None:
    from cosell_tui.domain.insights import FilterWordsError, filter_words, parse_filter_words

    words = 'customer:"northwind traders" program:"Azure Migrate,none" role:deploy'
    rng, flt = parse_filter_words(words, InsightsFilter())
    assert rng is None
    assert flt.customer == "northwind traders"
    assert flt.programs == ("Azure Migrate", "")
    assert flt.roles == (PartnerRole.DEPLOYMENT.value,)
    assert parse_filter_words(filter_words("3m", flt), InsightsFilter()) == ("3m", flt)
    for bad in ("role:p", 'customer:"open', "who:x"):
        with pytest.raises(FilterWordsError):
            parse_filter_words(bad, InsightsFilter())


def test_an_unknown_role_is_refused(svc: Service) -> None:
    with pytest.raises(ValidationError, match="partner role"):
        svc.insights.figures("3m", InsightsFilter(roles=("juggler",)))


def test_registration_values_and_funnel_by_example(svc: Service) -> None:
    base = {**WON_DEAL, "country": "US", "created_days": 3}
    _store(
        svc,
        [
            # perpetual USD 600,000: ACV 100,000
            Spec(registration=RegistrationStatus.APPROVED, reg_cents=600_000_00, **base),
            # EUR 200,000 over 730 days at 1.10: 220,000, ACV 110,000
            Spec(
                registration=RegistrationStatus.REVIEW_PENDING,
                reg_currency="EUR",
                reg_cents=200_000_00,
                reg_days=730,
                **base,
            ),
            # JPY has no rate: counted, not summed
            Spec(registration=RegistrationStatus.PASSED, reg_currency="JPY", **base),
            Spec(registration=None, **base),
        ],
    )
    got = svc.insights.figures("1m")
    s = got.summary
    assert (s.registered, s.approved, s.rejected) == (3, 2, 0)
    assert (s.annual_value.usd, s.annual_value.without_rate) == (Decimal("210000.00"), 1)
    assert (s.approved_value.usd, s.approved_value.without_rate) == (Decimal("600000.00"), 1)
    stages = {st_.name: (st_.count, st_.value.usd) for st_ in got.registration_funnel}
    assert stages == {
        "Registered": (3, Decimal("820000.00")),
        "In review": (1, Decimal("220000.00")),
        "Action required": (0, Decimal("0.00")),
        "Approved": (2, Decimal("600000.00")),
        "Rejected": (0, Decimal("0.00")),
        "Closed": (0, Decimal("0.00")),
    }
    assert (
        svc.insights.figures("1m", InsightsFilter(kind=CoSellKind.SERVICES)).registration_funnel
        == ()
    )


def test_approved_value_is_split_by_part_with_each_share(svc: Service) -> None:
    from cosell_tui.domain.insights_tables import months_value_table

    base = {**WON_DEAL, "created_days": 3, "registration": RegistrationStatus.APPROVED}
    _store(
        svc,
        [
            Spec(**{**base, "country": "US", "reg_cents": 300_000_00, "solutions": (f.AZURE_IP,)}),
            Spec(
                **{
                    **base,
                    "country": "GB",
                    "reg_cents": 100_000_00,
                    "solutions": (f.AZURE_IP, f.PLAIN),
                    "deal_type": DealType.PARTNER_LED,
                }
            ),
            # not approved: in no approved part
            Spec(**{**base, "country": "GB", "registration": RegistrationStatus.FAILED}),
        ],
    )
    got = svc.insights.figures("1m", InsightsFilter(deal_types=()))
    month = got.months[-1]
    assert month.approved_value.usd == Decimal("400000.00")
    assert month.approved_value_parts == {
        "Co-sell": Decimal("300000.00"),
        "Partner-led": Decimal("100000.00"),
    }
    assert got.months_by_market[-1].approved_value_parts == {
        "GB": Decimal("100000.00"),
        "US": Decimal("300000.00"),
    }
    by_solution = got.months_by_solution[-1].approved_value_parts
    names = {r.key: r.label for r in got.solutions}
    assert by_solution == {
        names[f.AZURE_IP]: Decimal("400000.00"),
        names[f.PLAIN]: Decimal("100000.00"),
    }
    table = months_value_table("Approved value", got.months[-1:], approved=True)
    assert table.headers == ("Month", "Co-sell", "Partner-led", "Approved value")
    assert table.rows[-1] == ("Share", "75 %", "25 %", "")


def test_a_closed_registration_counts_as_its_last_decision(svc: Service) -> None:
    """Microsoft closes a registration once validation ends, and its status then says Closed
    whatever was decided: the funnel and the summary count it by its record (issue 14)."""
    base = {**WON_DEAL, "country": "US", "created_days": 3}
    closed = RegistrationStatus.CLOSED
    _store(
        svc,
        [
            Spec(registration=closed, reg_stamps=(0, None, None), reg_cents=100_00, **base),
            Spec(registration=closed, reg_stamps=(None, 1, None), reg_cents=200_00, **base),
            # approved automatically, then picked for review and failed
            Spec(registration=closed, reg_stamps=(0, None, 2), reg_cents=400_00, **base),
            Spec(registration=closed, reg_cents=800_00, **base),  # closed undecided
        ],
    )
    got = svc.insights.figures("1m")
    stages = {st_.name: (st_.count, st_.value.usd) for st_ in got.registration_funnel}
    assert stages["Approved"] == (2, Decimal("300.00"))
    assert stages["Rejected"] == (1, Decimal("400.00"))
    assert stages["Closed"] == (1, Decimal("800.00"))
    s = got.summary
    assert (s.registered, s.approved, s.rejected) == (4, 2, 1)
    assert s.approved_value.usd == Decimal("300.00")
    assert got.months[-1].approved_value.usd == Decimal("300.00")
