"""`cosell deal ACTION ID`: every change a deal can take, one service call each.

Each command reads the deal first (so the user's scope applies and the version is known),
turns the options into the service's form, makes one service call and prints the outcome.
Writes pass `--version N` when given, else the version just read, so a script that read a
deal earlier can detect that someone else changed it since (exit 3).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from cosell_tui.cli.errors import EXIT_OK, EXIT_REFUSED, CliError
from cosell_tui.cli.options import (
    ManyValues,
    argument,
    command,
    deal_argument,
    json_option,
    option,
    pass_runtime,
    write_options,
)
from cosell_tui.cli.parse import (
    norm,
    parse_amount,
    parse_date,
    parse_deal_id,
    parse_label,
    resolve_partner,
    split_list,
)
from cosell_tui.cli.runtime import Runtime
from cosell_tui.domain import (
    ASSESSMENT_STAGES,
    NORMAL_STAGES,
    CloseReason,
    DealType,
    ErrorReason,
    HelpType,
    Role,
)

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealRow, Outcome
    from cosell_tui.service import Service
    from cosell_tui.service.forms import PersonInput

REASON_HELP = "Close reason 1-8 (code or words)."


def _row(rt: Runtime, deal: str) -> tuple[Service, DealRow]:
    service = rt.service()
    return service, service.listing.row(parse_deal_id(deal))


def _version(row: DealRow, expected: int | None) -> int:
    return row.version if expected is None else expected


def print_outcome(rt: Runtime, outcome: Outcome, as_json: bool) -> int:
    """The outcome's message (warnings on stderr), or with --json the changed deal."""
    if as_json:
        from cosell_tui.cli.jsonio import row_to_json

        rt.output.json(
            {
                "message": outcome.message,
                "warnings": list(outcome.warnings),
                "referral": row_to_json(outcome.deal),
            }
        )
    else:
        rt.output.line(outcome.message)
        for warning in outcome.warnings:
            rt.output.warn(f"warning: {warning}")
    return EXIT_OK


# --- inbound referrals ------------------------------------------------------------------------


@command("accept", help="Accept an inbound referral (a Microsoft seller: a co-sell request).")
@write_options
@option("--name", help="Deal name (default: the referral's).")
@option("--value", help="Estimated value (default: the referral's).")
@option("--currency", help="ISO 4217 code (default: the referral's).")
@option("--close-date", metavar="YYYY-MM-DD", help="Close date (default: the referral's).")
@option("--notes", help="Customer need (default: the referral's notes).")
@option("--crm-id", help="Your CRM ID.")
@option("--campaign-id", help="Marketing campaign ID.")
@pass_runtime
def accept(
    rt: Runtime,
    deal: str,
    expect_version: int | None,
    as_json: bool,
    name: str | None,
    value: str | None,
    currency: str | None,
    close_date: str | None,
    notes: str | None,
    crm_id: str | None,
    campaign_id: str | None,
) -> int:
    from cosell_tui.service.forms import AcceptForm

    service = rt.service()
    detail = service.listing.deal(parse_deal_id(deal))
    row = detail.row
    if service.user.role is Role.MICROSOFT_SELLER:  # a co-sell request: Microsoft answers
        outcome = service.microsoft.accept(row.id, _version(row, expect_version))
        return print_outcome(rt, outcome, as_json)
    if value is not None:
        parse_amount(value, "--value")
    if close_date is not None:
        parse_date(close_date, "--close-date")
    form = AcceptForm(
        name=name if name is not None else row.name,
        value=value if value is not None else str(row.value),
        currency=currency if currency is not None else row.currency,
        close_date=close_date if close_date is not None else row.close_date.isoformat(),
        notes=notes if notes is not None else (detail.notes or detail.invite_notes or ""),
        crm_id=crm_id if crm_id is not None else row.crm_id,
        campaign_id=campaign_id if campaign_id is not None else detail.campaign_id,
    )
    outcome = service.lifecycle.accept(row.id, _version(row, expect_version), form)
    return print_outcome(rt, outcome, as_json)


@command("decline", help="Decline an inbound referral (a Microsoft seller: a co-sell request).")
@write_options
@option("--reason", required=True, metavar="CODE|NAME", help=REASON_HELP)
@option("--notes", default="", help="Why, in words.")
@pass_runtime
def decline(
    rt: Runtime, deal: str, expect_version: int | None, as_json: bool, reason: str, notes: str
) -> int:
    code = parse_label(CloseReason, reason, "--reason")
    service, row = _row(rt, deal)
    outcome = service.lifecycle.decline(row.id, _version(row, expect_version), code, notes)
    return print_outcome(rt, outcome, as_json)


# --- the sales stages and closing -------------------------------------------------------------


def stage_pct(text: str, row: DealRow) -> int:
    """`40`, `40%`, `Developed`, `develop` (the connector's enum) -> 40; SA names for SA deals."""
    from cosell_tui.cli.jsonio import SALES_STAGE_BY_PCT

    value = text.strip().rstrip("%").strip()
    if value.isascii() and value.isdigit():
        return int(value)
    assessment = row.deal_type is DealType.SOLUTION_ASSESSMENT
    stages = ASSESSMENT_STAGES if assessment else NORMAL_STAGES
    wanted = norm(value)
    names = {norm(name): pct for pct, name in stages}
    if not assessment:
        names.update({norm(name): pct for pct, name in SALES_STAGE_BY_PCT.items()})
        names["negotiate"] = 80
    if wanted in names:
        return names[wanted]
    choices = ", ".join(f"{pct} ({name})" for pct, name in stages)
    raise CliError(f"stage: {text!r} is not a stage of this deal; use one of {choices}")


@command("stage", help="Mark a sales stage.")
@write_options
@argument("stage", metavar="PCT|NAME", help="20, 40, 60, 80 or the stage's name.")
@pass_runtime
def mark_stage(
    rt: Runtime, deal: str, expect_version: int | None, as_json: bool, stage: str
) -> int:
    service, row = _row(rt, deal)
    pct = stage_pct(stage, row)
    outcome = service.lifecycle.mark_stage(row.id, _version(row, expect_version), pct)
    return print_outcome(rt, outcome, as_json)


@command("won", help="Mark a deal won.")
@write_options
@option("--yes", is_flag=True, help="Confirm past warnings (72-hour advisory).")
@pass_runtime
def won(rt: Runtime, deal: str, expect_version: int | None, as_json: bool, yes: bool) -> int:
    service, row = _row(rt, deal)
    version = _version(row, expect_version)
    warnings = service.lifecycle.won_preview(row.id).warnings
    for warning in warnings:
        rt.output.warn(f"warning: {warning}")
    if warnings and not yes and not _confirm("Mark this deal won anyway?"):
        rt.output.warn("not marked won; re-run with --yes to confirm")
        return EXIT_REFUSED
    outcome = service.lifecycle.won(row.id, version)
    if warnings:  # already said once; do not repeat the same advisory
        outcome = replace(outcome, warnings=tuple(w for w in outcome.warnings if w not in warnings))
    return print_outcome(rt, outcome, as_json)


def _confirm(question: str) -> bool:
    """Ask on a terminal; never block a script (no terminal means no)."""
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


@command("lost", help="Mark a deal lost.")
@write_options
@option("--reason", required=True, metavar="CODE|NAME", help=REASON_HELP)
@option("--notes", default="", help="Why, in words.")
@pass_runtime
def lost(
    rt: Runtime, deal: str, expect_version: int | None, as_json: bool, reason: str, notes: str
) -> int:
    code = parse_label(CloseReason, reason, "--reason")
    service, row = _row(rt, deal)
    outcome = service.lifecycle.lost(row.id, _version(row, expect_version), code, notes)
    return print_outcome(rt, outcome, as_json)


@command("error", help="Close a deal as error.")
@write_options
@option("--reason", required=True, metavar="CODE|NAME", help="Error reason 1-9 (code or words).")
@option("--notes", default="", help="Why, in words.")
@pass_runtime
def error(
    rt: Runtime, deal: str, expect_version: int | None, as_json: bool, reason: str, notes: str
) -> int:
    code = parse_label(ErrorReason, reason, "--reason")
    service, row = _row(rt, deal)
    outcome = service.lifecycle.close_as_error(row.id, _version(row, expect_version), code, notes)
    return print_outcome(rt, outcome, as_json)


@command("exception", help="Ask Microsoft for an exception to a rejected registration.")
@write_options
@option("--message", required=True, help="Why (at most 5,000 characters); Microsoft reads it.")
@pass_runtime
def exception(
    rt: Runtime, deal: str, expect_version: int | None, as_json: bool, message: str
) -> int:
    service, row = _row(rt, deal)
    version = _version(row, expect_version)
    return print_outcome(
        rt, service.registration.request_exception(row.id, version, message), as_json
    )


# --- Microsoft and partners -------------------------------------------------------------------


@command("share", help="Let Microsoft sellers see a private deal.")
@write_options
@pass_runtime
def share(rt: Runtime, deal: str, expect_version: int | None, as_json: bool) -> int:
    service, row = _row(rt, deal)
    outcome = service.sharing.share_with_microsoft(row.id, _version(row, expect_version))
    return print_outcome(rt, outcome, as_json)


def contact(
    first_name: str | None, last_name: str | None, phone: str | None, email: str | None
) -> PersonInput | None:
    """A PersonInput from --contact-* options, or None when none is given."""
    from cosell_tui.service.forms import PersonInput

    if first_name is None and last_name is None and phone is None and email is None:
        return None
    return PersonInput(
        first_name=first_name or "", last_name=last_name or "", phone=phone or "",
        email=email or "",
    )  # fmt: skip


@command("help", help="Ask Microsoft for help (makes it co-sell).")
@write_options
@option("--type", "help_type", required=True, metavar="HELP", help="Help type (API code or label).")
@option("--notes", default="", help="What Microsoft should help with (optional).")
@option("--contact-first-name", metavar="NAME", help="Customer contact, when the deal has none.")
@option("--contact-last-name", metavar="NAME")
@option("--contact-phone", metavar="PHONE")
@option("--contact-email", metavar="EMAIL")
@option("--consent", is_flag=True, help="The customer consents to sharing the contact given.")
@pass_runtime
def ask_for_help(
    rt: Runtime,
    deal: str,
    expect_version: int | None,
    as_json: bool,
    help_type: str,
    notes: str,
    contact_first_name: str | None,
    contact_last_name: str | None,
    contact_phone: str | None,
    contact_email: str | None,
    consent: bool,
) -> int:
    kind = parse_label(HelpType, help_type, "--type")
    person = contact(contact_first_name, contact_last_name, contact_phone, contact_email)
    service, row = _row(rt, deal)
    outcome = service.sharing.request_help(
        row.id, _version(row, expect_version), kind, notes, person, consent
    )
    return print_outcome(rt, outcome, as_json)


@command("invite", help="Invite a partner or Microsoft.")
@write_options
@option("--partner", required=True, metavar="NAME|microsoft", help="Partner name, or microsoft.")
@option("--value", required=True, help="The invitee's share of the value.")
@option("--currency", required=True, help="ISO 4217 code.")
@option("--close-date", required=True, metavar="YYYY-MM-DD", help="The invitee's close date.")
@option(
    "--solutions",
    cls=ManyValues,
    multiple=True,
    required=True,
    metavar="SOL...",
    help="Solution IDs the invitee should bring (spaces or commas).",
)
@option("--help-type", required=True, metavar="HELP", help="Help wanted from the invitee.")
@option("--notes", default="", help="Notes for the invitee.")
@pass_runtime
def invite(
    rt: Runtime,
    deal: str,
    expect_version: int | None,
    as_json: bool,
    partner: str,
    value: str,
    currency: str,
    close_date: str,
    solutions: tuple[str, ...],
    help_type: str,
    notes: str,
) -> int:
    from cosell_tui.service.forms import InvitationDraft, PersonInput

    kind = parse_label(HelpType, help_type, "--help-type")
    parse_amount(value, "--value")
    parse_date(close_date, "--close-date")
    service = rt.service()
    detail = service.listing.deal(parse_deal_id(deal))
    row = detail.row
    target = resolve_partner(service, partner)
    team = tuple(
        PersonInput(p.first_name, p.last_name, p.phone or "", p.email or "") for p in detail.team
    )
    draft = InvitationDraft(
        org_id=target,
        value=value,
        currency=currency,
        close_date=close_date,
        notes=notes,
        help_type=kind,
        solution_ids=split_list(solutions),
        team=team,
    )
    outcome = service.sharing.invite(row.id, _version(row, expect_version), draft)
    return print_outcome(rt, outcome, as_json)


@command("favorite", help="Star a deal (or --off).")
@deal_argument
@option("--off", is_flag=True, help="Remove the star.")
@json_option
@pass_runtime
def favorite(rt: Runtime, deal: str, off: bool, as_json: bool) -> int:
    service, row = _row(rt, deal)
    on = service.listing.set_favorite(row.id, not off)
    if as_json:
        rt.output.json({"id": row.referral_id, "number": row.id, "favorite": on})
    else:
        rt.output.line(f"#{row.id} {row.name}: {'starred' if on else 'star removed'}")
    return EXIT_OK
