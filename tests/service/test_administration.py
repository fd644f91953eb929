"""Day one for a real team (issue 10): set-up from an empty database, who is at the keyboard,
and the admin's users, locations and exchange rates — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cosell_tui.domain import HelpType, Role
from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.service import identity as identity_module
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import DealDraft, PersonInput, SolutionInput
from cosell_tui.service.identity import NotSetUpError
from cosell_tui.service.setup import setup_database
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Account, Location, Organization
from tests import factories as f
from tests.service.realdb import BEN, CARA, NOW, SETUP, SOLUTION, Opener, dump

# --- set-up -------------------------------------------------------------------------------


def test_setup_creates_org_locations_and_the_first_admin(real: Opener, db_url: str) -> None:
    ava = real("ava")
    assert (ava.user.username, ava.user.role, ava.user.entire_company) == ("ava", Role.ADMIN, True)
    assert ava.user.org_name == "Fabrikam Consulting"
    assert ava.user.email == "ava@fabrikam.example"
    assert [(loc.partner_id, loc.name, loc.country) for loc in ava.administration.locations()] == [
        ("4812345", "Seattle", "US"),
        ("4812346", "London", "GB"),
    ]
    engine = make_engine(db_url)
    with Session(engine) as s:
        assert s.scalar(select(Organization.assessment_vetted)) is True
    engine.dispose()
    log = ava.administration.log()
    assert log[-1].action == "setup" and log[-1].who == "set-up"


def test_setup_refuses_an_already_set_up_database(real: Opener, db_url: str) -> None:
    before = dump(db_url)
    with pytest.raises(RuleRefusal, match="already set up"):
        setup_database(db_url, {**SETUP, "org": "Other"}, NOW)
    assert dump(db_url) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"org": " "}, "org"),
        ({"locations": []}, "locations"),
        ({"locations": [{"name": "X", "partner_id": "12a", "country": "US"}]}, "partner_id"),
        ({"locations": [{"name": "X", "partner_id": "1", "country": "XY"}]}, "country"),
        ({"admin": {**SETUP["admin"], "email": "not-an-email"}}, "email"),
        ({"admin": {**SETUP["admin"], "phone": "12"}}, "phone"),
        ({"admin": {**SETUP["admin"], "login": "-x"}}, "login"),
    ],
)
def test_setup_refuses_bad_input_and_writes_nothing(
    db_url: str, change: dict[str, Any], field: str
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    before = dump(db_url)
    with pytest.raises(ValidationError) as caught:
        setup_database(db_url, {**SETUP, **change}, NOW)
    assert any(key.endswith(field) for key in caught.value.fields), caught.value.fields
    assert dump(db_url) == before


def test_setup_refuses_a_partner_id_given_twice(db_url: str) -> None:
    twice = [{"name": "A", "partner_id": "7", "country": "US"}] * 2
    with pytest.raises(ValidationError, match="given twice"):
        setup_database(db_url, {**SETUP, "locations": twice}, NOW)


def test_an_empty_database_asks_for_setup(db_url: str) -> None:
    with pytest.raises(NotSetUpError, match="cosell setup"):
        open_service(db_url, rules=default_rulebook())


# --- who is at the keyboard ----------------------------------------------------------------


def test_the_os_login_is_the_user(real: Opener) -> None:
    real("ava").administration.add_user(BEN)
    assert real("ben").user.username == "ben"


def test_an_unknown_login_is_refused(real: Opener) -> None:
    with pytest.raises(RuleRefusal, match="'mallory', which is not a user"):
        real("mallory")


def test_only_an_admin_acts_as_another_user(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(BEN)
    ava.administration.add_user(CARA)
    with pytest.raises(RuleRefusal, match="Only a Referrals admin may act as another user"):
        real("ben", user="ava")
    with pytest.raises(RuleRefusal, match="Only a Referrals admin"):
        real("ben", user="cara")
    as_cara = real("ava", user="cara")
    assert (as_cara.user.username, as_cara.user.operator_name) == ("cara", "Ava Lindqvist")
    with pytest.raises(NotFoundError):
        real("ava", user="nobody")


def test_acting_as_is_recorded_in_history(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(CARA)
    as_cara = real("ava", user="cara")
    row = as_cara.creation.create_deal(deal_draft(as_cara)).deal
    history = as_cara.listing.deal(row.id).history
    assert history[-1].who == "Ava Lindqvist acting as Cara Nguyen"
    with pytest.raises(RuleRefusal, match="Referrals admins"):
        as_cara.administration.users()


def test_now_is_refused_on_a_real_database(real: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RuleRefusal, match="only on a demo or test database"):
        real("ava", now="2020-01-01T00:00:00Z")
    monkeypatch.setenv("COSELL_NOW", "2026-01-01T00:00:00Z")
    with pytest.raises(RuleRefusal, match="only on a demo or test database"):
        real("ava")


def test_demo_databases_stay_free(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    f.reference(engine)  # marks the database "test"
    engine.dispose()
    monkeypatch.setattr(identity_module, "os_login", lambda: "cara")
    service = open_service(db_url, now=f.NOW, rules=default_rulebook())
    assert service.user.username == "cara"  # the login, when it is a user
    service.close()
    service = open_service(db_url, user="jordan", now=f.NOW, rules=default_rulebook())
    assert service.user.username == "jordan" and service.user.operator_id is None
    service.close()


# --- users ---------------------------------------------------------------------------------


def test_add_user_validates_and_refuses_duplicates(real: Opener, db_url: str) -> None:
    ava = real("ava")
    ben = ava.administration.add_user(BEN)
    assert (ben.phone, ben.role, ben.locations) == ("+442079460018", Role.USER, ("4812346",))
    before = dump(db_url)
    with pytest.raises(ValidationError, match="taken"):
        ava.administration.add_user(BEN)
    with pytest.raises(ValidationError, match="No location with PartnerID 999"):
        ava.administration.add_user(
            {**BEN, "login": "bo", "locations": "999", "phone": "+442079460018"}
        )
    with pytest.raises(ValidationError) as caught:
        ava.administration.add_user({**BEN, "login": "bo", "email": "x", "role": "boss"})
    assert {"email", "role"} <= set(caught.value.fields)
    with pytest.raises(ValidationError, match="entire company or some locations"):
        ava.administration.add_user({**BEN, "login": "bo", "entire_company": True})
    assert dump(db_url) == before


def test_only_an_entire_company_admin_grants_entire_company(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user({**BEN, "role": "admin"})  # London admin
    ben = real("ben")
    with pytest.raises(RuleRefusal, match="Only an entire-company admin"):
        ben.administration.add_user({**CARA, "locations": None, "entire_company": True})
    with pytest.raises(RuleRefusal, match="outside your scope"):
        ben.administration.add_user(CARA)  # Seattle is not his
    with pytest.raises(RuleRefusal, match="wider than yours"):
        ben.administration.edit_user("ava", {"name": "A"})


def test_edit_user_changes_what_is_given_and_logs_it(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(CARA)
    changed = ava.administration.edit_user(
        "cara", {"name": "Cara N.", "role": "admin", "locations": "4812345,4812346"}
    )
    assert (changed.name, changed.role, changed.email) == ("Cara N.", Role.ADMIN, CARA["email"])
    assert changed.locations == ("4812345", "4812346")
    entry = ava.administration.log()[0]
    assert entry.action == "user_edited" and "name Cara Nguyen → Cara N." in entry.summary


def test_deactivated_users_cannot_act_and_keep_their_deals(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(CARA)
    cara = real("cara")
    row = cara.creation.create_deal(deal_draft(cara)).deal
    ava.administration.set_active("cara", False)
    with pytest.raises(RuleRefusal, match="deactivated"):
        real("cara")
    with pytest.raises(RuleRefusal, match="deactivated"):
        real("ava", user="cara")
    assert ava.listing.deal(row.id).history[-1].who == "Cara Nguyen"
    assert [u.login for u in ava.administration.users(include_inactive=False)] == ["ava"]
    with pytest.raises(RuleRefusal, match="already deactivated"):
        ava.administration.set_active("cara", False)
    ava.administration.set_active("cara", True)
    assert real("cara").user.username == "cara"


def test_a_session_opened_before_a_deactivation_or_a_change_of_access_cannot_write(
    real: Opener,
) -> None:
    """A TUI left open all day: the user was identified when it started, and an admin
    deactivated them or changed their scope since. Their next write is refused in words and
    changes nothing; reads go on; a new session acts with the new access."""
    ava = real("ava")
    ava.administration.add_user(CARA)
    cara = real("cara")  # opened now, as the TUI is
    row = cara.creation.create_deal(deal_draft(cara)).deal
    ava.administration.set_active("cara", False)
    with pytest.raises(RuleRefusal, match="cara was deactivated"):
        cara.listing.set_favorite(row.id, True)
    with pytest.raises(RuleRefusal, match="deactivated"):
        cara.lifecycle.mark_stage(row.id, row.version, 20)
    assert ava.listing.deal(row.id).row.version == row.version  # nothing written
    assert cara.listing.deal(row.id).row.id == row.id  # reading still works
    ava.administration.set_active("cara", True)
    ava.administration.edit_user("cara", {"role": "admin"})
    with pytest.raises(RuleRefusal, match="role or locations changed"):
        cara.lifecycle.mark_stage(row.id, row.version, 20)
    assert real("cara").lifecycle.mark_stage(row.id, row.version, 20).deal.stage_pct == 20


def test_the_last_company_admin_stays(real: Opener) -> None:
    ava = real("ava")
    with pytest.raises(RuleRefusal, match="cannot deactivate yourself"):
        ava.administration.set_active("ava", False)
    with pytest.raises(RuleRefusal, match="without an active entire-company"):
        ava.administration.edit_user("ava", {"role": "user"})


# --- locations -------------------------------------------------------------------------------


def test_locations_add_edit_and_partner_id_freezes_once_used(real: Opener) -> None:
    ava = real("ava")
    added = ava.administration.add_location({"name": "Munich", "partner_id": "4812347",
                                             "country": "de"})  # fmt: skip
    assert (added.country, added.deals) == ("DE", 0)
    with pytest.raises(ValidationError, match="already used"):
        ava.administration.add_location({"name": "M2", "partner_id": "4812347", "country": "DE"})
    moved = ava.administration.edit_location("4812347", {"partner_id": "4812348", "name": "MUC"})
    assert (moved.partner_id, moved.name) == ("4812348", "MUC")
    ava.creation.create_deal(deal_draft(ava))  # Seattle's PartnerID is now in use
    with pytest.raises(RuleRefusal, match="cannot change: 1 deal uses it"):
        ava.administration.edit_location("4812345", {"partner_id": "1"})
    assert ava.administration.edit_location("4812345", {"name": "Seattle HQ"}).deals == 1
    with pytest.raises(NotFoundError):
        ava.administration.edit_location("42", {"name": "x"})


# --- exchange rates: a won EUR deal waits for its month's rate --------------------------------


def test_rate_set_validates(real: Opener) -> None:
    ava = real("ava")
    for bad, words in (({"rate": "0"}, "positive"), ({"rate": "abc"}, "not a number"),
                       ({"currency": "XXQ"}, "ISO 4217"), ({"month": "2026-13"}, "not a month"),
                       ({"currency": "USD"}, "USD needs no rate")):  # fmt: skip
        with pytest.raises(ValidationError, match=words):
            ava.administration.set_rate({"month": "2026-12", "currency": "EUR", "rate": "1.08",
                                         **bad})  # fmt: skip
    assert ava.administration.rates() == ()


def test_a_won_eur_deal_is_decided_once_its_months_rate_is_set(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(CARA)
    cara = real("cara")  # another OS login: on the deal team, wins it
    draft = deal_draft(ava, currency="EUR", value="60000", visible_to_microsoft=True)
    row = ava.creation.create_deal(draft).deal
    row = cara.lifecycle.won(row.id, cara.listing.row(row.id).version).deal
    detail = cara.listing.deal(row.id)
    assert detail.checklist is not None and detail.checklist.undecidable
    assert "cosell admin rate set YYYY-MM EUR RATE" in " ".join(
        c.reason for c in detail.checklist.items
    )
    month = ava.clock.now().strftime("%Y-%m")
    missing = ava.administration.missing_rates()
    assert [(f"{m.month:%Y-%m}", m.currency, m.won, m.open) for m in missing] == [
        (month, "EUR", 1, 0)
    ]
    done = ava.administration.set_rate({"month": month, "currency": "EUR", "rate": "1.10"})
    assert (done.revalued, done.decided) == (1, 1)
    assert ava.administration.missing_rates() == ()
    assert [(r.currency, str(r.usd_per_unit)) for r in ava.administration.rates("eur")] == [
        ("EUR", "1.10")
    ]
    detail = cara.listing.deal(row.id)
    assert detail.checklist is not None and detail.checklist.eligible
    assert detail.row.value_usd is not None
    today = cara.clock.now().date()
    form = f.registration_form(
        solution_id=SOLUTION,
        sign_date=today.isoformat(),
        start_date=(today + timedelta(days=1)).isoformat(),
        end_date=(today + timedelta(days=1 + 3 * 365)).isoformat(),
    )
    registered = cara.registration.register(row.id, detail.row.version, form)
    assert registered.deal.registration_status is not None
    assert ava.administration.log()[0].summary == f"EUR {month}: 1 EUR = 1.10 USD."


def deal_draft(service: Service, **overrides: Any) -> DealDraft:
    """A private deal for Seattle on the real database, Ava and Cara on the team."""
    engine = service._ctx.shared.engine
    with Session(engine) as s:
        account = s.scalar(select(Account.id))
        seattle = s.scalar(select(Location.id).where(Location.partner_id == "4812345"))
    values: dict[str, Any] = {
        "name": "Lakehouse for Contoso",
        "location_id": seattle,
        "value": "50000",
        "currency": "USD",
        "close_date": "2027-03-31",
        "notes": "Customer wants a lakehouse.",
        "account_id": account,
        "marketplace_intent": "No",
        "team": (
            PersonInput("Ava", "Lindqvist", "+12065550101", "ava@fabrikam.example"),
            PersonInput("Cara", "Nguyen", "+12065550103", "cara@fabrikam.example"),
        ),
        "solutions": (SolutionInput(SOLUTION),),
        "help_type": HelpType.NONE,
        "visible_to_microsoft": False,
    }
    values.update(overrides)
    return DealDraft(**values)


def test_postgresql_role_is_the_user(real: Opener, db_url: str) -> None:
    """On PostgreSQL the database role names the user first, whatever the shell's login."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL role")
    engine = make_engine(db_url)
    with engine.connect() as conn:
        role = str(conn.exec_driver_sql("SELECT current_user").scalar_one())
    engine.dispose()
    real("ava").administration.add_user({**CARA, "login": role})
    assert real("somebody-else").user.username == role


def test_users_are_read_a_page_at_a_time_and_searched(real: Opener) -> None:
    """Like every listing: a page by login from the database, a count, a search by login or
    name (any case), deactivated users left out on request."""
    ava = real("ava")
    ava.administration.add_user(BEN)
    ava.administration.add_user(CARA)
    admin = ava.administration
    assert [u.login for u in admin.users()] == ["ava", "ben", "cara"] and admin.count_users() == 3
    assert [u.login for u in admin.users(limit=1, offset=1)] == ["ben"]
    assert (
        [u.login for u in admin.users("NGUY")] == ["cara"] == [u.login for u in admin.users("car")]
    )
    assert admin.count_users("a") == 3 and admin.count_users("okafor") == 1
    admin.set_active("ben", False)
    assert [u.login for u in admin.users(include_inactive=False)] == ["ava", "cara"]
    assert admin.count_users(include_inactive=False) == 2
    assert admin.users("%") == () and admin.count_users("_") == 0  # no wildcards
