"""Mail leaves the outbox (D11), tested against a real SMTP server (aiosmtpd) on 127.0.0.1:
delivery, a server that is down and then up, and a process killed in the middle of a send."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from cosell_tui.service import Service
from cosell_tui.service.mail import (
    DeliveryReport,
    SmtpSettings,
    backoff,
    claim_length,
    message_id,
)
from cosell_tui.store.models import Notification
from tests import factories as f
from tests.service.conftest import advance, engine_of, rows, scalar


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps what it accepts; `hold` makes DATA wait (mid-send)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.hold.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        if not self.hold.is_set():
            self.holding.set()
            while not self.hold.is_set():  # the client waits for our answer meanwhile
                time.sleep(0.05)
        return "250 OK"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class Server:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.inbox.hold.set()
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1", port=self.port, mail_from="cosell@fabrikam.example", timeout=5
        )


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server(free_port())
    s.start()
    yield s
    s.stop()


def queue_referrals(svc: Service, count: int) -> None:
    """Referrals sent by Microsoft: each queues a mail to Fabrikam's admins (D11)."""
    jordan = svc.as_user("jordan")
    for i in range(count):
        jordan.creation.send_referral(f.referral(name=f"Referral {i}"))


def unsent(svc: Service) -> int:
    return int(str(scalar(svc, "SELECT count(*) FROM notification WHERE sent_at IS NULL")))


def test_delivers_what_is_due_with_the_deals_facts(svc: Service, server: Server) -> None:
    queue_referrals(svc, 2)
    queued = unsent(svc)
    assert queued >= 2
    report = svc.mail.deliver(server.settings)
    assert len(report.sent) == queued and report.unreachable is None
    assert unsent(svc) == 0
    first = server.inbox.messages[0]
    assert first["From"] == "cosell@fabrikam.example"
    assert first["Message-ID"].startswith("<cosell-notification-")
    payload = first.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    assert "Referral 0" in body and "Customer:" in body and "Value:" in body
    assert "Open it:" in body and "cosell deal show " in body
    assert not first.is_multipart() and first.get_content_type() == "text/plain"
    # nothing is sent twice
    assert svc.mail.deliver(server.settings).sent == ()
    assert len(server.inbox.messages) == queued


def test_server_down_then_up_loses_nothing(svc: Service) -> None:
    queue_referrals(svc, 2)
    queued = unsent(svc)
    down = Server(free_port())
    report = svc.mail.deliver(down.settings)
    assert report.unreachable and report.sent == ()
    assert unsent(svc) == queued  # nothing marked sent, nothing dropped
    down.start()
    try:
        report = svc.mail.deliver(down.settings)
        assert len(report.sent) == queued
        assert unsent(svc) == 0
        assert len(down.inbox.messages) == queued
    finally:
        down.stop()


def test_a_refused_message_is_retried_with_backoff(svc: Service, server: Server) -> None:
    queue_referrals(svc, 1)
    pk = int(str(scalar(svc, "SELECT min(id) FROM notification")))
    with engine_of(svc).begin() as conn:
        conn.execute(
            text("UPDATE notification SET recipient_email = 'not an address' WHERE id = :i"),
            {"i": pk},
        )

    class Refusing(Inbox):
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            if "@" not in address:
                return "550 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    server.stop()
    server.inbox = Refusing()
    server.start()
    report = svc.mail.deliver(server.settings)
    assert pk in report.failed
    assert rows(svc, "SELECT attempts FROM notification WHERE id = :i", i=pk) == [(1,)]
    assert svc.mail.deliver(server.settings).failed == ()  # waits for its backoff
    advance(svc, minutes=1, seconds=1)
    assert pk in svc.mail.deliver(server.settings).failed
    assert rows(svc, "SELECT attempts FROM notification WHERE id = :i", i=pk) == [(2,)]
    assert backoff(1).total_seconds() == 60 and backoff(3).total_seconds() == 240
    assert backoff(50).total_seconds() == 3600


def test_message_id_is_stable(svc: Service) -> None:
    queue_referrals(svc, 1)
    with svc._ctx.read() as uow:
        note = uow.session.get(Notification, scalar(svc, "SELECT min(id) FROM notification"))
        assert note is not None
        first = message_id(note, "a@fabrikam.example")
        assert first == message_id(note, "b@fabrikam.example")
        assert first.endswith("@fabrikam.example>")


def test_killed_mid_send_is_sent_again_with_the_same_message_id(
    svc: Service, server: Server, db_url: str, tmp_path: Path
) -> None:
    """`cosell mail send` is killed (SIGKILL) while the server holds the first message: that
    message was received but never confirmed, so a run after its claim ran out sends it again,
    same Message-ID."""
    queue_referrals(svc, 2)
    queued = unsent(svc)
    server.inbox.hold.clear()
    env = {
        **os.environ,
        "COSELL_SMTP_HOST": "127.0.0.1",
        "COSELL_SMTP_PORT": str(server.port),
        "COSELL_MAIL_FROM": "cosell@fabrikam.example",
        "COSELL_CONFIG_FILE": str(tmp_path / "config.toml"),
    }
    argv = [sys.executable, "-m", "cosell_tui", "--db", db_url, "--now", f.NOW, "mail", "send"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.inbox.holding.wait(60), proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    server.inbox.hold.set()
    assert unsent(svc) == queued  # the held message was not marked sent
    first_id = server.inbox.ids()[0]
    assert svc.mail.deliver(server.settings).sent != ()  # the others; the held one is claimed
    # The dead runner held it for the longest its send could last at its timeout (the
    # default, 30 s: 3 min 15 s), not 5 minutes; until then nobody sends it.
    held = claim_length(SmtpSettings(host="127.0.0.1"))
    assert held == timedelta(minutes=3, seconds=15)
    advance(svc, seconds=held.total_seconds() - 1)
    assert svc.mail.deliver(server.settings).sent == ()
    advance(svc, seconds=2)  # the dead runner's claim runs out
    report = svc.mail.deliver(server.settings)
    assert len(report.sent) == 1 and unsent(svc) == 0
    assert server.inbox.ids().count(first_id) == 2  # a repeat, recognisable by its id


def test_the_recipients_list_and_unread_count(svc: Service) -> None:
    queue_referrals(svc, 2)
    mine = svc.mail.notifications()
    assert len(mine) == 2 and all(not n.read for n in mine)
    assert mine[0].id > mine[1].id  # newest first
    assert svc.mail.unread_count() == 2
    assert svc.as_user("cara").mail.unread_count() == 0  # not hers
    svc.mail.mark_read([mine[0].id])
    assert svc.mail.unread_count() == 1
    svc.mail.mark_read()
    assert svc.mail.unread_count() == 0


def test_run_keeps_delivering_and_waits_while_the_server_is_down(svc: Service) -> None:
    queue_referrals(svc, 1)
    down = Server(free_port())
    rounds = iter([True, True, True, False])
    slept: list[float] = []
    reports: list[DeliveryReport] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:
            down.start()  # the server comes up while cosell waits
            queue_referrals(svc, 1)

    try:
        svc.mail.run(
            down.settings, keep_going=lambda: next(rounds), interval=5, on_report=reports.append,
            sleep=sleep,
        )  # fmt: skip
        assert reports[0].unreachable and slept[0] == 5  # down: wait the interval
        assert sum(len(r.sent) for r in reports) == queued_total(svc)
        assert unsent(svc) == 0
    finally:
        down.stop()


def queued_total(svc: Service) -> int:
    return int(str(scalar(svc, "SELECT count(*) FROM notification")))


def test_a_claim_lasts_as_long_as_a_send_can_and_starts_when_the_message_is_taken(
    svc: Service, server: Server
) -> None:
    """Each message is held from the moment its runner takes it, for every wait a send may
    have (6) at the SMTP timeout and a margin: a batch whose sends take minutes still holds its
    last message as long as its first, so a second runner never sends it meanwhile."""
    assert claim_length(server.settings) == timedelta(seconds=5 * 6 + 15)
    queue_referrals(svc, 2)
    start = svc.clock.now()

    class Slow:
        """An SMTP session whose every send takes a minute of the clock."""

        def __init__(self, settings: SmtpSettings) -> None:
            from cosell_tui.service.mail import connect

            self.smtp = connect(settings)

        def send_message(self, message: Any) -> Any:
            advance(svc, minutes=1)
            return self.smtp.send_message(message)

        def quit(self) -> Any:
            return self.smtp.quit()

    held: dict[int, Any] = {}

    def claim(pk: int, now: Any, length: timedelta, original=svc.mail._claim) -> bool:
        held[pk] = now + length
        return original(pk, now, length)

    svc.mail._claim = claim  # type: ignore[method-assign]  # records each claim
    report = svc.mail.deliver(server.settings, connector=Slow)  # type: ignore[arg-type]  # a stand-in for smtplib.SMTP
    taken = sorted(held)
    assert report.sent == tuple(taken) and len(taken) >= 2
    assert [held[pk] for pk in taken] == [
        start + timedelta(minutes=n) + claim_length(server.settings) for n in range(len(taken))
    ]
