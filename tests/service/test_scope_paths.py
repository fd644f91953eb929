"""Scope outside the deal commands (issue 11, item 3): the sweep acts only on the caller's deals,
and another organisation's manually entered customer is "not found" to deal creation."""

from __future__ import annotations

import pytest

from cosell_tui.domain import Substatus
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError
from cosell_tui.service.forms import AccountInput, PersonInput, SolutionInput
from tests import factories as f
from tests.service.conftest import advance, dump, scalar
from tests.service.test_inbound import inbound


def test_sweep_expires_only_deals_in_the_callers_scope(svc: Service) -> None:
    row = inbound(svc)  # to Fabrikam, routed to Seattle
    advance(svc, days=15)
    before = dump(svc)
    # Ben is a Fabrikam admin for London only; Dan is Adatum's admin: neither may expire it.
    assert svc.as_user("ben").microsoft.sweep().total == 0
    assert svc.as_user("dan").microsoft.sweep().total == 0
    assert dump(svc) == before
    assert svc.listing.row(row.id).substatus is Substatus.EXPIRED  # read so (D9a), not recorded
    assert svc.microsoft.sweep().expired == (row.id,)  # ava: the entire company


def test_another_partner_cannot_lapse_a_microsoft_request(svc: Service) -> None:
    from tests.service.test_microsoft import co_sell

    row = co_sell(svc)
    advance(svc, days=14, minutes=1)
    assert svc.as_user("dan").microsoft.sweep().total == 0
    assert svc.microsoft.sweep().microsoft_lapsed == (row.id,)


DAN = PersonInput("Dan", "Reyes", "+14165550100", "dan@adatum.example")
ADATUM = {"location_id": f.TORONTO, "team": (DAN,), "solutions": (SolutionInput(f.ADATUM_IP),)}


def _manual_account_of_adatum(svc: Service) -> int:
    dan = svc.as_user("dan")
    draft = f.draft(
        account_id=None, account=AccountInput("Adatum's secret prospect", "CA"), **ADATUM
    )
    row = dan.creation.create_deal(draft).deal
    found = scalar(svc, "SELECT customer_account_id FROM referral WHERE id = :i", i=row.id)
    assert isinstance(found, int)
    return found


def test_another_organisations_manual_account_is_not_found(svc: Service) -> None:
    account = _manual_account_of_adatum(svc)
    before = dump(svc)
    with pytest.raises(NotFoundError, match="No such customer account"):
        svc.creation.create_deal(f.draft(account_id=account))
    assert dump(svc) == before
    with pytest.raises(NotFoundError, match="No such customer account"):
        svc.creation.create_deal(f.draft(account_id=987654))  # the same answer as for none
    # Adatum itself may use it again.
    again = f.draft(account_id=account, **ADATUM)
    assert svc.as_user("dan").creation.create_deal(again).deal.customer_name.startswith("Adatum")
