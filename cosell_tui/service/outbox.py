"""History entries and queued notifications, written in the use case's own transaction (D11).

Both are plain inserts into the Session the use case already holds, so a refused or failed
change leaves neither a history line nor an email behind, and a committed one always has both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cosell_tui.domain import Role
from cosell_tui.store.models import (
    HistoryEntry,
    Notification,
    Organization,
    Referral,
    TeamMember,
    User,
    UserLocation,
)

if TYPE_CHECKING:
    from cosell_tui.service.unit import UnitOfWork

Change = tuple[object, object]


def _plain(value: object) -> object:
    """JSON-safe form of a changed value (enums by API value, money and dates as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    session: Session,
    referral_id: int,
    at: datetime,
    user_id: int | None,
    action: str,
    summary: str,
    changes: Mapping[str, Change] | None = None,
    /,
    **detail: object,
) -> None:
    """Append who/when/what/why; `changes` maps a field to (old, new).

    `changes` is positional-only, so a `**detail` mapping can never be taken for it."""
    body: dict[str, object] = {k: _plain(v) for k, v in detail.items()}
    if changes:
        body["changes"] = {k: [_plain(old), _plain(new)] for k, (old, new) in changes.items()}
    session.add(
        HistoryEntry(
            referral_id=referral_id,
            at=at,
            user_id=user_id,
            operator_id=session.info.get("operator_id") if user_id is not None else None,
            action=action,
            summary=summary,
            detail=json.dumps(body, sort_keys=True),
        )
    )


def location_admins(session: Session, org_id: int, location_id: int) -> list[User]:
    """Referrals admins (or, for Microsoft, its sellers) whose scope covers the location."""
    in_scope = or_(
        User.entire_company.is_(True),
        User.id.in_(select(UserLocation.user_id).where(UserLocation.location_id == location_id)),
    )
    query = (
        select(User)
        .where(
            User.org_id == org_id,
            User.role.in_([Role.ADMIN, Role.MICROSOFT_SELLER]),
            User.active.is_(True),
            in_scope,
        )
        .order_by(User.id)
    )
    return list(session.scalars(query))


def team_recipients(session: Session, referral: Referral) -> list[tuple[int | None, str]]:
    """The deal team, each with their user id when they are a user of the deal's organisation."""
    emails = [
        m.email
        for m in session.scalars(
            select(TeamMember).where(TeamMember.referral_id == referral.id).order_by(TeamMember.id)
        )
    ]
    users = {
        u.email.lower(): u.id
        for u in session.scalars(
            select(User).where(User.org_id == referral.org_id, User.email.in_(emails))
        )
    }
    return [(users.get(email.lower()), email) for email in emails]


def notify(
    session: Session,
    at: datetime,
    kind: str,
    referral_id: int | None,
    recipients: Iterable[tuple[int | None, str]],
    subject: str,
    body: str,
) -> int:
    """Queue one message per distinct address; returns how many were queued."""
    seen: set[str] = set()
    for user_id, email in recipients:
        key = email.lower()
        if not key or key in seen:
            continue
        seen.add(key)
        session.add(
            Notification(
                created_at=at,
                kind=kind,
                referral_id=referral_id,
                recipient_user_id=user_id,
                recipient_email=email,
                subject=subject[:300],
                body=body,
            )
        )
    return len(seen)


def users_as_recipients(users: Iterable[User]) -> list[tuple[int | None, str]]:
    return [(u.id, u.email) for u in users]


def tell_sender(
    uow: UnitOfWork,
    ref: Referral,
    kind: str,
    verb: str,
    extra: str,
    system: bool = False,
) -> None:
    """History on the sender's referral and an email to the sender (D11): the user who sent
    it, else the admins of the sender's location."""
    sender_ref = uow.sender_referral(ref)
    if sender_ref is None:
        return
    now = uow.now()
    org = uow.session.get(Organization, ref.org_id)
    who = org.name if org else "The receiver"
    record(
        uow.session,
        sender_ref.id,
        now,
        None if system else uow.user.id,
        f"invitee_{verb}",
        f"{who} {verb} the referral '{ref.name}'. {extra}".strip(),
    )
    sender_user = uow.session.get(User, ref.invited_by_user_id) if ref.invited_by_user_id else None
    recipients = (
        [(sender_user.id, sender_user.email)]
        if sender_user is not None
        else users_as_recipients(
            location_admins(uow.session, sender_ref.org_id, sender_ref.location_id)
        )
    )
    notify(
        uow.session,
        now,
        kind,
        sender_ref.id,
        recipients,
        f"{who} {verb} your referral: {ref.name}",
        f"{who} {verb} '{ref.name}' for {ref.customer_name}. {extra}".strip(),
    )
