"""Schema migrations applied on start: `upgrade(engine)` brings any database to the models.

The Alembic scripts ship inside the package (store/migrations), configured in code, so an
installed cosell needs no alembic.ini. Running it again is a no-op.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: Objects the migrations create that the ORM models do not describe (full-text search).
_UNMODELLED_PREFIXES = ("referral_fts", "ix_referral_search")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave search tables and indexes, which only the migrations know, out of autogenerate."""
    return not (name or "").startswith(_UNMODELLED_PREFIXES)


def alembic_config() -> Config:
    """An in-memory Alembic config pointing at the packaged scripts (the connection is handed
    over in `attributes`, so no URL is needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every pending migration in one go; safe to call on every start."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (tests of upgrades on filled databases; operators
    undoing a release). Data in dropped columns is lost."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
