"""The kept monthly aggregates (store/insights_kept.py): after random sequences of writes the
kept rows equal a recount, and every figure the dashboard reads from them (whole months, edges
scanned) equals the exact scan's; the migration builds them for an existing database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    DealType,
    Direction,
    MarketplaceIntent,
    PartnerRole,
    RegistrationStatus,
)
from cosell_tui.domain.insights import CoSellKind, InsightsFilter
from cosell_tui.service import Service
from cosell_tui.store import insights as store
from cosell_tui.store import insights_kept
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import downgrade, upgrade
from cosell_tui.store.models import Referral, ReferralSolution, Registration, TeamMember
from tests import factories as f
from tests.service.conftest import engine_of
from tests.service.test_insights import NOW, SOLUTIONS, WON_DEAL, Spec, _store, specs

#: Changes a write may make to a stored deal: (column, values).
CHANGES: dict[str, Any] = {
    "state": st.sampled_from(sorted(VALID_STATUS_PAIRS)),
    "created_at": st.integers(-400, 400).map(lambda days: NOW + timedelta(days=days, hours=5)),
    "deal_type": st.sampled_from(list(DealType)),
    "direction": st.sampled_from(list(Direction)),
    "location_id": st.sampled_from([f.SEATTLE, f.LONDON]),
    "partner_role": st.sampled_from([None, PartnerRole.PRESALES, PartnerRole.DEPLOYMENT]),
    "country": st.sampled_from(["US", "GB", "FR"]),
    "partner_program": st.sampled_from([None, "Azure Migrate", "Other"]),
    "value_usd": st.one_of(st.none(), st.integers(0, 10_000_000)),
    "registration_status": st.sampled_from([None, *RegistrationStatus]),
    "status_reason_code": st.sampled_from([None, "1", "8"]),
    "accepted_at": st.one_of(st.none(), st.integers(-300, 300)),
    "closed_at": st.one_of(st.none(), st.integers(-300, 300)),
    "marketplace_intent": st.sampled_from(list(MarketplaceIntent)),
}
#: Team members' emails: the Referrals user's (cara) and someone else's.
EMAILS = ("cara@fabrikam.example", "sam@fabrikam.example")
writes = st.one_of(
    st.tuples(st.just("update"), st.integers(1, 6), st.sampled_from(sorted(CHANGES))).flatmap(
        lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.just(t[2]), CHANGES[t[2]])
    ),
    st.tuples(st.just("delete"), st.integers(1, 6)),
    st.tuples(st.sampled_from(["add", "drop"]), st.integers(1, 6), st.sampled_from(SOLUTIONS)),
    # team members: added (twice with the same email too), dropped, moved to another email
    # or deal
    st.tuples(
        st.sampled_from(["join", "leave", "rename", "move"]),
        st.integers(1, 6),
        st.sampled_from(EMAILS),
    ),
)


def _write(conn: Any, op: tuple[Any, ...]) -> None:
    """One write, as any writer (the service, an import, an operator's SQL) would do it."""
    kind, deal = op[0], op[1]
    if kind == "update":
        column, value = op[2], op[3]
        if column == "state":
            values = {"status": value[0], "substatus": value[1]}
        elif column in ("accepted_at", "closed_at"):
            created = conn.execute(select(Referral.created_at).where(Referral.id == deal)).scalar()
            at = None if value is None or created is None else created + timedelta(days=value)
            values = {column: at}
        elif column == "value_usd":
            values = {column: None if value is None else value / 100}
        else:
            values = {column: value}
        conn.execute(update(Referral).where(Referral.id == deal).values(**values))
    elif kind == "delete":
        for child in (Registration, ReferralSolution, TeamMember):
            conn.execute(delete(child).where(child.referral_id == deal))
        conn.execute(delete(Referral).where(Referral.id == deal))
    elif kind in ("join", "leave", "rename", "move"):
        _member_write(conn, kind, deal, op[2])
    elif kind == "add":
        there = conn.execute(select(Referral.id).where(Referral.id == deal)).scalar()
        taken = conn.execute(
            select(ReferralSolution.id).where(
                ReferralSolution.referral_id == deal, ReferralSolution.solution_id == op[2]
            )
        ).scalar()
        if there and not taken:
            conn.execute(insert(ReferralSolution).values(referral_id=deal, solution_id=op[2]))
    else:
        conn.execute(
            delete(ReferralSolution).where(
                ReferralSolution.referral_id == deal, ReferralSolution.solution_id == op[2]
            )
        )


def _member_write(conn: Any, kind: str, deal: int, email: str) -> None:
    there = conn.execute(select(Referral.id).where(Referral.id == deal)).scalar()
    first = conn.execute(
        select(TeamMember.id).where(TeamMember.referral_id == deal).order_by(TeamMember.id)
    ).scalar()
    if kind == "join" and there:
        conn.execute(
            insert(TeamMember).values(
                referral_id=deal, first_name="A", last_name="B", phone="+1", email=email
            )
        )
    elif kind == "leave":
        conn.execute(
            delete(TeamMember).where(TeamMember.referral_id == deal, TeamMember.email == email)
        )
    elif kind == "rename" and first is not None:
        conn.execute(update(TeamMember).where(TeamMember.id == first).values(email=email))
    elif kind == "move" and first is not None:
        target = conn.execute(select(Referral.id).order_by(Referral.id.desc())).scalar()
        conn.execute(update(TeamMember).where(TeamMember.id == first).values(referral_id=target))


#: Ranges with whole months and with edges read whole and subtracted, or scanned.
RANGES = ("1m", "3m", "12m", "2026-11-01..2026-11-30", "2025-10-03..2026-02-26")
FILTERS = (
    InsightsFilter(),
    InsightsFilter(kind=CoSellKind.IP, deal_types=()),
    InsightsFilter(kind=CoSellKind.SERVICES, direction=Direction.INCOMING),
    # each answered by a kept variant (0016_insights4)
    InsightsFilter(countries=("US", "GB")),
    InsightsFilter(kind=CoSellKind.IP, programs=("azure migrate", "none")),
    InsightsFilter(roles=("presales", "none"), deal_types=()),
    InsightsFilter(marketplace=("Yes", "NotApplicable")),
    InsightsFilter(marketplace=("No",), direction=Direction.OUTGOING),
)


def _same_figures(svc: Service, cases: Sequence[tuple[str, str, InsightsFilter]]) -> None:
    for user, rng, flt in cases:
        who = svc.as_user(user)
        kept = who.insights.figures(rng, flt)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(store, "keepable", lambda *_a: False)
            scanned = who.insights.figures(rng, flt)
        assert kept == scanned, (user, rng, flt)


cases = st.lists(
    st.tuples(
        st.sampled_from(["ava", "ben", "cara"]), st.sampled_from(RANGES), st.sampled_from(FILTERS)
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deals=st.lists(specs, min_size=6, max_size=20),
    ops=st.lists(writes, min_size=3, max_size=25),
    asked=cases,
)
def test_kept_figures_equal_the_scan_after_any_writes(
    svc: Service,
    deals: list[Spec],
    ops: list[tuple[Any, ...]],
    asked: list[tuple[str, str, InsightsFilter]],
) -> None:
    _store(svc, deals)
    with engine_of(svc).begin() as conn:
        for op in ops:
            _write(conn, op)
    with engine_of(svc).connect() as conn:
        assert insights_kept.mismatches(conn) == 0
    _same_figures(svc, asked)


def test_a_rolled_back_write_leaves_the_kept_rows(svc: Service) -> None:
    _store(svc, [Spec(**{**WON_DEAL, "created_days": 3, "country": "US", "registration": None})])
    total = "SELECT sum(n) FROM insights_main"
    with engine_of(svc).connect() as conn:
        before = conn.exec_driver_sql(total).scalar()
        conn.rollback()
        with conn.begin() as tx:
            conn.execute(delete(ReferralSolution))
            conn.execute(delete(Referral))
            assert conn.exec_driver_sql(total).scalar() == 0
            tx.rollback()
        assert conn.exec_driver_sql(total).scalar() == before == 1


def test_the_migration_builds_the_kept_rows_of_existing_deals(svc: Service) -> None:
    from tests.service.test_insights import WON_DEAL

    _store(
        svc,
        [
            Spec(**{**WON_DEAL, "created_days": d, "country": "US", "registration": None})
            for d in (3, 40)
        ],
    )
    engine = make_engine(engine_of(svc).url.render_as_string(hide_password=False))
    engine_of(svc).dispose()
    downgrade(engine, "0013_insights2")
    with engine.begin() as conn:  # a deal written while the schema had no kept tables
        conn.execute(update(Referral).where(Referral.id == 1).values(country="GB"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT sum(n) FROM insights_country").scalar() == 2
        assert insights_kept.mismatches(conn) == 0
    engine.dispose()
    _same_figures(svc, [("ava", rng, InsightsFilter()) for rng in RANGES])


def test_from_before_the_range_at_its_edges(svc: Service) -> None:
    """3m ending NOW (2026-11-20 12:00) starts 2026-08-20 12:00: deals created in August before
    it, and acted on in its first part-month or after NOW, are counted to the instant."""
    base = {**WON_DEAL, "country": "US", "registration": None}
    day = 24

    def deal(created_days: int, closed: int, accepted: int | None = None) -> Spec:
        return Spec(
            **{
                **base,
                "created_days": created_days,
                "closed_after": closed * day,
                "accepted_after": None if accepted is None else accepted * day,
            }
        )

    _store(
        svc,
        [
            deal(107, closed=66, accepted=36),  # created Aug 5: accepted Sep 10, closed Oct 10
            deal(140, closed=53),  # created Jul 3, closed Aug 25: inside the first part-month
            deal(140, closed=38),  # closed Aug 10: before the range
            deal(140, closed=143),  # closed Nov 23: after the range
            deal(100, closed=20, accepted=5),  # created Aug 12: accepted before, closed Sep 1
        ],
    )
    _same_figures(svc, [("ava", "3m", InsightsFilter()), ("ben", "3m", InsightsFilter())])
    past = {st_.name: st_.count for st_ in svc.insights.figures("3m").funnel.past}
    assert (past["Accepted"], past["Won"]) == (1, 3)
