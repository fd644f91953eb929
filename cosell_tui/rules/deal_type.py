"""The deal-type rule set (policy *first*): which kind of deal the wizard's answers make.

Rules with ``deal_type:`` decide, the first that matches wins (domain.md §4.1 is an ordered
table). Rules with ``flag:`` (P2P) and ``problem:`` (refusals in words) are all collected;
any problem makes the answers invalid, so the decision then carries no deal type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cosell_tui.domain import DealType
from cosell_tui.domain.facts import DealTypeDecision, DealTypeFacts
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.rulefile import RuleFile, one_of
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text

FLAGS = ("p2p",)
NO_DECISION = "These answers do not decide a deal type: no rule of the deal-type file matches."


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
    rule_keys = frozenset({"deal_type", "reason", "flag", "problem"})

    def begin(self) -> None:
        self.rules: list[_Rule] = []

    def read_rule(
        self, rule_id: str, raw: Mapping[str, Any], fail: Callable[[str], RuleFileError]
    ) -> None:
        effect = one_of(raw, ("deal_type", "flag", "problem"), fail)
        self.condition(rule_id, raw.get("when"), fail)
        if effect == "deal_type":
            allowed = [t.value for t in DealType]
            if raw["deal_type"] not in allowed:
                raise fail(f"deal_type: {raw['deal_type']!r} is not one of {', '.join(allowed)}")
            if "reason" not in raw:
                raise fail("reason: say in words why these answers make this deal type")
            self.rules.append(
                _Rule(rule_id, effect, raw["deal_type"], self.text(raw["reason"], fail))
            )
        elif effect == "flag":
            if raw["flag"] not in FLAGS:
                raise fail(f"flag: {raw['flag']!r} is not one of {', '.join(FLAGS)}")
            reason = self.text(raw["reason"], fail) if "reason" in raw else None
            self.rules.append(_Rule(rule_id, effect, raw["flag"], reason))
        else:
            if "reason" in raw:
                raise fail("a problem rule's words go in problem:, not reason:")
            self.rules.append(_Rule(rule_id, effect, "", self.text(raw["problem"], fail)))

    def finish(self, data: Mapping[str, Any], fail: Callable[[str], RuleFileError]) -> None:
        if not any(rule.effect == "deal_type" for rule in self.rules):
            raise fail("rules: at least one rule must decide a deal_type")

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
            return DealTypeDecision(None, p2p, problems[0][0], texts[0], texts)
        if decider is None:
            return DealTypeDecision(None, p2p, "", NO_DECISION, (NO_DECISION,))
        assert decider.text is not None
        return DealTypeDecision(
            DealType(decider.value), p2p, decider.id, decider.text.render(shown)
        )


__all__ = ["DealTypeRules"]
