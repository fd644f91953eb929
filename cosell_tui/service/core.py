"""The `Service`: one object the CLI, the TUI and the wizard hold, composed of the use cases
grouped by subject (creation, lifecycle, sharing, microsoft, registration, catalog, listing).

Each subject is a small object over the same `Context` (database, rules, clock, acting user);
each of its use cases runs in its own unit of work, so one Service is safe to share between
the TUI's worker threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cosell_tui.domain import OrgKind, Role
from cosell_tui.domain.clock import Clock
from cosell_tui.domain.views import UserView

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook
from cosell_tui.service.admin import open_engine
from cosell_tui.service.catalog import Catalog
from cosell_tui.service.context import Context, Shared
from cosell_tui.service.creation import Creation
from cosell_tui.service.errors import NotFoundError
from cosell_tui.service.lifecycle import Lifecycle
from cosell_tui.service.listing import Listing
from cosell_tui.service.mail import Mail
from cosell_tui.service.microsoft import Microsoft
from cosell_tui.service.registration import Registration
from cosell_tui.service.sharing import Sharing
from cosell_tui.store.migrate import current_revision, head_revision, upgrade
from cosell_tui.store.models import Organization, User


class Service:
    """Every use case of cosell, by subject; see docs/service.md."""

    def __init__(self, shared: Shared, user: UserView) -> None:
        ctx = Context(shared, user)
        self._ctx = ctx
        self.listing = Listing(ctx)
        self.catalog = Catalog(ctx)
        self.creation = Creation(ctx)
        self.lifecycle = Lifecycle(ctx, self.listing)
        self.sharing = Sharing(ctx)
        self.microsoft = Microsoft(ctx)
        self.registration = Registration(ctx)
        self.mail = Mail(ctx)

    @property
    def user(self) -> UserView:
        return self._ctx.user

    @property
    def clock(self) -> Clock:
        return self._ctx.clock

    @property
    def rules(self) -> RuleBook:
        return self._ctx.rules

    def as_user(self, username: str) -> Service:
        """The same database, rules and clock, acting as another user (tests, demos)."""
        with Session(self._ctx.shared.engine) as session:
            return Service(self._ctx.shared, user_view(session, find_user(session, username)))

    def close(self) -> None:
        """Release the database connections (the rule book is process-wide and stays)."""
        self._ctx.shared.engine.dispose()


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


def find_user(session: Session, username: str) -> User:
    user = session.scalar(
        select(User).where(User.username == username.strip()).options(selectinload(User.locations))
    )
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    return user


def default_user(session: Session) -> User:
    """The first entire-company Referrals admin of the first partner organisation."""
    user = session.scalar(
        select(User)
        .join(Organization, Organization.id == User.org_id)
        .where(
            Organization.kind == OrgKind.PARTNER,
            User.role == Role.ADMIN,
            User.entire_company.is_(True),
        )
        .order_by(Organization.id, User.id)
        .options(selectinload(User.locations))
        .limit(1)
    )
    if user is None:
        raise NotFoundError(
            "This database has no partner admin yet; run `cosell seed` (or pass --user)."
        )
    return user


def open_service(
    db: str | None = None,
    user: str | None = None,
    now: str | None = None,
    rules: RuleBook | None = None,
    on_upgrade: Callable[[str], None] | None = None,
) -> Service:
    """Open the database (`--db`/COSELL_DB, migrated to the newest schema), load the rules,
    fix the clock (`--now`/COSELL_NOW) and resolve the user (`--user`/COSELL_USER, else the
    first entire-company admin of the first partner organisation).

    `on_upgrade(message)` hears, before it starts, that an existing database is being moved to
    a newer schema: on a large database that can take a minute, which should not look like a
    hang. A new (empty) database is set up silently.
    """
    clock = Clock.from_env(now)
    engine = open_engine(db)
    try:
        at, head = current_revision(engine), head_revision()
        if on_upgrade is not None and at is not None and at != head:
            on_upgrade(
                f"Upgrading the database from schema {at} to {head}; on a large database "
                "this can take a minute…"
            )
        upgrade(engine)
        shared = Shared(engine, rules, clock)
        name = user or os.environ.get("COSELL_USER")
        with Session(engine) as session:
            found = find_user(session, name) if name else default_user(session)
            view = user_view(session, found)
    except BaseException:
        engine.dispose()
        raise
    return Service(shared, view)
