"""One deal in full (`detail`: what the deal screen and `cosell deal show` show, with the
actions allowed now) and the command palette's look-up (`find`): the ORM side of the listing
subject (listing.py), imported when a deal is opened, never for a grid page or a count.
"""

from __future__ import annotations

import contextlib
import json
import re

from sqlalchemy import ColumnElement, TextClause, or_, select, text
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
    DealDetail,
    DealRow,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    SolutionLine,
)
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
from cosell_tui.service.shared import MAX_ID
from cosell_tui.service.unit import UnitOfWork
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


def find(uow: UnitOfWork, wanted: str, limit: int) -> tuple[DealRow, ...]:
    """The command palette's deals (Listing.find_deals): by number, Referral ID prefix or
    words (full-text index, never a table scan), newest first."""
    query = select(Referral).where(visible_clause(uow.user))
    number = wanted.removeprefix("#")
    digits = number.isascii() and number.isdigit()
    by_number_only = digits and wanted.startswith("#")
    found: list[ColumnElement[bool] | TextClause] = []
    if digits and len(number) <= 19 and 0 < int(number) <= MAX_ID:  # "498", "#498"
        found.append(Referral.id == int(number))
    if not by_number_only and _GUID_PART.match(wanted):
        # A Referral ID's first characters, which may be all digits ("12345678") or
        # all letters ("abcdef"): asked alongside the number and the words.
        found.append(Referral.referral_id.startswith(wanted.lower()))
    if not by_number_only and not wanted.isdigit():
        from cosell_tui.store import search  # the palette's words only, not a deal in full

        if uow.session.get_bind().dialect.name == "sqlite":
            match = search.sqlite_match([wanted])
            if match is not None:
                ids = text("SELECT rowid FROM referral_fts WHERE referral_fts MATCH :m").bindparams(
                    m=match
                )
                found.append(Referral.id.in_(ids))
        else:
            tsquery = search.pg_tsquery([wanted])
            if tsquery is not None:
                found.append(
                    text(f"{search.PG_QUERY_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(
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
                Favorite.user_id == uow.user.id,
                Favorite.referral_id.in_([r.id for r in refs]),
            )
        )
    )
    return tuple(deal_row(r, r.id in favorites).as_of(uow.now()) for r in refs)


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


def detail(uow: UnitOfWork, ref: Referral) -> DealDetail:
    """Everything the deal screen and `cosell deal show` show, and the actions allowed now."""
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
