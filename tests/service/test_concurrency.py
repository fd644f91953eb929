"""Two people changing one referral: one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading

import pytest

from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.service.errors import ConflictError
from cosell_tui.service.forms import DetailsEdit
from tests import factories as f
from tests.service.conftest import rows


def test_two_sessions_one_success_one_conflict(svc: Service, db_url: str) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    other = open_service(db_url, user="ava", now=f.NOW, rules=default_rulebook())
    try:
        seen_by_a = svc.listing.row(row.id)
        seen_by_b = other.listing.row(row.id)
        svc.lifecycle.edit_details(row.id, seen_by_a.version, DetailsEdit(notes="A's notes"))
        with pytest.raises(ConflictError, match="someone else"):
            other.lifecycle.edit_details(row.id, seen_by_b.version, DetailsEdit(notes="B's notes"))
    finally:
        other.close()
    assert svc.listing.deal(row.id).notes == "A's notes"
    assert rows(svc, "SELECT count(*) FROM history WHERE action = 'details_edited'") == [(1,)]


def test_racing_threads_never_lose_an_update(svc: Service, db_url: str) -> None:
    """Both read the same version and write at once: exactly one commits."""
    row = svc.creation.create_deal(f.draft()).deal
    services = [
        open_service(db_url, user="ava", now=f.NOW, rules=default_rulebook()) for _ in range(4)
    ]
    barrier = threading.Barrier(len(services))
    results: list[str] = []
    lock = threading.Lock()

    def work(index: int, service: Service) -> None:
        barrier.wait()
        try:
            service.lifecycle.edit_details(
                row.id, row.version, DetailsEdit(notes=f"writer {index}")
            )
            outcome = f"ok {index}"
        except ConflictError:
            outcome = "conflict"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(services)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in services:
        s.close()
    winners = [r for r in results if r.startswith("ok")]
    assert len(winners) == 1 and results.count("conflict") == len(services) - 1
    final = svc.listing.deal(row.id)
    assert final.notes == f"writer {winners[0].split()[1]}"
    assert final.row.version == row.version + 1


def test_one_service_shared_by_threads(svc: Service) -> None:
    """The TUI's workers share one Service: each call has its own Session."""
    deals = [svc.creation.create_deal(f.draft(name=f"Deal {i}")).deal for i in range(6)]
    errors: list[BaseException] = []

    def work(deal_id: int, version: int) -> None:
        try:
            svc.lifecycle.mark_stage(deal_id, version, 20)
            svc.listing.deal(deal_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d.id, d.version)) for d in deals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {svc.listing.row(d.id).stage_pct for d in deals} == {20}


def test_starring_and_unstarring_at_once_never_fails(svc: Service, db_url: str) -> None:
    """Several sessions star (then unstar) the same deal at the same moment: every call
    succeeds, and the deal ends starred once (then not at all)."""
    row = svc.creation.create_deal(f.draft()).deal
    services = [
        open_service(db_url, user="ava", now=f.NOW, rules=default_rulebook()) for _ in range(4)
    ]
    errors: list[BaseException] = []
    try:
        for round_ in range(6):
            on = round_ % 2 == 0
            barrier = threading.Barrier(len(services))

            def work(service: Service, on: bool = on, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                try:
                    service.listing.set_favorite(row.id, on)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=work, args=(s,)) for s in services]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert svc.listing.row(row.id).favorite is on
            starred = rows(svc, f"SELECT count(*) FROM favorite WHERE referral_id = {row.id}")
            assert starred == [(1 if on else 0,)]
    finally:
        for s in services:
            s.close()


def test_one_change_raises_the_version_by_one(svc: Service) -> None:
    """`won` used to flush twice (the close, then the eligibility it found): version + 2."""
    row = svc.creation.create_deal(f.co_sell_draft()).deal
    svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    row = svc.listing.row(row.id)
    won = svc.lifecycle.won(row.id, row.version).deal
    assert won.version == row.version + 1
    staged = svc.creation.create_deal(f.draft()).deal
    assert svc.lifecycle.mark_stage(staged.id, staged.version, 20).deal.version == (
        staged.version + 1
    )
