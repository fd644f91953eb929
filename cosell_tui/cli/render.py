"""Deals as text for people: the rows of `deal list` and the sections of `deal show`.

Money, dates and durations come from `cosell_tui.domain.format`; tables from `output`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cosell_tui.cli.jsonio import stage_label
from cosell_tui.cli.output import table_text
from cosell_tui.domain import HelpType, Status
from cosell_tui.domain import format as fmt
from cosell_tui.domain.views import Tab

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealDetail, DealRow, PersonView

LastColumn = Callable[["DealRow", datetime], str]


def stage(row: DealRow) -> str:
    """The stage's name; a referral not yet answered has no stage ("—")."""
    return stage_label(row) or "—"


def type_label(row: DealRow) -> str:
    return row.deal_type.label + (" +P2P" if row.p2p else "")


def last_column(tab: Tab) -> tuple[str, LastColumn]:
    """Inbound shows the expiry countdown, Closed the closing date, the others creation."""
    if tab is Tab.INBOUND:
        return "Expires in", lambda r, now: fmt.countdown(r.expires_at, now)
    if tab is Tab.CLOSED:
        return "Closed", lambda r, now: fmt.day(r.closed_at)
    return "Created", lambda r, now: fmt.day(r.created_at)


def list_rows(
    tab: Tab, rows: Sequence[DealRow], now: datetime
) -> tuple[list[str], list[list[str]]]:
    """`deal list`'s headers and cells (the deal name is marked `*` when a favourite)."""
    last_header, last = last_column(tab)
    headers = ["#", " Deal", "Customer", "Type", "Status", "Stage", "Value", "Close", "Ctry"]
    cells = [
        [
            str(r.id),
            ("*" if r.favorite else " ") + fmt.clip(r.name, 36),
            fmt.clip(r.customer_name, 26),
            type_label(r),
            r.substatus.label,
            stage(r),
            fmt.money(r.value, r.currency),
            fmt.day(r.close_date),
            r.country,
            last(r, now),
        ]
        for r in rows
    ]
    return [*headers, last_header], cells


def render_detail(d: DealDetail, now: datetime) -> str:
    """The deal as sections of aligned fields and tables, like the deal screen."""
    r = d.row
    out = [f"#{r.id}  {r.name}", "=" * min(80, len(r.name) + len(str(r.id)) + 3)]
    expires = ""
    if r.expires_at and r.status is not Status.CLOSED:
        expires = f"{fmt.instant(r.expires_at)} (in {fmt.countdown(r.expires_at, now)})"
    out.append(
        fmt.fields(
            [
                ("Referral ID", r.referral_id),
                ("Direction", r.direction.label),
                ("Type", type_label(r)),
                ("Status", f"{r.status.label} / {r.substatus.label}"),
                ("Stage", f"{stage(r)} ({r.stage_pct} %)"),
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
        out += _section("Notes", d.notes)
    if d.invite_notes:
        out += _section("Invitation notes", d.invite_notes)
    out += _people("Team", d.team) + _people("Customer contacts", d.contacts)
    out += _people("The inviter's team", d.inviter_contacts)
    if d.solutions:
        out += _section(
            "Solutions",
            table_text(
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
            ),
        )
    ms = d.microsoft
    if ms.status.value != "None":
        out += _section(
            "Microsoft",
            fmt.fields(
                [
                    ("Status", ms.status.label),
                    ("Requested", fmt.instant(ms.requested_at)),
                    ("Answer due", fmt.instant(ms.expires_at)),
                    ("Seller", _person(ms.seller) if ms.seller else ""),
                    ("MSX ID", ms.msx_id or ""),
                    ("Declined", ms.decline_reason or ""),
                ]
            ),
        )
    if d.invitations:
        out += _section(
            "Partner invitations",
            table_text(
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
            ),
        )
    if d.registration:
        reg = d.registration
        out += _section(
            "Registration",
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
                    ("Exception", reg.exception_status.label if reg.exception_status else ""),
                    ("Asked", reg.exception_message or ""),
                    ("Answer", reg.exception_reason or ""),
                ]
            ),
        )
    out += _section("Actions now", _actions_line(d))
    if d.history:
        out += _section(
            "History",
            table_text(
                ["When", "Who", "What"],
                [[fmt.instant(h.at), h.who, fmt.clip(h.summary, 60)] for h in d.history[-15:]],
            ),
        )
    return "\n".join(out)


def _section(title: str, body: str) -> list[str]:
    return ["", title, "-" * len(title), body]


def _person(p: PersonView) -> str:
    bits = [p.full_name, p.email or "", p.phone or ""]
    return "  ".join(b for b in bits if b)


def _people(title: str, people: Sequence[PersonView]) -> list[str]:
    if not people:
        return []
    rows = [[p.full_name, p.email or "", p.phone or ""] for p in people]
    return _section(title, table_text(["Name", "Email", "Phone"], rows))


def _actions_line(d: DealDetail) -> str:
    import textwrap  # deal show only: a list prints no paragraph

    allowed = sorted(a.label for a in d.decision.allowed)
    if not allowed:
        return "none (see `cosell deal explain`)"
    return textwrap.fill(", ".join(allowed), width=90)
