"""The acting user over the shared database, rules and clock (`Context`), and its transactions:
`read`, `write` and `batch` each hand a use case a `UnitOfWork` (unit.py) over one session.

Each public use case opens its own unit of work, so one Service can be used from several threads
(the TUI's workers). Writes run in a write transaction: on SQLite it begins IMMEDIATE, so two
writers queue instead of failing half-way (store/db.py); on both backends the referral's version
column makes a concurrent update fail with `ConflictError` and change nothing.

The ORM (sessions) and the unit of work are imported when a transaction is first opened, not
with this module: the grids' quick reads go through `guarded` and the store's Core reader alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, OperationalError

from cosell_tui.domain.clock import Clock
from cosell_tui.domain.views import UserView
from cosell_tui.service.errors import CONFLICT, ConflictError
from cosell_tui.service.shared import Shared

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from cosell_tui.rules import RuleBook
    from cosell_tui.service.unit import UnitOfWork

#: The transaction of a running `Context.batch` (per thread): use cases join it.
_BATCH: ContextVar[tuple[Shared, Session] | None] = ContextVar("cosell_batch", default=None)

BUSY = "The database is busy with another change; try again."


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

    def guarded(self) -> AbstractContextManager[None]:
        """Database work outside a unit of work (the store's grid reader): a database that
        cannot be used is a refusal in words (environment.py), as in `read` and `write`."""
        return self.shared.guarded()

    def _batch_session(self) -> Session | None:
        batch = _BATCH.get()
        return batch[1] if batch is not None and batch[0] is self.shared else None

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A read; a database that cannot be used is a refusal in words (environment.py).
        Inside a `batch`, the batch's transaction (so it sees the batch's own writes)."""
        from sqlalchemy.orm import Session

        from cosell_tui.service.unit import UnitOfWork

        batched = self._batch_session()
        if batched is not None:
            yield UnitOfWork(self.shared, self.user, batched)
            return
        with self.guarded(), Session(self.shared.engine, expire_on_commit=False) as session:
            yield UnitOfWork(self.shared, self.user, session)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A read through SQLAlchemy Core, without the ORM (one deal in full, detail.py); a
        database that cannot be used is a refusal in words. Inside a `batch`, the batch's
        transaction (so it sees the batch's own writes)."""
        batched = self._batch_session()
        if batched is not None:
            yield batched.connection()
            return
        with self.guarded(), self.shared.engine.connect() as conn:
            yield conn

    @contextmanager
    def batch(self) -> Iterator[Session]:
        """One transaction for many use cases (a CSV import): every `read` and `write` of this
        thread joins it, each write as a savepoint that a refusal rolls back alone. Nothing is
        committed here: the caller commits (or rolls back) the session it is given."""
        from sqlalchemy import event
        from sqlalchemy.orm import Session
        from sqlalchemy.orm.exc import StaleDataError

        session = Session(self.shared.write_engine, expire_on_commit=False)
        # The session's identity map holds its objects weakly: what one row's use case read
        # (the organisation, the location, a solution) would be dropped and read again by the
        # next row. Kept for the batch instead, each is read once per file.
        kept: list[object] = []
        event.listen(session, "loaded_as_persistent", lambda _s, obj: kept.append(obj))
        token = _BATCH.set((self.shared, session))
        try:
            with self.guarded():
                self._may_still_act(session)
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

    def _may_still_act(self, session: Session) -> None:
        """Refuse a write by a user an admin deactivated, or whose access changed, since this
        session was opened (identity.still_may_act)."""
        from cosell_tui.service.errors import RuleRefusal
        from cosell_tui.service.identity import still_may_act

        if (why := still_may_act(session.connection(), self.user)) is not None:
            raise RuleRefusal(why)

    @contextmanager
    def write(self, dry_run: bool = False) -> Iterator[UnitOfWork]:
        """One transaction: commit on success, nothing written on any error; a version clash
        or a lock held past the busy timeout is a ConflictError, a database that cannot be
        used a refusal in words. Inside a `batch`, a savepoint of the batch's transaction.
        `dry_run`: the use case runs all the same and is rolled back at the end (an import's
        check: what it would do, nothing written); never inside a batch."""
        from sqlalchemy.orm import Session
        from sqlalchemy.orm.exc import StaleDataError

        from cosell_tui.service.unit import UnitOfWork

        batched = self._batch_session()
        if batched is not None and not dry_run:
            try:
                with batched.begin_nested():
                    yield UnitOfWork(self.shared, self.user, batched)
            except StaleDataError as exc:
                raise ConflictError(CONFLICT) from exc
            return
        session = Session(self.shared.write_engine, expire_on_commit=False)
        # The admin acting as this user, for every history row of the transaction (outbox.record).
        session.info["operator_id"] = self.user.operator_id
        try:
            self._may_still_act(session)
            yield UnitOfWork(self.shared, self.user, session)
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
            self.shared.raise_refusal(exc)
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
