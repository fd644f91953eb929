"""Tab counts kept by triggers (store/counts.py) stay equal to a fresh count after every kind
of write, for every kind of scope: entire company, location admin, Role.USER, favourites."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text

from cosell_tui.domain import CloseReason, ErrorReason
from cosell_tui.domain.views import GridQuery, Tab
from cosell_tui.service import Service
from cosell_tui.store import search
from tests import factories as f
from tests.service.conftest import advance, engine_of, rows, scalar

USERS = ("ava", "ben", "cara", "dan", "lee")

KEPT = (
    "SELECT org_id, location_id, tab, user_id, n FROM grid_count WHERE n <> 0 "
    "ORDER BY org_id, location_id, tab, user_id"
)
FRESH = (
    "SELECT org_id, location_id, tab, user_id, n FROM ("
    " SELECT org_id, location_id, grid_tab AS tab, 0 AS user_id, count(*) AS n FROM referral"
    " GROUP BY org_id, location_id, grid_tab"
    " UNION ALL"
    " SELECT r.org_id, r.location_id, 'F', f.user_id, count(*) FROM favorite f"
    " JOIN referral r ON r.id = f.referral_id GROUP BY r.org_id, r.location_id, f.user_id"
    ") AS c ORDER BY org_id, location_id, tab, user_id"
)


def check(svc: Service) -> None:
    """The kept rows equal a fresh GROUP BY, and every user's labels equal their rows."""
    assert rows(svc, KEPT) == rows(svc, FRESH)
    for user in USERS:
        as_user = svc.as_user(user)
        counts = as_user.listing.tab_counts()
        for tab in Tab:
            assert counts[tab] == len(as_user.listing.ids(GridQuery(tab))), (user, tab)


def _inbound(svc: Service, sender: str = "jordan", **overrides: object) -> tuple[int, int]:
    svc.as_user(sender).creation.send_referral(f.referral(**overrides))
    pk = scalar(
        svc,
        "SELECT max(id) FROM referral WHERE org_id = :o AND direction = 'Incoming'",
        o=f.FABRIKAM,
    )
    assert isinstance(pk, int)
    row = svc.listing.row(pk)
    return row.id, row.version


def _outbound(svc: Service, **overrides: object) -> tuple[int, int]:
    deal = svc.creation.create_deal(f.draft(**overrides)).deal
    return deal.id, deal.version


def w_create(svc: Service) -> None:
    _outbound(svc, location_id=f.LONDON, team=(f.CARA_PERSON,))


def w_receive(svc: Service) -> None:
    _inbound(svc)


def w_accept(svc: Service) -> None:
    svc.lifecycle.accept(*_inbound(svc), f.accept_form())


def w_decline(svc: Service) -> None:
    svc.lifecycle.decline(*_inbound(svc, "dan"), CloseReason.BUDGET)


def w_sweep(svc: Service) -> None:
    _inbound(svc, "dan")
    advance(svc, days=15)
    assert svc.microsoft.sweep().expired


def w_favourite(svc: Service) -> None:
    deal, _ = _outbound(svc, location_id=f.LONDON)
    svc.listing.set_favorite(deal, True)
    svc.as_user("ben").listing.set_favorite(deal, True)
    other, _ = _outbound(svc)
    svc.listing.toggle_favorite(other)
    svc.listing.toggle_favorite(other)
    svc.listing.bulk_favorite([deal, other])


def w_team(svc: Service) -> None:
    deal, version = _outbound(svc)
    version = svc.lifecycle.set_team(deal, version, [f.AVA_PERSON, f.CARA_PERSON]).deal.version
    svc.lifecycle.set_team(deal, version, [f.AVA_PERSON])


def w_stage(svc: Service) -> None:
    svc.lifecycle.mark_stage(*_outbound(svc), 60)


def w_won(svc: Service) -> None:
    deal, _ = _outbound(svc)
    svc.listing.set_favorite(deal, True)
    svc.lifecycle.won(deal, svc.listing.row(deal).version)


def w_lost(svc: Service) -> None:
    svc.lifecycle.lost(*_outbound(svc), CloseReason.BUDGET)


def w_error(svc: Service) -> None:
    svc.lifecycle.close_as_error(*_outbound(svc), ErrorReason.DUPLICATE_BULK, "twice")


def w_move_and_delete(svc: Service) -> None:
    """Writes the app does not make today (a deal moved to another location, a deleted deal)
    are counted right too: the triggers see every row change."""
    deal, _ = _outbound(svc)
    svc.listing.set_favorite(deal, True)
    gone, _ = _outbound(svc, name="Gone")
    with engine_of(svc).begin() as conn:
        conn.execute(text("UPDATE referral SET location_id = :l WHERE id = :i"),
                     {"l": f.LONDON, "i": deal})  # fmt: skip
        for table in ("history", "team_member", "referral_solution", "customer_contact"):
            conn.execute(text(f"DELETE FROM {table} WHERE referral_id = :i"), {"i": gone})
        conn.execute(text("DELETE FROM referral WHERE id = :i"), {"i": gone})


WRITES: dict[str, Callable[[Service], None]] = {
    "create": w_create,
    "receive": w_receive,
    "accept": w_accept,
    "decline": w_decline,
    "expire sweep": w_sweep,
    "favourite": w_favourite,
    "team change": w_team,
    "stage": w_stage,
    "won": w_won,
    "lost": w_lost,
    "close as error": w_error,
    "move and delete": w_move_and_delete,
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_kept_counts_follow_every_write(svc: Service, write: str) -> None:
    _outbound(svc, name="Before")
    check(svc)
    WRITES[write](svc)
    check(svc)


def test_a_bulk_load_rebuilds_the_counts(svc: Service) -> None:
    """search.suspend drops the triggers, search.resume recounts in one statement."""
    _outbound(svc)
    with engine_of(svc).begin() as conn:
        search.suspend(conn)
    _outbound(svc, location_id=f.LONDON)  # not counted while suspended
    assert rows(svc, KEPT) != rows(svc, FRESH)
    with engine_of(svc).begin() as conn:
        search.resume(conn)
    check(svc)
    w_favourite(svc)  # triggers are back
    check(svc)
