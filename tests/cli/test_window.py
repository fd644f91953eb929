"""The 14-day window is exact (domain.md §2.6): answers until its last second; from the expiry
instant the referral reads expired in every command, before `cosell sweep` has run."""

from __future__ import annotations

from datetime import timedelta

from cosell_tui.domain.clock import parse_instant

from .conftest import Result, Runner, invoke


def at(db: str, instant: str, *args: str, user: str | None = None) -> Result:
    return invoke(["--db", db, "--now", instant, *(["--user", user] if user else []), *args])


def soonest_expiry(cosell: Runner, user: str | None = None) -> tuple[str, str]:
    result = cosell("deal", "list", "--tab", "inbound", "--sort", "expires", "--json", user=user)
    assert result.code == 0, result.err
    first = next(i for i in result.json()["items"] if i["expirationDateTime"])
    return str(first["x-cosell"]["number"]), first["expirationDateTime"]


def shifted(instant: str, seconds: int) -> str:
    return (parse_instant(instant) + timedelta(seconds=seconds)).isoformat()


def test_accept_in_the_last_second(db: str, cosell: Runner) -> None:
    number, expires = soonest_expiry(cosell)
    result = at(db, shifted(expires, -1), "deal", "accept", number)
    assert result.code == 0, result.err


def test_from_the_expiry_instant_it_reads_expired_everywhere(db: str, cosell: Runner) -> None:
    number, shown_expiry = soonest_expiry(cosell)
    expires = shifted(shown_expiry, 1)  # the JSON shows whole seconds; the window ends within
    shown = at(db, expires, "deal", "show", number, "--json")
    assert (shown.json()["status"], shown.json()["substatus"]) == ("Closed", "Expired")
    listed = at(db, expires, "deal", "list", "--tab", "closed", "--json", "--limit", "500")
    item = next(i for i in listed.json()["items"] if str(i["x-cosell"]["number"]) == number)
    assert item["substatus"] == "Expired"
    inbound = at(db, expires, "deal", "list", "--tab", "inbound", "--json", "--limit", "500")
    assert number not in {str(i["x-cosell"]["number"]) for i in inbound.json()["items"]}
    before = at(db, shifted(expires, -2), "deal", "list", "--tab", "inbound", "--json")
    assert before.json()["totalCount"] == inbound.json()["totalCount"] + 1
    text = at(db, expires, "deal", "show", number)
    assert "Expired" in text.out
    for args in (("accept", number), ("decline", number, "--reason", "1")):
        refused = at(db, expires, "deal", *args)
        assert refused.code == 1 and "closed (Expired)" in refused.err
    # the sweep still records it
    assert at(db, expires, "sweep").code == 0
    assert at(db, expires, "deal", "show", number, "--json").json()["substatus"] == "Expired"


def test_a_microsoft_seller_accepts_and_declines_co_sell_requests(cosell: Runner) -> None:
    listed = cosell("deal", "list", "--tab", "inbound", "--json", user="ms-jordan").json()
    received = [i for i in listed["items"] if i["status"] == "New"]
    assert len(received) >= 2
    first, second = (str(i["x-cosell"]["number"]) for i in received[:2])
    accepted = cosell("deal", "accept", first, user="ms-jordan")
    assert accepted.code == 0, accepted.err
    assert "Microsoft accepted the co-sell request" in accepted.out
    declined = cosell(
        "deal", "decline", second, "--reason", "2", "--notes", "No capacity", user="ms-jordan"
    )
    assert declined.code == 0, declined.err
    again = cosell("deal", "decline", second, "--reason", "2", user="ms-jordan")
    assert again.code == 1 and "closed (Declined)" in again.err
    # but nothing else: a Microsoft seller cannot change the deal
    other = cosell("deal", "stage", first, "20", user="ms-jordan")
    assert other.code == 1 and "Microsoft sellers cannot change" in other.err
