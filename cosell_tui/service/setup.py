"""`cosell setup` and the TUI's setup screen: a real team's first run on an empty database.

Before it there is no user to act as, so, like `init` and `seed` (admin.py), it works on a
database URL: in one transaction it creates the partner organisation, its locations, whether
it is vetted for solution assessments, the first Referrals admin with entire-company scope, and
Microsoft's organisation (D12; its sellers come from a partners file, nobody is invented), and
logs it (admin_log). A database that already holds an organisation (set up, or seeded) is
refused and left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cosell_tui.domain import OrgKind, Role
from cosell_tui.service.admin import open_engine, shown_url
from cosell_tui.service.audit import log_admin
from cosell_tui.service.errors import RuleRefusal
from cosell_tui.service.parse import inputs, parse
from cosell_tui.service.reference import add_microsoft
from cosell_tui.store.db import writer_engine
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Location, Organization, User


@dataclass(frozen=True, slots=True)
class SetupResult:
    organization: str
    locations: tuple[str, ...]  # "Seattle (4812345, US)"
    admin: str  # the admin's login


def setup_database(url: str, values: Mapping[str, Any], now: datetime) -> SetupResult:
    """Set up an empty database for a real team (see the module); ValidationError for bad
    input, RuleRefusal when the database is already set up — nothing is written either way."""
    parsed = parse(inputs.SetupIn, dict(values), "The set-up", region=_region(values))
    engine = open_engine(url)
    try:
        upgrade(engine)
        writer = writer_engine(engine)
        with Session(writer) as session, session.begin():
            existing = session.scalar(select(Organization.name).order_by(Organization.id).limit(1))
            if existing is not None:
                raise RuleRefusal(
                    f"{shown_url(url)} is already set up ({existing}); change it with "
                    "`cosell admin`, or use a new database."
                )
            org = Organization(
                name=parsed.org,
                kind=OrgKind.PARTNER,
                assessment_vetted=parsed.assessments,
                co_sell_ecosystem=True,
            )
            session.add(org)
            session.flush()
            locations = [
                Location(
                    org_id=org.id, name=loc.name, partner_id=loc.partner_id, country=loc.country
                )
                for loc in parsed.locations
            ]
            session.add_all(locations)
            admin = parsed.admin
            user = User(
                org_id=org.id,
                username=admin.login,
                display_name=admin.name,
                email=admin.email,
                phone=admin.phone,
                role=Role.ADMIN,
                entire_company=True,
                active=True,
            )
            session.add(user)
            session.flush()
            shown = tuple(f"{loc.name} ({loc.partner_id}, {loc.country})" for loc in locations)
            log_admin(
                session,
                now,
                None,
                "setup",
                parsed.org,
                f"Set up {parsed.org}: {', '.join(shown)}; first admin {admin.login}.",
                assessments=parsed.assessments,
                locations=[loc.partner_id for loc in locations],
                admin=admin.login,
            )
            add_microsoft(session, now, None)  # D12: asking Microsoft for help works at once
            return SetupResult(parsed.org, shown, admin.login)
    finally:
        engine.dispose()


def _region(values: Mapping[str, Any]) -> str:
    """The first location's country, for reading a national phone number."""
    locations = values.get("locations")
    if isinstance(locations, list | tuple) and locations and isinstance(locations[0], Mapping):
        country = locations[0].get("country")
        if isinstance(country, str) and len(country.strip()) == 2:
            return country.strip().upper()
    return "US"
