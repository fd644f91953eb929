"""What every use case shares: sessions, the acting user, loading a visible deal, and the facts
the three rule sets are asked about.

Each public call opens its own Session, so one Service can be used from several threads (the
TUI's workers). Writes run in a write transaction: on SQLite it begins IMMEDIATE, so two writers
queue instead of failing half-way; on both backends the referral's version column makes a
concurrent update fail with `ConflictError` and change nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, exists, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from cosell_tui.domain import (
    TERMINAL_SUBSTATUSES,
    Action,
    DealType,
    Direction,
    OrgKind,
    Role,
    SolutionKind,
    Status,
    Substatus,
)
from cosell_tui.domain.clock import Clock
from cosell_tui.domain.facts import (
    Checklist,
    EligibilityFacts,
    TransitionDecision,
    TransitionFacts,
)
from cosell_tui.domain.facts import (
    Outcome as CriterionOutcome,
)
from cosell_tui.domain.views import DealRow, UserView
from cosell_tui.service.errors import ConflictError, NotFoundError, RuleRefusal
from cosell_tui.service.mapping import deal_row
from cosell_tui.service.scope import is_on_team, visible_clause
from cosell_tui.store.models import (
    Account,
    Favorite,
    Invitation,
    Organization,
    Referral,
    ReferralSolution,
    Solution,
    TeamMember,
    User,
)
from cosell_tui.store.valuation import usd_rate

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook

CONFLICT = "This deal was changed by someone else since you opened it; reload and try again."


def _sqlite_write_begin(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself, IMMEDIATE for connections marked as writers, so a
    write transaction holds SQLite's write lock from its first read (no upgrade deadlock)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        writer = conn.get_execution_options().get("cosell_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


class Shared:
    """State shared by a Service and its `as_user` copies: engine, rules, clock, caches."""

    def __init__(self, engine: Engine, rules: RuleBook, clock: Clock) -> None:
        self.engine = engine
        self.rules = rules
        self.clock = clock
        if engine.dialect.name == "sqlite":
            engine.dispose()  # connections made before the hooks keep pysqlite's own BEGIN
            _sqlite_write_begin(engine)
        self.write_engine = engine.execution_options(cosell_write=True)
        self._microsoft_org_id: int | None = None
        self._lock = threading.Lock()
        #: The store's grid reader (and its cache of ordered ids), made on first use.
        self.grid: Any = None

    def microsoft_org_id(self, session: Session) -> int | None:
        if self._microsoft_org_id is None:
            with self._lock:
                self._microsoft_org_id = session.scalar(
                    select(Organization.id)
                    .where(Organization.kind == OrgKind.MICROSOFT)
                    .order_by(Organization.id)
                    .limit(1)
                )
        return self._microsoft_org_id


def user_view(session: Session, user: User) -> UserView:
    org = session.get(Organization, user.org_id)
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        org_id=user.org_id,
        org_name=org.name if org else "",
        entire_company=user.entire_company,
        location_ids=tuple(sorted(loc.id for loc in user.locations)),
    )


class ServiceBase:
    """Sessions, the acting user, and the questions every use case asks the rules."""

    user: UserView

    def __init__(self, shared: Shared, user: UserView) -> None:
        self._shared = shared
        self.user = user

    @property
    def clock(self) -> Clock:
        return self._shared.clock

    @property
    def rules(self) -> RuleBook:
        return self._shared.rules

    # --- sessions -------------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._shared.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction: commit on success, nothing written on any error; a version clash
        or a lock held past the busy timeout is a ConflictError."""
        session = Session(self._shared.write_engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError(CONFLICT) from exc
        except OperationalError as exc:
            session.rollback()
            if "locked" in str(exc).lower() or "deadlock" in str(exc).lower():
                raise ConflictError("The database is busy with another change; try again.") from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # --- loading --------------------------------------------------------------------------------

    def _visible_query(self, deal: int | str) -> Any:
        query = select(Referral).where(visible_clause(self.user))
        if isinstance(deal, str) and not deal.strip().isdigit():
            # A referral ID is a GUID: anything else (a NUL, a novel) is simply not a deal, and
            # must not reach the database, which may refuse such text with a driver error.
            try:
                guid = str(uuid.UUID(deal.strip()))
            except ValueError:
                raise NotFoundError(f"Deal {deal!r} not found.") from None
            return query.where(Referral.referral_id == guid)
        try:
            pk = int(deal)
        except (TypeError, ValueError):
            raise NotFoundError(f"Deal {deal!r} not found.") from None
        return query.where(Referral.id == pk)

    def _load(self, session: Session, deal: int | str, version: int | None = None) -> Referral:
        """The deal if this user may see it (D10); else NotFoundError. Checks the version."""
        ref = session.scalars(
            self._visible_query(deal).options(
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

    def _favorite(self, session: Session, referral_id: int) -> bool:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        Favorite.user_id == self.user.id, Favorite.referral_id == referral_id
                    )
                )
            )
        )

    def _row(self, session: Session, ref: Referral) -> DealRow:
        return deal_row(ref, self._favorite(session, ref.id))

    # --- the questions to the rules -------------------------------------------------------------

    def _usd(self, session: Session, amount: Decimal, currency: str, day: date) -> Decimal | None:
        """The amount in USD at the month's rate (D8); None when the month has no rate.
        Unrounded: a threshold must not pass by a rounding of the last cent."""
        rate = usd_rate(session.connection(), currency, day)
        return None if rate is None else amount * Decimal(rate)

    def _checklist(self, session: Session, ref: Referral, as_won: bool = False) -> Checklist:
        """Registration eligibility (domain.md §4.2); `as_won` asks 'if it were won now'."""
        won_day = (ref.closed_at or self.clock.now()).date()
        usd = self._usd(session, ref.value, ref.currency, won_day)
        azure_ip = session.scalar(
            select(func.count())
            .select_from(ReferralSolution)
            .join(Solution, Solution.id == ReferralSolution.solution_id)
            .where(ReferralSolution.referral_id == ref.id, Solution.azure_ip_co_sell.is_(True))
        )
        account = session.get(Account, ref.customer_account_id)
        assert account is not None
        facts = EligibilityFacts(
            substatus=Substatus.WON if as_won else ref.substatus,
            deal_type=ref.deal_type,
            microsoft_status=ref.microsoft_status,
            azure_ip_solution_count=int(azure_ip or 0),
            value=f"{ref.value:.2f}",
            currency=ref.currency,
            value_usd=None if usd is None else int(usd.to_integral_value(ROUND_FLOOR)),
            account_kind=account.kind,
            matched_to_managed=account.matched_managed_account_id is not None,
        )
        return self.rules.eligibility(facts)

    def _sender_referral(self, session: Session, ref: Referral) -> Referral | None:
        """The referral of whoever sent `ref` to its organisation: the invitation's source, or
        (for data loaded without invitation rows) the inviting organisation's referral in the
        same engagement."""
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

    def _is_invitee(self, session: Session, ref: Referral) -> bool:
        """A P2P invitee's referral: sent to us by another partner (not by Microsoft)."""
        if ref.direction is not Direction.INCOMING or ref.invited_by_org_id is None:
            return False
        return ref.invited_by_org_id != self._shared.microsoft_org_id(session)

    def _decision(
        self, session: Session, ref: Referral, checklist: Checklist | None = None
    ) -> TransitionDecision:
        """What this user may do with this deal now (transitions rule set)."""
        now = self.clock.now()
        if ref.deal_type is DealType.SOLUTION_ASSESSMENT:
            eligible = False
        elif ref.substatus is Substatus.WON:
            eligible = (checklist or self._checklist(session, ref)).eligible
        elif ref.status is Status.CLOSED:
            eligible = False
        else:
            eligible = self._checklist(session, ref, as_won=True).eligible
        hours_to_expiry = None
        if ref.status is Status.NEW and ref.expires_at is not None:
            hours_to_expiry = int((ref.expires_at - now).total_seconds() // 3600)
        facts = TransitionFacts(
            direction=ref.direction,
            status=ref.status,
            substatus=ref.substatus,
            deal_type=ref.deal_type,
            stage_pct=ref.stage_pct,
            help_type=ref.help_type,
            visible_to_microsoft=ref.visible_to_microsoft,
            microsoft_status=ref.microsoft_status,
            has_customer_contact=bool(ref.contacts),
            is_invitee=self._is_invitee(session, ref),
            role=self.user.role,
            on_team=is_on_team(self.user, [m.email for m in ref.team]),
            hours_since_created=max(0, int((now - ref.created_at).total_seconds() // 3600)),
            hours_to_expiry=hours_to_expiry,
            registration_status=ref.registration_status,
            registration_eligible=eligible,
        )
        return self.rules.transitions(facts)

    def _require(self, session: Session, ref: Referral, action: Action) -> TransitionDecision:
        """RuleRefusal with the rule's reason unless `action` is allowed now. Terminal deals
        are refused here too, whatever a rule file says (only registration follows a win)."""
        if ref.substatus in TERMINAL_SUBSTATUSES and action is not Action.REGISTER:
            raise RuleRefusal(
                f"{action.label} is not possible: the deal is closed "
                f"({ref.substatus.label}) and can no longer be changed."
            )
        decision = self._decision(session, ref)
        if action not in decision.allowed:
            raise RuleRefusal(decision.why_not(action))
        return decision

    def _require_partner_user(self, what: str) -> None:
        if self.user.role is Role.MICROSOFT_SELLER:
            raise RuleRefusal(f"{what} is done by a partner's Referrals admin or user.")

    def _now(self) -> datetime:
        return self.clock.now()

    def _team_emails(self, ref: Referral) -> list[str]:
        return [m.email for m in ref.team]

    @staticmethod
    def _solution_kinds(ref: Referral) -> list[SolutionKind]:
        return [line.solution.kind for line in ref.solutions]

    @staticmethod
    def _team_member_rows(members: list[TeamMember]) -> list[str]:
        return [f"{m.first_name} {m.last_name}" for m in members]


def criterion_failed(checklist: Checklist) -> str:
    """The checklist's unmet criteria in words, for messages."""
    parts = [
        f"{item.title}: {item.reason}"
        for item in checklist.items
        if item.outcome is not CriterionOutcome.MET
    ]
    return "; ".join(parts)
