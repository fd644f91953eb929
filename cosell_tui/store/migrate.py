"""Schema migrations applied on start: `upgrade(engine)` brings any database to the models.

The Alembic scripts ship inside the package (store/migrations), configured in code, so an
installed cosell needs no alembic.ini. Running it again is a no-op.

Opening a database that is already current must stay quick (every `cosell` command does it):
`current_revision` reads the `alembic_version` row with one query, `HEAD` names the newest
script (a test holds it to Alembic's own answer), and Alembic itself is imported only when the
schema is behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: The newest revision the package ships (store/migrations/versions/; tests/store/test_migrate.py
#: checks it against Alembic's script directory).
HEAD = "0007_msside"

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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    return HEAD


def scripts_head() -> str:
    """The head as Alembic's script directory sees it (for the test that guards `HEAD`)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database): one query, no Alembic."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == HEAD


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every pending migration in one go; safe to call on every start (a database that is
    already at the head costs one query)."""
    if revision in ("head", HEAD) and is_current(engine):
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (tests of upgrades on filled databases; operators
    undoing a release). Data in dropped columns is lost."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
