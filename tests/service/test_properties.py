"""Malformed input never crashes a use case and a refusal never writes (hypothesis).

Each example calls the use case with values a user might type (and some nobody should); the
call must end in success or a CosellError, and when it is refused every table is unchanged. A
ValidationError speaks the user's language: keys as the screens know them, plain sentences,
never pydantic's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.domain import CloseReason
from cosell_tui.service import Service
from cosell_tui.service.drafts import STEPS
from cosell_tui.service.errors import CosellError, ValidationError
from cosell_tui.service.forms import (
    AcceptForm,
    AccountInput,
    DetailsEdit,
    PersonInput,
    SolutionInput,
)
from tests import factories as f
from tests.service.conftest import dump

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "\x00", "x" * 6000, "Contoso", "2027-01-31", "-1", "1e9"]),
)
amounts = st.one_of(
    texts,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.floats(allow_nan=True),
    st.sampled_from(["25,000.00", "12.345", "NaN", "Infinity", "1" * 40]),
)
dates = st.one_of(
    texts, st.dates(min_value=date(1, 1, 1)), st.sampled_from(["2027-02-30", "31/12/2026"])
)
currencies = st.one_of(texts, st.sampled_from(["USD", "eur", "BRL", "XXX", "US", "usdd"]))
people = st.builds(PersonInput, texts, texts, texts, texts)
ids = st.one_of(st.integers(min_value=-5, max_value=10**6), texts)


#: A field key: `name`, `team[1].email`, `invitations[0].team[2].phone`, `form`.
KEY = re.compile(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*")
PYDANTIC_WORDS = ("Input should", "[type=", "Value error", "Field required", "validation error")


def plain(fields: dict[str, str], message: str = "") -> None:
    """Problems a screen or the CLI can show as they are."""
    for key, said in fields.items():
        assert KEY.fullmatch(key), key
        assert said and not any(word in said for word in PYDANTIC_WORDS), said
    assert not any(word in message for word in PYDANTIC_WORDS), message


def refused_or_done(svc: Service, call: Callable[[], object]) -> None:
    before = dump(svc)
    try:
        call()
    except ValidationError as refusal:
        plain(refusal.fields, refusal.message)
        assert dump(svc) == before
    except CosellError:
        assert dump(svc) == before


@pytest.fixture
def inbound_id(svc: Service) -> int:
    svc.as_user("jordan").creation.send_referral(f.referral())
    return svc.listing.find_deals("Northwind")[0].id


@SETTINGS
@given(
    name=texts,
    value=amounts,
    currency=currencies,
    close=dates,
    notes=texts,
    location=ids,
    account=ids,
    team=st.lists(people, max_size=3),
    solution=st.one_of(texts, st.sampled_from([f.AZURE_IP, f.ASSESSMENT, f.PRICED])),
    price=amounts,
    contact=st.one_of(st.none(), people),
    consent=st.booleans(),
    help_type=st.one_of(texts, st.sampled_from(["GeneralOrOther", "None"])),
    visible=st.one_of(st.none(), st.booleans()),
)
def test_create_deal_with_malformed_input(
    svc: Service, name, value, currency, close, notes, location, account, team, solution, price,
    contact, consent, help_type, visible,
) -> None:  # fmt: skip
    draft = f.draft(
        name=name,
        value=value,
        currency=currency,
        close_date=close,
        notes=notes,
        location_id=location,
        account_id=account,
        team=tuple(team),
        solutions=(SolutionInput(solution, price=price),),
        contact=contact,
        consent=consent,
        help_type=help_type,
        visible_to_microsoft=visible,
    )
    refused_or_done(svc, lambda: svc.creation.create_deal(draft))
    for step in (None, *STEPS):
        plain(svc.creation.validate_draft(draft, step))
    svc.creation.preview_deal_type(draft)  # never raises


@SETTINGS
@given(
    name=texts, value=amounts, currency=currencies, close=dates, notes=texts,
    crm=texts, contacts=st.lists(people, max_size=2), version=st.integers(-1, 5),
)  # fmt: skip
def test_accept_with_malformed_input(
    svc: Service, inbound_id: int, name, value, currency, close, notes, crm, contacts, version
) -> None:
    form = AcceptForm(name, value, currency, close, notes, crm, None, tuple(contacts))
    refused_or_done(svc, lambda: svc.lifecycle.accept(inbound_id, version, form))


@SETTINGS
@given(reason=st.one_of(texts, st.sampled_from(list(CloseReason))), notes=texts, deal=ids)
def test_decline_with_malformed_input(svc: Service, inbound_id: int, reason, notes, deal) -> None:
    version = svc.listing.row(inbound_id).version
    refused_or_done(svc, lambda: svc.lifecycle.decline(deal, version, reason, notes))
    refused_or_done(svc, lambda: svc.lifecycle.decline(inbound_id, version, reason, notes))


@pytest.fixture
def won_id(svc: Service) -> int:
    row = svc.creation.create_deal(f.co_sell_draft()).deal
    svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    row = svc.listing.row(row.id)
    svc.clock.set(svc.clock.now().replace(day=24))
    svc.lifecycle.won(row.id, row.version)
    svc.clock.set(svc.clock.now().replace(day=30))
    return row.id


@SETTINGS
@given(
    market=st.one_of(texts, st.booleans()), deployed=st.one_of(texts, st.booleans()),
    term=st.one_of(texts, st.sampled_from(["Perpetual", "Finite"])),
    tcv=amounts, tcv_cur=currencies, sol=st.one_of(texts, st.just(f.AZURE_IP)),
    sol_value=amounts, sol_cur=currencies, sign=dates, start=dates, end=dates,
    tenant=texts, pricing=st.one_of(texts, st.just("PayAsYouGo")),
)  # fmt: skip
def test_register_with_malformed_input(
    svc: Service, won_id: int, market, deployed, term, tcv, tcv_cur, sol, sol_value, sol_cur,
    sign, start, end, tenant, pricing,
) -> None:  # fmt: skip
    form = f.registration_form(
        is_marketplace=market, deployed_on_azure=deployed, term=term, contract_value=tcv,
        contract_currency=tcv_cur, solution_id=sol, solution_value=sol_value,
        solution_currency=sol_cur, sign_date=sign, start_date=start, end_date=end,
        tenant_type=tenant, pricing_model=pricing,
    )  # fmt: skip
    version = svc.listing.row(won_id).version
    refused_or_done(svc, lambda: svc.registration.register(won_id, version, form))


def test_a_valid_registration_still_succeeds_after_refusals(svc: Service, won_id: int) -> None:
    """The property tests' fixture deal is registrable: refusals there are real refusals."""
    row = svc.listing.row(won_id)
    out = svc.registration.register(row.id, row.version, f.registration_form())
    assert out.deal.registration_status is not None
    assert Decimal(out.deal.value) == Decimal("50000.00")


@pytest.fixture
def deal_id(svc: Service) -> int:
    return svc.creation.create_deal(f.draft()).deal.id


@SETTINGS
@given(
    name=texts, value=amounts, currency=currencies, close=dates, notes=texts, crm=texts,
    intent=st.one_of(texts, st.sampled_from(["Yes", "No", "HaveNotDecided"])),
    team=st.lists(people, max_size=3), solution=st.one_of(texts, st.just(f.PRICED)),
    price=amounts, quantity=st.one_of(ids, st.floats()), stage=ids,
)  # fmt: skip
def test_edits_with_malformed_input(
    svc: Service, deal_id: int, name, value, currency, close, notes, crm, intent, team, solution,
    price, quantity, stage,
) -> None:  # fmt: skip
    version = svc.listing.row(deal_id).version
    edit = DetailsEdit(name, value, currency, close, notes, crm, None, intent)
    line = SolutionInput(solution, price, quantity, "USD")
    for call in (
        lambda: svc.lifecycle.edit_details(deal_id, version, edit),
        lambda: svc.lifecycle.edit_invitation_terms(deal_id, version, value, currency, close),
        lambda: svc.lifecycle.set_team(deal_id, version, team),
        lambda: svc.lifecycle.set_solutions(deal_id, version, [line]),
        lambda: svc.lifecycle.mark_stage(deal_id, version, stage),
        lambda: svc.sharing.request_help(deal_id, version, name, notes, team[0] if team else None),
    ):
        refused_or_done(svc, call)


@SETTINGS
@given(
    org=st.one_of(ids, st.sampled_from(["microsoft", " Microsoft "])), value=amounts,
    currency=currencies, close=dates, help_type=st.one_of(texts, st.just("GeneralOrOther")),
    solutions=st.lists(st.one_of(texts, st.just(f.ADATUM_IP)), max_size=2),
    team=st.lists(people, max_size=2), to_org=ids, account=ids,
    country=st.one_of(texts, st.just("gb")), contact=st.one_of(st.none(), people),
)  # fmt: skip
def test_invitations_and_referrals_with_malformed_input(
    svc: Service, deal_id: int, org, value, currency, close, help_type, solutions, team,
    to_org, account, country, contact,
) -> None:  # fmt: skip
    invitation = f.invitation(
        org_id=org, value=value, currency=currency, close_date=close, help_type=help_type,
        solution_ids=tuple(solutions), team=tuple(team),
    )  # fmt: skip
    version = svc.listing.row(deal_id).version
    refused_or_done(svc, lambda: svc.sharing.invite(deal_id, version, invitation))
    referral = f.referral(
        to_org_id=to_org, value=value, currency=currency, close_date=close, account_id=account,
        account=AccountInput("Wide World", country), contact=contact, help_type=help_type,
    )  # fmt: skip
    refused_or_done(svc, lambda: svc.as_user("jordan").creation.send_referral(referral))
