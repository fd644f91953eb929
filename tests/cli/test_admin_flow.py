"""Issue 10's "done means", end to end through the `cosell` command, from an empty SQLite file
and an empty PostgreSQL schema (with COSELL_TEST_PG_URL): set up, add users and locations,
import solutions, accounts, partners and rates from examples/, create a co-sell deal as one
operating-system login and accept it as another (a Microsoft seller), win it, and register it
once its month's EUR rate is added by command and its account is matched to a managed one.

On a real team's database `--now` is refused, so these tests pin the system clock itself
(domain/clock.system_now) to December 2026, a month examples/rates.csv has no rate for: the
won deal waits for the rate set by command whatever the real date is."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cosell_tui.domain import clock
from cosell_tui.service import identity
from tests.cli.conftest import Result, invoke, no_traceback

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
IMPORTS = ("user", "solution", "partner", "account", "rate")


#: The pinned system clock's first instant: a month after the last one examples/rates.csv has.
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system clock, from START on, a second further at each reading (so what happens
    later is later), whatever the real date."""
    ticks = iter(range(10**9))
    monkeypatch.setattr(clock, "system_now", lambda: START + timedelta(seconds=next(ticks)))


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operating-system login cosell sees: `login[0] = "ms-jordan"` to switch person."""
    who = ["ava"]
    monkeypatch.setattr(identity, "os_login", lambda: who[0])
    return who


def run(db: str, *args: str) -> Result:
    result = invoke(["--db", db, *args])
    no_traceback(result)
    return result


def ok(db: str, *args: str) -> Result:
    result = run(db, *args)
    assert result.code == 0, f"{args}: {result.err}"
    return result


def deal_document(account_id: int) -> dict[str, Any]:
    """A co-sell deal in EUR on an imported account, asking Microsoft for help."""
    document = json.loads((EXAMPLES / "co-sell-deal.json").read_text())
    document["mpnId"] = "4812345"
    document["customerProfile"].pop("name")
    document["customerProfile"].pop("address")
    document["x-cosell"] = {"accountId": account_id}
    document["details"]["dealValue"] = 48000
    document["details"]["currency"] = "EUR"
    document["details"]["requirements"]["solutions"] = [{"id": "SOL-41001-LKH"}]
    return document


def test_a_real_team_from_an_empty_database(db_url: str, login: list[str], tmp_path: Path) -> None:
    db = db_url
    ok(db, "setup", "--file", str(EXAMPLES / "setup.toml"))
    ok(db, "admin", "user", "add", "ben", "--name", "Ben Okafor", "--email",
       "ben@fabrikam.example", "--phone", "020 7946 0018", "--locations", "4812346")  # fmt: skip
    ok(db, "admin", "location", "add", "4812347", "--name", "Munich", "--country", "DE")
    for noun in IMPORTS:
        done = ok(db, "admin", noun, "import", str(EXAMPLES / f"{noun}s.csv"), "--json").json()
        assert done["added"] > 0 and not done["dryRun"], noun
    users = ok(db, "admin", "user", "list", "--json").json()
    assert len(users) == 5  # ava, ben, the file's 3
    logins = [u["login"] for u in users]
    assert logins == sorted(logins)  # a page by login, read from the database
    paged = ok(db, "admin", "user", "list", "--limit", "2", "--offset", "1", "--json").json()
    assert [u["login"] for u in paged] == logins[1:3]
    assert [u["login"] for u in ok(db, "admin", "user", "list", "--search", "OKAF", "--json")
            .json()] == ["ben"]  # fmt: skip
    assert ok(db, "admin", "user", "list", "--search", "nobody").out == "No users found.\n"

    accounts = ok(db, "admin", "account", "list", "--search", "Northwind", "--json").json()
    unmanaged = next(a for a in accounts if a["kind"] == "MicrosoftUnmanaged")
    document = tmp_path / "deal.json"
    document.write_text(json.dumps(deal_document(unmanaged["id"])))
    created = ok(db, "deal", "create", str(document), "--json").json()["referral"]
    assert created["x-cosell"]["dealType"] == "CoSell"

    login[0] = "ms-jordan"  # the Microsoft seller the partners file brought
    inbound = ok(db, "deal", "list", "--tab", "inbound", "--json").json()["items"]
    request = next(r for r in inbound if r["name"] == created["name"])
    ok(db, "deal", "accept", str(request["x-cosell"]["number"]))

    login[0] = "ava"
    number = created["x-cosell"]["number"]
    ok(db, "deal", "won", str(number), "--yes")
    shown = ok(db, "deal", "show", str(number), "--json").json()
    month = shown["closedDateTime"][:7]
    assert month == "2026-12"  # the pinned clock's month, after the last one rates.csv has
    waiting = {c["id"]: c["outcome"] for c in ok(db, "deal", "explain", str(number), "--json")
               .json()["eligibility"]["criteria"]}  # fmt: skip
    assert waiting["deal-value"] == "undecidable"  # no EUR rate for 2026-12 yet
    assert waiting["managed-account"] not in ("met", "undecidable")

    assert (
        run(db, "deal", "register", str(number), "--file", str(EXAMPLES / "registration.json")).code
        == 1
    )
    missing = ok(db, "admin", "rate", "missing", "--json").json()
    assert {"month": month, "currency": "EUR"}.items() <= missing[0].items()
    ok(db, "admin", "rate", "set", month, "EUR", "1.08")
    matched = ok(db, "admin", "account", "match", "7-NWIND001", "--to", "6-NWIND000",
                 "--json").json()  # fmt: skip
    assert (matched["decided"], matched["eligible"]) == (1, 1)

    form = json.loads((EXAMPLES / "registration.json").read_text())
    day = shown["closedDateTime"][:10]
    end = date.fromisoformat(day) + timedelta(days=3 * 365)
    form["contract"].update(signDateTime=day, startDateTime=day, endDateTime=end.isoformat())
    (tmp_path / "registration.json").write_text(json.dumps(form))
    registered = ok(db, "deal", "register", str(number), "--file",
                    str(tmp_path / "registration.json"))  # fmt: skip
    assert "egist" in registered.out
    log = [e["action"] for e in ok(db, "admin", "log", "--json").json()]
    assert log[:2] == ["account_matched", "rate_set"]
    assert {"solutions_imported", "partners_imported", "accounts_imported", "setup"} <= set(log)


@pytest.mark.parametrize("noun", IMPORTS)
def test_every_example_imports_into_a_fresh_database(
    noun: str, sqlite_url: str, login: list[str]
) -> None:
    """Each file on its own, right after set-up (the partners' solutions excepted: they name
    catalog entries, so the catalog comes first)."""
    ok(sqlite_url, "setup", "--file", str(EXAMPLES / "setup.toml"))
    if noun == "partner":
        ok(sqlite_url, "admin", "solution", "import", str(EXAMPLES / "solutions.csv"))
    file = str(EXAMPLES / f"{noun}s.csv")
    said = ok(sqlite_url, "admin", noun, "import", file, "--dry-run").out
    assert said.startswith("Checked") and said.rstrip().endswith("nothing written."), said
    checked = ok(sqlite_url, "admin", noun, "import", file, "--dry-run", "--json").json()
    first = ok(sqlite_url, "admin", noun, "import", file, "--json").json()
    assert checked["dryRun"] and not first["dryRun"]
    assert (
        checked["addedKeys"] == first["addedKeys"] and first["added"] > 0
    )  # the dry runs wrote none
    if noun == "user":  # users are added, not updated: the file again is every login taken
        again = run(sqlite_url, "admin", noun, "import", str(EXAMPLES / "users.csv"))
        assert again.code == 1 and "line 4: The login erin is taken." in again.err
        return
    again = ok(sqlite_url, "admin", noun, "import", str(EXAMPLES / f"{noun}s.csv"), "--json")
    if noun != "rate":
        assert again.json()["added"] == again.json()["changed"] == 0


def test_a_bad_file_is_refused_whole_with_every_line(
    sqlite_url: str, login: list[str], tmp_path: Path
) -> None:
    ok(sqlite_url, "setup", "--file", str(EXAMPLES / "setup.toml"))
    bad = tmp_path / "accounts.csv"
    bad.write_text(
        "Account kind;Name;Microsoft account ID;DUNS;Country\n"
        "Managed;Contoso;6-C1;;US\n"
        "DUNS;Tailspin;;12x;XX\n"
        "Unmanaged;Northwind;7-N1;;GB\n"
        "Unmanaged;Northwind again;7-N1;;GB\n"
    )
    refused = run(sqlite_url, "admin", "account", "import", str(bad))
    assert refused.code == 1
    assert "Nothing imported: 2 of 4 rows of the accounts file are not valid" in refused.err
    assert "line 3: DUNS '12x' is not a D-U-N-S number" in refused.err
    assert "line 5: Microsoft account ID 7-N1 is on line 4 too." in refused.err
    assert ok(sqlite_url, "admin", "account", "list", "--json").json() == []
    empty = run(sqlite_url, "admin", "rate", "import", "-")  # nothing on standard input
    assert empty.code == 1 and "The rates file cannot be read: The file is empty" in empty.err
    ok(sqlite_url, "admin", "user", "add", "ben", "--name", "Ben Okafor", "--email",
       "ben@fabrikam.example", "--phone", "+442079460018", "--locations", "4812346")  # fmt: skip
    login[0] = "ben"
    user = run(sqlite_url, "admin", "solution", "add", "SOL-1", "--name", "X")
    assert user.code == 1 and "Administration is for Referrals admins." in user.err


def test_asking_microsoft_works_from_the_set_up_and_says_a_seller_is_missing(
    sqlite_url: str, login: list[str], tmp_path: Path
) -> None:
    """`cosell setup` makes Microsoft's organisation (D12), so a co-sell deal can ask it for
    help before any partners file; the missing seller is a sentence pointing at the import,
    and the seller a partners file brings later finds the request waiting."""
    db = sqlite_url
    ok(db, "setup", "--file", str(EXAMPLES / "setup.toml"))
    assert "microsoft_added" in [e["action"] for e in ok(db, "admin", "log", "--json").json()]
    for noun in ("solution", "account"):
        ok(db, "admin", noun, "import", str(EXAMPLES / f"{noun}s.csv"))
    accounts = ok(db, "admin", "account", "list", "--search", "Northwind", "--json").json()
    document = tmp_path / "deal.json"
    document.write_text(json.dumps(deal_document(accounts[0]["id"])))
    created = ok(db, "deal", "create", str(document))
    assert "Microsoft has no seller in this database yet" in created.err
    assert "cosell admin partner import FILE" in created.err
    ok(db, "admin", "partner", "import", str(EXAMPLES / "partners.csv"))
    login[0] = "ms-jordan"
    inbound = ok(db, "deal", "list", "--tab", "inbound", "--json").json()["items"]
    assert len(inbound) == 1
    ok(db, "deal", "accept", str(inbound[0]["x-cosell"]["number"]))
