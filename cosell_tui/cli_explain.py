"""`cosell deal explain`: why a deal is what it is and what may happen to it now.

Three answers, each from the rules through the service: the deal type (with the reason), the
actions allowed now and why each other one is refused, and the registration eligibility
checklist (each criterion met, failed or undecidable, with its reason in words).
"""

from __future__ import annotations

from typing import Any

from cosell_tui.domain import Action, DealType, HelpType, SolutionCategory
from cosell_tui.domain.facts import Outcome
from cosell_tui.domain.views import DealDetail
from cosell_tui.jsonio import checklist_to_json, decision_to_json

MARKS = {Outcome.MET: "[x]", Outcome.FAILED: "[ ]", Outcome.UNDECIDABLE: "[?]"}


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
        "actions": decision_to_json(detail.decision),
        "eligibility": checklist_to_json(detail.checklist),
    }


def render_explain(detail: DealDetail, reason: str) -> str:
    row = detail.row
    decision = detail.decision
    out = [f"#{row.id}  {row.name}", "", f"Deal type: {row.deal_type.label}", f"  {reason}", ""]
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
