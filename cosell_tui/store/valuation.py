"""A deal's value in USD, stored beside the amount so the grid can sort by value across
currencies from an index (domain.md §1.6: Partner Center's downloads carry "Estimated Deal value
(USD)" too).

The rate is the month's rate of the deal's creation (the monthly rates table of D8); a
currency with no rate for that month leaves the USD value empty, and such deals sort last.
Kept by a mapper event on every ORM write of value, currency or creation time, and written
directly by the bulk seeder, so no service path can forget it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Connection

from cosell_tui.store.models import ExchangeRate, Referral
from cosell_tui.store.types import CENT


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
        select(ExchangeRate.usd_per_unit).where(
            ExchangeRate.month == rate_month(when), ExchangeRate.currency == currency
        )
    ).scalar()


def _changed(target: Referral, *names: str) -> bool:
    state = inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Referral, "before_insert")
def _on_insert(_mapper: Any, conn: Connection, target: Referral) -> None:
    target.value_usd = in_usd(target.value, usd_rate(conn, target.currency, target.created_at))


@event.listens_for(Referral, "before_update")
def _on_update(_mapper: Any, conn: Connection, target: Referral) -> None:
    if _changed(target, "value", "currency", "created_at"):
        target.value_usd = in_usd(target.value, usd_rate(conn, target.currency, target.created_at))
