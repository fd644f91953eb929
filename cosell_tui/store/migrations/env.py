"""Alembic environment: always run programmatically by `cosell_tui.store.migrate`.

The caller hands over a live connection (config.attributes["connection"]), so no alembic.ini
or URL is needed at runtime; SQLite gets batch mode because it cannot ALTER most things.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SAWarning

from cosell_tui.store.migrate import PG_LOCK_KEY, include_object
from cosell_tui.store.models import Base
from cosell_tui.store.types import Cents, StrEnum, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as their plain storage types, so migrations never change
    meaning when the Python-side types evolve."""
    if type_ == "type":
        if isinstance(obj, StrEnum):
            return "sa.String(length=40)"
        if isinstance(obj, Cents):
            return "sa.BigInteger()"
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime()"
    return False


def _step_reporter(say: Any, steps: int) -> Any:
    """`on_version_apply` hook: one line per migration applied, with how far the upgrade is."""
    done = [0]

    def report(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        if step.is_upgrade:
            done[0] += 1
            doc = (step.revision_map.get_revision(step.up_revision_id).doc or "").strip()
            what = doc.splitlines()[0] if doc else ""
            where = f" ({done[0]}/{steps})" if steps else ""
            say(f"  schema {step.up_revision_id} done{where}{': ' + what if what else ''}")

    return report


def run_migrations(connection: Connection) -> None:
    say = config.attributes.get("on_step")
    context.configure(
        on_version_apply=(
            _step_reporter(say, config.attributes.get("steps", 0)) if say is not None else None
        ),
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
        compare_server_default=False,
        render_item=render_item,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the schema.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
        with warnings.catch_warnings():
            # A batch operation (SQLite) reflects the tables it touches and those their foreign
            # keys reach, referral among them, whose insights indexes are on expressions that
            # SQLAlchemy cannot reflect; migrate.upgrade() puts them back after every upgrade.
            warnings.filterwarnings(
                "ignore",
                message="Skipped unsupported reflection of expression-based index ix_insights_",
                category=SAWarning,
            )
            context.run_migrations()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("cosell migrations run through cosell_tui.store.migrate.upgrade()")
    run_migrations(connection)


main()
