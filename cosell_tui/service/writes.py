"""Use cases that change an open deal: answer an inbound referral, edit it, move its stage,
close it, upgrade it (share, ask for help, invite) and favourite it.

Each one: load the visible deal with its version (ConflictError on a mismatch), ask the
transitions rule set (RuleRefusal with the rule's reason), validate input (ValidationError per
field), change the row, append history and queue notifications, all in one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cosell_tui.domain import (
    CREATED_PCT,
    WON_PCT,
    Action,
    CloseReason,
    DealType,
    ErrorReason,
    HelpType,
    MarketplaceIntent,
    PartnerRole,
    SolutionKind,
    Status,
    Substatus,
    stage_name,
)
from cosell_tui.domain.facts import DealTypeFacts
from cosell_tui.domain.views import BulkResult, DealRow, Outcome
from cosell_tui.service.create import Creation, contact_rows, solution_rows, team_rows
from cosell_tui.service.drafts import parse_invitation, parse_solutions, parse_team
from cosell_tui.service.errors import CosellError, RuleRefusal, ValidationError
from cosell_tui.service.forms import (
    AcceptForm,
    DetailsEdit,
    InvitationDraft,
    PersonInput,
    SolutionInput,
)
from cosell_tui.service.outbox import Change, location_admins, notify, record, users_as_recipients
from cosell_tui.service.parse import MAX_ID_LEN, Person, Problems
from cosell_tui.store.models import Favorite, Invitation, Organization, Referral, User


def _reason(problems: Problems, value: object, enum: type) -> object:
    return problems.choice("reason", value, enum)


class Writes(Creation):
    """Changes to existing deals."""

    # --- inbound answers (T3, T4) ---------------------------------------------------------------

    def accept(self, deal: int, version: int, form: AcceptForm) -> Outcome:
        """T3: name, value, close date and notes confirmed; the sender is told (D11)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.ACCEPT)
            problems = Problems()
            if not isinstance(form, AcceptForm):
                raise ValidationError("An accept form is expected.", {"form": "Missing."})
            name = problems.text("name", form.name, label="Deal name")
            value = problems.amount("value", form.value)
            currency = problems.currency("currency", form.currency)
            close_date = problems.day("close_date", form.close_date)
            notes = problems.notes("notes", form.notes)
            crm_id = problems.text("crm_id", form.crm_id, required=False, max_len=MAX_ID_LEN)
            campaign = problems.text(
                "campaign_id", form.campaign_id, required=False, max_len=MAX_ID_LEN
            )
            contacts = []
            for index, person in enumerate(form.contacts or ()):
                parsed = problems.person(
                    f"contacts[{index}]",
                    person,
                    ref.country,
                    phone_required=False,
                    email_required=True,
                )
                if parsed is not None:
                    contacts.append(parsed)
            problems.raise_if_any("The acceptance")
            now = self._now()
            changes = self._assign(
                ref,
                name=name,
                value=value,
                currency=currency,
                close_date=close_date,
                notes=notes,
                crm_id=crm_id,
                campaign_id=campaign,
            )
            ref.status, ref.substatus = Status.ACTIVE, Substatus.ACCEPTED
            ref.accepted_at = now
            ref.expires_at = None
            ref.stage_pct = CREATED_PCT
            ref.updated_at = now
            if contacts:
                ref.contacts.extend(contact_rows(contacts))
            record(session, ref.id, now, self.user.id, "accepted", "Accepted.", changes)
            self._tell_sender(session, ref, "accepted", "accepted", "")
            session.flush()
            row = self._row(session, ref)
        return Outcome(row, f"Accepted deal {row.id} '{row.name}'.")

    def decline(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        """T4: a coded reason (and notes) is required; the sender is told (D11)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.DECLINE)
            problems = Problems()
            code = problems.choice("reason", reason, CloseReason)
            text = problems.notes("notes", notes, required=False)
            problems.raise_if_any("The decline")
            assert isinstance(code, CloseReason)
            self._close(session, ref, Substatus.DECLINED, code.value, text, "declined")
            self._tell_sender(
                session, ref, "declined", "declined", f"Reason: {code.label}. {text or ''}"
            )
            session.flush()
            row = self._row(session, ref)
        return Outcome(row, f"Declined deal {row.id} ({code.label}).")

    def _tell_sender(
        self,
        session: Session,
        ref: Referral,
        kind: str,
        verb: str,
        extra: str,
        system: bool = False,
    ) -> None:
        """History on the sender's referral and an email to the sender (D11): the user who sent
        it, else the admins of the sender's location."""
        sender_ref = self._sender_referral(session, ref)
        if sender_ref is None:
            return
        now = self._now()
        org = session.get(Organization, ref.org_id)
        who = org.name if org else "The receiver"
        record(
            session,
            sender_ref.id,
            now,
            None if system else self.user.id,
            f"invitee_{verb}",
            f"{who} {verb} the referral '{ref.name}'. {extra}".strip(),
        )
        sender_user = session.get(User, ref.invited_by_user_id) if ref.invited_by_user_id else None
        recipients = (
            [(sender_user.id, sender_user.email)]
            if sender_user is not None
            else users_as_recipients(
                location_admins(session, sender_ref.org_id, sender_ref.location_id)
            )
        )
        notify(
            session,
            now,
            kind,
            sender_ref.id,
            recipients,
            f"{who} {verb} your referral: {ref.name}",
            f"{who} {verb} '{ref.name}' for {ref.customer_name}. {extra}".strip(),
        )

    # --- editing (T6, D14) ----------------------------------------------------------------------

    @staticmethod
    def _assign(ref: Referral, **values: object) -> dict[str, Change]:
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

    def edit_details(self, deal: int, version: int, edit: DetailsEdit) -> Outcome:
        """T6: name, value, close date, notes, CRM/campaign ids, partner role/programme; the
        marketplace intent only while 'Have not decided'. None leaves a field as it is."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.EDIT_DETAILS)
            problems = Problems()
            if not isinstance(edit, DetailsEdit):
                raise ValidationError("A details edit is expected.", {"edit": "Missing."})
            values: dict[str, object] = {}
            if edit.name is not None:
                values["name"] = problems.text("name", edit.name, label="Deal name")
            terms = (edit.value, edit.currency, edit.close_date)
            if any(t is not None for t in terms) and self._is_invitee(session, ref):
                # D14: an invitee's value and close date follow the invitation-terms rule.
                self._require(session, ref, Action.EDIT_INVITATION_TERMS)
            if edit.value is not None:
                values["value"] = problems.amount("value", edit.value)
            if edit.currency is not None:
                values["currency"] = problems.currency("currency", edit.currency)
            if edit.close_date is not None:
                values["close_date"] = problems.day("close_date", edit.close_date)
            if edit.notes is not None:
                values["notes"] = problems.notes("notes", edit.notes)
            if edit.crm_id is not None:
                values["crm_id"] = problems.text("crm_id", edit.crm_id, max_len=MAX_ID_LEN)
            if edit.campaign_id is not None:
                values["campaign_id"] = problems.text(
                    "campaign_id", edit.campaign_id, max_len=MAX_ID_LEN
                )
            if edit.partner_role is not None:
                values["partner_role"] = problems.choice(
                    "partner_role", edit.partner_role, PartnerRole
                )
            if edit.partner_program is not None:
                values["partner_program"] = problems.text(
                    "partner_program", edit.partner_program, max_len=100
                )
            if edit.marketplace_intent is not None:
                intent = problems.choice(
                    "marketplace_intent", edit.marketplace_intent, MarketplaceIntent
                )
                if intent is not None and intent is not ref.marketplace_intent:
                    if ref.marketplace_intent is not MarketplaceIntent.UNDECIDED:
                        problems.add(
                            "marketplace_intent",
                            "The marketplace intent can only be changed while 'Have not decided'.",
                        )
                    elif intent is MarketplaceIntent.YES and not any(
                        line.solution.marketplace_incentivized for line in ref.solutions
                    ):
                        problems.add(
                            "marketplace_intent",
                            "Intent 'Yes' needs a marketplace-incentivised solution on the deal.",
                        )
                values["marketplace_intent"] = intent
            problems.raise_if_any("The edit")
            changes = self._assign(ref, **values)
            return self._finish_edit(session, ref, changes, "details_edited", "Edited details")

    def _finish_edit(
        self, session: Session, ref: Referral, changes: dict[str, Change], action: str, what: str
    ) -> Outcome:
        if not changes:
            return Outcome(self._row(session, ref), "Nothing changed.")
        now = self._now()
        ref.updated_at = now
        record(
            session, ref.id, now, self.user.id, action, f"{what}: {', '.join(changes)}.", changes
        )
        session.flush()
        return Outcome(self._row(session, ref), f"{what} of deal {ref.id}.")

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
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.EDIT_INVITATION_TERMS)
            problems = Problems()
            values = {
                "value": problems.amount("value", value),
                "currency": problems.currency("currency", currency),
                "close_date": problems.day("close_date", close_date),
            }
            problems.raise_if_any("The terms")
            changes = self._assign(ref, **values)
            return self._finish_edit(
                session,
                ref,
                changes,
                "terms_edited",
                "Edited the invitation's value and close date",
            )

    def set_team(self, deal: int, version: int, team: Sequence[PersonInput]) -> Outcome:
        """T6: the whole team at once (1..50 members, each with name, phone and email)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.EDIT_TEAM)
            problems = Problems()
            people = parse_team(problems, "team", list(team or ()), ref.country)
            problems.raise_if_any("The team")
            before = sorted(m.email for m in ref.team)
            after = sorted(p.email or "" for p in people)
            warnings: tuple[str, ...] = ()
            if self.user.email.lower() not in after and self.user.role.value == "ReferralsUser":
                warnings = ("You are no longer on the team, so you will not see this deal.",)
            if before == after and [
                (m.first_name, m.last_name, m.phone)
                for m in sorted(ref.team, key=lambda m: m.email)
            ] == [
                (p.first_name, p.last_name, p.phone or "")
                for p in sorted(people, key=lambda p: p.email or "")
            ]:
                return Outcome(self._row(session, ref), "Nothing changed.")
            ref.team.clear()
            session.flush()
            ref.team.extend(team_rows(people))
            outcome = self._finish_edit(
                session,
                ref,
                {"team": (", ".join(before), ", ".join(after))},
                "team_edited",
                "Edited team",
            )
            return Outcome(outcome.deal, outcome.message, warnings)

    def set_solutions(self, deal: int, version: int, lines: Sequence[SolutionInput]) -> Outcome:
        """T6: 1..50 solutions; never on a solution assessment, never adding an assessment."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.EDIT_SOLUTIONS)
            problems = Problems()
            picks = parse_solutions(session, problems, "solutions", list(lines or ()))
            if any(p.solution.kind is SolutionKind.ASSESSMENT for p in picks):
                problems.add("solutions", "A solution assessment cannot be added to this deal.")
            if (
                ref.marketplace_intent is MarketplaceIntent.YES
                and picks
                and not any(p.solution.marketplace_incentivized for p in picks)
            ):
                problems.add(
                    "solutions", "Marketplace intent is 'Yes': keep a marketplace-incentivised one."
                )
            problems.raise_if_any("The solutions")
            before = [(s.solution_id, s.price, s.quantity, s.currency) for s in ref.solutions]
            after = [(p.solution.id, p.price, p.quantity, p.currency) for p in picks]
            if before == after:
                return Outcome(self._row(session, ref), "Nothing changed.")
            ref.solutions.clear()
            session.flush()
            ref.solutions.extend(solution_rows(picks))
            change = (",".join(b[0] for b in before), ",".join(a[0] for a in after))
            return self._finish_edit(
                session, ref, {"solutions": change}, "solutions_edited", "Edited solutions"
            )

    # --- stages and closing (T7-T10) ------------------------------------------------------------

    def mark_stage(self, deal: int, version: int, pct: int) -> Outcome:
        """T7: only the stages the transitions rule set offers now (D5, D6)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            decision = self._require(session, ref, Action.MARK_STAGE)
            problems = Problems()
            value = problems.integer("pct", pct, minimum=0)
            problems.raise_if_any("The stage")
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
            assert value is not None
            sa = ref.deal_type is DealType.SOLUTION_ASSESSMENT
            changes = self._assign(ref, stage_pct=value)
            return self._finish_edit(
                session, ref, changes, "stage", f"Marked '{stage_name(value, sa, ref.direction)}'"
            )

    def won_warnings(self, deal: int) -> tuple[str, ...]:
        """What the user should read before confirming Won: the rules' advisories (the 72-hour
        gap of D7 for a registrable deal) and the ISV Connect note."""
        with self._read() as session:
            ref = self._load(session, deal)
            decision = self._require(session, ref, Action.WON)
            return self._won_notes(session, ref, decision.warnings.get(Action.WON))

    def _won_notes(self, session: Session, ref: Referral, advisory: str | None) -> tuple[str, ...]:
        notes = [advisory] if advisory else []
        biz_apps = any(
            line.solution.biz_apps_premium or line.solution.biz_apps_standard
            for line in ref.solutions
        )
        if biz_apps:
            usd = self._usd(session, ref.value, ref.currency, self._now().date())
            if usd is None or usd > 5000:
                notes.append(
                    "Registration for Business Applications ISV Connect is required on this sale."
                )
        return tuple(notes)

    def won(self, deal: int, version: int) -> Outcome:
        """T8: closes the deal as Won (D7: the 72-hour advisory is a warning, not a block) and
        records whether it can be registered (the eligibility checklist, D8)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            decision = self._require(session, ref, Action.WON)
            warnings = self._won_notes(session, ref, decision.warnings.get(Action.WON))
            self._close(session, ref, Substatus.WON, None, None, "won")
            ref.stage_pct = WON_PCT
            message = f"Deal {ref.id} is won."
            if ref.deal_type is not DealType.SOLUTION_ASSESSMENT:
                session.flush()
                checklist = self._checklist(session, ref)
                ref.registration_eligible = (
                    True if checklist.eligible else None if checklist.undecidable else False
                )
                if checklist.eligible:
                    message += " It is eligible for Azure IP co-sell registration: register it now."
            else:
                ref.registration_eligible = False
            session.flush()
            row = self._row(session, ref)
        return Outcome(row, message, warnings)

    def lost(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        """T9: a coded reason is required."""
        return self._close_with(
            deal, version, Action.LOST, Substatus.LOST, reason, notes, CloseReason
        )

    def close_as_error(
        self, deal: int, version: int, reason: ErrorReason, notes: str = ""
    ) -> Outcome:
        """T10/D4: one of the nine error reasons, from any open state; 'explain in notes'
        reasons need notes."""
        return self._close_with(
            deal, version, Action.CLOSE_AS_ERROR, Substatus.ERROR, reason, notes, ErrorReason
        )

    def _close_with(
        self,
        deal: int,
        version: int,
        action: Action,
        substatus: Substatus,
        reason: object,
        notes: str,
        enum: type,
    ) -> Outcome:
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, action)
            problems = Problems()
            code = problems.choice("reason", reason, enum)
            text = problems.notes("notes", notes, required=self.rules.needs_notes(action, code))
            problems.raise_if_any("The reason")
            assert code is not None
            self._close(session, ref, substatus, code.value, text, action.value)
            session.flush()
            row = self._row(session, ref)
        return Outcome(row, f"Deal {row.id} closed as {substatus.label} ({code.label}).")

    def _close(
        self,
        session: Session,
        ref: Referral,
        substatus: Substatus,
        code: str | None,
        notes: str | None,
        action: str,
    ) -> None:
        now = self._now()
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
            session,
            ref.id,
            now,
            self.user.id,
            action,
            f"{substatus.label}.{why}",
            {"substatus": (old, substatus)},
        )

    # --- upgrades (T11-T13, D13) ----------------------------------------------------------------

    def _upgrade_type(self, session: Session, ref: Referral) -> DealType:
        """Ask the deal-type rules about the deal as it now stands; never downgrade (D13)."""
        org = session.get(Organization, ref.org_id)
        invited = session.scalars(
            select(Invitation.to_org_id).where(Invitation.from_referral_id == ref.id)
        ).all()
        ms_org = self._shared.microsoft_org_id(session)
        decision = self.rules.deal_type(
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
        return self.rules.upgraded_type(ref.deal_type, decision.deal_type)

    def share_with_microsoft(self, deal: int, version: int) -> Outcome:
        """T11: private -> partner-led; irreversible (D13)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.SHARE_WITH_MICROSOFT)
            ref.visible_to_microsoft = True
            changes = self._assign(ref, deal_type=self._upgrade_type(session, ref))
            changes["visible_to_microsoft"] = (False, True)
            return self._finish_edit(
                session, ref, changes, "shared", "Shared with Microsoft sellers"
            )

    def request_help(
        self,
        deal: int,
        version: int,
        help_type: HelpType,
        notes: str,
        contact: PersonInput | None = None,
    ) -> Outcome:
        """T12: -> co-sell; a customer contact is required (an existing one, or given here with
        the customer's consent). Microsoft gets 14 days to answer (D9)."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.REQUEST_HELP)
            problems = Problems()
            kind = problems.choice("help_type", help_type, HelpType)
            if kind is HelpType.NONE:
                problems.add("help_type", "Say what help you need from Microsoft.")
            text = problems.notes("notes", notes)
            person = None
            if contact is not None:
                person = problems.person(
                    "contact", contact, ref.country, phone_required=False, email_required=True
                )
            elif not ref.contacts:
                problems.add("contact", "A customer contact is required to ask Microsoft for help.")
            problems.raise_if_any("The request")
            assert isinstance(kind, HelpType) and text is not None
            return self._co_sell(session, ref, kind, text, person)

    def _co_sell(
        self, session: Session, ref: Referral, kind: HelpType, text: str, person: object
    ) -> Outcome:
        old_type = ref.deal_type
        if person is not None:
            ref.contacts.extend(contact_rows([person]))  # type: ignore[list-item]
            ref.consent_share_contact = ref.consent_to_contact = True
        ref.help_type = kind
        ref.visible_to_microsoft = True
        ref.deal_type = self._upgrade_type(session, ref)
        self._ask_microsoft(session, ref, kind, text)
        ref.updated_at = self._now()
        session.flush()
        row = self._row(session, ref)
        message = f"Asked Microsoft for help on deal {row.id}"
        if old_type is not ref.deal_type:
            message += f"; it is now {ref.deal_type.label}"
        return Outcome(row, message + ".")

    def invite(self, deal: int, version: int, invitation: InvitationDraft) -> Outcome:
        """T13: invite a partner (its admins get an inbound referral) or Microsoft (the same as
        asking for help) while the deal is open."""
        with self._write() as session:
            ref = self._load(session, deal, version)
            self._require(session, ref, Action.INVITE)
            team = [Person(m.first_name, m.last_name, m.phone or None, m.email) for m in ref.team]
            problems = Problems()
            pick = parse_invitation(
                session, problems, "invitation", invitation, self.user, team, ref.country
            )
            problems.raise_if_any("The invitation")
            assert pick is not None
            if pick.microsoft:
                if ref.microsoft_status.value in ("Pending", "Accepted", "Won"):
                    raise RuleRefusal("Microsoft is already engaged on this deal.")
                if not ref.contacts:
                    raise RuleRefusal("A customer contact is required to invite Microsoft.")
                return self._co_sell(session, ref, pick.help_type, pick.notes or ref.notes, None)
            self._invite_partner(session, ref, pick)
            ref.deal_type = self._upgrade_type(session, ref)
            ref.updated_at = self._now()
            session.flush()
            row = self._row(session, ref)
        return Outcome(row, f"Invited {pick.org.name} to deal {row.id}.")

    # --- favourites (per user; not a change of the deal) ----------------------------------------

    def set_favorite(self, deal: int, on: bool) -> bool:
        """Star or unstar a visible deal (any state: favourites are the user's, not the deal's)."""
        with self._write() as session:
            ref = self._load(session, deal)
            current = self._favorite(session, ref.id)
            if on and not current:
                session.add(
                    Favorite(user_id=self.user.id, referral_id=ref.id, created_at=self._now())
                )
            elif not on and current:
                session.execute(
                    delete(Favorite).where(
                        Favorite.user_id == self.user.id, Favorite.referral_id == ref.id
                    )
                )
            return bool(on)

    def toggle_favorite(self, deal: int) -> bool:
        with self._read() as session:
            ref = self._load(session, deal)
            current = self._favorite(session, ref.id)
        return self.set_favorite(ref.id, not current)

    # --- bulk: each deal in its own transaction -------------------------------------------------

    def _bulk(self, deals: Sequence[int], one: Callable[[int], DealRow]) -> BulkResult:
        done: list[DealRow] = []
        refused: list[tuple[int, str, str]] = []
        for deal in deals:
            try:
                done.append(one(deal))
            except CosellError as exc:
                name = ""
                with contextlib.suppress(CosellError):
                    name = self.row(deal).name
                refused.append((int(deal), name, exc.message))
        return BulkResult(tuple(done), tuple(refused))

    def bulk_accept(self, deals: Sequence[int]) -> BulkResult:
        """Accept each referral with its own values (notes: the referral's, else the sender's)."""

        def one(deal: int) -> DealRow:
            row = self.row(deal)
            detail = self.deal(deal)
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

        return self._bulk(deals, one)

    def bulk_decline(
        self, deals: Sequence[int], reason: CloseReason, notes: str = ""
    ) -> BulkResult:
        def one(deal: int) -> DealRow:
            row = self.row(deal)
            return self.decline(row.id, row.version, reason, notes).deal

        return self._bulk(deals, one)

    def bulk_favorite(self, deals: Sequence[int], on: bool = True) -> BulkResult:
        def one(deal: int) -> DealRow:
            self.set_favorite(deal, on)
            return self.row(deal)

        return self._bulk(deals, one)
