"""Read commands: tables for people, documented JSON for scripts, exit 4 for the unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.cli import main

from .conftest import Runner, no_traceback

ROW_KEYS = {
    "id", "name", "externalReferenceId", "type", "direction", "status", "substatus",
    "createdDateTime", "expirationDateTime", "closedDateTime", "salesStage", "partnerRole",
    "referralProgram", "registrationStatus", "favorite", "customerProfile", "details", "x-cosell",
}  # fmt: skip
EXT_KEYS = {"number", "version", "dealType", "p2p", "stagePct", "stageName", "microsoftStatus"}


def items(cosell: Runner, tab: str, *extra: str) -> list[dict]:
    result = cosell("deal", "list", "--tab", tab, "--limit", "500", "--json", *extra)
    assert result.code == 0, result.err
    return result.json()["items"]


@pytest.mark.parametrize("tab", ["inbound", "outbound", "favorites", "closed"])
def test_list_json_has_the_documented_keys(cosell: Runner, tab: str) -> None:
    result = cosell("deal", "list", "--tab", tab, "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert set(doc) == {"tab", "filter", "totalCount", "offset", "items"}
    assert doc["tab"] == tab
    assert doc["totalCount"] >= len(doc["items"])
    for item in doc["items"]:
        assert set(item) >= ROW_KEYS
        assert set(item["x-cosell"]) >= EXT_KEYS
        assert set(item["details"]) == {"dealValue", "currency", "closingDateTime"}


def test_tabs_hold_what_d1_says(cosell: Runner) -> None:
    inbound = items(cosell, "inbound")
    outbound = items(cosell, "outbound")
    closed = items(cosell, "closed")
    assert inbound and outbound and closed
    assert {i["direction"] for i in inbound} == {"Incoming"}
    assert {i["direction"] for i in outbound} == {"Outgoing"}
    assert all(i["status"] != "Closed" for i in inbound + outbound)
    assert {i["status"] for i in closed} == {"Closed"}


def test_list_table_for_people(cosell: Runner) -> None:
    result = cosell("deal", "list", "--tab", "outbound", "--limit", "5")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["#", "Deal", "Customer"]
    assert set(lines[1]) <= {"-", " "}
    assert "in outbound" in lines[-1]
    assert len(lines) == 2 + 5 + 2  # header, rule, 5 rows, blank, footer


def test_sort_and_limit(cosell: Runner) -> None:
    """Value sorts by the USD equivalent (store/valuation.py): USD deals keep their order."""
    rows = [
        (i["details"]["dealValue"], i["details"]["currency"], i["id"])
        for i in items(cosell, "outbound", "--sort", "value", "--desc")
    ]
    usd = [value for value, currency, _ in rows if currency == "USD"]
    assert len(usd) > 5 and usd == sorted(usd, reverse=True)
    first_two = items(cosell, "outbound", "--sort", "value", "--desc", "--limit", "2")
    assert [i["id"] for i in first_two] == [ident for _, _, ident in rows[:2]]


def test_offset_pages_on(cosell: Runner) -> None:
    everything = items(cosell, "outbound", "--sort", "name")
    result = cosell("deal", "list", "--tab", "outbound", "--sort", "name", "--offset", "3",
                    "--limit", "2", "--json")  # fmt: skip
    assert [i["id"] for i in result.json()["items"]] == [i["id"] for i in everything[3:5]]


def test_bad_filter_is_refused_with_the_reason(cosell: Runner) -> None:
    result = cosell("deal", "list", "--filter", "value:>>>", "--json")
    assert result.code == 1
    assert result.err.startswith("cosell: --filter: ")
    no_traceback(result)


def test_bad_tab_is_a_usage_error(cosell: Runner) -> None:
    result = cosell("deal", "list", "--tab", "everything")
    assert result.code == 2
    assert "'everything' is not one of 'inbound', 'outbound', 'favorites', 'closed'" in result.err


def test_show_by_number_and_by_referral_id(cosell: Runner) -> None:
    first = items(cosell, "outbound")[0]
    by_number = cosell("deal", "show", str(first["x-cosell"]["number"]), "--json")
    by_guid = cosell("deal", "show", first["id"], "--json")
    assert by_number.code == by_guid.code == 0
    assert by_number.json() == by_guid.json()
    doc = by_number.json()
    assert set(doc) >= ROW_KEYS
    for key in ("mpnId", "organizationName", "team", "consent", "inviteContext", "registrations"):
        assert key in doc
    assert {"actions", "eligibility", "microsoft", "invitations", "history", "location",
            "account", "helpType"} <= set(doc["x-cosell"])  # fmt: skip
    assert doc["details"]["requirements"]["solutions"]


def test_show_for_people(cosell: Runner) -> None:
    first = items(cosell, "outbound")[0]
    result = cosell("deal", "show", str(first["x-cosell"]["number"]))
    assert result.code == 0
    assert result.out.startswith(f"#{first['x-cosell']['number']}  ")
    assert "Referral ID:" in result.out
    assert "\nActions now\n" in result.out


@pytest.mark.parametrize("ident", ["999999", "0f0f0f0f-0000-4000-8000-000000000000", "nope"])
def test_unknown_deal_is_exit_4(cosell: Runner, ident: str) -> None:
    result = cosell("deal", "show", ident)
    assert result.code == 4
    assert result.err.startswith("cosell: ")
    no_traceback(result)


def test_explain(cosell: Runner) -> None:
    deal = items(cosell, "closed")[0]
    number = str(deal["x-cosell"]["number"])
    human = cosell("deal", "explain", number)
    assert human.code == 0
    assert "Deal type: " in human.out
    assert "Allowed now:" in human.out
    doc = cosell("deal", "explain", number, "--json").json()
    assert set(doc) == {"id", "number", "version", "dealType", "routing", "actions", "eligibility"}
    assert doc["dealType"]["value"] == deal["x-cosell"]["dealType"]
    assert doc["dealType"]["reason"]
    assert set(doc["actions"]) == {"allowed", "stages", "refusals", "warnings"}
    assert doc["actions"]["allowed"] == [] or "register" in doc["actions"]["allowed"]


def test_explain_won_deal_lists_the_checklist(cosell: Runner) -> None:
    won = [i for i in items(cosell, "closed") if i["substatus"] == "Won"
           and i["x-cosell"]["dealType"] != "SolutionAssessment"]  # fmt: skip
    assert won
    doc = cosell("deal", "explain", won[0]["id"], "--json").json()
    criteria = doc["eligibility"]["criteria"]
    assert criteria
    assert {c["outcome"] for c in criteria} <= {"met", "failed", "undecidable"}
    assert all(c["reason"] for c in criteria if c["outcome"] != "met")
    human = cosell("deal", "explain", won[0]["id"]).out
    assert "Azure IP co-sell registration: " in human


def test_catalog_accounts(cosell: Runner) -> None:
    doc = cosell("catalog", "accounts", "--search", "a", "--json").json()
    assert set(doc) <= {"MicrosoftManaged", "MicrosoftUnmanaged", "Other", "Manual"}
    found = [a for group in doc.values() for a in group]
    assert found
    assert {"id", "name", "kind", "address", "linkedCount"} <= set(found[0])
    human = cosell("catalog", "accounts", "--search", "a")
    assert human.code == 0 and "Microsoft Managed" in human.out


def test_catalog_accounts_bad_country(cosell: Runner) -> None:
    result = cosell("catalog", "accounts", "--search", "a", "--country", "Ireland")
    assert result.code == 1
    assert "ISO 3166" in result.err


def test_catalog_solutions_and_category(cosell: Runner) -> None:
    doc = cosell("catalog", "solutions", "--json").json()
    assert doc and {"id", "name", "category", "azureIpCoSell"} <= set(doc[0])
    only = cosell("catalog", "solutions", "--category", "Solution assessments", "--json").json()
    assert only and {s["category"] for s in only} == {"Assessment"}
    bad = cosell("catalog", "solutions", "--category", "gadgets")
    assert bad.code == 1 and "--category" in bad.err


def test_catalog_partners(cosell: Runner) -> None:
    doc = cosell("catalog", "partners", "--json").json()
    assert doc and set(doc[0]) == {"id", "name"}
    assert "Partner" in cosell("catalog", "partners").out


def test_users(cosell: Runner) -> None:
    doc = cosell("users", "--json").json()
    assert {"username", "displayName", "role", "organizationName", "entireCompany",
            "locations", "current"} <= set(doc[0])  # fmt: skip
    roles = {u["role"] for u in doc}
    assert {"ReferralsAdmin", "MicrosoftSeller"} <= roles
    assert "ava" in cosell("users").out


def test_locate(cosell: Runner, db: str, tmp_path: Path) -> None:
    assert cosell("locate", "db").out.strip() == db
    assert cosell("locate", "config").out.strip() == str(tmp_path / "config.toml")


def test_rules_check_builtin_and_broken(cosell: Runner, tmp_path: Path) -> None:
    ok = cosell("rules", "check")
    assert ok.code == 0, ok.err
    assert ok.out.startswith("ok  ")
    broken = tmp_path / "broken.yaml"
    broken.write_text("ruleset: [unclosed\n", encoding="utf-8")
    bad = cosell("rules", "check", str(broken))
    assert bad.code == 1
    assert bad.err.startswith("cosell: ")
    no_traceback(bad)
    missing = cosell("rules", "check", str(tmp_path / "absent.yaml"))
    assert missing.code == 1 and "no such rule file" in missing.err


def test_sweep_reports_and_is_idempotent(cosell: Runner) -> None:
    first = cosell("sweep", "--json")
    assert first.code == 0, first.err
    assert set(first.json()) == {"expired", "reminded", "microsoftLapsed"}
    again = cosell("sweep", "--json").json()
    assert again == {"expired": [], "reminded": [], "microsoftLapsed": []}
    human = cosell("sweep")
    assert "Expired (no answer in 14 days): 0" in human.out


def test_sweep_later_expires_inbound_deals(cosell: Runner, db: str, capsys) -> None:
    inbound = items(cosell, "inbound")
    latest = max(i["expirationDateTime"] for i in inbound if i["expirationDateTime"])
    capsys.readouterr()
    code = main(["--db", db, "--now", latest.replace("Z", "+00:00"), "sweep", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    import json

    expired = json.loads(out)["expired"]
    assert len(expired) >= 1


def test_init_on_a_fresh_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fresh.db"
    assert main(["--db", str(path), "init"]) == 0
    out = capsys.readouterr().out
    assert f"Database ready: {path}" in out
    assert "cosell seed" in out
    assert main(["--db", str(path), "init"]) == 0  # migrating twice is harmless


def test_seed_refuses_a_database_with_data(cosell: Runner) -> None:
    result = cosell("seed", "--deals", "5")
    assert result.code == 1
    assert "--force" in result.err


def test_seed_force_starts_over(cosell: Runner) -> None:
    def names() -> set[str]:
        return {
            item["name"]
            for tab in ("inbound", "outbound", "closed")
            for item in cosell("deal", "list", "--tab", tab, "--limit", "1000", "--json").json()[
                "items"
            ]
        }

    before = names()
    result = cosell("seed", "--deals", "10", "--seed", "3", "--force")
    assert result.code == 0, result.err
    assert result.out.startswith("Seeded ")
    after = names()
    assert after and after != before  # erased, then seeded afresh with another seed


def test_bad_clock_is_refused(cosell: Runner, db: str, capsys) -> None:
    capsys.readouterr()
    code = main(["--db", db, "--now", "yesterday", "deal", "list"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("cosell: --now: 'yesterday' is not an ISO-8601 instant")


def test_unexpected_errors_print_one_line_and_exit_70(
    cosell: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cosell_tui.service.listing import Listing

    def boom(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Listing, "count", boom)
    result = cosell("deal", "list")
    assert result.code == 70
    assert result.err.splitlines() == [
        "cosell: internal error: RuntimeError: disk on fire (set COSELL_DEBUG=1 for the traceback)"
    ]


def test_an_internal_error_with_a_huge_text_is_still_one_short_line(
    cosell: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cosell_tui.service.listing import Listing

    def boom(self, *args, **kwargs):
        raise RuntimeError("x" * 100_000 + "\n[SQL: SELECT secret FROM everything]")

    monkeypatch.setattr(Listing, "count", boom)
    result = cosell("deal", "list")
    assert result.code == 70
    assert result.err.count("\n") == 1 and len(result.err) < 300
    assert "SELECT" not in result.err
