"""What each section of the deal screen says, as plain functions from the read model to text.

Kept apart from the screen so the words can be read (and tested) without running Textual, and
so the screen module is only about keys, workers and layout.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from cosell_tui.domain import (
    Direction,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.domain.format import (
    clip,
    day,
    duration,
    fields,
    instant,
    money,
    printable,
    yes_no,
)
from cosell_tui.domain.views import DealDetail, DealRow, PersonView, RegistrationView


def header(detail: DealDetail, now: datetime) -> Content:
    """Name, direction badge, type, status, value and (while it runs) the expiry countdown."""
    row = detail.row.as_of(now)  # the window may end while the screen is open
    badge = " INBOUND " if row.direction is Direction.INCOMING else " OUTBOUND "
    incoming = row.direction is Direction.INCOMING
    parts: list[str | tuple[str, str] | Content] = [
        (printable(row.name), "bold"),
        "  ",
        (badge, "bold reverse $text-primary" if incoming else "bold reverse $text-accent"),
    ]
    if row.favorite:
        parts += ["  ", ("♥", "$text-error")]
    parts += [
        "\n",
        row.deal_type.label + (" + P2P" if row.p2p else ""),
        " · ",
        (status_word(row), _status_style(row.substatus)),
        " · ",
        (money(row.value, row.currency), "bold"),
        " · ",
        printable(row.customer_name),
    ]
    if row.expires_at is not None and row.status is Status.NEW:
        left = (row.expires_at - now).total_seconds()
        style = "bold $text-error" if left < 48 * 3600 else "$text-warning"
        window = f"expires in {duration(left)}" if left > 0 else "response window ended"
        parts += [" · ", (window, style)]
    return Content.assemble(*parts)


def status_word(row: DealRow) -> str:
    """The deal's status word, as the grid's Status column and the CLI say it."""
    return row.substatus.label


def _status_style(substatus: Substatus) -> str:
    if substatus is Substatus.WON:
        return "bold $text-success"
    if substatus in (Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED, Substatus.ERROR):
        return "bold $text-error"
    return "bold"


def details(detail: DealDetail) -> str:
    row = detail.row
    return fields(
        [
            ("Referral ID", row.referral_id),
            ("Deal type", row.deal_type.label + (" (P2P)" if row.p2p else "")),
            ("Location", f"{detail.location_name} ({detail.location_partner_id})"),
            ("Routing", detail.routed_by or ""),
            ("Close date", day(row.close_date)),
            ("Created", instant(row.created_at)),
            ("Accepted", instant(detail.accepted_at)),
            ("Closed", instant(row.closed_at)),
            ("Closed because", detail.status_reason or ""),
            ("From", detail.invited_by or ""),
            ("CRM ID", row.crm_id or ""),
            ("Campaign ID", detail.campaign_id or ""),
            ("Marketplace", detail.marketplace_intent.label),
            ("Partner role", row.partner_role.label if row.partner_role else ""),
            ("Program", row.partner_program or ""),
            ("Help asked", detail.help_type.label),
            ("MS sellers see", yes_no(detail.visible_to_microsoft)),
            ("Notes", detail.notes),
            ("Invite notes", detail.invite_notes or ""),
            ("Their team", "; ".join(person(p) for p in detail.inviter_contacts)),
        ]
    )


def person(p: PersonView) -> str:
    return " · ".join(part for part in (p.full_name, p.email or "", p.phone or "") if part)


def customer(detail: DealDetail) -> str:
    account = detail.customer
    ident = account.microsoft_account_id or (f"DUNS {account.duns}" if account.duns else "")
    lines = [
        account.name + (" (federal)" if account.federal else ""),
        f"{account.kind.label}{' · ' + ident if ident else ''}",
        _with_country(account.address, account.country),
    ]
    if detail.contacts:
        lines.append("Contacts:")
        lines.extend(f"  {person(p)}" for p in detail.contacts)
    else:
        lines.append("No customer contact.")
    return "\n".join(lines)


def _with_country(address: str, country: str) -> str:
    """The address, ending with the country once (the service's address may carry it)."""
    if not country or address == country or address.endswith(f", {country}"):
        return address
    return ", ".join(part for part in (address, country) if part)


def team(detail: DealDetail) -> str:
    if not detail.team:
        return "Nobody on the team yet."
    return "\n".join(person(p) for p in detail.team)


def solutions(detail: DealDetail) -> str:
    if not detail.solutions:
        return "No solutions."
    lines = []
    for line in detail.solutions:
        sol = line.solution
        tags = [
            tag
            for tag, on in (
                ("IP co-sell", sol.azure_ip_co_sell),
                ("Biz apps premium", sol.biz_apps_premium),
                ("Biz apps standard", sol.biz_apps_standard),
            )
            if on
        ]
        priced = ""
        if line.price is not None:
            qty = f" × {line.quantity}" if line.quantity else ""
            priced = f" · {money(line.price, line.currency)}{qty}"
        tag_text = f" [{', '.join(tags)}]" if tags else ""
        lines.append(f"{sol.name} ({sol.publisher_name}){tag_text}{priced}")
    return "\n".join(lines)


def microsoft(detail: DealDetail, now: datetime) -> str:
    card = detail.microsoft
    if card.status is MicrosoftStatus.NONE:
        if detail.visible_to_microsoft:
            return "Visible to Microsoft sellers; no help requested."
        return "Private: Microsoft sellers do not see this deal."
    window = ""
    if card.status is MicrosoftStatus.PENDING and card.expires_at is not None:
        window = f"answers within {duration((card.expires_at - now).total_seconds())}"
    seller = person(card.seller) if card.seller is not None else ""
    return fields(
        [
            ("Status", card.status.label),
            ("Requested", instant(card.requested_at)),
            ("Window", window),
            ("Seller", seller),
            ("MSX ID", card.msx_id or ""),
            ("Declined", card.decline_reason or ""),
        ]
    )


def invitations(detail: DealDetail) -> str:
    if not detail.invitations:
        return "No partner invited."
    lines = []
    for inv in detail.invitations:
        state = inv.invitee_status.label if inv.invitee_status else "Sent"
        lines.append(
            f"{inv.to_org_name} · {state} · {money(inv.value, inv.currency)}"
            f" · close {day(inv.close_date)} · {inv.help_type.label}"
        )
        if inv.notes:
            lines.append(f"  {clip(inv.notes, 70)}")
    return "\n".join(lines)


def registration(reg: RegistrationView | None) -> str:
    if reg is None:
        return "Not registered."
    return fields(
        [
            ("Status", reg.status.label),
            ("Reason", reg.status_reason or ""),
            ("Registered", instant(reg.registered_at)),
            ("Marketplace", yes_no(reg.is_marketplace)),
            ("Contract", money(reg.contract_value, reg.contract_currency)),
            ("Solution value", money(reg.solution_value, reg.solution_currency)),
            (
                "Term",
                "perpetual" if reg.perpetual else f"{day(reg.start_date)} → {day(reg.end_date)}",
            ),
            ("Signed", day(reg.sign_date)),
            ("Pricing", reg.pricing_model),
            ("Tenant", reg.tenant_type),
            ("Exception", reg.exception_status.label if reg.exception_status else ""),
            ("Asked", reg.exception_message or ""),
            ("Answer", reg.exception_reason or ""),
        ]
    )


def history(detail: DealDetail) -> str:
    if not detail.history:
        return "No history."
    entries = sorted(detail.history, key=lambda h: h.at, reverse=True)
    return "\n".join(
        f"{instant(h.at)}  {h.who}: {h.action}{' — ' + h.summary if h.summary else ''}"
        for h in entries
    )
