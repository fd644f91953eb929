"""The deal grids: count, page and tab counts for a user's scope, a tab, a filter and a sort.

Built for a million deals. Every tab is one range of a per-sort index (org_id, grid_tab, key,
id), or, for the short-valued columns (type, status, country, Microsoft status, partner role,
partner program), of the covering ix_referral_filter with a top-N sort. Pages near either end
of the result are read straight from the index (the end by walking it backwards); a page deep
in the middle uses the result's ordered ids, read once with an index walk and cached until
`grid_version` (bumped by triggers on any referral, team or favourite write, from any process)
changes. So a page costs the same at offset 0, 500,000 or the end. Free words go through
full-text search (search.py), never a scan of the table.

Unfiltered tab counts of an admin's scope are read from `grid_count` (kept by triggers, see
counts.py), so they cost a few rows at any deal count and survive writes; filtered counts and
Role.USER scopes are counted with SQL (cached until the next write).

Order: the chosen column, then id, both in the chosen direction; rows whose column is empty
(NULL) come last in both directions, ordered by id in the same direction.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import SQLCoreOperations

from cosell_tui.domain import Direction, Role, Status, Substatus
from cosell_tui.domain.query import ELIGIBLE, P2P, REGISTERED, Comparison, Query, Term, hours
from cosell_tui.domain.views import DealRow, SortKey, Tab
from cosell_tui.store import search
from cosell_tui.store.tables import GRID_TABS, favorite, referral, team_member

R = referral.c
F = favorite.c
T = team_member.c
_T = TypeVar("_T")

#: Pages whose window lies within this many rows of either end are read from the index.
DIRECT_WINDOW = 2000
#: A free word with at least this many hits is probed per row during an index walk instead of
#: having all its hits collected and ordered (search.SHORT_PREFIX words only).
FREQUENT = 20_000
#: How many ordered-id lists to keep (each is 8 bytes per row).
CACHE_ENTRIES = 12

_TAB_CODE = dict(zip((Tab.INBOUND, Tab.OUTBOUND, Tab.CLOSED), GRID_TABS, strict=True))

SORT_COLUMNS: dict[SortKey, Any] = {
    SortKey.NAME: R.name,
    SortKey.CUSTOMER: R.customer_name,
    SortKey.TYPE: R.deal_type,
    SortKey.STATUS: R.substatus,
    SortKey.VALUE: R.value_usd,  # across currencies (store/valuation.py); no rate = last
    SortKey.CLOSE_DATE: R.close_date,
    SortKey.COUNTRY: R.country,
    SortKey.CREATED: R.created_at,
    SortKey.EXPIRES: R.expires_at,
    SortKey.MICROSOFT_STATUS: R.microsoft_status,
    SortKey.PARTNER_ROLE: R.partner_role,
    SortKey.PARTNER_PROGRAM: R.partner_program,
    SortKey.REFERRAL_ID: R.referral_id,
    SortKey.CRM_ID: R.crm_id,
    SortKey.CLOSED: R.closed_at,
}

#: Sorts on short values held in ix_referral_filter: their first and last pages scan the tab's
#: range of that index (no table reads) and keep the top rows. Every other sort has a tab index
#: (org_id, grid_tab, key, id) in models.py whose first and last pages are short walks; only
#: favourites and free-text results are ordered once and served from cached ids.
COVERED_SORTS = frozenset(
    {
        SortKey.TYPE,
        SortKey.STATUS,
        SortKey.COUNTRY,
        SortKey.MICROSOFT_STATUS,
        SortKey.PARTNER_ROLE,
        SortKey.PARTNER_PROGRAM,
    }
)

_ROW_COLUMNS = (
    R.id, R.referral_id, R.name, R.customer_name, R.deal_type, R.p2p, R.direction, R.status,
    R.substatus, R.value, R.currency, R.close_date, R.country, R.created_at, R.expires_at,
    R.closed_at, R.microsoft_status, R.partner_role, R.partner_program, R.crm_id, R.stage_pct,
    R.registration_status, R.value_usd,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose grid this is (D2/D3/D10): the organisation, role and location scope of a user."""

    org_id: int
    user_id: int
    email: str
    role: Role
    entire_company: bool
    location_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, user: Any) -> Scope:
        """From a `UserView` (or anything with the same attributes)."""
        return cls(
            org_id=user.org_id,
            user_id=user.id,
            email=user.email.lower(),
            role=Role(user.role),
            entire_company=user.entire_company,
            location_ids=tuple(sorted(user.location_ids)),
        )


def default_sort(tab: Tab) -> tuple[SortKey, bool]:
    """Inbound: soonest expiry first; every other tab: newest first."""
    return (SortKey.EXPIRES, False) if tab is Tab.INBOUND else (SortKey.CREATED, True)


# --- conditions -------------------------------------------------------------------------------


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    """Which of the organisation's referrals this user may see (D10)."""
    conds: list[ColumnElement[bool]] = [R.org_id == scope.org_id]
    if not scope.entire_company:
        if not scope.location_ids:
            return false()
        conds.append(R.location_id.in_(scope.location_ids))
    if scope.role is Role.USER:
        conds.append(R.id.in_(select(T.referral_id).where(T.email == scope.email)))
    return and_(*conds)


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """A received referral whose window is over at `now` (domain `window_over`), whether or
    not the sweep has recorded it: one range of ix_referral_expiry_sweep (status, expires_at).

    The expiry is tested before the status, and the order matters: Inbound's pages walk
    ix_referral_tab_expires (org_id, grid_tab, expires_at, id), which holds the expiry but not
    the status, and exclude the overdue rows (`not_(late)`). SQLite evaluates the terms in the
    order written and reads a row from the table only when a term needs a column the index
    lacks, so with the expiry first only the rows already past their expiry are read; with
    the status first every Inbound row was (a 100-row page 3,000 deep on 1M deals: 3.4 s
    instead of 0.6 s while overdue referrals were not swept; docs/data.md)."""
    return and_(R.expires_at.is_not(None), R.expires_at <= now, R.status == Status.NEW)


def tab_parts(
    scope: Scope, tab: Tab, now: datetime, for_count: bool = False, overdue: bool = True
) -> list[Any]:
    """The tab as disjoint conditions, each one index range (ordered pages) or, for counting,
    by status and direction (answerable from ix_referral_filter alone).

    The tabs agree with the clock (§2.6, D9a): from its expiry instant a received referral
    leaves Inbound and is in Closed (it reads Expired), before the sweep records it. Closed is
    then two ranges, the stored one and the overdue referrals, whose ordered pages are merged
    (`_in_order`) so neither range is sorted whole. `overdue=False`: the caller knows that
    the organisation has no overdue referral at `now` (`Grid._stamp`), so the stored tabs are
    exact and each is one range, as before the clock mattered."""
    if tab is Tab.FAVORITES:
        return [R.id.in_(select(F.referral_id).where(F.user_id == scope.user_id))]
    late = overdue_condition(now)
    if tab is Tab.CLOSED:
        if for_count:
            return [or_(R.status == Status.CLOSED, late) if overdue else R.status == Status.CLOSED]
        stored = R.grid_tab == _TAB_CODE[tab]
        return [stored, and_(late, R.grid_tab == _TAB_CODE[Tab.INBOUND])] if overdue else [stored]
    if not for_count:
        cond = R.grid_tab == _TAB_CODE[tab]
    else:
        direction = Direction.INCOMING if tab is Tab.INBOUND else Direction.OUTGOING
        cond = and_(R.status.in_((Status.NEW, Status.ACTIVE)), R.direction == direction)
    return [and_(cond, not_(late))] if tab is Tab.INBOUND and overdue else [cond]


def tab_condition(
    scope: Scope, tab: Tab, now: datetime, for_count: bool = False
) -> ColumnElement[bool]:
    """Which rows the tab holds at `now` (see `tab_parts`), as one condition."""
    parts = tab_parts(scope, tab, now, for_count)
    return parts[0] if len(parts) == 1 else or_(*parts)


def _starred(scope: Scope) -> ColumnElement[bool]:
    """Starred by this user: a primary-key probe per row (not a scan of all favourites)."""
    return exists().where(F.user_id == scope.user_id, F.referral_id == R.id)


#: The substatuses a received referral's window moves between (the `status:` term reads them
#: at `now`).
_WINDOWED = frozenset({Substatus.PENDING, Substatus.RECEIVED, Substatus.EXPIRED})


def _to_minute(now: datetime) -> datetime:
    """`expires:` is judged to the minute, so a ticking clock still hits the cache."""
    return now.replace(second=0, microsecond=0)


def _compare(column: SQLCoreOperations[_T], op: str, value: _T) -> ColumnElement[bool]:
    return {
        "<": column < value,
        "<=": column <= value,
        ">": column > value,
        ">=": column >= value,
        "=": column == value,
    }[op]


def _term_condition(term: Term, scope: Scope, now: datetime) -> ColumnElement[bool]:
    """A positive condition that is never NULL, so `!term` is its exact complement."""
    values = term.values
    name = term.field
    if name == "status":
        # A received referral reads Expired from its expiry instant on, before the sweep has
        # recorded it (D9a): it leaves "Received" and joins "Expired" at once.
        if not _WINDOWED & set(values):
            return R.substatus.in_(values)
        overdue = overdue_condition(now)
        recorded = and_(R.substatus.in_(values), not_(overdue))
        return or_(recorded, overdue) if Substatus.EXPIRED in values else recorded
    if name == "type":
        types = [v for v in values if v != P2P]
        parts: list[ColumnElement[bool]] = [R.deal_type.in_(types)] if types else []
        if P2P in values:
            parts.append(R.p2p.is_(True))
        return or_(*parts)
    if name == "country":
        return R.country.in_(values)
    if name == "value":
        comp = values[0]
        assert isinstance(comp, Comparison)
        return _compare(R.value, comp.op, Decimal(comp.amount))
    if name == "expires":
        comp = values[0]
        assert isinstance(comp, Comparison)
        limit = _to_minute(now) + hours(comp)
        return and_(R.expires_at.is_not(None), _compare(R.expires_at, comp.op, limit))
    if name == "stage":
        return R.stage_pct.in_(values)
    if name == "registration":
        parts = []
        statuses = [v for v in values if v not in (ELIGIBLE, REGISTERED)]
        if ELIGIBLE in values:
            parts.append(and_(R.registration_eligible.is_(True), R.registration_status.is_(None)))
        if REGISTERED in values:
            parts.append(R.registration_status.is_not(None))
        if statuses:
            parts.append(
                and_(R.registration_status.is_not(None), R.registration_status.in_(statuses))
            )
        return or_(*parts)
    if name == "ms":
        return R.microsoft_status.in_(values)
    if name == "fav":
        return _starred(scope) if values[0] else not_(_starred(scope))
    raise AssertionError(name)


def _text_condition(
    dialect: str, phrases: Sequence[str], probe: bool = False
) -> ColumnElement[bool] | None:
    """Rows whose searchable text holds every phrase (word-prefix match), via the index.

    `probe` (SQLite): ask the index about each row as a sort index is walked, instead of
    collecting every hit first; for frequent short words whose hits fill pages at once.
    """
    if dialect == "sqlite":
        match = search.sqlite_match(phrases)
        if match is None:
            return None
        if probe:
            return exists(
                select(literal_column("1"))
                .select_from(text("referral_fts"))
                .where(
                    text("referral_fts MATCH :fts").bindparams(fts=match),
                    literal_column("referral_fts.rowid") == R.id,
                )
            )
        return R.id.in_(
            select(literal_column("rowid"))
            .select_from(text("referral_fts"))
            .where(text("referral_fts MATCH :fts").bindparams(fts=match))
        )
    tsq = search.pg_tsquery(phrases)
    if tsq is None:
        return None
    query = func.to_tsquery(literal_column("'simple'::regconfig"), tsq)
    return literal_column(search.PG_QUERY_DOCUMENT).op("@@", is_comparison=True)(query)


def where_parts(
    dialect: str,
    scope: Scope,
    tab: Tab,
    query: Query,
    now: datetime,
    for_count: bool = False,
    probe: bool = False,
    overdue: bool = True,
) -> list[ColumnElement[bool]]:
    """Everything that decides membership of the result (not its order), as disjoint
    conditions, one per range of the tab (`tab_parts`)."""
    conds = [scope_condition(scope)]
    positive = query.text_terms(negated=False)
    if positive:
        cond = _text_condition(dialect, positive, probe)
        if cond is not None:
            conds.append(cond)
    for phrase in query.text_terms(negated=True):
        cond = _text_condition(dialect, [phrase])
        if cond is not None:
            conds.append(not_(cond))
    for term in query.field_terms():
        cond = _term_condition(term, scope, now)
        conds.append(not_(cond) if term.negated else cond)
    return [and_(part, *conds) for part in tab_parts(scope, tab, now, for_count, overdue)]


def where_clause(*args: Any, **kwargs: Any) -> ColumnElement[bool]:
    """`where_parts(...)` (the same arguments) as one condition."""
    parts = where_parts(*args, **kwargs)
    return parts[0] if len(parts) == 1 else or_(*parts)


# --- ordering ---------------------------------------------------------------------------------


def _segments(
    sort: SortKey, descending: bool
) -> list[tuple[ColumnElement[bool] | None, list[Any]]]:
    """The result in order, as consecutive index ranges: non-empty values, then NULLs.

    Reversed, the same ranges come back in the opposite order with the opposite direction,
    which is how the end of a result is read without walking from its start.
    """
    col = SORT_COLUMNS[sort]
    key = col.desc() if descending else col.asc()
    ident = R.id.desc() if descending else R.id.asc()
    if not col.nullable:
        return [(None, [key, ident])]
    # Within the NULL range the column is constant, so ordering by it too changes nothing
    # but lets the planner walk the same (…, key, id) index instead of scanning the table.
    return [(col.is_not(None), [key, ident]), (col.is_(None), [key, ident])]


def _late(stamp: Stamp | None) -> bool:
    """Whether the organisation may have overdue referrals (unknown without a stamp)."""
    return stamp is None or stamp[1] is not None


def _in_order(
    parts: list[ColumnElement[bool]],
    extra: ColumnElement[bool] | None,
    order: list[Any],
    limit: int | None = None,
) -> Any:
    """The ids of the result's disjoint ranges (`parts`) within one segment, in `order`: one
    index walk per range; several are merged in SQL (each arm walks its own index and the
    compound merges them) rather than the whole result being sorted."""
    conds = [part if extra is None else and_(part, extra) for part in parts]
    if len(conds) == 1:
        stmt = select(R.id).where(conds[0]).order_by(*order)
        return stmt if limit is None else stmt.limit(limit)
    key, ident = order
    arms: list[Any] = []
    for cond in conds:
        arm = select(R.id.label("i"), key.element.label("k")).where(cond)
        if limit is not None:  # SQLite takes LIMIT in an arm of a compound only as a subquery
            inner = arm.order_by(*order).limit(limit).subquery()
            arm = select(inner.c.i, inner.c.k)
        arms.append(arm)
    # The compound's own ORDER BY (by its column names) lets SQLite merge the ordered arms.
    outer = []
    for name, by in (("k", key), ("i", ident)):
        col: ColumnElement[Any] = literal_column(name)
        outer.append(col.desc() if by.modifier is operators.desc_op else col.asc())
    compound = union_all(*arms).order_by(*outer)
    return compound if limit is None else compound.limit(limit)


# --- the grid reader ------------------------------------------------------------------------


#: A cached result's validity: the change counter and the latest overdue expiry (`_stamp`).
Stamp = tuple[int, datetime | None]


@dataclass
class _Entry:
    version: Stamp | int
    count: int | None = None
    ids: array[int] | None = None
    frequent: bool | None = None  # the free words hit FREQUENT rows (see _frequent_words)


class Grid:
    """Counts and pages of the deal grids, with a per-process cache of ordered ids.

    Thread-safe: Textual workers may page while the UI thread counts.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._cache: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    # --- public ------------------------------------------------------------------------

    def count(self, scope: Scope, tab: Tab, query: Query, now: datetime) -> int:
        with self.engine.connect() as conn:
            return self._count(conn, scope, tab, query, now)

    def quick_count(self, scope: Scope, tab: Tab, query: Query, now: datetime) -> int | None:
        """The count if it costs a few rows (kept by the database, or cached since the last
        write), else None: the caller then shows rows first and counts after."""
        with self.engine.connect() as conn:
            if query.empty:
                kept = self._kept_count(conn, scope, tab, now)
                if kept is not None:
                    return kept
            entry = self._entry(self._key(scope, tab, query, now), self._stamp(conn, scope, now))
            return entry.count

    def ids(
        self,
        scope: Scope,
        tab: Tab,
        query: Query,
        now: datetime,
        sort: SortKey | None = None,
        descending: bool = False,
        start: int = 0,
        stop: int | None = None,
    ) -> array[int]:
        """Ids of rows [start, stop) of the ordered result (all of them by default), in one
        query (or none, when the ordered ids are cached): what `*` and `v` mark."""
        if sort is None:
            sort, descending = default_sort(tab)
        with self.engine.connect() as conn:
            ordered = self._ordered_ids(conn, scope, tab, query, now, sort, descending)
        if start == 0 and stop is None:
            return ordered
        return ordered[start:stop]

    def tab_counts(self, scope: Scope, now: datetime, query: Query | None = None) -> dict[Tab, int]:
        """Rows per tab for the tab labels (optionally under a filter)."""
        q = query or Query()
        with self.engine.connect() as conn:
            return {tab: self._count(conn, scope, tab, q, now) for tab in Tab}

    def page(
        self,
        scope: Scope,
        tab: Tab,
        query: Query,
        now: datetime,
        sort: SortKey | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 100,
    ) -> list[DealRow]:
        """Rows [offset, offset + limit) of the ordered result; `sort=None` = tab default."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        if sort is None:
            sort, descending = default_sort(tab)
        if limit == 0:
            return []
        with self.engine.connect() as conn:
            ids = self._window_ids(conn, scope, tab, query, now, sort, descending, offset, limit)
            return self._rows(conn, scope, ids)

    def change_counter(self) -> int:
        """How many deal, team or favourite writes the database has seen, from any process:
        one indexed row, so watching it costs nothing at any size (0 before migration)."""
        with self.engine.connect() as conn:
            return self._version(conn) or 0

    def invalidate(self) -> None:
        """Forget every cached result (tests; writes are detected by grid_version anyway)."""
        with self._lock:
            self._cache.clear()

    # --- internals -----------------------------------------------------------------------

    def _version(self, conn: Connection) -> int | None:
        """The change counter; None (never cache) if the database was not migrated."""
        n = conn.execute(text("SELECT n FROM grid_version WHERE id = 1")).scalar()
        return None if n is None else int(n)

    def _key(
        self, scope: Scope, tab: Tab, query: Query, now: datetime, *rest: Any
    ) -> tuple[Any, ...]:
        # `expires:` and `status:` (an overdue referral reads Expired) compare with now; other
        # filters do not depend on the clock.
        instant = _to_minute(now) if query.uses("expires") else None
        if any(t.field == "status" and _WINDOWED & set(t.values) for t in query.terms):
            instant = now  # exact: the window ends to the second
        return (scope, tab, query, instant, *rest)

    def _stamp(self, conn: Connection, scope: Scope, now: datetime) -> Stamp | None:
        """What a cached result depends on: the change counter and, since the tabs follow the
        clock, the latest expiry of the organisation's overdue referrals at `now` (without a
        write, the overdue set only grows, so it is the same set while this is the same).
        None (never cache) if the database was not migrated."""
        version = self._version(conn)
        if version is None:
            return None
        latest = conn.execute(
            select(func.max(R.expires_at)).where(overdue_condition(now), R.org_id == scope.org_id)
        ).scalar()
        return version, latest

    def _entry(self, key: tuple[Any, ...], version: Stamp | None) -> _Entry:
        if version is None:
            return _Entry(-1)
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry.version != version:
                entry = _Entry(version)
                self._cache[key] = entry
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES * 4:
                self._cache.popitem(last=False)
            return entry

    def _kept_count(self, conn: Connection, scope: Scope, tab: Tab, now: datetime) -> int | None:
        """The unfiltered count from grid_count, or None when this scope is not kept there;
        the overdue referrals the sweep has not moved yet are counted in Closed, not Inbound
        (a range of ix_referral_expiry_sweep: only the overdue rows are read)."""
        if scope.role is Role.USER:
            return None
        if not scope.entire_company and not scope.location_ids:
            return 0
        code, user = ("F", scope.user_id) if tab is Tab.FAVORITES else (_TAB_CODE[tab], 0)
        sql = "SELECT coalesce(sum(n), 0) FROM grid_count WHERE org_id = :o AND tab = :t"
        sql += " AND user_id = :u"
        params: dict[str, Any] = {"o": scope.org_id, "t": code, "u": user}
        if not scope.entire_company:
            names = [f"l{i}" for i in range(len(scope.location_ids))]
            sql += f" AND location_id IN ({', '.join(':' + n for n in names)})"
            params.update(zip(names, scope.location_ids, strict=True))
        kept = int(conn.execute(text(sql), params).scalar_one())
        if tab in (Tab.INBOUND, Tab.CLOSED):
            overdue = and_(
                scope_condition(scope), overdue_condition(now), R.direction == Direction.INCOMING
            )
            late = int(conn.execute(select(func.count()).where(overdue)).scalar_one())
            kept += late if tab is Tab.CLOSED else -late
        return kept

    def _count(self, conn: Connection, scope: Scope, tab: Tab, query: Query, now: datetime) -> int:
        if query.empty:
            kept = self._kept_count(conn, scope, tab, now)
            if kept is not None:
                return kept
        version = self._stamp(conn, scope, now)
        entry = self._entry(self._key(scope, tab, query, now), version)
        if entry.count is None:
            where = where_clause(self.dialect, scope, tab, query, now, for_count=True)
            entry.count = int(conn.execute(select(func.count()).where(where)).scalar_one())
        return entry.count

    def _window_ids(
        self, conn: Connection, scope: Scope, tab: Tab, query: Query, now: datetime,
        sort: SortKey, descending: bool, offset: int, limit: int,
    ) -> list[int]:  # fmt: skip
        version = self._stamp(conn, scope, now)
        ordered = self._entry(self._key(scope, tab, query, now, sort, descending), version)
        if ordered.ids is not None:
            return list(ordered.ids[offset : offset + limit])
        # Favourites and free-text hits are a set of ids, not an index range: order them once;
        # unless the words are so frequent that walking the sort index finds a page at once.
        probe = self._frequent_words(conn, query, ordered)
        walkable = tab is not Tab.FAVORITES and (probe or not query.text_terms(negated=False))
        if walkable:
            where = where_parts(
                self.dialect, scope, tab, query, now, sort in COVERED_SORTS, probe, _late(version)
            )
            segments = _segments(sort, descending)
            if offset + limit <= DIRECT_WINDOW:
                return self._head(conn, where, segments, offset, limit)
            if probe:  # deep pages of a huge text result: order it once, like any text result
                ids = self._ordered_ids(conn, scope, tab, query, now, sort, descending, version)
                return list(ids[offset : offset + limit])
            total = self._count(conn, scope, tab, query, now)
            if offset >= total:
                return []
            end = min(offset + limit, total)
            if total - offset <= DIRECT_WINDOW:
                # walk the index backwards from the end: cost ~ distance from the end
                backwards = list(reversed(_segments(sort, not descending)))
                tail = self._head(conn, where, backwards, total - end, end - offset)
                return tail[::-1]
        # No count first: the ordered ids are the count.
        ids = self._ordered_ids(conn, scope, tab, query, now, sort, descending, version)
        return list(ids[offset : offset + limit])

    def _frequent_words(self, conn: Connection, query: Query, entry: _Entry) -> bool:
        """SQLite, and every free word is short and hits at least FREQUENT rows (counted no
        further): then a walk of the sort index meets a match every few rows. Asked once per
        result and change (kept in `entry`), not on every page."""
        if entry.frequent is None:
            phrases = query.text_terms(negated=False)
            entry.frequent = False
            if self.dialect == "sqlite" and search.short_prefixes(phrases):
                hits = conn.execute(
                    text(
                        "SELECT count(*) FROM (SELECT 1 FROM referral_fts"
                        " WHERE referral_fts MATCH :fts LIMIT :cap)"
                    ),
                    {"fts": search.sqlite_match(phrases), "cap": FREQUENT},
                ).scalar_one()
                entry.frequent = int(hits) >= FREQUENT
        return entry.frequent

    def _ordered_ids(
        self, conn: Connection, scope: Scope, tab: Tab, query: Query, now: datetime,
        sort: SortKey, descending: bool, version: Stamp | None = None,
    ) -> array[int]:  # fmt: skip
        """Every id of the result in order, read once and cached until the next write
        (`version`: the change counter, when the caller has just read it)."""
        if version is None:
            version = self._stamp(conn, scope, now)
        ordered = self._entry(self._key(scope, tab, query, now, sort, descending), version)
        if ordered.ids is not None:
            return ordered.ids
        parts = where_parts(self.dialect, scope, tab, query, now, overdue=_late(version))
        ids = array("q")
        for extra, order in _segments(sort, descending):
            stmt = _in_order(parts, extra, order)
            ids.extend(r[0] for r in conn.execute(stmt))
        with self._lock:
            if ordered.version == version:
                ordered.ids = ids
                ordered.count = len(ids)
        # The count of the same result (any order) is now known too.
        self._entry(self._key(scope, tab, query, now), version).count = len(ids)
        return ids

    def _head(
        self, conn: Connection, parts: list[ColumnElement[bool]],
        segments: list[tuple[ColumnElement[bool] | None, list[Any]]], offset: int, limit: int,
    ) -> list[int]:  # fmt: skip
        """Ids [offset, offset+limit) of the ordered segments, reading at most offset+limit
        from each of the result's disjoint ranges (`parts`)."""
        want = offset + limit
        ids: list[int] = []
        for extra, order in segments:
            if len(ids) >= want:
                break
            stmt = _in_order(parts, extra, order, want - len(ids))
            ids.extend(r[0] for r in conn.execute(stmt))
        return ids[offset:want]

    def _rows(self, conn: Connection, scope: Scope, ids: list[int]) -> list[DealRow]:
        if not ids:
            return []
        stmt = select(*_ROW_COLUMNS, R.version, _starred(scope).label("favorite")).where(
            R.id.in_(ids)
        )
        by_id = {}
        for r in conn.execute(stmt):
            by_id[r.id] = DealRow(
                id=r.id, referral_id=r.referral_id, name=r.name, customer_name=r.customer_name,
                deal_type=r.deal_type, p2p=bool(r.p2p), direction=r.direction, status=r.status,
                substatus=r.substatus, value=r.value, currency=r.currency,
                close_date=r.close_date, country=r.country, created_at=r.created_at,
                expires_at=r.expires_at, closed_at=r.closed_at,
                microsoft_status=r.microsoft_status, partner_role=r.partner_role,
                partner_program=r.partner_program, crm_id=r.crm_id, stage_pct=r.stage_pct,
                registration_status=r.registration_status, favorite=bool(r.favorite),
                version=r.version, value_usd=r.value_usd,
            )  # fmt: skip
        return [by_id[i] for i in ids if i in by_id]


__all__ = [
    "Grid",
    "Scope",
    "default_sort",
    "overdue_condition",
    "scope_condition",
    "tab_condition",
    "tab_parts",
    "where_clause",
    "where_parts",
]
