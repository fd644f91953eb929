"""The shape of a rule file (keys, types, unknown keys) as pydantic models, and its errors in words.

pydantic checks the structure; what the structure means (declared facts, known values,
operators that fit a fact's type, the engine's caps) is checked after parsing, by each rule
set's :class:`~cosell_tui.rules.rulefile.RuleFile`. A pydantic error never reaches a person:
:func:`structure_error` turns it into a :class:`RuleFileError` that names the rule and the
place in the file in words ("rule 'deal-value': unknown key 'unknow' (known: ...)").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.vocabulary import RULE_ID

#: What a missing key is for, said when it is missing.
PURPOSE: dict[str, str] = {
    "ruleset": "say which rule set this file holds (deal_type, transitions or eligibility)",
    "policy": "say the rule set's hit policy",
    "rules": "list the rules",
    "id": "name the rule in lower-case words joined by '-'",
    "source": "say where the rule comes from (domain.md §, D#)",
    "when": "say when the rule holds",
    "title": "a criterion needs a title, a met text and an explain text",
    "met": "a criterion needs a title, a met text and an explain text",
    "explain": "a criterion needs a title, a met text and an explain text",
    "text": "say the words",
    "say": "say in words why the action is refused (or, for a warning, what to know first)",
    "otherwise say": "say in words why the action is refused when nothing allows it",
    "stage": "name the stage by its percentage",
    "offered when": "say when the stage may be marked",
    "gates": "list the gates checked before every action",
    "actions": "give every action its block",
    "one-way upgrades": "list the deal types in the order a deal may be upgraded (D13)",
}


def _unknown_keys(cls: type[BaseModel], data: Any) -> Any:
    if isinstance(data, Mapping):
        known = sorted(field.alias or name for name, field in cls.model_fields.items())
        unknown = [key for key in data if key not in known]
        if unknown:
            raise PydanticCustomError(
                "unknown_key",
                "unknown key {key} (known: {known})",
                {"key": repr(unknown[0]), "known": ", ".join(known)},
            )
    return data


class Strict(BaseModel):
    """A mapping of the file: only its declared keys (spelled as in the file), never more."""

    #: `defer_build`: a model's validator is built when a file is first validated with it, not
    #: when its module is imported, so a command builds only the rule sets it reads.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _only_known_keys(cls, data: Any) -> Any:
        # extra="forbid" refuses them too, but could not list the keys that are known.
        return _unknown_keys(cls, data)


def _one_or_many(value: Any) -> Any:
    """``key: {...}`` means one condition; ``key: [{...}, {...}]`` alternatives."""
    return [value] if isinstance(value, Mapping) else value


#: Words: non-empty text (placeholders are checked by the rule set, after parsing).
Words = Annotated[StrictStr, Field(min_length=1)]
#: A ``when:`` mapping; its tests are checked and compiled by ``vocabulary.compile_when``.
When = dict[Any, Any]
#: One condition set, or a list of alternatives (any one of them suffices).
Alternatives = Annotated[list[When], BeforeValidator(_one_or_many), Field(min_length=1)]


class Header(Strict):
    """What every rule file starts with."""

    ruleset: StrictStr
    policy: StrictStr
    facts: StrictStr | None = None
    description: StrictStr | None = None
    #: Named numbers and texts; names and values are checked by ``vocabulary.read_constants``.
    constants: dict[Any, Any] = Field(default_factory=dict)


class Rule(Strict):
    """What every rule (gate, refusal, criterion...) has: an id, a source and a condition."""

    id: StrictStr
    source: Annotated[StrictStr, Field(pattern=r"\S")]
    when: When


# --- pydantic's errors in words -------------------------------------------------------------


def structure_error(path: Path, data: Any, error: ValidationError) -> RuleFileError:
    """The first structure problem of a file, located by rule and YAML path, in our words."""
    detail = error.errors(include_url=False)[0]
    rule, where = _locate(data, detail["loc"])
    problem = _problem(detail, top_level=not detail["loc"])
    return RuleFileError(path, rule, f"{' → '.join(where)}: {problem}" if where else problem)


def _locate(data: Any, loc: Sequence[int | str]) -> tuple[str | None, list[str]]:
    """The rule an error is in (the innermost mapping with a valid id, or an action's block)
    and the path below it, in words: ``["unless", "item 2", "say"]``."""
    rule: str | None = None
    words: list[str] = []
    node: Any = data
    previous: int | str | None = None
    for part in loc:
        child: Any = None
        if isinstance(node, Mapping):
            child = node.get(part)
        elif isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            child = node[part]
        ident = child.get("id") if isinstance(child, Mapping) else None
        if isinstance(part, int) and isinstance(ident, str) and RULE_ID.match(ident):
            rule, words = ident, []
        elif isinstance(part, str) and previous == "actions" and words == ["actions"]:
            rule, words = part, []
        elif isinstance(part, int):
            words.append(f"item {part + 1}")
        elif part == "[key]":
            words.append("(a key)")
        else:
            words.append(str(part))
        previous = part
        node = child
    return rule, words


def _problem(detail: ErrorDetails, top_level: bool) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "unknown_key":
        where = "top-level key" if top_level else "key"
        return f"unknown {where} {ctx['key']} (known: {ctx['known']})"
    if kind == "missing":
        purpose = PURPOSE.get(str(detail["loc"][-1])) if detail["loc"] else None
        return "missing" + (f"; {purpose}" if purpose else "")
    if kind in ("model_type", "model_attributes_type", "dict_type", "mapping_type"):
        return f"must be a mapping of keys and values, got {_shown(given)}"
    if kind in ("list_type", "tuple_type", "iterable_type"):
        return f"must be a list, got {_shown(given)}"
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return f"must be text, got {_shown(given)}"
    if kind in ("string_too_short", "string_pattern_mismatch"):
        return "must not be empty"
    if kind == "too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind.startswith("int_") or kind == "int_type":
        return f"must be a whole number, got {_shown(given)}"
    if kind.startswith("bool_"):
        return f"must be true or false, got {_shown(given)}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{given!r} is not one of {expected}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", "is not valid"))
    if kind == "frozen_instance":  # pragma: no cover - models are only read
        return "cannot be changed"
    return f"has the wrong form ({_shown(given)})"


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = [
    "Alternatives",
    "Header",
    "Rule",
    "Strict",
    "When",
    "Words",
    "structure_error",
]
