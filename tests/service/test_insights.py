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
    DealType,
    Direction,
    MarketplaceIntent,
    PartnerRole,
    RegistrationStatus,
    Status,
    Substatus,
)
from cosell_tui.domain.insights import (
    MARKETPLACE_FIELD_SINCE,
    NOT_APPLICABLE,
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
    TeamMember,
)
from tests import factories as f
from tests.service.conftest import engine_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SOLUTIONS = (f.AZURE_IP, f.PLAIN, f.BIZ_APPS)
STATES = (
    (Status.NEW, Substatus.PENDING),
    (Status.NEW, Substatus.RECEIVED),
    (Status.ACTIVE, Substatus.ACCEPTED),
    (Status.CLOSED, Substatus.WON),
    (Status.CLOSED, Substatus.LOST),
    (Status.CLOSED, Substatus.DECLINED),
    (Status.CLOSED, Substatus.EXPIRED),
    (Status.CLOSED, Substatus.ERROR),
)


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
            [RegistrationStatus.APPROVED, RegistrationStatus.FAILED, RegistrationStatus.CLOSED]
        ),
    ),
    intent=st.sampled_from(list(MarketplaceIntent)),
    solutions=st.lists(st.sampled_from(SOLUTIONS), unique=True, max_size=3).map(tuple),
    cara_on_team=st.booleans(),
    customer=st.sampled_from([f.CONTOSO_IN, f.CONTOSO_IN_2, f.NORTHWIND, f.TAILSPIN_FED_MANAGED]),
)
#: The factories' customers by their normalised names (account.search_name).
SEARCH_NAMES = {
    f.CONTOSO_IN: "contoso",
    f.CONTOSO_IN_2: "contoso pune",
    f.NORTHWIND: "northwind traders",
    f.TAILSPIN_FED_MANAGED: "tailspin federal agency",
}

filters = st.builds(
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


@dataclass(frozen=True)
class Deal:
    spec: Spec
    created: datetime
    accepted: datetime | None
    closed: datetime | None
    usd: Decimal | None

    @property
    def sub(self) -> Substatus:
        return self.spec.state[1]


def _store(svc: Service, deals: list[Spec]) -> list[Deal]:
    rates = _rates(svc)
    out = []
    with engine_of(svc).begin() as conn:
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
            out.append(Deal(spec, created, accepted, closed, usd))
    return out


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
    assert s.approved == sum(
        1 for d in inside if d.spec.registration is RegistrationStatus.APPROVED
    )
    assert s.rejected == sum(1 for d in inside if d.spec.registration is RegistrationStatus.FAILED)
    full = period.full_months()
    if len(full) >= 2:
        first = [d for d in inside if _month(d.created) == full[0]]
        last = [d for d in inside if _month(d.created) == full[-1]]
        assert s.changes["total"].first == len(first)
        assert s.changes["total"].last == len(last)
        assert s.changes["wonValueUsd"].last == _sum(subs(last, Substatus.WON))[0]
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
    for split in (got.months_by_market, got.months_by_solution):
        assert [m.month for m in split] == list(period.months())
    assert sum(m.deals for m in got.months_by_market) == len(inside)


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


def test_download_is_newest_first_and_honours_filters(svc: Service) -> None:
    base = dict(
        org=f.FABRIKAM, location=f.SEATTLE, direction=Direction.OUTGOING,
        state=(Status.CLOSED, Substatus.WON), deal_type=DealType.CO_SELL, role=None,
        program=None, currency="USD", cents=100_00, accepted_after=None, closed_after=1,
        reason=None, registration=None, intent=MarketplaceIntent.YES, solutions=(),
        cara_on_team=False,
    )  # fmt: skip
    _store(
        svc,
        [
            Spec(created_days=5, country="US", **base),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(created_days=2, country="US", **base),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(created_days=1, country="GB", **base),  # type: ignore[arg-type]  # base: a dict of typed fields
            Spec(created_days=200, country="US", **base),  # type: ignore[arg-type]  # base: a dict of typed fields
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
