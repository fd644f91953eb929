"""Input forms of the use cases: what a screen, the wizard or the CLI hands to the service.

Frozen dataclasses of plain values. Every field accepts what a user typed (a string) or an
already-parsed value (Decimal, date, enum, int): the service parses and validates them all in
one place, so the TUI, the wizard and the CLI never duplicate validation and a bad value always
comes back as a `ValidationError` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from cosell_tui.domain import (
    ContractTerm,
    HelpType,
    MarketplaceIntent,
    PartnerRole,
    PricingModel,
    TenantType,
)

#: A money amount as typed ("25,000.50") or parsed.
Amount = str | int | float | Decimal
#: A date as typed (ISO "2026-11-30") or parsed.
DateIn = str | date
#: A yes/no answer as typed ("yes", "n", "true") or parsed.
YesNo = str | bool

#: The invitee of an invitation: an organisation id, or Microsoft itself.
MICROSOFT: Literal["microsoft"] = "microsoft"


@dataclass(frozen=True, slots=True)
class PersonInput:
    """A team member or customer contact; phone and email are checked with their libraries."""

    first_name: str
    last_name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class SolutionInput:
    """One solution line; price/quantity only for catalog entries that are priced."""

    solution_id: str
    price: Amount | None = None
    quantity: int | str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptForm:
    """The fields an inbound referral's receiver must confirm to accept it (T3)."""

    name: str
    value: Amount
    currency: str
    close_date: DateIn
    notes: str
    crm_id: str | None = None
    campaign_id: str | None = None
    contacts: tuple[PersonInput, ...] = ()


@dataclass(frozen=True, slots=True)
class DetailsEdit:
    """Edit of a deal's details (T6); None leaves a field unchanged."""

    name: str | None = None
    value: Amount | None = None
    currency: str | None = None
    close_date: DateIn | None = None
    notes: str | None = None
    crm_id: str | None = None
    campaign_id: str | None = None
    marketplace_intent: MarketplaceIntent | str | None = None
    partner_role: PartnerRole | str | None = None
    partner_program: str | None = None


@dataclass(frozen=True, slots=True)
class InvitationDraft:
    """A P2P invitation (or Microsoft): the invitee's terms, frozen for the inviter (D14)."""

    org_id: int | str  # an organisation id, or "microsoft"
    value: Amount
    currency: str
    close_date: DateIn
    notes: str = ""
    help_type: HelpType | str = HelpType.GENERAL
    solution_ids: tuple[str, ...] = ()
    team: tuple[PersonInput, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountInput:
    """A customer entered manually (no search hit): becomes a MANUAL account."""

    name: str
    country: str
    address_line1: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    duns: str | None = None


@dataclass(frozen=True, slots=True)
class DealDraft:
    """Every answer of the New Deal wizard (T1); each wizard step validates its part."""

    name: str = ""
    location_id: int | str | None = None
    value: Amount | None = None
    currency: str = "USD"
    close_date: DateIn | None = None
    notes: str = ""
    account_id: int | str | None = None
    account: AccountInput | None = None  # manual entry when account_id is None
    contact: PersonInput | None = None
    consent: bool = False
    crm_id: str | None = None
    campaign_id: str | None = None
    marketplace_intent: MarketplaceIntent | str | None = MarketplaceIntent.UNDECIDED
    team: tuple[PersonInput, ...] = ()
    solutions: tuple[SolutionInput, ...] = ()
    help_type: HelpType | str = HelpType.NONE
    help_notes: str = ""
    visible_to_microsoft: bool | None = None
    assessment_location_id: int | str | None = None
    invitations: tuple[InvitationDraft, ...] = ()
    partner_role: PartnerRole | str | None = None
    partner_program: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralDraft:
    """A referral sent by a Microsoft seller or another partner (T2) to a target organisation.

    `to_location_id` routes it; without one the target's first location receives it.
    """

    to_org_id: int | str
    name: str
    value: Amount
    currency: str
    close_date: DateIn
    notes: str = ""
    to_location_id: int | str | None = None
    account_id: int | str | None = None
    account: AccountInput | None = None
    contact: PersonInput | None = None
    help_type: HelpType | str = HelpType.GENERAL
    solutions: tuple[SolutionInput, ...] = ()


@dataclass(frozen=True, slots=True)
class RegistrationForm:
    """The Azure IP co-sell registration form (domain.md §4.4)."""

    is_marketplace: YesNo
    deployed_on_azure: YesNo
    term: ContractTerm | str  # Perpetual / Finite
    contract_value: Amount
    contract_currency: str
    solution_id: str
    solution_value: Amount
    solution_currency: str
    sign_date: DateIn
    start_date: DateIn
    tenant_type: TenantType | str
    pricing_model: PricingModel | str
    end_date: DateIn | None = None  # required unless perpetual
    marketplace_date: DateIn | None = None  # required when is_marketplace


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What one run of the time-based sweep did (referral pks); empty when nothing was due."""

    expired: tuple[int, ...] = ()
    reminded: tuple[int, ...] = ()
    microsoft_lapsed: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        return len(self.expired) + len(self.reminded) + len(self.microsoft_lapsed)


__all__ = [
    "MICROSOFT",
    "AcceptForm",
    "AccountInput",
    "DealDraft",
    "DetailsEdit",
    "InvitationDraft",
    "PersonInput",
    "ReferralDraft",
    "RegistrationForm",
    "SolutionInput",
    "SweepReport",
]
