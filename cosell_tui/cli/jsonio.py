"""Deals as JSON in the Partner Center referral shape (domain.md §1.2, §8), both ways.

Output: `referral_to_json` turns a read model (DealRow or DealDetail) into the API's camelCase
referral, so a script written against the Partner Center API reads `cosell --json` unchanged.
Whatever the API has no field for (our row number, version, derived deal type, stage
percentage, allowed actions, eligibility...) sits under one `x-cosell` object, so the API
fields keep their documented meaning. docs/deal-format.md is the reference.

Input (documents read by `deal create` and `deal register --file`) is in `document.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cosell_tui.domain import (
    DealType,
    HelpType,
    Status,
    stage_name,
)
from cosell_tui.domain.views import (
    AccountView,
    DealDetail,
    DealRow,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    RegistrationView,
    SolutionLine,
)

if TYPE_CHECKING:  # types only: `deal list` (which renders no decision) skips the facts module
    from cosell_tui.domain.facts import Checklist, TransitionDecision

#: Percentage -> the connector's `salesStage` enum (domain.md §1.5.10, D5).
SALES_STAGE_BY_PCT = {20: "Qualify", 40: "Develop", 60: "Propose", 80: "Close"}

JSON = dict[str, Any]


# --- scalars ----------------------------------------------------------------------------------


def iso_instant(value: datetime | None) -> str | None:
    """`2025-05-01T08:00:00Z`, the API's UTC form."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(value: date | None) -> str | None:
    """A close date as the API writes it: midnight UTC of that day."""
    return None if value is None else f"{value.isoformat()}T00:00:00Z"


def amount(value: Decimal | None) -> int | float | None:
    """Money as a JSON number: exact for two-decimal amounts (a float's repr round-trips)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _drop_none(obj: JSON) -> JSON:
    return {key: value for key, value in obj.items() if value is not None}


# --- nested shapes ----------------------------------------------------------------------------


def member_to_json(person: PersonView) -> JSON:
    return _drop_none(
        {
            "firstName": person.first_name,
            "lastName": person.last_name,
            "phoneNumber": person.phone,
            "email": person.email,
        }
    )


def address_to_json(account: AccountView) -> JSON:
    return _drop_none(
        {
            "addressLine1": account.address or None,
            "city": account.city,
            "postalCode": account.postal_code,
            "country": account.country,
        }
    )


def customer_to_json(account: AccountView, contacts: tuple[PersonView, ...]) -> JSON:
    ids = []
    if account.duns:
        ids.append({"profileType": "Duns", "id": account.duns})
    if account.microsoft_account_id:
        ids.append({"profileType": "External", "id": account.microsoft_account_id})
    return {
        "name": account.name,
        "address": address_to_json(account),
        "team": [member_to_json(p) for p in contacts],
        "ids": ids,
    }


def solution_to_json(line: SolutionLine) -> JSON:
    sol = line.solution
    return _drop_none(
        {
            "type": "Name",
            "id": sol.id,
            "name": sol.name,
            "publisherName": sol.publisher_name,
            "price": amount(line.price),
            "quantity": line.quantity,
            "currency": line.currency,
            "x-cosell": {
                "category": sol.category.value,
                "coSellReady": sol.co_sell_ready,
                "azureIpCoSell": sol.azure_ip_co_sell,
                "bizAppsPremium": sol.biz_apps_premium,
                "bizAppsStandard": sol.biz_apps_standard,
                "marketplaceIncentivized": sol.marketplace_incentivized,
            },
        }
    )


def invitation_to_json(inv: InvitationView) -> JSON:
    return {
        "id": inv.id,
        "partner": inv.to_org_name,
        "dealValue": amount(inv.value),
        "currency": inv.currency,
        "closingDateTime": iso_day(inv.close_date),
        "notes": inv.notes,
        "assistanceRequestCode": inv.help_type.value,
        "solutions": list(inv.solution_ids),
        "createdDateTime": iso_instant(inv.created_at),
        "inviteeSubstatus": inv.invitee_status.value if inv.invitee_status else None,
    }


def microsoft_to_json(card: MicrosoftCard) -> JSON:
    return {
        "status": card.status.value,
        "requestedDateTime": iso_instant(card.requested_at),
        "expirationDateTime": iso_instant(card.expires_at),
        "seller": member_to_json(card.seller) if card.seller else None,
        "msxId": card.msx_id,
        "declineReason": card.decline_reason,
    }


def registration_to_json(reg: RegistrationView) -> JSON:
    """The LA-SDK registration shape (domain.md §8.5) plus its status."""
    return {
        "type": "AzureIPCoSell",
        "status": reg.status.value,
        "statusReason": reg.status_reason,
        "registeredDateTime": iso_instant(reg.registered_at),
        "exceptionRequest": (
            {
                "status": reg.exception_status.value,
                "message": reg.exception_message,
                "requestedDateTime": iso_instant(reg.exception_requested_at),
                "reviewerMessage": reg.exception_reason,
            }
            if reg.exception_status
            else None
        ),
        "contract": {
            "value": amount(reg.contract_value),
            "currency": reg.contract_currency,
            "term": "Perpetual" if reg.perpetual else "Finite",
            "signDateTime": iso_day(reg.sign_date),
            "startDateTime": iso_day(reg.start_date),
            "endDateTime": iso_day(reg.end_date),
        },
        "solutionDetails": [
            {
                "id": reg.solution_id,
                "value": amount(reg.solution_value),
                "currency": reg.solution_currency,
                "isDeployedOnAzure": reg.deployed_on_azure,
                "primaryDeploymentOn": str(reg.tenant_type),
                "pricingModel": str(reg.pricing_model),
                "marketplaceTransactionDetails": {
                    "isMarketplaceTransacted": reg.is_marketplace,
                    "transactionDateTime": iso_day(reg.marketplace_date),
                },
            }
        ],
    }


def decision_to_json(decision: TransitionDecision) -> JSON:
    """Allowed actions (sorted, stable), the stages markable now, refusals and warnings."""
    return {
        "allowed": sorted(action.value for action in decision.allowed),
        "stages": list(decision.stages),
        "refusals": {a.value: text for a, text in sorted(decision.refusals.items())},
        "warnings": {a.value: text for a, text in sorted(decision.warnings.items())},
    }


def checklist_to_json(checklist: Checklist | None) -> JSON | None:
    if checklist is None:
        return None
    return {
        "eligible": checklist.eligible,
        "undecidable": checklist.undecidable,
        "criteria": [
            {
                "id": item.id,
                "title": item.title,
                "outcome": item.outcome.value,
                "reason": item.reason,
                "missing": list(item.missing),
            }
            for item in checklist.items
        ],
    }


def history_to_json(entry: HistoryView) -> JSON:
    return {
        "at": iso_instant(entry.at),
        "who": entry.who,
        "action": entry.action,
        "summary": entry.summary,
    }


# --- the referral -----------------------------------------------------------------------------


def referral_type(deal_type: DealType, p2p: bool) -> str:
    """API `type`: Independent when only we can see it (private, no partner), else Shared."""
    return "Independent" if deal_type is DealType.PRIVATE and not p2p else "Shared"


def stage_label(row: DealRow) -> str | None:
    """The stage's UI name; None while an inbound referral is unanswered (it has no stage)."""
    if row.status is Status.NEW:
        return None
    return stage_name(row.stage_pct, row.deal_type is DealType.SOLUTION_ASSESSMENT, row.direction)


def row_to_json(row: DealRow) -> JSON:
    """The grid row as a (partial) referral: the fields the API's list call returns."""
    return {
        "id": row.referral_id,
        "name": row.name,
        "externalReferenceId": row.crm_id,
        "type": referral_type(row.deal_type, row.p2p),
        "direction": row.direction.value,
        "status": row.status.value,
        "substatus": row.substatus.value,
        "createdDateTime": iso_instant(row.created_at),
        "expirationDateTime": iso_instant(row.expires_at),
        "closedDateTime": iso_instant(row.closed_at),
        "salesStage": SALES_STAGE_BY_PCT.get(row.stage_pct),
        "partnerRole": row.partner_role.value if row.partner_role else None,
        "referralProgram": row.partner_program,
        "registrationStatus": row.registration_status.value if row.registration_status else None,
        "favorite": row.favorite,
        "customerProfile": {"name": row.customer_name, "address": {"country": row.country}},
        "details": {
            "dealValue": amount(row.value),
            "currency": row.currency,
            "closingDateTime": iso_day(row.close_date),
        },
        "x-cosell": {
            "number": row.id,
            "version": row.version,
            "dealType": row.deal_type.value,
            "p2p": row.p2p,
            "stagePct": row.stage_pct,
            "stageName": stage_label(row),
            "microsoftStatus": row.microsoft_status.value,
        },
    }


def detail_to_json(detail: DealDetail) -> JSON:
    """The whole deal: every API field we hold, plus the `x-cosell` extension."""
    out = row_to_json(detail.row)
    out.update(
        {
            "organizationName": detail.org_name,
            "mpnId": detail.location_partner_id,
            "campaignId": detail.campaign_id,
            "acceptedDateTime": iso_instant(detail.accepted_at),
            "updatedDateTime": iso_instant(detail.updated_at),
            "statusReason": detail.status_reason,
            "consent": {
                "consentToShareReferralWithMicrosoftSellers": detail.visible_to_microsoft,
            },
            "customerProfile": customer_to_json(detail.customer, detail.contacts),
            "team": [member_to_json(p) for p in detail.team],
            "inviteContext": _drop_none(
                {
                    "notes": detail.invite_notes,
                    "assistanceRequestCode": (
                        None if detail.help_type is HelpType.NONE else detail.help_type.value
                    ),
                    "invitedBy": (
                        {"organizationName": detail.invited_by} if detail.invited_by else None
                    ),
                    "contacts": (
                        [member_to_json(p) for p in detail.inviter_contacts]
                        if detail.inviter_contacts
                        else None
                    ),
                }
            ),
            "registrations": (
                [registration_to_json(detail.registration)] if detail.registration else []
            ),
        }
    )
    out["details"].update(
        {
            "notes": detail.notes,
            "requirements": {
                "solutions": [solution_to_json(line) for line in detail.solutions],
                "additionalRequirements": {
                    "attributes": [
                        {"type": "CustomerMarketplaceIntent", "id": detail.marketplace_intent.value}
                    ]
                },
            },
        }
    )
    out["x-cosell"].update(
        {
            "helpType": detail.help_type.value,
            "location": {"name": detail.location_name, "partnerId": detail.location_partner_id},
            "account": {
                "id": detail.customer.id,
                "kind": detail.customer.kind.value,
                "microsoftAccountId": detail.customer.microsoft_account_id,
                "federal": detail.customer.federal,
            },
            "microsoft": microsoft_to_json(detail.microsoft),
            "invitations": [invitation_to_json(inv) for inv in detail.invitations],
            "actions": decision_to_json(detail.decision),
            "eligibility": checklist_to_json(detail.checklist),
            "history": [history_to_json(h) for h in detail.history],
        }
    )
    return out


def referral_to_json(deal: DealDetail | DealRow) -> JSON:
    """A deal in the API's camelCase referral shape (see docs/deal-format.md)."""
    if isinstance(deal, DealDetail):
        return detail_to_json(deal)
    return row_to_json(deal)
