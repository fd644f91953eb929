"""The deal-type rule set (policy *first*): which kind of deal the wizard's answers make.

Rules with ``deal_type:`` decide, the first that matches wins (domain.md §4.1 is an ordered
table). Rules with ``flag:`` (P2P) and ``problem:`` (refusals in words) are all collected;
any problem makes the answers invalid, so the decision then carries no deal type.
``one-way upgrades:`` lists the deal types in the order a deal may move along, never back (D13).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from cosell_tui.domain import DealType
from cosell_tui.domain.facts import DealTypeDecision, DealTypeFacts
from cosell_tui.rules.models import Header, Rule, Words
from cosell_tui.rules.rulefile import RuleFile
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text

NO_DECISION = "These answers do not decide a deal type: no rule of the deal-type file matches."
EFFECTS = ("deal_type", "flag", "problem")


class DealTypeRule(Rule):
    deal_type: DealType | None = None
    flag: Literal["p2p"] | None = None
    problem: Words | None = None
    reason: Words | None = None

    @model_validator(mode="after")
    def _one_effect(self) -> DealTypeRule:
        present = [key for key in EFFECTS if getattr(self, key) is not None]
        if len(present) != 1:
            raise ValueError(
                f"a rule needs exactly one of {', '.join(EFFECTS)}; found {present or 'none'}"
            )
        if self.deal_type is not None and self.reason is None:
            raise ValueError("reason: say in words why these answers make this deal type")
        if self.problem is not None and self.reason is not None:
            raise ValueError("a problem rule's words go in problem:, not reason:")
        return self


class DealTypeFile(Header):
    rules: list[DealTypeRule] = Field(min_length=1)
    upgrades: list[DealType] = Field(alias="one-way upgrades", min_length=2)


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    effect: str  # "deal_type" | "flag" | "problem"
    value: str  # the deal type's value or the flag's name ("" for problems)
    text: Text | None


class DealTypeRules(RuleFile):
    name = "deal_type"
    policy = "first"
    schema = FactSchema(DealTypeFacts)
    model = DealTypeFile

    def read(self, parsed: Header) -> None:
        assert isinstance(parsed, DealTypeFile)
        self.check_count(len(parsed.rules), "rules")
        self.rules: list[_Rule] = []
        for index, rule in enumerate(parsed.rules):
            fail = self.new_id(rule.id, f"rules → item {index + 1}")
            self.condition(rule.id, rule.when, fail)
            reason = self.text(rule.reason, fail) if rule.reason is not None else None
            if rule.deal_type is not None:
                self.rules.append(_Rule(rule.id, "deal_type", rule.deal_type.value, reason))
            elif rule.flag is not None:
                self.rules.append(_Rule(rule.id, "flag", rule.flag, reason))
            else:
                self.rules.append(_Rule(rule.id, "problem", "", self.text(rule.problem, fail)))
        if not any(rule.effect == "deal_type" for rule in self.rules):
            raise self.failer(None)("rules: at least one rule must decide a deal_type")
        if len(set(parsed.upgrades)) != len(parsed.upgrades):
            raise self.failer(None)("one-way upgrades: lists a deal type twice")
        #: Rank of each deal type along the one-way upgrades (D13). A type not listed (a
        #: solution assessment) ranks with the first: never above a listed type.
        self.upgrade_rank: dict[DealType, int] = {t: i for i, t in enumerate(parsed.upgrades)}

    def upgraded(self, current: DealType, decided: DealType) -> DealType:
        """``decided``, unless it is lower than ``current`` in the one-way upgrade order."""
        rank = self.upgrade_rank
        return current if rank.get(decided, 0) < rank.get(current, 0) else decided

    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> DealTypeDecision:
        shown = self.shown(values)
        decider: _Rule | None = None
        problems: list[tuple[str, str]] = []
        p2p = False
        for rule in self.rules:
            if rule.id not in fired:
                continue
            if rule.effect == "deal_type":
                decider = decider or rule
            elif rule.effect == "flag":
                p2p = p2p or rule.value == "p2p"
            else:
                assert rule.text is not None
                problems.append((rule.id, rule.text.render(shown)))
        if problems:
            texts = tuple(text for _, text in problems)
            ids = tuple(rule_id for rule_id, _ in problems)
            return DealTypeDecision(None, p2p, problems[0][0], texts[0], texts, ids)
        if decider is None:
            return DealTypeDecision(None, p2p, "", NO_DECISION, (NO_DECISION,))
        assert decider.text is not None
        return DealTypeDecision(
            DealType(decider.value), p2p, decider.id, decider.text.render(shown)
        )


__all__ = ["DealTypeRules"]
