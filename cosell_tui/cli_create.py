"""JSON documents in, service forms out: `deal create` and `deal register --file`.

The create document is a Partner Center referral (domain.md §1.2, §8.1) with one extension
object, `x-cosell`, for the wizard answers the API has no field for (an existing account by id,
the location by id, partner invitations, the assessment location). docs/deal-format.md is the
reference and examples/*.json are tested documents.

This module checks the document's *shape* (types, known fields, where a value sits) and names
the JSON path of anything wrong; whether the values are acceptable (phone numbers, currencies,
dates, required answers, business rules) is the service's job, so the TUI and the CLI refuse
exactly the same things.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cosell_tui.jsonio import DocumentError

if TYPE_CHECKING:
    import argparse

    from cosell_tui.service import Service
    from cosell_tui.service.forms import (
        DealDraft,
        InvitationDraft,
        PersonInput,
        RegistrationForm,
        SolutionInput,
    )

JSON = dict[str, Any]

#: Top-level fields cosell reads from a create document.
CREATE_FIELDS = {
    "name", "externalReferenceId", "campaignId", "mpnId", "customerProfile", "consent",
    "details", "team", "inviteContext", "partnerRole", "referralProgram", "x-cosell",
}  # fmt: skip
#: API fields that may be present (e.g. in a document copied from the API) and are ignored:
#: the system sets them, or cosell derives them from the answers (type, qualification, target).
IGNORED_FIELDS = {
    "id", "engagementId", "organizationId", "organizationName", "type", "qualification",
    "target", "status", "substatus", "statusReason", "direction", "createdDateTime",
    "updatedDateTime", "acceptedDateTime", "closedDateTime", "expirationDateTime", "eTag",
    "links", "favorite", "salesStage", "registrations", "registrationStatus", "trackingInfo",
    "referralSource", "callToAction", "quality", "isSpam", "tags", "solutionArea",
    "solutionPlay", "lastModifiedVia", "lastRunId",
}  # fmt: skip
EXTENSION_FIELDS = {"accountId", "locationId", "invitations", "assessmentLocation"}
INVITATION_FIELDS = {
    "partner", "dealValue", "currency", "closingDateTime", "notes", "assistanceRequestCode",
    "solutions", "team",
}  # fmt: skip


# --- shape checks -----------------------------------------------------------------------------


def _obj(value: Any, path: str) -> JSON:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DocumentError(f"{path} must be an object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DocumentError(f"{path} must be a list")
    return value


def _str(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DocumentError(f"{path} must be a string")
    return value


def _bool(value: Any, path: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise DocumentError(f"{path} must be true or false")
    return value


def _amount(value: Any, path: str) -> str | None:
    """A number or a numeric string, kept as text so the service parses it exactly."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DocumentError(f"{path} must be a number")
    return str(value)


def _int_or_str(value: Any, path: str) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DocumentError(f"{path} must be a number or a string")
    return value


def _day(value: Any, path: str) -> str | None:
    """`2025-09-30` or the API's `2025-09-30T00:00:00Z`: the date part (the service checks it)."""
    text = _str(value, path)
    if text is None:
        return None
    return text.split("T", 1)[0].strip()


def _known(
    obj: JSON, allowed: set[str], path: str, ignored: set[str] | frozenset[str] = frozenset()
) -> None:
    unknown = sorted(set(obj) - allowed - ignored)
    if unknown:
        where = f" in {path}" if path else ""
        raise DocumentError(
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}{where} "
            "(see docs/deal-format.md)"
        )


# --- pieces -----------------------------------------------------------------------------------


def person_from_json(value: Any, path: str) -> PersonInput:
    from cosell_tui.service.forms import PersonInput

    member = _obj(value, path)
    _known(member, {"firstName", "lastName", "phoneNumber", "email", "contactPreference"}, path)
    return PersonInput(
        first_name=_str(member.get("firstName"), f"{path}.firstName") or "",
        last_name=_str(member.get("lastName"), f"{path}.lastName") or "",
        phone=_str(member.get("phoneNumber"), f"{path}.phoneNumber"),
        email=_str(member.get("email"), f"{path}.email"),
    )


def solution_from_json(value: Any, path: str) -> SolutionInput:
    from cosell_tui.service.forms import SolutionInput

    if isinstance(value, str):
        return SolutionInput(solution_id=value)
    tag = _obj(value, path)
    solution_id = _str(tag.get("id"), f"{path}.id")
    if not solution_id:
        raise DocumentError(
            f"{path}.id is required (a solution ID from `cosell catalog solutions`)"
        )
    quantity = tag.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int)):
        raise DocumentError(f"{path}.quantity must be a whole number")
    return SolutionInput(
        solution_id=solution_id,
        price=_amount(tag.get("price"), f"{path}.price"),
        quantity=quantity,
        currency=_str(tag.get("currency"), f"{path}.currency"),
    )


def marketplace_intent(details: JSON, path: str) -> str | None:
    """`requirements.additionalRequirements.attributes[type=CustomerMarketplaceIntent].id`."""
    requirements = _obj(details.get("requirements"), f"{path}.requirements")
    additional = _obj(
        requirements.get("additionalRequirements"), f"{path}.requirements.additionalRequirements"
    )
    attrs_path = f"{path}.requirements.additionalRequirements.attributes"
    for index, attr in enumerate(_list(additional.get("attributes"), attrs_path)):
        item = _obj(attr, f"{attrs_path}[{index}]")
        if item.get("type") == "CustomerMarketplaceIntent":
            return _str(item.get("id"), f"{attrs_path}[{index}].id")
    return None


def _location_id(
    service: Service, mpn_id: str | None, location_id: Any, path: str
) -> int | str | None:
    """The scope location from `mpnId` (the API's PartnerID) or `x-cosell.locationId`."""
    locations = service.catalog.scope_locations()
    if location_id is not None:
        return _int_or_str(location_id, f"x-cosell.{path}") or ""
    if mpn_id is not None:
        for loc_id, _name, partner_id in locations:
            if partner_id == mpn_id.strip():
                return loc_id
        known = ", ".join(f"{pid} ({name})" for _, name, pid in locations) or "none"
        raise DocumentError(f"mpnId {mpn_id!r} is not a location in your scope; yours: {known}")
    if len(locations) == 1:
        return locations[0][0]
    return None  # the service says the location is required, with the other problems


def _assessment_location(service: Service, value: Any) -> int | str | None:
    """`x-cosell.assessmentLocation`: a location id, or a PartnerID (mpnId) string."""
    if value is None:
        return None
    ident = _int_or_str(value, "x-cosell.assessmentLocation")
    if isinstance(ident, str):
        for loc_id, _name, partner_id in service.catalog.scope_locations():
            if partner_id == ident.strip():
                return loc_id
    return ident


def invitation_from_json(
    service: Service, value: Any, path: str, default_team: tuple[PersonInput, ...]
) -> InvitationDraft:
    from cosell_tui.cli import CliError
    from cosell_tui.cli_deals import resolve_partner
    from cosell_tui.domain import HelpType
    from cosell_tui.service.forms import InvitationDraft

    inv = _obj(value, path)
    _known(inv, INVITATION_FIELDS, path)
    partner = inv.get("partner")
    if isinstance(partner, str):
        try:
            target: int | str = resolve_partner(service, partner)
        except CliError as exc:
            raise DocumentError(f"{path}.partner: {exc.message.split(': ', 1)[-1]}") from None
    elif isinstance(partner, int) and not isinstance(partner, bool):
        target = partner
    else:
        raise DocumentError(f'{path}.partner must be a partner\'s name, its id, or "microsoft"')
    team_path = f"{path}.team"
    team = tuple(
        person_from_json(m, f"{team_path}[{i}]")
        for i, m in enumerate(_list(inv.get("team"), team_path))
    )
    return InvitationDraft(
        org_id=target,
        value=_amount(inv.get("dealValue"), f"{path}.dealValue") or "",
        currency=_str(inv.get("currency"), f"{path}.currency") or "",
        close_date=_day(inv.get("closingDateTime"), f"{path}.closingDateTime") or "",
        notes=_str(inv.get("notes"), f"{path}.notes") or "",
        help_type=_str(inv.get("assistanceRequestCode"), f"{path}.assistanceRequestCode")
        or HelpType.GENERAL,
        solution_ids=tuple(
            s.solution_id
            for s in (
                solution_from_json(item, f"{path}.solutions[{i}]")
                for i, item in enumerate(_list(inv.get("solutions"), f"{path}.solutions"))
            )
        ),
        team=team or default_team,
    )


# --- the create document ----------------------------------------------------------------------


def draft_from_json(doc: JSON, service: Service) -> DealDraft:
    """A DealDraft from a create document; DocumentError (with the JSON path) on a bad shape."""
    from cosell_tui.domain import HelpType, MarketplaceIntent
    from cosell_tui.service.forms import AccountInput, DealDraft

    _known(doc, CREATE_FIELDS, "", IGNORED_FIELDS)
    ext = _obj(doc.get("x-cosell"), "x-cosell")
    _known(ext, EXTENSION_FIELDS, "x-cosell")

    customer = _obj(doc.get("customerProfile"), "customerProfile")
    _known(customer, {"name", "address", "size", "team", "ids", "isMatchingComplete"},
           "customerProfile")  # fmt: skip
    address = _obj(customer.get("address"), "customerProfile.address")
    _known(address, {"addressLine1", "addressLine2", "city", "state", "postalCode", "country",
                     "region"}, "customerProfile.address")  # fmt: skip
    contacts = _list(customer.get("team"), "customerProfile.team")
    if len(contacts) > 1:
        raise DocumentError("customerProfile.team: cosell records one customer contact per deal")
    contact = person_from_json(contacts[0], "customerProfile.team[0]") if contacts else None
    duns = None
    for i, ident in enumerate(_list(customer.get("ids"), "customerProfile.ids")):
        item = _obj(ident, f"customerProfile.ids[{i}]")
        if item.get("profileType") == "Duns":
            duns = _str(item.get("id"), f"customerProfile.ids[{i}].id")

    account_id = _int_or_str(ext.get("accountId"), "x-cosell.accountId")
    account = None
    name = _str(customer.get("name"), "customerProfile.name")
    if account_id is None and name is not None:
        account = AccountInput(
            name=name,
            country=_str(address.get("country"), "customerProfile.address.country") or "",
            address_line1=_str(address.get("addressLine1"), "customerProfile.address.addressLine1"),
            city=_str(address.get("city"), "customerProfile.address.city"),
            state=_str(address.get("state"), "customerProfile.address.state"),
            postal_code=_str(address.get("postalCode"), "customerProfile.address.postalCode"),
            duns=duns,
        )

    consent = _obj(doc.get("consent"), "consent")
    _known(consent, {"consentToToShareInfoWithOthers", "consentToShareInfoWithOthers",
                     "consentToContact", "consentToShareReferralWithMicrosoftSellers",
                     "ConsentToMicrosoftToContactSpecificPartners"}, "consent")  # fmt: skip
    share_info = _bool(
        consent.get("consentToToShareInfoWithOthers", consent.get("consentToShareInfoWithOthers")),
        "consent.consentToToShareInfoWithOthers",
    )

    details = _obj(doc.get("details"), "details")
    _known(details, {"notes", "dealValue", "currency", "closingDateTime", "requirements",
                     "customerAction", "customerRequestedContact"}, "details")  # fmt: skip
    requirements = _obj(details.get("requirements"), "details.requirements")
    solutions_path = "details.requirements.solutions"
    solutions = tuple(
        solution_from_json(item, f"{solutions_path}[{i}]")
        for i, item in enumerate(_list(requirements.get("solutions"), solutions_path))
    )
    team = tuple(
        person_from_json(m, f"team[{i}]") for i, m in enumerate(_list(doc.get("team"), "team"))
    )
    invite = _obj(doc.get("inviteContext"), "inviteContext")
    _known(invite, {"assistanceRequestCode", "notes", "invitedBy"}, "inviteContext")
    invitations = tuple(
        invitation_from_json(service, item, f"x-cosell.invitations[{i}]", team)
        for i, item in enumerate(_list(ext.get("invitations"), "x-cosell.invitations"))
    )
    value = _amount(details.get("dealValue"), "details.dealValue")
    return DealDraft(
        name=_str(doc.get("name"), "name") or "",
        location_id=_location_id(
            service, _str(doc.get("mpnId"), "mpnId"), ext.get("locationId"), "locationId"
        ),
        value=value,
        currency=_str(details.get("currency"), "details.currency") or "USD",
        close_date=_day(details.get("closingDateTime"), "details.closingDateTime"),
        notes=_str(details.get("notes"), "details.notes") or "",
        account_id=account_id,
        account=account,
        contact=contact,
        consent=bool(share_info),
        crm_id=_str(doc.get("externalReferenceId"), "externalReferenceId"),
        campaign_id=_str(doc.get("campaignId"), "campaignId"),
        marketplace_intent=marketplace_intent(details, "details") or MarketplaceIntent.UNDECIDED,
        team=team,
        solutions=solutions,
        help_type=_str(invite.get("assistanceRequestCode"), "inviteContext.assistanceRequestCode")
        or HelpType.NONE,
        help_notes=_str(invite.get("notes"), "inviteContext.notes") or "",
        visible_to_microsoft=_bool(
            consent.get("consentToShareReferralWithMicrosoftSellers"),
            "consent.consentToShareReferralWithMicrosoftSellers",
        ),
        assessment_location_id=_assessment_location(service, ext.get("assessmentLocation")),
        invitations=invitations,
        partner_role=_str(doc.get("partnerRole"), "partnerRole"),
        partner_program=_str(doc.get("referralProgram"), "referralProgram"),
    )


#: Service field names -> where the answer sits in the create document (for error messages).
DRAFT_FIELD_PATHS = {
    "name": "name",
    "location_id": "mpnId",
    "value": "details.dealValue",
    "currency": "details.currency",
    "close_date": "details.closingDateTime",
    "notes": "details.notes",
    "account_id": "x-cosell.accountId",
    "account": "customerProfile",
    "customer": "customerProfile",
    "contact": "customerProfile.team[0]",
    "consent": "consent.consentToToShareInfoWithOthers",
    "crm_id": "externalReferenceId",
    "campaign_id": "campaignId",
    "marketplace_intent": "details.requirements.additionalRequirements.attributes",
    "team": "team",
    "solutions": "details.requirements.solutions",
    "help_type": "inviteContext.assistanceRequestCode",
    "help_notes": "inviteContext.notes",
    "visible_to_microsoft": "consent.consentToShareReferralWithMicrosoftSellers",
    "assessment_location_id": "x-cosell.assessmentLocation",
    "invitations": "x-cosell.invitations",
    "partner_role": "partnerRole",
    "partner_program": "referralProgram",
}
PERSON_FIELD_PATHS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "phone": "phoneNumber",
    "email": "email",
}
INVITATION_FIELD_PATHS = {
    "org_id": "partner",
    "value": "dealValue",
    "close_date": "closingDateTime",
    "help_type": "assistanceRequestCode",
    "solution_ids": "solutions",
}


def document_path(field: str) -> str:
    """`team[0].phone` -> `team[0].phoneNumber`: a service field name as a JSON path."""
    head, _, rest = field.partition(".")
    base, bracket, index = head.partition("[")
    top = DRAFT_FIELD_PATHS.get(base)
    if top is None:
        return field
    path = top + (bracket + index if bracket else "")
    if rest:
        parts = rest.split(".")
        table = INVITATION_FIELD_PATHS if base == "invitations" else {}
        mapped = [table.get(p, PERSON_FIELD_PATHS.get(p, p)) for p in parts]
        path += "." + ".".join(mapped)
    return path


# --- registration -----------------------------------------------------------------------------

#: option dest -> RegistrationForm field, for options that override or replace the file.
REGISTER_OPTIONS = {
    "marketplace": "is_marketplace",
    "marketplace_date": "marketplace_date",
    "azure": "deployed_on_azure",
    "term": "term",
    "contract_value": "contract_value",
    "contract_currency": "contract_currency",
    "solution": "solution_id",
    "solution_value": "solution_value",
    "solution_currency": "solution_currency",
    "sign_date": "sign_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "tenant": "tenant_type",
    "pricing": "pricing_model",
}
REQUIRED_REGISTRATION = [
    "marketplace", "azure", "term", "contract_value", "contract_currency", "solution",
    "solution_value", "solution_currency", "sign_date", "start_date", "tenant", "pricing",
]  # fmt: skip
_PRICING = {"payg": "PayAsYouGo", "other": "Other"}


def _option_values(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for dest, name in REGISTER_OPTIONS.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        if dest == "pricing":
            value = _PRICING[value]
        elif dest in ("term", "tenant"):
            value = value.capitalize()
        values[name] = value
    return values


def registration_from_args(args: argparse.Namespace) -> RegistrationForm:
    """The form from options alone; every mandatory answer of domain.md §4.4 must be given."""
    from cosell_tui.cli import CliError
    from cosell_tui.service.forms import RegistrationForm

    missing = [
        f"--{d.replace('_', '-')}" for d in REQUIRED_REGISTRATION if getattr(args, d) is None
    ]
    if missing:
        raise CliError(
            "deal register needs --file FORM.json or every answer; missing: " + ", ".join(missing)
        )
    return RegistrationForm(**_option_values(args))


def registration_from_json(doc: JSON, args: argparse.Namespace) -> RegistrationForm:
    """The LA-SDK registration shape (domain.md §8.5); options given on the command line win."""
    from cosell_tui.service.forms import RegistrationForm

    _known(doc, {"type", "contract", "solutionDetails", "status"}, "")
    if doc.get("type") not in (None, "AzureIPCoSell"):
        raise DocumentError("type: only AzureIPCoSell registrations are supported")
    contract = _obj(doc.get("contract"), "contract")
    _known(contract, {"value", "currency", "term", "signDateTime", "startDateTime", "endDateTime"},
           "contract")  # fmt: skip
    lines = _list(doc.get("solutionDetails"), "solutionDetails")
    if len(lines) != 1:
        raise DocumentError("solutionDetails must hold exactly one solution (the IP co-sell one)")
    line = _obj(lines[0], "solutionDetails[0]")
    p = "solutionDetails[0]"
    _known(line, {"id", "value", "currency", "isDeployedOnAzure", "primaryDeploymentOn",
                  "pricingModel", "marketplaceTransactionDetails"}, p)  # fmt: skip
    market = _obj(line.get("marketplaceTransactionDetails"), f"{p}.marketplaceTransactionDetails")
    _known(market, {"isMarketplaceTransacted", "transactionDateTime"},
           f"{p}.marketplaceTransactionDetails")  # fmt: skip
    fields: dict[str, Any] = {
        "is_marketplace": _bool(
            market.get("isMarketplaceTransacted"),
            f"{p}.marketplaceTransactionDetails.isMarketplaceTransacted",
        ),
        "marketplace_date": _day(
            market.get("transactionDateTime"),
            f"{p}.marketplaceTransactionDetails.transactionDateTime",
        ),
        "deployed_on_azure": _bool(line.get("isDeployedOnAzure"), f"{p}.isDeployedOnAzure"),
        "term": _str(contract.get("term"), "contract.term"),
        "contract_value": _amount(contract.get("value"), "contract.value"),
        "contract_currency": _str(contract.get("currency"), "contract.currency"),
        "solution_id": _str(line.get("id"), f"{p}.id"),
        "solution_value": _amount(line.get("value"), f"{p}.value"),
        "solution_currency": _str(line.get("currency"), f"{p}.currency"),
        "sign_date": _day(contract.get("signDateTime"), "contract.signDateTime"),
        "start_date": _day(contract.get("startDateTime"), "contract.startDateTime"),
        "end_date": _day(contract.get("endDateTime"), "contract.endDateTime"),
        "tenant_type": _str(line.get("primaryDeploymentOn"), f"{p}.primaryDeploymentOn"),
        "pricing_model": _str(line.get("pricingModel"), f"{p}.pricingModel"),
    }
    fields.update(_option_values(args))
    required = {
        "is_marketplace": f"{p}.marketplaceTransactionDetails.isMarketplaceTransacted",
        "deployed_on_azure": f"{p}.isDeployedOnAzure",
        "term": "contract.term",
        "contract_value": "contract.value",
        "contract_currency": "contract.currency",
        "solution_id": f"{p}.id",
        "solution_value": f"{p}.value",
        "solution_currency": f"{p}.currency",
        "sign_date": "contract.signDateTime",
        "start_date": "contract.startDateTime",
        "tenant_type": f"{p}.primaryDeploymentOn",
        "pricing_model": f"{p}.pricingModel",
    }
    missing = [path for name, path in required.items() if fields.get(name) is None]
    if missing:
        raise DocumentError("the registration form is missing " + ", ".join(missing))
    return RegistrationForm(**fields)
