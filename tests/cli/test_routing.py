"""`cosell routing` and `cosell deal send`: the routing rules from the command line, and a
Microsoft seller's referral placed by them, named by `deal explain`."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Runner, no_traceback

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_demo_has_the_shipped_rules_most_specific_first(cosell: Runner) -> None:
    listed = cosell("routing", "list", "--json")
    assert listed.code == 0, listed.err
    kinds = [rule["kind"] for rule in listed.json()]
    assert kinds == ["market and solution", "solution", "market", "market", "default"]
    table = cosell("routing", "list", user="cara")  # a user reads them
    assert table.code == 0 and "Fabrikam London (4100002)" in table.out
    exported = cosell("routing", "list", "--csv")
    assert exported.out.splitlines()[0] == "market,solution,location"


def test_set_and_remove(cosell: Runner) -> None:
    done = cosell("routing", "set", "fr", "*", "4100003", "--json")
    assert done.code == 0, done.err
    assert done.json()["market"] == "FR" and done.json()["locationName"] == "Fabrikam Dublin"
    assert (
        "Routing rule set: market FR, all solutions → 4100002"
        in cosell("routing", "set", "FR", "*", "4100002").out
    )
    removed = cosell("routing", "remove", "FR", "*")
    assert removed.code == 0 and "removed" in removed.out
    again = cosell("routing", "remove", "FR", "*")
    assert again.code == 4 and "no routing rule for market FR" in again.err


def test_refusals_say_why_and_change_nothing(cosell: Runner) -> None:
    before = cosell("routing", "list", "--csv").out
    cases = [
        (("routing", "set", "DE", "*", "4100002"), "ben", 1, "entire-company"),
        (("routing", "set", "XY", "*", "4100002"), None, 1, "not an ISO country code"),
        (("routing", "set", "DE", "SOL-NOPE", "4100002"), None, 1, "No solution 'SOL-NOPE'"),
        (("routing", "set", "DE", "*", "4200001"), None, 1, "No location with PartnerID"),
        (("routing", "list"), "ms-jordan", 1, "partner's Referrals admin or user"),
    ]
    for args, user, code, said in cases:
        result = cosell(*args, user=user)
        assert (result.code, said in result.err) == (code, True), (args, result.err)
        no_traceback(result)
    assert cosell("routing", "list", "--csv").out == before


def test_import_is_all_or_nothing_with_line_numbers(cosell: Runner, tmp_path: Path) -> None:
    before = cosell("routing", "list", "--csv").out
    bad = tmp_path / "bad.csv"
    bad.write_text("market,solution,location\n*,*,4100001\nDE,*,999\nGB;*;4100002\n")
    result = cosell("routing", "import", str(bad))
    assert result.code == 1
    assert "2 bad lines; nothing was changed" in result.err
    assert "line 3: No location with PartnerID 999" in result.err
    assert "line 4: 1 columns, expected 3" in result.err
    assert cosell("routing", "list", "--csv").out == before
    good = cosell(
        "routing", "import", "-", "--json", stdin="market,solution,location\n*,*,4100002\n"
    )
    assert good.code == 0 and good.json() == {"rules": 1, "added": 0, "changed": 1, "removed": 4}
    assert cosell("routing", "import", str(tmp_path / "none.csv")).code == 1
    assert cosell("routing", "import", str(EXAMPLES / "routing.csv")).code == 0
    assert cosell("routing", "list", "--csv").out == before


def test_a_microsoft_seller_sends_and_explain_names_the_rule(cosell: Runner) -> None:
    sent = cosell(
        "deal", "send", "--to", "Fabrikam", str(EXAMPLES / "referral.json"), "--json",
        user="ms-jordan",
    )  # fmt: skip
    assert sent.code == 0, sent.err
    assert "Sent referral" in sent.json()["message"]
    inbound = cosell("deal", "list", "--tab", "inbound", "--filter", "Contoso Retail", "--json")
    number = inbound.json()["items"][0]["x-cosell"]["number"]
    explained = cosell("deal", "explain", str(number))
    assert "Location: Fabrikam London (4100002)" in explained.out
    assert "all markets, solution SOL-41002-SOC → 4100002" in explained.out
    assert (
        "names the solution" in cosell("deal", "explain", str(number), "--json").json()["routing"]
    )


def test_deal_send_refuses_what_it_cannot_use(cosell: Runner, tmp_path: Path) -> None:
    document = json.loads((EXAMPLES / "co-sell-deal.json").read_text(encoding="utf-8"))
    own = tmp_path / "own.json"
    own.write_text(json.dumps(document), encoding="utf-8")
    result = cosell("deal", "send", "--to", "Fabrikam", str(own), user="ms-jordan")
    assert result.code == 1 and "mpnId (the receiving partner's routing rules" in result.err
    del document["mpnId"], document["team"], document["externalReferenceId"]
    del document["campaignId"]
    document["details"]["dealValue"] = -5
    own.write_text(json.dumps(document), encoding="utf-8")
    result = cosell("deal", "send", "--to", "Fabrikam", str(own), user="ms-jordan")
    assert result.code == 1 and "Value cannot be negative" in result.err, result.err
    nobody = cosell("deal", "send", "--to", "Nobody", str(own), user="ms-jordan")
    assert nobody.code == 1 and "--to: no co-sell partner" in nobody.err
    microsoft = cosell("deal", "send", "--to", "microsoft", str(own), user="ms-jordan")
    assert microsoft.code == 1 and "sent to a partner" in microsoft.err
    no_traceback(result)
