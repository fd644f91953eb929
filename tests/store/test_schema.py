from sqlalchemy import inspect

from cosell_tui.store.db import make_engine
from cosell_tui.store.models import Base


def test_schema_creates_on_every_backend(db_url: str) -> None:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    names = set(inspect(engine).get_table_names())
    assert {"referral", "engagement", "registration", "history", "notification"} <= names
    engine.dispose()
