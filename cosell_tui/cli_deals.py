"""`cosell deal ...`: list, show, explain, create and every change a deal can take.

Each handler reads the deal first (so the user's scope applies and the version is known),
turns the arguments into the service's form, makes one service call and prints the outcome.
Writes pass `--version N` when given, else the version just read, so a script that read a
deal earlier can detect that someone else changed it since (exit 3).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosell_tui.cli import EXIT_OK, EXIT_REFUSED, CliError, Context
from cosell_tui.cli_parse import (
    parse_amount,
    parse_date,
    parse_deal_id,
    parse_label,
    split_list,
)
from cosell_tui.domain import format as fmt

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealDetail, DealRow, Outcome
    from cosell_tui.service import Service

#: Tab and sort-key names for argparse (kept literal: importing views would load the service).
TABS = ["inbound", "outbound", "favorites", "closed"]
SORT_KEYS = [
    "name",
    "customer",
    "type",
    "status",
    "value",
    "close",
    "country",
    "created",
    "expires",
    "msstatus",
    "role",
    "program",
    "id",
    "crm",
    "closed",
]


# --- shared helpers ---------------------------------------------------------------------------


def _row(ctx: Context) -> tuple[Service, DealRow]:
    service = ctx.service()
    return service, service.listing.row(parse_deal_id(ctx.args.deal))


def _version(ctx: Context, row: DealRow) -> int:
    expected = getattr(ctx.args, "expect_version", None)
    return row.version if expected is None else expected


def _print_outcome(ctx: Context, outcome: Outcome) -> int:
    from cosell_tui.jsonio import dumps, row_to_json

    if ctx.json:
        ctx.print(
            dumps(
                {
                    "message": outcome.message,
                    "warnings": list(outcome.warnings),
                    "referral": row_to_json(outcome.deal),
                }
            )
        )
    else:
        ctx.print(outcome.message)
        for warning in outcome.warnings:
            ctx.warn(f"warning: {warning}")
    return EXIT_OK


def _stage(row: DealRow) -> str:
    """The stage's name; a referral not yet answered has no stage ("—")."""
    from cosell_tui.jsonio import stage_label

    return stage_label(row) or "—"


def _type_label(row: DealRow) -> str:
    return row.deal_type.label + (" +P2P" if row.p2p else "")


def read_document(path: str, stdin: Any = None) -> tuple[str, str]:
    """The text of a JSON file or of standard input (`-`), and a name for messages."""
    if path == "-":
        return (stdin or sys.stdin).read(), "standard input"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read it ({exc})") from None


# --- reads ------------------------------------------------------------------------------------


def cmd_list(ctx: Context) -> int:
    from cosell_tui.domain.views import GridQuery, SortKey, Tab
    from cosell_tui.jsonio import dumps, row_to_json

    args = ctx.args
    if args.limit < 1 or args.offset < 0:
        raise CliError("--limit must be at least 1 and --offset at least 0")
    service = ctx.service()
    if args.filter:
        problem = service.listing.check_filter(args.filter)
        if problem:
            raise CliError(f"--filter: {problem}")
    query = GridQuery(
        tab=Tab(args.tab),
        text=args.filter,
        sort=SortKey(args.sort) if args.sort else None,
        descending=args.desc,
    )
    total = service.listing.count(query)
    rows = service.listing.page(query, args.offset, args.limit).rows
    if ctx.json:
        ctx.print(
            dumps(
                {
                    "tab": args.tab,
                    "filter": args.filter,
                    "totalCount": total,
                    "offset": args.offset,
                    "items": [row_to_json(r) for r in rows],
                }
            )
        )
        return EXIT_OK
    if not rows:
        ctx.print(
            f"No deals in {args.tab}" + (f" matching {args.filter!r}." if args.filter else ".")
        )
        return EXIT_OK
    now = service.clock.now()
    last_header, last = _last_column(args.tab)
    table_rows = [
        [
            str(r.id),
            ("*" if r.favorite else " ") + fmt.clip(r.name, 36),
            fmt.clip(r.customer_name, 26),
            _type_label(r),
            r.substatus.label,
            _stage(r),
            fmt.money(r.value, r.currency),
            fmt.day(r.close_date),
            r.country,
            last(r, now),
        ]
        for r in rows
    ]
    headers = [
        "#",
        " Deal",
        "Customer",
        "Type",
        "Status",
        "Stage",
        "Value",
        "Close",
        "Ctry",
        last_header,
    ]
    ctx.print(
        fmt.fit_table(
            headers,
            table_rows,
            right=(0, 6),
            width=fmt.terminal_width(ctx.out),
            drop=(8, 5, 2, 7),  # country, stage, customer, close date go first
            shrink=1,
        )
    )
    first = args.offset + 1
    ctx.print(f"\n{first}–{args.offset + len(rows)} of {total:,} in {args.tab}  (* = favorite)")
    return EXIT_OK


def _last_column(tab: str) -> tuple[str, Any]:
    """Inbound shows the expiry countdown, Closed the closing date, the others creation."""
    if tab == "inbound":
        return (
            "Expires in",
            lambda r, now: (
                fmt.duration((r.expires_at - now).total_seconds()) if r.expires_at else ""
            ),
        )
    if tab == "closed":
        return "Closed", lambda r, now: fmt.day(r.closed_at)
    return "Created", lambda r, now: fmt.day(r.created_at)


def cmd_show(ctx: Context) -> int:
    from cosell_tui.jsonio import detail_to_json, dumps

    service = ctx.service()
    detail = service.listing.deal(parse_deal_id(ctx.args.deal))
    if ctx.json:
        ctx.print(dumps(detail_to_json(detail)))
        return EXIT_OK
    ctx.print(render_detail(detail, service.clock.now()))
    return EXIT_OK


def render_detail(d: DealDetail, now: Any) -> str:
    """The deal as sections of aligned fields and tables, like the deal screen."""
    from cosell_tui.domain import HelpType

    r = d.row
    out = [f"#{r.id}  {r.name}", "=" * min(80, len(r.name) + len(str(r.id)) + 3)]
    expires = ""
    if r.expires_at and r.status.value != "Closed":
        expires = (
            f"{fmt.instant(r.expires_at)} (in {fmt.duration((r.expires_at - now).total_seconds())})"
        )
    out.append(
        fmt.fields(
            [
                ("Referral ID", r.referral_id),
                ("Direction", r.direction.label),
                ("Type", _type_label(r)),
                ("Status", f"{r.status.label} / {r.substatus.label}"),
                ("Stage", f"{_stage(r)} ({r.stage_pct} %)"),
                ("Value", fmt.money(r.value, r.currency)),
                ("Close date", fmt.day(r.close_date)),
                ("Customer", f"{d.customer.name} ({d.customer.kind.label}, {d.customer.country})"),
                ("Location", f"{d.location_name} ({d.location_partner_id})"),
                ("Organisation", d.org_name),
                ("Invited by", d.invited_by or ""),
                ("CRM ID", r.crm_id or ""),
                ("Campaign ID", d.campaign_id or ""),
                ("Partner role", r.partner_role.label if r.partner_role else ""),
                ("Partner program", r.partner_program or ""),
                ("Help wanted", d.help_type.label if d.help_type is not HelpType.NONE else ""),
                ("Visible to MS", fmt.yes_no(d.visible_to_microsoft)),
                ("Marketplace", d.marketplace_intent.label),
                ("Created", fmt.instant(r.created_at)),
                ("Accepted", fmt.instant(d.accepted_at)),
                ("Expires", expires),
                ("Closed", fmt.instant(r.closed_at)),
                ("Reason", d.status_reason or ""),
                ("Favorite", "yes" if r.favorite else ""),
                ("Version", str(r.version)),
            ]
        )
    )
    if d.notes:
        out += ["", "Notes", "-----", d.notes]
    if d.invite_notes:
        out += ["", "Invitation notes", "----------------", d.invite_notes]
    out += _people("Team", d.team) + _people("Customer contacts", d.contacts)
    if d.solutions:
        out += ["", "Solutions", "---------"]
        out.append(
            fmt.table(
                ["ID", "Name", "Publisher", "Category", "IP co-sell", "Price", "Qty"],
                [
                    [
                        s.solution.id,
                        fmt.clip(s.solution.name, 34),
                        fmt.clip(s.solution.publisher_name, 20),
                        s.solution.category.label,
                        fmt.yes_no(s.solution.azure_ip_co_sell),
                        fmt.money(s.price, s.currency),
                        "" if s.quantity is None else str(s.quantity),
                    ]
                    for s in d.solutions
                ],
                right=(5, 6),
            )
        )
    ms = d.microsoft
    if ms.status.value != "None":
        out += ["", "Microsoft", "---------"]
        out.append(
            fmt.fields(
                [
                    ("Status", ms.status.label),
                    ("Requested", fmt.instant(ms.requested_at)),
                    ("Answer due", fmt.instant(ms.expires_at)),
                    ("Seller", _person(ms.seller) if ms.seller else ""),
                    ("MSX ID", ms.msx_id or ""),
                    ("Declined", ms.decline_reason or ""),
                ]
            )
        )
    if d.invitations:
        out += ["", "Partner invitations", "-------------------"]
        out.append(
            fmt.table(
                ["Partner", "Value", "Close", "Help", "Solutions", "Their status"],
                [
                    [
                        inv.to_org_name,
                        fmt.money(inv.value, inv.currency),
                        fmt.day(inv.close_date),
                        inv.help_type.label,
                        ", ".join(inv.solution_ids),
                        inv.invitee_status.label if inv.invitee_status else "—",
                    ]
                    for inv in d.invitations
                ],
                right=(1,),
            )
        )
    if d.registration:
        reg = d.registration
        out += ["", "Registration", "------------"]
        out.append(
            fmt.fields(
                [
                    ("Status", reg.status.label),
                    ("Reason", reg.status_reason or ""),
                    ("Contract", fmt.money(reg.contract_value, reg.contract_currency)),
                    (
                        "Solution",
                        reg.solution_id
                        + "  "
                        + fmt.money(reg.solution_value, reg.solution_currency),
                    ),
                    ("Signed", fmt.day(reg.sign_date)),
                    ("Term", f"{fmt.day(reg.start_date)} – {fmt.day(reg.end_date) or 'perpetual'}"),
                    ("Registered", fmt.instant(reg.registered_at)),
                ]
            )
        )
    out += ["", "Actions now", "-----------", _actions_line(d)]
    if d.history:
        out += ["", "History", "-------"]
        out.append(
            fmt.table(
                ["When", "Who", "What"],
                [[fmt.instant(h.at), h.who, fmt.clip(h.summary, 60)] for h in d.history[-15:]],
            )
        )
    return "\n".join(out)


def _person(p: Any) -> str:
    bits = [p.full_name, p.email or "", p.phone or ""]
    return "  ".join(b for b in bits if b)


def _people(title: str, people: tuple[Any, ...]) -> list[str]:
    if not people:
        return []
    rows = [[p.full_name, p.email or "", p.phone or ""] for p in people]
    return ["", title, "-" * len(title), fmt.table(["Name", "Email", "Phone"], rows)]


def _actions_line(d: DealDetail) -> str:
    import textwrap

    allowed = sorted(a.label for a in d.decision.allowed)
    if not allowed:
        return "none (see `cosell deal explain`)"
    return textwrap.fill(", ".join(allowed), width=90)


def cmd_explain(ctx: Context) -> int:
    from cosell_tui.cli_explain import explain_json, render_explain

    service = ctx.service()
    detail = service.listing.deal(parse_deal_id(ctx.args.deal))
    reason = deal_type_reason(service, detail)
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(dumps(explain_json(detail, reason)))
    else:
        ctx.print(render_explain(detail, reason))
    return EXIT_OK


def deal_type_reason(service: Service, detail: DealDetail) -> str:
    """Why the deal has its type, in the deal-type rules' own words when they agree.

    The service has no "explain the stored type" call, so the deal's answers are put back into
    a draft and the wizard's live preview asks the rules; if the rules' answer differs from the
    stored type (the deal was upgraded since, or sent by another organisation), the stored
    answers are described instead.
    """
    from cosell_tui.cli_explain import derived_type_reason
    from cosell_tui.service.forms import DealDraft, InvitationDraft, PersonInput, SolutionInput

    row = detail.row
    contact = detail.contacts[0] if detail.contacts else None
    draft = DealDraft(
        name=row.name,
        value=row.value,
        currency=row.currency,
        close_date=row.close_date,
        solutions=tuple(SolutionInput(line.solution.id) for line in detail.solutions),
        help_type=detail.help_type,
        visible_to_microsoft=detail.visible_to_microsoft,
        contact=(
            PersonInput(contact.first_name, contact.last_name, contact.phone, contact.email)
            if contact
            else None
        ),
        consent=contact is not None,
        invitations=tuple(
            InvitationDraft(
                org_id="microsoft", value=inv.value, currency=inv.currency,
                close_date=inv.close_date, help_type=inv.help_type,
                solution_ids=inv.solution_ids,
            )
            for inv in detail.invitations
        ),
    )  # fmt: skip
    try:
        decision = service.creation.preview_deal_type(draft)
    except Exception:  # an explanation must never fail the command
        decision = None
    if decision is not None and decision.deal_type is row.deal_type and decision.reason:
        return decision.reason
    return derived_type_reason(detail)


# --- create -----------------------------------------------------------------------------------


def cmd_create(ctx: Context) -> int:
    from cosell_tui.cli_create import draft_from_json
    from cosell_tui.jsonio import parse_document

    text, source = read_document(ctx.args.file)
    document = parse_document(text, source)
    from cosell_tui.cli_create import document_path
    from cosell_tui.service.errors import ValidationError

    service = ctx.service()
    draft = draft_from_json(document, service)
    try:
        outcome = service.creation.create_deal(draft)
    except ValidationError as exc:  # name the document's fields, not the service's
        fields = {document_path(name): message for name, message in exc.fields.items()}
        message = exc.message
        for name in exc.fields:
            message = message.replace(f"{name}: ", f"{document_path(name)}: ", 1)
        raise ValidationError(message, fields) from None
    return _print_outcome(ctx, outcome)


# --- writes -----------------------------------------------------------------------------------


def cmd_accept(ctx: Context) -> int:
    from cosell_tui.service.forms import AcceptForm

    args = ctx.args
    service = ctx.service()
    detail = service.listing.deal(parse_deal_id(args.deal))
    row = detail.row
    if args.value is not None:
        parse_amount(args.value, "--value")
    if args.close_date is not None:
        parse_date(args.close_date, "--close-date")
    form = AcceptForm(
        name=args.name if args.name is not None else row.name,
        value=args.value if args.value is not None else str(row.value),
        currency=args.currency if args.currency is not None else row.currency,
        close_date=args.close_date if args.close_date is not None else row.close_date.isoformat(),
        notes=args.notes if args.notes is not None else (detail.notes or detail.invite_notes or ""),
        crm_id=args.crm_id if args.crm_id is not None else row.crm_id,
        campaign_id=args.campaign_id if args.campaign_id is not None else detail.campaign_id,
    )
    return _print_outcome(ctx, service.lifecycle.accept(row.id, _version(ctx, row), form))


def cmd_decline(ctx: Context) -> int:
    from cosell_tui.domain import CloseReason

    reason = parse_label(CloseReason, ctx.args.reason, "--reason")
    service, row = _row(ctx)
    return _print_outcome(
        ctx, service.lifecycle.decline(row.id, _version(ctx, row), reason, ctx.args.notes)
    )


def cmd_lost(ctx: Context) -> int:
    from cosell_tui.domain import CloseReason

    reason = parse_label(CloseReason, ctx.args.reason, "--reason")
    service, row = _row(ctx)
    return _print_outcome(
        ctx, service.lifecycle.lost(row.id, _version(ctx, row), reason, ctx.args.notes)
    )


def cmd_error(ctx: Context) -> int:
    from cosell_tui.domain import ErrorReason

    reason = parse_label(ErrorReason, ctx.args.reason, "--reason")
    service, row = _row(ctx)
    return _print_outcome(
        ctx, service.lifecycle.close_as_error(row.id, _version(ctx, row), reason, ctx.args.notes)
    )


def stage_pct(text: str, row: DealRow) -> int:
    """`40`, `40%`, `Developed`, `develop` (the connector's enum) -> 40; SA names for SA deals."""
    from cosell_tui.cli_parse import _norm
    from cosell_tui.domain import ASSESSMENT_STAGES, NORMAL_STAGES, DealType
    from cosell_tui.jsonio import SALES_STAGE_BY_PCT

    value = text.strip().rstrip("%").strip()
    if value.isdigit():
        return int(value)
    assessment = row.deal_type is DealType.SOLUTION_ASSESSMENT
    stages = ASSESSMENT_STAGES if assessment else NORMAL_STAGES
    wanted = _norm(value)
    names = {_norm(name): pct for pct, name in stages}
    if not assessment:
        names.update({_norm(name): pct for pct, name in SALES_STAGE_BY_PCT.items()})
        names["negotiate"] = 80
    if wanted in names:
        return names[wanted]
    choices = ", ".join(f"{pct} ({name})" for pct, name in stages)
    raise CliError(f"stage: {text!r} is not a stage of this deal; use one of {choices}")


def cmd_stage(ctx: Context) -> int:
    service, row = _row(ctx)
    pct = stage_pct(ctx.args.stage, row)
    return _print_outcome(ctx, service.lifecycle.mark_stage(row.id, _version(ctx, row), pct))


def cmd_won(ctx: Context) -> int:
    service, row = _row(ctx)
    version = _version(ctx, row)
    warnings = service.lifecycle.won_warnings(row.id)
    for warning in warnings:
        ctx.warn(f"warning: {warning}")
    if warnings and not ctx.args.yes and not _confirm("Mark this deal won anyway?"):
        ctx.warn("not marked won; re-run with --yes to confirm")
        return EXIT_REFUSED
    outcome = service.lifecycle.won(row.id, version)
    if warnings:  # already said once; do not repeat the same advisory
        from dataclasses import replace

        outcome = replace(outcome, warnings=tuple(w for w in outcome.warnings if w not in warnings))
    return _print_outcome(ctx, outcome)


def _confirm(question: str) -> bool:
    """Ask on a terminal; never block a script (no terminal means no)."""
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def cmd_share(ctx: Context) -> int:
    service, row = _row(ctx)
    return _print_outcome(ctx, service.sharing.share_with_microsoft(row.id, _version(ctx, row)))


def contact_from_args(args: Any) -> Any:
    """A PersonInput from --contact-* options, or None when none is given."""
    from cosell_tui.service.forms import PersonInput

    values = [
        args.contact_first_name,
        args.contact_last_name,
        args.contact_phone,
        args.contact_email,
    ]
    if all(v is None for v in values):
        return None
    return PersonInput(
        first_name=args.contact_first_name or "",
        last_name=args.contact_last_name or "",
        phone=args.contact_phone or "",
        email=args.contact_email or "",
    )


def cmd_help(ctx: Context) -> int:
    from cosell_tui.domain import HelpType

    help_type = parse_label(HelpType, ctx.args.help_type, "--type")
    contact = contact_from_args(ctx.args)
    service, row = _row(ctx)
    return _print_outcome(
        ctx,
        service.sharing.request_help(
            row.id, _version(ctx, row), help_type, ctx.args.notes, contact
        ),
    )


def resolve_partner(service: Service, text: str) -> int | str:
    """`microsoft`, a partner's exact name, or a unique part of one -> the invitation target."""
    if text.strip().lower() == "microsoft":
        return "microsoft"
    matches = service.catalog.search_partners(text.strip())
    exact = [org_id for org_id, name in matches if name.lower() == text.strip().lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise CliError(
            f"--partner: no co-sell partner matches {text!r} (see `cosell catalog partners`)"
        )
    names = ", ".join(name for _, name in matches[:8])
    raise CliError(f"--partner: {text!r} matches several partners: {names}")


def cmd_invite(ctx: Context) -> int:
    from cosell_tui.domain import HelpType
    from cosell_tui.service.forms import InvitationDraft, PersonInput

    args = ctx.args
    help_type = parse_label(HelpType, args.help_type, "--help-type")
    parse_amount(args.value, "--value")
    parse_date(args.close_date, "--close-date")
    service = ctx.service()
    detail = service.listing.deal(parse_deal_id(args.deal))
    row = detail.row
    target = resolve_partner(service, args.partner)
    team = tuple(
        PersonInput(p.first_name, p.last_name, p.phone or "", p.email or "") for p in detail.team
    )
    draft = InvitationDraft(
        org_id=target,
        value=args.value,
        currency=args.currency,
        close_date=args.close_date,
        notes=args.notes,
        help_type=help_type,
        solution_ids=split_list(args.solutions),
        team=team,
    )
    return _print_outcome(ctx, service.sharing.invite(row.id, _version(ctx, row), draft))


def cmd_favorite(ctx: Context) -> int:
    service, row = _row(ctx)
    on = service.listing.set_favorite(row.id, not ctx.args.off)
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(dumps({"id": row.referral_id, "number": row.id, "favorite": on}))
    else:
        ctx.print(f"#{row.id} {row.name}: {'starred' if on else 'star removed'}")
    return EXIT_OK


def cmd_register(ctx: Context) -> int:
    from cosell_tui.cli_create import registration_from_args, registration_from_json
    from cosell_tui.jsonio import parse_document

    args = ctx.args
    if args.file:
        text, source = read_document(args.file)
        form = registration_from_json(parse_document(text, source), args)
    else:
        form = registration_from_args(args)
    service, row = _row(ctx)
    return _print_outcome(ctx, service.registration.register(row.id, _version(ctx, row), form))
