"""The transitions rule set (policy *collect*): which actions a deal allows now, and why not.

Every matching rule adds its effect: ``allow`` (with ``stages`` for marking sales stages),
``refuse`` (with a reason; a refusal beats any allow, and the first matching refusal's
reason is the one shown) or ``warn`` (allowed, but say this first). ``otherwise:`` gives
the reason for every action no rule allows or refuses, so each refusal is in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cosell_tui.domain import ASSESSMENT_STAGES, NORMAL_STAGES, VALID_STATUS_PAIRS, Action
from cosell_tui.domain.facts import TransitionDecision, TransitionFacts
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.rulefile import RuleFile, one_of
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text

STAGE_PCTS = frozenset(pct for pct, _ in (*NORMAL_STAGES, *ASSESSMENT_STAGES))


def _valid_state(values: Mapping[str, Any]) -> str | None:
    pair = (values["status"], values["substatus"])
    if pair not in VALID_STATUS_PAIRS:
        return f"status {pair[0]} with substatus {pair[1]} is not a valid state"
    return None


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    effect: str  # "allow" | "refuse" | "warn"
    actions: frozenset[Action]
    stages: frozenset[int]
    text: Text | None


class TransitionRules(RuleFile):
    name = "transitions"
    policy = "collect"
    schema = FactSchema(TransitionFacts, check=_valid_state)
    rule_keys = frozenset({"allow", "stages", "refuse", "except", "reason", "warn", "warning"})
    extra_keys = frozenset({"otherwise"})

    def _actions(self, raw: Any, key: str, fail: Callable[[str], RuleFileError]) -> set[Action]:
        known = [a.value for a in Action]
        if raw == "all" and key == "refuse":
            return set(Action)
        if not isinstance(raw, list) or not raw:
            raise fail(f"{key}: must be a list of actions ({', '.join(known)})")
        actions: set[Action] = set()
        for item in raw:
            if item not in known:
                raise fail(f"{key}: {item!r} is not an action ({', '.join(known)})")
            actions.add(Action(item))
        return actions

    def begin(self) -> None:
        self.rules: list[_Rule] = []

    def read_rule(
        self, rule_id: str, raw: Mapping[str, Any], fail: Callable[[str], RuleFileError]
    ) -> None:
        effect = one_of(raw, ("allow", "refuse", "warn"), fail)
        self.condition(rule_id, raw.get("when"), fail)
        actions = self._actions(raw[effect], effect, fail)
        stages: set[int] = set()
        text: Text | None = None
        if effect == "allow":
            extra = sorted(k for k in ("except", "reason", "warning") if k in raw)
            if extra:
                raise fail(f"{extra[0]}: does not go with allow:")
            if (Action.MARK_STAGE in actions) != ("stages" in raw):
                raise fail("stages: a rule allowing mark_stage lists its stages, and only it")
            if "stages" in raw:
                if not isinstance(raw["stages"], list) or not raw["stages"]:
                    raise fail("stages: must be a list of stage percentages")
                for pct in raw["stages"]:
                    if isinstance(pct, bool) or pct not in STAGE_PCTS:
                        raise fail(f"stages: {pct!r} is not a stage ({sorted(STAGE_PCTS)})")
                stages = set(raw["stages"])
        elif effect == "refuse":
            if "stages" in raw or "warning" in raw:
                raise fail("a refusal has a reason: only")
            if "except" in raw:
                if raw["refuse"] != "all":
                    raise fail("except: goes only with refuse: all")
                actions -= self._actions(raw["except"], "except", fail)
            if "reason" not in raw:
                raise fail("reason: say in words why the action is refused")
            text = self.text(raw["reason"], fail)
        else:
            if any(k in raw for k in ("stages", "except", "reason")):
                raise fail("a warning has a warning: text only")
            if "warning" not in raw:
                raise fail("warning: say in words what the user should know first")
            text = self.text(raw["warning"], fail)
        self.rules.append(_Rule(rule_id, effect, frozenset(actions), frozenset(stages), text))

    def finish(self, data: Mapping[str, Any], fail: Callable[[str], RuleFileError]) -> None:
        raw = data.get("otherwise")
        if not isinstance(raw, dict):
            raise fail("otherwise: must map every action to the reason it is not possible")
        known = {a.value for a in Action}
        unknown = sorted(str(k) for k in raw if k not in known)
        if unknown:
            raise fail(f"otherwise: {unknown[0]!r} is not an action")
        missing = [a.value for a in Action if a.value not in raw]
        if missing:
            raise fail(f"otherwise: no reason for {', '.join(missing)}")
        self.otherwise = {Action(k): self.text(v, fail) for k, v in raw.items()}

    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> TransitionDecision:
        shown = self.shown(values)
        allowed: set[Action] = set()
        stages: set[int] = set()
        refusals: dict[Action, str] = {}
        warnings: dict[Action, str] = {}
        for rule in self.rules:
            if rule.id not in fired:
                continue
            if rule.effect == "allow":
                allowed |= rule.actions
                stages |= rule.stages
                continue
            assert rule.text is not None
            target = refusals if rule.effect == "refuse" else warnings
            text = rule.text.render(shown)
            for action in rule.actions:
                target.setdefault(action, text)
        allowed -= refusals.keys()
        if not stages:
            allowed.discard(Action.MARK_STAGE)
        ordered_refusals = {
            action: refusals.get(action) or self.otherwise[action].render(shown)
            for action in Action
            if action not in allowed
        }
        return TransitionDecision(
            allowed=frozenset(allowed),
            stages=tuple(sorted(stages)) if Action.MARK_STAGE in allowed else (),
            refusals=MappingProxyType(ordered_refusals),
            warnings=MappingProxyType({a: w for a, w in warnings.items() if a in allowed}),
        )


__all__ = ["TransitionRules"]
