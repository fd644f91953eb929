"""Microsoft's side of co-sell (D9, D12) and the time-based sweep (domain.md §2.6).

A Microsoft seller answers a co-sell request on Microsoft's own referral in the engagement;
the requesting partner's Microsoft card follows. The sweep is the only thing that acts on time:
it reads the injected Clock, so running it twice at one instant does nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.orm import selectinload

from cosell_tui.domain import (
    EXPIRY_REMINDER_BEFORE,
    TERMINAL_SUBSTATUSES,
    Action,
    CloseReason,
    MicrosoftStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.domain.views import Outcome
from cosell_tui.service.context import Context
from cosell_tui.service.creation import msx_id, user_as_member
from cosell_tui.service.errors import CONFLICT, ConflictError, NotFoundError, RuleRefusal
from cosell_tui.service.forms import SweepReport
from cosell_tui.service.outbox import (
    location_admins,
    notify,
    record,
    tell_sender,
    users_as_recipients,
)
from cosell_tui.service.parse import inputs, parse
from cosell_tui.service.scope import visible_clause
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store.models import Invitation, Referral, User

SWEEP_BATCH = 500


class Microsoft:
    """microsoft_answer and sweep."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def microsoft_answer(
        self, deal: int | str, accept: bool, reason: str = "", version: int | None = None
    ) -> Outcome:
        """A Microsoft seller accepts (becomes the seller on the partner's card, MSX id set) or
        declines (reason required) a co-sell request within its 14-day window; the requester is
        told (D11). The transitions rules decide: the window, and the partner's deal not lost
        or closed as error (a won deal may still be accepted, and then becomes registrable)."""
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Only a Microsoft seller answers a co-sell request.")
        with self._ctx.write() as uow:
            request = _microsoft_request(uow, deal)
            if version is not None and request.version != version:
                raise ConflictError(CONFLICT)
            uow.require(request, Action.ACCEPT if accept else Action.DECLINE)
            requester = uow.sender_referral(request)
            text = parse(inputs.Answer, {"reason": reason}, "The answer", accept=accept).reason
            now = uow.now()
            me = uow.session.get(User, self._ctx.user.id)
            assert me is not None
            if accept:
                request.status, request.substatus = Status.ACTIVE, Substatus.ACCEPTED
                request.accepted_at = now
                request.expires_at = None
                if me.email.lower() not in {m.email for m in request.team}:
                    request.team.append(user_as_member(me))
                verb, status = "accepted", MicrosoftStatus.ACCEPTED
            else:
                request.status, request.substatus = Status.CLOSED, Substatus.DECLINED
                request.closed_at = now
                request.status_reason_notes = text
                verb, status = "declined", MicrosoftStatus.DECLINED
            request.microsoft_status = status
            request.updated_at = now
            record(uow.session, request.id, now, me.id, f"microsoft_{verb}", f"Microsoft {verb}.")
            if requester is not None:
                requester.microsoft_status = status
                requester.updated_at = now
                if accept:
                    requester.microsoft_seller_id = me.id
                    requester.microsoft_msx_id = msx_id()
                    request.microsoft_msx_id = requester.microsoft_msx_id
                else:
                    requester.microsoft_decline_reason = text
                if requester.substatus is Substatus.WON:
                    # Won before Microsoft answered: Microsoft's answer decides registration.
                    uow.session.flush()
                    checklist = uow.checklist(requester)
                    requester.registration_eligible = (
                        True if checklist.eligible else None if checklist.undecidable else False
                    )
                record(
                    uow.session,
                    requester.id,
                    now,
                    me.id,
                    f"microsoft_{verb}",
                    f"Microsoft {verb} the co-sell request"
                    + (f" ({me.display_name})." if accept else f": {text}."),
                )
                _notify_requester(uow, request, requester, verb, text or "")
            uow.session.flush()
            row = uow.row(request)
        return Outcome(row, f"Microsoft {verb} the co-sell request on deal {row.id}.")

    def accept(self, deal: int | str, version: int | None = None) -> Outcome:
        """A Microsoft seller accepts a co-sell request (Inbound, `deal accept`)."""
        return self.microsoft_answer(deal, True, version=version)

    def decline(
        self, deal: int | str, version: int | None, reason: CloseReason, notes: str = ""
    ) -> Outcome:
        """A Microsoft seller declines with a coded reason (and notes), as a partner declines
        a referral; the partner reads both on its Microsoft card."""
        text = f"{reason.label}: {notes.strip()}" if notes.strip() else reason.label
        return self.microsoft_answer(deal, False, text, version)

    # --- the sweep ------------------------------------------------------------------------------

    def sweep(self) -> SweepReport:
        """Expire unanswered inbound referrals (14 days), let Microsoft's unanswered requests
        lapse (D9: only Microsoft's side), and send each 48-hour reminder once. Idempotent;
        every referral is handled in its own transaction, so one conflict skips only that one
        (the next sweep picks it up).

        Only the deals in the caller's scope (D10, as every other command): an entire-company
        admin sweeps their organisation, a location-scoped one their locations; nobody
        expires another organisation's referrals, whatever `--now` says."""
        now = self._ctx.clock.now()
        expired: list[int] = []
        lapsed: list[int] = []
        reminded: list[int] = []
        with self._ctx.read() as uow:
            ms_org = uow.microsoft_org_id()
            in_scope = _sweep_scope(uow, ms_org)
            due = uow.session.execute(
                select(Referral.id, Referral.org_id)
                .where(in_scope, Referral.status == Status.NEW, Referral.expires_at <= now)
                .order_by(Referral.expires_at, Referral.id)
            ).all()
            soon = uow.session.scalars(
                select(Referral.id)
                .where(
                    in_scope,
                    Referral.status == Status.NEW,
                    Referral.expires_at > now,
                    Referral.expires_at <= now + EXPIRY_REMINDER_BEFORE,
                    Referral.reminder_sent_at.is_(None),
                )
                .order_by(Referral.expires_at, Referral.id)
            ).all()
        for pk, org_id in due:
            try:
                if org_id == ms_org:
                    requester = _lapse(self._ctx, pk, now)
                    if requester is not None:
                        lapsed.append(requester)
                elif _expire(self._ctx, pk, now):
                    expired.append(pk)
            except ConflictError:
                continue
        for pk in soon:
            try:
                if _remind(self._ctx, pk, now):
                    reminded.append(pk)
            except ConflictError:
                continue
        return SweepReport(tuple(expired), tuple(reminded), tuple(lapsed))


def _sweep_scope(uow: UnitOfWork, ms_org: int | None) -> ColumnElement[bool]:
    """What a sweep may touch: the caller's deals (D10), and Microsoft's side of the co-sell
    requests their deals made (D9 lapses it for the requesting partner)."""
    mine = visible_clause(uow.user)
    if ms_org is None or uow.user.org_id == ms_org:
        return mine
    requested_by_mine = select(Invitation.to_referral_id).where(
        # Its own FROM referral: not the outer query's row (which is Microsoft's request).
        Invitation.from_referral_id.in_(select(Referral.id).where(mine).correlate(None))
    )
    return or_(mine, and_(Referral.org_id == ms_org, Referral.id.in_(requested_by_mine)))


def _microsoft_request(uow: UnitOfWork, deal: int | str) -> Referral:
    """Microsoft's pending referral for `deal` (Microsoft's own, or the requesting partner's
    deal id); only Microsoft sellers get here."""
    ms_org = uow.microsoft_org_id()
    own = uow.session.scalars(uow.visible_query(deal).options(selectinload(Referral.team))).first()
    if own is not None and own.org_id == ms_org:
        return own
    try:
        pk = int(deal)
    except (TypeError, ValueError):
        raise NotFoundError(f"Deal {deal} not found.") from None
    partner = uow.session.get(Referral, pk)
    request = None
    if partner is not None:
        # Microsoft's newest referral in the engagement that the partner's org asked for.
        request = uow.session.scalar(
            select(Referral)
            .where(
                Referral.engagement_id == partner.engagement_id,
                Referral.org_id == ms_org,
                Referral.invited_by_org_id == partner.org_id,
            )
            .order_by(Referral.id.desc())
            .limit(1)
        )
    if request is None:
        raise NotFoundError(f"No co-sell request to Microsoft for deal {deal}.")
    return request


def _notify_requester(
    uow: UnitOfWork, request: Referral, requester: Referral, verb: str, extra: str
) -> None:
    sender = (
        uow.session.get(User, request.invited_by_user_id) if request.invited_by_user_id else None
    )
    recipients = (
        [(sender.id, sender.email)]
        if sender is not None
        else users_as_recipients(
            location_admins(uow.session, requester.org_id, requester.location_id)
        )
    )
    notify(
        uow.session,
        uow.now(),
        f"microsoft_{verb}",
        requester.id,
        recipients,
        f"Microsoft {verb} your co-sell request: {requester.name}",
        f"Microsoft {verb} the co-sell request on '{requester.name}'. {extra}".strip(),
    )


def _due(uow: UnitOfWork, pk: int, now: datetime) -> Referral | None:
    ref = uow.session.get(Referral, pk)
    if ref is None or ref.status is not Status.NEW or ref.expires_at is None:
        return None
    return ref if ref.expires_at <= now else None


def _expire(ctx: Context, pk: int, now: datetime) -> bool:
    """T5: Closed/Expired; the sender is told (D11)."""
    with ctx.write() as uow:
        ref = _due(uow, pk, now)
        if ref is None:
            return False
        ref.status, ref.substatus = Status.CLOSED, Substatus.EXPIRED
        ref.closed_at = ref.expires_at
        ref.updated_at = now
        record(
            uow.session,
            ref.id,
            now,
            None,
            "expired",
            "Expired: not answered within 14 days.",
            {"substatus": (Substatus.PENDING, Substatus.EXPIRED)},
        )
        tell_sender(uow, ref, "expired", "let expire", "", system=True)
        return True


def _lapse(ctx: Context, pk: int, now: datetime) -> int | None:
    """D9: Microsoft did not answer in 14 days: only Microsoft's side expires; the partner's
    deal stays open and can ask again. Returns the requesting deal's id."""
    with ctx.write() as uow:
        request = _due(uow, pk, now)
        if request is None:
            return None
        request.status, request.substatus = Status.CLOSED, Substatus.EXPIRED
        request.microsoft_status = MicrosoftStatus.EXPIRED
        request.closed_at = request.expires_at
        request.updated_at = now
        record(uow.session, request.id, now, None, "expired", "Lapsed: not answered in 14 days.")
        requester = uow.sender_referral(request)
        if requester is None:
            return request.id
        if (
            requester.substatus not in TERMINAL_SUBSTATUSES
            and requester.microsoft_status is MicrosoftStatus.PENDING
        ):
            requester.microsoft_status = MicrosoftStatus.EXPIRED
            requester.updated_at = now
            record(
                uow.session,
                requester.id,
                now,
                None,
                "microsoft_expired",
                "Microsoft did not answer within 14 days; you can ask again.",
                {"microsoft_status": (MicrosoftStatus.PENDING, MicrosoftStatus.EXPIRED)},
            )
            _notify_requester(uow, request, requester, "let expire", "")
        return requester.id


def _remind(ctx: Context, pk: int, now: datetime) -> bool:
    """The 48-hour reminder to the receiving location's admins, once per referral. A plain
    guarded UPDATE: bookkeeping, so it does not bump the deal's version under a user."""
    with ctx.write() as uow:
        done = uow.session.execute(
            update(Referral)
            .where(
                Referral.id == pk,
                Referral.status == Status.NEW,
                Referral.reminder_sent_at.is_(None),
            )
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(done, CursorResult)  # a DML statement's result; Result lacks rowcount
        if done.rowcount != 1:
            return False
        ref = uow.session.get(Referral, pk)
        assert ref is not None and ref.expires_at is not None
        notify(
            uow.session,
            now,
            "reminder",
            ref.id,
            users_as_recipients(location_admins(uow.session, ref.org_id, ref.location_id)),
            f"Referral expiring soon: {ref.name}",
            f"'{ref.name}' for {ref.customer_name} expires on "
            f"{ref.expires_at:%Y-%m-%d %H:%M} UTC unless you accept or decline it.",
        )
        record(uow.session, ref.id, now, None, "reminded", "Expiry reminder sent to the admins.")
        return True
