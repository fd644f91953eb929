"""Column types that keep the database honest on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite keeps no zone, and we never want local time."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Cents(TypeDecorator[Decimal]):
    """Money as integer minor units (two places): exact, sortable and fast on both backends."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        quantized = Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)
        return int(quantized * 100)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(CENT)


class StrEnum(TypeDecorator[Enum]):
    """An enum stored as its value string (the API literal), so SQL stays readable."""

    impl = String(40)
    cache_ok = True

    def __init__(self, enum_cls: type[Enum], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Enum | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        stored = self.enum_cls(value).value
        assert isinstance(stored, str), f"{self.enum_cls.__name__} is stored as its string value"
        return stored

    def process_result_value(self, value: str | None, dialect: Dialect) -> Enum | None:
        return None if value is None else self.enum_cls(value)

    def copy(self, **kw: Any) -> StrEnum:
        return StrEnum(self.enum_cls)
