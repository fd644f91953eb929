"""Reference data (issue 10, item 2): own solutions, the catalog, customer accounts and the
co-sell ecosystem from CSV, all or nothing, every change logged — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cosell_tui.domain import AccountKind, SolutionCategory
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.sheets import Imported
from tests.service.realdb import BEN, SOLUTION, Opener, dump

CATALOG = b"""Solution ID,Name,Publisher,Kind,Incentive tags,Co-sell ready,Marketplace incentivized
SOL-10001-AVM,Azure Virtual Machines,Microsoft,,,Yes,
SOL-42001-INS,Adatum Insight Platform,Adatum Analytics,Partner,ip-co-sell,yes,yes
SOL-90003-AZF,Azure Foundations,Microsoft,Assessment,,,
"""
ACCOUNTS = b"""Account kind;Name;Microsoft account ID;DUNS;Linked group;Federal;City;Country
Managed;Northwind Group;6-NW0;;NW;No;Leeds;GB
Unmanaged;Northwind Ltd;7-NW1;;;;Dublin;ie
DUNS;Tailspin Toys;;12345678;;yes;Seattle;US
"""
PARTNERS = b"""Type,Name,PartnerIDs,Vetted for assessments,Solutions,Login,Email,Phone
Partner,Adatum Analytics,4200001:CA 4200002:US,yes,SOL-42001-INS,,,
Microsoft seller,Jordan Ellis,,,,ms-jordan,Jordan.Ellis@microsoft.example,425 555 0107
"""


def test_own_solutions_are_added_changed_and_logged(real: Opener) -> None:
    ava = real("ava")
    added = ava.reference.add_solution(
        {
            "id": "SOL-FAB-SOC",
            "name": "Fabrikam SOC",
            "tags": "AzureIPCoSell, BizAppsStandard",
            "co_sell_ready": True,
        }
    )
    assert (added.category, added.azure_ip_co_sell, added.biz_apps_standard) == (
        SolutionCategory.MINE, True, True,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already in the catalog"):
        ava.reference.add_solution({"id": "SOL-FAB-SOC", "name": "Again"})
    with pytest.raises(ValidationError, match="not an incentive tag"):
        ava.reference.add_solution({"id": "SOL-X", "name": "X", "tags": "Gold"})
    changed = ava.reference.edit_solution(
        "SOL-FAB-SOC", {"tags": (), "marketplace_incentivized": True}
    )
    assert (changed.azure_ip_co_sell, changed.marketplace_incentivized, changed.name) == (
        False, True, "Fabrikam SOC",
    )  # fmt: skip
    with pytest.raises(NotFoundError):
        ava.reference.edit_solution("SOL-NOPE", {"name": "x"})
    log = ava.administration.log()
    assert [e.action for e in log[:2]] == ["solution_edited", "solution_added"]
    assert "marketplace incentivized False → True" in log[0].summary


def test_the_catalog_imports_and_updates_by_id(real: Opener) -> None:
    ava = real("ava")
    done = ava.reference.import_solutions(CATALOG, "catalog.csv")
    assert (done.added, done.changed, done.unchanged) == (3, 0, 0)
    again = ava.reference.import_solutions(CATALOG.replace(b"Azure Foundations", b"AZF"), "c.csv")
    assert (again.added, again.changed, again.unchanged) == (0, 1, 2)
    found = {s.id: s for s in ava.catalog.search_solutions("", None, 50)}
    assert found["SOL-90003-AZF"].category is SolutionCategory.ASSESSMENT
    assert found["SOL-42001-INS"].category is SolutionCategory.THIRD_PARTY
    assert found["SOL-42001-INS"].publisher_name == "Adatum Analytics"
    with pytest.raises(RuleRefusal, match="Microsoft's"):
        ava.reference.edit_solution("SOL-10001-AVM", {"name": "VMs"})


def test_a_bad_file_names_every_bad_line_and_writes_nothing(real: Opener, db_url: str) -> None:
    ava = real("ava")
    before = dump(db_url)
    bad = CATALOG + b"bad id!,X,,,,,\nSOL-10001-AVM,Twice,Microsoft,,,yes,\nSOL-Z,Z,,,,maybe,\n"
    with pytest.raises(ValidationError) as caught:
        ava.reference.import_solutions(bad, "bad.csv")
    assert "Nothing imported: 3 of 6 rows" in caught.value.message
    assert set(caught.value.fields) == {"line 5", "line 6", "line 7"}
    assert "is not a solution ID" in caught.value.fields["line 5"]
    assert "on line 2 too" in caught.value.fields["line 6"]
    assert caught.value.fields["line 7"] == "Co-sell ready: 'maybe' is not yes or no."
    with pytest.raises(ValidationError, match="column 'Colour' that is not one of"):
        ava.reference.import_solutions(b"Solution ID,Name,Colour\nS,X,red\n", "c.csv")
    with pytest.raises(ValidationError, match="no 'Name' column"):
        ava.reference.import_solutions(b"Solution ID\nS\n", "c.csv")
    assert dump(db_url) == before


def test_accounts_import_list_and_match(real: Opener) -> None:
    ava = real("ava")
    done = ava.reference.import_accounts(ACCOUNTS, "accounts.csv")
    assert (done.added, done.changed) == (3, 0)
    tailspin = ava.reference.accounts("Tailspin")
    assert [(e.account.duns, e.account.federal) for e in tailspin] == [("012345678", True)]
    page = ava.reference.accounts("", limit=2, offset=1)
    assert [e.account.name for e in page] == ["Northwind Group", "Northwind Ltd"]
    assert [e.account.kind for e in ava.reference.accounts("", "Unmanaged")] == [
        AccountKind.UNMANAGED
    ]
    matched = ava.reference.match_account("7-NW1", "6-NW0")
    assert matched.account.matched_to == "Northwind Group (6-NW0)"
    assert (matched.deals, matched.decided) == (0, 0)
    with pytest.raises(RuleRefusal, match="match to a Microsoft Managed account"):
        ava.reference.match_account("012345678", "7-NW1")
    with pytest.raises(RuleRefusal, match="managed account already"):
        ava.reference.match_account("6-NW0", "6-NW0")
    with pytest.raises(NotFoundError):
        ava.reference.match_account("nobody", "6-NW0")
    assert ava.administration.log()[0].action == "account_matched"


def test_partners_and_microsoft_sellers(real: Opener) -> None:
    ava = real("ava")
    ava.reference.import_solutions(CATALOG, "catalog.csv")
    done = ava.reference.import_partners(PARTNERS, "partners.csv")
    assert (done.added, done.changed) == (2, 0)
    [adatum] = ava.reference.partners()
    assert (adatum.partner_ids, adatum.vetted, adatum.solutions) == (
        ("4200001 (CA)", "4200002 (US)"), True, 1,
    )  # fmt: skip
    [jordan] = ava.reference.sellers()
    assert (jordan.login, jordan.email, jordan.phone) == (
        "ms-jordan", "jordan.ellis@microsoft.example", "+14255550107",
    )  # fmt: skip
    assert ava.reference.import_partners(PARTNERS, "again.csv").unchanged == 2
    seller = real("ms-jordan")  # a Microsoft seller can now sign in
    assert seller.user.org_name == "Microsoft"


def test_partner_rows_refused_by_the_database_are_named_too(real: Opener, db_url: str) -> None:
    ava = real("ava")
    ava.administration.add_user(BEN)
    before = dump(db_url)
    rows = (
        b"Type,Name,PartnerIDs,Solutions,Login,Email,Phone\n"
        b"Partner,Newco,4812345:US,,,,\n"  # Fabrikam's own PartnerID
        b"Partner,Other,4300001:DE,SOL-NOPE,,,\n"
        b"Microsoft seller,Ben,,,ben,ben@x.example,+14255550107\n"  # a Fabrikam login
        b"Partner,Fabrikam Consulting,4300009:DE,,,,\n"
    )
    with pytest.raises(ValidationError) as caught:
        ava.reference.import_partners(rows, "p.csv")
    said = caught.value.fields
    assert "already Fabrikam Consulting's" in said["line 2"]
    assert "no solution 'SOL-NOPE'" in said["line 3"]
    assert "ben is taken" in said["line 4"]
    assert "not another partner" in said["line 5"]
    assert dump(db_url) == before


def test_rates_import_all_or_nothing(real: Opener, db_url: str) -> None:
    ava = real("ava")
    done = ava.administration.import_rates(
        b"Month,Currency,USD per unit\n2026-11,eur,1.08\n2026-11,GBP,1.27\n", "r.csv"
    )
    assert (done.added, done.changed) == (2, 0)
    before = dump(db_url)
    with pytest.raises(ValidationError) as caught:
        ava.administration.import_rates(
            b"month,currency,usd per unit\n2026-12,EUR,-1\n2026-12,USD,1\n2026-12,GBP,1.2\n"
            b"2026-12,GBP,1.3\n",
            "r.csv",
        )
    assert set(caught.value.fields) == {"line 2", "line 3", "line 5"}
    assert "positive" in caught.value.fields["line 2"]
    assert dump(db_url) == before


def test_only_admins_change_reference_data(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(BEN)
    ava.administration.add_user({**BEN, "login": "dev", "role": "admin", "email": "d@f.example"})
    dev = real("dev")  # a Referrals admin of London only
    with pytest.raises(RuleRefusal, match="entire-company Referrals admin changes the catalog"):
        dev.reference.import_solutions(CATALOG, "c.csv")
    assert dev.reference.add_solution({"id": "SOL-DEV", "name": "Ours"}).id == "SOL-DEV"
    ben = real("ben")
    with pytest.raises(RuleRefusal, match="Referrals admins"):
        ben.reference.import_accounts(ACCOUNTS, "a.csv")
    with pytest.raises(RuleRefusal, match="Referrals admins"):
        ben.reference.add_solution({"id": "SOL-B", "name": "B"})


def test_the_fixture_catalog_entry_stays(real: Opener) -> None:
    assert real("ava").catalog.search_solutions(SOLUTION)[0].id == SOLUTION


def test_users_import_names_an_unknown_location_and_a_taken_login(
    real: Opener, db_url: str
) -> None:
    ava = real("ava")
    added = ava.administration.import_users(
        b"Login,Name,Email,Phone,Role,Locations\n"
        b"ben,Ben Okafor,ben@fabrikam.example,020 7946 0018,user,4812346\n"  # national: London
        b"dev,Dev Patel,dev@fabrikam.example,+12065550104,admin,4812345 4812346\n"
    )
    assert added.added_keys == ("ben", "dev")
    ben = next(u for u in ava.administration.users() if u.login == "ben")
    assert ben.phone == "+442079460018"
    before = dump(db_url)
    with pytest.raises(ValidationError) as caught:
        ava.administration.import_users(
            b"Login,Name,Email,Phone,Locations\n"
            b"eve,Eve Park,eve@fabrikam.example,+12065550199,999\n"
            b"ben,Ben Again,ben2@fabrikam.example,+12065550199,4812345\n"
            b"fay,Fay,fay@fabrikam,+12065550199,4812345\n"
            b"eve,Eve Twice,eve2@fabrikam.example,+12065550199,4812345\n"
        )
    said = caught.value.fields
    assert "No location with PartnerID 999" in said["line 2"]
    assert "The login ben is taken." in said["line 3"]
    assert "email" in said["line 4"].lower()
    assert "on line 2 too" in said["line 5"]
    assert dump(db_url) == before


RATES = b"Month,Currency,USD per unit\n2026-11,EUR,1.08\n2026-11,GBP,1.27\n"
USERS = b"Login,Name,Email,Phone,Locations\nzed,Zed Ray,zed@fabrikam.example,+12065550188,4812345\n"


def _importers(ava: Any) -> dict[str, tuple[Callable[..., Imported], bytes]]:
    return {
        "solutions": (ava.reference.import_solutions, CATALOG),
        "accounts": (ava.reference.import_accounts, ACCOUNTS),
        "partners": (ava.reference.import_partners, PARTNERS),
        "rates": (ava.administration.import_rates, RATES),
        "users": (ava.administration.import_users, USERS),
    }


@pytest.mark.parametrize("what", ["solutions", "accounts", "partners", "rates", "users"])
def test_a_dry_run_says_what_the_import_would_do_and_writes_nothing(
    real: Opener, db_url: str, what: str
) -> None:
    ava = real("ava")
    if what == "partners":
        ava.reference.import_solutions(CATALOG, "catalog.csv")  # the partners' solutions
    run, data = _importers(ava)[what]
    before = dump(db_url)
    checked = run(data, "f.csv", dry_run=True)
    assert dump(db_url) == before  # nothing written, not even the log
    assert checked.dry_run and checked.added > 0
    assert checked.said().startswith("Checked") and "nothing written" in checked.said()
    done = run(data, "f.csv")
    assert (done.added_keys, done.changed_keys, done.unchanged) == (
        checked.added_keys, checked.changed_keys, checked.unchanged,
    )  # fmt: skip
    assert not done.dry_run and dump(db_url) != before


def test_a_dry_run_of_a_bad_file_names_every_line_and_writes_nothing(
    real: Opener, db_url: str
) -> None:
    ava = real("ava")
    before = dump(db_url)
    with pytest.raises(ValidationError) as caught:
        ava.administration.import_rates(
            b"Month,Currency,USD per unit\n2026-12,EUR,-1\n2026-12,GBP,1.2\n2026-12,USD,1\n",
            "r.csv",
            dry_run=True,
        )
    assert caught.value.message.startswith("Checked, nothing written: 2 of 3 rows")
    assert set(caught.value.fields) == {"line 2", "line 4"}
    assert dump(db_url) == before


def test_a_rates_file_again_changes_only_what_differs(real: Opener) -> None:
    ava = real("ava")
    ava.administration.import_rates(RATES, "r.csv")
    again = ava.administration.import_rates(RATES.replace(b"1.27", b"1.30"), "r.csv")
    assert (again.added_keys, again.changed_keys, again.unchanged) == ((), ("GBP 2026-11",), 1)


def test_partners_sellers_and_accounts_are_read_a_page_at_a_time(real: Opener) -> None:
    ava = real("ava")
    ava.reference.import_solutions(CATALOG, "catalog.csv")
    ava.reference.import_partners(PARTNERS, "partners.csv")
    ava.reference.import_accounts(ACCOUNTS, "accounts.csv")
    ref = ava.reference
    assert ref.count_partners() == 1 and ref.count_partners("adat") == 1
    assert ref.partners("nobody") == () and ref.count_partners("nobody") == 0
    assert (
        [s.login for s in ref.sellers("ellis")] == ["ms-jordan"] == [s.login for s in ref.sellers()]
    )
    assert ref.count_sellers("priya") == 0
    everyone = [e.account.name for e in ref.accounts()]
    assert ref.count_accounts() == len(everyone) >= 3
    assert [e.account.name for e in ref.accounts(limit=1, offset=1)] == everyone[1:2]
    assert ref.count_accounts("northwind") == 2
    assert ava.catalog.count_solutions("SOL-") >= 3
    assert len(ava.catalog.search_solutions("SOL-", None, 1, 1)) == 1


def test_accounts_are_listed_by_name_whatever_its_case_then_by_number(real: Opener) -> None:
    """As a person reads a list: "BETA WORKS" beside "Beta Works", not before "alpha works"
    (a case-sensitive order put every capital first); the same name in number order; a page
    at a time, from the database (migration 0015_account_order indexes this order)."""
    ava = real("ava")
    names = ["beta zone", "BETA WORKS", "Gamma", "alpha works", "Beta Works", "BETA WORKS"]
    rows = "".join(f"DUNS;{n};;{100000001 + i};;;Leeds;GB\n" for i, n in enumerate(names))
    ava.reference.import_accounts(ACCOUNTS.split(b"\n")[0] + b"\n" + rows.encode(), "a.csv")
    listed = ava.reference.accounts(kind="DUNS")
    assert [e.account.name for e in listed] == [
        "alpha works", "BETA WORKS", "Beta Works", "BETA WORKS", "beta zone", "Gamma",
    ]  # fmt: skip
    works = [e.account for e in listed if e.account.name.lower() == "beta works"]
    assert [a.id for a in works] == sorted(a.id for a in works)
    assert [a.duns for a in works] == ["100000002", "100000005", "100000006"]
    pages = [ava.reference.accounts(kind="DUNS", limit=2, offset=n) for n in (0, 2, 4)]
    assert [e for page in pages for e in page] == list(listed)


def test_a_partners_admin_comes_with_its_row_and_answers_an_invitation(real: Opener) -> None:
    """D12: a partner from the partners file can carry its Referrals admin (Admin, Login,
    Email, Phone), who signs in as that partner and accepts an invitation sent to it."""
    from cosell_tui.domain.views import GridQuery, Tab
    from cosell_tui.service.forms import AccountInput, PersonInput, SolutionInput
    from tests import factories as f

    ava = real("ava")
    ava.reference.import_solutions(CATALOG, "catalog.csv")
    rows = PARTNERS.replace(b"Phone\n", b"Phone,Admin\n").replace(
        b"SOL-42001-INS,,,", b"SOL-42001-INS,adatum-ada,ada@adatum.example,,Ada Admin"
    )
    done = ava.reference.import_partners(rows, "partners.csv")
    assert (done.added, done.changed) == (2, 0)
    assert ava.reference.import_partners(rows, "again.csv").unchanged == 2
    ada = real("adatum-ada")
    assert (ada.user.org_name, ada.user.role.value, ada.user.entire_company) == (
        "Adatum Analytics", "ReferralsAdmin", True,
    )  # fmt: skip
    [(adatum_id, _name)] = ava.catalog.search_partners("adatum")
    location = ava.catalog.scope_locations()[0][0]
    me = ava.user
    first, _, last = me.display_name.partition(" ")
    sent = ava.creation.create_deal(
        f.draft(
            location_id=location,
            account_id=None,
            account=AccountInput(name="Woodgrove Bank", country="US"),
            team=(PersonInput(first, last, "+14255550100", me.email),),
            solutions=(SolutionInput(SOLUTION),),
            invitations=(f.invitation(org_id=adatum_id, solution_ids=("SOL-42001-INS",)),),
        )
    )
    [received] = ada.listing.page(GridQuery(Tab.INBOUND), 0, 10).rows
    assert received.name == sent.deal.name
    out = ada.lifecycle.accept(received.id, received.version, f.accept_form(name=received.name))
    assert out.deal.substatus.value == "Accepted"


def test_a_partners_admin_row_is_complete_and_its_login_free(real: Opener) -> None:
    ava = real("ava")
    ava.administration.add_user(BEN)
    rows = (
        b"Type,Name,PartnerIDs,Login,Email,Phone,Admin\n"
        b"Partner,Newco,4300001:DE,newco-admin,,,\n"  # no e-mail, no name
        b"Partner,Other,4300002:DE,ben,ben@other.example,,Ben Other\n"  # Fabrikam's login
        b"Microsoft seller,Jo,,ms-jo,jo@microsoft.example,+14255550107,Jo Admin\n"
    )
    with pytest.raises(ValidationError) as caught:
        ava.reference.import_partners(rows, "p.csv")
    said = caught.value.fields
    assert "needs Admin, Email" in said["line 2"]
    assert "ben is taken by a user who is not Other's admin" in said["line 3"]
    assert "Admin are for partners" in said["line 4"]
