"""A deal's value in USD, stored beside the amount so the grid can sort by value across
currencies from an index (domain.md §1.6: Partner Center's downloads carry "Estimated Deal value
(USD)" too).

The rate is the month's rate of the deal's creation (the monthly rates table of D8); a
currency with no rate for that month leaves the USD value empty, and such deals sort last.
Kept by mapper events on every ORM write of value, currency or creation time (registered in
models.py, beside the Referral class, so every session that can write a referral has them) and
written directly by the bulk seeder, so no service path can forget it. This module reads the
rates table through SQLAlchemy Core, so it needs no model class.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import Date, String, column, select, table
from sqlalchemy.engine import Connection

from cosell_tui.store.types import CENT

#: The monthly rates table (models.ExchangeRate), as Core sees it.
_RATES = table(
    "exchange_rate", column("month", Date), column("currency", String), column("usd_per_unit")
)


def in_usd(amount: Decimal, rate: Decimal | str | None) -> Decimal | None:
    """`amount` at `rate` USD per unit, to the cent (half-even, like every stored amount)."""
    if rate is None:
        return None
    return (amount * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def rate_month(when: date | datetime) -> date:
    return date(when.year, when.month, 1)


def usd_rate(conn: Connection, currency: str, when: date | datetime) -> str | None:
    """USD per unit of `currency` in the month of `when` (D8's monthly rates; USD is 1)."""
    if currency == "USD":
        return "1"
    return conn.execute(
        select(_RATES.c.usd_per_unit).where(
            _RATES.c.month == rate_month(when), _RATES.c.currency == currency
        )
    ).scalar()
