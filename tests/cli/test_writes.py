"""Write commands: each use case end to end, its refusals (exit 1), conflicts (3), and that a
refused command changes nothing."""

from __future__ import annotations

import pytest

from .conftest import Runner, no_traceback


def rows(cosell: Runner, tab: str) -> list[dict]:
    result = cosell("deal", "list", "--tab", tab, "--limit", "500", "--json")
    assert result.code == 0, result.err
    return result.json()["items"]


def show(cosell: Runner, ident: str) -> dict:
    result = cosell("deal", "show", ident, "--json")
    assert result.code == 0, result.err
    return result.json()


def pick(cosell: Runner, tab: str, action: str, **where: str) -> dict:
    """A deal of `tab` whose allowed actions include `action` (and whose fields match `where`)."""
    for item in rows(cosell, tab):
        if any(item.get(k) != v and item["x-cosell"].get(k) != v for k, v in where.items()):
            continue
        detail = show(cosell, item["id"])
        if action in detail["x-cosell"]["actions"]["allowed"]:
            return detail
    pytest.fail(f"the seeded data has no {tab} deal that allows {action} with {where}")


def number(deal: dict) -> str:
    return str(deal["x-cosell"]["number"])


def test_accept_with_the_referral_defaults(cosell: Runner) -> None:
    deal = pick(cosell, "inbound", "accept")
    result = cosell("deal", "accept", number(deal), "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert set(doc) == {"message", "warnings", "referral"}
    assert (doc["referral"]["status"], doc["referral"]["substatus"]) == ("Active", "Accepted")
    assert doc["referral"]["name"] == deal["name"]
    assert doc["referral"]["x-cosell"]["version"] > deal["x-cosell"]["version"]
    again = cosell("deal", "accept", number(deal))
    assert again.code == 1
    assert again.err.startswith("cosell: ")


def test_accept_with_answers_and_bad_date(cosell: Runner) -> None:
    deal = pick(cosell, "inbound", "accept")
    bad = cosell("deal", "accept", number(deal), "--close-date", "31/12/2026")
    assert bad.code == 1
    assert "--close-date: '31/12/2026' is not a date" in bad.err
    no_traceback(bad)
    assert show(cosell, number(deal))["x-cosell"]["version"] == deal["x-cosell"]["version"]
    ok = cosell("deal", "accept", number(deal), "--name", "Renamed on accept", "--value", "30000",
                "--currency", "EUR", "--close-date", "2027-01-31", "--crm-id", "CRM-9")  # fmt: skip
    assert ok.code == 0, ok.err
    after = show(cosell, number(deal))
    assert after["name"] == "Renamed on accept"
    assert after["details"]["dealValue"] == 30000
    assert after["details"]["currency"] == "EUR"
    assert after["details"]["closingDateTime"] == "2027-01-31T00:00:00Z"
    assert after["externalReferenceId"] == "CRM-9"


def test_decline_by_code_and_by_name(cosell: Runner) -> None:
    first = pick(cosell, "inbound", "decline")
    result = cosell("deal", "decline", number(first), "--reason", "3", "--notes", "Chose a rival.")
    assert result.code == 0, result.err
    assert show(cosell, number(first))["substatus"] == "Declined"
    second = pick(cosell, "inbound", "decline")
    by_name = cosell("deal", "decline", second["id"], "--reason", "Customer didn't respond")
    assert by_name.code == 0, by_name.err


def test_bad_reason_changes_nothing(cosell: Runner) -> None:
    deal = pick(cosell, "inbound", "decline")
    result = cosell("deal", "decline", number(deal), "--reason", "bored")
    assert result.code == 1
    assert "--reason: 'bored' is not one of: 1 (Project budget isn't adequate)" in result.err
    no_traceback(result)
    assert show(cosell, number(deal)) == deal


def test_stage_forward_then_never_back(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "mark_stage", dealType="CoSell")
    result = cosell("deal", "stage", number(deal), "60")
    assert result.code == 0, result.err
    assert show(cosell, number(deal))["x-cosell"]["stagePct"] == 60
    back = cosell("deal", "stage", number(deal), "Qualified")
    assert back.code == 1
    assert back.err.startswith("cosell: ")
    unknown = cosell("deal", "stage", number(deal), "Dreaming")
    assert unknown.code == 1 and "is not a stage of this deal" in unknown.err


def test_stale_version_is_a_conflict(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "mark_stage")
    old = str(deal["x-cosell"]["version"])
    assert cosell("deal", "stage", number(deal), "80", "--version", old).code == 0
    conflict = cosell("deal", "lost", number(deal), "--reason", "1", "--version", old)
    assert conflict.code == 3
    assert conflict.err.startswith("cosell: ")
    assert show(cosell, number(deal))["status"] == "Active"


def test_won_asks_for_confirmation_when_warned(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "won")
    result = cosell("deal", "won", number(deal))
    if result.code == 1:  # an advisory (the 72-hour gap, the ISV Connect note) to confirm
        assert result.code == 1
        assert "warning: " in result.err and "--yes" in result.err
        assert show(cosell, number(deal))["status"] == "Active"
        result = cosell("deal", "won", number(deal), "--yes")
    assert result.code == 0, result.err
    assert show(cosell, number(deal))["substatus"] == "Won"


def test_won_within_72_hours_prints_the_advisory(cosell: Runner) -> None:
    deals = [
        d for d in rows(cosell, "outbound") if d["x-cosell"]["dealType"] != "SolutionAssessment"
    ]
    newest = max(deals, key=lambda d: d["createdDateTime"])
    warnings = show(cosell, number(newest))["x-cosell"]["actions"]["warnings"]
    if "won" not in warnings:
        pytest.skip("the newest outbound deal is older than 72 hours in this seed")
    result = cosell("deal", "won", number(newest), "--yes")
    assert result.code == 0, result.err
    assert "72" in result.err


def test_lost_and_then_terminal(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "lost")
    result = cosell("deal", "lost", number(deal), "--reason", "Customer chose another vendor")
    assert result.code == 0, result.err
    assert show(cosell, number(deal))["substatus"] == "Lost"
    for argv in (("stage", number(deal), "40"), ("share", number(deal)),
                 ("error", number(deal), "--reason", "7")):  # fmt: skip
        refused = cosell("deal", *argv)
        assert refused.code == 1, argv
        no_traceback(refused)


def test_close_as_error(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "close_as_error")
    result = cosell("deal", "error", number(deal), "--reason", "Test referral", "--notes", "test")
    assert result.code == 0, result.err
    assert show(cosell, number(deal))["substatus"] == "Error"
    bad = cosell("deal", "error", number(deal), "--reason", "42")
    assert bad.code == 1 and "--reason" in bad.err


def test_share_a_private_deal(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "share", dealType="Private")
    result = cosell("deal", "share", number(deal))
    assert result.code == 0, result.err
    after = show(cosell, number(deal))
    assert after["x-cosell"]["dealType"] == "PartnerLed"
    assert after["consent"]["consentToShareReferralWithMicrosoftSellers"] is True


def test_ask_microsoft_for_help(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "request_help")
    contact = [] if deal["customerProfile"]["team"] else [
        "--contact-first-name", "Ana", "--contact-last-name", "Silva",
        "--contact-phone", "+14255550100", "--contact-email", "ana.silva@customer.example",
    ]  # fmt: skip
    bad = cosell("deal", "help", number(deal), "--type", "telepathy", "--notes", "x")
    assert bad.code == 1 and "--type" in bad.err
    if contact:  # as in the wizard: a contact is shared only with the customer's consent
        refused = cosell("deal", "help", number(deal), "--type", "GeneralOrOther", *contact)
        assert refused.code == 1 and "must consent" in refused.err
        contact.append("--consent")
    result = cosell(
        "deal", "help", number(deal), "--type", "CustomerTechnicalArchitecture", *contact
    )  # fmt: skip  (notes are optional)
    assert result.code == 0, result.err
    after = show(cosell, number(deal))
    assert after["x-cosell"]["dealType"] == "CoSell"
    assert after["x-cosell"]["microsoft"]["status"] == "Pending"


def test_invite_a_partner(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "invite")
    partners = cosell("catalog", "partners", "--json").json()
    own = deal["details"]["requirements"]["solutions"][0]["id"]
    theirs = cosell("catalog", "solutions", "--search", partners[0]["name"], "--json").json()
    solution = next(s["id"] for s in theirs if s["publisherName"] == partners[0]["name"])
    mine = cosell("deal", "invite", number(deal), "--partner", partners[0]["name"],
                  "--value", "15000", "--currency", "USD", "--close-date", "2027-02-28",
                  "--solutions", own, "--help-type", "GeneralOrOther")  # fmt: skip
    assert mine.code == 1 and "is not one of" in mine.err  # the partner brings its own
    result = cosell("deal", "invite", number(deal), "--partner", partners[0]["name"],
                    "--value", "15000", "--currency", "USD", "--close-date", "2027-02-28",
                    "--solutions", solution, "--help-type", "GeneralOrOther",
                    "--notes", "Bring your deployment team.")  # fmt: skip
    assert result.code == 0, result.err
    after = show(cosell, number(deal))
    assert after["x-cosell"]["p2p"] is True
    assert partners[0]["name"] in [i["partner"] for i in after["x-cosell"]["invitations"]]
    nobody = cosell("deal", "invite", number(deal), "--partner", "No Such Company Ltd",
                    "--value", "1", "--currency", "USD", "--close-date", "2027-02-28",
                    "--solutions", solution, "--help-type", "GeneralOrOther")  # fmt: skip
    assert nobody.code == 1 and "no co-sell partner matches" in nobody.err


def test_favorite_on_and_off(cosell: Runner) -> None:
    deal = rows(cosell, "outbound")[0]
    on = cosell("deal", "favorite", deal["id"], "--json")
    assert on.code == 0 and on.json()["favorite"] is True
    assert deal["id"] in [d["id"] for d in rows(cosell, "favorites")]
    off = cosell("deal", "favorite", deal["id"], "--off", "--json")
    assert off.json()["favorite"] is False
    assert deal["id"] not in [d["id"] for d in rows(cosell, "favorites")]


def test_register_needs_every_answer(cosell: Runner) -> None:
    deal = rows(cosell, "closed")[0]
    result = cosell("deal", "register", number(deal), "--contract-value", "90000")
    assert result.code == 1
    assert "missing: --marketplace, --azure" in result.err


def test_register_refused_when_not_eligible(cosell: Runner) -> None:
    deal = pick(cosell, "outbound", "lost")
    result = cosell("deal", "register", number(deal), "--marketplace", "no", "--azure", "yes",
                    "--term", "finite", "--contract-value", "90000", "--contract-currency",
                    "USD", "--solution", "SOL-1", "--solution-value", "80000",
                    "--solution-currency", "USD", "--sign-date", "2026-11-20",
                    "--start-date", "2026-11-20", "--end-date", "2029-11-19",
                    "--tenant", "customer", "--pricing", "other")  # fmt: skip
    assert result.code == 1
    no_traceback(result)


def test_writes_on_unknown_deals_are_exit_4(cosell: Runner) -> None:
    for argv in (("accept", "999999"), ("won", "999999", "--yes"), ("favorite", "999999"),
                 ("decline", "999999", "--reason", "1")):  # fmt: skip
        result = cosell("deal", *argv)
        assert result.code == 4, argv
        no_traceback(result)


def test_a_user_outside_the_scope_cannot_see_or_change(cosell: Runner) -> None:
    users = cosell("users", "--json").json()
    scoped = [u for u in users if u["role"] == "ReferralsUser"]
    assert scoped
    mine = {d["id"] for d in rows(cosell, "outbound")}
    theirs = cosell("deal", "list", "--tab", "outbound", "--limit", "500", "--json",
                    user=scoped[0]["username"]).json()["items"]  # fmt: skip
    hidden = sorted(mine - {d["id"] for d in theirs})
    assert hidden
    result = cosell("deal", "show", hidden[0], user=scoped[0]["username"])
    assert result.code == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("deal", "accept", "{inbound}", "--value", "abc"), "--value: 'abc' is not an amount"),
        (("deal", "accept", "{inbound}", "--currency", "XXQ"), "currency"),
        (("deal", "invite", "{outbound}", "--partner", "microsoft", "--value", "1",
          "--currency", "USD", "--close-date", "2027-13-01", "--solutions", "SOL-41001-LKH",
          "--help-type", "GeneralOrOther"), "--close-date: '2027-13-01' is not a date"),
        (("deal", "register", "{outbound}", "--file", "{bad_json}"), "is not valid JSON"),
        (("deal", "register", "{outbound}", "--file", "{bad_form}"), "unknown field colour"),
        (("deal", "list", "--limit", "0"), "--limit must be at least 1"),
        (("catalog", "solutions", "--limit", "0"), "--limit must be at least 1"),
        (("seed", "--deals", "-1"), "--deals must be 0 or more"),
        (("deal", "stage", "{outbound}", "ninety"), "is not a stage of this deal"),
    ],
)  # fmt: skip
def test_bad_input_is_exit_1_without_a_traceback(
    cosell: Runner, tmp_path, argv: tuple[str, ...], message: str
) -> None:
    (tmp_path / "bad.json").write_text('{"contract": ', encoding="utf-8")
    (tmp_path / "form.json").write_text('{"colour": "blue"}', encoding="utf-8")
    values = {
        "inbound": str(pick(cosell, "inbound", "accept")["x-cosell"]["number"]),
        "outbound": str(pick(cosell, "outbound", "invite")["x-cosell"]["number"]),
        "bad_json": str(tmp_path / "bad.json"),
        "bad_form": str(tmp_path / "form.json"),
    }
    resolved = [a.format(**values) if a.startswith("{") else a for a in argv]
    result = cosell(*resolved)
    assert result.code == 1, result.err
    assert result.err.startswith("cosell: ")
    assert message in result.err
    no_traceback(result)
