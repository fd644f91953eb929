"""Every row of a grid, in the grid's order, as Partner Center co-sell CSV rows: streamed.

The same membership (`grid.where_clause`: scope, tab, filter) and order (`grid._segments`: the
chosen column then id, empty values last) as the grid's pages, read with a server-side cursor
(PostgreSQL) or SQLite's lazy cursor in chunks; team, contacts and solutions are read per
chunk. Memory stays flat at any row count, and there is no 5,000-row cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Generator, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select

from cosell_tui.domain import HelpType, MicrosoftStatus
from cosell_tui.domain.pccsv import Deal, PersonCell, SolutionCell
from cosell_tui.domain.query import Query
from cosell_tui.domain.views import SortKey, Tab
from cosell_tui.store.grid import Scope, _segments, default_sort, where_clause
from cosell_tui.store.models import (
    Account,
    CustomerContact,
    Location,
    Referral,
    ReferralSolution,
    TeamMember,
)

R = Referral.__table__.c
A = Account.__table__.c
L = Location.__table__.c
TM = TeamMember.__table__.c
CC = CustomerContact.__table__.c
RS = ReferralSolution.__table__.c

#: Rows per chunk: one read of their team, contacts and solutions.
CHUNK = 1000

_COLUMNS = (
    R.id, R.referral_id, R.engagement_id, R.name, R.customer_name, R.country, R.status,
    R.substatus, R.microsoft_status, R.status_reason_code, R.stage_pct, R.value, R.currency,
    R.close_date, R.crm_id, R.campaign_id, R.notes, R.help_type, R.visible_to_microsoft,
    R.consent_share_contact, R.microsoft_msx_id, R.marketplace_intent,
    A.address_line1, A.address_line2, A.city, A.state, A.postal_code, A.duns,
    L.partner_id,
)  # fmt: skip


def _where(
    engine: Engine, scope: Scope, tab: Tab, query: Query, now: datetime, ids: Collection[int] | None
) -> Any:
    where = where_clause(engine.dialect.name, scope, tab, query, now)
    if ids is not None:
        where = and_(where, R.id.in_(list(ids)))
    return where


def widest(
    engine: Engine,
    scope: Scope,
    tab: Tab,
    query: Query,
    now: datetime,
    ids: Collection[int] | None = None,
) -> tuple[int, int]:
    """The most solutions and team members one row of the result has (the header's width)."""
    where = _where(engine, scope, tab, query, now, ids)
    members = select(R.id).where(where)
    with engine.connect() as conn:
        widths = []
        for table in (RS, TM):
            per = (
                select(func.count().label("n"))
                .where(table.referral_id.in_(members))
                .group_by(table.referral_id)
                .subquery()
            )
            widths.append(int(conn.execute(select(func.max(per.c.n))).scalar() or 0))
    return widths[0], widths[1]


def stream(
    engine: Engine,
    scope: Scope,
    tab: Tab,
    query: Query,
    now: datetime,
    sort: SortKey | None = None,
    descending: bool = False,
    limit: int | None = None,
    ids: Collection[int] | None = None,
) -> Generator[Deal, None, None]:
    """The result's rows in the grid's order (only `ids` when given), at most `limit`; close
    it (contextlib.closing) when not read to the end, so its cursors are let go at once."""
    if sort is None:
        sort, descending = default_sort(tab)
    where = _where(engine, scope, tab, query, now, ids)
    left = limit
    with (
        engine.connect().execution_options(stream_results=True, yield_per=CHUNK) as conn,
        engine.connect() as side,
    ):
        for extra, order in _segments(sort, descending):
            if left is not None and left <= 0:
                return
            cond = where if extra is None else and_(where, extra)
            stmt = (
                select(*_COLUMNS)
                .select_from(
                    Referral.__table__.join(Account.__table__, A.id == R.customer_account_id).join(
                        Location.__table__, L.id == R.location_id
                    )
                )
                .where(cond)
                .order_by(*order)
            )
            if left is not None:
                stmt = stmt.limit(left)
            result = conn.execute(stmt)
            for chunk in result.partitions(CHUNK):
                if left is not None:
                    left -= len(chunk)
                yield from _rows(side, chunk)


def _rows(side: Connection, chunk: Any) -> Iterator[Deal]:
    """The chunk's deals with their team, first contact and solutions (three reads). Rows are
    unpacked by position: at 100,000 rows, named access and frozen dataclasses add seconds."""
    pks = [r[0] for r in chunk]
    team: dict[int, list[PersonCell]] = defaultdict(list)
    contacts: dict[int, PersonCell] = {}
    lines: dict[int, list[SolutionCell]] = defaultdict(list)
    for ref, first, last, phone, email in side.execute(
        select(TM.referral_id, TM.first_name, TM.last_name, TM.phone, TM.email)
        .where(TM.referral_id.in_(pks))
        .order_by(TM.id)
    ):
        team[ref].append(PersonCell(first, last, phone or None, email))
    for ref, first, last, phone, email in side.execute(
        select(CC.referral_id, CC.first_name, CC.last_name, CC.phone, CC.email)
        .where(CC.referral_id.in_(pks))
        .order_by(CC.id.desc())
    ):
        contacts[ref] = PersonCell(first, last, phone, email)
    for ref, sol, currency, price, quantity in side.execute(
        select(RS.referral_id, RS.solution_id, RS.currency, RS.price, RS.quantity)
        .where(RS.referral_id.in_(pks))
        .order_by(RS.id)
    ):
        lines[ref].append(SolutionCell(sol, currency, price, quantity))
    none = HelpType.NONE
    for r in chunk:
        (
            pk, referral_id, engagement_id, name, customer_name, country, status, substatus,
            ms_status, reason, stage_pct, value, currency, close_date, crm_id, campaign_id, notes,
            help_type, visible, consent, msx_id, intent, address1, address2, city, state,
            postal_code, duns, partner_id,
        ) = r  # fmt: skip
        contact = contacts.get(pk)
        help_type = HelpType(help_type)
        ms = MicrosoftStatus(ms_status)
        yield Deal(
            engagement_id, referral_id, name, customer_name, address1, address2, city, state,
            postal_code, country, duns,
            contact.first_name if contact else None, contact.last_name if contact else None,
            contact.phone if contact else None, contact.email if contact else None,
            status, substatus, None if ms is MicrosoftStatus.NONE else ms.value, reason,
            stage_pct, value, currency, close_date, crm_id, campaign_id, notes or "",
            help_type is not none, None if help_type is none else help_type, bool(visible), None,
            bool(consent), msx_id, None, partner_id, intent, None, None,
            tuple(lines[pk]) if pk in lines else (), tuple(team[pk]) if pk in team else (), {},
        )  # fmt: skip


def one(conn: Connection, referral_pk: int) -> Deal | None:
    """One deal as a CSV row (what an update row is compared with), whatever the scope: the
    caller has checked that the user may see it."""
    stmt = (
        select(*_COLUMNS)
        .select_from(
            Referral.__table__.join(Account.__table__, A.id == R.customer_account_id).join(
                Location.__table__, L.id == R.location_id
            )
        )
        .where(R.id == referral_pk)
    )
    chunk = conn.execute(stmt).all()
    rows = list(_rows(conn, chunk))
    return rows[0] if rows else None
