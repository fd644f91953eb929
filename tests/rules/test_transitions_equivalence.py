"""Record the transitions decisions of the current rule file, then check a rewrite against them.

A one-off guard for restructuring transitions.yaml (the decisions must not change): run with

    export COSELL_EQUIV_FILE=/tmp/old.pickle.gz
    COSELL_EQUIV=record pytest -s tests/rules/test_transitions_equivalence.py   # before
    COSELL_EQUIV=compare pytest -s tests/rules/test_transitions_equivalence.py  # after

It covers every combination of the enum and boolean fields (2,580,480 facts; the three whole
numbers rotate through their boundary values), every combination of the boundary numbers
with the fields that gate them, and a hypothesis sample. Skipped unless COSELL_EQUIV is set.
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import os
import pickle
from array import array
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
)
from cosell_tui.rules import RuleBook, TransitionDecision, TransitionFacts
from tests.rules.test_properties import transition_facts

MODE = os.environ.get("COSELL_EQUIV", "")
FILE = os.environ.get("COSELL_EQUIV_FILE", "/tmp/cosell-transitions-equivalence.pickle.gz")
pytestmark = pytest.mark.skipif(MODE not in ("record", "compare"), reason="COSELL_EQUIV unset")

PAIRS = sorted(VALID_STATUS_PAIRS)
STAGES = [0, 10, 19, 20, 21, 39, 40, 41, 59, 60, 61, 79, 80, 81, 100]
SINCE = [0, 1, 71, 72, 73, 500]
EXPIRY: list[int | None] = [None, -300, -1, 0, 1, 300]
NUMBERS = list(itertools.product(STAGES, SINCE, EXPIRY))
REG: list[RegistrationStatus | None] = [None, *RegistrationStatus]


def _facts(
    direction: Direction,
    pair: tuple[Any, Any],
    deal_type: DealType,
    help_type: HelpType,
    visible: bool,
    ms: MicrosoftStatus,
    contact: bool,
    invitee: bool,
    role: Role,
    on_team: bool,
    reg: RegistrationStatus | None,
    eligible: bool,
    numbers: tuple[int, int, int | None],
) -> TransitionFacts:
    return TransitionFacts(
        direction=direction,
        status=pair[0],
        substatus=pair[1],
        deal_type=deal_type,
        stage_pct=numbers[0],
        help_type=help_type,
        visible_to_microsoft=visible,
        microsoft_status=ms,
        has_customer_contact=contact,
        is_invitee=invitee,
        role=role,
        on_team=on_team,
        hours_since_created=numbers[1],
        hours_to_expiry=numbers[2],
        registration_status=reg,
        registration_eligible=eligible,
    )


def enum_grid() -> Iterator[TransitionFacts]:
    """Every combination of the enum and boolean fields; the numbers rotate."""
    bools = (False, True)
    combos = itertools.product(
        Direction, PAIRS, DealType, HelpType, bools, MicrosoftStatus, bools, bools, Role, bools,
        REG, bools,
    )  # fmt: skip
    for index, combo in enumerate(combos):
        yield _facts(*combo, numbers=NUMBERS[(index * 7919) % len(NUMBERS)])


def number_grid() -> Iterator[TransitionFacts]:
    """Every boundary number with every field that gates them; the other fields rotate."""
    combos = itertools.product(NUMBERS, PAIRS, DealType, Direction, Role, (False, True))
    for index, (numbers, pair, deal_type, direction, role, on_team) in enumerate(combos):
        yield _facts(
            direction,
            pair,
            deal_type,
            list(HelpType)[index % 7],
            bool(index % 2),
            list(MicrosoftStatus)[index % 6],
            bool(index // 2 % 2),
            bool(index // 3 % 2),
            role,
            on_team,
            REG[index % 10],
            bool(index // 5 % 2),
            numbers,
        )


def key(decision: TransitionDecision) -> tuple[Any, ...]:
    return (
        tuple(sorted(a.value for a in decision.allowed)),
        decision.stages,
        tuple((a.value, text) for a, text in decision.refusals.items()),
        tuple((a.value, text) for a, text in decision.warnings.items()),
    )


class Table:
    """Distinct decisions, and one index per fact (2.6 million facts, a few thousand answers)."""

    def __init__(self) -> None:
        self.decisions: list[tuple[Any, ...]] = []
        self.ids: dict[tuple[Any, ...], int] = {}

    def id(self, decision: TransitionDecision) -> int:
        k = key(decision)
        if k not in self.ids:
            self.ids[k] = len(self.decisions)
            self.decisions.append(k)
        return self.ids[k]


SAMPLED: dict[TransitionFacts, tuple[Any, ...]] = {}


@pytest.fixture(scope="module")
def recording() -> Iterator[dict[str, Any]]:
    if MODE == "record":
        data: dict[str, Any] = {}
        yield data
        with gzip.open(FILE, "wb") as out:
            pickle.dump(data, out)
    else:
        with gzip.open(FILE, "rb") as src:
            yield pickle.load(src)


@pytest.fixture(scope="module")
def rules() -> Iterator[RuleBook]:
    with RuleBook.load(cache_size=0) as book:
        yield book


@pytest.mark.parametrize("grid", [enum_grid, number_grid], ids=["enums", "numbers"])
def test_grid(rules: RuleBook, recording: dict[str, Any], grid: Any) -> None:
    table = Table()
    seen = array("I")
    for facts in grid():
        seen.append(table.id(rules.transitions(facts)))
    if MODE == "record":
        recording[grid.__name__] = (table.decisions, seen)
        print(f"{grid.__name__}: {len(seen)} facts, {len(table.decisions)} distinct decisions")
        return
    old_decisions, old_seen = recording[grid.__name__]
    assert len(seen) == len(old_seen)
    mismatches = [
        (i, old_decisions[o], table.decisions[n])
        for i, (o, n) in enumerate(zip(old_seen, seen, strict=True))
        if old_decisions[o] != table.decisions[n]
    ]
    assert not mismatches[:5], f"{len(mismatches)} of {len(seen)} decisions differ"
    print(f"{grid.__name__}: {len(seen)} facts identical")


wide_facts = st.builds(
    TransitionFacts,
    direction=st.sampled_from(Direction),
    status=st.sampled_from(PAIRS).map(lambda p: p[0]),
    substatus=st.just(None),
    deal_type=st.sampled_from(DealType),
    stage_pct=st.integers(-(2**63), 2**63 - 1),
    help_type=st.sampled_from(HelpType),
    visible_to_microsoft=st.booleans(),
    microsoft_status=st.sampled_from(MicrosoftStatus),
    has_customer_contact=st.booleans(),
    is_invitee=st.booleans(),
    role=st.sampled_from(Role),
    on_team=st.booleans(),
    hours_since_created=st.integers(-(2**63), 2**63 - 1),
    hours_to_expiry=st.none() | st.integers(-(2**63), 2**63 - 1),
    registration_status=st.none() | st.sampled_from(RegistrationStatus),
    registration_eligible=st.booleans(),
)


@st.composite
def any_facts(draw: st.DrawFn) -> TransitionFacts:
    if draw(st.booleans()):
        return draw(transition_facts())
    facts = draw(wide_facts)
    pair = draw(st.sampled_from([p for p in PAIRS if p[0] is facts.status]))
    return dataclasses.replace(facts, substatus=pair[1])


@settings(
    max_examples=20_000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(any_facts())
def test_sampled(rules: RuleBook, facts: TransitionFacts) -> None:
    SAMPLED[facts] = key(rules.transitions(facts))


def test_sampled_recorded_or_compared(rules: RuleBook, recording: dict[str, Any]) -> None:
    if MODE == "record":
        recording["sampled"] = dict(SAMPLED)
        print(f"sampled: {len(SAMPLED)} facts")
        return
    old: dict[TransitionFacts, tuple[Any, ...]] = recording["sampled"]
    differ = [f for f, k in old.items() if key(rules.transitions(f)) != k]
    assert not differ[:5], f"{len(differ)} of {len(old)} sampled decisions differ"
    print(f"sampled: {len(old)} recorded facts identical")
