"""The New Deal wizard's answers, parsed and checked step by step (domain.md §1.3, D2).

`check_draft` is the one place a DealDraft is validated: `validate_draft` shows its messages
inline per step and `create_deal` refuses with the same messages, so the wizard and the CLI can
never disagree about what is valid. Field keys follow the form (`team[1].email`,
`invitations[0].value`, `contact.phone`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from cosell_tui.domain import (
    MAX_SOLUTIONS,
    MAX_TEAM_MEMBERS,
    AccountKind,
    HelpType,
    MarketplaceIntent,
    OrgKind,
    PartnerRole,
    SolutionKind,
)
from cosell_tui.domain.facts import DealTypeDecision, DealTypeFacts
from cosell_tui.domain.views import UserView
from cosell_tui.service.forms import (
    MICROSOFT,
    AccountInput,
    DealDraft,
    InvitationDraft,
    SolutionInput,
)
from cosell_tui.service.parse import MAX_ID_LEN, Person, Problems
from cosell_tui.service.scope import location_in_scope
from cosell_tui.store.models import Account, Location, Organization, Solution

STEPS = ("customer", "details", "intent", "team", "solutions", "selling", "partners")


@dataclass(slots=True)
class SolutionPick:
    solution: Solution
    price: Decimal | None
    quantity: int | None
    currency: str | None


@dataclass(slots=True)
class InvitationPick:
    org: Organization  # the invitee (Microsoft's organisation for "microsoft")
    microsoft: bool
    value: Decimal
    currency: str
    close_date: date
    notes: str
    help_type: HelpType
    solutions: list[Solution]
    team: list[Person]


@dataclass(slots=True)
class ParsedDraft:
    """What `create_deal` writes; only complete when check_draft found no problem."""

    account: Account | None = None
    manual: AccountInput | None = None
    country: str | None = None
    contact: Person | None = None
    consent: bool = False
    name: str | None = None
    location: Location | None = None
    value: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    notes: str | None = None
    crm_id: str | None = None
    campaign_id: str | None = None
    marketplace_intent: MarketplaceIntent | None = None
    partner_role: PartnerRole | None = None
    partner_program: str | None = None
    team: list[Person] = field(default_factory=list)
    solutions: list[SolutionPick] = field(default_factory=list)
    help_type: HelpType = HelpType.NONE
    help_notes: str = ""
    visible: bool | None = None
    assessment_location: Location | None = None
    invitations: list[InvitationPick] = field(default_factory=list)
    decision: DealTypeDecision | None = None


def territories() -> frozenset[str]:
    """ISO 3166 alpha-2 codes (babel's CLDR territories without the numeric regions)."""
    return frozenset(code for code in Locale("en").territories if len(code) == 2)


def parse_country(problems: Problems, key: str, value: object) -> str | None:
    code = problems.text(key, value, max_len=2, label="Country")
    if code is None:
        return None
    if code.upper() not in territories():
        problems.add(key, f"'{code}' is not an ISO country code (e.g. US, DE, IN).")
        return None
    return code.upper()


def parse_team(
    problems: Problems, key: str, members: Sequence[object], region: str | None
) -> list[Person]:
    """At least one member, at most 50, each with name, phone and email (domain.md §1.3)."""
    if not members:
        problems.add(key, "Add at least one team member (name, phone and email).")
        return []
    if len(members) > MAX_TEAM_MEMBERS:
        problems.add(key, f"At most {MAX_TEAM_MEMBERS} team members.")
        return []
    people = []
    seen: set[str] = set()
    for index, member in enumerate(members):
        person = problems.person(
            f"{key}[{index}]", member, region, phone_required=True, email_required=True
        )
        if person is None:
            continue
        if person.email in seen:
            problems.add(f"{key}[{index}].email", "This person is already on the team.")
            continue
        seen.add(person.email or "")
        people.append(person)
    return people


def parse_solutions(
    session: Session, problems: Problems, key: str, lines: Sequence[object]
) -> list[SolutionPick]:
    """1..50 catalog solutions, no duplicates; price/quantity only on priced ones."""
    if not lines:
        problems.add(key, "Add at least one solution.")
        return []
    if len(lines) > MAX_SOLUTIONS:
        problems.add(key, f"At most {MAX_SOLUTIONS} solutions.")
        return []
    picks: list[SolutionPick] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        at = f"{key}[{index}]"
        if not isinstance(line, SolutionInput):
            problems.add(at, "A solution line is expected.")
            continue
        sid = problems.text(f"{at}.solution_id", line.solution_id, max_len=40, label="Solution")
        if sid is None:
            continue
        solution = session.get(Solution, sid)
        if solution is None:
            problems.add(f"{at}.solution_id", f"No solution '{sid}' in the catalog.")
            continue
        if sid in seen:
            problems.add(f"{at}.solution_id", f"'{solution.name}' is listed twice.")
            continue
        seen.add(sid)
        has_terms = any(v not in (None, "") for v in (line.price, line.quantity))
        if has_terms and not solution.priced:
            problems.add(f"{at}.price", f"'{solution.name}' has no price or quantity to set.")
            continue
        price = problems.amount(f"{at}.price", line.price, required=False)
        quantity = problems.integer(f"{at}.quantity", line.quantity, required=False, minimum=1)
        currency = problems.currency(f"{at}.currency", line.currency, required=False)
        if price is not None and currency is None and f"{at}.currency" not in problems.fields:
            problems.add(f"{at}.currency", "A priced line needs its currency.")
        picks.append(SolutionPick(solution, price, quantity, currency))
    return picks


def parse_invitation(
    session: Session,
    problems: Problems,
    key: str,
    inv: object,
    user: UserView,
    default_team: list[Person],
    region: str | None,
) -> InvitationPick | None:
    """One P2P invitation (or Microsoft): invitee, terms, help wanted, solutions, team."""
    if not isinstance(inv, InvitationDraft):
        problems.add(key, "An invitation is expected.")
        return None
    before = len(problems.fields)
    microsoft = isinstance(inv.org_id, str) and inv.org_id.strip().lower() == MICROSOFT
    org: Organization | None
    if microsoft:
        org = session.scalar(
            select(Organization).where(Organization.kind == OrgKind.MICROSOFT).limit(1)
        )
        if org is None:
            problems.add(f"{key}.org_id", "Microsoft is not set up in this database.")
    else:
        org_id = problems.integer(f"{key}.org_id", inv.org_id, minimum=1)
        org = session.get(Organization, org_id) if org_id is not None else None
        if org_id is not None and (
            org is None or org.kind is not OrgKind.PARTNER or not org.co_sell_ecosystem
        ):
            problems.add(f"{key}.org_id", "Not a partner in the co-sell ecosystem.")
            org = None
        elif org is not None and org.id == user.org_id:
            problems.add(f"{key}.org_id", "You cannot invite your own company.")
            org = None
    value = problems.amount(f"{key}.value", inv.value)
    currency = problems.currency(f"{key}.currency", inv.currency)
    close_date = problems.day(f"{key}.close_date", inv.close_date)
    notes = problems.notes(f"{key}.notes", inv.notes, required=False) or ""
    help_type = problems.choice(f"{key}.help_type", inv.help_type, HelpType)
    if microsoft and help_type is HelpType.NONE:
        problems.add(f"{key}.help_type", "Say what help you need from Microsoft.")
    solutions: list[Solution] = []
    if not microsoft:
        if not inv.solution_ids:
            problems.add(f"{key}.solution_ids", "Name at least one solution the partner brings.")
        for sid in inv.solution_ids:
            solution = session.get(Solution, sid) if isinstance(sid, str) else None
            if solution is None:
                problems.add(f"{key}.solution_ids", f"No solution '{sid}' in the catalog.")
            elif solution not in solutions:
                solutions.append(solution)
    team = parse_team(problems, f"{key}.team", inv.team, region) if inv.team else default_team
    if len(problems.fields) != before or org is None or value is None or currency is None:
        return None
    assert close_date is not None and help_type is not None
    return InvitationPick(
        org, microsoft, value, currency, close_date, notes, help_type, solutions, team
    )


def _customer(session: Session, problems: Problems, draft: DealDraft, parsed: ParsedDraft) -> None:
    if draft.account_id not in (None, ""):
        account_id = problems.integer("account_id", draft.account_id, minimum=1)
        account = session.get(Account, account_id) if account_id is not None else None
        if account_id is not None and account is None:
            problems.add("account_id", "No such customer account.")
        elif account is not None and account.federal and account.kind is not AccountKind.OTHER:
            problems.add("account_id", "Federal customers are picked from the Other (DUNS) list.")
        elif account is not None:
            parsed.account = account
            parsed.country = account.country
    elif isinstance(draft.account, AccountInput):
        manual = draft.account
        name = problems.text("account.name", manual.name, label="Customer name")
        country = parse_country(problems, "account.country", manual.country)
        for attr, limit in (("address_line1", 200), ("city", 100), ("state", 100)):
            problems.text(f"account.{attr}", getattr(manual, attr), required=False, max_len=limit)
        problems.text("account.postal_code", manual.postal_code, required=False, max_len=20)
        duns = problems.text("account.duns", manual.duns, required=False, max_len=9)
        if duns is not None and not (duns.isdigit() and len(duns) == 9):
            problems.add("account.duns", "A DUNS number has 9 digits.")
        if name is not None and country is not None:
            parsed.manual = manual
            parsed.country = country
    else:
        problems.add("customer", "Pick a customer from the search, or enter one manually.")
    if draft.contact is not None and any(
        (
            draft.contact.first_name,
            draft.contact.last_name,
            draft.contact.phone,
            draft.contact.email,
        )
    ):
        parsed.contact = problems.person(
            "contact", draft.contact, parsed.country, phone_required=False, email_required=True
        )
        if not draft.consent:
            problems.add("consent", "The customer must consent to sharing this contact.")
    parsed.consent = bool(draft.consent)


def _details(
    session: Session, problems: Problems, draft: DealDraft, parsed: ParsedDraft, user: UserView
) -> None:
    parsed.name = problems.text("name", draft.name, label="Deal name")
    location_id = problems.integer("location_id", draft.location_id, minimum=1)
    if location_id is not None:
        location = session.get(Location, location_id)
        if location is None or not location_in_scope(user, location.id, location.org_id):
            problems.add("location_id", "Pick one of the locations in your scope.")
        else:
            parsed.location = location
    parsed.value = problems.amount("value", draft.value)
    parsed.currency = problems.currency("currency", draft.currency)
    parsed.close_date = problems.day("close_date", draft.close_date)
    parsed.notes = problems.notes("notes", draft.notes)
    parsed.crm_id = problems.text("crm_id", draft.crm_id, required=False, max_len=MAX_ID_LEN)
    parsed.campaign_id = problems.text(
        "campaign_id", draft.campaign_id, required=False, max_len=MAX_ID_LEN
    )
    parsed.partner_role = problems.choice(
        "partner_role", draft.partner_role, PartnerRole, required=False
    )
    parsed.partner_program = problems.text(
        "partner_program", draft.partner_program, required=False, max_len=100
    )


def deal_type_facts(
    draft_solutions: list[SolutionPick],
    help_type: HelpType,
    visible: bool | None,
    invitations: int,
    has_contact: bool,
    vetted: bool,
) -> DealTypeFacts:
    return DealTypeFacts(
        solution_count=len(draft_solutions),
        assessment_count=sum(p.solution.kind is SolutionKind.ASSESSMENT for p in draft_solutions),
        help_type=help_type,
        visible_to_microsoft=visible,
        invited_partner_count=invitations,
        has_customer_contact=has_contact,
        org_assessment_vetted=vetted,
    )


def check_draft(
    session: Session,
    user: UserView,
    rules: object,
    draft: DealDraft,
    step: str | None = None,
) -> tuple[ParsedDraft, Problems]:
    """Parse and check one wizard step (or all of them) of a DealDraft."""
    problems = Problems()
    parsed = ParsedDraft()
    if step is not None and step not in STEPS:
        problems.add("step", f"Unknown wizard step '{step}'; one of: {', '.join(STEPS)}.")
        return parsed, problems
    steps = STEPS if step is None else (step,)
    # Later steps need earlier answers (region for phones, solutions for intent): parse
    # them quietly when only one step is asked for.
    quiet = Problems()
    _customer(session, problems if "customer" in steps else quiet, draft, parsed)
    region = parsed.country
    if "details" in steps or step is None:
        _details(session, problems, draft, parsed, user)
    # Team members are our employees: their numbers read in the deal location's country.
    if parsed.location is not None:
        region = parsed.location.country
    elif draft.location_id not in (None, ""):
        loc_id = quiet.integer("location_id", draft.location_id, minimum=1)
        location = session.get(Location, loc_id) if loc_id is not None else None
        region = location.country if location is not None else region
    sink = problems if {"solutions", "intent"} & set(steps) else quiet
    parsed.solutions = parse_solutions(session, sink, "solutions", draft.solutions)
    if "intent" in steps:
        parsed.marketplace_intent = problems.choice(
            "marketplace_intent", draft.marketplace_intent, MarketplaceIntent
        )
        if (
            parsed.marketplace_intent is MarketplaceIntent.YES
            and parsed.solutions
            and not any(p.solution.marketplace_incentivized for p in parsed.solutions)
        ):
            problems.add(
                "marketplace_intent",
                "With marketplace intent 'Yes', pick a marketplace-incentivised solution.",
            )
    parsed.team = parse_team(problems if "team" in steps else quiet, "team", draft.team, region)
    assessments = [p for p in parsed.solutions if p.solution.kind is SolutionKind.ASSESSMENT]
    if "solutions" in steps and assessments:
        location_id = problems.integer(
            "assessment_location_id", draft.assessment_location_id, minimum=1
        )
        location = session.get(Location, location_id) if location_id is not None else None
        if location_id is not None and (location is None or location.org_id != user.org_id):
            problems.add("assessment_location_id", "Pick a location of your company.")
        parsed.assessment_location = location
    sell = problems if "selling" in steps else quiet
    help_type = sell.choice("help_type", draft.help_type, HelpType)
    parsed.help_type = help_type or HelpType.NONE
    parsed.help_notes = sell.notes("help_notes", draft.help_notes, required=False) or ""
    parsed.visible = draft.visible_to_microsoft
    if "selling" in steps and not assessments:
        if parsed.help_type is HelpType.NONE and parsed.visible is None:
            problems.add(
                "visible_to_microsoft", "Answer whether Microsoft sellers may view this deal."
            )
        if parsed.help_type is not HelpType.NONE and draft.contact is None:
            problems.add(
                "contact", "A customer contact is required to ask Microsoft for help (co-sell)."
            )
    inv_sink = problems if "partners" in steps else quiet
    partners: set[int] = set()
    for index, inv in enumerate(draft.invitations):
        pick = parse_invitation(
            session, inv_sink, f"invitations[{index}]", inv, user, parsed.team, region
        )
        if pick is None:
            continue
        if pick.org.id in partners:
            inv_sink.add(f"invitations[{index}].org_id", "This company is invited twice.")
            continue
        partners.add(pick.org.id)
        parsed.invitations.append(pick)
    if "partners" in steps and parsed.help_type is HelpType.NONE:
        for pick in parsed.invitations:
            if pick.microsoft and draft.contact is None:
                problems.add("contact", "Inviting Microsoft needs a customer contact.")
    # The deal type decides last, from everything above (SA constraints, co-sell contact).
    decision = preview(session, user, rules, draft, parsed)
    parsed.decision = decision
    if decision.problems and ({"solutions", "selling"} & set(steps)):
        on_solutions = assessments or step == "solutions" or not parsed.solutions
        key = "solutions" if on_solutions else "help_type"
        problems.add(key, "; ".join(decision.problems))
    return parsed, problems


def preview(
    session: Session, user: UserView, rules: object, draft: DealDraft, parsed: ParsedDraft
) -> DealTypeDecision:
    """Ask the deal-type rule set about the answers so far."""
    org = session.get(Organization, user.org_id)
    help_type = parsed.help_type
    ms_invite = next((p for p in parsed.invitations if p.microsoft), None)
    if help_type is HelpType.NONE and ms_invite is not None:
        help_type = ms_invite.help_type
    facts = deal_type_facts(
        parsed.solutions,
        help_type,
        parsed.visible,
        sum(1 for p in parsed.invitations if not p.microsoft)
        or sum(1 for i in draft.invitations if not _is_microsoft(i)),
        draft.contact is not None and bool(draft.contact.first_name or draft.contact.email),
        bool(org and org.assessment_vetted),
    )
    return rules.deal_type(facts)  # type: ignore[attr-defined]


def _is_microsoft(inv: object) -> bool:
    return isinstance(inv, InvitationDraft) and str(inv.org_id).strip().lower() == MICROSOFT
