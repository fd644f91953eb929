"""The demo seed: deterministic, complete (every state and type), and internally consistent."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
import pytest
from email_validator import validate_email
from sqlalchemy import Engine, select, text

from cosell_tui.demo import seed as seed_module
from cosell_tui.demo.reference import FABRIKAM, MICROSOFT
from cosell_tui.demo.seed import seed
from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    AccountKind,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Base, ExchangeRate, Referral
from cosell_tui.store.valuation import in_usd, rate_month

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _fresh(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, as Python values (backend-neutral)."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
    return out


#: How many deals each way of seeding writes: row by row with indexes (the demo), and the
#: bulk path that drops indexes and, on SQLite, takes half the deals from a helper process
#: (its thresholds lowered here so a small seed goes the way a million-deal one does).
SIZES = {"demo": 500, "bulk": 2600}


@pytest.fixture(params=list(SIZES))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    if request.param == "bulk":
        monkeypatch.setattr(seed_module, "PARALLEL_THRESHOLD", 2500)
    return SIZES[request.param]


@pytest.fixture
def seeded(db_url: str, way: int) -> Iterator[Engine]:
    engine = _fresh(db_url)
    seed(engine, way, 7, now=NOW)
    yield engine
    engine.dispose()


def test_same_arguments_give_the_same_rows_on_every_backend(
    seeded: Engine, way: int, tmp_path
) -> None:
    other = _fresh(f"sqlite:///{tmp_path / 'again.db'}")
    summary = seed(other, way, 7, now=NOW)
    assert summary.referrals == way
    assert _dump(seeded) == _dump(other)
    other.dispose()


def test_every_reference_resolves_and_ids_are_dense(seeded: Engine, way: int) -> None:
    """The helper's half is moved past the main rows: no gaps, no collisions, no orphans."""
    with seeded.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM referral")).scalar() == way
        for table in ("referral", "history", "team_member", "customer_contact", "invitation"):
            n, top = conn.execute(text(f"SELECT count(*), max(id) FROM {table}")).one()
            assert n == top, table
        orphans = {
            (child, col): conn.execute(
                text(f"SELECT count(*) FROM {child} c WHERE c.{col} IS NOT NULL"
                     f" AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.id = c.{col})")
            ).scalar()
            for child, col in (
                ("history", "referral_id"), ("team_member", "referral_id"),
                ("customer_contact", "referral_id"), ("referral_solution", "referral_id"),
                ("invitation", "from_referral_id"), ("invitation", "to_referral_id"),
                ("favorite", "referral_id"), ("registration", "referral_id"),
            )
        }  # fmt: skip
        assert set(orphans.values()) == {0}, orphans
        lonely = conn.execute(text(
            "SELECT count(*) FROM referral r WHERE NOT EXISTS"
            " (SELECT 1 FROM engagement e WHERE e.id = r.engagement_id)"
        )).scalar()  # fmt: skip
        assert lonely == 0
        # every invitation links two referrals of its own engagement
        crossed = conn.execute(text(
            "SELECT count(*) FROM invitation i JOIN referral f ON f.id = i.from_referral_id"
            " WHERE f.engagement_id <> i.engagement_id"
        )).scalar()  # fmt: skip
        assert crossed == 0
        if seeded.dialect.name == "sqlite":  # the search index covers both halves
            assert conn.execute(text("SELECT count(*) FROM referral_fts")).scalar() == way


def test_another_seed_gives_other_rows(tmp_path) -> None:
    a = _fresh(f"sqlite:///{tmp_path / 'a.db'}")
    b = _fresh(f"sqlite:///{tmp_path / 'b.db'}")
    seed(a, 300, 1, now=NOW)
    seed(b, 300, 2, now=NOW)
    da, db = _dump(a), _dump(b)
    assert da["organization"] == db["organization"]  # reference data is fixed by name
    assert da["referral"] != db["referral"]


def test_seeding_twice_is_refused(seeded: Engine) -> None:
    with pytest.raises(ValueError, match="already holds deals"):
        seed(seeded, 10, 7, now=NOW)


def _referrals(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(Base.metadata.tables["referral"])))


def test_reference_data_is_fixed_by_name(seeded: Engine) -> None:
    with seeded.connect() as conn:
        orgs = {pk: name for pk, name in conn.execute(text("SELECT id, name FROM organization"))}
        assert orgs[1] == "Fabrikam Consulting"
        assert "Microsoft" in orgs.values() and "Trey Research" in orgs.values()
        locs = conn.execute(text("SELECT name, country, partner_id FROM location WHERE org_id = 1"))
        assert set(locs) == {
            ("Fabrikam Seattle", "US", "4100001"),
            ("Fabrikam London", "GB", "4100002"),
            ("Fabrikam Dublin", "IE", "4100003"),
        }
        users = {r.username: r for r in conn.execute(text("SELECT * FROM user_account"))}
        assert users["ava"].entire_company and users["ava"].role == "ReferralsAdmin"
        assert users["ben"].role == "ReferralsAdmin" and not users["ben"].entire_company
        assert users["cara"].role == "ReferralsUser"
        assert users["ms-jordan"].role == "MicrosoftSeller"
        scopes = set(conn.execute(text(
            "SELECT u.username, l.name FROM user_location ul"
            " JOIN user_account u ON u.id = ul.user_id JOIN location l ON l.id = ul.location_id"
        )))  # fmt: skip
        assert scopes == {("ben", "Fabrikam London"), ("cara", "Fabrikam Seattle")}
        contoso = conn.execute(text(
            "SELECT kind, search_name, group_key FROM account"
            " WHERE name = 'Contoso Private Limited'"
        )).one()  # fmt: skip
        assert contoso.kind == AccountKind.MANAGED.value and contoso.search_name == "contoso"
        linked = conn.execute(
            text("SELECT count(*) FROM account WHERE group_key = :g"), {"g": contoso.group_key}
        ).scalar_one()
        assert 2 <= linked <= 4
        # Each linked entry is a Microsoft account of its own: its own ID (as the accounts
        # import requires of a real file), so no two rows of a group look alike.
        ids = conn.execute(text(
            "SELECT count(*), count(DISTINCT microsoft_account_id) FROM account"
            " WHERE microsoft_account_id IS NOT NULL"
        )).one()  # fmt: skip
        assert ids[0] == ids[1] > 0
        rates = conn.execute(text("SELECT currency, count(*) FROM exchange_rate GROUP BY currency"))
        assert dict(rates.all()) == {c: 24 for c in ("USD", "EUR", "GBP", "JPY", "INR", "AUD")}
        assert conn.execute(text("SELECT count(*) FROM referral WHERE currency = 'BRL'")).scalar()
        kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM account"))}
        assert {"MicrosoftManaged", "MicrosoftUnmanaged", "Other"} <= kinds
        assert conn.execute(text("SELECT count(*) FROM account WHERE federal")).scalar()


def test_every_state_and_type_is_present(seeded: Engine) -> None:
    rows = [r for r in _referrals(seeded) if r.org_id == FABRIKAM]
    assert {(r.direction, r.substatus) for r in rows} >= {
        (Direction.INCOMING, s) for s in Substatus if s is not Substatus.RECEIVED
    } | {(Direction.OUTGOING, s) for s in (Substatus.ACCEPTED, Substatus.WON, Substatus.LOST,
                                          Substatus.ERROR)}  # fmt: skip
    assert {r.deal_type for r in rows} == set(DealType)
    assert {r.microsoft_status for r in rows} == set(MicrosoftStatus)
    assert any(r.p2p and r.direction is Direction.OUTGOING for r in rows)
    assert any(r.p2p and r.direction is Direction.INCOMING for r in rows)
    stages = {r.stage_pct for r in rows if r.substatus is Substatus.ACCEPTED}
    assert stages == {10, 20, 40, 60, 80}
    regs = {r.registration_status for r in rows if r.registration_status is not None}
    assert len(regs) == 9
    won = [r for r in rows if r.substatus is Substatus.WON]
    assert {r.registration_eligible for r in won} == {True, False, None}
    pending = [r for r in rows if r.status is Status.NEW]
    assert sum(r.expires_at - NOW <= timedelta(hours=48) for r in pending) >= 4
    assert sum(r.expires_at - NOW <= timedelta(hours=6) for r in pending) >= 2


def test_state_invariants(seeded: Engine) -> None:
    for r in _referrals(seeded):
        assert (r.status, r.substatus) in VALID_STATUS_PAIRS
        assert (r.closed_at is not None) == (r.status is Status.CLOSED), r.id
        if r.status is Status.NEW:
            assert r.expires_at == r.created_at + timedelta(days=14)
            assert r.expires_at > NOW
        assert r.created_at <= NOW and r.updated_at <= NOW
        if r.registration_eligible is not None or r.registration_status is not None:
            assert r.substatus is Substatus.WON
        if r.registration_status is not None:
            assert r.registration_eligible is True


def test_deal_type_agrees_with_the_decision_table(seeded: Engine) -> None:
    with seeded.connect() as conn:
        assessments = defaultdict(int)
        for ref_id, n in conn.execute(text(
            "SELECT rs.referral_id, count(*) FROM referral_solution rs JOIN solution s"
            " ON s.id = rs.solution_id WHERE s.kind = 'Assessment' GROUP BY rs.referral_id"
        )):  # fmt: skip
            assessments[ref_id] = n
        invited = {
            x
            for pair in conn.execute(
                text("SELECT from_referral_id, to_referral_id FROM invitation")
            )
            for x in pair
        }
        solution_count = Counter(
            r[0] for r in conn.execute(text("SELECT referral_id FROM referral_solution"))
        )
    for r in _referrals(seeded):
        if r.org_id != MICROSOFT and r.invited_by_org_id is None:
            assert solution_count[r.id] >= 1
        if assessments[r.id]:
            assert r.deal_type is DealType.SOLUTION_ASSESSMENT and solution_count[r.id] == 1
            continue
        if r.org_id == MICROSOFT:
            continue
        if r.help_type is not HelpType.NONE:
            expected = DealType.CO_SELL
        elif r.visible_to_microsoft:
            expected = DealType.PARTNER_LED
        else:
            expected = DealType.PRIVATE
        if r.invited_by_org_id is None or r.invited_by_org_id != MICROSOFT:
            assert r.deal_type is expected, r.id
        assert r.p2p == (r.id in invited), r.id


def test_counterparts_share_the_engagement(seeded: Engine) -> None:
    by_engagement: dict[str, list[Any]] = defaultdict(list)
    for r in _referrals(seeded):
        by_engagement[r.engagement_id].append(r)
    for refs in by_engagement.values():
        orgs = [r.org_id for r in refs]
        assert len(orgs) == len(set(orgs))  # one referral per organisation
        for r in refs:
            if r.direction is Direction.INCOMING:
                assert r.invited_by_org_id in orgs
            if r.microsoft_status is not MicrosoftStatus.NONE and r.org_id != MICROSOFT:
                assert MICROSOFT in orgs


def test_people_have_valid_phones_and_emails_and_cara_is_on_teams(seeded: Engine) -> None:
    with seeded.connect() as conn:
        people = list(conn.execute(text(
            "SELECT phone, email FROM team_member UNION SELECT phone, email FROM customer_contact"
        )))  # fmt: skip
        cara = conn.execute(text(
            "SELECT count(*) FROM team_member t JOIN referral r ON r.id = t.referral_id"
            " WHERE t.email = 'cara.nguyen@fabrikam.example' AND r.location_id = 1"
        )).scalar()  # fmt: skip
        favs = conn.execute(text("SELECT count(*) FROM favorite WHERE user_id = 1")).scalar()
    for phone, email in people:
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
        assert validate_email(email, check_deliverability=False).normalized == email
    assert cara and cara > 0
    assert favs and favs > 0


def test_usd_values_are_what_the_store_would_keep(seeded: Engine) -> None:
    """The seeder writes value_usd itself; it must match store/valuation.py's rule exactly."""
    with seeded.connect() as conn:
        rates = {
            (m, c): r
            for m, c, r in conn.execute(
                select(ExchangeRate.month, ExchangeRate.currency, ExchangeRate.usd_per_unit)
            )
        }
        rows = conn.execute(
            select(Referral.value, Referral.currency, Referral.created_at, Referral.value_usd)
        ).all()
    missing = 0
    for value, currency, created, usd in rows:
        rate = "1" if currency == "USD" else rates.get((rate_month(created), currency))
        missing += rate is None
        assert usd == in_usd(value, rate), (value, currency, created)
    assert 0 < missing < len(rows)  # the unrated currency sorts last; most deals have a rate
