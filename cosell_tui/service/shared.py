"""What a Service, its `as_user` copies and every use case share: the engine, the rules, the
clock and the caches (`Shared`).

Light on purpose: SQLAlchemy Core and the Core tables only. The quick reads (a grid page, a
count, `cosell deal list`) run on this and `Context` without importing the ORM, the models or
the rules; a unit of work (unit.py) brings those in when a use case opens one.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from cosell_tui.domain import OrgKind
from cosell_tui.domain.clock import Clock
from cosell_tui.service.environment import refusal
from cosell_tui.service.errors import NotFoundError
from cosell_tui.store.db import writer_engine
from cosell_tui.store.tables import organization

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cosell_tui.rules import RuleBook

#: The largest id the id columns hold (INTEGER: 32 bits on PostgreSQL; SQLite keeps the same
#: bound so both answer alike); beyond: no such row, never an "out of range" from the server.
MAX_ID = 2**31 - 1


def deal_key(deal: int | str) -> int | str:
    """A deal as asked for (`917`, `"917"` or its Referral ID) as the key to look it up by: its
    number, or its Referral ID as stored (a GUID, lower case). NotFoundError for anything else:
    a NUL or a novel never reaches the database, which may refuse such text with a driver
    error, and a number beyond any id (and any database integer) is simply not a deal."""
    if isinstance(deal, str) and not (deal.strip().isascii() and deal.strip().isdigit()):
        try:
            return str(uuid.UUID(deal.strip()))
        except ValueError:
            raise NotFoundError(f"Deal {deal!r} not found.") from None
    try:
        pk = int(deal)
    except (TypeError, ValueError):
        raise NotFoundError(f"Deal {deal!r} not found.") from None
    if not 0 < pk <= MAX_ID:
        raise NotFoundError(f"Deal {deal} not found, or not visible to you.")
    return pk


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

    def microsoft_org_id(self, session: Session | Connection) -> int | None:
        if self._microsoft_org_id is None:
            org = organization.c
            with self._lock:
                self._microsoft_org_id = session.scalar(
                    select(org.id).where(org.kind == OrgKind.MICROSOFT).order_by(org.id).limit(1)
                )
        return self._microsoft_org_id

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Database work: a database that cannot be used is a refusal in words
        (environment.py); any other error is left as it is."""
        try:
            yield
        except DBAPIError as exc:
            self.raise_refusal(exc)
            raise

    def raise_refusal(self, exc: DBAPIError) -> None:
        """The database's own error as a sentence (environment.py); returns when it is not
        about the database's environment but a bug of ours, for the caller to re-raise."""
        problem = refusal(exc, lambda: self.database)
        if problem is not None:
            raise problem from exc
