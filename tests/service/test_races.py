"""Two people doing conflicting things to the same thing at the same moment, on SQLite and
PostgreSQL: each use case runs in its own thread with its own Service (two terminals), released
together by a barrier, both from the same version of what they saw. Exactly one wins; the other
is told (a ConflictError, exit 3, or the rule's refusal in words, exit 1), never an internal
error (exit 70); the history says what happened, once. Starring and two edits of the details
are in test_concurrency.py.

One database per module and backend (tests/conftest.py `module_db_url`) keeps them cheap: each
test makes its own deals, sweeps another organisation's referrals (Adatum's) and edits the
admins of a third (Litware's), so they do not meet."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cosell_tui.domain import CloseReason, Role, Substatus
from cosell_tui.domain.clock import parse_instant
from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.service.errors import ConflictError, CosellError, RuleRefusal, ValidationError
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
from tests import factories as f


@pytest.fixture(scope="module")
def url(module_db_url: str) -> str:
    engine = make_engine(module_db_url)
    upgrade(engine)
    f.reference(engine)
    engine.dispose()
    return module_db_url


@pytest.fixture
def opened(url: str) -> Iterator[Callable[..., Service]]:
    """`opened(user, days=0)`: a Service of its own (an engine, a clock `days` after NOW)."""
    services: list[Service] = []

    def _open(user: str = "ava", days: float = 0) -> Service:
        now = parse_instant(f.NOW) + timedelta(days=days)
        service = open_service(url, user=user, now=now.isoformat(), rules=default_rulebook())
        services.append(service)
        return service

    yield _open
    for service in services:
        service.close()


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in its own thread, released at once; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # the test looks at whatever it was
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def one_winner(results: list[Any], told: tuple[type[CosellError], ...] = (ConflictError,)) -> int:
    """Exactly one call succeeded, every other was told in words (`told`); the winner's index."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, CosellError):
            raise AssertionError(f"an internal error (exit 70): {result!r}") from result
    winners = [i for i, r in enumerate(results) if not isinstance(r, BaseException)]
    assert len(winners) == 1, results
    losers = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, told) and r.message for r in losers), losers
    return winners[0]


def history(service: Service, deal: int) -> list[str]:
    engine = service._ctx.shared.engine
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM history WHERE referral_id = :id ORDER BY id"), {"id": deal}
        )
        return [row[0] for row in rows]


def inbound(receiver: Service, name: str, to_org: int = f.FABRIKAM) -> int:
    """A new referral from Microsoft to `to_org`, waiting for an answer: the receiver's deal."""
    sender = receiver.as_user("jordan")
    sender.creation.send_referral(f.referral(to_org_id=to_org, name=name))
    [found] = receiver.listing.find_deals(name)
    return found.id


def test_accept_and_decline_of_one_referral(opened: Callable[..., Service]) -> None:
    ava, other = opened("ava"), opened("ava")  # two terminals
    deal = inbound(ava, "Race answer")
    version = ava.listing.row(deal).version
    results = race(
        lambda: ava.lifecycle.accept(deal, version, f.accept_form()),
        lambda: other.lifecycle.decline(deal, version, CloseReason.BUDGET, "No budget."),
    )
    winner = one_winner(results)
    row = ava.listing.row(deal)
    assert row.substatus is (Substatus.ACCEPTED if winner == 0 else Substatus.DECLINED)
    assert row.version == version + 1
    assert history(ava, deal)[-1] == ("accepted" if winner == 0 else "declined")
    assert history(ava, deal).count("accepted") + history(ava, deal).count("declined") == 1


def test_an_invitation_and_closing_the_deal(opened: Callable[..., Service]) -> None:
    ava, other = opened("ava"), opened("ava")
    row = ava.creation.create_deal(f.draft(name="Race invite")).deal
    results = race(
        lambda: ava.sharing.invite(row.id, row.version, f.invitation()),
        lambda: other.lifecycle.lost(row.id, row.version, CloseReason.BUDGET, "Budget cut."),
    )
    winner = one_winner(results)
    after = ava.listing.row(row.id)
    assert after.version == row.version + 1
    assert (after.substatus is Substatus.LOST) == (winner == 1)
    assert ("invited" in history(ava, row.id)) == (winner == 0)


def test_two_stages_from_two_processes(
    opened: Callable[..., Service], url: str, tmp_path: Path
) -> None:
    """Two `cosell deal stage` from the same `--version`: one exit 0, the other exit 3 with
    the conflict sentence; the stage is the winner's, marked once."""
    from tests.reliability.conftest import cosell

    ava = opened("ava")
    row = ava.creation.create_deal(f.draft(name="Race stage")).deal
    alone = {"COSELL_CONFIG_FILE": str(tmp_path / "config.toml")}  # never the user's own
    procs = [
        cosell("--db", url, "--now", f.NOW, "--user", "ava", "deal", "stage", str(row.id), pct,
               "--version", str(row.version), env=alone)
        for pct in ("20", "40")
    ]  # fmt: skip
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert sorted(code for code, _out, _err in outcomes) == [0, 3], outcomes
    loser = next(err for code, _out, err in outcomes if code == 3)
    assert "changed by someone else" in loser
    winner = next(i for i, (code, _o, _e) in enumerate(outcomes) if code == 0)
    after = ava.listing.row(row.id)
    assert after.stage_pct == (20, 40)[winner] and after.version == row.version + 1
    assert history(ava, row.id).count("stage") == 1


def test_two_registrations_of_one_won_deal(opened: Callable[..., Service]) -> None:
    ava = opened("ava")
    row = ava.creation.create_deal(f.co_sell_draft(name="Race register")).deal
    opened("jordan").microsoft.microsoft_answer(row.id, True)
    later = opened("ava", days=4)
    won = later.lifecycle.won(row.id, later.listing.row(row.id).version).deal
    first, second = opened("ava", days=10), opened("ava", days=10)
    results = race(
        lambda: first.registration.register(won.id, won.version, f.registration_form()),
        lambda: second.registration.register(won.id, won.version, f.registration_form()),
    )
    one_winner(results, told=(ConflictError, RuleRefusal))  # or "already registered"
    assert history(ava, row.id).count("registered") == 1
    assert ava.listing.row(row.id).version == won.version + 1


def test_the_sweep_and_an_answer_in_the_last_moment(opened: Callable[..., Service]) -> None:
    """The sweep (its clock past the 14 days) and the receiver (just inside them): the
    referral ends expired or accepted, never both; the sweep skips one it lost to."""
    answering, sweeping = opened("dan", days=13.9), opened("dan", days=15)
    deal = inbound(opened("dan"), "Race sweep", to_org=f.ADATUM)
    version = answering.listing.row(deal).version
    results = race(
        lambda: answering.lifecycle.accept(deal, version, f.accept_form()),
        lambda: sweeping.microsoft.sweep(),
    )
    for result in results:
        assert not isinstance(result, BaseException) or isinstance(result, ConflictError), results
    accepted = not isinstance(results[0], BaseException)
    expired = deal in results[1].expired
    assert accepted != expired, results
    row = answering.listing.row(deal)
    assert row.substatus is (Substatus.ACCEPTED if accepted else Substatus.EXPIRED)
    assert row.version == version + 1
    actions = history(answering, deal)
    assert actions.count("accepted") + actions.count("expired") == 1


def _routing_log(service: Service) -> list[tuple[str, str]]:
    engine = service._ctx.shared.engine
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, summary FROM admin_log WHERE subject = 'DE,*' ORDER BY id")
        )
        return [(row[0], row[1]) for row in rows]


def test_two_admins_set_one_routing_rule(opened: Callable[..., Service]) -> None:
    """A new rule for the same (market, solution) from two admins: one adds it, the other is
    told the rules changed meanwhile. Then both change it: each change is logged with the
    location it really replaced, and the rule routes to the last one logged."""
    first, second = opened("ava"), opened("ava")
    for pid in ("9102", "9103"):
        first.administration.add_location({"name": f"Race {pid}", "partner_id": pid,
                                           "country": "US"})  # fmt: skip
    rule = {"market": "DE", "solution": "*"}
    for one, other in (("100", "101"), ("9102", "9103")):
        results = race(
            partial(first.routing.set_rule, {**rule, "location": one}),
            partial(second.routing.set_rule, {**rule, "location": other}),
        )
        for result in results:
            if isinstance(result, BaseException):
                assert isinstance(result, ConflictError), results
    log = _routing_log(first)
    assert log[0][0] == "routing_added" and len(log) >= 2, log
    # Each change names the location it replaced: the one logged just before it.
    located = [summary.split("→ ", 1)[1].split(" ")[0].rstrip(".") for _a, summary in log]
    was = [summary.rsplit("(was ", 1)[1].rstrip(").") for _a, summary in log[1:]]
    assert was == located[:-1], log
    [entry] = [e for e in first.routing.rules() if (e.market, e.solution) == ("DE", "*")]
    assert entry.location == located[-1]


def test_an_admin_edit_and_a_deactivation_keep_a_company_admin(
    opened: Callable[..., Service],
) -> None:
    """Litware's only two entire-company admins: lee makes lia a plain user while lia
    deactivates lee. Either alone is allowed; both would leave nobody to administer Litware.
    One wins, the other is refused in words (exit 1), and the admin log has only the winner's."""
    lee = opened("lee")
    lee.administration.add_user({"login": "lia", "name": "Lia Berg", "email": "lia@litware.example",
                                 "phone": "+12065550177", "role": "admin",
                                 "entire_company": True})  # fmt: skip
    lia = opened("lia")
    results = race(
        lambda: lee.administration.edit_user("lia", {"role": "user"}),
        lambda: lia.administration.set_active("lee", False),
    )
    winner = one_winner(results, told=(ConflictError, RuleRefusal))
    users = {u.login: u for u in lee.administration.users()}
    admins = [u for u in users.values() if u.active and u.entire_company and u.role is Role.ADMIN]
    assert len(admins) == 1, users
    engine = lee._ctx.shared.engine
    with engine.connect() as conn:
        logged = [
            row[0]
            for row in conn.execute(
                text("SELECT action FROM admin_log WHERE subject IN ('lia', 'lee') ORDER BY id")
            )
        ]
    assert logged == ["user_added", ("user_edited", "user_deactivated")[winner]]


def test_two_admins_add_the_same_login(opened: Callable[..., Service]) -> None:
    """A check-then-insert, as starring was: one adds the user, the other is told the login
    is taken (or that someone else was first), never a unique violation."""
    first, second = opened("dan"), opened("dan")
    user = {"login": "race-ann", "name": "Ann Race", "email": "ann@adatum.example",
            "phone": "+12065550188", "role": "user", "entire_company": True}  # fmt: skip
    results = race(
        partial(first.administration.add_user, user),
        partial(second.administration.add_user, {**user, "name": "Ann Other"}),
    )
    one_winner(results, told=(ConflictError, ValidationError))
    assert [u.login for u in first.administration.users()].count("race-ann") == 1


def test_two_mail_deliveries_send_each_message_once(opened: Callable[..., Service]) -> None:
    """Two `cosell mail send` at once (two runners, one outbox): every message reaches the
    SMTP server once, and each is marked sent once."""
    from tests.service.test_mail import Server, free_port

    ava = opened("ava")
    for i in range(4):
        inbound(ava, f"Race mail {i}")  # each queues a mail to Fabrikam's admins
    server = Server(free_port())
    server.start()
    try:
        first, second = opened("ava"), opened("ava")
        results = race(
            lambda: first.mail.deliver(server.settings),
            lambda: second.mail.deliver(server.settings),
        )
    finally:
        server.stop()
    for result in results:
        assert not isinstance(result, BaseException), results
    ids = server.inbox.ids()
    assert len(ids) == len(set(ids)), ids  # nothing sent twice
    sent = [pk for report in results for pk in report.sent]
    assert len(sent) == len(set(sent)) == len(ids)
    assert ava.mail.pending() == 0


def test_a_bulk_accept_and_a_single_decline_of_one_of_its_deals(
    opened: Callable[..., Service],
) -> None:
    """Accept three referrals at once (the grid's bulk action) while a second terminal
    declines the middle one: that one is accepted or declined, never both; the bulk reports
    it refused in words when it lost, and the two others are accepted."""
    ava, other = opened("ava"), opened("ava")
    deals = [inbound(ava, f"Race bulk {i}") for i in range(3)]
    middle = deals[1]
    version = ava.listing.row(middle).version
    bulk_result, single = race(
        lambda: ava.lifecycle.bulk_accept(deals),
        lambda: other.lifecycle.decline(middle, version, CloseReason.BUDGET, "No budget."),
    )
    assert not isinstance(bulk_result, BaseException), bulk_result
    declined = not isinstance(single, BaseException)
    if not declined:
        assert isinstance(single, (ConflictError, RuleRefusal)) and single.message, single
    done = {row.id for row in bulk_result.done}
    assert (middle in done) != declined, (bulk_result, single)
    assert done - {middle} == {deals[0], deals[2]}
    if declined:
        [(refused, _name, why)] = bulk_result.refused
        assert refused == middle and why
    row = ava.listing.row(middle)
    assert row.substatus is (Substatus.DECLINED if declined else Substatus.ACCEPTED)
    assert row.version == version + 1
    actions = history(ava, middle)
    assert actions.count("accepted") + actions.count("declined") == 1


def test_a_csv_import_and_an_edit_of_the_deal_it_updates(opened: Callable[..., Service]) -> None:
    """`deal import` of a row that changes a deal's notes, and an edit of the same deal's
    notes in a terminal, from the same version: one of them is written, the other is told
    (the import reports the row refused with the reason); the notes are the winner's."""
    import io

    from cosell_tui.domain import pccsv as pc
    from cosell_tui.domain.views import GridQuery, Tab
    from cosell_tui.service.forms import DetailsEdit

    ava, other = opened("ava"), opened("ava")
    row = ava.creation.create_deal(f.draft(name="Race import")).deal
    out = io.StringIO()
    ava.transfer.write(out, GridQuery(Tab.OUTBOUND, text='"Race import"'))
    sheet = pc.read(out.getvalue())
    [line] = [r for r in sheet.rows if r.cells[pc.DEAL_NAME] == "Race import"]
    edited_sheet = pc.with_cells(sheet, {line.line: {pc.NOTES: "Imported."}})
    [mine] = [r for r in edited_sheet.rows if r.line == line.line]
    changed = pc.Sheet(sheet.columns, (mine,))
    report, edited = race(
        lambda: ava.transfer.import_sheet(changed),
        lambda: other.lifecycle.edit_details(row.id, row.version, DetailsEdit(notes="Typed.")),
    )
    assert not isinstance(report, BaseException), report
    [result] = report.rows
    imported = result.action == "updated"
    assert imported or (result.action == "refused" and result.errors), result
    if isinstance(edited, BaseException):
        assert isinstance(edited, ConflictError) and edited.message, edited
    assert imported != (not isinstance(edited, BaseException)), (result, edited)
    after = ava.listing.deal(row.id)
    assert after.notes == ("Imported." if imported else "Typed.")
    assert after.row.version == row.version + 1
    assert history(ava, row.id).count("details_edited") == 1


def test_an_invitees_accept_and_the_inviter_closing_its_deal(
    opened: Callable[..., Service],
) -> None:
    """Adatum accepts Fabrikam's invitation while Fabrikam closes the deal it came from
    (lost): either the invitee accepted first (its deal goes on, told the originator
    closed) or the close came first (the invitation is withdrawn and the accept told so)."""
    ava, dan = opened("ava"), opened("dan")
    origin = ava.creation.create_deal(
        f.draft(name="Race origin", invitations=(f.invitation(notes="Race invitee"),))
    ).deal
    [invitee] = [r for r in dan.listing.find_deals("Race origin")]
    results = race(
        lambda: dan.lifecycle.accept(invitee.id, invitee.version, f.accept_form()),
        lambda: ava.lifecycle.lost(origin.id, origin.version, CloseReason.BUDGET, "Budget cut."),
    )
    for result in results:
        if isinstance(result, BaseException):
            assert isinstance(result, (ConflictError, RuleRefusal)) and result.message, results
    accepted, closed = (not isinstance(r, BaseException) for r in results)
    assert accepted or closed, results
    after = dan.listing.deal(invitee.id)
    actions = history(dan, invitee.id)
    origin_after = ava.listing.row(origin.id)
    assert (origin_after.substatus is Substatus.LOST) == closed
    if accepted:  # the close came after it (the invitee goes on) or was told to reload
        assert after.row.substatus is Substatus.ACCEPTED
        assert actions.count("accepted") == 1 and "withdrawn" not in actions
        assert ("originator_closed" in actions) == closed
    else:  # the close came first: withdrawn, and the accept was told
        assert after.row.substatus is Substatus.ERROR
        assert actions.count("withdrawn") == 1 and "accepted" not in actions
