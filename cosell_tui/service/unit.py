"""One transaction of one user (`UnitOfWork`): the session, and the questions every use case
asks of it: load the visible deal (version-checked), its row, the eligibility checklist, what
the transition rules allow now, the month's exchange rate.

`Context.read`, `write` and `batch` (context.py) open one; this module brings in the ORM, the
models and (on first question) the rules, which the grids' quick reads never need.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, selectinload

from cosell_tui.domain import (
    REGISTRATION_ACTIONS,
    TERMINAL_SUBSTATUSES,
    Action,
    Role,
    Status,
    Substatus,
)
from cosell_tui.domain.facts import Checklist, TransitionDecision
from cosell_tui.domain.views import DealRow, UserView
from cosell_tui.service import deciding
from cosell_tui.service.errors import CONFLICT, ConflictError, NotFoundError, RuleRefusal
from cosell_tui.service.mapping import deal_row
from cosell_tui.service.scope import visible_clause
from cosell_tui.service.shared import Shared, deal_key
from cosell_tui.store.db import insert_or_ignore
from cosell_tui.store.models import (
    Account,
    Favorite,
    Invitation,
    Organization,
    Referral,
    ReferralSolution,
    Registration,
    Solution,
)
from cosell_tui.store.valuation import usd_rate

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook


class UnitOfWork:
    """One transaction of one user: the session, and the questions every use case asks."""

    def __init__(self, shared: Shared, user: UserView, session: Session) -> None:
        self.shared = shared
        self.session = session
        self.user = user

    @property
    def rules(self) -> RuleBook:
        return self.shared.rules

    def now(self) -> datetime:
        return self.shared.clock.now()

    def insert_ignoring_duplicates(self, model: Any) -> Any:
        """An INSERT for `model` that leaves an existing row alone (store.db.insert_or_ignore)."""
        return insert_or_ignore(self.session.get_bind().dialect.name, model)

    def microsoft_org_id(self) -> int | None:
        return self.shared.microsoft_org_id(self.session)

    def lock_organisation(self) -> None:
        """Serialise the user's organisation's administrative changes: its row, locked until
        this transaction ends (PostgreSQL; SQLite's writers queue anyway). Call it first: a
        check across several rows (one active entire-company admin remains) then sees what a
        concurrent change committed, instead of each passing on what it read before and both
        committing."""
        self.session.execute(
            select(Organization.id).where(Organization.id == self.user.org_id).with_for_update()
        )

    def require_partner_user(self, what: str) -> None:
        if self.user.role is Role.MICROSOFT_SELLER:
            raise RuleRefusal(f"{what} is done by a partner's Referrals admin or user.")

    # --- loading --------------------------------------------------------------------------------

    def visible_query(self, deal: int | str) -> Select[Referral]:
        query = select(Referral).where(visible_clause(self.user))
        key = deal_key(deal)
        if isinstance(key, str):
            return query.where(Referral.referral_id == key)
        return query.where(Referral.id == key)

    def load(self, deal: int | str, version: int | None = None) -> Referral:
        """The deal if this user may see it (D10); else NotFoundError. Checks the version."""
        ref = self.session.scalars(
            self.visible_query(deal).options(
                selectinload(Referral.team),
                selectinload(Referral.contacts),
                selectinload(Referral.solutions).selectinload(ReferralSolution.solution),
            )
        ).first()
        if ref is None:
            raise NotFoundError(f"Deal {deal} not found, or not visible to you.")
        if version is not None and ref.version != version:
            raise ConflictError(CONFLICT)
        return ref

    def favorite(self, referral_id: int) -> bool:
        return bool(
            self.session.scalar(
                select(
                    exists().where(
                        Favorite.user_id == self.user.id, Favorite.referral_id == referral_id
                    )
                )
            )
        )

    def row(self, ref: Referral, favorite: bool | None = None) -> DealRow:
        """The deal's row as it reads now (an overdue referral reads expired, §2.6);
        `favorite` when known (a deal just created is nobody's yet), else read."""
        marked = self.favorite(ref.id) if favorite is None else favorite
        return deal_row(ref, marked).as_of(self.now())

    def sender_referral(self, ref: Referral) -> Referral | None:
        """The referral of whoever sent `ref` to its organisation: the invitation's source, or
        (for data loaded without invitation rows) the inviting organisation's referral in the
        same engagement."""
        session = self.session
        source = session.scalar(
            select(Invitation.from_referral_id)
            .where(Invitation.to_referral_id == ref.id)
            .order_by(Invitation.id)
            .limit(1)
        )
        if source is not None:
            return session.get(Referral, source)
        if ref.invited_by_org_id is None:
            return None
        return session.scalar(
            select(Referral)
            .where(
                Referral.engagement_id == ref.engagement_id,
                Referral.org_id == ref.invited_by_org_id,
                Referral.id != ref.id,
            )
            .order_by(Referral.id)
            .limit(1)
        )

    def is_invitee(self, ref: Referral) -> bool:
        """A P2P invitee's referral: sent to us by another partner (not by Microsoft)."""
        return deciding.is_invitee(ref, self.microsoft_org_id)

    # --- the questions to the rules -------------------------------------------------------------

    def usd(self, amount: Decimal, currency: str, day: date) -> Decimal | None:
        """The amount in USD at the month's rate (D8); None when the month has no rate.
        Unrounded: a threshold must not pass by a rounding of the last cent."""
        rate = usd_rate(self.session.connection(), currency, day)
        return None if rate is None else amount * Decimal(rate)

    def checklist(
        self, ref: Referral, as_won: bool = False, microsoft_may_accept: bool = False
    ) -> Checklist:
        """Registration eligibility (domain.md §4.2); `as_won` asks 'if it were won now', and
        `microsoft_may_accept` counts a pending co-sell request as accepted (Microsoft may
        still accept after the win, D9). The facts: deciding.eligibility_facts."""
        usd = self.usd(ref.value, ref.currency, deciding.won_day(ref, self.now()))
        azure_ip = self.session.scalar(
            select(func.count())
            .select_from(ReferralSolution)
            .join(Solution, Solution.id == ReferralSolution.solution_id)
            .where(ReferralSolution.referral_id == ref.id, Solution.azure_ip_co_sell.is_(True))
        )
        account = self.session.get(Account, ref.customer_account_id)
        assert account is not None
        facts = deciding.eligibility_facts(
            ref,
            as_won=as_won,
            microsoft_may_accept=microsoft_may_accept,
            usd=usd,
            azure_ip_solutions=int(azure_ip or 0),
            account_kind=account.kind,
            matched_to_managed=account.matched_managed_account_id is not None,
        )
        return self.rules.eligibility(facts)

    def shown_status(self, ref: Referral) -> tuple[Status, Substatus]:
        """The deal's status as it reads now: Closed / Expired from the expiry instant of a
        received referral's window, before the sweep records it (§2.6)."""
        return deciding.shown_status(ref, self.now())

    def decision(self, ref: Referral, checklist: Checklist | None = None) -> TransitionDecision:
        """What this user may do with this deal now (transitions rule set; the facts:
        deciding.transition_facts)."""
        now = self.now()
        eligible = deciding.registration_eligible(
            ref, checklist, lambda as_won, may_accept: self.checklist(ref, as_won, may_accept)
        )
        registration = None
        if ref.registration_status is not None:
            found = self.session.execute(
                select(Registration.exception_status, Registration.registered_at).where(
                    Registration.referral_id == ref.id
                )
            ).first()
            registration = None if found is None else (found[0], found[1])
        facts = deciding.transition_facts(
            ref,
            user=self.user,
            now=now,
            eligible=eligible,
            has_customer_contact=bool(ref.contacts),
            team_emails=[m.email for m in ref.team],
            is_invitee=self.is_invitee(ref),
            requester_substatus=self._requester_substatus(ref),
            registration=registration,
        )
        return self.rules.transitions(facts)

    def _requester_substatus(self, ref: Referral) -> Substatus | None:
        """For a Microsoft seller on Microsoft's own referral: the requesting partner's deal."""
        if self.user.role is not Role.MICROSOFT_SELLER or ref.org_id != self.microsoft_org_id():
            return None
        requester = self.sender_referral(ref)
        return None if requester is None else requester.substatus

    def require(self, ref: Referral, action: Action) -> TransitionDecision:
        """RuleRefusal with the rule's reason unless `action` is allowed now. Terminal deals
        are refused here too, whatever a rule file says (only the registration and its
        exception request follow a win)."""
        _, substatus = self.shown_status(ref)
        if substatus in TERMINAL_SUBSTATUSES and action not in REGISTRATION_ACTIONS:
            raise RuleRefusal(
                f"{action.label} is not possible: the deal is closed "
                f"({substatus.label}) and can no longer be changed."
            )
        decision = self.decision(ref)
        if action not in decision.allowed:
            raise RuleRefusal(decision.why_not(action))
        return decision
