"""`cosell deal explain`: why a deal is what it is and what may happen to it now.

Three answers, each from the rules through the service: the deal type (with the reason), the
actions allowed now and why each other one is refused, and the registration eligibility
checklist (each criterion met, failed or undecidable, with its reason in words).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cosell_tui.cli.errors import EXIT_OK
from cosell_tui.cli.jsonio import checklist_to_json, decision_to_json
from cosell_tui.cli.options import command, deal_argument, json_option, pass_runtime
from cosell_tui.cli.runtime import Runtime
from cosell_tui.domain import Action, DealType, HelpType, SolutionCategory
from cosell_tui.domain.facts import Outcome
from cosell_tui.domain.views import DealDetail

if TYPE_CHECKING:
    from cosell_tui.service import Service

MARKS = {Outcome.MET: "[x]", Outcome.FAILED: "[ ]", Outcome.UNDECIDABLE: "[?]"}


@command("explain", help="Deal type, allowed actions, eligibility.")
@deal_argument
@json_option
@pass_runtime
def explain(rt: Runtime, deal: str, as_json: bool) -> int:
    from cosell_tui.cli.parse import parse_deal_id

    service = rt.service()
    detail = service.listing.deal(parse_deal_id(deal))
    reason = deal_type_reason(service, detail)
    if as_json:
        rt.output.json(explain_json(detail, reason))
    else:
        rt.output.line(render_explain(detail, reason))
    return EXIT_OK


def deal_type_reason(service: Service, detail: DealDetail) -> str:
    """Why the deal has its type, in the deal-type rules' own words when they agree.

    The service has no "explain the stored type" call, so the deal's answers are put back into
    a draft and the wizard's live preview asks the rules; if the rules' answer differs from the
    stored type (the deal was upgraded since, or sent by another organisation), the stored
    answers are described instead.
    """
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


def derived_type_reason(detail: DealDetail) -> str:
    """The deal-type decision table of domain.md §4.1 read back from the stored answers.

    Used only when the service offers no explanation of its own; it states the answers that
    led to the stored type, it does not decide anything.
    """
    row = detail.row
    p2p = " Partners are invited, so it is also partner-to-partner (P2P)." if row.p2p else ""
    if row.deal_type is DealType.SOLUTION_ASSESSMENT:
        assessments = [
            line.solution.name
            for line in detail.solutions
            if line.solution.category is SolutionCategory.ASSESSMENT
        ]
        names = ", ".join(assessments) or "an assessment type"
        return f"Solution assessment: the deal's solution is {names}.{p2p}"
    if row.deal_type is DealType.CO_SELL:
        if detail.help_type is not HelpType.NONE:
            return f"Co-sell: help from Microsoft is requested ({detail.help_type.label}).{p2p}"
        return f"Co-sell: Microsoft is engaged on this referral.{p2p}"
    if row.deal_type is DealType.PARTNER_LED:
        return "Partner-led: no help requested, and Microsoft sellers may view the deal." + p2p
    return "Private: no help requested, and Microsoft sellers may not view the deal." + p2p


def explain_json(detail: DealDetail, reason: str) -> dict[str, Any]:
    row = detail.row
    return {
        "id": row.referral_id,
        "number": row.id,
        "version": row.version,
        "dealType": {
            "value": row.deal_type.value,
            "label": row.deal_type.label,
            "p2p": row.p2p,
            "reason": reason,
        },
        "routing": detail.routed_by,
        "actions": decision_to_json(detail.decision),
        "eligibility": checklist_to_json(detail.checklist),
    }


def render_explain(detail: DealDetail, reason: str) -> str:
    row = detail.row
    decision = detail.decision
    out = [f"#{row.id}  {row.name}", "", f"Deal type: {row.deal_type.label}", f"  {reason}", ""]
    if detail.routed_by:
        out += [f"Location: {detail.location_name} ({detail.location_partner_id})"]
        out += [f"  {detail.routed_by}", ""]
    allowed = [a for a in Action if a in decision.allowed]
    out.append("Allowed now:")
    if allowed:
        for action in allowed:
            line = f"  + {action.label}"
            if action is Action.MARK_STAGE and decision.stages:
                line += " (" + ", ".join(f"{pct} %" for pct in decision.stages) + ")"
            warning = decision.warnings.get(action)
            if warning:
                line += f"  — warning: {warning}"
            out.append(line)
    else:
        out.append("  nothing")
    refused = [a for a in Action if a not in decision.allowed]
    if refused:
        out += ["", "Not allowed:"]
        out.extend(f"  - {a.label}: {decision.why_not(a)}" for a in refused)
    out.append("")
    checklist = detail.checklist
    if checklist is None:
        out.append("Registration: does not apply (only won deals other than assessments).")
    else:
        verdict = (
            "eligible"
            if checklist.eligible
            else "cannot decide yet"
            if checklist.undecidable
            and not any(c.outcome is Outcome.FAILED for c in checklist.items)
            else "not eligible"
        )
        out.append(f"Azure IP co-sell registration: {verdict}")
        for item in checklist.items:
            line = f"  {MARKS[item.outcome]} {item.title}"
            if item.reason:
                line += f" — {item.reason}"
            if item.missing:
                line += f" (missing: {', '.join(item.missing)})"
            out.append(line)
    return "\n".join(out)
