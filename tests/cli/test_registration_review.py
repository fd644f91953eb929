"""`cosell registration list|review`: Microsoft's review from the command line."""

from __future__ import annotations

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
