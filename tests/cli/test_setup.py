"""`cosell setup` and `cosell admin …` on a real team's database, and who may claim `--user`
and `--now` there (issue 10). The seeded demo database of the other CLI tests stays free."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.service import identity
from tests.cli.conftest import NOW, Result, Runner, invoke, no_traceback

ROOT = Path(__file__).resolve().parents[2]
SETUP_FLAGS = [
    "setup", "--org", "Fabrikam Consulting",
    "--location", "Seattle=4812345:US", "--location", "London=4812346:gb",
    "--admin", "ava", "--admin-name", "Ava Lindqvist", "--admin-email", "ava@fabrikam.example",
    "--admin-phone", "+12065550101", "--assessments",
]  # fmt: skip


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operating-system login cosell sees: `login[0] = "ben"` to switch person."""
    who = ["ava"]
    monkeypatch.setattr(identity, "os_login", lambda: who[0])
    return who


@pytest.fixture
def real(tmp_path: Path, login: list[str]) -> str:
    """An empty SQLite file, set up with flags as ava."""
    path = str(tmp_path / "team.db")
    result = invoke(["--db", path, *SETUP_FLAGS])
    assert result.code == 0, result.err
    return path


def run(db: str, *args: str) -> Result:
    result = invoke(["--db", db, *args])
    no_traceback(result)
    return result


def test_an_empty_database_says_how_to_set_it_up(tmp_path: Path, login: list[str]) -> None:
    result = run(str(tmp_path / "new.db"), "deal", "list")
    assert result.code == 4
    assert "not set up yet: run `cosell setup`" in result.err


def test_setup_with_flags(real: str) -> None:
    users = run(real, "admin", "user", "list", "--json").json()
    assert users == [
        {"login": "ava", "name": "Ava Lindqvist", "email": "ava@fabrikam.example",
         "phone": "+12065550101", "role": "admin", "entireCompany": True, "locations": [],
         "active": True},
    ]  # fmt: skip
    locations = run(real, "admin", "location", "list", "--json").json()
    assert [(loc["partnerId"], loc["country"]) for loc in locations] == [
        ("4812345", "US"),
        ("4812346", "GB"),
    ]


def test_setup_refuses_a_set_up_database(real: str) -> None:
    again = run(real, *SETUP_FLAGS)
    assert again.code == 1
    assert "already set up (Fabrikam Consulting)" in again.err


def test_setup_from_the_example_file(tmp_path: Path, login: list[str]) -> None:
    db = str(tmp_path / "file.db")
    result = run(db, "setup", "--file", str(ROOT / "examples" / "setup.toml"), "--json")
    assert result.code == 0, result.err
    assert result.json()["admin"] == "ava"
    assert run(db, "admin", "location", "list", "--json").code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--location", "Seattle-4812345-US"], "is not NAME=PARTNERID:COUNTRY"),
        (["--location", "Seattle=4812345:XY"], "not an ISO country code"),
        (["--admin-email", "nope"], "email"),
    ],
)
def test_setup_refuses_bad_flags(tmp_path: Path, login: list[str], args: list[str],
                                 words: str) -> None:  # fmt: skip
    db = str(tmp_path / "bad.db")
    result = run(db, *SETUP_FLAGS, *args)
    assert result.code == 1 and words in result.err
    assert run(db, "deal", "list").code == 4  # nothing was set up


def test_setup_refuses_a_broken_file(tmp_path: Path, login: list[str]) -> None:
    broken = tmp_path / "setup.toml"
    broken.write_text('org = "X"\ncolour = "blue"\n')
    result = run(str(tmp_path / "x.db"), "setup", "--file", str(broken))
    assert result.code == 1 and "unknown setting 'colour'" in result.err
    broken.write_bytes('org = "X"\n'.encode("utf-16"))  # found by the fuzz: was exit 70
    result = run(str(tmp_path / "x.db"), "setup", "--file", str(broken))
    assert result.code == 1 and "is not UTF-8 text" in result.err


def test_a_colleague_is_themselves_and_cannot_claim_another(real: str, login: list[str]) -> None:
    added = run(real, "admin", "user", "add", "ben", "--name", "Ben Okafor", "--email",
                "ben@fabrikam.example", "--phone", "020 7946 0018",
                "--locations", "4812346")  # fmt: skip
    assert added.code == 0, added.err
    assert "Added ben (Ben Okafor, Referrals user, 4812346)." in added.out
    login[0] = "ben"
    assert run(real, "deal", "list").code == 0
    refused = run(real, "--user", "ava", "deal", "list")
    assert refused.code == 1
    assert "Only a Referrals admin may act as another user" in refused.err
    assert run(real, "admin", "user", "list").code == 1  # a Referrals user
    login[0] = "mallory"
    stranger = run(real, "deal", "list")
    assert stranger.code == 1 and "'mallory', which is not a user" in stranger.err


def test_an_admin_may_act_as_a_colleague(real: str, login: list[str]) -> None:
    run(real, "admin", "user", "add", "ben", "--name", "Ben Okafor", "--email",
        "ben@fabrikam.example", "--phone", "+442079460018", "--locations", "4812346")  # fmt: skip
    assert run(real, "--user", "ben", "deal", "list").code == 0
    deactivated = run(real, "admin", "user", "deactivate", "ben", "--json")
    assert deactivated.json()["active"] is False
    login[0] = "ben"
    refused = run(real, "deal", "list")
    assert refused.code == 1 and "deactivated" in refused.err
    login[0] = "ava"
    assert run(real, "admin", "user", "reactivate", "ben").code == 0


def test_now_is_refused_on_a_real_database(real: str, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = run(real, "--now", NOW, "deal", "list")
    assert refused.code == 1
    assert "accepted only on a demo or test database" in refused.err
    monkeypatch.setenv("COSELL_NOW", NOW)
    assert run(real, "deal", "list").code == 1


def test_locations_and_rates(real: str) -> None:
    added = run(real, "admin", "location", "add", "4812347", "--name", "Munich", "--country",
                "de", "--json")  # fmt: skip
    assert added.json() == {"partnerId": "4812347", "name": "Munich", "country": "DE", "deals": 0}
    duplicate = run(real, "admin", "location", "add", "4812347", "--name", "M", "--country", "DE")
    assert duplicate.code == 1 and "already used" in duplicate.err
    edited = run(real, "admin", "location", "edit", "4812347", "--name", "MUC")
    assert edited.out == "Changed location MUC (4812347, DE).\n"
    assert run(real, "admin", "location", "edit", "1", "--name", "x").code == 4
    rate = run(real, "admin", "rate", "set", "2026-12", "eur", "1.08", "--json").json()
    assert rate == {"month": "2026-12", "currency": "EUR", "usdPerUnit": "1.08",
                    "revalued": 0, "decided": 0}  # fmt: skip
    bad = run(real, "admin", "rate", "set", "2026-12", "EUR", "0")
    assert bad.code == 1 and "positive" in bad.err
    listed = run(real, "admin", "rate", "list")
    assert "2026-12" in listed.out and "1.08" in listed.out
    log = run(real, "admin", "log", "--json").json()
    assert [e["action"] for e in log] == ["rate_set", "location_edited", "location_added",
                                          "microsoft_added", "setup"]  # fmt: skip


def test_the_demo_database_stays_free(cosell: Runner) -> None:
    """The seeded database is marked demo: --now (the fixture's) and --user for anyone."""
    result = cosell("deal", "list", user="cara")
    assert result.code == 0, result.err


def test_setup_for_someone_else_notes_who_you_are(tmp_path: Path, login: list[str]) -> None:
    login[0] = "root"
    result = run(str(tmp_path / "other.db"), *SETUP_FLAGS)
    assert result.code == 0
    assert "you are signed in as root, not ava" in result.err
