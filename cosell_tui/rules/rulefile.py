"""What every rule file has in common: its header, its constants, its rules' ids and conditions.

A rule file declares which rule set it holds (``ruleset:``) and its hit policy (``policy:``),
so ``cosell rules check FILE`` can validate any one file on its own. Each rule has an ``id``
(kept in decisions and errors, so a refusal can be traced to its line) and a ``source`` (the
domain.md section or decision it comes from), and a ``when:`` condition.

Reading a file has two passes. The pydantic models of each rule set (``models.py``) check its
shape: keys, types, unknown keys. Then :meth:`RuleFile.read` checks what it means (declared
facts only, known values, operators that fit the fact's type, the engine's caps) and compiles
every condition to durable's JSON. Both passes report a :class:`RuleFileError` in words.
Nothing here touches the engine: a rule set is compiled into it on first use (``rulebook.py``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from cosell_tui.rules.engine import EngineRule, check_budget
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.models import Header, structure_error
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

Fail = Callable[[str], RuleFileError]


class RuleFile(ABC):
    """One rule set read from a file: validated at load, compiled for the engine."""

    #: The rule set's name, as written after ``ruleset:`` and as the default file's stem.
    name: ClassVar[str]
    policy: ClassVar[str]
    schema: ClassVar[FactSchema]
    #: The pydantic model of the whole file.
    model: ClassVar[type[Header]]

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        fail = self.failer(None)
        # Said first: a file of another rule set would otherwise fail on its shape.
        if data.get("ruleset") != self.name:
            raise fail(f"ruleset: must be {self.name!r}, got {data.get('ruleset')!r}")
        if data.get("policy") != self.policy:
            raise fail(f"policy: the {self.name} rule set uses {self.policy!r}")
        if "facts" in data and data["facts"] != self.schema.name:
            raise fail(f"facts: the {self.name} rule set reads {self.schema.name}")
        try:
            parsed = self.model.model_validate(data)
        except ValidationError as error:
            raise structure_error(path, data, error) from None
        self.constants: dict[str, int | str] = read_constants(parsed.constants, self.schema, fail)
        self.engine_rules: list[EngineRule] = []
        self._fields: dict[str, frozenset[str]] = {}
        self._ids: set[str] = set()
        self.read(parsed)
        try:
            check_budget(self.engine_rules)
        except ValueError as error:
            raise fail(str(error)) from error
        #: The facts the engine needs: only fields some rule tests are ever sent.
        self.sent = frozenset(
            field for rule in self.engine_rules for field in self._fields.get(rule.name, ())
        )

    # --- helpers for subclasses ---------------------------------------------------------------

    def failer(self, rule_id: str | None) -> Fail:
        path = self.path

        def fail(problem: str) -> RuleFileError:
            return RuleFileError(path, rule_id, problem)

        return fail

    def new_id(self, rule_id: str, where: str) -> Fail:
        """Check a rule's id (valid, not used before) and return the failer that names it."""
        if not RULE_ID.match(rule_id):
            raise self.failer(None)(
                f"{where}: id must be lower-case words joined by '-', got {rule_id!r}"
            )
        if rule_id in self._ids:
            raise self.failer(rule_id)("the same id is used twice")
        self._ids.add(rule_id)
        return self.failer(rule_id)

    def check_count(self, count: int, where: str) -> None:
        if count > MAX_RULES:
            raise self.failer(None)(f"{where}: {count} rules, at most {MAX_RULES} per file")

    def condition(self, name: str, raw: Any, fail: Fail, where: str = "when") -> Condition:
        """Compile a condition and register it as an engine rule called ``name``."""
        condition = compile_when(raw, self.schema, self.constants, fail, where)
        self.engine_rules.append(EngineRule(name, condition.pattern))
        self._fields[name] = condition.fields
        return condition

    def text(self, raw: Any, fail: Fail) -> Text:
        return Text(raw, self.schema, self.constants, fail)

    def shown(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values texts are rendered from: the deal's facts and the file's constants."""
        return Shown(values, self.constants)

    # --- per rule set -------------------------------------------------------------------------

    @abstractmethod
    def read(self, parsed: Header) -> None:
        """Check what the parsed file (an instance of ``model``) means; compile its conditions."""

    @abstractmethod
    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> Any:
        """Turn the names of the engine rules that fired into this rule set's decision."""

    @classmethod
    def load(cls, path: Path) -> RuleFile:
        return cls(path, read_yaml(path))


__all__ = ["MAX_RULES", "Fail", "RuleFile"]
