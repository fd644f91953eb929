"""`cosell registration list|review|exceptions|exception`: Microsoft's review of Azure IP
co-sell registrations and of the partners' exception requests.

A Microsoft reviewer (`--user ms-…`) lists what waits for review and decides: approve,
send-back (the team corrects and files it again, and it comes back to review) or reject. An
exception request on a rejected registration is decided the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cosell_tui.cli.errors import EXIT_NOT_FOUND, EXIT_OK, CliError
from cosell_tui.cli.options import argument, command, group, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.domain.views import ReviewItem

DECISIONS = ("approve", "send-back", "reject")
F = TypeVar("F", bound=Callable[..., Any])
MESSAGE_HELP = "For the team; required to send back or reject."


@group("registration", help="Review Azure IP co-sell registrations (Microsoft).")
def registration() -> None:
    """Nothing to do before the action runs."""


def _deal_number(text: str) -> int:
    if not text.strip().isdigit():
        raise CliError(f"{text!r} is not a deal number", exit_code=EXIT_NOT_FOUND)
    return int(text)


@command("list", help="Registrations waiting for a Microsoft reviewer, oldest first.")
@json_option
@pass_runtime
def list_(rt: Runtime, as_json: bool) -> int:
    return _queue(rt, rt.service().registration.awaiting_review(), as_json, False)


@command("exceptions", help="Exception requests waiting for a Microsoft reviewer, oldest first.")
@json_option
@pass_runtime
def exceptions(rt: Runtime, as_json: bool) -> int:
    return _queue(rt, rt.service().registration.awaiting_exceptions(), as_json, True)


def _queue(rt: Runtime, items: tuple[ReviewItem, ...], as_json: bool, requests: bool) -> int:
    from cosell_tui.domain import format as fmt

    if as_json:
        rt.output.json(
            [
                {
                    "number": i.deal_id,
                    "name": i.name,
                    "customerName": i.customer_name,
                    "partner": i.partner,
                    "status": i.status.value,
                    "filedDateTime": i.filed_at.isoformat().replace("+00:00", "Z"),
                    "contractValue": str(i.value),
                    "currency": i.currency,
                    **({"message": i.message} if requests else {}),
                }
                for i in items
            ]
        )
        return EXIT_OK
    if not items:
        what = "exception request" if requests else "registration"
        rt.output.line(f"No {what} is waiting for review.")
        return EXIT_OK
    last = ["Request"] if requests else ["Status", "Contract value"]
    rt.output.table(
        ["#", "Deal", "Partner", *last, "Filed"],
        [
            [
                str(i.deal_id),
                fmt.clip(i.name, 40),
                fmt.clip(i.partner, 24),
                *(
                    [fmt.clip(i.message, 50)]
                    if requests
                    else [i.status.label, fmt.money(i.value, i.currency)]
                ),
                fmt.instant(i.filed_at),
            ]
            for i in items
        ],
    )
    return EXIT_OK


def _decision_options(listed_by: str) -> Callable[[F], F]:
    """N, the decision and `--message`: what `review` and `exception` both take."""

    def wrap(f: F) -> F:
        f = json_option(f)
        f = option("--message", default="", help=MESSAGE_HELP)(f)
        f = argument("decision", type=click.Choice(DECISIONS), metavar="|".join(DECISIONS))(f)
        return argument("deal", metavar="N", help=f"The partner's deal number (`{listed_by}`).")(f)

    return wrap


def _decide(rt: Runtime, deal: str, decision: str, message: str, as_json: bool, kind: str) -> int:
    from cosell_tui.cli.deal_write import print_outcome

    registration = rt.service().registration
    decide = registration.review_exception if kind == "exception" else registration.review
    return print_outcome(rt, decide(_deal_number(deal), decision, message), as_json)


@command("review", help="Approve, send back or reject a registration under review.")
@_decision_options("cosell registration list")
@pass_runtime
def review(rt: Runtime, deal: str, decision: str, message: str, as_json: bool) -> int:
    return _decide(rt, deal, decision, message, as_json, "registration")


@command("exception", help="Approve, send back or reject an exception request.")
@_decision_options("cosell registration exceptions")
@pass_runtime
def exception(rt: Runtime, deal: str, decision: str, message: str, as_json: bool) -> int:
    return _decide(rt, deal, decision, message, as_json, "exception")


registration.add_command(list_)
registration.add_command(review)
registration.add_command(exceptions)
registration.add_command(exception)
