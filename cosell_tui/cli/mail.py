"""`cosell mail send|run`: deliver the outbox over SMTP (service/mail.py).

`send` delivers what is due and stops (for cron); `run` keeps delivering until interrupted.
The server comes from the config's `[smtp]` table and the COSELL_SMTP_* variables (which win);
the password from COSELL_SMTP_PASSWORD only.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Any

import click

from cosell_tui.cli.errors import EXIT_OK, EXIT_REFUSED, CliError
from cosell_tui.cli.options import command, group, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service.mail import DeliveryReport, SmtpSettings


@group("mail", help="Deliver queued notifications over SMTP.")
def mail() -> None:
    """Nothing to do before the action runs."""


def smtp_settings(rt: Runtime) -> SmtpSettings:
    """The config's [smtp] with the environment applied; a missing host is a plain refusal."""
    from cosell_tui.config_model import smtp_from_environment
    from cosell_tui.service.mail import DEFAULT_PORTS, SmtpSettings

    prefs = smtp_from_environment(rt.config().smtp)
    if not prefs.host:
        raise CliError(
            "No SMTP server is set: set COSELL_SMTP_HOST (or `host` under [smtp] in the "
            "config file, see `cosell locate config`)."
        )
    security = prefs.security or "none"
    return SmtpSettings(
        host=prefs.host,
        port=prefs.port or DEFAULT_PORTS[security],
        security=security,
        user=prefs.user,
        password=prefs.password,
        mail_from=prefs.mail_from or "cosell@localhost",
    )


def _as_json(report: DeliveryReport, pending: int) -> dict[str, Any]:
    return {
        "sent": list(report.sent),
        "failed": list(report.failed),
        "unreachable": report.unreachable,
        "pending": pending,
    }


def _say(rt: Runtime, report: DeliveryReport, pending: int, where: str) -> None:
    if report.unreachable:
        rt.output.warn(f"the SMTP server {where} did not answer ({report.unreachable})")
    if report.sent or report.failed or not report.unreachable:
        rt.output.line(
            f"Sent {len(report.sent)}"
            + (f", {len(report.failed)} refused (to be retried)" if report.failed else "")
            + f"; {pending} waiting."
        )


@command("send", help="Deliver the notifications that are due, then stop (for cron).")
@option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=1000,
    metavar="N",
    help="At most N messages (default 1000).",
)
@json_option
@pass_runtime
def send(rt: Runtime, limit: int, as_json: bool) -> int:
    settings = smtp_settings(rt)
    service = rt.service()
    report = service.mail.deliver(settings, limit=limit)
    pending = service.mail.pending()
    if as_json:
        rt.output.json(_as_json(report, pending))
    else:
        _say(rt, report, pending, settings.where)
    return EXIT_REFUSED if report.unreachable else EXIT_OK


@command("run", help="Keep delivering notifications as they are queued (Ctrl+C stops).")
@option(
    "--interval", type=float, default=30.0, metavar="SECONDS", help="Look every N s (default 30)."
)
@pass_runtime
def run(rt: Runtime, interval: float) -> int:
    settings = smtp_settings(rt)
    service = rt.service()
    stopping: list[bool] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(True)
        raise KeyboardInterrupt  # wake the wait; an unconfirmed message is sent again later

    previous = signal.signal(signal.SIGTERM, stop)
    rt.output.line(f"Delivering to {settings.where} every {interval:g} s; Ctrl+C stops.")

    def said(report: DeliveryReport) -> None:
        if report.sent or report.failed or report.unreachable:
            _say(rt, report, service.mail.pending(), settings.where)

    try:
        service.mail.run(
            settings, keep_going=lambda: not stopping, interval=max(interval, 0.1), on_report=said
        )
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


mail.add_command(send)
mail.add_command(run)
