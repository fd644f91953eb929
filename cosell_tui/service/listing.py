"""What the user sees: the four grids (D1) with their counts, pages and filter line; one deal in
full with the actions allowed now; the palette's look-up; and the user's favourites.

The store owns the grid SQL (per-tab indexes, the parsed filter language, a cache of ordered ids
checked against the database's change counter); every query here adds who is asking, so a user
only ever sees deals in their scope (D10), and a bad filter comes back as a clear message.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cosell_tui.domain import query
from cosell_tui.domain.views import GridQuery, Page, Tab
from cosell_tui.service.errors import ValidationError

if TYPE_CHECKING:
    from cosell_tui.store.grid import Grid as StoreGrid
    from cosell_tui.store.grid import Scope


import contextlib
import json
import re
from collections.abc import Callable

from sqlalchemy import ColumnElement, TextClause, delete, or_, select, text
from sqlalchemy.orm import aliased

from cosell_tui.domain import (
    NORMAL_STAGES,
    CloseReason,
    DealType,
    Direction,
    ErrorReason,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.domain.views import (
    BulkResult,
    DealDetail,
    DealRow,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    SolutionLine,
)
from cosell_tui.service.context import MAX_ID, Context, UnitOfWork
from cosell_tui.service.errors import CosellError
from cosell_tui.service.mapping import (
    account_view,
    deal_row,
    people_views,
    person_view,
    registration_view,
    solution_view,
    user_person,
)
from cosell_tui.service.scope import visible_clause
from cosell_tui.store import search
from cosell_tui.store.models import (
    Account,
    Favorite,
    HistoryEntry,
    Invitation,
    Location,
    Organization,
    Referral,
    Registration,
    User,
)

_grid_lock = threading.Lock()

#: Largest page a caller may ask for (a screen shows far fewer rows).
MAX_PAGE = 5000

_GUID_PART = re.compile(r"^[0-9a-fA-F-]{6,36}$")

HISTORY_LIMIT = 500


def status_reason(ref: Referral) -> str | None:
    """The decline/lost/error reason in words, with the notes."""
    if ref.status_reason_code is None:
        return ref.status_reason_notes or None
    enum = ErrorReason if ref.substatus is Substatus.ERROR else CloseReason
    try:
        label = enum(ref.status_reason_code).label
    except ValueError:
        label = ref.status_reason_code
    return f"{label}: {ref.status_reason_notes}" if ref.status_reason_notes else label


def _searchable(text: str) -> bool:
    """Text a deal could match: not longer than a filter, no control character (a NUL, which
    PostgreSQL refuses in text) nor broken Unicode."""
    try:
        query.check_text(text)
    except query.QueryError:
        return False
    return True


class Listing:
    """Grids, one deal, the palette's look-up and favourites."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def _store_grid(self) -> StoreGrid:
        """One store Grid (with its id cache) per database, shared by `as_user` copies."""
        shared = self._ctx.shared
        grid = getattr(shared, "grid", None)
        if grid is None:
            from cosell_tui.store.grid import Grid as StoreGrid

            with _grid_lock:
                grid = getattr(shared, "grid", None)
                if grid is None:
                    grid = StoreGrid(shared.engine)
                    shared.grid = grid
        return grid

    def _scope(self) -> Scope:
        from cosell_tui.store.grid import Scope

        return Scope.of(self._ctx.user)

    @staticmethod
    def _parse(text: str) -> query.Query:
        try:
            return query.parse(text or "")
        except query.QueryError as exc:
            raise ValidationError(f"The filter is not valid: {exc}", {"filter": str(exc)}) from exc

    def check_filter(self, text: str) -> str | None:
        """None when the filter line parses, else the message to show inline."""
        return query.check(text)

    def tab_counts(self) -> dict[Tab, int]:
        """Deals per tab, for the tab labels."""
        with self._ctx.guarded():
            return self._store_grid().tab_counts(self._scope(), self._ctx.clock.now())

    def _result(self, q: GridQuery) -> tuple[Scope, Tab, query.Query, datetime]:
        """What decides the rows of `q` for this user now: scope, tab, parsed filter, clock."""
        return self._scope(), q.tab, self._parse(q.text), self._ctx.clock.now()

    def count(self, q: GridQuery) -> int:
        with self._ctx.guarded():
            return self._store_grid().count(*self._result(q))

    def quick_count(self, q: GridQuery) -> int | None:
        """`count` when it is a read of a few rows (an admin's unfiltered tab, or a count cached
        since the last write); None when it would take SQL work that grows with the deals."""
        with self._ctx.guarded():
            return self._store_grid().quick_count(*self._result(q))

    def page(self, q: GridQuery, offset: int, limit: int) -> Page:
        """Rows [offset, offset + limit) in the grid's order (ties broken by id)."""
        if limit < 0 or limit > MAX_PAGE:
            raise ValidationError(f"A page holds at most {MAX_PAGE:,} rows.")
        if offset < 0 or offset > MAX_ID:
            raise ValidationError("A page starts at row 0 or later, within the deals' count.")
        with self._ctx.guarded():
            rows = self._store_grid().page(
                *self._result(q), sort=q.sort, descending=q.descending, offset=offset, limit=limit
            )
        now = self._ctx.clock.now()
        return Page(rows=tuple(row.as_of(now) for row in rows), offset=offset)

    def ids(self, q: GridQuery, start: int = 0, stop: int | None = None) -> Sequence[int]:
        """Ids of rows [start, stop) in the grid's order, every matching row by default: what
        `*` (mark all) and `v` (mark a range) mark. One query (none when the ordered ids are
        cached), 8 bytes per id."""
        if start < 0 or (stop is not None and stop < start):
            raise ValidationError("A range of rows starts at 0.", {"start": "out of range"})
        with self._ctx.guarded():
            return self._store_grid().ids(
                *self._result(q), sort=q.sort, descending=q.descending, start=start, stop=stop
            )

    def changes(self) -> int:
        """A counter that moves whenever a deal, its team or a favourite changes, by anyone, in
        any process: the TUI watches it to keep an open queue live (one row, no re-query)."""
        with self._ctx.guarded():
            return int(self._store_grid().change_counter())

    def neighbour(self, q: GridQuery, deal_id: int, step: int) -> int | None:
        """The deal `step` rows after (or, negative, before) `deal_id` in the grid of `q`, for the
        deal screen's previous/next; None past either end or when the deal is not in the grid.
        Reads the grid's ordered ids (one query, cached until the next write)."""
        ids = self.ids(q)
        try:
            at = ids.index(deal_id)
        except ValueError:
            return None
        target = at + step
        return int(ids[target]) if 0 <= target < len(ids) else None

    def deal(self, deal: int | str) -> DealDetail:
        """Everything the deal screen shows, and the actions allowed now (D10 scoped)."""
        with self._ctx.read() as uow:
            return _detail(uow, uow.load(deal))

    def row(self, deal: int | str) -> DealRow:
        with self._ctx.read() as uow:
            return uow.row(uow.load(deal))

    def find_deals(self, text_: str, limit: int = 20) -> tuple[DealRow, ...]:
        """The command palette: a deal by its number, Referral ID prefix or words of its name,
        customer, CRM ID or notes (full-text index, never a table scan)."""
        wanted = text_.strip()
        if not wanted or not _searchable(wanted):
            return ()
        limit = max(1, min(limit, 200))
        query = select(Referral).where(visible_clause(self._ctx.user))
        number = wanted.removeprefix("#")
        digits = number.isascii() and number.isdigit()
        by_number_only = digits and wanted.startswith("#")
        with self._ctx.read() as uow:
            found: list[ColumnElement[bool] | TextClause] = []
            if digits and len(number) <= 19 and 0 < int(number) <= MAX_ID:  # "498", "#498"
                found.append(Referral.id == int(number))
            if not by_number_only and _GUID_PART.match(wanted):
                # A Referral ID's first characters, which may be all digits ("12345678") or
                # all letters ("abcdef"): asked alongside the number and the words.
                found.append(Referral.referral_id.startswith(wanted.lower()))
            if not by_number_only and not wanted.isdigit():
                if uow.session.get_bind().dialect.name == "sqlite":
                    match = search.sqlite_match([wanted])
                    if match is not None:
                        ids = text(
                            "SELECT rowid FROM referral_fts WHERE referral_fts MATCH :m"
                        ).bindparams(m=match)
                        found.append(Referral.id.in_(ids))
                else:
                    tsquery = search.pg_tsquery([wanted])
                    if tsquery is not None:
                        found.append(
                            text(f"{search.PG_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(
                                q=tsquery
                            )
                        )
            if not found:
                return ()
            query = query.where(or_(*found))
            refs = uow.session.scalars(
                query.order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
            ).all()
            favorites = set(
                uow.session.scalars(
                    select(Favorite.referral_id).where(
                        Favorite.user_id == self._ctx.user.id,
                        Favorite.referral_id.in_([r.id for r in refs]),
                    )
                )
            )
            return tuple(deal_row(r, r.id in favorites).as_of(uow.now()) for r in refs)

    def set_favorite(self, deal: int, on: bool) -> bool:
        """Star or unstar a visible deal (any state: favourites are the user's, not the deal's)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal)
            if on:
                # Insert-if-absent in one statement: two sessions starring the same deal at
                # once both succeed (a check-then-insert lost the race with a unique violation).
                uow.session.execute(
                    uow.insert_ignoring_duplicates(Favorite).values(
                        user_id=self._ctx.user.id, referral_id=ref.id, created_at=uow.now()
                    )
                )
            else:
                uow.session.execute(
                    delete(Favorite).where(
                        Favorite.user_id == self._ctx.user.id, Favorite.referral_id == ref.id
                    )
                )
            return bool(on)

    def toggle_favorite(self, deal: int) -> bool:
        with self._ctx.read() as uow:
            ref = uow.load(deal)
            current = uow.favorite(ref.id)
        return self.set_favorite(ref.id, not current)

    def bulk_favorite(self, deals: Sequence[int], on: bool = True) -> BulkResult:
        """Star (or unstar) each deal; one already so is reported as such, not as done."""

        def one(deal: int) -> DealRow:
            row = self.row(deal)
            if row.favorite == on:
                raise AlreadySo("already a favourite" if on else "not a favourite")
            self.set_favorite(deal, on)
            return self.row(deal)

        return bulk(self, deals, one)


class AlreadySo(Exception):
    """A bulk action's deal that is already as asked: nothing to do, and nothing refused."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bulk(listing: Listing, deals: Sequence[int], one: Callable[[int], DealRow]) -> BulkResult:
    """Each deal in its own transaction: a refusal of one never stops the others."""
    done: list[DealRow] = []
    refused: list[tuple[int, str, str]] = []
    unchanged: list[tuple[int, str, str]] = []
    for deal in deals:
        try:
            done.append(one(deal))
        except AlreadySo as exc:
            unchanged.append((int(deal), listing.row(deal).name, exc.reason))
        except CosellError as exc:
            name = ""
            with contextlib.suppress(CosellError):
                name = listing.row(deal).name
            refused.append((int(deal), name, exc.message))
    return BulkResult(tuple(done), tuple(refused), tuple(unchanged))


def _skipped_stages(uow: UnitOfWork, ref: Referral) -> frozenset[int]:
    """The stages each recorded stage mark jumped over (from the history's changes)."""
    skipped: set[int] = set()
    details = uow.session.scalars(
        select(HistoryEntry.detail).where(
            HistoryEntry.referral_id == ref.id, HistoryEntry.action == "stage"
        )
    )
    for detail in details:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            old, new = json.loads(detail)["changes"]["stage_pct"]
            skipped.update(pct for pct, _name in NORMAL_STAGES if int(old) < pct < int(new))
    return frozenset(skipped)


def _detail(uow: UnitOfWork, ref: Referral) -> DealDetail:
    location = uow.session.get(Location, ref.location_id)
    org = uow.session.get(Organization, ref.org_id)
    account = uow.session.get(Account, ref.customer_account_id)
    assert location is not None and org is not None and account is not None
    invited_by = None
    if ref.invited_by_org_id is not None:
        sender = uow.session.get(Organization, ref.invited_by_org_id)
        who = uow.session.get(User, ref.invited_by_user_id) if ref.invited_by_user_id else None
        invited_by = sender.name if sender else None
        if who is not None and invited_by:
            invited_by = f"{who.display_name} ({invited_by})"
    checklist = None
    if ref.substatus is Substatus.WON and ref.deal_type is not DealType.SOLUTION_ASSESSMENT:
        checklist = uow.checklist(ref)
    registration = uow.session.scalar(
        select(Registration).where(Registration.referral_id == ref.id)
    )
    return DealDetail(
        row=uow.row(ref),
        location_name=location.name,
        location_partner_id=location.partner_id,
        org_name=org.name,
        invited_by=invited_by,
        invite_notes=ref.invite_notes,
        help_type=ref.help_type,
        visible_to_microsoft=ref.visible_to_microsoft,
        marketplace_intent=ref.marketplace_intent,
        notes=ref.notes,
        campaign_id=ref.campaign_id,
        status_reason=status_reason(ref),
        accepted_at=ref.accepted_at,
        updated_at=ref.updated_at,
        customer=account_view(account),
        contacts=tuple(person_view(c) for c in ref.contacts),
        team=tuple(person_view(m) for m in ref.team),
        solutions=tuple(
            SolutionLine(
                solution_view(line.solution, uow.user.org_id),
                line.price,
                line.quantity,
                line.currency,
            )
            for line in ref.solutions
        ),
        invitations=_invitations(uow, ref),
        microsoft=_microsoft_card(uow, ref),
        decision=uow.decision(ref, checklist),
        checklist=checklist,
        registration=registration_view(registration) if registration else None,
        history=_history(uow, ref.id),
        skipped_stages=_skipped_stages(uow, ref),
        routed_by=_routed_by(uow, ref),
        inviter_contacts=_inviter_contacts(uow, ref),
    )


def _routed_by(uow: UnitOfWork, ref: Referral) -> str | None:
    """The routing rule that placed Microsoft's referral, as recorded when it was received."""
    if ref.direction is not Direction.INCOMING:
        return None
    detail = uow.session.scalar(
        select(HistoryEntry.detail)
        .where(HistoryEntry.referral_id == ref.id, HistoryEntry.action == "received")
        .order_by(HistoryEntry.id)
        .limit(1)
    )
    try:
        said = json.loads(detail or "{}").get("routed_by")
    except (ValueError, AttributeError):
        return None
    return said if isinstance(said, str) else None


def _inviter_contacts(uow: UnitOfWork, ref: Referral) -> tuple[PersonView, ...]:
    """The team the inviter sent with the invitation this referral came from."""
    if ref.invited_by_org_id is None:
        return ()
    team = uow.session.scalar(
        select(Invitation.team)
        .where(Invitation.to_referral_id == ref.id)
        .order_by(Invitation.id)
        .limit(1)
    )
    return people_views(team or "")


def _invitations(uow: UnitOfWork, ref: Referral) -> tuple[InvitationView, ...]:
    rows = uow.session.execute(
        select(Invitation, Organization.name, Referral.substatus)
        .join(Organization, Organization.id == Invitation.to_org_id)
        .outerjoin(Referral, Referral.id == Invitation.to_referral_id)
        .where(Invitation.from_referral_id == ref.id)
        .order_by(Invitation.id)
    ).all()
    return tuple(
        InvitationView(
            id=inv.id,
            to_org_name=org_name,
            value=inv.value,
            currency=inv.currency,
            close_date=inv.close_date,
            notes=inv.notes,
            help_type=inv.help_type,
            solution_ids=tuple(s for s in inv.solution_ids.split(",") if s),
            created_at=inv.created_at,
            invitee_status=substatus,
        )
        for inv, org_name, substatus in rows
    )


def _microsoft_card(uow: UnitOfWork, ref: Referral) -> MicrosoftCard:
    """Microsoft's side; the seller only once Microsoft accepted (domain.md §2.3)."""
    seller = None
    if ref.microsoft_status in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON):
        user = uow.session.get(User, ref.microsoft_seller_id) if ref.microsoft_seller_id else None
        seller = user_person(user) if user else None
    expires_at = None
    if ref.microsoft_status is MicrosoftStatus.PENDING:
        ms_org = uow.microsoft_org_id()
        expires_at = uow.session.scalar(
            select(Referral.expires_at)
            .where(
                Referral.engagement_id == ref.engagement_id,
                Referral.org_id == ms_org,
                Referral.status == Status.NEW,
            )
            .order_by(Referral.id.desc())
            .limit(1)
        )
    return MicrosoftCard(
        status=ref.microsoft_status,
        requested_at=ref.microsoft_requested_at,
        seller=seller,
        msx_id=ref.microsoft_msx_id,
        decline_reason=ref.microsoft_decline_reason,
        expires_at=expires_at,
    )


def _history(uow: UnitOfWork, referral_id: int) -> tuple[HistoryView, ...]:
    """Newest first."""
    operator = aliased(User)
    rows = uow.session.execute(
        select(HistoryEntry, User.display_name, operator.display_name)
        .outerjoin(User, User.id == HistoryEntry.user_id)
        .outerjoin(operator, operator.id == HistoryEntry.operator_id)
        .where(HistoryEntry.referral_id == referral_id)
        .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return tuple(
        HistoryView(
            at=h.at,
            who=f"{by} acting as {name}" if by and name else name or "system",
            action=h.action,
            summary=h.summary,
        )
        for h, name, by in rows
    )
