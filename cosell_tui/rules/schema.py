"""The declared shape of each facts class, and the checks that keep bad input away from C.

The shape is read from the frozen dataclasses in ``facts.py`` (the shared contract), so a
rule file and the service can never disagree on a field's name or type. The engine has no
type checks (``"5" > 10`` is true, ``0 == false``), so everything is checked here first.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from cosell_tui.rules.errors import FactError

#: The engine stores int64 only; larger numbers clamp silently, so they are refused.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: Longest string a fact may carry (the engine's own limit is 16 MiB; ours is a sanity bound).
MAX_STRING = 1024
#: Most fields in one message: the engine refuses more than 252 properties (error 302),
#: and every message also carries `sid` and `_kind`.
MAX_FIELDS = 200
#: Longest tuple a fact may carry; tuples reach the engine only as a derived `<name>_count`.
MAX_ITEMS = 1000

Kind = Literal["enum", "int", "bool", "str", "items"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One declared fact field: its name, kind, enum class and whether None (missing) is allowed."""

    name: str
    kind: Kind
    optional: bool
    enum: type[Enum] | None = None

    def describe(self) -> str:
        what = self.enum.__name__ if self.enum else self.kind
        return f"{what} or None" if self.optional else what


def _spec(name: str, hint: Any) -> FieldSpec:
    optional = False
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"{name}: only `X | None` unions are supported")
        optional, hint = True, args[0]
        origin = typing.get_origin(hint)
    if origin is tuple:
        return FieldSpec(name, "items", optional)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return FieldSpec(name, "enum", optional, hint)
    if hint is bool:
        return FieldSpec(name, "bool", optional)
    if hint is int:
        return FieldSpec(name, "int", optional)
    if hint is str:
        return FieldSpec(name, "str", optional)
    raise TypeError(f"{name}: facts of type {hint!r} cannot be sent to the rules engine")


class FactSchema:
    """Declared fields of one facts class; validates instances and turns them into messages."""

    def __init__(
        self,
        facts_type: type,
        check: Callable[[Mapping[str, Any]], str | None] | None = None,
    ) -> None:
        hints = typing.get_type_hints(facts_type)
        self.facts_type = facts_type
        self.fields: dict[str, FieldSpec] = {}
        self._declared: list[FieldSpec] = []
        for f in dataclasses.fields(facts_type):
            spec = _spec(f.name, hints[f.name])
            self.fields[f.name] = spec
            self._declared.append(spec)
            if spec.kind == "items":  # lists are never sent: the rules see their count
                count = f"{f.name}_count"
                self.fields[count] = FieldSpec(count, "int", spec.optional)
        if len(self.fields) > MAX_FIELDS:
            raise TypeError(f"{self.name} has more than {MAX_FIELDS} fields for the engine")
        self._check = check

    @property
    def name(self) -> str:
        return self.facts_type.__name__

    def values(self, facts: object) -> dict[str, Any]:
        """Validated, normalised values of every field (None = missing); FactError if malformed."""
        if type(facts) is not self.facts_type:
            raise FactError(f"expected {self.name}, got {type(facts).__name__}")
        values: dict[str, Any] = {}
        for spec in self._declared:
            value = _normalise(self.name, spec, getattr(facts, spec.name))
            values[spec.name] = value
            if spec.kind == "items":
                values[f"{spec.name}_count"] = None if value is None else len(value)
        if self._check is not None:
            problem = self._check(values)
            if problem:
                raise FactError(f"{self.name}: {problem}")
        return values


def _normalise(owner: str, spec: FieldSpec, value: Any) -> Any:
    where = f"{owner}.{spec.name}"
    if value is None:
        if spec.optional:
            return None
        raise FactError(f"{where} is required (expected {spec.describe()}), got None")
    if type(value) is spec.enum:  # the common case, first
        return value
    if spec.kind == "enum":
        assert spec.enum is not None
        if isinstance(value, spec.enum):
            return value
        if isinstance(value, str):
            try:
                return spec.enum(value)
            except ValueError:
                pass
        allowed = ", ".join(str(m.value) for m in spec.enum)
        raise FactError(f"{where} must be a {spec.enum.__name__} ({allowed}), got {value!r}")
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        raise FactError(f"{where} must be true or false, got {value!r}")
    if spec.kind == "int":
        return _whole(where, value)
    if spec.kind == "str":
        if not isinstance(value, str):
            raise FactError(f"{where} must be text, got {type(value).__name__}")
        if len(value) > MAX_STRING:
            raise FactError(f"{where} is too long ({len(value)} characters, at most {MAX_STRING})")
        return value
    if not isinstance(value, tuple):
        raise FactError(f"{where} must be a tuple, got {type(value).__name__}")
    if len(value) > MAX_ITEMS:
        raise FactError(f"{where} has too many items ({len(value)}, at most {MAX_ITEMS})")
    return value


def _whole(where: str, value: Any) -> int:
    """Numbers reach the engine as int64: no bools, no fractions, no exponent-form floats."""
    if isinstance(value, bool):
        raise FactError(f"{where} must be a whole number, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise FactError(f"{where} must be a whole number, got {value!r}")
        number = int(value)
    else:
        raise FactError(f"{where} must be a whole number, got {type(value).__name__}")
    if not INT_MIN <= number <= INT_MAX:
        raise FactError(f"{where} is out of range ({number})")
    return number


def to_message(values: Mapping[str, Any], sent: frozenset[str]) -> dict[str, Any]:
    """The JSON-safe fields the engine needs: only those the rules test, None left out."""
    message: dict[str, Any] = {}
    for name in sent:
        value = values[name]
        if value is None:
            continue
        message[name] = value._value_ if isinstance(value, Enum) else value
    return message


class _Unknown:
    """Renders as "unknown" whatever the format spec, so a missing value never breaks a text."""

    def __format__(self, spec: str) -> str:
        return "unknown"

    def __str__(self) -> str:
        return "unknown"


UNKNOWN = _Unknown()


def display_value(value: Any) -> Any:
    """A value as the explanation texts show it: enum label, yes/no, numbers as numbers."""
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return getattr(value, "label", str(value._value_))
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return value


def display_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value as the explanation texts show them."""
    return {name: display_value(value) for name, value in values.items()}


class Shown(dict[str, Any]):
    """Display values computed on first use: most decisions render only a few texts."""

    def __init__(self, values: Mapping[str, Any], constants: Mapping[str, Any]) -> None:
        super().__init__(constants)
        self._values = values

    def __missing__(self, name: str) -> Any:
        shown = display_value(self._values[name])
        self[name] = shown
        return shown


def sample_values(schema: FactSchema) -> dict[str, Any]:
    """One plausible value per field, to try-render texts when a rule file loads."""
    samples: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        if spec.kind == "enum":
            assert spec.enum is not None
            samples[name] = next(iter(spec.enum))
        else:
            samples[name] = {"int": 1, "bool": True, "str": "x", "items": ("x",)}[spec.kind]
    return samples


__all__ = [
    "UNKNOWN",
    "FactSchema",
    "FieldSpec",
    "Shown",
    "display_values",
    "sample_values",
    "to_message",
]
