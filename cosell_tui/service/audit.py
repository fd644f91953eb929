"""The admin log: every change to the organisation's reference data (set-up, users, locations,
exchange rates), with who made it, for whom when an admin acts as another user, and when.

Deal changes go to each deal's history (outbox.record); these are not about one deal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cosell_tui.store.models import AdminLogEntry, User


@dataclass(frozen=True, slots=True)
class AdminLogView:
    at: datetime
    who: str  # "Ava Lindqvist", "Ava Lindqvist acting as Ben Okafor", or "set-up"
    action: str
    subject: str
    summary: str


def log_admin(
    session: Session,
    at: datetime,
    user_id: int | None,
    action: str,
    subject: str,
    summary: str,
    /,
    **detail: object,
) -> None:
    """Append one entry in the caller's transaction; the acting admin's operator (the person
    at the keyboard acting as `user_id`) is read from the session, as for deal history."""
    session.add(
        AdminLogEntry(
            at=at,
            user_id=user_id,
            operator_id=session.info.get("operator_id") if user_id is not None else None,
            action=action,
            subject=subject,
            summary=summary,
            detail=json.dumps(detail, sort_keys=True, default=str),
        )
    )


def admin_log(session: Session, limit: int = 200) -> tuple[AdminLogView, ...]:
    """The newest entries first."""
    operator = aliased(User)
    rows = session.execute(
        select(AdminLogEntry, User.display_name, operator.display_name)
        .outerjoin(User, User.id == AdminLogEntry.user_id)
        .outerjoin(operator, operator.id == AdminLogEntry.operator_id)
        .order_by(AdminLogEntry.at.desc(), AdminLogEntry.id.desc())
        .limit(limit)
    ).all()
    return tuple(
        AdminLogView(
            at=entry.at,
            who=f"{by} acting as {name}" if by and name else name or "set-up",
            action=entry.action,
            subject=entry.subject,
            summary=entry.summary,
        )
        for entry, name, by in rows
    )
