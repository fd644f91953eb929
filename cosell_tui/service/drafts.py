"""The New Deal wizard's answers, checked step by step (domain.md §1.3, D2).

`check_draft` is the one place a DealDraft is validated: `validate_draft` shows its messages
inline per step and `create_deal` refuses with the same messages, so the wizard and the CLI can
never disagree. Each step is parsed by its model (`inputs.CustomerAnswers`, ...); the rules
between steps (a contact to ask Microsoft for help, an incentivised solution for intent 'Yes',
the deal-type rules) run here, on the steps that parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from cosell_tui.domain import HelpType, MarketplaceIntent, SolutionKind
from cosell_tui.domain.facts import DealTypeDecision, DealTypeFacts
from cosell_tui.domain.views import UserView
from cosell_tui.service.forms import MICROSOFT, AccountInput, DealDraft, InvitationDraft
from cosell_tui.service.parse import check, inputs
from cosell_tui.store.models import Account, Location, Organization

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook

STEPS = ("customer", "details", "intent", "team", "solutions", "selling", "partners")


@dataclass(slots=True)
class ParsedDraft:
    """What `create_deal` writes; only complete when check_draft found no problem."""

    customer: inputs.CustomerAnswers | None = None
    details: inputs.DetailsAnswers | None = None
    marketplace_intent: MarketplaceIntent | None = None
    team: tuple[inputs.Member, ...] = ()
    solutions: tuple[inputs.Line, ...] = ()
    assessment_location: Location | None = None
    help_type: HelpType = HelpType.NONE
    help_notes: str = ""
    visible: bool | None = None
    invitations: list[inputs.InvitationAnswers] = field(default_factory=list)
    decision: DealTypeDecision | None = None

    @property
    def assessment(self) -> bool:
        return any(line.solution.kind is SolutionKind.ASSESSMENT for line in self.solutions)


def names_customer(account_id: object, account: object) -> bool:
    """Whether a form names its customer: an account id, or a manual entry."""
    return account_id not in (None, "") or isinstance(account, AccountInput)


def customer_country(session: Session, account_id: object, account: object) -> str | None:
    """The customer's country as far as the raw answers tell (where its phones are read)."""
    if account_id not in (None, ""):
        number = inputs.as_id(account_id)
        found = session.get(Account, number) if number is not None else None
        return found.country if found is not None else None
    if isinstance(account, AccountInput) and isinstance(account.country, str):
        code = account.country.strip().upper()
        return code if code in inputs.territories() else None
    return None


def check_draft(
    session: Session,
    user: UserView,
    rules: RuleBook,
    draft: DealDraft,
    step: str | None = None,
) -> tuple[ParsedDraft, dict[str, str]]:
    """Check one wizard step (or all of them) of a DealDraft: the parsed answers and
    {field key: message} of the steps asked. Every step is parsed, since later steps need
    earlier answers (solutions for the intent, the team for invitations); only the asked ones
    report."""
    parsed = ParsedDraft()
    if step is not None and step not in STEPS:
        return parsed, {"step": f"Unknown wizard step '{step}'; one of: {', '.join(STEPS)}."}
    asked = set(STEPS) if step is None else {step}
    problems: dict[str, str] = {}

    def report(found: Mapping[str, str], *steps: str) -> None:
        if asked.intersection(steps):
            for key, message in found.items():
                problems.setdefault(key, message)

    # A national phone number is read in the customer's country (the contact) or the deal
    # location's (the team: our employees), as far as the raw answers tell.
    region = customer_country(session, draft.account_id, draft.account)
    location_id = inputs.as_id(draft.location_id)
    location = session.get(Location, location_id) if location_id is not None else None
    context: dict[str, Any] = {
        "session": session,
        "user": user,
        "region": region,
        "team_region": location.country if location is not None else region,
    }

    parsed.customer, found = check(inputs.CustomerAnswers, draft, **context)
    if not names_customer(draft.account_id, draft.account):
        found.setdefault("customer", "Pick a customer from the search, or enter one manually.")
    if inputs.named(draft.contact) and not draft.consent:
        found.setdefault("consent", inputs.CONSENT_NEEDED)
    report(found, "customer")

    parsed.details, found = check(inputs.DetailsAnswers, draft, **context)
    report(found, "details")

    lines, found = check(inputs.LinesIn, draft, **context)
    parsed.solutions = lines.solutions if lines is not None else ()
    report(found, "solutions", "intent")

    intent, found = check(inputs.IntentAnswer, draft)
    if intent is not None:
        parsed.marketplace_intent = intent.marketplace_intent
        incentivised = any(line.solution.marketplace_incentivized for line in parsed.solutions)
        yes = intent.marketplace_intent is MarketplaceIntent.YES
        if yes and parsed.solutions and not incentivised:
            found["marketplace_intent"] = (
                "With marketplace intent 'Yes', pick a marketplace-incentivised solution."
            )
    report(found, "intent")

    team, found = check(inputs.TeamIn, draft, **context)
    parsed.team = team.team if team is not None else ()
    report(found, "team")

    if parsed.assessment:
        assessment, found = check(inputs.AssessmentAnswer, draft, **context)
        parsed.assessment_location = assessment.location if assessment is not None else None
        report(found, "solutions")

    selling, found = check(inputs.SellingAnswers, draft)
    parsed.visible = draft.visible_to_microsoft
    if selling is not None:
        parsed.help_type, parsed.help_notes = selling.help_type, selling.help_notes or ""
    unanswered = parsed.help_type is HelpType.NONE and parsed.visible is None
    if selling is not None and not parsed.assessment and unanswered:
        found["visible_to_microsoft"] = "Answer whether Microsoft sellers may view this deal."
    report(found, "selling")

    for index, inv in enumerate(draft.invitations or ()):
        invitation, found = check(inputs.InvitationAnswers, inv, f"invitations[{index}]", **context)
        if invitation is not None and invitation.org in [i.org for i in parsed.invitations]:
            found[f"invitations[{index}].org_id"] = "This company is invited twice."
        elif invitation is not None:
            parsed.invitations.append(invitation)
        report(found, "partners")

    # The deal type decides last, from everything above (SA constraints, co-sell contact).
    decision = preview(session, user, rules, draft, parsed)
    parsed.decision = decision
    if decision.problems and lines is not None and asked & {"solutions", "selling"}:
        on_solutions = parsed.assessment or step == "solutions" or not parsed.solutions
        key = "solutions" if on_solutions else "help_type"
        if decision.problem_rules[:1] == (NEEDS_CONTACT,):
            key = "contact"  # the one ask-for-help rule: said where the contact is entered
        problems.setdefault(key, "; ".join(decision.problems))
    return parsed, problems


#: deal_type.yaml's rule that asking Microsoft for help needs a customer contact.
NEEDS_CONTACT = "help-needs-customer-contact"


def preview(
    session: Session, user: UserView, rules: RuleBook, draft: DealDraft, parsed: ParsedDraft
) -> DealTypeDecision:
    """Ask the deal-type rule set about the answers so far."""
    org = session.get(Organization, user.org_id)
    help_type = parsed.help_type
    ms_invite = next((p for p in parsed.invitations if p.microsoft), None)
    if help_type is HelpType.NONE and ms_invite is not None:
        help_type = ms_invite.help_type
    facts = DealTypeFacts(
        solution_count=len(parsed.solutions),
        assessment_count=sum(p.solution.kind is SolutionKind.ASSESSMENT for p in parsed.solutions),
        help_type=help_type,
        visible_to_microsoft=parsed.visible,
        invited_partner_count=sum(1 for p in parsed.invitations if not p.microsoft)
        or sum(1 for i in draft.invitations if not _is_microsoft(i)),
        has_customer_contact=draft.contact is not None
        and bool(draft.contact.first_name or draft.contact.email),
        org_assessment_vetted=bool(org and org.assessment_vetted),
    )
    return rules.deal_type(facts)


def _is_microsoft(inv: object) -> bool:
    return isinstance(inv, InvitationDraft) and str(inv.org_id).strip().lower() == MICROSOFT
