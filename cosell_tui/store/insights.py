"""The insights figures, counted by the database: a handful of GROUP BY queries over
ix_referral_insights (org_id, created_at, then every column a figure groups or filters by),
so a range of a million deals is an index range scan and only the groups come back.

Every query shares one WHERE (`conditions`): the user's scope (the grid's `scope_condition`),
deals closed as error left out, created inside the range, and the dashboard's filters. Values
are summed from `value_usd` (the value at the rate of the creation month, valuation.py); deals
whose month has no rate are counted apart (count(*) − count(value_usd)), never summed as zero.
The rolling-up of groups into widgets is done by service/insights.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Float,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    type_coerce,
)
from sqlalchemy.engine import Connection

from cosell_tui.domain import DealType, Direction, PartnerRole, RegistrationStatus, Role, Substatus
from cosell_tui.domain.insights import (
    APPROVED,
    MARKETPLACE_FIELD_SINCE,
    NOT_APPLICABLE,
    WITHOUT,
    CoSellKind,
    DownloadRow,
    InsightsFilter,
)
from cosell_tui.domain.names import KEY_WORD_MAX
from cosell_tui.store import insights_kept
from cosell_tui.store.grid import Scope, scope_condition
from cosell_tui.store.models import (
    AccountKey,
    ExchangeRate,
    Referral,
    ReferralSolution,
    Registration,
    Solution,
)

R = Referral.__table__.c
RS = ReferralSolution.__table__.c
S = Solution.__table__.c
AK = AccountKey.__table__.c
REG = Registration.__table__.c
XR = ExchangeRate.__table__.c
#: A perpetual contract's value is spread over this many years for its ACV (domain.md §4.4,
#: as service/registration.py checks it); a finite one over its term, at least a year.
PERPETUAL_YEARS = 6

#: The columns of ix_referral_insights (models.py and migration 0007_insights).
INDEX_COLUMNS = (
    "org_id", "created_at", "deal_type", "direction", "substatus", "partner_role", "country",
    "marketplace_intent", "partner_program", "status_reason_code", "registration_status",
    "value_usd", "accepted_at", "closed_at", "location_id",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Tally:
    """Deals of one group: how many, how many have a USD value, and its sum in cents."""

    n: int
    rated: int
    cents: int

    @property
    def without_rate(self) -> int:
        return self.n - self.rated


def _tally(n: Any, rated: Any, cents: Any) -> Tally:
    return Tally(int(n or 0), int(rated or 0), int(cents or 0))


def _aggregates() -> list[Any]:
    return [
        func.count(),
        func.count(R.value_usd),
        func.coalesce(func.sum(cast(R.value_usd, BigInteger)), 0),
    ]


#: SQLite: 'YYYY-MM' of the creation time, written exactly as the expression indexes below
#: have it, so the planner matches them (a bound parameter would not match).
SQLITE_MONTH = "substr(referral.created_at, 1, 7)"
_COMMON = (
    "created_at, deal_type, direction, partner_role, country, marketplace_intent, value_usd, "
    "location_id"
)
#: SQLite's GROUP BY sorts every row of the range unless an index yields the rows in group
#: order; these do, each for one query: (org, month, then that query's groups, then what its
#: filters and sums read). PostgreSQL aggregates by hashing and needs only ix_referral_insights.
SQLITE_INDEXES = {
    "ix_insights_main": (
        "org_id, substr(created_at, 1, 7), deal_type, direction, substatus, "
        "registration_status, status_reason_code, created_at, partner_role, country, "
        "marketplace_intent, value_usd, accepted_at, closed_at, location_id"
    ),
    "ix_insights_country": f"org_id, substr(created_at, 1, 7), country, substatus, {_COMMON}",
    "ix_insights_capability": (
        f"org_id, substr(created_at, 1, 7), partner_program, partner_role, substatus, {_COMMON}"
    ),
}


def create_sqlite_indexes(conn: Connection) -> None:
    """SQLite only (migration 0007_insights, and after a bulk load)."""
    if conn.dialect.name == "sqlite":
        for name, columns in SQLITE_INDEXES.items():
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON referral ({columns})")


def drop_sqlite_indexes(conn: Connection) -> None:
    """Before a bulk load (the seeder), so the rows go in without them."""
    if conn.dialect.name == "sqlite":
        for name in SQLITE_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def month_of(dialect: str, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a stored UTC time."""
    if dialect == "sqlite":
        return literal_column(SQLITE_MONTH)
    return func.to_char(column, "YYYY-MM")


def millis_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole milliseconds, exactly as the kept tables' triggers compute them
    (insights_kept.MILLIS), so a sum over kept months and a scan agree to the millisecond."""
    if dialect == "sqlite":
        days = func.julianday(later) - func.julianday(earlier)
        return cast(func.round(days * 86400000), Integer)
    return cast(func.round(func.extract("epoch", later - earlier) * 1000), BigInteger)


def filter_conditions(f: InsightsFilter) -> list[ColumnElement[bool]]:
    """The dashboard's filters (not the range, nor the scope)."""
    conds: list[ColumnElement[bool]] = [R.substatus != Substatus.ERROR]
    if f.kind is CoSellKind.IP:
        conds.append(R.partner_role.is_(None))
    elif f.kind is CoSellKind.SERVICES:
        conds.append(R.partner_role.is_not(None))
    if f.deal_types:
        conds.append(R.deal_type.in_(list(f.deal_types)))
    if f.direction is not None:
        conds.append(R.direction == f.direction)
    if f.countries:
        conds.append(R.country.in_(list(f.countries)))
    if f.solution:
        conds.append(R.id.in_(select(RS.referral_id).where(RS.solution_id == f.solution)))
    if f.marketplace:
        parts: list[ColumnElement[bool]] = []
        intents = [m for m in f.marketplace if m != NOT_APPLICABLE]
        if intents:
            parts.append(
                and_(R.marketplace_intent.in_(intents), R.created_at >= MARKETPLACE_FIELD_SINCE)
            )
        if NOT_APPLICABLE in f.marketplace:
            parts.append(R.created_at < MARKETPLACE_FIELD_SINCE)
        conds.append(or_(*parts))
    # every customer word is a whole word of the customer's normalised name: the `=word` key
    # customer search stores for it (account_key), an index look-up per word
    for word in f.customer.split():
        has_word = select(AK.account_id).where(AK.key == "=" + word[:KEY_WORD_MAX])
        conds.append(R.customer_account_id.in_(has_word))
    if f.programs:
        named = [p.lower() for p in f.programs if p != WITHOUT]
        either: list[ColumnElement[bool]] = []
        if named:
            either.append(func.lower(R.partner_program).in_(named))
        if WITHOUT in f.programs:
            either += [R.partner_program.is_(None), R.partner_program == ""]
        conds.append(or_(*either))
    if f.roles:
        roles = [PartnerRole(r) for r in f.roles if r != WITHOUT]
        either = [R.partner_role.in_(roles)] if roles else []
        if WITHOUT in f.roles:
            either.append(R.partner_role.is_(None))
        conds.append(or_(*either))
    return conds


def conditions(
    scope: Scope, f: InsightsFilter, start: datetime, end: datetime, dialect: str = ""
) -> ColumnElement[bool]:
    """Deals the figures count: in scope, not closed as error, created in [start, end).
    On SQLite the months of the range are named too, so an ix_insights_* index applies."""
    months: list[ColumnElement[bool]] = []
    if dialect == "sqlite":
        last = end - timedelta(microseconds=1)
        month: ColumnElement[str] = literal_column(SQLITE_MONTH)
        months = [month >= f"{start:%Y-%m}", month <= f"{last:%Y-%m}"]
    return and_(
        scope_condition(scope),
        *months,
        R.created_at >= start,
        R.created_at < end,
        *filter_conditions(f),
    )


@dataclass(frozen=True, slots=True)
class MainGroup:
    month: str
    deal_type: DealType
    direction: Direction
    substatus: Substatus
    registration_status: str | None
    reason_code: str | None
    tally: Tally
    ms_to_accept: int
    accepted_timed: int
    ms_to_win: int
    won_timed: int


def scan_main_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[MainGroup]:
    """Summary, funnel, reasons, registrations and the monthly comparison: one scan."""
    dialect = conn.dialect.name
    month = month_of(dialect, R.created_at)
    accept_timed = and_(R.direction == Direction.INCOMING, R.accepted_at.is_not(None))
    won_timed = and_(R.substatus == Substatus.WON, R.closed_at.is_not(None))
    query = (
        select(
            month,
            R.deal_type,
            R.direction,
            R.substatus,
            R.registration_status,
            R.status_reason_code,
            *_aggregates(),
            func.sum(case((accept_timed, millis_between(dialect, R.accepted_at, R.created_at)))),
            func.count(case((accept_timed, 1))),
            func.sum(case((won_timed, millis_between(dialect, R.closed_at, R.created_at)))),
            func.count(case((won_timed, 1))),
        )
        .where(conditions(scope, f, start, end, dialect))
        .group_by(
            month,
            R.deal_type,
            R.direction,
            R.substatus,
            R.registration_status,
            R.status_reason_code,
        )
    )
    return [
        MainGroup(
            month=str(row[0]),
            deal_type=row[1],
            direction=row[2],
            substatus=row[3],
            registration_status=None if row[4] is None else str(row[4].value),
            reason_code=row[5] or None,
            tally=_tally(row[6], row[7], row[8]),
            ms_to_accept=int(row[9] or 0),
            accepted_timed=int(row[10] or 0),
            ms_to_win=int(row[11] or 0),
            won_timed=int(row[12] or 0),
        )
        for row in conn.execute(query)
    ]


def scan_country_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[tuple[str, str, Substatus, Tally]]:
    """(month, country, substatus, tally): geography and the comparison by market."""
    dialect = conn.dialect.name
    month = month_of(dialect, R.created_at)
    query = (
        select(month, R.country, R.substatus, *_aggregates())
        .where(conditions(scope, f, start, end, dialect))
        .group_by(month, R.country, R.substatus)
    )
    return [
        (str(m), str(country), sub, _tally(n, rated, cents))
        for m, country, sub, n, rated, cents in conn.execute(query)
    ]


def scan_capability_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[tuple[str | None, str | None, Substatus, Tally]]:
    """(partner program, partner role, substatus, tally): the capabilities tables."""
    dialect = conn.dialect.name
    month = month_of(dialect, R.created_at)
    # grouped by month as well (summed by the caller): on SQLite that is ix_insights_capability's
    # order, so the rows stream into their groups
    query = (
        select(R.partner_program, R.partner_role, R.substatus, *_aggregates())
        .where(conditions(scope, f, start, end, dialect))
        .group_by(month, R.partner_program, R.partner_role, R.substatus)
    )
    return [
        (program or None, None if role is None else str(role.value), sub, _tally(n, rated, cents))
        for program, role, sub, n, rated, cents in conn.execute(query)
    ]


def scan_solution_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[tuple[str, str, str, Substatus, Tally]]:
    """(month, solution id, solution name, substatus, tally): a deal counts once per solution."""
    month = month_of(conn.dialect.name, R.created_at)
    query = (
        select(month, RS.solution_id, R.substatus, *_aggregates())
        .select_from(Referral.__table__.join(ReferralSolution.__table__, RS.referral_id == R.id))
        .where(conditions(scope, f, start, end))
        .group_by(month, RS.solution_id, R.substatus)
    )
    rows = conn.execute(query).all()
    names = solution_names(conn, {row[1] for row in rows})
    return [
        (str(m), sid, names.get(sid, sid), sub, _tally(n, rated, cents))
        for m, sid, sub, n, rated, cents in rows
    ]


def solution_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(ids)
    names: dict[str, str] = {}
    for chunk in range(0, len(wanted), 500):
        found = conn.execute(select(S.id, S.name).where(S.id.in_(wanted[chunk : chunk + 500])))
        names.update((str(sid), str(name)) for sid, name in found)
    return names


@dataclass(frozen=True, slots=True)
class RegistrationGroup:
    """Registrations of deals in the range, by creation month and the deal's registration
    status: how many, how many have a USD value, and their contract value and annual contract
    value in USD cents (unrounded sums: the caller rounds each sum once)."""

    month: str
    status: str
    n: int
    rated: int
    contract_cents: Decimal
    annual_cents: Decimal
    #: The deal's type and country (registration_groups) or one of its solutions
    #: (registration_solution_groups): the comparison's parts of the approved value.
    deal_type: str = ""
    country: str = ""
    solution_id: str = ""

    @property
    def without_rate(self) -> int:
        return self.n - self.rated


def _rate_month(dialect: str) -> ColumnElement[Any]:
    """The first day of the registration's month, as exchange_rate.month is stored."""
    if dialect == "sqlite":
        return func.substr(REG.registered_at, 1, 7).op("||")(literal_column("'-01'"))
    return cast(func.date_trunc("month", REG.registered_at), Date)


def registration_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[RegistrationGroup]:
    """The registrations of the deals the figures count (the deal's registration status set),
    by the deal's creation month, registration status, type and country, with their contract
    value converted at the rate of the registration's month (the monthly rates table; USD is
    1). A registration whose currency has no rate that month, or a deal whose registration row
    is missing, is counted and has no value (`rated` leaves it out)."""
    return _registration_query(conn, scope, f, start, end, by_solution=False)


def registration_solution_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[RegistrationGroup]:
    """The approved registrations per solution of the deal (a deal with several counts once
    for each): the approved value of the comparison by solution."""
    return _registration_query(conn, scope, f, start, end, by_solution=True)


def _outcome() -> ColumnElement[str]:
    """The status a registration counts under: its own status, except that a Closed one
    (validation finished: Microsoft closes a decided registration, and the status no longer
    says how) counts as the last decision its record stamps: rejected (Review (Failed)) when
    it failed at or after any approval, approved after review (Review (Passed)) when it passed
    at or after an automatic approval, approved (Approved) when only that, and Closed only
    when it was closed undecided. The deal's registration status when its row is missing."""
    approved_first = or_(REG.approved_at.is_(None), REG.passed_at >= REG.approved_at)
    failed_last = and_(
        REG.failed_at.is_not(None),
        or_(REG.approved_at.is_(None), REG.failed_at >= REG.approved_at),
        or_(REG.passed_at.is_(None), REG.failed_at >= REG.passed_at),
    )
    closed = RegistrationStatus.CLOSED.value
    return type_coerce(
        case(
            (REG.id.is_(None), type_coerce(R.registration_status, String)),
            (type_coerce(REG.status, String) != closed, type_coerce(REG.status, String)),
            (failed_last, RegistrationStatus.FAILED.value),
            (and_(REG.passed_at.is_not(None), approved_first), RegistrationStatus.PASSED.value),
            (REG.approved_at.is_not(None), RegistrationStatus.APPROVED.value),
            else_=closed,
        ),
        String,
    )


def _registration_query(
    conn: Connection,
    scope: Scope,
    f: InsightsFilter,
    start: datetime,
    end: datetime,
    by_solution: bool,
) -> list[RegistrationGroup]:
    dialect = conn.dialect.name
    month = month_of(dialect, R.created_at)
    # PostgreSQL sums exactly (numeric); SQLite has no decimal type, so in floating point
    # (an integer type there would divide as integers)
    numeric: Any = Float() if dialect == "sqlite" else Numeric(30, 10)
    rate = case(
        (REG.contract_currency == "USD", cast(1, numeric)),
        else_=cast(XR.usd_per_unit, numeric),
    )
    if dialect == "sqlite":
        days: ColumnElement[Any] = func.julianday(REG.end_date) - func.julianday(REG.start_date)
    else:
        days = REG.end_date - REG.start_date
    years = case(
        (REG.end_date.is_(None), cast(PERPETUAL_YEARS, numeric)),
        (days < 365, cast(1, numeric)),
        else_=cast(days, numeric) / 365,
    )
    contract = cast(REG.contract_value, numeric) * rate  # cents × USD per unit
    deals: Any = Referral.__table__
    parts: list[Any] = [R.deal_type, R.country]
    outcome = _outcome()
    wanted: list[ColumnElement[bool]] = [R.registration_status.is_not(None)]
    if by_solution:
        deals = deals.join(ReferralSolution.__table__, RS.referral_id == R.id)
        parts = [RS.solution_id]
        wanted += [
            R.registration_status.in_(sorted(APPROVED | {RegistrationStatus.CLOSED.value})),
            outcome.in_(sorted(APPROVED)),
        ]
    query = (
        select(
            month,
            outcome,
            *parts,
            func.count(),
            func.count(rate),
            func.coalesce(func.sum(contract), 0),
            func.coalesce(func.sum(contract / years), 0),
        )
        .select_from(
            deals.outerjoin(Registration.__table__, REG.referral_id == R.id).outerjoin(
                ExchangeRate.__table__,
                and_(XR.currency == REG.contract_currency, XR.month == _rate_month(dialect)),
            )
        )
        # without the SQLite month terms (conditions' dialect), which would draw the planner
        # to ix_insights_main over every deal of the range instead of ix_insights_registered
        .where(conditions(scope, f, start, end), *wanted)
        .group_by(month, outcome, *parts)
    )
    out = []
    for row in conn.execute(query):
        m, status, *keys, n, rated, contract_sum, annual_sum = row
        named = (
            {"solution_id": str(keys[0])}
            if by_solution
            else {"deal_type": str(keys[0].value), "country": str(keys[1])}
        )
        out.append(
            RegistrationGroup(
                month=str(m),
                status=str(status),
                n=int(n),
                rated=int(rated or 0),
                contract_cents=Decimal(str(contract_sum or 0)),
                annual_cents=Decimal(str(annual_sum or 0)),
                **named,
            )
        )
    return out


def scan_past_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[tuple[Direction, Substatus, bool, bool, Tally]]:
    """Deals created before the range and acted on inside it: (direction, substatus, accepted
    in range, closed in range, tally)."""
    accepted_in = and_(R.accepted_at >= start, R.accepted_at < end)
    closed_in = and_(R.closed_at >= start, R.closed_at < end)
    accepted_flag = case((accepted_in, 1), else_=0)
    closed_flag = case((closed_in, 1), else_=0)
    query = (
        select(R.direction, R.substatus, accepted_flag, closed_flag, *_aggregates())
        .where(
            scope_condition(scope),
            R.created_at < start,
            or_(accepted_in, closed_in),
            *filter_conditions(f),
        )
        .group_by(R.direction, R.substatus, accepted_flag, closed_flag)
    )
    return [
        (d, sub, bool(a), bool(c), _tally(n, rated, cents))
        for d, sub, a, c, n, rated, cents in conn.execute(query)
    ]


_DOWNLOAD_COLUMNS = (
    R.referral_id, R.name, R.customer_name, R.country, R.deal_type, R.direction, R.substatus,
    R.value, R.currency, R.value_usd, R.created_at, R.closed_at, R.partner_role,
)  # fmt: skip


def download_rows(
    conn: Connection,
    scope: Scope,
    f: InsightsFilter,
    start: datetime,
    end: datetime,
    limit: int,
) -> Sequence[DownloadRow]:
    """The deals behind the figures, newest first."""
    query = (
        select(
            R.referral_id,
            R.name,
            R.customer_name,
            R.country,
            R.deal_type,
            R.direction,
            R.substatus,
            R.value,
            R.currency,
            R.value_usd,
            R.created_at,
            R.closed_at,
            R.partner_role,
        )
        .where(conditions(scope, f, start, end))
        .order_by(R.created_at.desc(), R.id.desc())
        .limit(limit)
    )
    return [
        DownloadRow(
            referral_id=row.referral_id,
            name=row.name,
            customer_name=row.customer_name,
            country=row.country,
            deal_type=str(row.deal_type.value),
            direction=str(row.direction.value),
            status=str(row.substatus.value),
            value=row.value,
            currency=row.currency,
            value_usd=row.value_usd,
            created_at=row.created_at,
            closed_at=row.closed_at,
            partner_role=None if row.partner_role is None else str(row.partner_role.value),
        )
        for row in conn.execute(query)
    ]


# --- whole months from the kept tables (insights_kept.py) ---------------------------------


def kept_filter(scope: Scope, f: InsightsFilter) -> str | None:
    """Which kept tables answer: '' the base ones (an admin's scope, company or locations,
    with the tab, type and direction filters), a filter's variant (insights_kept.FILTER_KEYS:
    'member' for a Referrals user, whose deals are those whose team lists them; 'country';
    'capability' for the program and role filters; 'intent' for marketplace intent), or None:
    the exact scan (the solution and customer filters, or two of those at once)."""
    used = [
        dim
        for dim, on in (
            ("member", scope.role is Role.USER),
            ("country", bool(f.countries)),
            ("capability", bool(f.programs or f.roles)),
            ("intent", bool(f.marketplace)),
        )
        if on
    ]
    if f.solution or f.customer or len(used) > 1:
        return None
    return used[0] if used else ""


def keepable(scope: Scope, f: InsightsFilter) -> bool:
    """Whether the kept tables can answer (`kept_filter`)."""
    return kept_filter(scope, f) is not None


@dataclass(frozen=True, slots=True)
class Plan:
    """How a range is counted: whole months `months` (first, last 'YYYY-MM') from the kept
    tables, plus exact scans of [start, end) added (1) or subtracted (-1) for the partial
    months at the range's edges."""

    months: tuple[str, str] | None
    scans: tuple[tuple[datetime, datetime, int], ...]


def plan(start: datetime, end: datetime) -> Plan:
    """Each edge month the range covers partly is either scanned for its part inside the range,
    or read whole from the kept table with its parts outside the range scanned and subtracted,
    whichever spans less time (so at most half a month is scanned at each edge)."""
    kept: list[str] = []
    scans: list[tuple[datetime, datetime, int]] = []
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month < end:
        following = (month + timedelta(days=32)).replace(day=1)
        lo, hi = max(start, month), min(end, following)
        outside = (lo - month) + (following - hi)
        if not outside:
            kept.append(f"{month:%Y-%m}")
        elif hi - lo <= outside:
            scans.append((lo, hi, 1))
        else:
            kept.append(f"{month:%Y-%m}")
            scans += [(a, b, -1) for a, b in ((month, lo), (hi, following)) if a < b]
        month = following
    return Plan((kept[0], kept[-1]) if kept else None, tuple(scans))


def _kept_filters(c: Any, scope: Scope, f: InsightsFilter) -> list[ColumnElement[bool]]:
    """The user's team scope and the filters `kept_filter` lets a kept table answer, on its
    columns; the same deals as `scope_condition` and `filter_conditions`."""
    conds: list[ColumnElement[bool]] = []
    if scope.role is Role.USER:
        conds.append(c.email == scope.email)
    if f.countries:
        conds.append(c.country.in_(list(f.countries)))
    if f.programs:
        named = [p.lower() for p in f.programs if p != WITHOUT]
        either = [func.lower(c.program).in_(named)] if named else []
        if WITHOUT in f.programs:
            either.append(c.program == "")
        conds.append(or_(*either))
    if f.roles:
        roles = [PartnerRole(r).value for r in f.roles if r != WITHOUT]
        either = [c.role.in_(roles)] if roles else []
        if WITHOUT in f.roles:
            either.append(c.role == "")
        conds.append(or_(*either))
    if f.marketplace:
        since = f"{MARKETPLACE_FIELD_SINCE:%Y-%m}"  # a month's first instant: months compare
        parts: list[ColumnElement[bool]] = []
        intents = [m for m in f.marketplace if m != NOT_APPLICABLE]
        if intents:
            parts.append(and_(c.intent.in_(intents), c.month >= since))
        if NOT_APPLICABLE in f.marketplace:
            parts.append(c.month < since)
        conds.append(or_(*parts))
    return conds


def _kept_select(
    name: str,
    scope: Scope,
    f: InsightsFilter,
    months: tuple[str, str],
    groups: Sequence[str],
    month_column: str = "month",
    created_before: str = "",
) -> Any:
    """A kept table's rows of the months (of `month_column`), scope and filters, summed by
    `groups`; `created_before` 'YYYY-MM': only deals created in earlier months."""
    k = insights_kept.BY_NAME[insights_kept.table_for(name, kept_filter(scope, f) or "")]
    t = table(k.table, *(column(c) for c in (*k.key_columns, *k.measure_columns)))
    c = t.c
    conds: list[ColumnElement[bool]] = [
        c.org_id == scope.org_id,
        c[month_column] >= months[0],
        c[month_column] <= months[1],
        c.substatus != Substatus.ERROR.value,
        *_kept_filters(c, scope, f),
    ]
    if created_before:
        conds.append(c.month < created_before)
    if not scope.entire_company:
        conds.append(c.location_id.in_(scope.location_ids) if scope.location_ids else false())
    if f.kind is not CoSellKind.ALL:
        conds.append(c.services == (1 if f.kind is CoSellKind.SERVICES else 0))
    if f.deal_types:
        conds.append(c.deal_type.in_([t.value for t in f.deal_types]))
    if f.direction is not None:
        conds.append(c.direction == f.direction.value)
    return (
        select(*(c[g] for g in groups), *(func.sum(c[m]) for m in k.measure_columns))
        .where(*conds)
        .group_by(*(c[g] for g in groups))
        .having(func.sum(c.n) != 0)
    )


def _kept_main(
    conn: Connection, scope: Scope, f: InsightsFilter, months: tuple[str, str]
) -> list[MainGroup]:
    groups = ("month", "deal_type", "direction", "substatus", "registration_status", "reason_code")
    return [
        MainGroup(
            month=m,
            deal_type=DealType(dt),
            direction=Direction(d),
            substatus=Substatus(sub),
            registration_status=reg or None,
            reason_code=reason or None,
            tally=_tally(n, rated, cents),
            ms_to_accept=int(acc_ms),
            accepted_timed=int(acc_n),
            ms_to_win=int(win_ms),
            won_timed=int(win_n),
        )
        for m, dt, d, sub, reg, reason, n, rated, cents, acc_ms, acc_n, win_ms, win_n in (
            conn.execute(_kept_select("insights_main", scope, f, months, groups))
        )
    ]


def _kept_country(
    conn: Connection, scope: Scope, f: InsightsFilter, months: tuple[str, str]
) -> list[tuple[str, str, Substatus, Tally]]:
    query = _kept_select("insights_country", scope, f, months, ("month", "country", "substatus"))
    return [
        (m, country, Substatus(sub), _tally(n, rated, cents))
        for m, country, sub, n, rated, cents in conn.execute(query)
    ]


def _kept_capability(
    conn: Connection, scope: Scope, f: InsightsFilter, months: tuple[str, str]
) -> list[tuple[str | None, str | None, Substatus, Tally]]:
    query = _kept_select("insights_capability", scope, f, months, ("program", "role", "substatus"))
    return [
        (program or None, role or None, Substatus(sub), _tally(n, rated, cents))
        for program, role, sub, n, rated, cents in conn.execute(query)
    ]


def _kept_solution(
    conn: Connection, scope: Scope, f: InsightsFilter, months: tuple[str, str]
) -> list[tuple[str, str, str, Substatus, Tally]]:
    groups = ("month", "solution_id", "substatus")
    query = _kept_select("insights_solution", scope, f, months, groups)
    rows = conn.execute(query).all()
    names = solution_names(conn, {row[1] for row in rows})
    return [
        (m, sid, names.get(sid, sid), Substatus(sub), _tally(n, rated, cents))
        for m, sid, sub, n, rated, cents in rows
    ]


_G = TypeVar("_G")
_Key = tuple[Any, ...]
_Values = tuple[int, ...]


_Query = Callable[[Connection, Scope, InsightsFilter, datetime, datetime], list[_G]]


def _planned(
    conn: Connection,
    scope: Scope,
    f: InsightsFilter,
    start: datetime,
    end: datetime,
    scan: _Query[_G],
    read_kept: Callable[[Connection, Scope, InsightsFilter, tuple[str, str]], list[_G]],
    split: Callable[[_G], tuple[_Key, _Values]],
    build: Callable[[_Key, _Values], _G],
) -> list[_G]:
    """The groups of [start, end) from whole months of the kept table plus the edge scans of
    `plan`, added up group by group (groups that come to no deals are dropped, as a scan would
    not have them)."""
    p = plan(start, end)
    signed: list[tuple[int, list[_G]]] = []
    if p.months is not None:
        signed.append((1, read_kept(conn, scope, f, p.months)))
    signed += [(sign, scan(conn, scope, f, a, b)) for a, b, sign in p.scans]
    summed: dict[_Key, _Values] = {}
    for sign, groups in signed:
        for g in groups:
            key, values = split(g)
            before = summed.get(key, (0,) * len(values))
            summed[key] = tuple(x + sign * y for x, y in zip(before, values, strict=True))
    return [build(key, values) for key, values in summed.items() if values[0]]


def _split_main(g: MainGroup) -> tuple[_Key, _Values]:
    return (
        (g.month, g.deal_type, g.direction, g.substatus, g.registration_status, g.reason_code),
        (g.tally.n, g.tally.rated, g.tally.cents, g.ms_to_accept, g.accepted_timed, g.ms_to_win,
         g.won_timed),
    )  # fmt: skip


def _build_main(key: _Key, v: _Values) -> MainGroup:
    month, deal_type, direction, substatus, registration_status, reason_code = key
    return MainGroup(
        month, deal_type, direction, substatus, registration_status, reason_code, Tally(*v[:3]),
        ms_to_accept=v[3], accepted_timed=v[4], ms_to_win=v[5], won_timed=v[6],
    )  # fmt: skip


def _split_tallied(g: tuple[Any, ...]) -> tuple[_Key, _Values]:
    t: Tally = g[-1]
    return g[:-1], (t.n, t.rated, t.cents)


def _build_tallied(key: _Key, v: _Values) -> Any:
    return (*key, Tally(*v))


class _KeptOrScanned(Generic[_G]):
    """One of the queries the kept tables answer: called like the scan, from the kept tables
    when `keepable`, or by the scan (`kept=False` forces it: tests and the benchmark compare
    both)."""

    def __init__(self, scan: _Query[_G], from_kept: _Query[_G]) -> None:
        self._scan = scan
        self._kept = from_kept
        self.__doc__ = scan.__doc__

    def __call__(
        self,
        conn: Connection,
        scope: Scope,
        f: InsightsFilter,
        start: datetime,
        end: datetime,
        kept: bool = True,
    ) -> list[_G]:
        query = self._kept if kept and keepable(scope, f) else self._scan
        return query(conn, scope, f, start, end)

    @classmethod
    def by_plan(
        cls,
        scan: _Query[_G],
        read_kept: Callable[[Connection, Scope, InsightsFilter, tuple[str, str]], list[_G]],
        split: Callable[[_G], tuple[_Key, _Values]],
        build: Callable[[_Key, _Values], _G],
    ) -> _KeptOrScanned[_G]:
        """Whole months from `read_kept`, the edges by `scan` (`_planned`)."""

        def from_kept(
            conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
        ) -> list[_G]:
            return _planned(conn, scope, f, start, end, scan, read_kept, split, build)

        return cls(scan, from_kept)


main_groups = _KeptOrScanned.by_plan(scan_main_groups, _kept_main, _split_main, _build_main)
country_groups: _KeptOrScanned[tuple[str, str, Substatus, Tally]] = _KeptOrScanned.by_plan(
    scan_country_groups, _kept_country, _split_tallied, _build_tallied
)
capability_groups: _KeptOrScanned[tuple[str | None, str | None, Substatus, Tally]] = (
    _KeptOrScanned.by_plan(scan_capability_groups, _kept_capability, _split_tallied, _build_tallied)
)
solution_groups: _KeptOrScanned[tuple[str, str, str, Substatus, Tally]] = _KeptOrScanned.by_plan(
    scan_solution_groups, _kept_solution, _split_tallied, _build_tallied
)


#: "From before the range" per event: the kept table and the time column.
_ACTED = (("insights_accepted", R.accepted_at), ("insights_closed", R.closed_at))


def _acted_scan(
    conn: Connection,
    scope: Scope,
    f: InsightsFilter,
    event: Any,
    created: tuple[datetime | None, datetime],
    acted: tuple[datetime, datetime],
) -> list[tuple[Direction, Substatus, Tally]]:
    """Deals created in [created) (None: any time before) and accepted / closed (`event`) in
    [acted), by direction and status."""
    since = [] if created[0] is None else [R.created_at >= created[0]]
    if since:
        # a part-month of creations is far fewer rows than months of events: wrapped, the
        # event's range no longer draws SQLite to the event's index over every kept month
        event = func.coalesce(event, event)
    query = (
        select(R.direction, R.substatus, *_aggregates())
        .where(
            scope_condition(scope),
            *since,
            R.created_at < created[1],
            event >= acted[0],
            event < acted[1],
            *filter_conditions(f),
        )
        .group_by(R.direction, R.substatus)
    )
    return [(d, sub, _tally(n, rated, cents)) for d, sub, n, rated, cents in conn.execute(query)]


def _kept_past_groups(
    conn: Connection, scope: Scope, f: InsightsFilter, start: datetime, end: datetime
) -> list[tuple[Direction, Substatus, bool, bool, Tally]]:
    """Deals created before the range and accepted / closed inside it, from the kept tables,
    per event: deals created before the range's first month and acted on in
    its kept months (`plan`), plus those created in that month before the range starts (a
    scan of creation times), then the edge slices of `plan` added or subtracted (a scan of the
    event's own index). The same figures as the scan; the groups say accepted or closed,
    not both (the service sums each apart)."""
    p = plan(start, end)
    first = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out: list[tuple[Direction, Substatus, bool, bool, Tally]] = []
    for name, event in _ACTED:
        signed: list[tuple[int, list[tuple[Direction, Substatus, Tally]]]] = []
        if p.months is not None:
            query = _kept_select(
                name, scope, f, p.months, ("direction", "substatus"), "event_month",
                f"{start:%Y-%m}",
            )  # fmt: skip
            rows = conn.execute(query)
            signed.append((1, [(Direction(d), Substatus(sub), _tally(*v)) for d, sub, *v in rows]))
            if first < start:
                lo = datetime.strptime(p.months[0] + "-01", "%Y-%m-%d").replace(tzinfo=start.tzinfo)
                hi = datetime.strptime(p.months[1] + "-01", "%Y-%m-%d").replace(tzinfo=start.tzinfo)
                hi = (hi + timedelta(days=32)).replace(day=1)
                signed.append((1, _acted_scan(conn, scope, f, event, (first, start), (lo, hi))))
        signed += [
            (sign, _acted_scan(conn, scope, f, event, (None, start), (a, b)))
            for a, b, sign in p.scans
        ]
        summed: dict[tuple[Direction, Substatus], tuple[int, int, int]] = {}
        for sign, groups in signed:
            for d, sub, t in groups:
                n, rated, cents = summed.get((d, sub), (0, 0, 0))
                summed[(d, sub)] = (n + sign * t.n, rated + sign * t.rated, cents + sign * t.cents)
        accepted = name == "insights_accepted"
        out += [
            (d, sub, accepted, not accepted, Tally(*v)) for (d, sub), v in summed.items() if v[0]
        ]
    return out


past_groups = _KeptOrScanned(scan_past_groups, _kept_past_groups)
