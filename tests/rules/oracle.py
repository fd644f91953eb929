"""A small pure-Python evaluator of what the wrapper hands to durable-rules: the oracle.

It reads the JSON ruleset definitions exactly as ``EngineRuleset`` sent them to the C engine
(``EngineRuleset.definitions``) and the JSON fact it asserts (``EngineRuleset.message``), and
says which rules match, so a property test can hold the engine to it. It follows durable's
semantics as far as our rule files use them (docs/rules.md, "How the engine is used safely"):

- a pattern is a mapping; ``$and`` / ``$or`` hold lists of patterns; any other ``$name`` key
  is an operator (``$neq $lt $lte $gt $gte $ex $nex``) or, as durable does with an unknown
  operator, a field name;
- a missing field makes every test false, ``$neq`` included; only ``$nex`` holds then;
- numbers are int64 (the oracle refuses anything wider, as the engine would clamp it) and a
  boolean equals its number (``0 == false``);
- the engine has no type checks, so comparing a text with a number is refused here: the fact
  schema must never let such a fact through, and the oracle makes that loud.

Every rule matching means "fires": facts, not events, so all matching rules fire; the
catch-all (``__done__``) must match every fact and is not reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cosell_tui.rules.engine import CATCH_ALL

INT64 = (-(2**63), 2**63 - 1)
COMPARE = {
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
}


class OracleError(AssertionError):
    """The oracle met something durable would treat in its own, untyped way."""


class Oracle:
    """The rules of one or more C rulesets (the chunks of one rule set), evaluated in Python."""

    def __init__(self, definitions: Iterable[str]) -> None:
        self.rules: list[tuple[str, Mapping[str, Any]]] = []
        for definition in definitions:
            ruleset = json.loads(definition)
            for name, rule in sorted(ruleset.items(), key=lambda item: item[1]["pri"]):
                patterns = rule["all"]
                if len(patterns) != 1 or set(patterns[0]) != {"m"}:
                    raise OracleError(f"rule {name}: only one pattern on the fact is supported")
                self.rules.append((name, patterns[0]["m"]))

    def fired(self, message: str) -> frozenset[str]:
        """Names of the rules the asserted fact (durable's JSON message) matches."""
        fact = json.loads(message)
        for value in fact.values():
            _check_value(value)
        matched = [name for name, pattern in self.rules if holds(pattern, fact)]
        catch_alls = [name for name in matched if name == CATCH_ALL]
        if not catch_alls:
            raise OracleError("the catch-all does not match: the fact is not anchored")
        return frozenset(name for name in matched if name != CATCH_ALL)


def _check_value(value: Any) -> None:
    if isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if not INT64[0] <= value <= INT64[1]:
            raise OracleError(f"{value} is outside int64: the engine would clamp it")
        return
    raise OracleError(f"{value!r}: the wrapper sends only text, whole numbers and true/false")


def holds(pattern: Mapping[str, Any], fact: Mapping[str, Any]) -> bool:
    """Whether a durable pattern holds for a fact (every entry of a mapping must hold)."""
    return all(_entry(key, arg, fact) for key, arg in pattern.items())


def _entry(key: str, arg: Any, fact: Mapping[str, Any]) -> bool:
    if key == "$and":
        return all(holds(p, fact) for p in arg)
    if key == "$or":
        return any(holds(p, fact) for p in arg)
    if key in ("$ex", "$nex"):
        ((field, _),) = arg.items()
        return (field in fact) is (key == "$ex")
    if key == "$neq" or key in COMPARE:
        ((field, expected),) = arg.items()
        if field not in fact:
            return False  # a missing field makes every operator false, $neq too
        actual = fact[field]
        if key == "$neq":
            return not _equal(actual, expected)
        return bool(COMPARE[key](_number(actual), _number(expected)))
    # anything else is a field (durable reads an unknown "$op" as a field name too)
    return key in fact and _equal(fact[key], arg)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        if not (isinstance(a, str) and isinstance(b, str)):
            raise OracleError(f"{a!r} compared with {b!r}: the engine has no type checks")
        return a == b
    return _number(a) == _number(b)  # durable: 0 == false, 1 == true


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    raise OracleError(f"{value!r} is not a number: the engine would compare it untyped")


__all__ = ["Oracle", "OracleError", "holds"]
