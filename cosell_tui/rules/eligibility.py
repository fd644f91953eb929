"""The eligibility rule set (policy *criteria*): every rule is one criterion of a checklist.

A criterion whose ``when:`` matches is *met*. One that does not match is *undecidable* when
a fact its condition reads is missing (for example no exchange rate, so no USD value), and
*failed* otherwise, so "value too low" never reads like "value unknown". ``met:`` and
``explain:`` are a text, or a list of ``{when:, text:}`` cases ending with a plain ``text:``,
rendered from the deal's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from cosell_tui.domain.facts import Checklist, Criterion, EligibilityFacts, Outcome
from cosell_tui.rules.models import Header, Rule, Strict, When, Words
from cosell_tui.rules.rulefile import Fail, RuleFile
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text


class Case(Strict):
    """One text of ``met:`` or ``explain:``: shown when its condition holds (the last: always)."""

    when: When | None = None
    text: Words


def _one_text(value: Any) -> Any:
    return [{"text": value}] if isinstance(value, str) else value


#: A text, or a list of cases ending with a plain ``text:``.
Cases = Annotated[list[Case], BeforeValidator(_one_text), Field(min_length=1)]


class CriterionRule(Rule):
    title: Words
    met: Cases
    explain: Cases
    unknown: Words | None = None

    @model_validator(mode="after")
    def _last_case_plain(self) -> CriterionRule:
        for key, cases in (("met", self.met), ("explain", self.explain)):
            for index, case in enumerate(cases):
                last = index == len(cases) - 1
                if last == (case.when is not None):
                    raise ValueError(
                        f"{key} → item {index + 1}: every case but the last has when:; "
                        "the last has none"
                    )
        return self


class EligibilityFile(Header):
    rules: list[CriterionRule] = Field(min_length=1)


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
    model = EligibilityFile

    def _cases(self, rule_id: str, key: str, cases: list[Case], fail: Fail) -> tuple[_Case, ...]:
        out: list[_Case] = []
        for index, case in enumerate(cases):
            name = None if case.when is None else f"{rule_id}.{key}.{index}"
            if name is not None:
                self.condition(name, case.when, fail, f"{key} → item {index + 1} → when")
            out.append(_Case(name, self.text(case.text, fail)))
        return tuple(out)

    def read(self, parsed: Header) -> None:
        assert isinstance(parsed, EligibilityFile)
        self.check_count(len(parsed.rules), "rules")
        self.criteria: list[_Criterion] = []
        for index, rule in enumerate(parsed.rules):
            fail = self.new_id(rule.id, f"rules → item {index + 1}")
            condition = self.condition(rule.id, rule.when, fail)
            optional = [f for f in condition.fields if self.schema.fields[f].optional]
            if optional and rule.unknown is None:
                raise fail(
                    f"unknown: {', '.join(sorted(optional))} may be missing; say in words what "
                    "that means for this criterion"
                )
            if not optional and rule.unknown is not None:
                raise fail("unknown: this criterion reads no fact that can be missing")
            self.criteria.append(
                _Criterion(
                    id=rule.id,
                    title=self.text(rule.title, fail),
                    fields=tuple(f for f in self.schema.fields if f in condition.fields),
                    met=self._cases(rule.id, "met", rule.met, fail),
                    explain=self._cases(rule.id, "explain", rule.explain, fail),
                    unknown=self.text(rule.unknown, fail) if rule.unknown is not None else None,
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
