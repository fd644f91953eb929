"""Azure IP co-sell registration of a won deal (domain.md §2.5, §4.4; D3, D8).

The form is validated here (dates against the Clock, money in USD at the month's rate), and the
status follows the auto-approval exclusions; a Microsoft seller moves the review sub-lifecycle.
A missing exchange rate is a clear refusal, never a silent pass (D8).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cosell_tui.domain import (
    REGISTRATION_FIELDS,
    Action,
    ExceptionStatus,
    Label,
    PricingModel,
    RegistrationStatus,
    Role,
)
from cosell_tui.domain.facts import KeptAnswers
from cosell_tui.domain.format import yes_no
from cosell_tui.domain.views import Outcome, ReviewItem
from cosell_tui.service.context import Context
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import RegistrationForm
from cosell_tui.service.outbox import notify, record, team_recipients, users_as_recipients
from cosell_tui.service.parse import inputs, parse, refuse
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store.models import Organization, Referral, User
from cosell_tui.store.models import Registration as RegistrationRecord

#: domain.md §4.4 and §2.5 (D8): ACV must be above this; above the review line goes to review.
MIN_ACV_USD = Decimal(25_000)
REVIEW_ACV_USD = Decimal(1_000_000)
PERPETUAL_YEARS = Decimal(6)

S = RegistrationStatus
#: The review sub-lifecycle (§2.5): from -> states a Microsoft reviewer may move it to.
REVIEW_MOVES: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    S.APPROVED: frozenset({S.REVIEW_PENDING, S.CLOSED}),
    S.REVIEW_PENDING: frozenset({S.PASSED, S.FAILED, S.ACTION_REQUIRED}),
    S.ACTION_REQUIRED: frozenset({S.REVIEW_PENDING}),
    S.PASSED: frozenset({S.CLOSED}),
    S.FAILED: frozenset({S.CLOSED}),
    S.MARKETPLACE_PENDING: frozenset(
        {S.MARKETPLACE_PASSED, S.MARKETPLACE_FAILED, S.ACTION_REQUIRED, S.CLOSED}
    ),
    S.MARKETPLACE_PASSED: frozenset({S.CLOSED}),
    S.MARKETPLACE_FAILED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
#: `cosell registration review N DECISION`: decision -> (state under review -> new state).
REVIEW_DECISIONS: dict[str, dict[RegistrationStatus, RegistrationStatus]] = {
    "approve": {S.REVIEW_PENDING: S.PASSED, S.MARKETPLACE_PENDING: S.MARKETPLACE_PASSED},
    "send-back": {S.REVIEW_PENDING: S.ACTION_REQUIRED, S.MARKETPLACE_PENDING: S.ACTION_REQUIRED},
    "reject": {S.REVIEW_PENDING: S.FAILED, S.MARKETPLACE_PENDING: S.MARKETPLACE_FAILED},
}
E = ExceptionStatus
#: `cosell registration exception N DECISION`: a pending exception request's next state.
EXCEPTION_DECISIONS: dict[str, ExceptionStatus] = {
    "approve": E.APPROVED,
    "send-back": E.ACTION_REQUIRED,
    "reject": E.REJECTED,
}

#: Which timestamp of the registration row each state stamps (its status history).
STAMP = {
    S.REVIEW_PENDING: "review_pending_at",
    S.ACTION_REQUIRED: "action_required_at",
    S.APPROVED: "approved_at",
    S.PASSED: "passed_at",
    S.MARKETPLACE_PASSED: "passed_at",
    S.FAILED: "failed_at",
    S.MARKETPLACE_FAILED: "failed_at",
    S.CLOSED: "closed_at",
}


class Registration:
    """register, review (approve, send back, reject), awaiting_review and review_registration."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def register(self, deal: int, version: int, form: RegistrationForm) -> Outcome:
        """T14: validate the §4.4 form and file the registration: auto-approved unless ACV is
        above USD 1M, the deal is P2P or pay-as-you-go (-> review); marketplace deals go to
        marketplace validation. After 'Action required' the partner files it again."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            existing = uow.session.scalar(
                select(RegistrationRecord).where(RegistrationRecord.referral_id == ref.id)
            )
            if existing is not None and existing.status is not S.ACTION_REQUIRED:
                raise RuleRefusal(f"This deal is already registered ({existing.status.label}).")
            # Sent back with comments (§2.5), the team files it again: transitions.yaml allows
            # `register` then too, for the same people.
            uow.require(ref, Action.REGISTER)
            approved = existing is not None and existing.exception_status is E.APPROVED
            values, acv = _check_form(uow, ref, form, existing if approved else None)
            now = uow.now()
            if values["is_marketplace"]:
                status = S.MARKETPLACE_PENDING
            elif existing is not None:
                # Sent back: Microsoft reviews the corrected filing; it is never auto-approved.
                status = S.REVIEW_PENDING
            elif acv > REVIEW_ACV_USD or ref.p2p or values["pricing_model"] is PricingModel.PAYG:
                status = S.REVIEW_PENDING
            else:
                status = S.APPROVED
            reg = existing or RegistrationRecord(referral_id=ref.id, registered_at=now)
            for attr, value in values.items():
                setattr(reg, attr, value)
            reg.status = status
            reg.status_reason = None
            stamp = STAMP.get(status)
            if stamp:
                setattr(reg, stamp, now)
            if existing is None:
                uow.session.add(reg)
            old = ref.registration_status
            ref.registration_status = status
            ref.updated_at = now
            record(
                uow.session,
                ref.id,
                now,
                self._ctx.user.id,
                "registered",
                f"Registered for Azure IP co-sell: {status.label} (ACV USD {acv:,.0f}).",
                {"registration_status": (old, status)},
            )
            _tell_team(uow, ref, status, None)
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Registration filed for deal {row.id}: {status.label}.")

    def kept_answers(self) -> KeptAnswers:
        """The answers a registration filed again after an approved exception keeps as
        Microsoft rejected them, and why (transitions.yaml, D19): the form shows them
        read-only; `register` refuses a change."""
        return self._ctx.rules.kept_after_exception()

    def review(self, deal: int, decision: str, message: str = "") -> Outcome:
        """A Microsoft reviewer decides on a registration under review: `approve` (Review or
        Marketplace validation: Passed), `send-back` (Action required: the team corrects and
        files it again, and it comes back to Review) or `reject` (Failed). Send-back and reject
        need a message, which the team reads."""
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Registrations are reviewed by Microsoft.")
        with self._ctx.read() as uow:
            current = uow.session.scalar(
                select(RegistrationRecord.status).where(RegistrationRecord.referral_id == deal)
            )
        if current is None:
            raise NotFoundError(f"Deal {deal} has no registration.")
        target = REVIEW_DECISIONS[_decision(decision)].get(current)
        if target is None:
            raise RuleRefusal(
                f"Only a registration under review can be decided; this one is '{current.label}'."
            )
        return self.review_registration(deal, target, message)

    def awaiting_review(self, limit: int = 500) -> tuple[ReviewItem, ...]:
        """The registrations waiting for a Microsoft reviewer, oldest filing first."""
        return self._queue(
            RegistrationRecord.status.in_(tuple(REVIEW_DECISIONS["approve"])),
            (RegistrationRecord.registered_at, RegistrationRecord.id),
            limit,
        )

    def awaiting_exceptions(self, limit: int = 500) -> tuple[ReviewItem, ...]:
        """The exception requests waiting for a Microsoft reviewer, oldest request first."""
        return self._queue(
            RegistrationRecord.exception_status == E.PENDING,
            (RegistrationRecord.exception_requested_at, RegistrationRecord.id),
            limit,
        )

    def _queue(self, where: Any, order: tuple[Any, ...], limit: int) -> tuple[ReviewItem, ...]:
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Registrations are reviewed by Microsoft.")
        with self._ctx.read() as uow:
            found = uow.session.execute(
                select(RegistrationRecord, Referral, Organization.name)
                .join(Referral, Referral.id == RegistrationRecord.referral_id)
                .join(Organization, Organization.id == Referral.org_id)
                .where(where)
                .order_by(*order)
                .limit(limit)
            ).all()
            return tuple(
                ReviewItem(
                    deal_id=ref.id,
                    name=ref.name,
                    customer_name=ref.customer_name,
                    partner=org,
                    status=reg.status,
                    filed_at=(
                        reg.exception_requested_at
                        if reg.exception_status is E.PENDING
                        else reg.review_pending_at
                    )
                    or reg.registered_at,
                    value=reg.contract_value,
                    currency=reg.contract_currency,
                    message=reg.exception_message or "",
                )
                for reg, ref, org in found
            )

    def request_exception(self, deal: int, version: int, message: str) -> Outcome:
        """Ask Microsoft for an exception to a rejected registration (§2.5): one request per
        referral, at most 5,000 characters, within 60 days of the first registration (the
        transitions rules decide). A request sent back is corrected and sent again."""
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            uow.require(ref, Action.REQUEST_EXCEPTION)
            text = parse(inputs.ExceptionRequest, {"message": message}, "The request").message
            reg = uow.session.scalar(
                select(RegistrationRecord).where(RegistrationRecord.referral_id == ref.id)
            )
            assert reg is not None  # the rules allow it only on a rejected registration
            now = uow.now()
            old = reg.exception_status
            reg.exception_status = E.PENDING
            reg.exception_message = text
            reg.exception_requested_at = now
            reg.exception_decided_at = None
            reg.exception_reason = None
            ref.updated_at = now
            again = " again" if old is E.ACTION_REQUIRED else ""
            record(
                uow.session,
                ref.id,
                now,
                self._ctx.user.id,
                "exception_requested",
                f"Exception requested{again}: {text}",
                {"exception_status": (old, E.PENDING)},
            )
            reviewers = uow.session.scalars(
                select(User)
                .where(User.org_id == uow.microsoft_org_id(), User.role == Role.MICROSOFT_SELLER)
                .order_by(User.id)
            )
            notify(
                uow.session,
                now,
                "exception",
                ref.id,
                users_as_recipients(reviewers),
                f"Exception requested: {ref.name}",
                f"The partner asks for an exception to the rejected registration of "
                f"'{ref.name}': {text}\nDecide with `cosell registration exception {ref.id}`.",
            )
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Exception requested for deal {row.id}; Microsoft reviews it.")

    def review_exception(self, deal: int, decision: str, message: str = "") -> Outcome:
        """A Microsoft reviewer decides on a pending exception request: `approve` (the team may
        file the registration again: Action required), `send-back` (the team corrects the
        request and sends it again) or `reject` (final). Send-back and reject need a message."""
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Exception requests are reviewed by Microsoft.")
        target = EXCEPTION_DECISIONS[_decision(decision)]
        with self._ctx.write() as uow:
            reg, ref = _registration(uow, deal)
            if reg.exception_status is None:
                raise NotFoundError(f"Deal {deal} has no exception request.")
            if reg.exception_status is not E.PENDING:
                raise RuleRefusal(
                    "Only a pending exception request can be decided; this one is "
                    f"'{reg.exception_status.label}'."
                )
            review = parse(
                inputs.ExceptionReview, {"status": target, "reason": message}, "The review"
            )
            text = review.reason or ""
            now = uow.now()
            changes: dict[str, tuple[object, object]] = {
                "exception_status": (reg.exception_status, target)
            }
            reg.exception_status = target
            reg.exception_reason = review.reason
            reg.exception_decided_at = now
            if target is E.APPROVED:
                # The team files the registration again (register() takes it from here).
                changes["registration_status"] = (reg.status, S.ACTION_REQUIRED)
                reg.status = ref.registration_status = S.ACTION_REQUIRED
                reg.status_reason = "Exception approved: file the registration again."
                reg.action_required_at = now
            self._decided(uow, ref, "exception_review", target.label, text, changes)
            next_step = {
                E.APPROVED: " File the registration again.",
                E.ACTION_REQUIRED: " Correct the request and send it again.",
                E.REJECTED: " The decision is final.",
            }[target]
            notify(
                uow.session,
                now,
                "registration",
                ref.id,
                team_recipients(uow.session, ref),
                f"{target.label}: {ref.name}",
                f"Microsoft decided on the exception request for '{ref.name}': {target.label}."
                + (f" Reason: {text}" if text else "")
                + next_step,
            )
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Exception request of deal {row.id} is now {target.label}.")

    def _decided(
        self,
        uow: UnitOfWork,
        ref: Referral,
        action: str,
        decision: str,
        text: str | None,
        changes: dict[str, tuple[object, object]],
    ) -> None:
        """A reviewer's decision on the deal: it is touched and the decision (and the
        reviewer's message) goes into its history."""
        ref.updated_at = uow.now()
        record(
            uow.session,
            ref.id,
            uow.now(),
            self._ctx.user.id,
            action,
            f"{decision}." + (f" {text}" if text else ""),
            changes,
        )

    def review_registration(
        self, deal: int, status: RegistrationStatus, reason: str = ""
    ) -> Outcome:
        """A Microsoft reviewer moves a registration along §2.5 (failed and action-required
        need a reason); each state is time-stamped and the team is told."""
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Registrations are reviewed by Microsoft.")
        with self._ctx.write() as uow:
            reg, ref = _registration(uow, deal)
            review = parse(inputs.Review, {"status": status, "reason": reason}, "The review")
            target, text = review.status, review.reason
            if target not in REVIEW_MOVES[reg.status]:
                allowed = ", ".join(s.label for s in REVIEW_MOVES[reg.status]) or "none"
                raise RuleRefusal(
                    f"A registration in '{reg.status.label}' cannot move to '{target.label}' "
                    f"(possible: {allowed})."
                )
            now = uow.now()
            old = reg.status
            reg.status = target
            reg.status_reason = text
            stamp = STAMP.get(target)
            if stamp:
                setattr(reg, stamp, now)
            ref.registration_status = target
            self._decided(
                uow,
                ref,
                "registration_review",
                f"Registration {target.label}",
                text,
                {"registration_status": (old, target)},
            )
            _tell_team(uow, ref, target, text)
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Registration of deal {row.id} is now {target.label}.")


def _decision(decision: str) -> str:
    """`approve`, `send-back` or `reject`, however it was spelled; else a ValidationError."""
    words = decision.strip().lower().replace("_", "-").replace(" ", "-")
    if words not in EXCEPTION_DECISIONS:
        raise ValidationError(
            f"'{decision}' is not a review decision: use approve, send-back or reject.",
            {"decision": "unknown"},
        )
    return words


def _registration(uow: UnitOfWork, deal: int) -> tuple[RegistrationRecord, Referral]:
    """The deal's registration and the deal, for a Microsoft reviewer; NotFound without one."""
    reg = uow.session.scalar(
        select(RegistrationRecord).where(RegistrationRecord.referral_id == deal)
    )
    ref = uow.session.get(Referral, deal) if reg is not None else None
    if reg is None or ref is None:
        raise NotFoundError(f"Deal {deal} has no registration.")
    return reg, ref


def _check_form(
    uow: UnitOfWork, ref: Referral, form: RegistrationForm, excepted: RegistrationRecord | None
) -> tuple[dict[str, object], Decimal]:
    """The §4.4 form parsed (dates against the Clock, the deal and the rule files' date
    windows, relaxed after an approved exception), then its money in USD at the won month's
    rate and, filed again after an approved exception (`excepted`, the rejected filing), the
    answers it keeps; returns the registration's values and the ACV in USD."""
    earliest = ref.created_at.date()
    if ref.microsoft_requested_at is not None:
        earliest = max(earliest, ref.microsoft_requested_at.date())
    azure_ip = {line.solution_id for line in ref.solutions if line.solution.azure_ip_co_sell}
    answers = parse(
        inputs.Registration,
        form,
        "The registration form",
        today=uow.now().date(),
        earliest=earliest,
        azure_ip=azure_ip,
        windows=uow.rules.date_windows(excepted is not None),
    )
    won_day = (ref.closed_at or uow.now()).date()
    tcv_usd = uow.usd(answers.contract_value, answers.contract_currency, won_day)
    sol_usd = uow.usd(answers.solution_value, answers.solution_currency, won_day)
    for code, usd in ((answers.contract_currency, tcv_usd), (answers.solution_currency, sol_usd)):
        if usd is None:
            raise RuleRefusal(
                f"No exchange rate for {code} in {won_day:%Y-%m}: the USD thresholds cannot "
                "be checked. Add the month's rate, then register."
            )
    assert tcv_usd is not None and sol_usd is not None
    years = PERPETUAL_YEARS  # a finite contract's end date is known: its term, at least a year
    if answers.end_date is not None:
        years = max(Decimal(1), Decimal((answers.end_date - answers.start_date).days) / 365)
    acv = tcv_usd / years
    problems: dict[str, str] = {}
    if acv <= MIN_ACV_USD:
        spread = " (a perpetual contract is spread over 6 years)" if years == 6 else ""
        problems["contract_value"] = (
            f"The annual contract value is USD {acv:,.2f}{spread}; it must be above "
            f"USD {MIN_ACV_USD:,.0f}."
        )
    if sol_usd > tcv_usd:
        problems["solution_value"] = "The solution value cannot exceed the contract value."
    values = answers.model_dump()
    if excepted is not None:
        problems.update(_changed_kept(uow, excepted, values))
    refuse("The registration form", problems)
    return values, acv


def _changed_kept(
    uow: UnitOfWork, reg: RegistrationRecord, values: dict[str, object]
) -> dict[str, str]:
    """The answers the rule files keep after an approved exception (D19) that the form filed
    again changes: {field: which answer stays, as Microsoft rejected it, and why}."""
    kept = uow.rules.kept_after_exception()
    return {
        name: f"{REGISTRATION_FIELDS[name]} stays '{_shown(getattr(reg, name))}' as Microsoft "
        f"rejected it. {kept.why}"
        for name in kept.fields
        if values.get(name) != getattr(reg, name)
    }


def _shown(value: object) -> str:
    """A registration answer as the form shows it."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Label):
        return value.label
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return "(none)" if value is None else str(value)


def _tell_team(
    uow: UnitOfWork, ref: Referral, status: RegistrationStatus, reason: str | None
) -> None:
    """D11: registration state changes go to the deal team."""
    notify(
        uow.session,
        uow.now(),
        "registration",
        ref.id,
        team_recipients(uow.session, ref),
        f"Registration {status.label}: {ref.name}",
        f"The Azure IP co-sell registration of '{ref.name}' is now {status.label}."
        + (f" Reason: {reason}" if reason else ""),
    )
