"""One deal in full: what the deal screen and `cosell deal show` show, with the actions allowed
now (`Listing.deal`).

Read through SQLAlchemy Core over store/tables.py and store/tables_deal.py, like the grids
(docs/service.md, "Two speeds of reading"): neither the ORM nor the models are imported, and no
mapper is configured. The rules are asked the same questions as the unit of work asks them
before a change: the facts are built by deciding.py from the referral's columns. The command
palette's look-up is palette.py (ORM).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, exists, select

from cosell_tui.domain import (
    NORMAL_STAGES,
    CloseReason,
    DealType,
    Direction,
    ErrorReason,
    MicrosoftStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.domain.facts import Checklist
from cosell_tui.domain.views import (
    DealDetail,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    SolutionLine,
    UserView,
)
from cosell_tui.service import deciding
from cosell_tui.service.context import Context
from cosell_tui.service.errors import NotFoundError
from cosell_tui.service.mapping import (
    account_view,
    deal_row,
    people_views,
    person_view,
    registration_view,
    solution_view,
    user_person,
)
from cosell_tui.service.shared import deal_key
from cosell_tui.store.grid import Scope, scope_condition
from cosell_tui.store.tables import favorite, organization, referral, team_member, user_account
from cosell_tui.store.tables_deal import (
    account,
    customer_contact,
    history,
    invitation,
    location,
    referral_solution,
    registration,
    solution,
)
from cosell_tui.store.valuation import usd_rate

HISTORY_LIMIT = 500

R = referral.c


def status_reason(ref: Any) -> str | None:
    """The decline/lost/error reason in words, with the notes."""
    if ref.status_reason_code is None:
        return ref.status_reason_notes or None
    enum = ErrorReason if ref.substatus is Substatus.ERROR else CloseReason
    try:
        label = enum(ref.status_reason_code).label
    except ValueError:
        label = ref.status_reason_code
    return f"{label}: {ref.status_reason_notes}" if ref.status_reason_notes else label


def detail(ctx: Context, deal: int | str) -> DealDetail:
    """Everything the deal screen and `cosell deal show` show, and the actions allowed now;
    NotFoundError unless this user may see the deal (D10)."""
    key = deal_key(deal)
    with ctx.connection() as conn:
        found = R.referral_id == key if isinstance(key, str) else R.id == key
        ref: Any = conn.execute(
            select(referral).where(found, scope_condition(Scope.of(ctx.user)))
        ).first()
        if ref is None:
            raise NotFoundError(f"Deal {deal} not found, or not visible to you.")
        return _Reader(ctx, conn, ref).detail()


class _Reader:
    """One deal's rows, read once each, and what is built from them."""

    def __init__(self, ctx: Context, conn: Connection, ref: Any) -> None:
        self.ctx = ctx
        self.user: UserView = ctx.user
        self.conn = conn
        self.ref = ref
        self.now = ctx.clock.now()

    def one(self, query: Any) -> Any:
        return self.conn.execute(query).first()

    def detail(self) -> DealDetail:
        ref, conn = self.ref, self.conn
        loc = location.c
        place = self.one(select(loc.name, loc.partner_id).where(loc.id == ref.location_id))
        org_name = conn.execute(
            select(organization.c.name).where(organization.c.id == ref.org_id)
        ).scalar_one()
        customer: Any = self.one(select(account).where(account.c.id == ref.customer_account_id))
        assert place is not None and customer is not None
        contacts: Sequence[Any] = conn.execute(
            select(customer_contact)
            .where(customer_contact.c.referral_id == ref.id)
            .order_by(customer_contact.c.id)
        ).all()
        team: Sequence[Any] = conn.execute(
            select(team_member)
            .where(team_member.c.referral_id == ref.id)
            .order_by(team_member.c.id)
        ).all()
        lines = conn.execute(
            select(referral_solution)
            .where(referral_solution.c.referral_id == ref.id)
            .order_by(referral_solution.c.id)
        ).all()
        solutions: dict[str, Any] = {
            row.id: row
            for row in conn.execute(
                select(solution).where(solution.c.id.in_({line.solution_id for line in lines}))
            )
        }
        filed: Any = self.one(select(registration).where(registration.c.referral_id == ref.id))
        fav = conn.execute(
            select(
                exists().where(favorite.c.user_id == self.user.id, favorite.c.referral_id == ref.id)
            )
        ).scalar()
        azure_ip = sum(1 for line in lines if solutions[line.solution_id].azure_ip_co_sell)

        def ask(as_won: bool, may_accept: bool) -> Checklist:
            rate = usd_rate(conn, ref.currency, deciding.won_day(ref, self.now))
            facts = deciding.eligibility_facts(
                ref,
                as_won=as_won,
                microsoft_may_accept=may_accept,
                usd=None if rate is None else ref.value * Decimal(rate),
                azure_ip_solutions=azure_ip,
                account_kind=customer.kind,
                matched_to_managed=customer.matched_managed_account_id is not None,
            )
            return self.ctx.rules.eligibility(facts)

        checklist = None
        if ref.substatus is Substatus.WON and ref.deal_type is not DealType.SOLUTION_ASSESSMENT:
            checklist = ask(False, False)
        facts = deciding.transition_facts(
            ref,
            user=self.user,
            now=self.now,
            eligible=deciding.registration_eligible(ref, checklist, ask),
            has_customer_contact=bool(contacts),
            team_emails=[member.email for member in team],
            is_invitee=deciding.is_invitee(ref, lambda: self.ctx.shared.microsoft_org_id(conn)),
            requester_substatus=self._requester_substatus(),
            registration=None if filed is None else (filed.exception_status, filed.registered_at),
        )
        decision = self.ctx.rules.transitions(facts)
        return DealDetail(
            row=deal_row(ref, bool(fav)).as_of(self.now),
            location_name=place.name,
            location_partner_id=place.partner_id,
            org_name=org_name,
            invited_by=self._invited_by(),
            invite_notes=ref.invite_notes,
            help_type=ref.help_type,
            visible_to_microsoft=ref.visible_to_microsoft,
            marketplace_intent=ref.marketplace_intent,
            notes=ref.notes,
            campaign_id=ref.campaign_id,
            status_reason=status_reason(ref),
            accepted_at=ref.accepted_at,
            updated_at=ref.updated_at,
            customer=account_view(customer),
            contacts=tuple(person_view(c) for c in contacts),
            team=tuple(person_view(m) for m in team),
            solutions=tuple(
                SolutionLine(
                    solution_view(solutions[line.solution_id], self.user.org_id),
                    line.price,
                    line.quantity,
                    line.currency,
                )
                for line in lines
            ),
            invitations=self._invitations(),
            microsoft=self._microsoft_card(),
            decision=decision,
            checklist=checklist,
            registration=registration_view(filed) if filed is not None else None,
            history=self._history(),
            skipped_stages=self._skipped_stages(),
            routed_by=self._routed_by(),
            inviter_contacts=self._inviter_contacts(),
        )

    # --- who sent it ----------------------------------------------------------------------

    def _invited_by(self) -> str | None:
        """The inviting organisation, with the person who sent it when known."""
        ref = self.ref
        if ref.invited_by_org_id is None:
            return None
        invited_by: str | None = self.conn.execute(
            select(organization.c.name).where(organization.c.id == ref.invited_by_org_id)
        ).scalar()
        who = None
        if ref.invited_by_user_id:
            who = self.conn.execute(
                select(user_account.c.display_name).where(
                    user_account.c.id == ref.invited_by_user_id
                )
            ).scalar()
        if who is not None and invited_by:
            invited_by = f"{who} ({invited_by})"
        return invited_by

    def _requester_substatus(self) -> Substatus | None:
        """For a Microsoft seller on Microsoft's own referral: the requesting partner's deal
        (the invitation's source, else the inviter's referral in the same engagement)."""
        ref = self.ref
        if self.user.role is not Role.MICROSOFT_SELLER:
            return None
        if ref.org_id != self.ctx.shared.microsoft_org_id(self.conn):
            return None
        inv = invitation.c
        source = self.conn.execute(
            select(inv.from_referral_id)
            .where(inv.to_referral_id == ref.id)
            .order_by(inv.id)
            .limit(1)
        ).scalar()
        if source is not None:
            substatus: Substatus | None = self.conn.execute(
                select(R.substatus).where(R.id == source)
            ).scalar()
            return substatus
        if ref.invited_by_org_id is None:
            return None
        sender: Substatus | None = self.conn.execute(
            select(R.substatus)
            .where(
                R.engagement_id == ref.engagement_id,
                R.org_id == ref.invited_by_org_id,
                R.id != ref.id,
            )
            .order_by(R.id)
            .limit(1)
        ).scalar()
        return sender

    # --- its other rows ---------------------------------------------------------------------

    def _skipped_stages(self) -> frozenset[int]:
        """The stages each recorded stage mark jumped over (from the history's changes)."""
        skipped: set[int] = set()
        details = self.conn.execute(
            select(history.c.detail).where(
                history.c.referral_id == self.ref.id, history.c.action == "stage"
            )
        ).scalars()
        for detail in details:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                old, new = json.loads(detail)["changes"]["stage_pct"]
                skipped.update(pct for pct, _name in NORMAL_STAGES if int(old) < pct < int(new))
        return frozenset(skipped)

    def _routed_by(self) -> str | None:
        """The routing rule that placed Microsoft's referral, as recorded when it was received."""
        if self.ref.direction is not Direction.INCOMING:
            return None
        detail = self.conn.execute(
            select(history.c.detail)
            .where(history.c.referral_id == self.ref.id, history.c.action == "received")
            .order_by(history.c.id)
            .limit(1)
        ).scalar()
        try:
            said = json.loads(detail or "{}").get("routed_by")
        except (ValueError, AttributeError):
            return None
        return said if isinstance(said, str) else None

    def _inviter_contacts(self) -> tuple[PersonView, ...]:
        """The team the inviter sent with the invitation this referral came from."""
        if self.ref.invited_by_org_id is None:
            return ()
        inv = invitation.c
        team = self.conn.execute(
            select(inv.team).where(inv.to_referral_id == self.ref.id).order_by(inv.id).limit(1)
        ).scalar()
        return people_views(team or "")

    def _invitations(self) -> tuple[InvitationView, ...]:
        inv = invitation.c
        invitee = referral.alias("invitee")
        rows = self.conn.execute(
            select(invitation, organization.c.name.label("to_org_name"), invitee.c.substatus)
            .select_from(invitation)
            .join(organization, organization.c.id == inv.to_org_id)
            .outerjoin(invitee, invitee.c.id == inv.to_referral_id)
            .where(inv.from_referral_id == self.ref.id)
            .order_by(inv.id)
        ).all()
        return tuple(
            InvitationView(
                id=row.id,
                to_org_name=row.to_org_name,
                value=row.value,
                currency=row.currency,
                close_date=row.close_date,
                notes=row.notes,
                help_type=row.help_type,
                solution_ids=tuple(s for s in row.solution_ids.split(",") if s),
                created_at=row.created_at,
                invitee_status=row.substatus,
            )
            for row in rows
        )

    def _microsoft_card(self) -> MicrosoftCard:
        """Microsoft's side; the seller only once Microsoft accepted (domain.md §2.3)."""
        ref = self.ref
        seller = None
        if ref.microsoft_status in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON):
            user: Any = None
            if ref.microsoft_seller_id:
                user = self.one(
                    select(user_account).where(user_account.c.id == ref.microsoft_seller_id)
                )
            seller = user_person(user) if user is not None else None
        expires_at = None
        if ref.microsoft_status is MicrosoftStatus.PENDING:
            ms_org = self.ctx.shared.microsoft_org_id(self.conn)
            expires_at = self.conn.execute(
                select(R.expires_at)
                .where(
                    R.engagement_id == ref.engagement_id,
                    R.org_id == ms_org,
                    R.status == Status.NEW,
                )
                .order_by(R.id.desc())
                .limit(1)
            ).scalar()
        return MicrosoftCard(
            status=ref.microsoft_status,
            requested_at=ref.microsoft_requested_at,
            seller=seller,
            msx_id=ref.microsoft_msx_id,
            decline_reason=ref.microsoft_decline_reason,
            expires_at=expires_at,
        )

    def _history(self) -> tuple[HistoryView, ...]:
        """Newest first."""
        h = history.c
        actor = user_account.alias("actor")
        operator = user_account.alias("operator")
        rows = self.conn.execute(
            select(
                h.at,
                h.action,
                h.summary,
                actor.c.display_name.label("name"),
                operator.c.display_name.label("by"),
            )
            .outerjoin_from(history, actor, actor.c.id == h.user_id)
            .outerjoin(operator, operator.c.id == h.operator_id)
            .where(h.referral_id == self.ref.id)
            .order_by(h.at.desc(), h.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        return tuple(
            HistoryView(
                at=row.at,
                who=f"{row.by} acting as {row.name}"
                if row.by and row.name
                else row.name or "system",
                action=row.action,
                summary=row.summary,
            )
            for row in rows
        )
