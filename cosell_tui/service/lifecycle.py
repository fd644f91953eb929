"""The life of a deal after it exists: answer an inbound referral (T3, T4), edit it (T6, D14),
move its stage (T7) and close it as won, lost or error (T8-T10); and the bulk triage of the grid.

Each use case: load the visible deal with its version (ConflictError on a mismatch), ask the
transitions rule set (RuleRefusal with the rule's reason), validate input (ValidationError per
field), change the row, append history and queue notifications, all in one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy import select

from cosell_tui.domain import (
    CREATED_PCT,
    WON_PCT,
    Action,
    CloseReason,
    DealType,
    ErrorReason,
    MarketplaceIntent,
    MicrosoftStatus,
    Role,
    SolutionKind,
    Status,
    Substatus,
    stage_name,
    window_over,
)
from cosell_tui.domain.facts import Outcome as CriterionOutcome
from cosell_tui.domain.views import BulkResult, DealRow, Outcome, WonPreview
from cosell_tui.service.context import Context
from cosell_tui.service.creation import contact_rows, solution_rows, team_rows
from cosell_tui.service.errors import RuleRefusal
from cosell_tui.service.forms import (
    AcceptForm,
    DetailsEdit,
    PersonInput,
    SolutionInput,
)
from cosell_tui.service.listing import Listing, bulk
from cosell_tui.service.microsoft import Microsoft
from cosell_tui.service.outbox import (
    Change,
    location_admins,
    notify,
    record,
    team_recipients,
    tell_sender,
    users_as_recipients,
)
from cosell_tui.service.parse import inputs, parse, refuse
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store.models import Invitation, Organization, Referral


class Lifecycle:
    """accept, decline, the edits, stages, won, lost, close as error, and bulk triage."""

    def __init__(self, ctx: Context, listing: Listing) -> None:
        self._ctx = ctx
        self._listing = listing

    def accept(self, deal: int, version: int, form: AcceptForm) -> Outcome:
        """T3: name, value, close date and notes confirmed; the sender is told (D11). A
        Microsoft seller accepts a co-sell request instead (D9; the form does not apply)."""
        if self._ctx.user.role is Role.MICROSOFT_SELLER:
            return Microsoft(self._ctx).accept(deal, version)
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.ACCEPT)
            answer = parse(inputs.Acceptance, form, "The acceptance", region=ref.country)
            now = uow.now()
            changes = assign(ref, **answer.model_dump(exclude={"contacts"}))
            ref.status, ref.substatus = Status.ACTIVE, Substatus.ACCEPTED
            ref.accepted_at = now
            ref.expires_at = None
            ref.stage_pct = CREATED_PCT
            ref.updated_at = now
            if answer.contacts:
                ref.contacts.extend(contact_rows(answer.contacts))
            record(uow.session, ref.id, now, self._ctx.user.id, "accepted", "Accepted.", changes)
            tell_sender(uow, ref, "accepted", "accepted", "")
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Accepted deal {row.id} '{row.name}'.")

    def decline(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        """T4: a coded reason (and notes) is required; the sender is told (D11). A Microsoft
        seller declines a co-sell request instead (D9)."""
        if self._ctx.user.role is Role.MICROSOFT_SELLER:
            return Microsoft(self._ctx).decline(deal, version, reason, notes)
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.DECLINE)
            answer = parse(inputs.Decline, {"reason": reason, "notes": notes}, "The decline")
            code, text = answer.reason, answer.notes
            _close(uow, ref, Substatus.DECLINED, code.value, text, "declined")
            tell_sender(uow, ref, "declined", "declined", f"Reason: {code.label}. {text or ''}")
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Declined deal {row.id} ({code.label}).")

    def edit_details(self, deal: int, version: int, edit: DetailsEdit) -> Outcome:
        """T6: name, value, close date, notes, CRM/campaign ids, partner role/programme; the
        marketplace intent only while 'Have not decided'. None leaves a field as it is; "" empties
        an optional one (CRM ID, campaign ID, partner programme), refused for the others."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.EDIT_DETAILS)
            terms = (getattr(edit, name, None) for name in ("value", "currency", "close_date"))
            if any(t is not None for t in terms) and uow.is_invitee(ref):
                # D14: an invitee's value and close date follow the invitation-terms rule.
                uow.require(ref, Action.EDIT_INVITATION_TERMS)
            change = parse(
                inputs.DetailsChange,
                edit,
                "The edit",
                intent=ref.marketplace_intent,
                incentivised=any(line.solution.marketplace_incentivized for line in ref.solutions),
            )
            values = change.model_dump()
            cleared = values.pop("clear")
            changes = assign(ref, **values)
            for name in cleared:  # an optional field emptied (DetailsChange.CLEARABLE)
                if getattr(ref, name) is not None:
                    changes[name] = (getattr(ref, name), None)
                    setattr(ref, name, None)
            return finish_edit(uow, ref, changes, "details_edited", "Edited details")

    def edit_invitation_terms(
        self,
        deal: int,
        version: int,
        value: str | Decimal,
        currency: str,
        close_date: str | date,
    ) -> Outcome:
        """D14: an invitee changes the value and close date of its part after accepting; the
        inviter cannot (the invitation row keeps the terms it sent)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.EDIT_INVITATION_TERMS)
            terms = {"value": value, "currency": currency, "close_date": close_date}
            changes = assign(ref, **parse(inputs.Terms, terms, "The terms").model_dump())
            return finish_edit(
                uow,
                ref,
                changes,
                "terms_edited",
                "Edited the invitation's value and close date",
            )

    def set_team(self, deal: int, version: int, team: Sequence[PersonInput]) -> Outcome:
        """T6: the whole team at once (1..50 members, each with name, phone and email)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.EDIT_TEAM)
            people = parse(inputs.TeamIn, {"team": team}, "The team", team_region=ref.country).team
            before = sorted(m.email for m in ref.team)
            after = sorted(p.email for p in people)
            warnings: tuple[str, ...] = ()
            if (
                self._ctx.user.email.lower() not in after
                and self._ctx.user.role.value == "ReferralsUser"
            ):
                warnings = ("You are no longer on the team, so you will not see this deal.",)
            if before == after and [
                (m.first_name, m.last_name, m.phone)
                for m in sorted(ref.team, key=lambda m: m.email)
            ] == [
                (p.first_name, p.last_name, p.phone or "")
                for p in sorted(people, key=lambda p: p.email)
            ]:
                return Outcome(uow.row(ref), "Nothing changed.")
            ref.team.clear()
            uow.session.flush()
            ref.team.extend(team_rows(people))
            outcome = finish_edit(
                uow,
                ref,
                {"team": (", ".join(before), ", ".join(after))},
                "team_edited",
                "Edited team",
            )
            return Outcome(outcome.deal, outcome.message, warnings)

    def set_contacts(
        self, deal: int, version: int, contacts: Sequence[PersonInput], consent: bool
    ) -> Outcome:
        """The customer contacts, all at once (§1.3), with the customer's consent; read-only
        once shared with Microsoft (transitions.yaml, edit_contacts)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.EDIT_CONTACTS)
            parsed = parse(
                inputs.ContactsIn,
                {"contacts": tuple(contacts), "consent": consent},
                "The customer contacts",
                region=ref.country,
            )
            before = ", ".join(c.email or "" for c in ref.contacts)
            after = ", ".join(c.email for c in parsed.contacts)
            ref.contacts.clear()
            uow.session.flush()
            ref.contacts.extend(contact_rows(parsed.contacts))
            if parsed.contacts:
                ref.consent_share_contact = ref.consent_to_contact = True
            return finish_edit(
                uow, ref, {"contacts": (before, after)}, "contacts_edited", "Edited contacts"
            )

    def set_solutions(self, deal: int, version: int, lines: Sequence[SolutionInput]) -> Outcome:
        """T6: 1..50 solutions; never on a solution assessment, never adding an assessment."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.EDIT_SOLUTIONS)
            picks = parse(
                inputs.LinesIn, {"solutions": lines}, "The solution list", session=uow.session
            ).solutions
            problems: dict[str, str] = {}
            if any(p.solution.kind is SolutionKind.ASSESSMENT for p in picks):
                problems["solutions"] = "A solution assessment cannot be added to this deal."
            elif (
                ref.marketplace_intent is MarketplaceIntent.YES
                and picks
                and not any(p.solution.marketplace_incentivized for p in picks)
            ):
                problems["solutions"] = (
                    "Marketplace intent is 'Yes': keep a marketplace-incentivised one."
                )
            refuse("The solution list", problems)
            before = [(s.solution_id, s.price, s.quantity, s.currency) for s in ref.solutions]
            after = [(p.solution.id, p.price, p.quantity, p.currency) for p in picks]
            if before == after:
                return Outcome(uow.row(ref), "Nothing changed.")
            ref.solutions.clear()
            uow.session.flush()
            ref.solutions.extend(solution_rows(picks))
            change = (",".join(b[0] for b in before), ",".join(a[0] for a in after))
            return finish_edit(
                uow, ref, {"solutions": change}, "solutions_edited", "Edited solutions"
            )

    def mark_stage(self, deal: int, version: int, pct: int) -> Outcome:
        """T7: only the stages the transitions rule set offers now (D5, D6)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            decision = uow.require(ref, Action.MARK_STAGE)
            value = parse(inputs.Stage, {"pct": pct}, "The stage").pct
            if value not in decision.stages:
                offered = ", ".join(f"{p} %" for p in decision.stages) or "none"
                raise RuleRefusal(
                    f"Stage {value} % cannot be marked now (stages that can: {offered}); stages "
                    "never go backward"
                    + (
                        " and solution assessments mark them in order."
                        if ref.deal_type is DealType.SOLUTION_ASSESSMENT
                        else "."
                    )
                )
            sa = ref.deal_type is DealType.SOLUTION_ASSESSMENT
            changes = assign(ref, stage_pct=value)
            return finish_edit(
                uow,
                ref,
                changes,
                "stage",
                f"Marked '{stage_name(value, sa, ref.direction)}'",
            )

    def won_preview(self, deal: int) -> WonPreview:
        """What the user should read before confirming Won: the rules' advisories (the 72-hour
        gap of D7 for a registrable deal), the ISV Connect note, and whether the deal could be
        registered once won (no eligibility criterion fails; one may still be undecidable)."""
        with self._ctx.read() as uow:
            ref = uow.load(deal)
            decision = uow.require(ref, Action.WON)
            registrable = ref.deal_type is not DealType.SOLUTION_ASSESSMENT and not any(
                item.outcome is CriterionOutcome.FAILED
                for item in uow.checklist(ref, as_won=True).items
            )
            return WonPreview(_won_notes(uow, ref, decision.warnings.get(Action.WON)), registrable)

    def won(self, deal: int, version: int) -> Outcome:
        """T8: closes the deal as Won (D7: the 72-hour advisory is a warning, not a block) and
        records whether it can be registered (the eligibility checklist, D8)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            decision = uow.require(ref, Action.WON)
            warnings = _won_notes(uow, ref, decision.warnings.get(Action.WON))
            # Asked before the change ("as if won now"), so the deal is written once: one
            # change, one version (a flush in between would raise it twice).
            registrable = ref.deal_type is not DealType.SOLUTION_ASSESSMENT
            checklist = uow.checklist(ref, as_won=True) if registrable else None
            _close(uow, ref, Substatus.WON, None, None, "won")
            ref.stage_pct = WON_PCT
            message = f"Deal {ref.id} is won."
            if checklist is not None:
                ref.registration_eligible = (
                    True if checklist.eligible else None if checklist.undecidable else False
                )
                if checklist.eligible:
                    message += " It is eligible for Azure IP co-sell registration: register it now."
            else:
                ref.registration_eligible = False
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, message, warnings)

    def lost(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        """T9: a coded reason is required."""
        return self._close_with(
            deal, version, Action.LOST, Substatus.LOST, inputs.Lost, reason, notes
        )

    def close_as_error(
        self, deal: int, version: int, reason: ErrorReason, notes: str = ""
    ) -> Outcome:
        """T10/D4: one of the nine error reasons, from any open state; 'explain in notes'
        reasons need notes."""
        return self._close_with(
            deal, version, Action.CLOSE_AS_ERROR, Substatus.ERROR, inputs.Mistake, reason, notes
        )

    def _close_with(
        self,
        deal: int,
        version: int,
        action: Action,
        substatus: Substatus,
        model: type[inputs.Lost | inputs.Mistake],
        reason: object,
        notes: str,
    ) -> Outcome:
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, action)
            needs_notes = partial(uow.rules.needs_notes, action)
            answer = parse(
                model, {"reason": reason, "notes": notes}, "The reason", needs_notes=needs_notes
            )
            code, text = answer.reason, answer.notes
            _close(uow, ref, substatus, code.value, text, action.value)
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Deal {row.id} closed as {substatus.label} ({code.label}).")

    def bulk_accept(self, deals: Sequence[int]) -> BulkResult:
        """Accept each referral with its own values (notes: the referral's, else the sender's)."""

        def one(deal: int) -> DealRow:
            row = self._listing.row(deal)
            detail = self._listing.deal(deal)
            form = AcceptForm(
                name=row.name,
                value=row.value,
                currency=row.currency,
                close_date=row.close_date,
                notes=detail.notes or detail.invite_notes or "",
                crm_id=row.crm_id,
                campaign_id=detail.campaign_id,
            )
            return self.accept(row.id, row.version, form).deal

        return bulk(self._listing, deals, one)

    def bulk_decline(
        self, deals: Sequence[int], reason: CloseReason, notes: str = ""
    ) -> BulkResult:
        def one(deal: int) -> DealRow:
            row = self._listing.row(deal)
            return self.decline(row.id, row.version, reason, notes).deal

        return bulk(self._listing, deals, one)


def assign(ref: Referral, **values: object) -> dict[str, Change]:
    """Set the given non-None values; return what changed as {field: (old, new)}."""
    changes: dict[str, Change] = {}
    for attr, new in values.items():
        if new is None:
            continue
        old = getattr(ref, attr)
        if old != new:
            changes[attr] = (old, new)
            setattr(ref, attr, new)
    return changes


#: What a changed field is called in the history the user reads (not the column's name).
FIELD_WORDS = {
    "name": "name",
    "value": "value",
    "currency": "currency",
    "close_date": "close date",
    "notes": "notes",
    "crm_id": "CRM ID",
    "campaign_id": "campaign ID",
    "marketplace_intent": "marketplace purchase intent",
    "partner_role": "partner role",
    "partner_program": "partner program",
    "stage_pct": "sales stage",
    "deal_type": "deal type",
    "visible_to_microsoft": "visible to Microsoft sellers",
}


def changed_words(changes: Mapping[str, Change]) -> str:
    """`close date, sales stage`: the changed fields in the user's words."""
    return ", ".join(FIELD_WORDS.get(field, field.replace("_", " ")) for field in changes)


def finish_edit(
    uow: UnitOfWork, ref: Referral, changes: dict[str, Change], action: str, what: str
) -> Outcome:
    if not changes:
        return Outcome(uow.row(ref), "Nothing changed.")
    now = uow.now()
    ref.updated_at = now
    record(
        uow.session, ref.id, now, uow.user.id, action, f"{what}: {changed_words(changes)}.", changes
    )
    uow.session.flush()
    return Outcome(uow.row(ref), f"{what} of deal {ref.id}.")


def _won_notes(uow: UnitOfWork, ref: Referral, advisory: str | None) -> tuple[str, ...]:
    notes = [advisory] if advisory else []
    biz_apps = any(
        line.solution.biz_apps_premium or line.solution.biz_apps_standard for line in ref.solutions
    )
    if biz_apps:
        usd = uow.usd(ref.value, ref.currency, uow.now().date())
        if usd is None or usd > 5000:
            notes.append(
                "Registration for Business Applications ISV Connect is required on this sale."
            )
    return tuple(notes)


def _close(
    uow: UnitOfWork,
    ref: Referral,
    substatus: Substatus,
    code: str | None,
    notes: str | None,
    action: str,
) -> None:
    now = uow.now()
    old = ref.substatus
    ref.status, ref.substatus = Status.CLOSED, substatus
    ref.closed_at = now
    ref.updated_at = now
    ref.status_reason_code = code
    ref.status_reason_notes = notes
    why = ""
    if code is not None:
        enum = ErrorReason if substatus is Substatus.ERROR else CloseReason
        why = f" Reason: {enum(code).label}." + (f" {notes}" if notes else "")
    record(
        uow.session,
        ref.id,
        now,
        uow.user.id,
        action,
        f"{substatus.label}.{why}",
        {"substatus": (old, substatus)},
    )
    _originator_closed(uow, ref, substatus)


def _originator_closed(uow: UnitOfWork, ref: Referral, substatus: Substatus) -> None:
    """D15: the deal that sent invitations closed. Invitations not yet answered are withdrawn
    (closed, the invited organisation's admins told); accepted ones go on as the invitee's own
    deal and its team is told; a pending request to Microsoft is closed, except after a win,
    when Microsoft may still accept (D9)."""
    now = uow.now()
    with uow.session.no_autoflush:  # one change, one version: the deal is written once
        ms_org = uow.microsoft_org_id()
        sent = uow.session.execute(
            select(Invitation.to_org_id, Referral)
            .join(Referral, Referral.id == Invitation.to_referral_id)
            .where(Invitation.from_referral_id == ref.id)
            .order_by(Invitation.id)
        ).all()
        org = uow.session.get(Organization, ref.org_id) if sent else None
    if not sent:
        return
    closed = f"{org.name if org else 'The inviting partner'} closed its deal ({substatus.label})"
    for to_org, invitee in sent:
        microsoft = to_org == ms_org
        if invitee.status is Status.NEW and not window_over(
            invitee.status, invitee.expires_at, now
        ):
            if microsoft and substatus is Substatus.WON:
                continue  # D9: an acceptance after the win makes the deal registrable
            _withdraw(uow, invitee, closed)
            if microsoft and ref.microsoft_status is MicrosoftStatus.PENDING:
                ref.microsoft_status = MicrosoftStatus.EXPIRED
        elif invitee.status is Status.ACTIVE and not microsoft:
            text = f"{closed}; this deal goes on as yours."
            record(uow.session, invitee.id, now, uow.user.id, "originator_closed", text)
            people = team_recipients(uow.session, invitee) or users_as_recipients(
                location_admins(uow.session, invitee.org_id, invitee.location_id)
            )
            notify(
                uow.session, now, "originator_closed", invitee.id, people,
                f"The inviting partner closed its deal: {invitee.name}",
                f"{closed}. '{invitee.name}' goes on as your own deal.",
            )  # fmt: skip


def _withdraw(uow: UnitOfWork, invitee: Referral, closed: str) -> None:
    """An invitation not yet answered: closed (Error, 'Withdrawn') and its admins told."""
    now = uow.now()
    old = invitee.substatus
    invitee.status, invitee.substatus = Status.CLOSED, Substatus.ERROR
    invitee.closed_at = invitee.updated_at = now
    invitee.status_reason_code = None
    invitee.status_reason_notes = f"Withdrawn: {closed}."
    record(
        uow.session,
        invitee.id,
        now,
        uow.user.id,
        "withdrawn",
        f"Withdrawn: {closed}.",
        {"substatus": (old, Substatus.ERROR)},
    )
    admins = location_admins(uow.session, invitee.org_id, invitee.location_id)
    notify(
        uow.session, now, "withdrawn", invitee.id, users_as_recipients(admins),
        f"Invitation withdrawn: {invitee.name}",
        f"{closed}, so its invitation '{invitee.name}' is withdrawn; nothing is left to answer.",
    )  # fmt: skip
