"""The grids: tab membership, scope (D10), every filter term and its negation, every sort key
both ways, and paging that neither skips nor repeats rows on any path (head, deep, tail)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from cosell_tui.demo.reference import FABRIKAM, LONDON, SEATTLE
from cosell_tui.demo.seed import seed
from cosell_tui.domain import DealType, MicrosoftStatus, Role, Status, Substatus
from cosell_tui.domain.query import parse
from cosell_tui.domain.views import DealRow, SortKey, Tab
from cosell_tui.store import grid as grid_mod
from cosell_tui.store.db import make_engine
from cosell_tui.store.grid import Grid, Scope
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Base

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AVA = Scope(FABRIKAM, 1, "ava.lindqvist@fabrikam.example", Role.ADMIN, True)
BEN = Scope(FABRIKAM, 2, "ben.okafor@fabrikam.example", Role.ADMIN, False, (LONDON,))
CARA = Scope(FABRIKAM, 3, "cara.nguyen@fabrikam.example", Role.USER, False, (SEATTLE,))
EMPTY = parse("")


def _seeded(url: str) -> Iterator[Engine]:
    eng = make_engine(url)
    upgrade(eng)
    seed(eng, 500, 7, now=NOW)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def engine(module_db_url: str) -> Iterator[Engine]:
    """One seeded database per backend for the module: these tests only read it (the one that
    writes takes `own_engine`)."""
    yield from _seeded(module_db_url)


@pytest.fixture
def own_engine(db_url: str) -> Iterator[Engine]:
    yield from _seeded(db_url)


@pytest.fixture
def grid(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Grid:
    # A small window makes a 500-deal demo exercise the head, deep and tail paths.
    monkeypatch.setattr(grid_mod, "DIRECT_WINDOW", 25)
    return Grid(engine)


def _table(engine: Engine) -> dict[int, Any]:
    with engine.connect() as conn:
        rows = conn.execute(select(Base.metadata.tables["referral"])).all()
        teams: dict[int, set[str]] = {}
        for ref, email in conn.execute(text("SELECT referral_id, email FROM team_member")):
            teams.setdefault(ref, set()).add(email)
        favs = {
            r[0] for r in conn.execute(text("SELECT referral_id FROM favorite WHERE user_id=1"))
        }
    out = {}
    for r in rows:
        d = r._asdict()
        d["team"] = teams.get(r.id, set())
        d["fav"] = r.id in favs
        out[r.id] = d
    return out


def _all(grid: Grid, scope: Scope, tab: Tab, q: str = "", **kw: Any) -> list[DealRow]:
    rows: list[DealRow] = []
    query = parse(q)
    total = grid.count(scope, tab, query, NOW)
    offset = 0
    while offset < total + 40:
        page = grid.page(scope, tab, query, NOW, offset=offset, limit=37, **kw)
        rows.extend(page)
        offset += 37
    assert len(rows) == total
    assert len({r.id for r in rows}) == total  # no duplicates
    return rows


def _in_tab(r: dict[str, Any], tab: Tab) -> bool:
    if tab is Tab.CLOSED:
        return r["status"] is Status.CLOSED
    if tab is Tab.FAVORITES:
        return r["fav"]
    direction = "Incoming" if tab is Tab.INBOUND else "Outgoing"
    return r["status"] is not Status.CLOSED and r["direction"].value == direction


def test_tabs_hold_exactly_their_deals(engine: Engine, grid: Grid) -> None:
    table = _table(engine)
    ours = {i: r for i, r in table.items() if r["org_id"] == FABRIKAM}
    counts = grid.tab_counts(AVA, NOW)
    for tab in Tab:
        ids = {r.id for r in _all(grid, AVA, tab)}
        assert ids == {i for i, r in ours.items() if _in_tab(r, tab)}, tab
        assert counts[tab] == len(ids)
        assert all(r.favorite == table[r.id]["fav"] for r in _all(grid, AVA, tab))
    assert counts[Tab.INBOUND] + counts[Tab.OUTBOUND] + counts[Tab.CLOSED] == len(ours)


def test_scope_of_location_admin_and_team_user(engine: Engine, grid: Grid) -> None:
    table = _table(engine)
    for tab in (Tab.INBOUND, Tab.OUTBOUND, Tab.CLOSED):
        ben = {r.id for r in _all(grid, BEN, tab)}
        assert ben == {
            i
            for i, r in table.items()
            if r["org_id"] == FABRIKAM and r["location_id"] == LONDON and _in_tab(r, tab)
        }
        cara = {r.id for r in _all(grid, CARA, tab)}
        assert cara == {
            i
            for i, r in table.items()
            if r["org_id"] == FABRIKAM
            and r["location_id"] == SEATTLE
            and CARA.email in r["team"]
            and _in_tab(r, tab)
        }
    assert grid.tab_counts(CARA, NOW)[Tab.CLOSED] > 0
    nobody = Scope(FABRIKAM, 99, "x@y.example", Role.ADMIN, False, ())
    assert grid.count(nobody, Tab.CLOSED, EMPTY, NOW) == 0


Pred = Callable[[dict[str, Any]], bool]
TERMS: list[tuple[str, Pred]] = [
    ("status:received", lambda r: r["substatus"] in (Substatus.PENDING, Substatus.RECEIVED)),
    ("status:accepted", lambda r: r["substatus"] is Substatus.ACCEPTED),
    ("status:won", lambda r: r["substatus"] is Substatus.WON),
    ("status:lost,declined", lambda r: r["substatus"] in (Substatus.LOST, Substatus.DECLINED)),
    ("status:expired", lambda r: r["substatus"] is Substatus.EXPIRED),
    ("status:error", lambda r: r["substatus"] is Substatus.ERROR),
    ("type:private", lambda r: r["deal_type"] is DealType.PRIVATE),
    ("type:partner-led", lambda r: r["deal_type"] is DealType.PARTNER_LED),
    ("type:co-sell", lambda r: r["deal_type"] is DealType.CO_SELL),
    ("type:sa", lambda r: r["deal_type"] is DealType.SOLUTION_ASSESSMENT),
    ("type:p2p", lambda r: r["p2p"]),
    ("country:GB", lambda r: r["country"] == "GB"),
    ("value:>=25k", lambda r: r["value"] >= Decimal(25000)),
    ("value:<10k", lambda r: r["value"] < Decimal(10000)),
    ("expires:<2d", lambda r: r["expires_at"] is not None
     and r["expires_at"] < NOW + timedelta(days=2)),
    ("stage:proposed", lambda r: r["stage_pct"] == 60),
    ("stage:won", lambda r: r["stage_pct"] == 100),
    ("registration:eligible", lambda r: r["registration_eligible"] is True
     and r["registration_status"] is None),
    ("registration:registered", lambda r: r["registration_status"] is not None),
    ("registration:approved", lambda r: r["registration_status"] is not None
     and r["registration_status"].value == "Approved"),
    ("ms:accepted", lambda r: r["microsoft_status"] is MicrosoftStatus.ACCEPTED),
    ("ms:pending", lambda r: r["microsoft_status"] is MicrosoftStatus.PENDING),
    ("fav:yes", lambda r: r["fav"]),
    ("contoso", lambda r: "contoso" in (r["name"] + r["customer_name"]).lower()),
]  # fmt: skip


@pytest.mark.parametrize(("term", "pred"), TERMS, ids=[t for t, _ in TERMS])
def test_each_filter_and_its_negation(engine: Engine, grid: Grid, term: str, pred: Pred) -> None:
    table = _table(engine)
    ours = [r for r in table.values() if r["org_id"] == FABRIKAM]
    for tab in (Tab.INBOUND, Tab.CLOSED, Tab.OUTBOUND):
        members = [r for r in ours if _in_tab(r, tab)]
        hit = {r.id for r in _all(grid, AVA, tab, term)}
        miss = {r.id for r in _all(grid, AVA, tab, "!" + term)}
        assert hit == {r["id"] for r in members if pred(r)}, tab
        assert miss == {r["id"] for r in members if not pred(r)}, tab
    everything = [r for r in ours if pred(r)]
    assert everything, f"the demo has no deal for {term}"


def test_free_text_finds_referral_ids_crm_ids_and_phrases(engine: Engine, grid: Grid) -> None:
    table = _table(engine)
    row = next(r for r in table.values() if r["org_id"] == FABRIKAM and r["crm_id"])
    tab = next(t for t in (Tab.INBOUND, Tab.OUTBOUND, Tab.CLOSED) if _in_tab(row, t))
    by_ref = {r.id for r in _all(grid, AVA, tab, row["referral_id"][:8])}
    assert row["id"] in by_ref
    assert row["id"] in {r.id for r in _all(grid, AVA, tab, row["crm_id"])}
    words = row["notes"].split()[:3]
    phrase = '"' + " ".join(words) + '"'
    found = _all(grid, AVA, tab, phrase)
    assert row["id"] in {r.id for r in found}
    assert all(" ".join(words).lower() in table[r.id]["notes"].lower() for r in found)


def _sort_key(sort: SortKey) -> Callable[[DealRow], Any]:
    attr = {
        SortKey.NAME: "name", SortKey.CUSTOMER: "customer_name", SortKey.TYPE: "deal_type",
        SortKey.STATUS: "substatus", SortKey.VALUE: "value_usd", SortKey.CLOSE_DATE: "close_date",
        SortKey.COUNTRY: "country", SortKey.CREATED: "created_at", SortKey.EXPIRES: "expires_at",
        SortKey.MICROSOFT_STATUS: "microsoft_status", SortKey.PARTNER_ROLE: "partner_role",
        SortKey.PARTNER_PROGRAM: "partner_program", SortKey.REFERRAL_ID: "referral_id",
        SortKey.CRM_ID: "crm_id", SortKey.CLOSED: "closed_at",
    }[sort]  # fmt: skip

    def key(row: DealRow) -> Any:
        value = getattr(row, attr)
        return str(value) if hasattr(value, "value") else value

    return key


@pytest.mark.parametrize("sort", list(SortKey), ids=[s.value for s in SortKey])
def test_every_sort_both_ways_pages_without_gaps(grid: Grid, sort: SortKey) -> None:
    key = _sort_key(sort)
    for tab in (Tab.CLOSED, Tab.INBOUND):
        for descending in (False, True):
            rows = _all(grid, AVA, tab, sort=sort, descending=descending)
            present = [r for r in rows if key(r) is not None]
            empty = [r for r in rows if key(r) is None]
            assert rows == present + empty  # empty values last either way
            expected = sorted(present, key=lambda r: (key(r), r.id), reverse=descending)
            assert present == expected
            assert [r.id for r in empty] == sorted((r.id for r in empty), reverse=descending)


def test_default_orders(grid: Grid) -> None:
    inbound = _all(grid, AVA, Tab.INBOUND)
    pending = [r for r in inbound if r.expires_at is not None]
    assert pending and inbound[: len(pending)] == pending
    expiries = [r.expires_at for r in pending if r.expires_at is not None]
    assert expiries == sorted(expiries)
    closed = _all(grid, AVA, Tab.CLOSED)
    assert [r.created_at for r in closed] == sorted((r.created_at for r in closed), reverse=True)


def test_pages_at_every_offset_agree_with_one_read(grid: Grid) -> None:
    full = _all(grid, AVA, Tab.CLOSED)
    grid.invalidate()
    for offset in (0, 10, 24, 30, 60, len(full) - 30, len(full) - 5, len(full), len(full) + 3):
        page = grid.page(AVA, Tab.CLOSED, EMPTY, NOW, offset=offset, limit=20)
        assert page == full[offset : offset + 20], offset
        grid.invalidate()


def test_a_write_refreshes_cached_pages(
    own_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = own_engine
    monkeypatch.setattr(grid_mod, "DIRECT_WINDOW", 25)
    grid = Grid(engine)
    before = _all(grid, AVA, Tab.CLOSED, sort=SortKey.NAME)
    target = before[-1]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE referral SET name = 'AAA zebracorn' WHERE id = :i"), {"i": target.id}
        )
    after = grid.page(AVA, Tab.CLOSED, EMPTY, NOW, sort=SortKey.NAME, offset=0, limit=1)
    assert after[0].id == target.id and after[0].name == "AAA zebracorn"
    assert [r.id for r in _all(grid, AVA, Tab.CLOSED, "zebracorn", sort=SortKey.NAME)] == [
        target.id
    ]


@pytest.mark.parametrize(
    "sort",
    sorted(grid_mod.COVERED_SORTS | {SortKey.REFERRAL_ID, SortKey.CRM_ID}, key=str),
    ids=lambda s: s.value,
)
def test_new_sorts_order_every_scope_and_filter(grid: Grid, sort: SortKey) -> None:
    """The sorts read from ix_referral_filter or the newer tab indexes: any scope, a filter,
    both ways, empty values last, ties by id (module docstring of store/grid.py)."""
    key = _sort_key(sort)
    cases = (
        (BEN, Tab.CLOSED, ""),
        (CARA, Tab.OUTBOUND, ""),
        (AVA, Tab.CLOSED, "!status:won"),
        (AVA, Tab.OUTBOUND, "value:>=10k"),
    )
    for scope, tab, q in cases:
        plain = {r.id for r in _all(grid, scope, tab, q)}
        for descending in (False, True):
            rows = _all(grid, scope, tab, q, sort=sort, descending=descending)
            assert {r.id for r in rows} == plain
            present = [r for r in rows if key(r) is not None]
            empty = [r for r in rows if key(r) is None]
            assert rows == present + empty
            assert present == sorted(present, key=lambda r: (key(r), r.id), reverse=descending)
            assert [r.id for r in empty] == sorted((r.id for r in empty), reverse=descending)


@pytest.mark.parametrize("q", ["", "status:won", "!type:private", "e", "fav:yes", "value:>=25k"])
def test_ids_are_exactly_the_filtered_rows_in_order(grid: Grid, q: str) -> None:
    for scope in (AVA, BEN, CARA):
        for tab in Tab:
            rows = [r.id for r in _all(grid, scope, tab, q)]
            grid.invalidate()
            assert list(grid.ids(scope, tab, parse(q), NOW)) == rows, (scope.user_id, tab)
            assert list(grid.ids(scope, tab, parse(q), NOW, start=3, stop=9)) == rows[3:9]
            ids = grid.ids(scope, tab, parse(q), NOW, sort=SortKey.COUNTRY, descending=True)
            assert list(ids) == [
                r.id for r in _all(grid, scope, tab, q, sort=SortKey.COUNTRY, descending=True)
            ]


@pytest.mark.parametrize("q", ["e", "co", "a status:won", "e !type:private", "e contoso"])
@pytest.mark.parametrize(
    "sort", [None, SortKey.NAME, SortKey.CREATED, SortKey.TYPE, SortKey.CLOSED], ids=str
)
def test_frequent_short_words_probed_during_the_walk_give_the_same_pages(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, q: str, sort: SortKey | None
) -> None:
    """A word with FREQUENT hits is asked per row of the index walk (SQLite): same rows, same
    order, on every path (head, deep, tail) as collecting and ordering all hits."""
    monkeypatch.setattr(grid_mod, "DIRECT_WINDOW", 25)
    monkeypatch.setattr(grid_mod, "FREQUENT", 10**9)
    collected = {
        (scope.user_id, tab): _all(Grid(engine), scope, tab, q, sort=sort)
        for scope in (AVA, BEN, CARA)
        for tab in Tab
    }
    monkeypatch.setattr(grid_mod, "FREQUENT", 1)
    probing = Grid(engine)
    probed = {
        (scope.user_id, tab): _all(probing, scope, tab, q, sort=sort)
        for scope in (AVA, BEN, CARA)
        for tab in Tab
    }
    assert probed == collected
    assert any(collected.values())
    if engine.dialect.name == "sqlite" and q in ("e", "co"):
        with engine.connect() as conn:
            assert probing._frequent_words(conn, parse(q), grid_mod._Entry(0))  # probing path


def _first_to_expire(grid: Grid) -> DealRow:
    """The received referral of AVA's Inbound whose window ends first after NOW."""
    received = _all(grid, AVA, Tab.INBOUND, "status:received")
    target = min(received, key=lambda r: (r.expires_at, r.id))
    assert target.expires_at is not None and target.expires_at > NOW
    return target


def test_an_overdue_referral_reads_expired_before_the_sweep(engine: Engine, grid: Grid) -> None:
    """D9a: from its expiry instant a received referral leaves Inbound (and `status:received`)
    and is in Closed under `status:expired` (its row reads Expired), though the sweep has not
    recorded it."""
    target = _first_to_expire(grid)
    later = target.expires_at  # the expiry instant itself: the window is over
    assert later is not None
    before = grid.page(AVA, Tab.INBOUND, parse("status:received"), later - timedelta(seconds=1))
    assert target.id in {r.id for r in before}
    hit = grid.page(AVA, Tab.CLOSED, parse("status:expired"), later, limit=500)
    assert [r.id for r in hit if r.id == target.id] == [target.id]
    assert hit[[r.id for r in hit].index(target.id)].as_of(later).substatus is Substatus.EXPIRED
    still = grid.page(AVA, Tab.INBOUND, parse("status:received"), later, limit=500)
    assert target.id not in {r.id for r in still}
    assert target.id in set(grid.ids(AVA, Tab.CLOSED, parse("!status:received"), later))
    with engine.connect() as conn:  # nothing was written: the sweep stays the only writer
        assert conn.execute(
            text("SELECT substatus FROM referral WHERE id = :i"), {"i": target.id}
        ).scalar() in ("Pending", "Received")


@pytest.mark.parametrize(
    ("before_expiry", "inbound"),
    [(timedelta(minutes=30), True), (timedelta(0), False), (-timedelta(seconds=1), False)],
    ids=["expires-in-30-min", "expires-now", "expired-1-s-ago"],
)
def test_tabs_and_counts_follow_the_clock_without_a_sweep(
    engine: Engine, grid: Grid, before_expiry: timedelta, inbound: bool
) -> None:
    """Inbound, its count and Closed agree with the clock (§2.6): a received referral is in
    Inbound until its last second and in Closed from its expiry instant, on every path (kept
    and SQL counts, first pages, the merged Closed pages, deep ids, the export)."""
    from cosell_tui.store import export

    target = _first_to_expire(grid)
    assert target.expires_at is not None
    at = target.expires_at - before_expiry
    home, away = (Tab.INBOUND, Tab.CLOSED) if inbound else (Tab.CLOSED, Tab.INBOUND)
    counts = grid.tab_counts(AVA, at)  # AVA's counts come from grid_count
    base = grid.tab_counts(AVA, NOW)
    assert counts[home] == base[home] + (0 if inbound else 1)
    assert counts[away] == base[away] - (0 if inbound else 1)
    assert sum(counts[t] for t in (Tab.INBOUND, Tab.OUTBOUND, Tab.CLOSED)) == sum(
        base[t] for t in (Tab.INBOUND, Tab.OUTBOUND, Tab.CLOSED)
    )
    empty = parse("")
    for tab, held in ((home, True), (away, False)):
        ids = {r.id for r in grid.page(AVA, tab, empty, at, limit=1000)}
        assert (target.id in ids) is held, tab
        assert (target.id in set(grid.ids(AVA, tab, empty, at))) is held, tab
        filtered = parse(f"country:{target.country}")  # counted with SQL, not grid_count
        assert grid.count(AVA, tab, filtered, at) == len(grid.ids(AVA, tab, filtered, at))
        with closing(export.stream(engine, AVA, tab, empty, at)) as rows:
            exported = {d.referral_id for d in rows}
        assert (target.referral_id in exported) is held, tab
    assert len(grid.ids(AVA, home, empty, at)) == counts[home]
    assert len(grid.ids(AVA, away, empty, at)) == counts[away]


def test_merged_closed_pages_keep_the_order(grid: Grid) -> None:
    """Closed with overdue referrals is two ranges merged: every page of every sort is the
    matching slice of the one ordered read, with nothing skipped or repeated."""
    target = _first_to_expire(grid)
    assert target.expires_at is not None
    at = target.expires_at + timedelta(days=3)  # several referrals are overdue by then
    empty = parse("")
    for sort in (SortKey.CREATED, SortKey.CLOSED, SortKey.VALUE):
        for desc in (False, True):
            whole = list(grid.ids(AVA, Tab.CLOSED, empty, at, sort=sort, descending=desc))
            pages: list[int] = []
            for offset in range(0, len(whole), 10):  # head, deep and tail paths (window 25)
                page = grid.page(AVA, Tab.CLOSED, empty, at, sort, desc, offset, 10)
                pages.extend(r.id for r in page)
            assert pages == whole, (sort, desc)
    overdue = set(grid.ids(AVA, Tab.CLOSED, parse("status:expired"), at)) - set(
        grid.ids(AVA, Tab.CLOSED, parse("status:expired"), NOW)
    )
    assert len(overdue) > 1  # the merge was exercised


def test_the_overdue_test_reads_the_expiry_before_the_status() -> None:
    """Inbound's pages walk ix_referral_tab_expires, which lacks the status: with the expiry
    tested first SQLite reads from the table only the rows past their expiry, not every
    Inbound row (docs/data.md, "Overdue referrals not yet swept"; 4× on a deep page at 1M)."""
    sql = str(grid_mod.overdue_condition(datetime(2026, 11, 23, tzinfo=UTC)))
    assert sql.index("expires_at IS NOT NULL") < sql.index("expires_at <=") < sql.index("status")
