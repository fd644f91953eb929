"""The one wrapper around durable-rules: the only module that touches its C extension.

durable-rules 2.0.28 crashes or hangs when used the way its own Python layer invites
(docs/rules.md, "How the engine is used safely"). This module keeps these invariants:

1. one fixed sid, one fact per evaluation, the session state deleted in ``finally``;
2. a catch-all rule in every C ruleset with the lowest priority, so an action always runs
   (deleting the state is safe, ``MessageNotHandled`` cannot happen) and "the catch-all fired
   last" proves the evaluation completed;
3. every pattern anchored with the positive test ``_kind == <ruleset kind>``;
4. facts, not events, so every matching rule fires;
5. callers hand over already validated, JSON-safe scalars (see ``schema.py``);
6. rules are chunked so no fact can ever match more than ``MAX_RULES_PER_CHUNK`` + 1 rules of
   one C ruleset (65 matches raise error 303), and no chunk carries enough tests to reach the
   512-tests hang;
7. one process-wide lock around every engine call sequence; no ``engine.Host`` and no timer
   threads: the C extension is driven directly;
8. each :class:`EngineRuleset` owns its C rulesets and frees them on :meth:`close`.

The C extension is imported on the first :class:`EngineRuleset`, not with this module, so
importing ``cosell_tui.rules`` never loads durable-rules (see ``RuleBook``: compiled on first use).
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from cosell_tui.rules.errors import EngineError

#: The one session id every evaluation uses; its state is deleted after each evaluation.
SID = "1"
#: Rules of one file per C ruleset: a fact matching 65 rules of one C ruleset fails (error 303).
MAX_RULES_PER_CHUNK = 48
#: Leaf tests per C ruleset: 512 distinct tests under one node hang the first post forever.
MAX_TESTS_PER_CHUNK = 256
#: "field missing" tests per C ruleset (the engine's limit is 128 per node).
MAX_MISSING_TESTS_PER_CHUNK = 64
#: Name of the catch-all rule in every C ruleset; rule names of files never take this form.
CATCH_ALL = "__done__"

#: Serialises every call sequence into the C engine, across every rule book of the process.
ENGINE_LOCK = threading.Lock()
_names = itertools.count(1)


@dataclass(frozen=True, slots=True)
class EngineRule:
    """One compiled rule: a name unique in its ruleset and durable's condition JSON."""

    name: str
    condition: Mapping[str, Any]  # durable's pattern for the fact, without the `_kind` anchor


def count_tests(node: Any) -> tuple[int, int]:
    """(leaf tests, missing tests) in a durable condition: the engine's budget is per node."""
    if isinstance(node, list):
        totals = [count_tests(item) for item in node]
        return sum(t for t, _ in totals), sum(m for _, m in totals)
    if isinstance(node, Mapping):
        tests = missing = 0
        for key, value in node.items():
            if key in ("$and", "$or"):
                t, m = count_tests(value)
                tests, missing = tests + t, missing + m
            else:
                tests += 1
                missing += key == "$nex"
        return tests, missing
    return 0, 0


def _chunks(rules: Sequence[EngineRule]) -> list[list[EngineRule]]:
    """Split rules, in order, into C rulesets that each stay far below the engine's cliffs."""
    chunks: list[list[EngineRule]] = []
    current: list[EngineRule] = []
    tests = missing = 0
    for rule in rules:
        t, m = count_tests(rule.condition)
        if t + 1 > MAX_TESTS_PER_CHUNK or m > MAX_MISSING_TESTS_PER_CHUNK:
            raise ValueError(f"rule {rule.name!r} has too many tests ({t}) for the engine")
        if current and (
            len(current) >= MAX_RULES_PER_CHUNK
            or tests + t + 1 > MAX_TESTS_PER_CHUNK
            or missing + m > MAX_MISSING_TESTS_PER_CHUNK
        ):
            chunks.append(current)
            current, tests, missing = [], 0, 0
        current.append(rule)
        tests, missing = tests + t + 1, missing + m
    if current or not chunks:
        chunks.append(current)
    return chunks


def _definition(kind: str, rules: Sequence[EngineRule]) -> str:
    """durable's JSON ruleset: file order as priority, the anchored catch-all last."""
    anchor = {"_kind": kind}
    definition: dict[str, Any] = {}
    for pri, rule in enumerate(rules, start=1):
        pattern = {"$and": [anchor, *_conjuncts(rule.condition)]}
        definition[rule.name] = {"all": [{"m": pattern}], "pri": pri}
    definition[CATCH_ALL] = {"all": [{"m": dict(anchor)}], "pri": len(rules) + 1}
    return json.dumps(definition)


def _conjuncts(condition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if set(condition) == {"$and"}:
        return list(condition["$and"])
    return [condition] if condition else []


class _CEngine(Protocol):
    """The calls of durable-rules' C extension (``durable_rules_engine``) this module makes."""

    def create_ruleset(self, name: str, definition: str, /) -> int: ...
    def delete_ruleset(self, handle: int, /) -> None: ...
    def assert_fact(self, handle: int, message: str, /) -> tuple[int, int]: ...
    def start_action_for_state(self, handle: int, state: int, /) -> tuple[Any, str] | None: ...
    def complete_and_start_action(self, handle: int, state: int, /) -> str | None: ...
    def delete_state(self, handle: int, sid: str, /) -> None: ...


_engine: _CEngine | None = None


def _c() -> _CEngine:
    """The C extension, imported on first use (importing it is a cost every CLI call would pay)."""
    global _engine
    if _engine is None:
        # The extension ships neither stubs nor py.typed; _CEngine types the calls we make.
        import durable_rules_engine

        _engine = cast(_CEngine, durable_rules_engine)
    return _engine


#: C rulesets whose owner is gone, freed by the next holder of the lock.
_orphans: list[int] = []


def _release(handles: list[int]) -> None:
    """Free C rulesets now if the lock is free, else soon after.

    This is also a finalizer, and garbage collection may run it in a thread that already holds
    the (non-reentrant) lock in the middle of an evaluation: waiting would deadlock, and
    freeing then would break that call sequence, so it never waits.
    """
    _orphans.extend(handles)
    handles.clear()
    if ENGINE_LOCK.acquire(blocking=False):
        try:
            _free_orphans()
        finally:
            ENGINE_LOCK.release()


def _free_orphans() -> None:
    """Caller holds the lock."""
    while _orphans:
        _c().delete_ruleset(_orphans.pop())


class _Chunk:
    __slots__ = ("handle", "names")

    def __init__(self, handle: int, names: frozenset[str]) -> None:
        self.handle = handle
        self.names = names


class EngineRuleset:
    """A set of rules evaluated against one fact at a time; owns (and frees) its C rulesets."""

    def __init__(self, kind: str, rules: Sequence[EngineRule]) -> None:
        names = [rule.name for rule in rules]
        if len(set(names)) != len(names) or CATCH_ALL in names:
            raise ValueError("rule names must be unique and must not be the catch-all's name")
        self.kind = kind
        self._handles: list[int] = []
        self._chunks: list[_Chunk] = []
        self._broken = False
        self._reset = json.dumps({"sid": SID, "_kind": kind})
        #: durable's JSON of each C ruleset, exactly as handed to the engine (tests evaluate it).
        self.definitions: tuple[str, ...] = ()
        self._finalizer = weakref.finalize(self, _release, self._handles)
        self._finalizer.atexit = False
        chunks = _chunks(rules)
        self.definitions = tuple(_definition(kind, chunk) for chunk in chunks)
        engine = _c()
        with ENGINE_LOCK:
            _free_orphans()
            for chunk, definition in zip(chunks, self.definitions, strict=True):
                name = f"cosell_{kind}_{next(_names)}"
                try:
                    handle = engine.create_ruleset(name, definition)
                except Exception as error:  # the C extension raises a bare `error`
                    _orphans.extend(self._handles)
                    self._handles.clear()
                    _free_orphans()
                    raise ValueError(f"the engine rejected ruleset {kind!r}: {error}") from error
                self._handles.append(handle)
                self._chunks.append(_Chunk(handle, frozenset(r.name for r in chunk)))

    @property
    def closed(self) -> bool:
        return not self._handles

    def evaluate(self, fields: Mapping[str, Any]) -> frozenset[str]:
        """Names of the rules the fact matches. ``fields`` must be validated JSON scalars."""
        message = self.message(fields)
        fired: set[str] = set()
        with ENGINE_LOCK:
            if _orphans:
                _free_orphans()
            if self._broken or not self._handles:
                raise EngineError(f"rule set {self.kind!r} is closed or unusable")
            for chunk in self._chunks:
                fired.update(self._run(chunk, message))
        return frozenset(fired)

    def message(self, fields: Mapping[str, Any]) -> str:
        """The JSON fact asserted for ``fields``: the fields, the session id and the anchor."""
        return json.dumps({**fields, "sid": SID, "_kind": self.kind})

    def _run(self, chunk: _Chunk, message: str) -> list[str]:
        """Assert one fact, drain every action, delete the state. Caller holds the lock."""
        c = _c()
        try:
            code, state = c.assert_fact(chunk.handle, message)
        except Exception as error:
            self._recover(chunk)
            raise EngineError(f"the engine refused a fact of {self.kind!r}: {error}") from error
        if code != 0:
            self._recover(chunk)
            raise EngineError(f"the engine did not handle a fact of {self.kind!r} (code {code})")
        fired: list[str] = []
        try:
            started = c.start_action_for_state(chunk.handle, state)
            action: str | None = started[1] if started else None
            while action:
                # An action is '{"<rule name>":{"m":{...}}}'; names are plain identifiers.
                fired.append(action[2 : action.index('"', 2)])
                action = c.complete_and_start_action(chunk.handle, state)
        finally:
            # Safe: the catch-all matched this fact, so an action ran in this session.
            c.delete_state(chunk.handle, SID)
        if not fired or fired[-1] != CATCH_ALL:
            raise EngineError(f"evaluation of {self.kind!r} did not complete: fired {fired}")
        return fired[:-1]

    def _recover(self, chunk: _Chunk) -> None:
        """After a refused assert, run the catch-all once so the session can be deleted safely."""
        c = _c()
        try:
            code, state = c.assert_fact(chunk.handle, self._reset)
            started = c.start_action_for_state(chunk.handle, state) if code == 0 else None
            if not started:
                raise EngineError("the catch-all did not run")
            action: str | None = started[1]
            while action:
                action = c.complete_and_start_action(chunk.handle, state)
            c.delete_state(chunk.handle, SID)
        except Exception:
            # Never touch this ruleset again: a further call could crash the process.
            self._broken = True

    def close(self) -> None:
        """Free the C rulesets; later evaluations raise :class:`EngineError`."""
        self._finalizer()

    def __enter__(self) -> EngineRuleset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_budget(rules: Sequence[EngineRule]) -> None:
    """ValueError if a rule is too big for one C ruleset; pure Python, no engine needed."""
    _chunks(rules)


__all__ = [
    "CATCH_ALL",
    "ENGINE_LOCK",
    "MAX_RULES_PER_CHUNK",
    "SID",
    "EngineRule",
    "EngineRuleset",
    "check_budget",
    "count_tests",
]
