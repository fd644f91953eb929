"""Who sees which referral (decisions D2, D3, D10), as one SQL predicate every read and write uses.

Putting visibility in a single predicate means a grid, a palette search and a write all answer
"not found" for the same deals: a user never learns of a deal outside their scope by any path.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from cosell_tui.domain import AccountKind, Role
from cosell_tui.domain.views import UserView
from cosell_tui.service.deciding import is_on_team
from cosell_tui.store.models import Account, Referral, TeamMember


def on_team_clause(user: UserView) -> ColumnElement[bool]:
    """The referral's team lists the user (team emails are stored lower case)."""
    return exists(
        select(TeamMember.id).where(
            TeamMember.referral_id == Referral.id, TeamMember.email == user.email.lower()
        )
    )


def visible_clause(user: UserView) -> ColumnElement[bool]:
    """D10: admins (and Microsoft sellers) see every deal of their scope; users only the deals
    of their scope whose team they are on. Scope = the whole organisation or listed locations."""
    conditions: list[ColumnElement[bool]] = [Referral.org_id == user.org_id]
    if not user.entire_company:
        conditions.append(Referral.location_id.in_(user.location_ids or (-1,)))
    if user.role is Role.USER:
        conditions.append(on_team_clause(user))
    return and_(*conditions)


def location_in_scope(user: UserView, location_id: int, location_org_id: int) -> bool:
    """D2: a deal may be created for a location of the user's organisation in their scope."""
    if location_org_id != user.org_id:
        return False
    return user.entire_company or location_id in user.location_ids


def account_in_scope(session: Session, user: UserView, account: Account) -> bool:
    """The customer search's accounts (Microsoft's lists, DUNS) are everyone's; an account
    entered by hand belongs to the organisations whose deals name it, and is "not found" to
    every other (its name, address and DUNS are that partner's prospect)."""
    if account.kind is not AccountKind.MANUAL:
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    Referral.customer_account_id == account.id, Referral.org_id == user.org_id
                )
            )
        )
    )


__all__ = [
    "account_in_scope",
    "is_on_team",
    "location_in_scope",
    "on_team_clause",
    "visible_clause",
]
