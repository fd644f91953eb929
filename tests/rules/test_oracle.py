"""The engine against the oracle: for any facts, durable-rules fires exactly the rules a plain
Python reading of the same compiled JSON says match, and so gives the same decision.

An engine mis-evaluation (a clamped number, a mis-read `$neq` on a missing field, a rule lost
in a chunk) cannot pass unseen: every decision the book gives is also computed from the
oracle's matches. The grid test is what proved the restructured transitions.yaml equivalent
to the old one, kept against the oracle.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    DealType,
    Direction,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
)
from cosell_tui.rules import RuleBook
from cosell_tui.rules.engine import CATCH_ALL, EngineRuleset
from cosell_tui.rules.schema import to_message
from tests.rules.factories import transition_facts as example
from tests.rules.oracle import Oracle, OracleError, holds
from tests.rules.strategies import (
    deal_type_facts,
    eligibility_facts,
    transition_facts,
    wide_facts,
)

NAMES = ["deal_type", "transitions", "eligibility"]
REALISTIC = {
    "deal_type": deal_type_facts,
    "transitions": transition_facts(),
    "eligibility": eligibility_facts,
}
SETTINGS = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


_oracles: weakref.WeakKeyDictionary[EngineRuleset, Oracle] = weakref.WeakKeyDictionary()


def oracle_fired(book: RuleBook, name: str, facts: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """The facts' validated values, and the rules the engine fires, checked by the oracle."""
    compiled = getattr(book, f"_{name}")
    values = compiled.rules.schema.values(facts)
    fields = to_message(values, compiled.rules.sent)
    engine = compiled.engine
    oracle = _oracles.get(engine) or _oracles.setdefault(engine, Oracle(engine.definitions))
    expected = oracle.fired(engine.message(fields))
    assert engine.evaluate(fields) == expected, facts
    return values, expected


def decide_both(book: RuleBook, name: str, facts: Any) -> tuple[Any, Any]:
    """(the book's decision through the engine, the decision from the oracle's matches)."""
    values, expected = oracle_fired(book, name, facts)
    return getattr(book, name)(facts), getattr(book, f"_{name}").rules.decide(values, expected)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_engine_agrees_with_the_oracle_on_wide_facts(
    book: RuleBook, name: str, data: st.DataObject
) -> None:
    facts = data.draw(wide_facts(getattr(book, f"_{name}").rules), label="facts")
    engine, oracle = decide_both(book, name, facts)
    assert engine == oracle


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_engine_agrees_with_the_oracle_on_realistic_facts(
    book: RuleBook, name: str, data: st.DataObject
) -> None:
    facts = data.draw(REALISTIC[name], label="facts")
    engine, oracle = decide_both(book, name, facts)
    assert engine == oracle


def read_fields_grid(stride: int = 1) -> Iterator[Any]:
    """Combinations of the enum and boolean facts transitions.yaml reads (all 92,160 with
    stride 1), the three whole numbers rotating through the values its conditions compare
    with."""
    numbers = list(
        itertools.product(
            [0, 10, 19, 20, 21, 40, 59, 60, 79, 80, 100],
            [0, 71, 72, 500],
            [None, -1, 0, 1, 300],
        )
    )
    bools = (False, True)
    registration: list[RegistrationStatus | None] = [None, *RegistrationStatus]
    combos = itertools.product(
        Direction, sorted(VALID_STATUS_PAIRS), DealType, MicrosoftStatus, bools, Role, bools,
        registration, bools,
    )  # fmt: skip
    base = example()
    for index, (direction, pair, kind, ms, invitee, role, team, reg, eligible) in enumerate(combos):
        if index % stride:
            continue
        stage, since, expiry = numbers[(index * 7919) % len(numbers)]
        yield dataclasses.replace(
            base,
            direction=direction,
            status=pair[0],
            substatus=pair[1],
            deal_type=kind,
            microsoft_status=ms,
            is_invitee=invitee,
            role=role,
            on_team=team,
            registration_status=reg,
            registration_eligible=eligible,
            stage_pct=stage,
            hours_since_created=since,
            hours_to_expiry=expiry,
        )


def test_transitions_grid_agrees_with_the_oracle(book: RuleBook) -> None:
    """A sixth of the grid (15,360 facts, a few seconds): the engine fires what the oracle says.
    (The property tests beside it draw from the whole space.)"""
    count = 0
    for facts in read_fields_grid(stride=6):
        oracle_fired(book, "transitions", facts)
        count += 1
    assert count == 15_360


# --- the oracle itself follows durable's semantics -------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "fact", "expected"),
    [
        ({"a": 1}, {"a": 1}, True),
        ({"a": 1}, {}, False),
        ({"$neq": {"a": 1}}, {}, False),  # missing: every operator is false, $neq too
        ({"$neq": {"a": 1}}, {"a": 2}, True),
        ({"$lt": {"a": 0}}, {}, False),
        ({"$gte": {"a": 2**63 - 1}}, {"a": 2**63 - 1}, True),
        ({"$nex": {"a": 1}}, {}, True),
        ({"$ex": {"a": 1}}, {"a": 0}, True),
        ({"a": False}, {"a": 0}, True),  # durable: 0 == false
        ({"$or": [{"a": 1}, {"b": 1}]}, {"b": 1}, True),
        ({"$and": [{"a": 1}, {"$nex": {"b": 1}}]}, {"a": 1}, True),
        ({"$in": {"a": 1}}, {"a": 1}, False),  # unknown operator: read as the field "$in"
    ],
)
def test_oracle_semantics(pattern: dict[str, Any], fact: dict[str, Any], expected: bool) -> None:
    assert holds(pattern, fact) is expected


def test_oracle_refuses_what_durable_would_read_untyped() -> None:
    definition = {
        "r": {"all": [{"m": {"$gt": {"a": 10}}}], "pri": 1},
        CATCH_ALL: {"all": [{"m": {"_kind": "x"}}], "pri": 2},
    }
    oracle = Oracle([json.dumps(definition)])
    with pytest.raises(OracleError, match="not a number"):
        oracle.fired(json.dumps({"a": "5", "_kind": "x"}))
    with pytest.raises(OracleError, match="int64"):
        oracle.fired(json.dumps({"a": 2**64, "_kind": "x"}))
    with pytest.raises(OracleError, match="catch-all"):
        oracle.fired(json.dumps({"a": 11, "_kind": "y"}))
    assert oracle.fired(json.dumps({"a": 11, "_kind": "x"})) == {"r"}


def test_oracle_catches_an_engine_that_would_clamp(book: RuleBook) -> None:
    """The engine stores int64 only; the fact schema refuses wider numbers before the engine."""
    from cosell_tui.rules import FactError

    with pytest.raises(FactError, match="out of range"):
        book.transitions(example(stage_pct=2**63))
