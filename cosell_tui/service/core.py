"""The `Service`: one object the CLI, the TUI and the wizard hold, composed of the use cases
grouped by subject (creation, lifecycle, sharing, microsoft, registration, catalog, listing).

Each subject is a small object over the same `Context` (database, rules, clock, acting user);
each of its use cases runs in its own unit of work, so one Service is safe to share between
the TUI's worker threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from cosell_tui.domain.clock import Clock
from cosell_tui.domain.views import UserView

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook
    from cosell_tui.service.administration import Administration
    from cosell_tui.service.catalog import Catalog
    from cosell_tui.service.creation import Creation
    from cosell_tui.service.insights import Insights
    from cosell_tui.service.lifecycle import Lifecycle
    from cosell_tui.service.listing import Listing
    from cosell_tui.service.mail import Mail
    from cosell_tui.service.microsoft import Microsoft
    from cosell_tui.service.reference import Reference
    from cosell_tui.service.registration import Registration
    from cosell_tui.service.routing import Routing
    from cosell_tui.service.sharing import Sharing
    from cosell_tui.service.transfer import Transfer
from cosell_tui.service.admin import open_engine
from cosell_tui.service.context import Context
from cosell_tui.service.identity import find_user, identify
from cosell_tui.service.shared import Shared
from cosell_tui.store.migrate import upgrade


class Service:
    """Every use case of cosell, by subject; see docs/service.md."""

    def __init__(self, shared: Shared, user: UserView) -> None:
        self._ctx = Context(shared, user)

    # The use cases by subject, each made (and its module imported) on first use: a command
    # pays only for the subjects it touches (`deal list` neither imports the CSV sheets nor
    # the insights), which is most of a short command's start-up.

    @cached_property
    def listing(self) -> Listing:
        from cosell_tui.service.listing import Listing

        return Listing(self._ctx)

    @cached_property
    def catalog(self) -> Catalog:
        from cosell_tui.service.catalog import Catalog

        return Catalog(self._ctx)

    @cached_property
    def creation(self) -> Creation:
        from cosell_tui.service.creation import Creation

        return Creation(self._ctx)

    @cached_property
    def lifecycle(self) -> Lifecycle:
        from cosell_tui.service.lifecycle import Lifecycle

        return Lifecycle(self._ctx, self.listing)

    @cached_property
    def sharing(self) -> Sharing:
        from cosell_tui.service.sharing import Sharing

        return Sharing(self._ctx)

    @cached_property
    def microsoft(self) -> Microsoft:
        from cosell_tui.service.microsoft import Microsoft

        return Microsoft(self._ctx)

    @cached_property
    def registration(self) -> Registration:
        from cosell_tui.service.registration import Registration

        return Registration(self._ctx)

    @cached_property
    def insights(self) -> Insights:
        from cosell_tui.service.insights import Insights

        return Insights(self._ctx)

    @cached_property
    def transfer(self) -> Transfer:
        from cosell_tui.service.transfer import Transfer

        return Transfer(self._ctx, self.catalog, self.creation, self.lifecycle, self.sharing)

    @cached_property
    def administration(self) -> Administration:
        from cosell_tui.service.administration import Administration

        return Administration(self._ctx)

    @cached_property
    def reference(self) -> Reference:
        from cosell_tui.service.reference import Reference

        return Reference(self._ctx)

    @cached_property
    def routing(self) -> Routing:
        from cosell_tui.service.routing import Routing

        return Routing(self._ctx)

    @cached_property
    def mail(self) -> Mail:
        from cosell_tui.service.mail import Mail

        return Mail(self._ctx)

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
        with self._ctx.shared.engine.connect() as conn:
            return Service(self._ctx.shared, find_user(conn, username).view)

    def close(self) -> None:
        """Release the database connections (the rule book is process-wide and stays)."""
        self._ctx.shared.engine.dispose()


def open_service(
    db: str | None = None,
    user: str | None = None,
    now: str | None = None,
    rules: RuleBook | None = None,
    on_upgrade: Callable[[str], None] | None = None,
) -> Service:
    """Open the database (`--db`/COSELL_DB, migrated to the newest schema), load the rules,
    fix the clock (`--now`/COSELL_NOW) and resolve the user: the one whose login is the
    operating-system user (or the PostgreSQL role), `--user`/COSELL_USER only for an admin;
    on a demo or test database anyone, else the first entire-company admin (identity.py).

    `on_upgrade(message)` hears, before it starts, that an existing database is being moved to
    a newer schema, each step as it is done, and that it waits for another process's upgrade:
    on a large database that can take a minute, which should not look like a hang. A new
    (empty) database is set up silently.
    """
    clock = Clock.from_env(now)
    now_given = bool(now or os.environ.get("COSELL_NOW"))
    engine = open_engine(db)
    try:
        upgrade(engine, say=on_upgrade)
        shared = Shared(engine, rules, clock)
        name = user or os.environ.get("COSELL_USER")
        with engine.connect() as conn:
            view = identify(conn, name, now_given)
    except BaseException:
        engine.dispose()
        raise
    return Service(shared, view)
