"""What every rule file has in common: its header, its constants, its list of rules.

A rule file declares which rule set it holds (``ruleset:``) and its hit policy (``policy:``),
so ``cosell rules check FILE`` can validate any one file on its own. Each rule has an ``id``
(kept in decisions, so a refusal can be traced to its line) and a ``source`` (the domain.md
section or decision it comes from), a ``when:`` condition and the effect of its policy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from cosell_tui.rules.engine import EngineRule
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.schema import FactSchema, Shown
from cosell_tui.rules.vocabulary import (
    RULE_ID,
    Condition,
    Text,
    compile_when,
    read_constants,
    read_yaml,
)

#: Most rules in one file: far below the engine's 4,096 per ruleset and 256 per first test
#: (the engine wrapper also splits files into chunks of at most 48 rules).
MAX_RULES = 120
HEADER_KEYS = frozenset({"ruleset", "policy", "facts", "description", "constants", "rules"})
COMMON_RULE_KEYS = frozenset({"id", "source", "when"})


class RuleFile(ABC):
    """One rule set read from a file: validated at load, compiled for the engine."""

    #: The rule set's name, as written after ``ruleset:`` and as the default file's stem.
    name: ClassVar[str]
    policy: ClassVar[str]
    schema: ClassVar[FactSchema]
    #: Keys a rule of this set may have besides id, source and when.
    rule_keys: ClassVar[frozenset[str]]
    #: Top-level keys besides the common header.
    extra_keys: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        fail = self.failer(None)
        unknown = sorted(str(k) for k in data if k not in HEADER_KEYS | self.extra_keys)
        if unknown:
            known = ", ".join(sorted(HEADER_KEYS | self.extra_keys))
            raise fail(f"unknown top-level key {unknown[0]!r} (known: {known})")
        if data.get("ruleset") != self.name:
            raise fail(f"ruleset: must be {self.name!r}, got {data.get('ruleset')!r}")
        if data.get("policy") != self.policy:
            raise fail(f"policy: the {self.name} rule set uses {self.policy!r}")
        if "facts" in data and data["facts"] != self.schema.name:
            raise fail(f"facts: the {self.name} rule set reads {self.schema.name}")
        self.constants: dict[str, int | str] = read_constants(
            data.get("constants"), self.schema, fail
        )
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise fail("rules: must be a non-empty list")
        if len(raw_rules) > MAX_RULES:
            raise fail(f"rules: {len(raw_rules)} rules, at most {MAX_RULES} per file")
        self.engine_rules: list[EngineRule] = []
        self._fields: dict[str, frozenset[str]] = {}
        self.begin()
        seen: set[str] = set()
        for index, raw in enumerate(raw_rules):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
                raise fail(
                    f"rule #{index + 1}: id must be lower-case words joined by '-', got {rule_id!r}"
                )
            fail_rule = self.failer(rule_id)
            if rule_id in seen:
                raise fail_rule("the same id is used twice")
            seen.add(rule_id)
            unknown = sorted(str(k) for k in raw if k not in COMMON_RULE_KEYS | self.rule_keys)
            if unknown:
                known = ", ".join(sorted(COMMON_RULE_KEYS | self.rule_keys))
                raise fail_rule(f"unknown key {unknown[0]!r} (known: {known})")
            source = raw.get("source")
            if not isinstance(source, str) or not source.strip():
                raise fail_rule("source: say where the rule comes from (domain.md §, D#)")
            self.read_rule(rule_id, raw, fail_rule)
        self.finish(data, fail)
        #: The facts the engine needs: only fields some rule tests are ever sent.
        self.sent = frozenset(
            field for rule in self.engine_rules for field in self._fields.get(rule.name, ())
        )

    # --- helpers for subclasses ---------------------------------------------------------------

    def failer(self, rule_id: str | None) -> Callable[[str], RuleFileError]:
        path = self.path

        def fail(problem: str) -> RuleFileError:
            return RuleFileError(path, rule_id, problem)

        return fail

    def condition(self, name: str, raw: Any, fail: Callable[[str], RuleFileError]) -> Condition:
        """Compile a condition and register it as an engine rule called ``name``."""
        condition = compile_when(raw, self.schema, self.constants, fail)
        self.engine_rules.append(EngineRule(name, condition.pattern))
        self._fields[name] = condition.fields
        return condition

    def text(self, raw: Any, fail: Callable[[str], RuleFileError]) -> Text:
        return Text(raw, self.schema, self.constants, fail)

    def shown(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values texts are rendered from: the deal's facts and the file's constants."""
        return Shown(values, self.constants)

    # --- per rule set -------------------------------------------------------------------------

    def begin(self) -> None:  # noqa: B027 - optional hook
        """Set up before the first rule is read."""

    @abstractmethod
    def read_rule(
        self, rule_id: str, raw: Mapping[str, Any], fail: Callable[[str], RuleFileError]
    ) -> None:
        """Validate one rule's policy-specific keys and compile its conditions."""

    def finish(  # noqa: B027 - optional hook
        self, data: Mapping[str, Any], fail: Callable[[str], RuleFileError]
    ) -> None:
        """Checks over the whole file, after every rule was read."""

    @abstractmethod
    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> Any:
        """Turn the names of the engine rules that fired into this rule set's decision."""

    @classmethod
    def load(cls, path: Path) -> RuleFile:
        return cls(path, read_yaml(path))


def one_of(
    raw: Mapping[str, Any], keys: tuple[str, ...], fail: Callable[[str], RuleFileError]
) -> str:
    """The one effect key a rule has (a rule does exactly one thing)."""
    present = [k for k in keys if k in raw]
    if len(present) != 1:
        raise fail(f"a rule needs exactly one of {', '.join(keys)}; found {present or 'none'}")
    return present[0]


__all__ = ["MAX_RULES", "RuleFile", "one_of"]
