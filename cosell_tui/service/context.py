"""What every use case works with: the database, the rules, the clock and the acting user
(`Context`), and, inside one transaction, a `UnitOfWork` that loads the deals this user may see
and asks the three rule sets about them.

Each public use case opens its own unit of work, so one Service can be used from several threads
(the TUI's workers). Writes run in a write transaction: on SQLite it begins IMMEDIATE, so two
writers queue instead of failing half-way (store/db.py); on both backends the referral's version
column makes a concurrent update fail with `ConflictError` and change nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Select, event, exists, func, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from cosell_tui.domain import (
    REGISTRATION_ACTIONS,
    TERMINAL_SUBSTATUSES,
    Action,
    DealType,
    Direction,
    MicrosoftStatus,
    OrgKind,
    Role,
    Status,
    Substatus,
    window_over,
)
from cosell_tui.domain.clock import Clock
from cosell_tui.domain.facts import Checklist, EligibilityFacts, TransitionDecision, TransitionFacts
from cosell_tui.domain.views import DealRow, UserView
from cosell_tui.service.environment import refusal
from cosell_tui.service.errors import ConflictError, NotFoundError, RuleRefusal
from cosell_tui.service.mapping import deal_row
from cosell_tui.service.scope import is_on_team, visible_clause
from cosell_tui.store.db import insert_or_ignore, writer_engine
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

#: The transaction of a running `Context.batch` (per thread): use cases join it.
_BATCH: ContextVar[tuple[Shared, Session] | None] = ContextVar("cosell_batch", default=None)

CONFLICT = "This deal was changed by someone else since you opened it; reload and try again."
BUSY = "The database is busy with another change; try again."


class Shared:
    """What a Service and its `as_user` copies share: engine, rules, clock and caches.

    The rule book is read on first use: a grid or a `cosell deal list` never asks the rules,
    so they never pay for reading and validating the rule files.
    """

    def __init__(self, engine: Engine, rules: RuleBook | None, clock: Clock) -> None:
        self.engine = engine
        self._rules = rules
        self.clock = clock
        self.write_engine = writer_engine(engine)
        url = engine.url
        sqlite_file = url.database if url.get_backend_name() == "sqlite" else None
        #: How messages name the database: its file, or its URL without the password.
        self.database: tuple[str, str | None] = (
            (sqlite_file, sqlite_file)
            if sqlite_file
            else (url.render_as_string(hide_password=True), None)
        )
        self._microsoft_org_id: int | None = None
        self._lock = threading.Lock()
        #: The store's grid reader (and its cache of ordered ids), made on first use.
        self.grid: Any = None

    @property
    def rules(self) -> RuleBook:
        if self._rules is None:
            from cosell_tui.rules import default_rulebook  # process-wide, loaded once

            self._rules = default_rulebook()
        return self._rules

    def forget_rolled_back(self) -> None:
        """After a dry run: what it cached may be rows it made and rolled back."""
        with self._lock:
            self._microsoft_org_id = None

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


@dataclass(frozen=True, slots=True)
class Context:
    """The acting user over the shared database, rules and clock."""

    shared: Shared
    user: UserView

    @property
    def clock(self) -> Clock:
        return self.shared.clock

    @property
    def rules(self) -> RuleBook:
        return self.shared.rules

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Database work outside a unit of work (the store's grid reader): a database that
        cannot be used is a refusal in words (environment.py), as in `read` and `write`."""
        try:
            yield
        except DBAPIError as exc:
            self._raise_refusal(exc)
            raise

    def _batch_session(self) -> Session | None:
        batch = _BATCH.get()
        return batch[1] if batch is not None and batch[0] is self.shared else None

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A read; a database that cannot be used is a refusal in words (environment.py).
        Inside a `batch`, the batch's transaction (so it sees the batch's own writes)."""
        batched = self._batch_session()
        if batched is not None:
            yield UnitOfWork(self, batched)
            return
        with self.guarded(), Session(self.shared.engine, expire_on_commit=False) as session:
            yield UnitOfWork(self, session)

    @contextmanager
    def batch(self) -> Iterator[Session]:
        """One transaction for many use cases (a CSV import): every `read` and `write` of this
        thread joins it, each write as a savepoint that a refusal rolls back alone. Nothing is
        committed here: the caller commits (or rolls back) the session it is given."""
        session = Session(self.shared.write_engine, expire_on_commit=False)
        # The session's identity map holds its objects weakly: what one row's use case read
        # (the organisation, the location, a solution) would be dropped and read again by the
        # next row. Kept for the batch instead, each is read once per file.
        kept: list[object] = []
        event.listen(session, "loaded_as_persistent", lambda _s, obj: kept.append(obj))
        token = _BATCH.set((self.shared, session))
        try:
            with self.guarded():
                yield session
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError(CONFLICT) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            _BATCH.reset(token)
            session.close()
            kept.clear()

    @contextmanager
    def write(self, dry_run: bool = False) -> Iterator[UnitOfWork]:
        """One transaction: commit on success, nothing written on any error; a version clash
        or a lock held past the busy timeout is a ConflictError, a database that cannot be
        used a refusal in words. Inside a `batch`, a savepoint of the batch's transaction.
        `dry_run`: the use case runs all the same and is rolled back at the end (an import's
        check: what it would do, nothing written); never inside a batch."""
        batched = self._batch_session()
        if batched is not None and not dry_run:
            try:
                with batched.begin_nested():
                    yield UnitOfWork(self, batched)
            except StaleDataError as exc:
                raise ConflictError(CONFLICT) from exc
            return
        session = Session(self.shared.write_engine, expire_on_commit=False)
        # The admin acting as this user, for every history row of the transaction (outbox.record).
        session.info["operator_id"] = self.user.operator_id
        try:
            yield UnitOfWork(self, session)
            if dry_run:
                session.rollback()
                self.shared.forget_rolled_back()
            else:
                session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError(CONFLICT) from exc
        except DBAPIError as exc:
            session.rollback()
            if isinstance(exc, OperationalError) and (
                "locked" in str(exc).lower() or "deadlock" in str(exc).lower()
            ):
                raise ConflictError(BUSY) from exc
            self._raise_refusal(exc)
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _raise_refusal(self, exc: DBAPIError) -> None:
        """The database's own error as a sentence (environment.py); returns when it is not
        about the database's environment but a bug of ours, for the caller to re-raise."""
        problem = refusal(exc, lambda: self.shared.database)
        if problem is not None:
            raise problem from exc


#: The largest id a database integer holds (SQLite and PostgreSQL bigint); beyond: no such row.
MAX_ID = 2**63 - 1


class UnitOfWork:
    """One transaction of one user: the session, and the questions every use case asks."""

    def __init__(self, ctx: Context, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self.user = ctx.user

    @property
    def rules(self) -> RuleBook:
        return self.ctx.rules

    def now(self) -> datetime:
        return self.ctx.clock.now()

    def insert_ignoring_duplicates(self, model: Any) -> Any:
        """An INSERT for `model` that leaves an existing row alone (store.db.insert_or_ignore)."""
        return insert_or_ignore(self.session.get_bind().dialect.name, model)

    def microsoft_org_id(self) -> int | None:
        return self.ctx.shared.microsoft_org_id(self.session)

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
        if isinstance(deal, str) and not (deal.strip().isascii() and deal.strip().isdigit()):
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
        if not 0 < pk <= MAX_ID:  # beyond any id (and any database integer): not a deal
            raise NotFoundError(f"Deal {deal} not found, or not visible to you.")
        return query.where(Referral.id == pk)

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
        if ref.direction is not Direction.INCOMING or ref.invited_by_org_id is None:
            return False
        return ref.invited_by_org_id != self.microsoft_org_id()

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
        still accept after the win, D9)."""
        ms_status = ref.microsoft_status
        if microsoft_may_accept and ms_status is MicrosoftStatus.PENDING:
            ms_status = MicrosoftStatus.ACCEPTED
        won_day = (ref.closed_at or self.now()).date()
        usd = self.usd(ref.value, ref.currency, won_day)
        azure_ip = self.session.scalar(
            select(func.count())
            .select_from(ReferralSolution)
            .join(Solution, Solution.id == ReferralSolution.solution_id)
            .where(ReferralSolution.referral_id == ref.id, Solution.azure_ip_co_sell.is_(True))
        )
        account = self.session.get(Account, ref.customer_account_id)
        assert account is not None
        facts = EligibilityFacts(
            substatus=Substatus.WON if as_won else ref.substatus,
            deal_type=ref.deal_type,
            microsoft_status=ms_status,
            azure_ip_solution_count=int(azure_ip or 0),
            value=f"{ref.value:.2f}",
            currency=ref.currency,
            value_usd=None if usd is None else int(usd.to_integral_value(ROUND_FLOOR)),
            account_kind=account.kind,
            matched_to_managed=account.matched_managed_account_id is not None,
        )
        return self.rules.eligibility(facts)

    def shown_status(self, ref: Referral) -> tuple[Status, Substatus]:
        """The deal's status as it reads now: Closed / Expired from the expiry instant of a
        received referral's window, before the sweep records it (§2.6)."""
        if window_over(ref.status, ref.expires_at, self.now()):
            return Status.CLOSED, Substatus.EXPIRED
        return ref.status, ref.substatus

    def decision(self, ref: Referral, checklist: Checklist | None = None) -> TransitionDecision:
        """What this user may do with this deal now (transitions rule set)."""
        now = self.now()
        if ref.deal_type is DealType.SOLUTION_ASSESSMENT:
            eligible = False
        elif ref.substatus is Substatus.WON:
            eligible = (checklist or self.checklist(ref)).eligible
        elif ref.status is Status.CLOSED:
            eligible = False
        else:
            # Could it be registered once won? (the 72-hour advisory is only for those, D7)
            eligible = self.checklist(ref, as_won=True, microsoft_may_accept=True).eligible
        status, substatus = self.shown_status(ref)
        hours_to_expiry = None
        if status is Status.NEW and ref.expires_at is not None:
            # Whole hours left, a started hour counting as one: 0 only once the window is over.
            hours_to_expiry = -int((now - ref.expires_at).total_seconds() // 3600)
        facts = TransitionFacts(
            direction=ref.direction,
            status=status,
            substatus=substatus,
            deal_type=ref.deal_type,
            stage_pct=ref.stage_pct,
            help_type=ref.help_type,
            visible_to_microsoft=ref.visible_to_microsoft,
            microsoft_status=ref.microsoft_status,
            has_customer_contact=bool(ref.contacts),
            is_invitee=self.is_invitee(ref),
            role=self.user.role,
            on_team=is_on_team(self.user, [m.email for m in ref.team]),
            hours_since_created=max(0, int((now - ref.created_at).total_seconds() // 3600)),
            hours_to_expiry=hours_to_expiry,
            registration_status=ref.registration_status,
            registration_eligible=eligible,
            requester_substatus=self._requester_substatus(ref),
            **self._exception_facts(ref, now),
        )
        return self.rules.transitions(facts)

    def _exception_facts(self, ref: Referral, now: datetime) -> dict[str, Any]:
        """The exception request's state and the whole days since the first registration."""
        if ref.registration_status is None:
            return {}
        found = self.session.execute(
            select(Registration.exception_status, Registration.registered_at).where(
                Registration.referral_id == ref.id
            )
        ).first()
        if found is None:
            return {}
        status, registered_at = found
        days = max(0, (now - registered_at).days)
        return {"exception_status": status, "days_since_registered": days}

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
