"""Read use cases: the deal screen's detail, palette look-ups and the wizard's pick lists.

Every query carries the visibility predicate of scope.py, so what a user cannot see simply is
not there (NotFoundError for a direct look-up).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cosell_tui.domain import (
    CloseReason,
    DealType,
    ErrorReason,
    MicrosoftStatus,
    OrgKind,
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
from cosell_tui.service.base import ServiceBase
from cosell_tui.service.mapping import (
    account_view,
    deal_row,
    person_view,
    registration_view,
    solution_view,
    user_person,
)
from cosell_tui.service.scope import visible_clause
from cosell_tui.store import search
from cosell_tui.store.models import (
    GRID_TABS,
    Account,
    Favorite,
    HistoryEntry,
    Invitation,
    Location,
    Organization,
    Referral,
    Registration,
    TeamMember,
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


class Reads(ServiceBase):
    """Deal detail, rows and look-ups."""

    def deal(self, deal: int | str) -> DealDetail:
        """Everything the deal screen shows, and the actions allowed now (D10 scoped)."""
        with self._read() as session:
            return self._detail(session, self._load(session, deal))

    def row(self, deal: int | str) -> DealRow:
        with self._read() as session:
            return self._row(session, self._load(session, deal))

    def _detail(self, session: Session, ref: Referral) -> DealDetail:
        location = session.get(Location, ref.location_id)
        org = session.get(Organization, ref.org_id)
        account = session.get(Account, ref.customer_account_id)
        assert location is not None and org is not None and account is not None
        invited_by = None
        if ref.invited_by_org_id is not None:
            sender = session.get(Organization, ref.invited_by_org_id)
            who = session.get(User, ref.invited_by_user_id) if ref.invited_by_user_id else None
            invited_by = sender.name if sender else None
            if who is not None and invited_by:
                invited_by = f"{who.display_name} ({invited_by})"
        checklist = None
        if ref.substatus is Substatus.WON and ref.deal_type is not DealType.SOLUTION_ASSESSMENT:
            checklist = self._checklist(session, ref)
        registration = session.scalar(
            select(Registration).where(Registration.referral_id == ref.id)
        )
        return DealDetail(
            row=self._row(session, ref),
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
                    solution_view(line.solution, self.user.org_id),
                    line.price,
                    line.quantity,
                    line.currency,
                )
                for line in ref.solutions
            ),
            invitations=self._invitations(session, ref),
            microsoft=self._microsoft_card(session, ref),
            decision=self._decision(session, ref, checklist),
            checklist=checklist,
            registration=registration_view(registration) if registration else None,
            history=self._history(session, ref.id),
        )

    def _invitations(self, session: Session, ref: Referral) -> tuple[InvitationView, ...]:
        rows = session.execute(
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

    def _microsoft_card(self, session: Session, ref: Referral) -> MicrosoftCard:
        """Microsoft's side; the seller only once Microsoft accepted (domain.md §2.3)."""
        seller = None
        if ref.microsoft_status in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON):
            user = session.get(User, ref.microsoft_seller_id) if ref.microsoft_seller_id else None
            seller = user_person(user) if user else None
        expires_at = None
        if ref.microsoft_status is MicrosoftStatus.PENDING:
            ms_org = self._shared.microsoft_org_id(session)
            expires_at = session.scalar(
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

    def _history(self, session: Session, referral_id: int) -> tuple[HistoryView, ...]:
        """Newest first."""
        rows = session.execute(
            select(HistoryEntry, User.display_name)
            .outerjoin(User, User.id == HistoryEntry.user_id)
            .where(HistoryEntry.referral_id == referral_id)
            .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        return tuple(
            HistoryView(at=h.at, who=name or "system", action=h.action, summary=h.summary)
            for h, name in rows
        )

    # --- palette and pick lists -----------------------------------------------------------------

    def find_deals(self, text_: str, limit: int = 20) -> tuple[DealRow, ...]:
        """The command palette: a deal by its number, Referral ID prefix or words of its name,
        customer, CRM ID or notes (full-text index, never a table scan)."""
        wanted = text_.strip()
        if not wanted:
            return ()
        limit = max(1, min(limit, 200))
        query = select(Referral).where(visible_clause(self.user))
        with self._read() as session:
            if wanted.isdigit():
                query = query.where(Referral.id == int(wanted))
            elif _GUID_PART.match(wanted) and any(c.isdigit() for c in wanted):
                query = query.where(Referral.referral_id.startswith(wanted.lower()))
            elif session.get_bind().dialect.name == "sqlite":
                match = search.sqlite_match([wanted])
                if match is None:
                    return ()
                ids = text("SELECT rowid FROM referral_fts WHERE referral_fts MATCH :m").bindparams(
                    m=match
                )
                query = query.where(Referral.id.in_(ids))
            else:
                tsquery = search.pg_tsquery([wanted])
                if tsquery is None:
                    return ()
                query = query.where(
                    text(f"{search.PG_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(q=tsquery)
                )
            refs = session.scalars(
                query.order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
            ).all()
            favorites = set(
                session.scalars(
                    select(Favorite.referral_id).where(
                        Favorite.user_id == self.user.id,
                        Favorite.referral_id.in_([r.id for r in refs]),
                    )
                )
            )
            return tuple(deal_row(r, r.id in favorites) for r in refs)

    def search_partners(self, text_: str = "") -> tuple[tuple[int, str], ...]:
        """Co-sell ecosystem partners that can be invited (never the user's own company)."""
        with self._read() as session:
            query = select(Organization.id, Organization.name).where(
                Organization.kind == OrgKind.PARTNER,
                Organization.co_sell_ecosystem.is_(True),
                Organization.id != self.user.org_id,
            )
            if text_.strip():
                query = query.where(
                    func.lower(Organization.name).contains(text_.strip().lower(), autoescape=True)
                )
            rows = session.execute(query.order_by(Organization.name).limit(200)).all()
            return tuple((row.id, row.name) for row in rows)

    def scope_locations(self) -> tuple[tuple[int, str, str], ...]:
        """(id, name, PartnerID) of the locations this user may create deals for (D2)."""
        with self._read() as session:
            query = select(Location).where(Location.org_id == self.user.org_id)
            if not self.user.entire_company:
                query = query.where(Location.id.in_(self.user.location_ids or (-1,)))
            return tuple(
                (loc.id, loc.name, loc.partner_id)
                for loc in session.scalars(query.order_by(Location.id))
            )

    def recent_team_members(self, limit: int = 10) -> tuple[PersonView, ...]:
        """The user first, then colleagues from the most recent visible deals (wizard's team)."""
        with self._read() as session:
            me = session.get(User, self.user.id)
            people: list[PersonView] = []
            seen: set[str] = set()
            if me is not None:
                people.append(user_person(me))
                seen.add(me.email.lower())
            # The newest 50 of each tab, each a short walk of its (org, tab, created) index
            # (one ORDER BY over the whole organisation would sort every deal it has).
            newest: list[tuple[datetime, int]] = []
            for tab in GRID_TABS:
                newest.extend(
                    (at, pk)
                    for at, pk in session.execute(
                        select(Referral.created_at, Referral.id)
                        .where(visible_clause(self.user), Referral.grid_tab == tab)
                        .order_by(Referral.created_at.desc(), Referral.id.desc())
                        .limit(50)
                    )
                )
            recent = [pk for _, pk in sorted(newest, reverse=True)[:50]]
            members = session.scalars(
                select(TeamMember)
                .where(TeamMember.referral_id.in_(recent))
                .order_by(TeamMember.referral_id.desc(), TeamMember.id)
            )
            for member in members:
                if len(people) >= limit:
                    break
                if member.email.lower() not in seen:
                    seen.add(member.email.lower())
                    people.append(person_view(member))
            return tuple(people[:limit])
