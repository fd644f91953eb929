"""Insights: the co-sell dashboard's figures for the acting user's scope (D10), a range and the
dashboard's filters; and the rows behind them for a download.

The database groups (store/insights.py: a few GROUP BY scans of one covering index); this
module only rolls the groups up into widgets, so its work grows with months × types × countries
× solutions, never with deals. docs/insights.md says how each figure is defined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cosell_tui.domain import (
    CloseReason,
    DealType,
    Direction,
    MarketplaceIntent,
    PartnerRole,
    RegistrationStatus,
    Substatus,
)
from cosell_tui.domain.insights import (
    APPROVED,
    DOWNLOAD_LIMIT,
    MARKETPLACE_CHOICES,
    NONE_WORD,
    REGISTRATION_STAGES,
    REJECTED,
    TOP_PARTS,
    WITHOUT,
    Amount,
    BreakdownRow,
    Change,
    Dashboard,
    DownloadRow,
    Funnel,
    InsightsFilter,
    MonthRow,
    Period,
    RangeError,
    ReasonRow,
    Stage,
    Summary,
    role_value,
)
from cosell_tui.domain.names import company_key
from cosell_tui.service.context import Context
from cosell_tui.service.errors import ValidationError
from cosell_tui.store import insights as store
from cosell_tui.store.grid import Scope
from cosell_tui.store.insights import Tally

ACCEPTED_OR_LATER = frozenset({Substatus.ACCEPTED, Substatus.WON, Substatus.LOST})
OPEN_INBOUND = frozenset({Substatus.PENDING, Substatus.RECEIVED})
#: The summary figures whose first/last full month are compared, by their JSON names.
CHANGE_FIGURES = (
    "total", "accepted", "won", "lost", "wonValueUsd", "registered", "approved", "rejected",
    "annualValueUsd", "approvedValueUsd",
)  # fmt: skip
#: The summary's registration counts by the registration statuses each counts: registered
#: by the deals' registration status (the main query, drawn first); approved and rejected by
#: each registration's outcome (the registration query, as the registration funnel).
REGISTERED = frozenset(s.value for s in RegistrationStatus)
REGISTRATION_OUTCOMES: dict[str, frozenset[str]] = {"approved": APPROVED, "rejected": REJECTED}
NO_REASON = "No reason given"
OTHER = "Other"


def amount(tallies: Iterable[Tally]) -> Amount:
    cents = 0
    without = 0
    for t in tallies:
        cents += t.cents
        without += t.without_rate
    return Amount((Decimal(cents) / 100).quantize(Decimal("0.01")), without)


def _month_key(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


class Insights:
    """The dashboard, by range and filters, for the acting user's scope."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def period(self, range_text: str) -> Period:
        """The range as instants; bad text is a ValidationError in words."""
        try:
            return Period.parse(range_text, self._ctx.clock.now())
        except RangeError as exc:
            raise ValidationError(str(exc), {"range": str(exc)}) from exc

    @staticmethod
    def check_filters(filters: InsightsFilter) -> InsightsFilter:
        """Countries upper-cased and checked; marketplace values known."""
        countries = tuple(c.strip().upper() for c in filters.countries if c.strip())
        for code in countries:
            if len(code) != 2 or not code.isalpha():
                raise ValidationError(
                    f"The country {code!r} is not a two-letter ISO 3166 code.", {"country": code}
                )
        for value in filters.marketplace:
            if value not in MARKETPLACE_CHOICES:
                raise ValidationError(
                    f"The marketplace intent {value!r} is not one of "
                    + ", ".join(MARKETPLACE_CHOICES)
                    + ".",
                    {"marketplace": value},
                )
        solution = filters.solution.strip() if filters.solution else None
        roles: list[str] = []
        for word in filters.roles:
            role = WITHOUT if word == WITHOUT else role_value(word)
            if role is None:
                raise ValidationError(
                    f"{word!r} is not a partner role; the roles are "
                    + ", ".join(r.label for r in PartnerRole)
                    + ", or none.",
                    {"role": word},
                )
            roles.append(role)
        programs = {
            p.strip().lower(): WITHOUT if p.strip().lower() == NONE_WORD else p.strip()
            for p in filters.programs
            if p.strip() or p == WITHOUT
        }
        return filters.but(
            countries=countries,
            solution=solution or None,
            customer=company_key(filters.customer) if filters.customer.strip() else "",
            programs=tuple(programs.values()),
            roles=tuple(dict.fromkeys(roles)),
        )

    def figures(self, range_text: str = "", filters: InsightsFilter | None = None) -> Dashboard:
        """Every widget's figures (one read, a handful of grouped queries)."""
        *_partial, complete = self.figures_in_steps(range_text, filters)
        return complete

    def figures_in_steps(
        self, range_text: str = "", filters: InsightsFilter | None = None
    ) -> Iterator[Dashboard]:
        """The figures as they are counted: after each query a Dashboard whose `pending`
        names the widgets still to come (the screen draws each); the last one is complete.
        All in one read, so every step sees the same database."""
        period = self.period(range_text)
        f = self.check_filters(filters or InsightsFilter())
        scope = Scope.of(self._ctx.user)
        args = (scope, f, period.start, period.end)
        groups = _Groups()
        with self._ctx.read() as uow:
            conn = uow.session.connection()
            groups.main = store.main_groups(conn, *args)
            yield _dashboard(period, f, groups, STEPS[1:])
            groups.registrations = store.registration_groups(conn, *args)
            yield _dashboard(period, f, groups, STEPS[2:])
            groups.countries = store.country_groups(conn, *args)
            yield _dashboard(period, f, groups, STEPS[3:])
            groups.capabilities = store.capability_groups(conn, *args)
            yield _dashboard(period, f, groups, STEPS[4:])
            groups.solutions = store.solution_groups(conn, *args)
            groups.registration_solutions = store.registration_solution_groups(conn, *args)
            yield _dashboard(period, f, groups, STEPS[5:])
            groups.past = store.past_groups(conn, *args)
        yield _dashboard(period, f, groups, ())

    def download(
        self, range_text: str = "", filters: InsightsFilter | None = None, limit: int = 0
    ) -> Sequence[DownloadRow]:
        """The deals behind the figures, newest first, at most DOWNLOAD_LIMIT."""
        period = self.period(range_text)
        f = self.check_filters(filters or InsightsFilter())
        wanted = DOWNLOAD_LIMIT if limit <= 0 else min(limit, DOWNLOAD_LIMIT)
        with self._ctx.read() as uow:
            return store.download_rows(
                uow.session.connection(),
                Scope.of(self._ctx.user),
                f,
                period.start,
                period.end,
                wanted,
            )


# --- rolling groups up --------------------------------------------------------------------

#: The queries in the order they run, by the widgets they feed (Dashboard.pending).
STEPS = ("summary", "registrations", "geography", "capabilities", "solutions", "past")


@dataclass
class _Groups:
    main: list[store.MainGroup] = field(default_factory=list)
    registrations: list[store.RegistrationGroup] = field(default_factory=list)
    registration_solutions: list[store.RegistrationGroup] = field(default_factory=list)
    countries: list[tuple[str, str, Substatus, Tally]] = field(default_factory=list)
    capabilities: list[tuple[str | None, str | None, Substatus, Tally]] = field(
        default_factory=list
    )
    solutions: list[tuple[str, str, str, Substatus, Tally]] = field(default_factory=list)
    past: list[tuple[Direction, Substatus, bool, bool, Tally]] = field(default_factory=list)


def _dashboard(
    period: Period, f: InsightsFilter, g: _Groups, pending: tuple[str, ...]
) -> Dashboard:
    main, countries, capabilities, solutions = g.main, g.countries, g.capabilities, g.solutions
    approved = [r for r in g.registrations if r.status in APPROVED]
    names = {sid: name for _m, sid, name, _s, _t in solutions}
    return Dashboard(
        period=period,
        filters=f,
        summary=_summary(main, g.registrations, period),
        funnel=_funnel(main, g.past),
        reasons=_reasons(main),
        geography=_breakdown((c, c, sub, t) for _m, c, sub, t in countries),
        solutions=_breakdown((sid, name, sub, t) for _m, sid, name, sub, t in solutions),
        programs=_breakdown((p or "", p or "(none)", sub, t) for p, _r, sub, t in capabilities),
        roles=_breakdown(
            (r or "", PartnerRole(r).label if r else "(none)", sub, t)
            for _p, r, sub, t in capabilities
        ),
        months=_months_by_type(main, [(r, DealType(r.deal_type).label) for r in approved], period),
        months_by_market=_months_by_part(
            period,
            ((m, c, sub, t) for m, c, sub, t in countries),
            [(r, r.country) for r in approved],
        ),
        months_by_solution=_months_by_part(
            period,
            ((m, name, sub, t) for m, _sid, name, sub, t in solutions),
            [
                (r, names.get(r.solution_id, r.solution_id))
                for r in g.registration_solutions
                if r.status in APPROVED
            ],
        ),
        without_rate=sum(x.tally.without_rate for x in main),
        registration_funnel=_registration_funnel(g.registrations),
        pending=pending,
    )


def cents_amount(cents: Decimal, without_rate: int) -> Amount:
    """An unrounded sum of cents (registrations, store.RegistrationGroup) rounded once."""
    return Amount((cents / 100).quantize(Decimal("0.01")), without_rate)


def _annual(groups: Iterable[store.RegistrationGroup]) -> Amount:
    mine = list(groups)
    return cents_amount(
        sum((g.annual_cents for g in mine), Decimal(0)), sum(g.without_rate for g in mine)
    )


def _contract(groups: Iterable[store.RegistrationGroup]) -> Amount:
    mine = list(groups)
    return cents_amount(
        sum((g.contract_cents for g in mine), Decimal(0)), sum(g.without_rate for g in mine)
    )


def _registration_values(groups: Sequence[store.RegistrationGroup]) -> dict[str, Decimal]:
    return {
        **{
            name: Decimal(sum(g.n for g in groups if g.status in statuses))
            for name, statuses in REGISTRATION_OUTCOMES.items()
        },
        "annualValueUsd": _annual(groups).usd,
        "approvedValueUsd": _contract(g for g in groups if g.status in APPROVED).usd,
    }


def _registration_funnel(groups: Sequence[store.RegistrationGroup]) -> tuple[Stage, ...]:
    if not groups:
        return ()
    return (
        Stage("Registered", sum(g.n for g in groups), _contract(groups)),
        *(
            Stage(
                name,
                sum(g.n for g in groups if g.status in statuses),
                _contract(g for g in groups if g.status in statuses),
            )
            for name, statuses in REGISTRATION_STAGES
        ),
    )


def _summary_of(groups: Sequence[store.MainGroup]) -> dict[str, Decimal]:
    return {
        "total": Decimal(sum(g.tally.n for g in groups)),
        "accepted": Decimal(sum(g.tally.n for g in groups if g.substatus in ACCEPTED_OR_LATER)),
        "won": Decimal(sum(g.tally.n for g in groups if g.substatus is Substatus.WON)),
        "lost": Decimal(sum(g.tally.n for g in groups if g.substatus is Substatus.LOST)),
        "wonValueUsd": amount(g.tally for g in groups if g.substatus is Substatus.WON).usd,
        "registered": Decimal(
            sum(g.tally.n for g in groups if g.registration_status in REGISTERED)
        ),
    }


def _summary(
    main: Sequence[store.MainGroup],
    registrations: Sequence[store.RegistrationGroup],
    period: Period,
) -> Summary:
    whole = {**_summary_of(main), **_registration_values(registrations)}
    changes: dict[str, Change] = {}
    full = period.full_months()
    if len(full) >= 2:
        first_month, last_month = full[0], full[-1]

        def of_month(month: date) -> dict[str, Decimal]:
            return {
                **_summary_of([g for g in main if _month_key(g.month) == month]),
                **_registration_values([g for g in registrations if _month_key(g.month) == month]),
            }

        first, last = of_month(first_month), of_month(last_month)
        changes = {
            name: Change(first_month, last_month, first[name], last[name])
            for name in CHANGE_FIGURES
        }
    return Summary(
        total=int(whole["total"]),
        accepted=int(whole["accepted"]),
        won=int(whole["won"]),
        lost=int(whole["lost"]),
        won_value=amount(g.tally for g in main if g.substatus is Substatus.WON),
        registered=int(whole["registered"]),
        approved=int(whole["approved"]),
        rejected=int(whole["rejected"]),
        changes=changes,
        annual_value=_annual(registrations),
        approved_value=_contract(g for g in registrations if g.status in APPROVED),
    )


def _stage(name: str, tallies: Sequence[Tally]) -> Stage:
    return Stage(name, sum(t.n for t in tallies), amount(tallies))


def _funnel(
    main: Sequence[store.MainGroup],
    past: Sequence[tuple[Direction, Substatus, bool, bool, Tally]],
) -> Funnel:
    inbound = [g for g in main if g.direction is Direction.INCOMING]
    outbound = [g for g in main if g.direction is Direction.OUTGOING]

    def pick(groups: Sequence[store.MainGroup], *subs: Substatus) -> list[Tally]:
        return [g.tally for g in groups if g.substatus in subs]

    stages = (
        _stage("Received", [g.tally for g in inbound]),
        _stage("Accepted", pick(inbound, *ACCEPTED_OR_LATER)),
        _stage("Declined", pick(inbound, Substatus.DECLINED)),
        _stage("Expired", pick(inbound, Substatus.EXPIRED)),
        _stage("Awaiting response", pick(inbound, *OPEN_INBOUND)),
        _stage("Created", [g.tally for g in outbound]),
        _stage("Won", pick(main, Substatus.WON)),
        _stage("Lost", pick(main, Substatus.LOST)),
    )
    closed_in = [(sub, t) for _d, sub, _a, closed, t in past if closed]
    past_stages = (
        _stage("Accepted", [t for _d, _s, accepted, _c, t in past if accepted]),
        *(
            _stage(sub.label, [t for s, t in closed_in if s is sub])
            for sub in (Substatus.WON, Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED)
        ),
    )
    accepted_timed = sum(g.accepted_timed for g in main)
    won_timed = sum(g.won_timed for g in main)
    return Funnel(
        stages=stages,
        past=past_stages,
        avg_seconds_to_accept=(
            sum(g.ms_to_accept for g in main) / accepted_timed / 1000 if accepted_timed else None
        ),
        avg_seconds_to_win=(
            sum(g.ms_to_win for g in main) / won_timed / 1000 if won_timed else None
        ),
    )


def _reasons(main: Sequence[store.MainGroup]) -> tuple[ReasonRow, ...]:
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for g in main:
        if g.substatus in (Substatus.DECLINED, Substatus.LOST):
            counts[(g.substatus.value, g.reason_code)] += g.tally.n
    rows = []
    for (outcome, code), n in counts.items():
        try:
            label = CloseReason(code).label if code else NO_REASON
        except ValueError:
            label = code or NO_REASON
        rows.append(ReasonRow(outcome, code, label, n))
    return tuple(sorted(rows, key=lambda r: (r.outcome, -r.count, r.code or "~")))


def _breakdown(
    groups: Iterable[tuple[str, str, Substatus, Tally]],
) -> tuple[BreakdownRow, ...]:
    by_key: dict[str, tuple[str, list[tuple[Substatus, Tally]]]] = {}
    for key, label, sub, tally in groups:
        by_key.setdefault(key, (label, []))[1].append((sub, tally))
    rows = []
    for key, (label, parts) in by_key.items():

        def of(*subs: Substatus, _parts: list[tuple[Substatus, Tally]] = parts) -> list[Tally]:
            return [t for s, t in _parts if s in subs]

        rows.append(
            BreakdownRow(
                key=key,
                label=label,
                deals=sum(t.n for _s, t in parts),
                won=sum(t.n for t in of(Substatus.WON)),
                lost=sum(t.n for t in of(Substatus.LOST)),
                expired=sum(t.n for t in of(Substatus.EXPIRED)),
                won_value=amount(of(Substatus.WON)),
                lost_value=amount(of(Substatus.LOST)),
            )
        )
    return tuple(sorted(rows, key=lambda r: (-r.deals, r.key)))


#: Approved registration groups with the comparison part each belongs to.
_Approved = Sequence[tuple[store.RegistrationGroup, str]]


def _approved_of(
    approved: _Approved, month: date, parts: Iterable[str], other: frozenset[str] | None = None
) -> tuple[Amount, dict[str, Decimal]]:
    """The month's approved value, and by part in the order of `parts` (`other`: the parts
    that are not the top ones, summed as OTHER)."""
    mine = [(g, p) for g, p in approved if _month_key(g.month) == month]

    def part_of(p: str) -> str:
        return OTHER if other is not None and p not in other else p

    by_part = {part: _contract(g for g, p in mine if part_of(p) == part).usd for part in parts}
    return _contract(g for g, _p in mine), by_part


def _won_parts(won: Iterable[tuple[str, Tally]], parts: Iterable[str]) -> dict[str, Decimal]:
    """Value won (USD) per part, in the order of `parts`."""
    mine = list(won)
    return {p: amount(t for q, t in mine if q == p).usd for p in parts}


def _months_by_type(
    main: Sequence[store.MainGroup], approved: _Approved, period: Period
) -> tuple[MonthRow, ...]:
    rows = []
    for month in period.months():
        groups = [g for g in main if _month_key(g.month) == month]
        parts: dict[str, int] = defaultdict(int)
        for g in groups:
            parts[DealType(g.deal_type).label] += g.tally.n
        won = [g for g in groups if g.substatus is Substatus.WON]
        ordered = dict(sorted(parts.items()))
        approved_value, approved_parts = _approved_of(approved, month, ordered)
        rows.append(
            MonthRow(
                month=month,
                deals=sum(g.tally.n for g in groups),
                won=sum(g.tally.n for g in won),
                won_value=amount(g.tally for g in won),
                parts=ordered,
                won_value_parts=_won_parts(
                    ((DealType(g.deal_type).label, g.tally) for g in won), ordered
                ),
                approved_value=approved_value,
                approved_value_parts=approved_parts,
            )
        )
    return tuple(rows)


def _months_by_part(
    period: Period,
    groups: Iterable[tuple[str, str, Substatus, Tally]],
    approved: _Approved,
) -> tuple[MonthRow, ...]:
    """The comparison split by the TOP_PARTS parts with the most deals; the rest is "Other"."""
    items = list(groups)
    totals: dict[str, int] = defaultdict(int)
    for _m, part, _s, t in items:
        totals[part] += t.n
    top = [p for p, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PARTS]]
    rows = []
    for month in period.months():
        mine = [(p, s, t) for m, p, s, t in items if _month_key(m) == month]
        parts: dict[str, int] = {p: 0 for p in top}
        for p, _s, t in mine:
            key = p if p in top else OTHER
            parts[key] = parts.get(key, 0) + t.n
        won = [(p if p in top else OTHER, t) for p, s, t in mine if s is Substatus.WON]
        approved_value, approved_parts = _approved_of(approved, month, parts, frozenset(top))
        rows.append(
            MonthRow(
                month=month,
                deals=sum(t.n for _p, _s, t in mine),
                won=sum(t.n for _p, t in won),
                won_value=amount(t for _p, t in won),
                parts=parts,
                won_value_parts=_won_parts(won, parts),
                approved_value=approved_value,
                approved_value_parts=approved_parts,
            )
        )
    return tuple(rows)


def marketplace_values(texts: Iterable[str]) -> tuple[str, ...]:
    """User words (yes, no, undecided, n/a) to the filter's values; unknown ones pass through
    for check_filters to refuse in words."""
    words = {
        "yes": MarketplaceIntent.YES.value,
        "no": MarketplaceIntent.NO.value,
        "undecided": MarketplaceIntent.UNDECIDED.value,
        "havenotdecided": MarketplaceIntent.UNDECIDED.value,
        "na": "NotApplicable",
        "n/a": "NotApplicable",
        "notapplicable": "NotApplicable",
    }
    return tuple(words.get(t.strip().lower().replace(" ", "").replace("-", ""), t) for t in texts)
