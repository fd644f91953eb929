"""A real team's freshly set-up database for the service tests (`real` in conftest.py): the
set-up of issue 10, and the service as an operating-system login."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cosell_tui.domain import AccountKind, SolutionKind
from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.service import identity as identity_module
from cosell_tui.service.setup import setup_database
from cosell_tui.store.db import make_engine
from cosell_tui.store.models import Account, Base, Organization, Solution

SETUP: dict[str, Any] = {
    "org": "Fabrikam Consulting",
    "assessments": True,
    "locations": [
        {"name": "Seattle", "partner_id": "4812345", "country": "us"},
        {"name": "London", "partner_id": "4812346", "country": "GB"},
    ],
    "admin": {
        "login": "ava",
        "name": "Ava Lindqvist",
        "email": "Ava@Fabrikam.example",
        "phone": "+12065550101",
        "role": "admin",
        "entire_company": True,
    },
}
NOW = datetime.now(UTC)  # a real database runs on the system clock
SOLUTION = "SOL-FAB-LAKE"
BEN = {"login": "ben", "name": "Ben Okafor", "email": "ben@fabrikam.example",
       "phone": "020 7946 0018", "role": "user", "locations": "4812346"}  # fmt: skip
CARA = {"login": "cara", "name": "Cara Nguyen", "email": "cara@fabrikam.example",
        "phone": "206 555 0103", "role": "user", "locations": ["4812345"]}  # fmt: skip

Opener = Callable[..., Service]


def dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t))]
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def open_real(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Opener]:
    """A freshly set-up real database, and `open_as(login, user=..., now=...)`: the service as
    the operating-system user `login` (no demo marker: the real rules apply)."""
    for name in ("COSELL_USER", "COSELL_NOW"):
        monkeypatch.delenv(name, raising=False)
    setup_database(db_url, SETUP, NOW)
    engine = make_engine(db_url)
    with Session(engine) as s:  # what `cosell admin account|solution import` will bring
        org = s.scalar(select(Organization.id))
        s.add(Account(name="Contoso Ltd", search_name="contoso", kind=AccountKind.MANAGED,
                      group_key="G1", country="US", city="Seattle"))  # fmt: skip
        s.add(Solution(id=SOLUTION, name="Fabrikam Lakehouse", kind=SolutionKind.PARTNER,
                       publisher_org_id=org, publisher_name="Fabrikam Consulting",
                       azure_ip_co_sell=True, co_sell_ready=True))  # fmt: skip
        s.commit()
    engine.dispose()
    opened: list[Service] = []

    def open_as(login: str, **options: Any) -> Service:
        monkeypatch.setattr(identity_module, "os_login", lambda: login)
        service = open_service(db_url, rules=default_rulebook(), **options)
        opened.append(service)
        return service

    yield open_as
    for service in opened:
        service.close()
