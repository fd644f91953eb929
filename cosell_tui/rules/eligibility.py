"""The eligibility rule set (policy *criteria*): every rule is one criterion of a checklist.

A criterion whose ``when:`` matches is *met*. One that does not match is *undecidable* when
a fact its condition reads is missing (for example no exchange rate, so no USD value), and
*failed* otherwise, so "value too low" never reads like "value unknown". ``met:`` and
``explain:`` are a text, or a list of ``{when:, text:}`` cases ending with a plain ``text:``,
rendered from the deal's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cosell_tui.domain.facts import Checklist, Criterion, EligibilityFacts, Outcome
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.rulefile import RuleFile
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text


@dataclass(frozen=True, slots=True)
class _Case:
    name: str | None  # engine rule name; None for the closing default text
    text: Text


@dataclass(frozen=True, slots=True)
class _Criterion:
    id: str
    title: Text
    fields: tuple[str, ...]  # facts the condition reads, in declaration order
    met: tuple[_Case, ...]
    explain: tuple[_Case, ...]
    unknown: Text | None


class EligibilityRules(RuleFile):
    name = "eligibility"
    policy = "criteria"
    schema = FactSchema(EligibilityFacts)
    rule_keys = frozenset({"title", "met", "explain", "unknown"})

    def begin(self) -> None:
        self.criteria: list[_Criterion] = []

    def _cases(
        self, rule_id: str, key: str, raw: Any, fail: Callable[[str], RuleFileError]
    ) -> tuple[_Case, ...]:
        if isinstance(raw, str):
            return (_Case(None, self.text(raw, fail)),)
        if not isinstance(raw, list) or not raw:
            raise fail(f"{key}: a text, or a list of cases (when: and text:) ending with text:")
        cases: list[_Case] = []
        for index, case in enumerate(raw):
            if not isinstance(case, dict) or "text" not in case or set(case) - {"when", "text"}:
                raise fail(f"{key}[{index}]: a case has text: and, except the last, when:")
            last = index == len(raw) - 1
            if last == ("when" in case):
                raise fail(f"{key}[{index}]: every case but the last has when:; the last has none")
            name = None if last else f"{rule_id}.{key}.{index}"
            if name is not None:
                self.condition(name, case["when"], fail)
            cases.append(_Case(name, self.text(case["text"], fail)))
        return tuple(cases)

    def read_rule(
        self, rule_id: str, raw: Mapping[str, Any], fail: Callable[[str], RuleFileError]
    ) -> None:
        for key in ("title", "met", "explain"):
            if key not in raw:
                raise fail(f"{key}: a criterion needs a title, a met text and an explain text")
        condition = self.condition(rule_id, raw.get("when"), fail)
        optional = [f for f in condition.fields if self.schema.fields[f].optional]
        if optional and "unknown" not in raw:
            raise fail(
                f"unknown: {', '.join(sorted(optional))} may be missing; say in words what "
                "that means for this criterion"
            )
        if not optional and "unknown" in raw:
            raise fail("unknown: this criterion reads no fact that can be missing")
        self.criteria.append(
            _Criterion(
                id=rule_id,
                title=self.text(raw["title"], fail),
                fields=tuple(f for f in self.schema.fields if f in condition.fields),
                met=self._cases(rule_id, "met", raw["met"], fail),
                explain=self._cases(rule_id, "explain", raw["explain"], fail),
                unknown=self.text(raw["unknown"], fail) if "unknown" in raw else None,
            )
        )

    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> Checklist:
        shown = self.shown(values)
        items: list[Criterion] = []
        for rule in self.criteria:
            missing: tuple[str, ...] = ()
            if rule.id in fired:
                outcome, text = Outcome.MET, _pick(rule.met, fired)
            else:
                missing = tuple(f for f in rule.fields if values[f] is None)
                if missing:
                    assert rule.unknown is not None
                    outcome, text = Outcome.UNDECIDABLE, rule.unknown
                else:
                    outcome, text = Outcome.FAILED, _pick(rule.explain, fired)
            items.append(
                Criterion(rule.id, rule.title.render(shown), outcome, text.render(shown), missing)
            )
        return Checklist(tuple(items))


def _pick(cases: tuple[_Case, ...], fired: frozenset[str]) -> Text:
    for case in cases:
        if case.name is None or case.name in fired:
            return case.text
    return cases[-1].text


__all__ = ["EligibilityRules"]
