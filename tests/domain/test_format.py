"""Money in the default locale is written without babel (domain/format.py): it must be what
babel writes, for every currency babel knows, and its copy of the currencies' digits must be
babel's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.core import get_global
from babel.numbers import format_currency, list_currencies
from hypothesis import given, settings
from hypothesis import strategies as st

from cosell_tui.domain import format as fmt

CURRENCIES = sorted(list_currencies())


def babel_money(amount: Decimal, currency: str, whole: bool) -> str:
    pattern = "#,##0 ¤¤" if whole else "#,##0.00 ¤¤"
    return format_currency(
        amount, currency, format=pattern, locale="en_US", currency_digits=not whole
    )


def test_the_currency_digits_are_babels() -> None:
    fractions = get_global("currency_fractions")
    default = fractions["DEFAULT"][0]
    others = {
        code: digits
        for code, (digits, *_rest) in fractions.items()
        if code != "DEFAULT" and digits != default
    }
    assert (default, others) == (fmt.DEFAULT_CURRENCY_DIGITS, fmt.CURRENCY_DIGITS)


AMOUNTS = st.decimals(
    min_value=Decimal("-1e14"), max_value=Decimal("1e14"), allow_nan=False, allow_infinity=False
) | st.decimals(min_value=-1000, max_value=1000, places=3)


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, st.sampled_from(CURRENCIES), st.booleans())
def test_default_locale_money_is_what_babel_writes(amount: Decimal, currency: str, whole: bool):
    fmt._money.cache_clear()
    assert fmt.money(amount, currency, whole=whole) == babel_money(amount, currency, whole)


@pytest.mark.parametrize("currency", CURRENCIES)
def test_every_currency_reads_as_babel_writes_it(currency: str) -> None:
    for amount in (Decimal("0"), Decimal("-0.005"), Decimal("1234567.125"), Decimal("0.5")):
        for whole in (False, True):
            assert fmt.money(amount, currency, whole=whole) == babel_money(amount, currency, whole)


def test_another_locale_still_goes_through_babel(monkeypatch) -> None:
    monkeypatch.setenv("COSELL_LOCALE", "de_DE")
    assert fmt.money(Decimal("1234.5"), "EUR") == "1.234,50 EUR"
