"""Database lifecycle for the `cosell` command: create, seed, erase, and list who can sign in.

These act on a whole database rather than as a user (opening a `Service` needs a valid user,
which is what `cosell users` helps to find), so they take a URL. They live in the service
layer so that the CLI, like the TUI, never touches SQLAlchemy or the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cosell_tui.service.errors import RuleRefusal, require_module
from cosell_tui.store.db import is_postgresql, make_engine, resolve_url
from cosell_tui.store.migrate import alembic_config, upgrade
from cosell_tui.store.tables import organization

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cosell_tui.demo.seed import SeedSummary


@dataclass(frozen=True, slots=True)
class UserSummary:
    """One user, for choosing `--user`: names and roles only, never deals."""

    username: str
    display_name: str
    email: str
    role: str
    role_label: str
    organization_name: str
    entire_company: bool
    locations: tuple[str, ...]  # partner IDs of the user's scope


def open_engine(url: str | None) -> Engine:
    """The engine for `url` (see store.db.make_engine); SetupError when the PostgreSQL driver,
    an extra, is not installed."""
    resolved = resolve_url(url)
    if is_postgresql(resolved):
        require_module("psycopg", "A PostgreSQL database", "postgres")
    return make_engine(resolved)


def resolve_db_url(explicit: str | None) -> str:
    """`--db`/`COSELL_DB`/config value → a SQLAlchemy URL (default: the user's SQLite file)."""
    return resolve_url(explicit)


def shown_url(url: str) -> str:
    """The database for messages: the file for SQLite, the URL without a password otherwise."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return make_url(url).render_as_string(hide_password=True)


def _migrated(url: str) -> Engine:
    engine = open_engine(url)
    upgrade(engine)
    return engine


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(organization)).scalar_one()


def _erase(engine: Engine) -> None:
    """Empty the database the way it was built: every migration's downgrade, down to nothing.

    Going through the migrations (rather than dropping the models' tables) also removes what
    only they know about: the full-text search tables, triggers and functions.
    """
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")


def init_database(url: str) -> bool:
    """Create or migrate the database; True when it holds no data yet."""
    engine = _migrated(url)
    try:
        return _is_empty(engine)
    finally:
        engine.dispose()


def seed_database(
    url: str, deals: int, seed: int, now: datetime, *, force: bool = False
) -> SeedSummary:
    """Fill the database with deterministic demo data; a database with data needs `force`."""
    require_module("faker", "Demo data", "demo")
    from cosell_tui.demo.seed import seed as run_seed

    engine = _migrated(url)
    try:
        if not _is_empty(engine):
            if not force:
                raise RuleRefusal(
                    f"{shown_url(url)} already holds data; `cosell seed --force` erases it "
                    "and seeds again"
                )
            _erase(engine)
            upgrade(engine)
        return run_seed(engine, deals, seed, now=now)
    finally:
        engine.dispose()


def list_users(url: str) -> tuple[UserSummary, ...]:
    """Every active user of the database, by organisation then name (a new database is set up
    first, as every command does, and has none)."""
    # The ORM here only: opening the engine (every command does) stays on SQLAlchemy Core.
    from sqlalchemy.orm import Session, selectinload

    from cosell_tui.store.models import User

    engine = _migrated(url)
    try:
        with Session(engine) as session:
            users = session.scalars(
                select(User)
                .where(User.active.is_(True))  # a deactivated user is offered nowhere
                .options(selectinload(User.organization), selectinload(User.locations))
                .order_by(User.org_id, User.username)
            ).all()
            return tuple(
                UserSummary(
                    username=u.username,
                    display_name=u.display_name,
                    email=u.email,
                    role=u.role.value,
                    role_label=u.role.label,
                    organization_name=u.organization.name,
                    entire_company=u.entire_company,
                    locations=tuple(sorted(loc.partner_id for loc in u.locations)),
                )
                for u in users
            )
    finally:
        engine.dispose()
