"""Azure IP co-sell registration of a won deal (domain.md §2.5, §4.4; D3, D8).

The form is validated here (dates against the Clock, money in USD at the month's rate), and the
status follows the auto-approval exclusions; a Microsoft seller moves the review sub-lifecycle.
A missing exchange rate is a clear refusal, never a silent pass (D8).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from cosell_tui.domain import (
    Action,
    ContractTerm,
    PricingModel,
    RegistrationStatus,
    Role,
    TenantType,
)
from cosell_tui.domain.views import Outcome
from cosell_tui.service.context import Context, UnitOfWork
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import RegistrationForm
from cosell_tui.service.outbox import notify, record, team_recipients
from cosell_tui.service.parse import Problems
from cosell_tui.store.models import Referral
from cosell_tui.store.models import Registration as RegistrationRecord

#: domain.md §4.4 and §2.5 (D8): ACV must be above this; above the review line goes to review.
MIN_ACV_USD = Decimal(25_000)
REVIEW_ACV_USD = Decimal(1_000_000)
PERPETUAL_YEARS = Decimal(6)
SIGN_WINDOW = timedelta(days=60)
START_WINDOW = timedelta(days=90)

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
NEEDS_REASON = frozenset({S.FAILED, S.ACTION_REQUIRED, S.MARKETPLACE_FAILED})
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
    """register and review_registration."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def register(self, deal: int, version: int, form: RegistrationForm) -> Outcome:
        """T14: validate the §4.4 form and file the registration: auto-approved unless ACV is
        above USD 1M, the deal is P2P or pay-as-you-go (-> review); marketplace deals go to
        marketplace validation. After 'Action required' the partner files it again."""
        if not isinstance(form, RegistrationForm):
            raise ValidationError("A registration form is expected.", {"form": "Missing."})
        with self._ctx.write() as uow:
            ref = uow.load(deal, version)
            existing = uow.session.scalar(
                select(RegistrationRecord).where(RegistrationRecord.referral_id == ref.id)
            )
            if existing is not None and existing.status is not S.ACTION_REQUIRED:
                raise RuleRefusal(f"This deal is already registered ({existing.status.label}).")
            if existing is None:
                uow.require(ref, Action.REGISTER)
            else:
                # Sent back with comments (§2.5): the team files it again. Visibility already
                # limits users to deals on whose team they are (D3, D10).
                uow.require_partner_user("Filing a registration")
            values, acv = _check_form(uow, ref, form)
            now = uow.now()
            if values["is_marketplace"]:
                status = S.MARKETPLACE_PENDING
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

    def review_registration(
        self, deal: int, status: RegistrationStatus, reason: str = ""
    ) -> Outcome:
        """A Microsoft reviewer moves a registration along §2.5 (failed and action-required
        need a reason); each state is time-stamped and the team is told."""
        if self._ctx.user.role is not Role.MICROSOFT_SELLER:
            raise RuleRefusal("Registrations are reviewed by Microsoft.")
        with self._ctx.write() as uow:
            reg = uow.session.scalar(
                select(RegistrationRecord).where(RegistrationRecord.referral_id == deal)
            )
            ref = uow.session.get(Referral, deal) if reg is not None else None
            if reg is None or ref is None:
                raise NotFoundError(f"Deal {deal} has no registration.")
            problems = Problems()
            target = problems.choice("status", status, RegistrationStatus)
            text = problems.text(
                "reason", reason, required=target in NEEDS_REASON, max_len=5000, label="Reason"
            )
            problems.raise_if_any("The review")
            assert target is not None
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
            ref.updated_at = now
            record(
                uow.session,
                ref.id,
                now,
                self._ctx.user.id,
                "registration_review",
                f"Registration {target.label}." + (f" {text}" if text else ""),
                {"registration_status": (old, target)},
            )
            _tell_team(uow, ref, target, text)
            uow.session.flush()
            row = uow.row(ref)
        return Outcome(row, f"Registration of deal {row.id} is now {target.label}.")


def _check_form(
    uow: UnitOfWork, ref: Referral, form: RegistrationForm
) -> tuple[dict[str, object], Decimal]:
    """Field checks of §4.4; returns the parsed values and the ACV in USD."""
    problems = Problems()
    today = uow.now().date()
    marketplace = problems.yes_no("is_marketplace", form.is_marketplace)
    market_date = problems.day(
        "marketplace_date", form.marketplace_date, required=bool(marketplace)
    )
    deployed = problems.yes_no("deployed_on_azure", form.deployed_on_azure)
    if deployed is False:
        problems.add(
            "deployed_on_azure",
            "Only solutions deployed on Azure can be registered; close without registration.",
        )
    term = problems.choice("term", form.term, ContractTerm)
    tcv = problems.amount("contract_value", form.contract_value, positive=True)
    tcv_currency = problems.currency("contract_currency", form.contract_currency)
    solution_id = problems.text("solution_id", form.solution_id, max_len=40, label="Solution")
    line = next((s for s in ref.solutions if s.solution_id == solution_id), None)
    if solution_id is not None and (line is None or not line.solution.azure_ip_co_sell):
        problems.add("solution_id", "Pick an Azure IP co-sell solution of this deal.")
    sol_value = problems.amount("solution_value", form.solution_value, positive=True)
    sol_currency = problems.currency("solution_currency", form.solution_currency)
    sign = problems.day("sign_date", form.sign_date)
    start = problems.day("start_date", form.start_date)
    end = problems.day("end_date", form.end_date, required=term is ContractTerm.FINITE)
    tenant = problems.choice("tenant_type", form.tenant_type, TenantType)
    pricing = problems.choice("pricing_model", form.pricing_model, PricingModel)
    if sign is not None:
        earliest = ref.created_at.date()
        if ref.microsoft_requested_at is not None:
            earliest = max(earliest, ref.microsoft_requested_at.date())
        if sign > today:
            problems.add("sign_date", "The contract sign date cannot be in the future.")
        elif sign < today - SIGN_WINDOW:
            problems.add("sign_date", "Register within 60 days of the contract signature.")
        elif sign < earliest:
            problems.add(
                "sign_date",
                f"The sign date cannot be before {earliest.isoformat()} (the deal's creation "
                "or Microsoft invitation).",
            )
    if start is not None and start < today - START_WINDOW:
        problems.add("start_date", "The contract start date is more than 90 days ago.")
    if term is ContractTerm.FINITE and start is not None and end is not None and end < start:
        problems.add("end_date", "The end date is before the start date.")
    problems.raise_if_any("The registration form")
    assert tcv is not None and tcv_currency is not None and sol_value is not None
    assert sol_currency is not None and start is not None and term is not None
    won_day = (ref.closed_at or uow.now()).date()
    tcv_usd = uow.usd(tcv, tcv_currency, won_day)
    sol_usd = uow.usd(sol_value, sol_currency, won_day)
    for code, usd in ((tcv_currency, tcv_usd), (sol_currency, sol_usd)):
        if usd is None:
            raise RuleRefusal(
                f"No exchange rate for {code} in {won_day:%Y-%m}: the USD thresholds cannot "
                "be checked. Add the month's rate, then register."
            )
    assert tcv_usd is not None and sol_usd is not None
    if term is ContractTerm.PERPETUAL:
        years = PERPETUAL_YEARS
    else:
        assert end is not None
        years = max(Decimal(1), Decimal((end - start).days) / Decimal("365"))
    acv = tcv_usd / years
    if acv <= MIN_ACV_USD:
        spread = " (a perpetual contract is spread over 6 years)" if years == 6 else ""
        problems.add(
            "contract_value",
            f"The annual contract value is USD {acv:,.2f}{spread}; it must be above "
            f"USD {MIN_ACV_USD:,.0f}.",
        )
    if sol_usd > tcv_usd:
        problems.add("solution_value", "The solution value cannot exceed the contract value.")
    problems.raise_if_any("The registration form")
    values: dict[str, object] = {
        "is_marketplace": bool(marketplace),
        "marketplace_date": market_date if marketplace else None,
        "deployed_on_azure": True,
        "term": term,
        "contract_value": tcv,
        "contract_currency": tcv_currency,
        "solution_id": solution_id,
        "solution_value": sol_value,
        "solution_currency": sol_currency,
        "sign_date": sign,
        "start_date": start,
        "end_date": end if term is ContractTerm.FINITE else None,
        "tenant_type": tenant,
        "pricing_model": pricing,
    }
    return values, acv


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
