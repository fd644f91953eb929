"""Mail leaves the outbox (D11): SMTP delivery of queued notifications, and the recipient's list.

Delivery is at-least-once. A message is marked sent only after the server accepted it, in its
own short transaction; a process killed between the two sends it again on the next run, with
the same Message-ID (derived from the notification's id), so a repeat is recognisable. A failed
attempt is counted and the next one waits (exponential backoff, capped); a server that cannot
be reached leaves every message as it was for the next pass. Nothing is ever dropped.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import ColumnElement, func, or_, select, update

from cosell_tui.domain import Status
from cosell_tui.domain import format as fmt
from cosell_tui.domain.views import NotificationView
from cosell_tui.service.context import Context
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.mapping import deal_row
from cosell_tui.store.models import Notification, Referral

#: `COSELL_SMTP_SECURITY`: plain, upgraded with STARTTLS, or TLS from the first byte.
SECURITY = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
BATCH = 100
#: The waits for the server one message may take, each at most the SMTP timeout: the session's
#: EHLO (before its first message), MAIL FROM, RCPT TO, DATA, the message itself (a timeout
#: bounds the whole send) and the server's answer to its end.
SMTP_WAITS = 6
#: Beyond those waits: the runner's own steps around a send (reading the message from the
#: database; a busy database's lock).
CLAIM_MARGIN = timedelta(seconds=15)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where mail goes. The password comes from the environment only, never the config."""

    host: str
    port: int = 25
    security: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    mail_from: str = "cosell@localhost"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValidationError(
                f"SMTP security '{self.security}' is not one of: {', '.join(SECURITY)}.",
                {"security": "unknown"},
            )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def claim_length(settings: SmtpSettings) -> timedelta:
    """How long a runner holds a message it is sending: the longest its send can last (every
    wait for the server running to the timeout), so another runner (a second `cosell mail
    send` or `mail run`) never sends it meanwhile, and no longer, so a runner killed mid-send
    leaves its message to the next run soon: 3 min 15 s at the default 30 s timeout."""
    return timedelta(seconds=settings.timeout) * SMTP_WAITS + CLAIM_MARGIN


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()  # attempted and refused; each waits for its next attempt
    unreachable: str | None = None  # the server could not be reached: why (nothing was sent)
    next_due: datetime | None = None  # when the earliest waiting message may be tried again


Connect = Callable[[SmtpSettings], smtplib.SMTP]


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An authenticated SMTP session as the settings say (stdlib smtplib, verified TLS)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1 min, 2, 4, ... at most an hour."""
    wait: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 10))
    return min(wait, LAST_RETRY)


def message_id(note: Notification, mail_from: str) -> str:
    """The same for every delivery of one notification, so a repeat is recognisable."""
    domain = mail_from.rpartition("@")[2] or "localhost"
    return f"<cosell-notification-{note.id}.{note.created_at:%Y%m%d%H%M%S}@{domain}>"


class Mail:
    """deliver (cosell mail send|run) and the signed-in user's notifications (the TUI)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # --- delivery ---------------------------------------------------------------------------

    def deliver(
        self, settings: SmtpSettings, limit: int = BATCH, connector: Connect = connect
    ) -> DeliveryReport:
        """Send what is due now (unsent, its backoff over), oldest first, at most `limit`."""
        now = self._ctx.clock.now()
        due = self._due(now, limit)
        if not due:
            return DeliveryReport(next_due=self._next_due())
        try:
            smtp = connector(settings)
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryReport(unreachable=_why(exc), next_due=now)
        sent: list[int] = []
        failed: list[int] = []
        unreachable = None
        try:
            for pk in due:
                # held from the moment it is taken: a batch's last message may be taken
                # minutes after its first
                if not self._claim(pk, self._ctx.clock.now(), claim_length(settings)):
                    continue  # sent, or being sent, by another runner meanwhile
                message = self._message(pk, settings)
                if message is None:
                    continue
                try:
                    smtp.send_message(message)
                except smtplib.SMTPServerDisconnected as exc:
                    self._release(pk)
                    unreachable = _why(exc)  # the rest wait, untouched, for the next pass
                    break
                except (smtplib.SMTPException, OSError) as exc:
                    self._failed(pk, _why(exc))
                    failed.append(pk)
                    if isinstance(exc, OSError):
                        unreachable = _why(exc)
                        break
                    continue
                self._sent(pk)  # only now: the server has accepted it
                sent.append(pk)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        return DeliveryReport(tuple(sent), tuple(failed), unreachable, self._next_due())

    def run(
        self,
        settings: SmtpSettings,
        keep_going: Callable[[], bool],
        interval: float = 30.0,
        on_report: Callable[[DeliveryReport], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        connector: Connect = connect,
    ) -> None:
        """Deliver, then wait (at most `interval` seconds, less when a retry is due sooner),
        while `keep_going()`; a server that is down is tried again after `interval`."""
        while keep_going():
            report = self.deliver(settings, connector=connector)
            if on_report is not None:
                on_report(report)
            if report.sent and not report.unreachable:
                continue  # more may be waiting behind this batch
            wait = interval
            if report.next_due is not None and not report.unreachable:
                left = (report.next_due - self._ctx.clock.now()).total_seconds()
                wait = min(interval, max(left, 0.5))
            sleep(wait)

    def pending(self) -> int:
        """Messages not yet sent (due now or waiting for a retry)."""
        with self._ctx.read() as uow:
            return int(
                uow.session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.sent_at.is_(None))
                )
                or 0
            )

    def _due(self, now: datetime, limit: int) -> list[int]:
        with self._ctx.read() as uow:
            return list(
                uow.session.scalars(
                    select(Notification.id)
                    .where(
                        Notification.sent_at.is_(None),
                        or_(
                            Notification.next_attempt_at.is_(None),
                            Notification.next_attempt_at <= now,
                        ),
                    )
                    .order_by(Notification.id)
                    .limit(limit)
                )
            )

    def _next_due(self) -> datetime | None:
        with self._ctx.read() as uow:
            return uow.session.scalar(
                select(func.min(Notification.next_attempt_at)).where(Notification.sent_at.is_(None))
            )

    def _message(self, pk: int, settings: SmtpSettings) -> EmailMessage | None:
        with self._ctx.read() as uow:
            note = uow.session.get(Notification, pk)
            if note is None or note.sent_at is not None:
                return None
            ref = uow.session.get(Referral, note.referral_id) if note.referral_id else None
            body = note.body.strip()
            if ref is not None:
                body += "\n\n" + deal_facts(ref, uow.now())
            message = EmailMessage()
            message["From"] = settings.mail_from
            message["To"] = note.recipient_email
            message["Subject"] = note.subject
            message["Date"] = format_datetime(note.created_at)
            message["Message-ID"] = message_id(note, settings.mail_from)
            message["X-Cosell-Kind"] = note.kind
            message.set_content(body + "\n")
            return message

    def _claim(self, pk: int, now: datetime, length: timedelta) -> bool:
        """Take message `pk` for sending, in one statement: still unsent and not held by another
        runner (its next attempt due); it is then held for `length` (`claim_length`). False:
        someone else has it."""
        with self._ctx.write() as uow:
            claimed = uow.session.execute(
                update(Notification)
                .where(
                    Notification.id == pk,
                    Notification.sent_at.is_(None),
                    or_(
                        Notification.next_attempt_at.is_(None),
                        Notification.next_attempt_at <= now,
                    ),
                )
                .values(next_attempt_at=now + length)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(claimed, "rowcount", 0) == 1)

    def _release(self, pk: int) -> None:
        """Give back a message taken by `_claim` and not sent: due again at once."""
        with self._ctx.write() as uow:
            uow.session.execute(
                update(Notification)
                .where(Notification.id == pk, Notification.sent_at.is_(None))
                .values(next_attempt_at=None)
                .execution_options(synchronize_session=False)
            )

    def _sent(self, pk: int) -> None:
        with self._ctx.write() as uow:
            uow.session.execute(
                update(Notification)
                .where(Notification.id == pk, Notification.sent_at.is_(None))
                .values(sent_at=uow.now(), error=None, next_attempt_at=None)
                .execution_options(synchronize_session=False)
            )

    def _failed(self, pk: int, why: str) -> None:
        with self._ctx.write() as uow:
            note = uow.session.get(Notification, pk)
            if note is None or note.sent_at is not None:
                return
            note.attempts += 1
            note.error = why[:1000]
            note.next_attempt_at = uow.now() + backoff(note.attempts)

    # --- the recipient's list (the TUI's notifications) -------------------------------------

    def notifications(self, limit: int = 200) -> tuple[NotificationView, ...]:
        """What was sent (or queued) to the signed-in user, newest first."""
        with self._ctx.read() as uow:
            notes = uow.session.scalars(
                select(Notification)
                .where(self._mine())
                .order_by(Notification.id.desc())
                .limit(limit)
            )
            return tuple(
                NotificationView(
                    id=n.id,
                    created_at=n.created_at,
                    kind=n.kind,
                    subject=n.subject,
                    body=n.body,
                    deal_id=n.referral_id,
                    sent=n.sent_at is not None,
                    read=n.read_at is not None,
                )
                for n in notes
            )

    def unread_count(self) -> int:
        with self._ctx.read() as uow:
            return int(
                uow.session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(self._mine(), Notification.read_at.is_(None))
                )
                or 0
            )

    def mark_read(self, ids: Sequence[int] | None = None) -> int:
        """Mark the user's notifications read (all of them when `ids` is None)."""
        with self._ctx.write() as uow:
            stmt = (
                update(Notification)
                .where(self._mine(), Notification.read_at.is_(None))
                .values(read_at=uow.now())
                .execution_options(synchronize_session=False)
            )
            if ids is not None:
                stmt = stmt.where(Notification.id.in_(list(ids) or [-1]))
            return int(getattr(uow.session.execute(stmt), "rowcount", 0) or 0)

    def _mine(self) -> ColumnElement[bool]:
        user = self._ctx.user
        return or_(
            Notification.recipient_user_id == user.id,
            func.lower(Notification.recipient_email) == user.email.lower(),
        )


def deal_facts(ref: Referral, now: datetime) -> str:
    """The deal's key facts for a mail body, and the command that opens it."""
    row = deal_row(ref, False).as_of(now)
    expires = ""
    if row.expires_at is not None and row.status is Status.NEW:
        expires = f"{fmt.instant(row.expires_at)} (in {fmt.countdown(row.expires_at, now)})"
    return fmt.fields(
        [
            ("Deal", f"#{row.id} {row.name}"),
            ("Customer", row.customer_name),
            ("Type", row.deal_type.label),
            ("Status", row.substatus.label),
            ("Value", fmt.money(row.value, row.currency)),
            ("Close date", fmt.day(row.close_date)),
            ("Expires", expires),
            ("Referral ID", row.referral_id),
            ("Open it", f"cosell deal show {row.id}"),
        ]
    )


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
