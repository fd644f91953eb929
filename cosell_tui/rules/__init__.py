"""Business rules as data: deal type, transitions and registration eligibility.

The rule sets live in readable YAML files next to this module (see docs/rules.md) and run
on durable-rules through ``engine.py``, the only module that touches the engine. Callers
use :class:`RuleBook` with the facts and decisions of ``facts.py``.
"""

from __future__ import annotations

from cosell_tui.domain.facts import (
    Checklist,
    Criterion,
    DealTypeDecision,
    DealTypeFacts,
    EligibilityFacts,
    Outcome,
    TransitionDecision,
    TransitionFacts,
)
from cosell_tui.rules.errors import EngineError, FactError, RuleFileError
from cosell_tui.rules.rulebook import RuleBook, check_rule_files, default_rulebook

__all__ = [
    "Checklist",
    "Criterion",
    "DealTypeDecision",
    "DealTypeFacts",
    "EligibilityFacts",
    "EngineError",
    "FactError",
    "Outcome",
    "RuleBook",
    "RuleFileError",
    "TransitionDecision",
    "TransitionFacts",
    "check_rule_files",
    "default_rulebook",
]
