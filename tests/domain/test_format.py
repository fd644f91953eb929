"""A whole amount in the default locale is written without babel (the grid's first rows do not
wait for it); it must read exactly as babel writes it."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from cosell_tui.domain import format as fmt

AMOUNTS = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, places=3
)
CODES = st.sampled_from(["GBP", "EUR", "USD", "JPY", "BHD", "CHF", "XYZ", "gbp", "Eu", "€"])


def babel_whole(amount: Decimal, currency: str) -> str:
    try:
        return format_currency(
            amount, currency, format="#,##0 ¤¤", locale="en_US", currency_digits=False
        )
    except (ValueError, LookupError):
        return f"{amount:,.0f} {currency}"


@given(AMOUNTS, CODES)
def test_whole_amounts_read_as_babel_writes_them(amount: Decimal, currency: str) -> None:
    assert fmt._money(amount, currency, True, fmt.DEFAULT_LOCALE) == babel_whole(amount, currency)


def test_halves_round_to_even_as_babel_does() -> None:
    for text in ("0.5", "1.5", "2.5", "-2.5", "999.5", "-0.4", "1E+3"):
        amount = Decimal(text)
        assert fmt.money(amount, "EUR", whole=True) == babel_whole(amount, "EUR"), text


def test_another_locale_still_goes_through_babel(monkeypatch) -> None:
    monkeypatch.setenv("COSELL_LOCALE", "de_DE")
    assert fmt.money(Decimal("3700"), "GBP", whole=True) == "3.700 GBP"
