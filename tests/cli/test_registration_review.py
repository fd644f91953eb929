"""`cosell registration list|review`: Microsoft's review from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Runner


def under_review(cosell: Runner) -> list[dict]:
    result = cosell("registration", "list", "--json", user="ms-jordan")
    assert result.code == 0, result.err
    return result.json()


def test_list_and_decide(cosell: Runner) -> None:
    waiting = under_review(cosell)
    assert waiting, "the seed has registrations under review"
    number = str(waiting[0]["number"])
    refused = cosell("registration", "review", number, "send-back", user="ms-jordan")
    assert refused.code == 1 and "message to the team is required" in refused.err
    sent = cosell(
        "registration", "review", number, "send-back", "--message", "Attach the POE",
        user="ms-jordan",
    )  # fmt: skip
    assert sent.code == 0, sent.err
    assert "Action required" in sent.out
    assert number not in {str(i["number"]) for i in under_review(cosell)}
    again = cosell("registration", "review", number, "approve", user="ms-jordan")
    assert again.code == 1 and "Only a registration under review" in again.err


def test_partners_do_not_review_and_unknown_deals_are_exit_4(cosell: Runner) -> None:
    assert cosell("registration", "list").code == 1
    assert cosell("registration", "review", "99999", "approve", user="ms-jordan").code == 4
    usage = cosell("registration", "review", "1", "maybe", user="ms-jordan")
    assert usage.code == 2


def test_exception_request_and_its_review(cosell: Runner, tmp_path: Path) -> None:
    latest = max(under_review(cosell), key=lambda i: i["filedDateTime"])  # within 60 days
    number = str(latest["number"])
    early = cosell("deal", "exception", number, "--message", "Please")
    assert early.code == 1 and "only on a registration Microsoft rejected" in early.err
    rejected = cosell(
        "registration", "review", number, "reject", "--message", "Duplicate", user="ms-jordan"
    )
    assert rejected.code == 0, rejected.err
    assert cosell("deal", "exception", number, "--message", "").code == 1
    assert cosell("deal", "exception", number, "--message", "x" * 5001).code == 1
    asked = cosell("deal", "exception", number, "--message", "Signed twice; see POE.")
    assert asked.code == 0, asked.err
    assert "Microsoft reviews it" in asked.out
    again = cosell("deal", "exception", number, "--message", "Again")
    assert again.code == 1 and "one request per referral" in again.err
    waiting = cosell("registration", "exceptions", "--json", user="ms-jordan")
    assert [(str(i["number"]), i["message"]) for i in waiting.json()] == [
        (number, "Signed twice; see POE.")
    ]
    refused = cosell("registration", "exception", number, "reject", user="ms-jordan")
    assert refused.code == 1 and "message to the team is required" in refused.err
    done = cosell("registration", "exception", number, "approve", user="ms-jordan")
    assert done.code == 0 and "Exception (Approved)" in done.out
    assert cosell("registration", "exceptions", user="ms-jordan").out.startswith("No exception")
    shown = cosell("deal", "show", number, "--json").json()
    (registration,) = shown["registrations"]
    assert registration["status"] == "ActionRequired"
    assert registration["exceptionRequest"]["status"] == "Approved"
    assert cosell("registration", "exception", "99999", "approve", user="ms-jordan").code == 4
    assert cosell("registration", "exceptions").code == 1
    refile_after_the_exception(cosell, number, registration, tmp_path / "form.json")


def refile_after_the_exception(cosell: Runner, number: str, shown: dict, path: Path) -> None:
    """Filed again after the approved exception (D19): a changed tenant type is refused with
    its field and why; the same form with a new contract value is filed (`deal show --json`
    prints what was filed, the marketplace date too, so it is filed again unchanged)."""
    form = {
        "type": "AzureIPCoSell",
        "contract": shown["contract"],
        "solutionDetails": shown["solutionDetails"],
    }
    line = form["solutionDetails"][0]
    kept = line["primaryDeploymentOn"]
    line["primaryDeploymentOn"] = "Partner" if kept == "Customer" else "Customer"
    path.write_text(json.dumps(form), encoding="utf-8")
    value = str(float(shown["contract"]["value"]) * 10)
    refused = cosell("deal", "register", number, "--file", str(path), "--contract-value", value)
    assert refused.code == 1, refused.err
    assert f"Tenant type stays '{kept}' as Microsoft rejected it" in refused.err
    assert "only the term, the contract value and the contract dates" in refused.err
    tenant = "customer" if kept == "Customer" else "partner"
    filed = cosell(
        "deal", "register", number, "--file", str(path), "--tenant", tenant,
        "--contract-value", value,
    )  # fmt: skip
    assert filed.code == 0, filed.err
    assert f"Registration filed for deal {number}" in filed.out
