"""`cosell insights`: the tables, the documented JSON, the download, and refusals in words."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cosell_tui.cli import main

from .conftest import NOW, Runner, no_traceback

WIDGETS = {
    "range", "filters", "summary", "dealsWithoutRate", "funnel", "reasons", "geography",
    "solutions", "capabilities", "comparison", "registrationFunnel",
}  # fmt: skip


def test_json_has_the_documented_shape(cosell: Runner) -> None:
    result = cosell("insights", "--range", "12m", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert set(doc) == WIDGETS
    summary = doc["summary"]
    assert {"total", "accepted", "won", "lost", "wonValueUsd"} <= set(summary)
    assert summary["total"] >= summary["won"] + summary["lost"]
    assert summary["total"] > 0
    assert doc["filters"]["dealTypes"] == ["CoSell", "PartnerLed"]
    assert set(summary["changes"]) == {
        "total", "accepted", "won", "lost", "wonValueUsd", "registered", "approved", "rejected",
        "annualValueUsd", "approvedValueUsd",
    }  # fmt: skip
    reg = {s["stage"]: s for s in doc["registrationFunnel"]["stages"]}
    assert reg["Registered"]["count"] == summary["registered"] > 0
    assert reg["Approved"]["count"] == summary["approved"]
    assert reg["Rejected"]["count"] == summary["rejected"]
    assert summary["approvedValueUsd"] == reg["Approved"]["value"]["usd"]
    assert summary["annualValueUsd"] > 0
    stages = {s["stage"]: s for s in doc["funnel"]["stages"]}
    assert stages["Won"]["count"] == summary["won"]
    assert sum(r["deals"] for r in doc["geography"]) == summary["total"]
    assert len(doc["comparison"]["byDealType"]) == 13  # 12 months back touch 13 months
    assert sum(m["deals"] for m in doc["comparison"]["byDealType"]) == summary["total"]
    by_type = doc["comparison"]["byDealType"]
    for month in by_type:
        assert sum(month["wonValueParts"].values()) == pytest.approx(month["wonValue"]["usd"])
    approved = sum(m["approvedValue"]["usd"] for m in by_type)
    assert approved == pytest.approx(summary["approvedValueUsd"])
    for split in ("byDealType", "byMarket"):  # a deal is in one part of these
        for month in doc["comparison"][split]:
            parts = month["approvedValueParts"]
            assert set(parts) == set(month["parts"])
            assert sum(parts.values()) == pytest.approx(month["approvedValue"]["usd"], abs=0.05)


def test_filters_narrow_the_figures(cosell: Runner) -> None:
    every = cosell("insights", "--range", "12m", "--type", "all", "--json").json()
    inbound = cosell(
        "insights", "--range", "12m", "--type", "all", "--direction", "inbound", "--json"
    ).json()
    services = cosell("insights", "--range", "12m", "--type", "all", "--tab", "services", "--json")
    ip = cosell("insights", "--range", "12m", "--type", "all", "--tab", "ip", "--json")
    assert inbound["summary"]["total"] <= every["summary"]["total"]
    assert (
        services.json()["summary"]["total"] + ip.json()["summary"]["total"]
        == every["summary"]["total"]
    )
    us = cosell("insights", "--range", "12m", "--country", "us", "--json").json()
    assert [g["country"] for g in us["geography"]] in (["US"], [])


def test_tables_for_people(cosell: Runner) -> None:
    result = cosell("insights", "--range", "6m")
    assert result.code == 0, result.err
    for title in ("Summary", "Conversion funnel", "Geography", "Solutions", "Comparison"):
        assert title in result.out


@pytest.mark.parametrize("fmt,sep", [("csv", ","), ("tsv", "\t")])
def test_download_writes_newest_first(cosell: Runner, tmp_path: Path, fmt: str, sep: str) -> None:
    target = tmp_path / f"rows.{fmt}"
    result = cosell("insights", "--range", "12m", "--download", str(target), "--format", fmt)
    assert result.code == 0, result.err
    assert "wrote" in result.err
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=sep))
    assert rows[0][0] == "Referral ID"
    created = [r[10] for r in rows[1:]]
    assert created == sorted(created, reverse=True)
    total = cosell("insights", "--range", "12m", "--json").json()["summary"]["total"]
    assert len(rows) - 1 == min(total, 5000)


@pytest.mark.parametrize(
    "args,words",
    [
        (["--range", "2w"], "range"),
        (["--range", "2026-02-30..2026-03-01"], "does not exist"),
        (["--country", "USA"], "two-letter"),
    ],
)
def test_bad_input_is_refused_in_words(cosell: Runner, args: list[str], words: str) -> None:
    result = cosell("insights", *args)
    assert result.code == 1
    assert words in result.err
    no_traceback(result)


def test_a_user_sees_only_their_deals(cosell: Runner) -> None:
    admin = cosell("insights", "--range", "12m", "--json").json()["summary"]["total"]
    users = cosell("users", "--json")
    names = [u["username"] for u in users.json() if u.get("role") == "ReferralsUser"]
    if not names:
        pytest.skip("the seed has no Referrals user")
    mine = cosell("insights", "--range", "12m", "--json", user=names[0])
    assert mine.code == 0, mine.err
    assert mine.json()["summary"]["total"] <= admin


def test_insights_on_backend(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "--now", NOW, "seed", "--deals", "40"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "--now", NOW, "insights", "--range", "12m", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["total"] > 0


def test_customer_program_and_role_filters(cosell: Runner, tmp_path: Path) -> None:
    every = cosell("insights", "--range", "12m", "--type", "all", "--json").json()
    total = every["summary"]["total"]
    programs = [p["program"] or "none" for p in every["capabilities"]["programs"]]
    by_program = [
        cosell("insights", "--range", "12m", "--type", "all", "--program", p, "--json").json()
        for p in programs
    ]
    assert sum(d["summary"]["total"] for d in by_program) == total
    assert by_program[0]["filters"]["programs"] == [None if programs[0] == "none" else programs[0]]
    without_role = cosell(
        "insights", "--range", "12m", "--type", "all", "--role", "none", "--json"
    ).json()
    ip = cosell("insights", "--range", "12m", "--type", "all", "--tab", "ip", "--json").json()
    assert without_role["summary"] == ip["summary"]
    target = tmp_path / "rows.csv"
    cosell("insights", "--range", "12m", "--type", "all", "--download", str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        customer = list(csv.reader(handle))[1][2]
    one = cosell(
        "insights", "--range", "12m", "--type", "all", "--customer", customer.upper(), "--json"
    )
    assert one.code == 0, one.err
    assert 1 <= one.json()["summary"]["total"] <= total
    assert one.json()["filters"]["customer"] == one.json()["filters"]["customer"].lower()


def test_an_unknown_role_is_refused_in_words(cosell: Runner) -> None:
    result = cosell("insights", "--role", "juggler")
    assert result.code == 1
    assert "not a partner role" in result.err
    no_traceback(result)
