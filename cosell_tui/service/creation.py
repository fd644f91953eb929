"""Creating deals and engagements: New Deal (T1), referrals sent by Microsoft or a partner (T2),
and the Microsoft and P2P invitations that put a referral into another organisation's Inbound.

The engagement model of the Partner Center API (D12): one referral per organisation, sharing
an engagement id. An invitation row links the sender's referral to the invitee's and keeps the
inviter's terms frozen (D14).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from cosell_tui.domain import (
    CREATED_PCT,
    RESPONSE_WINDOW,
    AccountKind,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.domain.facts import DealTypeDecision
from cosell_tui.domain.names import company_key
from cosell_tui.domain.views import Outcome
from cosell_tui.service.context import Context
from cosell_tui.service.drafts import (
    ParsedDraft,
    check_draft,
    customer_country,
    names_customer,
    preview,
)
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import DealDraft, ReferralDraft
from cosell_tui.service.mapping import people_text
from cosell_tui.service.outbox import location_admins, notify, record, users_as_recipients
from cosell_tui.service.parse import check, inputs, refuse
from cosell_tui.service.routing import route
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store.models import (
    Account,
    CustomerContact,
    Engagement,
    Invitation,
    Location,
    Organization,
    Referral,
    ReferralSolution,
    TeamMember,
    User,
)


def new_guid() -> str:
    return str(uuid.uuid4())


def team_rows(people: Sequence[inputs.Member]) -> list[TeamMember]:
    return [TeamMember(**person.model_dump()) for person in people]


def contact_rows(people: Sequence[inputs.Contact]) -> list[CustomerContact]:
    return [CustomerContact(**person.model_dump()) for person in people]


def solution_rows(picks: Sequence[inputs.Line]) -> list[ReferralSolution]:
    return [
        ReferralSolution(
            solution_id=p.solution.id, price=p.price, quantity=p.quantity, currency=p.currency
        )
        for p in picks
    ]


def user_as_member(user: User) -> TeamMember:
    first, _, last = user.display_name.partition(" ")
    return TeamMember(
        first_name=first, last_name=last or first, phone=user.phone or "", email=user.email.lower()
    )


def manual_account(manual: inputs.ManualAccount) -> Account:
    """A customer entered by hand: kind Manual, cleaned name for later searches."""
    cleaned = company_key(manual.name)
    return Account(**dict(manual), search_name=cleaned, kind=AccountKind.MANUAL, federal=False)


def route_location(session: Session, org_id: int, country: str | None) -> Location | None:
    """Where an inbound referral lands when no routing rule places it (a partner's referral or
    invitation, or Microsoft's to an organisation without a matching rule): the target's
    location in the customer's country if it has one, else its first location."""
    preferred = case((Location.country == (country or ""), 0), else_=1)
    return session.scalar(
        select(Location).where(Location.org_id == org_id).order_by(preferred, Location.id).limit(1)
    )


class Creation:
    """create_deal, send_referral, and the wizard's live checks."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def create_deal(self, draft: DealDraft) -> Outcome:
        """T1: every wizard answer at once; the deal starts Active/Accepted at 10 % (Created).
        No email goes to the creator (D11); Microsoft and invitees get their inbound referral."""
        with self._ctx.write() as uow:
            uow.require_partner_user("Creating a deal")
            parsed, problems = check_draft(uow.session, self._ctx.user, self._ctx.rules, draft)
            refuse("The new deal", problems)
            decision = parsed.decision
            assert decision is not None
            if decision.deal_type is None or decision.problems:
                raise RuleRefusal("; ".join(decision.problems) or decision.reason)
            ref = _insert_deal(uow, parsed, decision.deal_type, decision.p2p)
            warnings: list[str] = []
            if decision.deal_type is DealType.CO_SELL:
                help_type = parsed.help_type
                ms = next((p for p in parsed.invitations if p.microsoft), None)
                if help_type is HelpType.NONE and ms is not None:
                    help_type = ms.help_type
                notes = parsed.help_notes or (ms.notes if ms else "") or ref.notes
                if warning := ask_microsoft(uow, ref, help_type, notes):
                    warnings.append(warning)
            for invitation in parsed.invitations:
                if not invitation.microsoft:
                    invite_partner(uow, ref, invitation, invitation.team or parsed.team)
            uow.session.flush()
            row = uow.row(ref, favorite=False)  # new: nobody's favorite yet
        label = decision.deal_type.label + (" P2P" if decision.p2p else "")
        return Outcome(row, f"Created {label} deal {row.id} '{row.name}'.", tuple(warnings))

    # --- engagements with Microsoft and partners ------------------------------------------------

    # --- T2: a Microsoft seller or another partner sends a referral -----------------------------

    def send_referral(self, draft: ReferralDraft) -> Outcome:
        """The sender's Outgoing referral and the target's Incoming one (New/Pending, 14 days),
        routed to a location of the target; the target location's admins are emailed."""
        with self._ctx.write() as uow:
            account_id, manual = getattr(draft, "account_id", None), getattr(draft, "account", None)
            answers, problems = check(
                inputs.ReferralAnswers,
                draft,
                session=uow.session,
                user=self._ctx.user,
                region=customer_country(uow.session, account_id, manual),
            )
            if not names_customer(account_id, manual):
                problems["customer"] = "Name the customer (an account id or a manual entry)."
            refuse("The referral", problems)
            assert answers is not None
            target, picks = answers.target, answers.solutions
            help_type, notes, contact = answers.help_type, answers.notes, answers.contact
            account = answers.account
            if account is None:
                assert answers.manual is not None
                account = manual_account(answers.manual)
                uow.session.add(account)
                uow.session.flush()
            sender_location = _home_location(uow)
            from_microsoft = self._ctx.user.role is Role.MICROSOFT_SELLER
            location, routed_by = answers.location, None
            if from_microsoft:  # the target's routing rules place Microsoft's referral (D18)
                if location is not None:
                    raise ValidationError(
                        f"{target.name}'s routing rules decide where Microsoft's referral "
                        "lands; do not name a location.",
                        {"to_location_id": "Routing rules decide the location."},
                    )
                solutions = tuple(p.solution.id for p in picks)
                location, decision = route(
                    uow.session, self._ctx.rules, target.id, account.country, solutions
                )
                routed_by = decision.reason
            location = location or route_location(uow.session, target.id, account.country)
            if location is None:
                raise RuleRefusal(f"{target.name} has no location that could receive a referral.")
            now = uow.now()
            engagement = Engagement(id=new_guid(), created_at=now)
            uow.session.add(engagement)
            me = uow.session.get(User, self._ctx.user.id)
            assert me is not None
            sender = Referral(
                referral_id=new_guid(),
                engagement_id=engagement.id,
                org_id=self._ctx.user.org_id,
                location_id=sender_location.id,
                direction=Direction.OUTGOING,
                status=Status.ACTIVE,
                substatus=Substatus.ACCEPTED,
                deal_type=DealType.CO_SELL if from_microsoft else DealType.PRIVATE,
                p2p=not from_microsoft,
                help_type=help_type if from_microsoft else HelpType.NONE,
                visible_to_microsoft=from_microsoft,
                name=answers.name,
                value=answers.value,
                currency=answers.currency,
                close_date=answers.close_date,
                notes=notes,
                stage_pct=CREATED_PCT,
                customer_account_id=account.id,
                customer_name=account.name,
                country=account.country,
                consent_share_contact=contact is not None,
                consent_to_contact=contact is not None,
                created_at=now,
                updated_at=now,
                accepted_at=now,
            )
            sender.team = [user_as_member(me)]
            sender.contacts = contact_rows([contact] if contact else [])
            sender.solutions = solution_rows(picks)
            uow.session.add(sender)
            uow.session.flush()
            extra: dict[str, object] = {}
            if from_microsoft:
                extra = {
                    "microsoft_status": MicrosoftStatus.ACCEPTED,
                    "microsoft_seller_id": me.id,
                    "microsoft_requested_at": now,
                    "microsoft_msx_id": msx_id(),
                    "help_type": help_type,
                }
            receiver = _inbound_copy(
                uow, sender, target.id, location, now, invite_notes=notes, **extra
            )
            receiver.solutions = solution_rows(picks)
            uow.session.add(receiver)
            uow.session.flush()
            uow.session.add(
                Invitation(
                    engagement_id=engagement.id,
                    from_referral_id=sender.id,
                    to_org_id=target.id,
                    to_referral_id=receiver.id,
                    value=answers.value,
                    currency=answers.currency,
                    close_date=answers.close_date,
                    notes=notes,
                    help_type=help_type,
                    solution_ids=",".join(p.solution.id for p in picks),
                    created_at=now,
                )
            )
            record(
                uow.session,
                sender.id,
                now,
                me.id,
                "sent",
                f"Sent '{answers.name}' to {target.name} ({location.name}).",
            )
            _announce(uow, receiver, "new_inbound", self._ctx.user.org_name, routed_by)
            uow.session.flush()
            row = uow.row(sender)
        return Outcome(row, f"Sent referral {row.id} '{row.name}' to {target.name}.")

    def preview_deal_type(self, draft: DealDraft) -> DealTypeDecision:
        """The wizard's live 'deal type' line from the answers so far (never raises)."""
        with self._ctx.read() as uow:
            try:
                parsed, _problems = check_draft(uow.session, self._ctx.user, self._ctx.rules, draft)
            except NotFoundError as exc:  # an account out of reach: no type to show yet
                return DealTypeDecision(None, False, "", exc.message, (exc.message,))
            return parsed.decision or preview(
                uow.session, self._ctx.user, self._ctx.rules, draft, parsed
            )

    def validate_draft(self, draft: DealDraft, step: str | None = None) -> dict[str, str]:
        """field -> message for one wizard step (or all); {} means valid (never raises: an
        account out of reach is a message on the customer, as creating would refuse it)."""
        with self._ctx.read() as uow:
            try:
                _parsed, problems = check_draft(
                    uow.session, self._ctx.user, self._ctx.rules, draft, step
                )
            except NotFoundError as exc:
                return {"customer": exc.message}
            return problems


def msx_id() -> str:
    """Microsoft's CRM (MSX) identifier, set when Microsoft engages."""
    return "7-" + uuid.uuid4().hex[:10].upper()


def _insert_deal(uow: UnitOfWork, parsed: ParsedDraft, deal_type: DealType, p2p: bool) -> Referral:
    now = uow.now()
    customer, details = parsed.customer, parsed.details
    assert customer is not None and details is not None
    account = customer.account
    if account is None:
        assert customer.manual is not None
        account = manual_account(customer.manual)
        uow.session.add(account)
        uow.session.flush()
    engagement = Engagement(id=new_guid(), created_at=now)
    uow.session.add(engagement)
    ref = Referral(
        referral_id=new_guid(),
        engagement_id=engagement.id,
        org_id=uow.user.org_id,
        location_id=details.location.id,
        direction=Direction.OUTGOING,
        status=Status.ACTIVE,
        substatus=Substatus.ACCEPTED,
        deal_type=deal_type,
        p2p=p2p,
        help_type=parsed.help_type,
        visible_to_microsoft=deal_type in (DealType.PARTNER_LED, DealType.CO_SELL),
        marketplace_intent=parsed.marketplace_intent,
        name=details.name,
        value=details.value,
        currency=details.currency,
        close_date=details.close_date,
        notes=details.notes,
        crm_id=details.crm_id,
        campaign_id=details.campaign_id,
        stage_pct=CREATED_PCT,
        partner_role=details.partner_role,
        partner_program=details.partner_program,
        customer_account_id=account.id,
        customer_name=account.name,
        country=account.country,
        consent_share_contact=customer.consent,
        consent_to_contact=customer.consent,
        microsoft_status=MicrosoftStatus.NONE,
        created_at=now,
        updated_at=now,
        accepted_at=now,
    )
    ref.team = team_rows(parsed.team)
    ref.contacts = contact_rows([customer.contact] if customer.contact else [])
    ref.solutions = solution_rows(parsed.solutions)
    uow.session.add(ref)
    uow.session.flush()
    detail: dict[str, object] = {}
    if parsed.assessment_location is not None:
        detail["assessment_location_id"] = parsed.assessment_location.id
    record(
        uow.session,
        ref.id,
        now,
        uow.user.id,
        "created",
        f"Created {deal_type.label} deal '{ref.name}' for {account.name}.",
        **detail,
    )
    return ref


def _inbound_copy(
    uow: UnitOfWork, ref: Referral, org_id: int, location: Location, now: datetime, **fields: object
) -> Referral:
    """The invitee's New/Pending referral in the same engagement, with 14 days to answer."""
    values: dict[str, object] = {
        "referral_id": new_guid(),
        "engagement_id": ref.engagement_id,
        "org_id": org_id,
        "location_id": location.id,
        "direction": Direction.INCOMING,
        "status": Status.NEW,
        "substatus": Substatus.PENDING,
        "deal_type": ref.deal_type,
        "p2p": ref.p2p,
        "help_type": ref.help_type,
        "visible_to_microsoft": ref.visible_to_microsoft,
        "marketplace_intent": ref.marketplace_intent,
        "name": ref.name,
        "value": ref.value,
        "currency": ref.currency,
        "close_date": ref.close_date,
        "notes": ref.notes,
        "stage_pct": CREATED_PCT,
        "customer_account_id": ref.customer_account_id,
        "customer_name": ref.customer_name,
        "country": ref.country,
        "consent_share_contact": ref.consent_share_contact,
        "consent_to_contact": ref.consent_to_contact,
        "invited_by_org_id": ref.org_id,
        "invited_by_user_id": uow.user.id,
        "microsoft_status": ref.microsoft_status,
        "created_at": now,
        "updated_at": now,
        "expires_at": now + RESPONSE_WINDOW,
    }
    values.update(fields)
    invitee = Referral(**values)
    if ref.consent_share_contact:
        invitee.contacts = [
            CustomerContact(
                first_name=c.first_name, last_name=c.last_name, phone=c.phone, email=c.email
            )
            for c in ref.contacts
        ]
    return invitee


def _announce(
    uow: UnitOfWork, invitee: Referral, kind: str, sender: str, routed_by: str | None = None
) -> None:
    """History on the invitee's side and an email to the admins of its location (D11); for
    Microsoft's referral the routing rule that placed it (`deal explain` names it)."""
    now = uow.now()
    location = uow.session.get(Location, invitee.location_id)
    where = f" at {location.name}" if location is not None and routed_by else ""
    detail: dict[str, object] = {"routed_by": routed_by} if routed_by else {}
    record(
        uow.session,
        invitee.id,
        now,
        uow.user.id,
        "received",
        f"Received from {sender}{where}; answer within {RESPONSE_WINDOW.days} days.",
        **detail,
    )
    admins = location_admins(uow.session, invitee.org_id, invitee.location_id)
    notify(
        uow.session,
        now,
        kind,
        invitee.id,
        users_as_recipients(admins),
        f"New co-sell referral from {sender}: {invitee.name}",
        f"{sender} sent you '{invitee.name}' for {invitee.customer_name} "
        f"({invitee.value:,.2f} {invitee.currency}). Accept or decline it by "
        f"{invitee.expires_at:%Y-%m-%d %H:%M} UTC.",
    )


#: Said when Microsoft is asked for help and has no seller here yet (a new team's database:
#: `cosell setup` makes Microsoft's organisation, its sellers come from a partners file).
NO_SELLER = (
    "Microsoft has no seller in this database yet, so nobody here will answer the request "
    "in its 14 days: an entire-company Referrals admin imports Microsoft's sellers with "
    "`cosell admin partner import FILE` (docs/admin.md)."
)


def ask_microsoft(uow: UnitOfWork, ref: Referral, help_type: HelpType, notes: str) -> str | None:
    """T12/D12: Microsoft's referral (Incoming, New/Pending, 14 days) in the engagement;
    Microsoft's status on ours becomes Pending. Returns a warning (NO_SELLER) when Microsoft
    has no active seller to answer it."""
    now = uow.now()
    ms_org = uow.microsoft_org_id()
    location = route_location(uow.session, ms_org, ref.country) if ms_org else None
    if ms_org is None or location is None:
        raise RuleRefusal("Microsoft is not set up in this database; cannot ask for help.")
    ms_ref = _inbound_copy(
        uow,
        ref,
        ms_org,
        location,
        now,
        deal_type=DealType.CO_SELL,
        p2p=False,
        help_type=help_type,
        visible_to_microsoft=True,
        invite_notes=notes,
        microsoft_status=MicrosoftStatus.PENDING,
    )
    uow.session.add(ms_ref)
    uow.session.flush()
    uow.session.add(
        Invitation(
            engagement_id=ref.engagement_id,
            from_referral_id=ref.id,
            to_org_id=ms_org,
            to_referral_id=ms_ref.id,
            value=ref.value,
            currency=ref.currency,
            close_date=ref.close_date,
            notes=notes,
            help_type=help_type,
            solution_ids=",".join(line.solution_id for line in ref.solutions),
            created_at=now,
        )
    )
    ref.microsoft_status = MicrosoftStatus.PENDING
    ref.microsoft_requested_at = now
    ref.microsoft_seller_id = None
    ref.microsoft_msx_id = None
    ref.microsoft_decline_reason = None
    org = uow.session.get(Organization, ref.org_id)
    _announce(uow, ms_ref, "new_inbound", org.name if org else "a partner")
    record(
        uow.session,
        ref.id,
        now,
        uow.user.id,
        "microsoft_requested",
        f"Asked Microsoft for help: {help_type.label}. Microsoft has "
        f"{RESPONSE_WINDOW.days} days to answer.",
    )
    seller = uow.session.scalar(
        select(User.id)
        .where(User.org_id == ms_org, User.role == Role.MICROSOFT_SELLER, User.active.is_(True))
        .limit(1)
    )
    return NO_SELLER if seller is None else None


def invite_partner(
    uow: UnitOfWork,
    ref: Referral,
    pick: inputs.InvitationAnswers,
    team: Sequence[inputs.Contact] | Sequence[TeamMember],
) -> Referral:
    """T13: the invitee's New/Pending referral with the invitation's terms and solutions."""
    now = uow.now()
    open_invite = uow.session.scalar(
        select(Referral.id)
        .join(Invitation, Invitation.to_referral_id == Referral.id)
        .where(
            Invitation.from_referral_id == ref.id,
            Invitation.to_org_id == pick.org.id,
            Referral.status != Status.CLOSED,
        )
        .limit(1)
    )
    if open_invite is not None:
        raise RuleRefusal(f"{pick.org.name} is already invited to this deal.")
    location = route_location(uow.session, pick.org.id, ref.country)
    if location is None:
        raise RuleRefusal(f"{pick.org.name} has no location that could receive a referral.")
    ref.p2p = True
    invitee = _inbound_copy(
        uow,
        ref,
        pick.org.id,
        location,
        now,
        deal_type=(
            DealType.PARTNER_LED if ref.deal_type is DealType.SOLUTION_ASSESSMENT else ref.deal_type
        ),
        p2p=True,
        value=pick.value,
        currency=pick.currency,
        close_date=pick.close_date,
        notes=pick.notes or "",
        invite_notes=pick.notes,
        help_type=pick.help_type,  # the help the inviter wants from them
    )
    invitee.solutions = [ReferralSolution(solution_id=s.id) for s in pick.solutions]
    uow.session.add(invitee)
    uow.session.flush()
    uow.session.add(
        Invitation(
            engagement_id=ref.engagement_id,
            from_referral_id=ref.id,
            to_org_id=pick.org.id,
            to_referral_id=invitee.id,
            value=pick.value,
            currency=pick.currency,
            close_date=pick.close_date,
            notes=pick.notes or "",
            help_type=pick.help_type,
            solution_ids=",".join(s.id for s in pick.solutions),
            team=people_text(team),  # the invitee reads them as its contacts at the inviter
            created_at=now,
        )
    )
    org = uow.session.get(Organization, ref.org_id)
    _announce(uow, invitee, "invitation", org.name if org else "a partner")
    record(
        uow.session,
        ref.id,
        now,
        uow.user.id,
        "invited",
        f"Invited {pick.org.name} ({pick.value:,.2f} {pick.currency}, close "
        f"{pick.close_date.isoformat()}; help wanted: {pick.help_type.label}).",
        team=", ".join(f"{p.first_name} {p.last_name} <{p.email}>" for p in team),
    )
    return invitee


def _home_location(uow: UnitOfWork) -> Location:
    """The sender's own location: the first one in the user's scope."""
    query = select(Location).where(Location.org_id == uow.user.org_id)
    if not uow.user.entire_company:
        query = query.where(Location.id.in_(uow.user.location_ids or (-1,)))
    location = uow.session.scalar(query.order_by(Location.id).limit(1))
    if location is None:
        raise RuleRefusal("You have no location in your scope to send a referral from.")
    return location
