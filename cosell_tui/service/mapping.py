"""Rows to read models: screens and the CLI get frozen views, never live ORM objects.

Each function reads the row's column attributes only, so it takes an ORM object or a Core row
of the same table alike (one deal in full is read through Core, service/detail.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from cosell_tui.domain import SolutionCategory, SolutionKind
from cosell_tui.domain.views import (
    AccountView,
    DealRow,
    PersonView,
    RegistrationView,
    SolutionView,
)

if TYPE_CHECKING:  # rows of the models, or Core rows of the same tables (service/detail.py)
    from cosell_tui.store.models import (
        Account,
        CustomerContact,
        Referral,
        Registration,
        Solution,
        TeamMember,
        User,
    )


def deal_row(ref: Referral, favorite: bool) -> DealRow:
    return DealRow(
        id=ref.id,
        referral_id=ref.referral_id,
        name=ref.name,
        customer_name=ref.customer_name,
        deal_type=ref.deal_type,
        p2p=ref.p2p,
        direction=ref.direction,
        status=ref.status,
        substatus=ref.substatus,
        value=ref.value,
        currency=ref.currency,
        close_date=ref.close_date,
        country=ref.country,
        created_at=ref.created_at,
        expires_at=ref.expires_at,
        closed_at=ref.closed_at,
        microsoft_status=ref.microsoft_status,
        partner_role=ref.partner_role,
        partner_program=ref.partner_program,
        crm_id=ref.crm_id,
        stage_pct=ref.stage_pct,
        registration_status=ref.registration_status,
        favorite=favorite,
        version=ref.version,
        value_usd=ref.value_usd,
    )


def address_line(account: Account) -> str:
    parts = [
        account.address_line1,
        account.address_line2,
        account.city,
        account.state,
        account.postal_code,
        account.country,
    ]
    return ", ".join(p for p in parts if p)


def account_view(account: Account, linked_count: int = 0, match: int = 0) -> AccountView:
    return AccountView(
        id=account.id,
        name=account.name,
        kind=account.kind,
        microsoft_account_id=account.microsoft_account_id,
        group_key=account.group_key,
        duns=account.duns,
        federal=account.federal,
        address=address_line(account),
        city=account.city,
        postal_code=account.postal_code,
        country=account.country,
        linked_count=linked_count,
        match=match,
    )


def solution_category(solution: Solution, org_id: int) -> SolutionCategory:
    """The wizard's category is relative to the user's organisation."""
    if solution.kind is SolutionKind.ASSESSMENT:
        return SolutionCategory.ASSESSMENT
    if solution.kind is SolutionKind.MICROSOFT:
        return SolutionCategory.MICROSOFT
    if solution.publisher_org_id == org_id:
        return SolutionCategory.MINE
    return SolutionCategory.THIRD_PARTY


def solution_view(solution: Solution, org_id: int) -> SolutionView:
    return SolutionView(
        id=solution.id,
        name=solution.name,
        publisher_name=solution.publisher_name,
        category=solution_category(solution, org_id),
        co_sell_ready=solution.co_sell_ready,
        azure_ip_co_sell=solution.azure_ip_co_sell,
        biz_apps_premium=solution.biz_apps_premium,
        biz_apps_standard=solution.biz_apps_standard,
        marketplace_incentivized=solution.marketplace_incentivized,
        priced=solution.priced,
    )


def person_view(person: TeamMember | CustomerContact) -> PersonView:
    return PersonView(person.first_name, person.last_name, person.phone or None, person.email)


class _Person(Protocol):
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


def people_text(people: Iterable[_Person]) -> str:
    """People as the invitation row keeps them (its `team`): one JSON list."""
    return json.dumps(
        [[p.first_name, p.last_name, p.phone or None, p.email or None] for p in people],
        ensure_ascii=False,
    )


def people_views(text: str) -> tuple[PersonView, ...]:
    """`people_text` read back; an empty or unreadable column is nobody."""
    try:
        rows = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(PersonView(*row) for row in rows if isinstance(row, list) and len(row) == 4)


def user_person(user: User) -> PersonView:
    first, _, last = user.display_name.partition(" ")
    return PersonView(first, last, user.phone, user.email)


def registration_view(reg: Registration) -> RegistrationView:
    return RegistrationView(
        status=reg.status,
        status_reason=reg.status_reason,
        is_marketplace=reg.is_marketplace,
        deployed_on_azure=reg.deployed_on_azure,
        perpetual=reg.term.value == "Perpetual",
        contract_value=reg.contract_value,
        contract_currency=reg.contract_currency,
        solution_id=reg.solution_id,
        solution_value=reg.solution_value,
        solution_currency=reg.solution_currency,
        sign_date=reg.sign_date,
        start_date=reg.start_date,
        end_date=reg.end_date,
        tenant_type=reg.tenant_type.value,
        pricing_model=reg.pricing_model.value,
        registered_at=reg.registered_at,
        exception_status=reg.exception_status,
        exception_message=reg.exception_message,
        exception_requested_at=reg.exception_requested_at,
        exception_reason=reg.exception_reason,
        marketplace_date=reg.marketplace_date,
    )
