"""Hypothesis strategies for the three kinds of facts: realistic ones and wide ones.

The realistic strategies draw the values deals have (stage percentages, small counts); the
wide ones draw from each fact's whole declared range (any int64, any enum value, None where
allowed), weighted towards the numbers the rule files compare with, so boundaries are hit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

from cosell_tui.domain import (
    VALID_STATUS_PAIRS,
    AccountKind,
    DealType,
    Direction,
    ExceptionStatus,
    HelpType,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
    Substatus,
)
from cosell_tui.rules import DealTypeFacts, EligibilityFacts, TransitionFacts
from cosell_tui.rules.rulefile import RuleFile
from cosell_tui.rules.schema import INT_MAX, INT_MIN, FieldSpec

deal_type_facts = st.builds(
    DealTypeFacts,
    solution_count=st.integers(0, 60),
    assessment_count=st.integers(0, 3),
    help_type=st.sampled_from(HelpType),
    visible_to_microsoft=st.none() | st.booleans(),
    invited_partner_count=st.integers(0, 4),
    has_customer_contact=st.booleans(),
    org_assessment_vetted=st.booleans(),
)


@st.composite
def transition_facts(draw: st.DrawFn) -> TransitionFacts:
    status, substatus = draw(st.sampled_from(sorted(VALID_STATUS_PAIRS)))
    return TransitionFacts(
        direction=draw(st.sampled_from(Direction)),
        status=status,
        substatus=substatus,
        deal_type=draw(st.sampled_from(DealType)),
        stage_pct=draw(st.sampled_from([10, 20, 40, 60, 80, 100])),
        help_type=draw(st.sampled_from(HelpType)),
        visible_to_microsoft=draw(st.booleans()),
        microsoft_status=draw(st.sampled_from(MicrosoftStatus)),
        has_customer_contact=draw(st.booleans()),
        is_invitee=draw(st.booleans()),
        role=draw(st.sampled_from(Role)),
        on_team=draw(st.booleans()),
        hours_since_created=draw(st.integers(0, 10_000)),
        hours_to_expiry=draw(st.none() | st.integers(-400, 400)),
        registration_status=draw(st.none() | st.sampled_from(RegistrationStatus)),
        registration_eligible=draw(st.booleans()),
        requester_substatus=draw(st.none() | st.sampled_from(Substatus)),
        exception_status=draw(st.none() | st.sampled_from(ExceptionStatus)),
        days_since_registered=draw(st.none() | st.integers(0, 400)),
    )


eligibility_facts = st.builds(
    EligibilityFacts,
    substatus=st.sampled_from(Substatus),
    deal_type=st.sampled_from(DealType),
    microsoft_status=st.sampled_from(MicrosoftStatus),
    azure_ip_solution_count=st.integers(0, 5),
    value=st.just("1.00"),
    currency=st.sampled_from(["USD", "EUR", "JPY"]),
    value_usd=st.none() | st.integers(0, 10**7),
    account_kind=st.sampled_from(AccountKind),
    matched_to_managed=st.booleans(),
)


def _numbers(node: Any) -> Iterator[int]:
    """Every whole number a compiled condition compares with."""
    if isinstance(node, Mapping):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, int) and not isinstance(node, bool):
        yield node


def _field(spec: FieldSpec, near: list[int]) -> st.SearchStrategy[Any]:
    if spec.kind == "enum":
        assert spec.enum is not None
        strategy: st.SearchStrategy[Any] = st.sampled_from(spec.enum)
    elif spec.kind == "bool":
        strategy = st.booleans()
    elif spec.kind == "int":
        strategy = st.one_of(
            st.sampled_from(near),
            st.integers(-3, 3),
            st.integers(INT_MIN, INT_MAX),
            st.sampled_from([INT_MIN, INT_MAX]),
        )
    elif spec.kind == "str":
        strategy = st.text(max_size=12)
    else:
        strategy = st.lists(st.text(max_size=4), max_size=3).map(tuple)
    return st.none() | strategy if spec.optional else strategy


def wide_facts(rules: RuleFile) -> st.SearchStrategy[Any]:
    """Any valid facts of a rule set: every field over its declared range, None where allowed,
    numbers often next to those the rule file compares with."""
    schema = rules.schema
    near = sorted(
        {n + d for rule in rules.engine_rules for n in _numbers(rule.condition) for d in (-1, 0, 1)}
    ) or [0]
    fields = {
        f.name: _field(schema.fields[f.name], near) for f in dataclasses.fields(schema.facts_type)
    }
    facts = st.builds(schema.facts_type, **fields)
    if schema.facts_type is TransitionFacts:
        pairs = st.sampled_from(sorted(VALID_STATUS_PAIRS))
        return st.tuples(facts, pairs).map(
            lambda fp: dataclasses.replace(fp[0], status=fp[1][0], substatus=fp[1][1])
        )
    return facts


__all__ = ["deal_type_facts", "eligibility_facts", "transition_facts", "wide_facts"]
