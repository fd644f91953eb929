"""The filter language: what parses into what, and that nothing but QueryError escapes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosell_tui.domain import DealType, MicrosoftStatus, RegistrationStatus, Substatus
from cosell_tui.domain.query import (
    ELIGIBLE,
    P2P,
    REGISTERED,
    Comparison,
    QueryError,
    Term,
    check,
    parse,
)


def one(text: str) -> Term:
    (term,) = parse(text).terms
    return term


def test_empty_and_blank() -> None:
    assert parse("").empty and parse("   ").empty


def test_free_words_and_phrases() -> None:
    q = parse('contoso "pilot phase" !spam')
    assert q.text_terms(False) == ("contoso", "pilot phase")
    assert q.text_terms(True) == ("spam",)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("status:received", (Substatus.PENDING, Substatus.RECEIVED)),
        ("status:accepted", (Substatus.ACCEPTED,)),
        ("status:WON", (Substatus.WON,)),
        ("status:lost,declined", (Substatus.LOST, Substatus.DECLINED)),
        ("status:expired", (Substatus.EXPIRED,)),
        ("status:error", (Substatus.ERROR,)),
        ("type:private", (DealType.PRIVATE,)),
        ("type:partner-led", (DealType.PARTNER_LED,)),
        ("type:co-sell", (DealType.CO_SELL,)),
        ("type:sa", (DealType.SOLUTION_ASSESSMENT,)),
        ("type:p2p", (P2P,)),
        ("country:gb", ("GB",)),
        ("country:GB,IE", ("GB", "IE")),
        ("stage:proposed", (60,)),
        ("stage:60%", (60,)),
        ('stage:"collect data"', (40,)),
        ("stage:won", (100,)),
        ("registration:eligible", (ELIGIBLE,)),
        ("registration:registered", (REGISTERED,)),
        ("registration:approved", (RegistrationStatus.APPROVED,)),
        ("registration:review-pending", (RegistrationStatus.REVIEW_PENDING,)),
        ("ms:accepted", (MicrosoftStatus.ACCEPTED,)),
        ("ms:none", (MicrosoftStatus.NONE,)),
        ("fav:yes", (True,)),
        ("fav:no", (False,)),
    ],
)
def test_field_terms(text: str, values: tuple[object, ...]) -> None:
    term = one(text)
    assert term.values == values and not term.negated


@pytest.mark.parametrize(
    ("text", "op", "amount"),
    [
        ("value:>=25k", ">=", Decimal(25000)),
        ("value:<1.5m", "<", Decimal(1500000)),
        ("value:25,000", "=", Decimal(25000)),
        ("value:>100", ">", Decimal(100)),
        ("value:<=2K", "<=", Decimal(2000)),
    ],
)
def test_value(text: str, op: str, amount: Decimal) -> None:
    assert one(text).values == (Comparison(op, amount),)


def test_expires_in_hours() -> None:
    assert one("expires:<3d").values == (Comparison("<", Decimal(72)),)
    assert one("expires:>=12h").values == (Comparison(">=", Decimal(12)),)


def test_negation_of_fields_and_words() -> None:
    assert one("!status:won").negated
    assert one("!contoso").negated and one("!contoso").field is None


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("status:maybe", 7, "use received, accepted"),
        ("colour:red", 0, "fields are status"),
        ("value:lots", 6, "not an amount"),
        ("value:>=x", 8, "not an amount"),
        ("expires:<3w", 9, "h or d"),
        ("country:England", 8, "two-letter"),
        ("country:ZZ", 8, "two-letter"),  # CLDR's "Unknown Region" is no country
        ("country:EU", 8, "two-letter"),
        ('"open phrase', 0, "unterminated"),
        ("a !", 2, "must be followed"),
        ("status:", 7, "needs a value"),
        ("stage:55", 6, "stages are"),
        ("fav:maybe", 4, "yes or no"),
        ("type:lead", 5, "private, partner-led"),
        ("ms:later", 3, "pending, accepted"),
        ("registration:soon", 13, "eligible, registered"),
        ("status:won,,lost", 11, "empty choice"),
        ("--", 0, "no letters"),
    ],
)
def test_errors_say_what_and_where(text: str, position: int, fragment: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert info.value.position == position
    assert fragment in info.value.message
    assert check(text) == str(info.value)


def test_check_accepts_valid_text() -> None:
    assert check("contoso status:won value:>=25k") is None


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.message


_TOKENS = st.sampled_from(
    ["status:", "type:", "value:", "expires:", "stage:", "ms:", "fav:", "country:",
     "registration:", "!", '"', ",", " ", "<", ">=", "k", "3d", "won", "GB", "x", "%", "60"]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_TOKENS, max_size=12).map("".join))
def test_grammar_shaped_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
