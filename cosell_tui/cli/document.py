"""JSON documents in, service forms out: `deal create` and `deal register --file`.

The create document is a Partner Center referral (domain.md §1.2, §8.1) with one extension
object, `x-cosell`, for the wizard answers the API has no field for (an existing account by id,
the location by id, partner invitations, the assessment location). docs/deal-format.md is the
reference and examples/*.json are tested documents.

The pydantic models below check the document's *shape*: types, known fields (an unknown one is
refused, so a typo never drops an answer silently), where a value sits, with the API's camelCase
names as aliases. `problems()` turns pydantic's errors into our sentences, each naming the JSON
path (`team[1].email`, `x-cosell.invitations[0].dealValue`). Whether the *values* are acceptable
(phone numbers, currencies, dates, required answers, business rules) is the service's job, on
the forms the models produce (`cosell_tui.service.forms`), so the TUI and the CLI refuse
exactly the same things; `document_path()` names the service's fields in the document's terms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cosell_tui.cli.errors import CliError, DocumentError
from cosell_tui.cli.parse import resolve_partner
from cosell_tui.domain import HelpType
from cosell_tui.service.forms import (
    AccountInput,
    DealDraft,
    InvitationDraft,
    PersonInput,
    ReferralDraft,
    RegistrationForm,
    SolutionInput,
)

if TYPE_CHECKING:
    from cosell_tui.service import Service

JSON = dict[str, Any]
_M = TypeVar("_M", bound=BaseModel)

#: Our own pydantic error type: its message is a sentence in which `{path}` stands for the field.
PROBLEM = "cosell"


def _problem(sentence: str) -> PydanticCustomError:
    return PydanticCustomError(PROBLEM, sentence)


# --- reading the text ---------------------------------------------------------------------------


#: How deep a document may nest (a deal document is 4 levels deep) and how long a number may be.
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40


def _number(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise DocumentError(f"a number in it has more than {MAX_NUMBER_CHARS} characters")
        number = kind(text)
        if not math.isfinite(number):
            raise DocumentError(f"the number {text} in it is too large")
        return number

    return parse


def _check_shape(value: Any, source: str) -> None:
    """DocumentError for nesting deeper than MAX_DEPTH or text that is not Unicode (a lone
    surrogate such as \\ud800, which no database stores); iterative, so no depth hurts."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError(f"{source} nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise DocumentError(
                    f"{source} holds text that is not valid Unicode (a lone surrogate escape)"
                ) from None


def parse_document(text: str, source: str) -> JSON:
    """A JSON object from text; a clear DocumentError (line, column) when it is not one, when
    it nests too deep, holds a number too long or text that is not Unicode."""
    try:
        value = json.loads(
            text, parse_int=_number(int), parse_float=_number(float), parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except DocumentError as exc:
        raise DocumentError(f"{source} cannot be used: {exc.message}") from None
    except RecursionError:
        raise DocumentError(f"{source} nests deeper than {MAX_DEPTH} levels") from None
    if not isinstance(value, dict):
        raise DocumentError(f"{source} must hold a JSON object, not {type(value).__name__}")
    _check_shape(value, source)
    return value


def _constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's reader accepts them)."""
    raise DocumentError(f"{name} is not a JSON number")


# --- pydantic's errors as our sentences ---------------------------------------------------------

#: pydantic error type -> what we say after the field's path.
_TYPE_SENTENCES = {
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is required",
}


def _path(loc: tuple[int | str, ...]) -> str:
    """('team', 1, 'email') -> `team[1].email`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems(error: ValidationError) -> list[str]:
    """Every problem pydantic found, as the sentences a user reads: each names the JSON path and
    says what is wrong; unknown fields come first, grouped by the object they sit in."""
    unknown: dict[str, list[str]] = {}
    others: list[str] = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            unknown.setdefault(_path(loc[:-1]), []).append(str(loc[-1]))
        elif kind == PROBLEM:
            others.append(str(item["msg"]).replace("{path}", _path(loc)))
        else:
            sentence = _TYPE_SENTENCES.get(kind, "has a value cosell cannot use")
            others.append(f"{_path(loc)} {sentence}")
    found = [
        f"unknown field{'s' if len(names) > 1 else ''} {', '.join(sorted(names))}"
        + (f" in {where}" if where else "")
        + " (see docs/deal-format.md)"
        for where, names in sorted(unknown.items(), key=lambda item: (item[0] != "", item[0]))
    ]
    return found + others


def _empty(model: type[_M]) -> _M:
    """An object the document left out: every field at its default."""
    return model.model_validate({})


def _validated(model: type[_M], doc: JSON) -> _M:
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        found = problems(exc)
        raise DocumentError(found[0], found[1:]) from None


# --- value kinds ----------------------------------------------------------------------------------


def _amount(value: Any) -> Any:
    """A number or a numeric string, kept as text so the service parses it exactly."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _problem("{path} must be a number")
    return str(value)


def _int_or_str(value: Any) -> Any:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
        raise _problem("{path} must be a number or a string")
    return value


def _day(value: str | None) -> str | None:
    """`2025-09-30` or the API's `2025-09-30T00:00:00Z`: the date part (the service checks it)."""
    return None if value is None else value.split("T", 1)[0].strip()


Text = str | None
Amount = Annotated[str | None, BeforeValidator(_amount)]
IdOrName = Annotated[int | str | None, BeforeValidator(_int_or_str)]
Day = Annotated[str | None, AfterValidator(_day)]


class _Object(BaseModel):
    """A JSON object of the document: strict types, unknown fields refused, API names."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _ApiObject(_Object):
    """An object the API fills with more than cosell reads: other fields are ignored."""

    model_config = ConfigDict(extra="ignore")


# --- the create document ------------------------------------------------------------------------


class Member(_Object):
    """A team member or customer contact; field names are PersonInput's."""

    first_name: Text = Field(None, alias="firstName")
    last_name: Text = Field(None, alias="lastName")
    phone: Text = Field(None, alias="phoneNumber")
    email: Text = None
    contact_preference: Any = Field(None, alias="contactPreference")  # accepted, not stored

    def person(self) -> PersonInput:
        return PersonInput(
            first_name=self.first_name or "",
            last_name=self.last_name or "",
            phone=self.phone,
            email=self.email,
        )


class Solution(_ApiObject):
    """`{"id": "SOL-…", "price": …, "quantity": …, "currency": …}` or just `"SOL-…"`; a tag
    copied from `deal show --json` (name, publisher, flags) is accepted as well."""

    id: Text = None
    price: Amount = None
    quantity: int | None = None
    currency: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, data: Any) -> Any:
        """`"SOL-1"` stands for `{"id": "SOL-1"}`; a missing id is validated as null."""
        if isinstance(data, str):
            return {"id": data}
        return {"id": None, **data} if isinstance(data, dict) else data

    @field_validator("id")
    @classmethod
    def _required(cls, value: str | None) -> str | None:
        if not value:
            raise _problem("{path} is required (a solution ID from `cosell catalog solutions`)")
        return value

    def line(self) -> SolutionInput:
        return SolutionInput(
            solution_id=self.id or "", price=self.price, quantity=self.quantity,
            currency=self.currency,
        )  # fmt: skip


class Address(_Object):
    address_line1: Text = Field(None, alias="addressLine1")
    address_line2: Any = Field(None, alias="addressLine2")  # accepted, not stored
    city: Text = None
    state: Text = None
    postal_code: Text = Field(None, alias="postalCode")
    country: Text = None
    region: Any = None  # accepted, not stored


def _string_when(kind_field: str, kind: str) -> Callable[[Any, ValidationInfo], Any]:
    """A validator for `id`: a string when the object's `kind_field` is `kind`, else anything."""

    def check(value: Any, info: ValidationInfo) -> Any:
        if info.data.get(kind_field) == kind and value is not None and not isinstance(value, str):
            raise _problem("{path} must be a string")
        return value

    return check


class ProfileId(_ApiObject):
    """`{"profileType": "Duns", "id": "123456789"}` (other profile types are ignored)."""

    profile_type: Any = Field(None, alias="profileType")
    id: Annotated[Any, AfterValidator(_string_when("profile_type", "Duns"))] = None


class Customer(_Object):
    name: Text = None
    address: Address | None = None
    size: Any = None  # accepted, not stored
    team: list[Member] | None = None
    ids: list[ProfileId] | None = None
    is_matching_complete: Any = Field(None, alias="isMatchingComplete")

    @field_validator("team")
    @classmethod
    def _one_contact(cls, team: list[Member] | None) -> list[Member] | None:
        if team and len(team) > 1:
            raise _problem("{path}: cosell records one customer contact per deal")
        return team

    def duns(self) -> str | None:
        found = [i.id for i in self.ids or () if i.profile_type == "Duns"]
        return found[-1] if found else None


class Consent(_Object):
    share_info: bool | None = Field(None, alias="consentToToShareInfoWithOthers")
    share_info_spelled_right: bool | None = Field(None, alias="consentToShareInfoWithOthers")
    contact: Any = Field(None, alias="consentToContact")  # accepted, not stored
    visible_to_microsoft: bool | None = Field(
        None, alias="consentToShareReferralWithMicrosoftSellers"
    )
    contact_partners: Any = Field(None, alias="ConsentToMicrosoftToContactSpecificPartners")

    def shares_info(self) -> bool:
        given = self.share_info
        return bool(given if given is not None else self.share_info_spelled_right)


class Attribute(_ApiObject):
    """`{"type": "CustomerMarketplaceIntent", "id": "Yes"}` (other attributes are ignored)."""

    type: Any = None
    id: Annotated[Any, AfterValidator(_string_when("type", "CustomerMarketplaceIntent"))] = None


class AdditionalRequirements(_ApiObject):
    attributes: list[Attribute] | None = None


class Requirements(_ApiObject):
    solutions: list[Solution] | None = None
    additional: AdditionalRequirements | None = Field(None, alias="additionalRequirements")

    def marketplace_intent(self) -> str | None:
        for attribute in (self.additional.attributes or ()) if self.additional else ():
            if attribute.type == "CustomerMarketplaceIntent":
                return attribute.id
        return None


class Details(_Object):
    notes: Text = None
    value: Amount = Field(None, alias="dealValue")
    currency: Text = None
    close_date: Day = Field(None, alias="closingDateTime")
    requirements: Requirements | None = None
    customer_action: Any = Field(None, alias="customerAction")  # accepted, not stored
    customer_requested_contact: Any = Field(None, alias="customerRequestedContact")


class InviteContext(_Object):
    help_type: Text = Field(None, alias="assistanceRequestCode")
    notes: Text = None
    invited_by: Any = Field(None, alias="invitedBy")  # set by the system


def _partner(value: Any) -> Any:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _problem('{path} must be a partner\'s name, its id, or "microsoft"')


class Invitation(_Object):
    """A partner (or Microsoft) invited at creation; field names are InvitationDraft's."""

    org_id: Annotated[Any, BeforeValidator(_partner)] = Field(None, alias="partner")
    value: Amount = Field(None, alias="dealValue")
    currency: Text = None
    close_date: Day = Field(None, alias="closingDateTime")
    notes: Text = None
    help_type: Text = Field(None, alias="assistanceRequestCode")
    solution_ids: list[Solution] | None = Field(None, alias="solutions")
    team: list[Member] | None = None

    @model_validator(mode="before")
    @classmethod
    def _partner_is_required(cls, data: Any) -> Any:
        """A missing partner is validated as null (so `_partner` says what is expected)."""
        return {"partner": None, **data} if isinstance(data, dict) else data


class Extension(_Object):
    """`x-cosell`: the wizard's answers the API has no field for."""

    account_id: IdOrName = Field(None, alias="accountId")
    location_id: IdOrName = Field(None, alias="locationId")
    invitations: list[Invitation] | None = None
    assessment_location: IdOrName = Field(None, alias="assessmentLocation")


#: API fields that may be present (e.g. in a document copied from the API) and are ignored:
#: the system sets them, or cosell derives them from the answers (type, qualification, target).
IGNORED_FIELDS = frozenset({
    "id", "engagementId", "organizationId", "organizationName", "type", "qualification",
    "target", "status", "substatus", "statusReason", "direction", "createdDateTime",
    "updatedDateTime", "acceptedDateTime", "closedDateTime", "expirationDateTime", "eTag",
    "links", "favorite", "salesStage", "registrations", "registrationStatus", "trackingInfo",
    "referralSource", "callToAction", "quality", "isSpam", "tags", "solutionArea",
    "solutionPlay", "lastModifiedVia", "lastRunId",
})  # fmt: skip


class CreateDocument(_Object):
    """The `deal create` document (docs/deal-format.md, "Creating a deal")."""

    name: Text = None
    crm_id: Text = Field(None, alias="externalReferenceId")
    campaign_id: Text = Field(None, alias="campaignId")
    mpn_id: Text = Field(None, alias="mpnId")
    customer: Customer | None = Field(None, alias="customerProfile")
    consent: Consent | None = None
    details: Details | None = None
    team: list[Member] | None = None
    invite: InviteContext | None = Field(None, alias="inviteContext")
    partner_role: Text = Field(None, alias="partnerRole")
    partner_program: Text = Field(None, alias="referralProgram")
    extension: Extension | None = Field(None, alias="x-cosell")

    @model_validator(mode="before")
    @classmethod
    def _drop_ignored(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in IGNORED_FIELDS}
        return data


# --- the create document as a DealDraft -----------------------------------------------------------


def _location_id(service: Service, doc: CreateDocument) -> int | str | None:
    """The scope location from `x-cosell.locationId` or `mpnId` (the API's PartnerID)."""
    locations = service.catalog.scope_locations()
    if doc.extension is not None and doc.extension.location_id is not None:
        return doc.extension.location_id or ""
    if doc.mpn_id is not None:
        for loc_id, _name, partner_id in locations:
            if partner_id == doc.mpn_id.strip():
                return loc_id
        known = ", ".join(f"{pid} ({name})" for _, name, pid in locations) or "none"
        raise DocumentError(f"mpnId {doc.mpn_id!r} is not a location in your scope; yours: {known}")
    if len(locations) == 1:
        return locations[0][0]
    return None  # the service says the location is required, with the other problems


def _assessment_location(service: Service, ident: int | str | None) -> int | str | None:
    """`x-cosell.assessmentLocation`: a location id, or a PartnerID (mpnId) string."""
    if isinstance(ident, str):
        for loc_id, _name, partner_id in service.catalog.scope_locations():
            if partner_id == ident.strip():
                return loc_id
    return ident


def _invitation(
    service: Service, inv: Invitation, path: str, default_team: tuple[PersonInput, ...]
) -> InvitationDraft:
    target = inv.org_id
    if isinstance(target, str):
        try:
            target = resolve_partner(service, target)
        except CliError as exc:
            raise DocumentError(f"{path}.partner: {exc.message.split(': ', 1)[-1]}") from None
    team = tuple(member.person() for member in inv.team or ())
    return InvitationDraft(
        org_id=target,
        value=inv.value or "",
        currency=inv.currency or "",
        close_date=inv.close_date or "",
        notes=inv.notes or "",
        help_type=inv.help_type or HelpType.GENERAL,
        solution_ids=tuple(s.id or "" for s in inv.solution_ids or ()),
        team=team or default_team,
    )


def _manual_account(customer: Customer, ext: Extension) -> AccountInput | None:
    """The customer typed in the document, when it names no account of the search."""
    if ext.account_id is not None or customer.name is None:
        return None
    address = customer.address or _empty(Address)
    return AccountInput(
        name=customer.name,
        country=address.country or "",
        address_line1=address.address_line1,
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
        duns=customer.duns(),
    )


def draft_from_json(doc: JSON, service: Service) -> DealDraft:
    """A DealDraft from a create document; DocumentError (with the JSON paths) on a bad shape."""
    d = _validated(CreateDocument, doc)
    customer = d.customer or _empty(Customer)
    details = d.details or _empty(Details)
    requirements = details.requirements or _empty(Requirements)
    consent = d.consent or _empty(Consent)
    invite = d.invite or _empty(InviteContext)
    ext = d.extension or _empty(Extension)
    contact = customer.team[0].person() if customer.team else None
    account = _manual_account(customer, ext)
    team = tuple(member.person() for member in d.team or ())
    invitations = tuple(
        _invitation(service, inv, f"x-cosell.invitations[{i}]", team)
        for i, inv in enumerate(ext.invitations or ())
    )
    return DealDraft(
        name=d.name or "",
        location_id=_location_id(service, d),
        value=details.value,
        currency=details.currency or "USD",
        close_date=details.close_date,
        notes=details.notes or "",
        account_id=ext.account_id,
        account=account,
        contact=contact,
        consent=consent.shares_info(),
        crm_id=d.crm_id,
        campaign_id=d.campaign_id,
        marketplace_intent=requirements.marketplace_intent(),  # required: None is refused
        team=team,
        solutions=tuple(s.line() for s in requirements.solutions or ()),
        help_type=invite.help_type or HelpType.NONE,
        help_notes=invite.notes or "",
        visible_to_microsoft=consent.visible_to_microsoft,
        assessment_location_id=_assessment_location(service, ext.assessment_location),
        invitations=invitations,
        partner_role=d.partner_role,
        partner_program=d.partner_program,
    )


def _unused_by_send(d: CreateDocument) -> list[str]:
    """The answers of a create document that a sent referral has no place for, each with why."""
    ext = d.extension or _empty(Extension)
    said = [
        (d.mpn_id, "mpnId (the receiving partner's routing rules decide the location)"),
        (ext.location_id, "x-cosell.locationId (the routing rules decide the location)"),
        (d.team, "team (you are the sender; the receiving partner names its own team)"),
        (ext.invitations, "x-cosell.invitations (the receiving partner invites others)"),
        (ext.assessment_location, "x-cosell.assessmentLocation"),
        (d.crm_id, "externalReferenceId"),
        (d.campaign_id, "campaignId"),
        (d.partner_role, "partnerRole"),
        (d.partner_program, "referralProgram"),
    ]
    return [why for value, why in said if value is not None]


def referral_from_json(doc: JSON, to_org_id: int | str) -> ReferralDraft:
    """A ReferralDraft (`deal send`) from a document in the create document's shape: the
    customer, the deal's details, the solutions and the help wanted. An answer only a deal of
    your own can have (your location, team, invitations, CRM ids) is refused, not dropped."""
    d = _validated(CreateDocument, doc)
    unused = _unused_by_send(d)
    if unused:
        raise DocumentError(
            "deal send cannot use these fields of the document; remove them", unused
        )
    customer = d.customer or _empty(Customer)
    details = d.details or _empty(Details)
    requirements = details.requirements or _empty(Requirements)
    invite = d.invite or _empty(InviteContext)
    ext = d.extension or _empty(Extension)
    account = _manual_account(customer, ext)
    return ReferralDraft(
        to_org_id=to_org_id,
        name=d.name or "",
        value=details.value or "",
        currency=details.currency or "USD",
        close_date=details.close_date or "",
        notes=details.notes or invite.notes or "",
        account_id=ext.account_id,
        account=account,
        contact=customer.team[0].person() if customer.team else None,
        help_type=invite.help_type or HelpType.GENERAL,
        solutions=tuple(s.line() for s in requirements.solutions or ()),
    )


#: DealDraft field -> where the answer sits in the create document (for the service's messages).
DRAFT_FIELD_PATHS = {
    "to_org_id": "--to",
    "to_location_id": "mpnId",
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


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> its name in the document: the models name their fields as the forms do."""
    return {name: field.alias or name for name, field in model.model_fields.items()}


def document_path(field: str) -> str:
    """`team[0].phone` -> `team[0].phoneNumber`: a service field name as a JSON path."""
    head, _, rest = field.partition(".")
    base, bracket, index = head.partition("[")
    top = DRAFT_FIELD_PATHS.get(base)
    if top is None:
        return field
    path = top + (bracket + index if bracket else "")
    if rest:
        names = {**_aliases(Member), **(_aliases(Invitation) if base == "invitations" else {})}
        path += "." + ".".join(names.get(part, part) for part in rest.split("."))
    return path


def in_document_terms(fields: Mapping[str, str], message: str) -> tuple[dict[str, str], str]:
    """A service ValidationError's fields and message, with the document's paths."""
    renamed = {document_path(name): text for name, text in fields.items()}
    for name in fields:
        message = message.replace(f"{name}: ", f"{document_path(name)}: ", 1)
    return renamed, message


# --- the registration form ------------------------------------------------------------------------


class MarketplaceTransaction(_Object):
    is_marketplace: bool | None = Field(None, alias="isMarketplaceTransacted")
    marketplace_date: Day = Field(None, alias="transactionDateTime")


class SolutionDetail(_Object):
    solution_id: Text = Field(None, alias="id")
    solution_value: Amount = Field(None, alias="value")
    solution_currency: Text = Field(None, alias="currency")
    deployed_on_azure: bool | None = Field(None, alias="isDeployedOnAzure")
    tenant_type: Text = Field(None, alias="primaryDeploymentOn")
    pricing_model: Text = Field(None, alias="pricingModel")
    marketplace: MarketplaceTransaction | None = Field(None, alias="marketplaceTransactionDetails")


class Contract(_Object):
    contract_value: Amount = Field(None, alias="value")
    contract_currency: Text = Field(None, alias="currency")
    term: Text = None
    sign_date: Day = Field(None, alias="signDateTime")
    start_date: Day = Field(None, alias="startDateTime")
    end_date: Day = Field(None, alias="endDateTime")


class RegistrationDocument(_Object):
    """The LA-SDK registration shape (domain.md §8.5); docs/deal-format.md, "Registration form"."""

    type: Text = None
    contract: Contract | None = None
    solution_details: list[SolutionDetail] | None = Field(None, alias="solutionDetails")
    status: Any = None  # as `deal show --json` prints it; set by the system

    @model_validator(mode="before")
    @classmethod
    def _lines_are_required(cls, data: Any) -> Any:
        """Missing solution lines are validated as null (so `_one_solution` says it)."""
        return {"solutionDetails": None, **data} if isinstance(data, dict) else data

    @field_validator("type")
    @classmethod
    def _ip_co_sell(cls, value: str | None) -> str | None:
        if value not in (None, "AzureIPCoSell"):
            raise _problem("{path}: only AzureIPCoSell registrations are supported")
        return value

    @field_validator("solution_details")
    @classmethod
    def _one_solution(cls, lines: list[SolutionDetail] | None) -> list[SolutionDetail] | None:
        if len(lines or ()) != 1:
            raise _problem("{path} must hold exactly one solution (the IP co-sell one)")
        return lines


#: RegistrationForm field -> its path in the form document (for "missing" messages).
_LINE = "solutionDetails[0]"
REGISTRATION_PATHS = {
    "is_marketplace": f"{_LINE}.marketplaceTransactionDetails.isMarketplaceTransacted",
    "deployed_on_azure": f"{_LINE}.isDeployedOnAzure",
    "term": "contract.term",
    "contract_value": "contract.value",
    "contract_currency": "contract.currency",
    "solution_id": f"{_LINE}.id",
    "solution_value": f"{_LINE}.value",
    "solution_currency": f"{_LINE}.currency",
    "sign_date": "contract.signDateTime",
    "start_date": "contract.startDateTime",
    "tenant_type": f"{_LINE}.primaryDeploymentOn",
    "pricing_model": f"{_LINE}.pricingModel",
}


def registration_from_json(doc: JSON, overrides: Mapping[str, Any]) -> RegistrationForm:
    """The form from a registration document; `overrides` (from the command line) win."""
    d = _validated(RegistrationDocument, doc)
    contract = d.contract or _empty(Contract)
    line = (d.solution_details or [_empty(SolutionDetail)])[0]
    market = line.marketplace or _empty(MarketplaceTransaction)
    fields: dict[str, Any] = {
        **contract.model_dump(),
        **line.model_dump(exclude={"marketplace"}),
        **market.model_dump(),
    }
    fields.update(overrides)
    missing = [path for name, path in REGISTRATION_PATHS.items() if fields.get(name) is None]
    if missing:
        raise DocumentError("the registration form is missing " + ", ".join(missing))
    return RegistrationForm(**fields)
