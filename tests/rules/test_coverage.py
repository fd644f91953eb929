"""No dead rules: over a spread of valid facts, every compiled rule both fires and does not."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cosell_tui.domain import VALID_STATUS_PAIRS
from cosell_tui.rules import RuleBook
from cosell_tui.rules.schema import to_message

CHOICES: dict[str, list[Any]] = {
    "solution_count": [0, 1, 2, 50, 51],
    "assessment_count": [0, 1, 2],
    "invited_partner_count": [0, 1],
    "stage_pct": [10, 20, 40, 60, 80, 100],
    "hours_since_created": [0, 71, 72, 500],
    "hours_to_expiry": [None, -1, 0, 1, 300],
    "days_since_registered": [None, 0, 59, 60, 400],
    "azure_ip_solution_count": [0, 1],
    "value_usd": [None, 0, 24_999, 25_000],
    "value": ["1.00"],
    "currency": ["USD", "EUR"],
}


def random_facts(book: RuleBook, name: str, rng: random.Random) -> Any:
    compiled = getattr(book, f"_{name}")
    schema = compiled.rules.schema
    values: dict[str, Any] = {}
    for field, spec in schema.fields.items():
        if field in CHOICES:
            values[field] = rng.choice(CHOICES[field])
        elif spec.kind == "enum":
            options = list(spec.enum)
            values[field] = rng.choice([*options, *([None] if spec.optional else [])])
        else:
            values[field] = rng.choice([True, False, *([None] if spec.optional else [])])
    if name == "transitions":
        values["status"], values["substatus"] = rng.choice(sorted(VALID_STATUS_PAIRS))
    return schema.facts_type(**values)


@pytest.mark.parametrize("name", ["deal_type", "transitions", "eligibility"])
def test_every_rule_fires_and_also_does_not(book: RuleBook, name: str) -> None:
    compiled = getattr(book, f"_{name}")
    every = {rule.name for rule in compiled.rules.engine_rules}
    fired_somewhere: set[str] = set()
    silent_somewhere: set[str] = set()
    rng = random.Random(20261123)
    for _ in range(6_000):
        values = compiled.rules.schema.values(random_facts(book, name, rng))
        fired = compiled.engine.evaluate(to_message(values, compiled.rules.sent))
        fired_somewhere |= fired
        silent_somewhere |= every - fired
    assert every - fired_somewhere == set(), "rules that never fire"
    assert every - silent_somewhere == set(), "rules that always fire"
