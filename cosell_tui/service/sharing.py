"""Upgrades of an open deal (T11-T13, D13): share it with Microsoft sellers, ask Microsoft for
help, invite a partner or Microsoft. The deal type is asked of the rules again after each, and
only ever moves up.
"""

from __future__ import annotations

from sqlalchemy import select

from cosell_tui.domain import (
    Action,
    DealType,
    HelpType,
    SolutionKind,
)
from cosell_tui.domain.facts import DealTypeFacts
from cosell_tui.domain.views import Outcome
from cosell_tui.service.context import Context
from cosell_tui.service.creation import ask_microsoft, contact_rows, invite_partner
from cosell_tui.service.errors import RuleRefusal
from cosell_tui.service.forms import (
    InvitationDraft,
    PersonInput,
)
from cosell_tui.service.lifecycle import assign, finish_edit
from cosell_tui.service.parse import check, inputs, parse, refuse
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store.models import Invitation, Organization, Referral


class Sharing:
    """share_with_microsoft, request_help and invite."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def share_with_microsoft(self, deal: int, version: int) -> Outcome:
        """T11: private -> partner-led; irreversible (D13)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.SHARE_WITH_MICROSOFT)
            ref.visible_to_microsoft = True
            changes = assign(ref, deal_type=_upgrade_type(uow, ref))
            changes["visible_to_microsoft"] = (False, True)
            return finish_edit(uow, ref, changes, "shared", "Shared with Microsoft sellers")

    def request_help(
        self,
        deal: int,
        version: int,
        help_type: HelpType,
        notes: str,
        contact: PersonInput | None = None,
        consent: bool = False,
    ) -> Outcome:
        """T12: -> co-sell. Notes are optional; a contact given here needs the customer's
        `consent`; the deal-type rules refuse a co-sell deal without a customer contact (one
        rule for the wizard, `deal create`, import, this and inviting Microsoft). Microsoft gets
        14 days to answer (D9)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.REQUEST_HELP)
            request = parse(
                inputs.HelpRequest,
                {"help_type": help_type, "notes": notes, "consent": consent, "contact": contact},
                "The request",
                region=ref.country,
            )
            return _co_sell(
                uow, ref, request.help_type, request.notes or ref.notes, request.contact
            )

    def invite(self, deal: int, version: int, invitation: InvitationDraft) -> Outcome:
        """T13: invite a partner (its admins get an inbound referral) or Microsoft (the same as
        asking for help) while the deal is open."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.INVITE)
            pick, problems = check(
                inputs.InvitationAnswers,
                invitation,
                "invitation",
                session=uow.session,
                user=self._ctx.user,
                team_region=ref.country,
            )
            refuse("The invitation", problems)
            assert pick is not None
            if pick.microsoft:
                if ref.deal_type is DealType.SOLUTION_ASSESSMENT:
                    # Inviting Microsoft is asking for help, which no assessment may do.
                    raise RuleRefusal(uow.decision(ref).why_not(Action.REQUEST_HELP))
                if ref.microsoft_status.value in ("Pending", "Accepted", "Won"):
                    raise RuleRefusal("Microsoft is already engaged on this deal.")
                return _co_sell(uow, ref, pick.help_type, pick.notes or ref.notes, None)
            invite_partner(uow, ref, pick, pick.team or ref.team)
            ref.deal_type = _upgrade_type(uow, ref)
            ref.updated_at = uow.now()
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Invited {pick.org.name} to deal {row.id}.")


def _upgrade_type(uow: UnitOfWork, ref: Referral) -> DealType:
    """Ask the deal-type rules about the deal as it now stands; never downgrade (D13)."""
    org = uow.session.get(Organization, ref.org_id)
    invited = uow.session.scalars(
        select(Invitation.to_org_id).where(Invitation.from_referral_id == ref.id)
    ).all()
    ms_org = uow.microsoft_org_id()
    decision = uow.rules.deal_type(
        DealTypeFacts(
            solution_count=len(ref.solutions),
            assessment_count=sum(
                line.solution.kind is SolutionKind.ASSESSMENT for line in ref.solutions
            ),
            help_type=ref.help_type,
            visible_to_microsoft=ref.visible_to_microsoft,
            invited_partner_count=sum(1 for org_id in invited if org_id != ms_org),
            has_customer_contact=bool(ref.contacts),
            org_assessment_vetted=bool(org and org.assessment_vetted),
        )
    )
    if decision.deal_type is None:
        raise RuleRefusal("; ".join(decision.problems) or decision.reason)
    return uow.rules.upgraded_type(ref.deal_type, decision.deal_type)


def _co_sell(
    uow: UnitOfWork, ref: Referral, kind: HelpType, text: str, person: inputs.Contact | None
) -> Outcome:
    old_type = ref.deal_type
    if person is not None:
        ref.contacts.extend(contact_rows([person]))
        ref.consent_share_contact = ref.consent_to_contact = True
    ref.help_type = kind
    ref.visible_to_microsoft = True
    ref.deal_type = _upgrade_type(uow, ref)
    warning = ask_microsoft(uow, ref, kind, text)
    ref.updated_at = uow.now()
    uow.session.flush()
    row = uow.row(ref)
    message = f"Asked Microsoft for help on deal {row.id}"
    if old_type is not ref.deal_type:
        message += f"; it is now {ref.deal_type.label}"
    return Outcome(row, message + ".", (warning,) if warning else ())
