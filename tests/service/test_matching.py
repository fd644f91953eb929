"""Customer search and CSV account matching (docs/csv.md "Account matching", docs/wizard.md):
the same name first across the three tabs, a typo anywhere (the first letters too), DUNS and
web domain matches, and the confidence levels; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cosell_tui.domain import AccountKind
from cosell_tui.domain.names import company_key, name_keys
from cosell_tui.service import Service
from cosell_tui.service.catalog import Confidence, Place
from cosell_tui.store.models import Account, AccountKey
from cosell_tui.widgets.customer_search import best_tab
from tests import factories as f

from .conftest import engine_of

HERMAN_DUNS = 700
LOOKALIKES = range(710, 726)  # 16 managed "… Holdings" customers
PUNE = 730
HERMAN_SERVICES = 731  # managed, a longer name: offered, but below the exact DUNS name


def _account(pk: int, name: str, kind: AccountKind, **extra: object) -> Account:
    values: dict[str, object] = {"country": "US", "city": "Seattle", "federal": False}
    values.update(extra)
    return Account(id=pk, name=name, search_name=company_key(name), kind=kind, **values)


@pytest.fixture
def herman(svc: Service) -> Service:
    """The issue's case: an exact DUNS account and 16 managed '… Holdings' look-alikes."""
    surnames = (
        "Adams", "Baker", "Clark", "Davis", "Evans", "Foster", "Green", "Hughes",
        "Irwin", "Jones", "Klein", "Lewis", "Moore", "Nash", "Owen", "Price",
    )  # fmt: skip
    with Session(engine_of(svc)) as s:
        s.add(
            _account(
                HERMAN_DUNS, "Herman Holdings Federal", AccountKind.OTHER, duns="987654321",
                federal=True, domain="hermanholdings.gov",
            )
        )  # fmt: skip
        for pk, surname in zip(LOOKALIKES, surnames, strict=True):
            s.add(
                _account(
                    pk, f"{surname} Holdings Inc.", AccountKind.MANAGED,
                    microsoft_account_id=f"1-{pk:010d}", group_key=f"H{pk}",
                )
            )  # fmt: skip
        s.add(
            _account(
                HERMAN_SERVICES, "Herman Holdings Federal Services", AccountKind.MANAGED,
                microsoft_account_id="1-0000000731", group_key="H731",
            )
        )  # fmt: skip
        s.add(
            _account(
                PUNE, "Contoso Software", AccountKind.UNMANAGED, country="IN", city="Pune",
                microsoft_account_id="6-0000000730", domain="contoso-software.in",
            )
        )  # fmt: skip
        s.commit()
    return svc


def test_an_exact_name_comes_first_whatever_its_tab(herman: Service) -> None:
    found = herman.catalog.search_accounts("Herman Holdings Federal")
    assert [a.id for a in found[AccountKind.OTHER]][:1] == [HERMAN_DUNS]
    assert found[AccountKind.OTHER][0].match == 100
    assert [a.id for a in found[AccountKind.MANAGED]] == [HERMAN_SERVICES]
    assert found[AccountKind.MANAGED][0].match < 100
    assert best_tab(found) is AccountKind.OTHER  # the wizard opens the DUNS tab, not Managed


def test_unrelated_names_sharing_a_common_word_are_not_offered(herman: Service) -> None:
    """'Herman Holdings Federal' no longer lists every '… Holdings' as a managed match."""
    found = herman.catalog.search_accounts("Herman Holdings Federal")
    assert not {a.id for a in found[AccountKind.MANAGED]} & set(LOOKALIKES)
    holdings = herman.catalog.search_accounts("Holdings", wider=True)[AccountKind.MANAGED]
    assert {a.id for a in holdings} >= set(LOOKALIKES)  # a common word alone still lists them


@pytest.mark.parametrize("typed", ["Cntoso", "Cotnoso", "Kontoso", "Contosso", "Contso", "ontoso"])
def test_one_edit_anywhere_still_finds_the_customer(svc: Service, typed: str) -> None:
    managed = svc.catalog.search_accounts(typed)[AccountKind.MANAGED]
    assert [a.id for a in managed][:1] in ([f.CONTOSO_IN], [f.CONTOSO_IN_2])
    assert managed[0].match < 100


def test_search_more_accepts_a_weaker_match_in_any_country(svc: Service) -> None:
    assert svc.catalog.search_accounts("Fourht Cofee", country="US")[AccountKind.OTHER] == ()
    wider = svc.catalog.search_accounts("Fourht Cofee", country="US", wider=True)
    assert [a.id for a in wider[AccountKind.OTHER]] == [f.FOURTH_COFFEE]


def test_names_typed_halfway_are_found_by_their_start(svc: Service) -> None:
    assert [a.id for a in svc.catalog.search_accounts("North")[AccountKind.UNMANAGED]] == [
        f.NORTHWIND
    ]
    assert [a.id for a in svc.catalog.search_accounts("Northwind Trad")[AccountKind.UNMANAGED]] == [
        f.NORTHWIND
    ]


def test_account_keys_follow_the_cleaned_name(svc: Service) -> None:
    """Inserting or renaming an account (ORM) keeps its `account_key` rows; the demo seed and
    the factories' accounts have theirs."""
    engine = engine_of(svc)

    def keys(pk: int) -> set[str]:
        with Session(engine) as s:
            return set(s.scalars(select(AccountKey.key).where(AccountKey.account_id == pk)))

    assert keys(f.NORTHWIND) == name_keys("northwind traders")
    with Session(engine) as s:
        account = s.get_one(Account, f.NORTHWIND)
        account.search_name = "northwind trading"
        s.commit()
    assert keys(f.NORTHWIND) == name_keys("northwind trading")


# --- CSV account matching -----------------------------------------------------------------------


def test_a_duns_number_matches_exactly_with_high_confidence(herman: Service) -> None:
    found = herman.catalog.match_account("Something Else Entirely", "US", "Nowhere", "987654321")
    assert found is not None
    assert (found.best.id, found.confidence, found.by) == (HERMAN_DUNS, Confidence.HIGH, "DUNS")


@pytest.mark.parametrize(
    "domain",
    ["contoso-software.in", "https://www.Contoso-Software.in/about", "ravi@contoso-software.in"],
)
def test_a_web_domain_matches_exactly_with_high_confidence(herman: Service, domain: str) -> None:
    found = herman.catalog.match_account("Anything", "IN", None, None, domain)
    assert found is not None
    assert (found.best.id, found.confidence, found.by) == (PUNE, Confidence.HIGH, "domain")


@pytest.mark.parametrize(
    ("name", "country", "city", "best", "confidence"),
    [
        ("Contoso Private Limited", "IN", "City", f.CONTOSO_IN, Confidence.HIGH),
        ("Contoso Private Limited", "IN", "Pune", f.CONTOSO_IN, Confidence.MEDIUM),
        ("Cntoso Private Limited", "IN", "City", f.CONTOSO_IN, Confidence.MEDIUM),
        ("Cntoso", "IN", "Elsewhere", f.CONTOSO_IN, Confidence.LOW),
        ("Contoso Software", "IN", "Pune", PUNE, Confidence.MEDIUM),
        ("Contoso Software", "IN", "Mumbai", PUNE, Confidence.LOW),
        ("Northwind Traders", "US", "City", f.NORTHWIND, Confidence.MEDIUM),
    ],
)
def test_name_matches_are_graded_by_city_kind_and_closeness(
    herman: Service, name: str, country: str, city: str, best: int, confidence: Confidence
) -> None:
    found = herman.catalog.match_account(name, country, city)
    assert found is not None
    assert (found.best.id, found.confidence, found.by) == (best, confidence, "name")


def test_a_match_suggests_two_accounts_per_tab(herman: Service) -> None:
    found = herman.catalog.match_account("Contoso", "IN", "City")
    assert found is not None
    managed = [a.id for a in found.suggestions[AccountKind.MANAGED]]
    assert managed == [f.CONTOSO_IN, f.CONTOSO_IN_2]
    assert [a.id for a in found.suggestions[AccountKind.UNMANAGED]] == [PUNE]
    assert found.best.id == f.CONTOSO_IN and found.confidence is Confidence.HIGH


def test_no_match_in_another_country_or_for_another_name(herman: Service) -> None:
    assert herman.catalog.match_account("Contoso Private Limited", "US", "City") is None
    assert herman.catalog.match_account("Wingtip Toys", "IN", "City") is None


def test_a_pasted_paragraph_is_answered_quickly(svc: Service) -> None:
    """At most MAX_WORDS words are probed and MAX_NAME characters scored."""
    import time

    started = time.perf_counter()
    found = svc.catalog.search_accounts("Contoso " + "lorem ipsum dolor sit amet " * 2000)
    assert time.perf_counter() - started < 2
    assert all(isinstance(v, tuple) for v in found.values())
    assert svc.catalog.match_account("\x00" * 50, "IN", "\x00") is None


def test_one_or_two_letters_list_the_names_starting_so(svc: Service) -> None:
    found = svc.catalog.search_accounts("Co")
    assert {a.id for a in found[AccountKind.MANAGED]} == {f.CONTOSO_IN}  # one linked group
    assert all(v == () for v in svc.catalog.search_accounts("Zq").values())


TAILSPIN_LAKE, TAILSPIN_PIER = 740, 741


@pytest.fixture
def tailspin(svc: Service) -> Service:
    """One managed customer's two Seattle sites, sharing a Microsoft ID."""
    with Session(engine_of(svc)) as s:
        for pk, street, postal in (
            (TAILSPIN_LAKE, "1 Lake Street", "98101"),
            (TAILSPIN_PIER, "2 Pier Road", "98102"),
        ):
            s.add(
                _account(
                    pk, "Tailspin Toys", AccountKind.MANAGED, microsoft_account_id="1-TAILSPIN",
                    group_key="TAILSPIN", address_line1=street, postal_code=postal, state="WA",
                )
            )  # fmt: skip
        s.commit()
    return svc


@pytest.mark.parametrize(
    ("place", "best", "confidence"),
    [
        (Place("Seattle", "2 Pier Road", "98102", "WA"), TAILSPIN_PIER, Confidence.HIGH),
        (Place("Seattle", "1  LAKE STREET", "98 101"), TAILSPIN_LAKE, Confidence.HIGH),
        (Place("Seattle"), TAILSPIN_LAKE, Confidence.HIGH),  # nothing more to tell them apart
        (Place("Seattle", "9 Other Way", "98199"), TAILSPIN_LAKE, Confidence.MEDIUM),
        (Place("Seattle", state="OR"), TAILSPIN_LAKE, Confidence.MEDIUM),
        (Place("Bellevue", "2 Pier Road", "98102"), TAILSPIN_PIER, Confidence.HIGH),
        (Place("Bellevue", "2 Pier Road"), TAILSPIN_PIER, Confidence.MEDIUM),
    ],
)
def test_the_address_grades_a_name_match_and_picks_the_site(
    tailspin: Service, place: Place, best: int, confidence: Confidence
) -> None:
    found = tailspin.catalog.match_account("Tailspin Toys", "US", place=place)
    assert found is not None
    assert (found.best.id, found.confidence) == (best, confidence)
