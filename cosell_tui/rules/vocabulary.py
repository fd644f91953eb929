"""The compact rule vocabulary of the YAML files, validated and compiled to durable's JSON.

A condition (``when:``) is a mapping; all of its entries must hold:

- ``field: value``                       equality (an enum's API value, a number, true/false)
- ``field: {not: value}``                inequality (false when the field is missing)
- ``field: {in: [a, b]}``                one of the values (compiled to an ``$or`` of equalities)
- ``field: {at_least|more_than|at_most|less_than: n}``  number comparisons
- ``field: {present: true}`` / ``{missing: true}``      only beside another test, never alone
- ``any_of: [{...}, {...}]``             at least one group holds
- ``all_of: [{...}, {...}]``             every group holds

A number may be written ``$name`` to use one of the file's ``constants``. Everything else
(unknown operators, undeclared fields, wrong enum values, nulls) is a :class:`RuleFileError`
at load: the engine itself would silently take an unknown ``$op`` for a field name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.schema import (
    INT_MAX,
    INT_MIN,
    MAX_STRING,
    FactSchema,
    FieldSpec,
    display_values,
    sample_values,
)

#: Most values in one `in:` list (each is a test in the engine's network).
MAX_IN_VALUES = 20
#: Most tests in one rule's condition, so a chunk of rules stays below the engine's budget.
MAX_TESTS_PER_RULE = 24
#: Deepest nesting of any_of / all_of groups.
MAX_DEPTH = 4

COMPARISONS = {"at_least": "$gte", "more_than": "$gt", "at_most": "$lte", "less_than": "$lt"}
OPERATORS = ("not", "in", *COMPARISONS, "present", "missing")
RULE_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

Fail = Callable[[str], RuleFileError]


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled ``when:``: durable's pattern and the fact fields it reads."""

    pattern: Mapping[str, Any]
    fields: frozenset[str]
    tests: int


# --- reading YAML -------------------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it (the wheels are): a tenth of the pure-Python
# parser's time, which `cosell deal show` and the TUI's first deal paid on every start.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the same loader, in Python
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]  # same interface


class _StrictLoader(_SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML would silently keep the last one)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_yaml(path: Path) -> dict[str, Any]:
    """A rule file's top-level mapping; RuleFileError for unreadable YAML or any null."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuleFileError(path, None, f"cannot read the file ({error.strerror})") from error
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise RuleFileError(path, None, f"not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise RuleFileError(path, None, "the file must be a mapping (ruleset:, rules:, ...)")
    _no_nulls(path, data, "")
    return data


def _no_nulls(path: Path, node: Any, where: str) -> None:
    if node is None:
        raise RuleFileError(
            path, None, f"empty value (null) at {where or 'top level'}: write a value"
        )
    if isinstance(node, dict):
        for key, value in node.items():
            _no_nulls(path, value, f"{where} → {key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _no_nulls(path, value, f"{where} → item {index + 1}")


# --- constants and texts ------------------------------------------------------------------------


def read_constants(raw: Any, schema: FactSchema, fail: Fail) -> dict[str, int | str]:
    """The file's named thresholds, e.g. ``min_value_usd: 25000``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("constants: must be a mapping of name: number or text")
    constants: dict[str, int | str] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not NAME.match(name):
            raise fail(f"constants: {name!r} is not a valid name (lower_case_with_underscores)")
        if name in schema.fields:
            raise fail(f"constants: {name!r} is already a fact of {schema.name}")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise fail(f"constants: {name} must be a whole number or text, got {value!r}")
        if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise fail(f"constants: {name} is out of range")
        constants[name] = value
    return constants


class Text:
    """An explanation with ``{field}`` placeholders, rendered from the deal's values."""

    __slots__ = ("_plain", "names", "text")

    def __init__(self, text: Any, schema: FactSchema, constants: Mapping[str, Any], fail: Fail):
        if not isinstance(text, str) or not text.strip():
            raise fail(f"a text must be non-empty words, got {text!r}")
        names: set[str] = set()
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            hint = "write {{ and }} for literal braces"
            raise fail(f"text {text!r}: {error} ({hint})") from error
        for _, name, _, _ in parsed:
            if name is None:
                continue
            if not NAME.match(name):
                raise fail(f"text {text!r}: placeholder {{{name}}} must be a plain name")
            if name not in schema.fields and name not in constants:
                raise fail(f"text {text!r}: {{{name}}} is neither a fact nor a constant")
            names.add(name)
        self.text = text
        self.names = frozenset(names)
        self._plain = "" if names else text.format()  # no placeholders: render once
        sample = {**display_values(sample_values(schema)), **constants}
        try:
            self.text.format(**sample)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            raise fail(f"text {text!r} cannot be rendered: {error}") from error

    def render(self, shown: Mapping[str, Any]) -> str:
        return self.text.format_map(shown) if self.names else self._plain


# --- conditions ---------------------------------------------------------------------------------


def compile_when(
    raw: Any, schema: FactSchema, constants: Mapping[str, Any], fail: Fail, where: str = "when"
) -> Condition:
    """Validate a condition (``when:``, found at ``where`` in words) and compile it to durable's
    pattern."""
    if not isinstance(raw, dict) or not raw:
        raise fail(f"{where}: must be a non-empty mapping of tests")
    compiler = _Compiler(schema, constants, fail)
    tests = compiler.group(raw, where, 0)
    if compiler.tests > MAX_TESTS_PER_RULE:
        raise fail(f"{where}: has {compiler.tests} tests, at most {MAX_TESTS_PER_RULE}")
    return Condition({"$and": tests}, frozenset(compiler.fields), compiler.tests)


class _Compiler:
    def __init__(self, schema: FactSchema, constants: Mapping[str, Any], fail: Fail) -> None:
        self.schema = schema
        self.constants = constants
        self.fail = fail
        self.fields: set[str] = set()
        self.tests = 0

    def group(self, raw: Any, where: str, depth: int) -> list[dict[str, Any]]:
        """All entries of a mapping; at least one must test a value (never only present/missing)."""
        if depth > MAX_DEPTH:
            raise self.fail(f"{where}: groups nested too deeply (at most {MAX_DEPTH})")
        if not isinstance(raw, dict) or not raw:
            raise self.fail(f"{where}: must be a non-empty mapping of tests")
        out: list[dict[str, Any]] = []
        positive = False
        for key, spec in raw.items():
            if key == "any_of":
                branches = self._groups(spec, f"{where} → any_of", depth)
                if len(branches) > 1:
                    out.append({"$or": [_and(b) for b in branches]})
                else:  # one group: its tests join this one (appending the list nested it)
                    out.extend(branches[0])
                positive = True  # every branch has its own value test
            elif key == "all_of":
                for branch in self._groups(spec, f"{where} → all_of", depth):
                    out.extend(branch)
                positive = True
            else:
                tests, is_value = self.field(key, spec, where)
                out.extend(tests)
                positive = positive or is_value
        if not positive:
            raise self.fail(
                f"{where}: present/missing cannot stand alone; add a test of a value beside it"
            )
        return out

    def _groups(self, raw: Any, where: str, depth: int) -> list[list[dict[str, Any]]]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(f"{where}: must be a list of groups of tests")
        return [
            self.group(item, f"{where} → item {i + 1}", depth + 1) for i, item in enumerate(raw)
        ]

    def field(self, name: Any, raw: Any, where: str) -> tuple[list[dict[str, Any]], bool]:
        spec = self.schema.fields.get(name) if isinstance(name, str) else None
        if spec is None:
            known = ", ".join(sorted(f for f, s in self.schema.fields.items() if s.kind != "items"))
            raise self.fail(
                f"{where}: unknown fact {name!r} (facts of {self.schema.name}: {known})"
            )
        if spec.kind == "items":
            raise self.fail(f"{where}: {name} is a list; test {name}_count instead")
        self.fields.add(name)
        if not isinstance(raw, dict):
            self.tests += 1
            return [{name: self.value(spec, raw, where)}], True
        if not raw:
            raise self.fail(f"{where} → {name}: empty test")
        unknown = [op for op in raw if op not in OPERATORS]
        if unknown:
            raise self.fail(
                f"{where} → {name}: unknown operator {unknown[0]!r} (known: {', '.join(OPERATORS)})"
            )
        tests: list[dict[str, Any]] = []
        value_test = False
        for op, arg in raw.items():
            self.tests += 1
            if op in ("present", "missing"):
                if arg is not True:
                    raise self.fail(f"{where} → {name}: write {{{op}: true}}")
                if len(raw) > 1:
                    raise self.fail(f"{where} → {name}: {op} cannot be combined with other tests")
                if not spec.optional:
                    always = "never missing" if op == "missing" else "always present"
                    raise self.fail(f"{where} → {name}: {name} is {always}; this test is useless")
                tests.append({"$ex" if op == "present" else "$nex": {name: 1}})
                continue
            value_test = True
            if op == "not":
                tests.append({"$neq": {name: self.value(spec, arg, where)}})
            elif op == "in":
                if not isinstance(arg, list) or not arg or len(arg) > MAX_IN_VALUES:
                    raise self.fail(
                        f"{where} → {name}: in: needs a list of 1 to {MAX_IN_VALUES} values"
                    )
                values = [self.value(spec, item, where) for item in arg]
                if len(set(values)) != len(values):
                    raise self.fail(f"{where} → {name}: in: lists a value twice")
                self.tests += len(values) - 1
                eqs = [{name: v} for v in values]
                tests.append({"$or": eqs} if len(eqs) > 1 else eqs[0])
            else:
                if spec.kind != "int":
                    raise self.fail(
                        f"{where} → {name}: {op} needs a number fact; {name} is not one"
                    )
                tests.append({COMPARISONS[op]: {name: self.value(spec, arg, where)}})
        return tests, value_test

    def value(self, spec: FieldSpec, raw: Any, where: str) -> Any:
        """A literal for the engine, checked against the fact's declared type."""
        at = f"{where} → {spec.name}"
        if isinstance(raw, str) and raw.startswith("$"):
            if raw[1:] not in self.constants:
                raise self.fail(f"{at}: unknown constant {raw!r}")
            raw = self.constants[raw[1:]]
        if spec.kind == "enum":
            assert spec.enum is not None
            allowed = [str(m.value) for m in spec.enum]
            if isinstance(raw, bool):
                raise self.fail(f"{at}: {raw!r} is read as true/false; quote it ('Yes')")
            if not isinstance(raw, str) or raw not in allowed:
                raise self.fail(
                    f"{at}: {raw!r} is not a {spec.enum.__name__} ({', '.join(allowed)})"
                )
            return raw
        if spec.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise self.fail(f"{at}: {raw!r} is not a whole number")
            if not INT_MIN <= raw <= INT_MAX:
                raise self.fail(f"{at}: {raw} is out of range")
            return raw
        if spec.kind == "bool":
            if not isinstance(raw, bool):
                raise self.fail(f"{at}: {raw!r} is not true or false")
            return raw
        if not isinstance(raw, str) or len(raw) > MAX_STRING:
            raise self.fail(f"{at}: {raw!r} is not a text of at most {MAX_STRING} characters")
        return raw


def _and(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


__all__ = [
    "MAX_IN_VALUES",
    "OPERATORS",
    "RULE_ID",
    "Condition",
    "Text",
    "compile_when",
    "read_constants",
    "read_yaml",
]
