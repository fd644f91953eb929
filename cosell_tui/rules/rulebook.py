"""The rule book: the three rule sets, loaded and validated once, asked for decisions.

Callers hand in frozen facts and get plain decisions back; they never see durable-rules.
`RuleBook.load(directory)` reads and validates every file at once (a broken file fails there);
the process-wide book of the shipped files (`default_rulebook`) reads each file, and imports
its rule set's module and pydantic models, the first time that rule set is asked: `cosell deal
show` asks the transitions and the eligibility, never the deal type, and pays for those two
only (the shipped files are validated by the tests and `cosell rules check`). Each rule set is
compiled into the engine the first time it is asked, so importing the package or building a
book costs no engine work. Each answer is cached by its facts (they are frozen, hence
hashable), so a screen that asks again about an unchanged deal costs a dictionary lookup.
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar

from cosell_tui.domain import Action, CloseReason, DealType, ErrorReason
from cosell_tui.domain.facts import (
    Checklist,
    DateWindows,
    DealTypeDecision,
    DealTypeFacts,
    EligibilityFacts,
    KeptAnswers,
    RoutingDecision,
    RoutingRule,
    TransitionDecision,
    TransitionFacts,
)
from cosell_tui.rules.engine import EngineRuleset
from cosell_tui.rules.errors import EngineError, RuleFileError
from cosell_tui.rules.routing import RoutingTable, check_routing_file, ordered
from cosell_tui.rules.schema import sample_values, to_message

if TYPE_CHECKING:  # each rule set's module (with its pydantic models) is imported on first use
    from cosell_tui.rules.deal_type import DealTypeRules
    from cosell_tui.rules.rulefile import RuleFile
    from cosell_tui.rules.transitions import TransitionRules

#: The rule files shipped with cosell (cosell_tui/rules/*.yaml).
DEFAULT_DIRECTORY = Path(__file__).resolve().parent
#: Each rule set by the name its file declares (`ruleset:`): where its RuleFile class lives.
RULE_SETS: dict[str, str] = {
    "deal_type": "cosell_tui.rules.deal_type:DealTypeRules",
    "transitions": "cosell_tui.rules.transitions:TransitionRules",
    "eligibility": "cosell_tui.rules.eligibility:EligibilityRules",
}


def rule_set(name: str) -> type[RuleFile]:
    """The RuleFile class of the rule set called `name` (its module imported now)."""
    module, _, attribute = RULE_SETS[name].partition(":")
    cls: type[RuleFile] = getattr(importlib.import_module(module), attribute)
    return cls


def _read(directory: Path, name: str) -> RuleFile:
    """The rule set `name` read and validated from `directory`; RuleFileError if broken."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise RuleFileError(path, None, f"missing: the {name} rule set is required")
    return rule_set(name).load(path)


DEFAULT_CACHE_SIZE = 4096
#: The shipped routing rules of the demo organisation (the data form, CSV; docs/rules.md).
DEFAULT_ROUTING = DEFAULT_DIRECTORY / "routing.csv"
#: Compiled routing tables kept per rule book: one per organisation whose rules were asked.
ROUTING_TABLES = 8

D = TypeVar("D")


class _Missing(Enum):
    """Not in the cache (a one-member enum, so `is not _MISSING` narrows the type)."""

    MISSING = "missing"


_MISSING: Final = _Missing.MISSING


class _Lru(Generic[D]):
    """A small thread-safe least-recently-used map of facts to decisions."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, D] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> D | Literal[_Missing.MISSING]:
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is not _MISSING:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: D) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            if len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class _Compiled(Generic[D]):
    """One rule set with its cache, and its engine rulesets once first asked; the rule set
    itself is given, or read by `rules` the first time it is needed."""

    def __init__(self, rules: RuleFile | Callable[[], RuleFile], cache_size: int) -> None:
        self._rules: RuleFile | None = None
        self._read: Callable[[], RuleFile] | None = None
        if callable(rules):
            self._read = rules
        else:
            self._rules = rules
        self._engine: EngineRuleset | None = None
        self._closed = False
        self._lock = threading.Lock()
        self.cache: _Lru[D] | None = _Lru(cache_size) if cache_size > 0 else None

    @property
    def rules(self) -> RuleFile:
        """The rule set, read and validated on first use."""
        rules = self._rules
        if rules is None:
            with self._lock:
                if self._rules is None:
                    assert self._read is not None
                    self._rules = self._read()
                rules = self._rules
        return rules

    @property
    def engine(self) -> EngineRuleset:
        """The rule set in the engine, compiled on first use."""
        engine = self._engine
        if engine is None:
            rules = self.rules
            with self._lock:
                if self._closed:
                    raise EngineError(f"rule set {rules.name!r} is closed or unusable")
                if self._engine is None:
                    try:
                        self._engine = EngineRuleset(rules.name, rules.engine_rules)
                    except ValueError as error:
                        raise RuleFileError(rules.path, None, str(error)) from error
                engine = self._engine
        return engine

    @property
    def compiled(self) -> bool:
        return self._engine is not None

    @property
    def closed(self) -> bool:
        return self._closed or (self._engine is not None and self._engine.closed)

    def decide(self, facts: Hashable) -> D:
        rules = self.rules
        # Validate before the cache: `True == 1`, so a malformed fact could hit a good entry.
        values = rules.schema.values(facts)
        if self.cache is not None:
            cached = self.cache.get(facts)
            if cached is not _MISSING:
                return cached
        fired = self.engine.evaluate(to_message(values, rules.sent))
        decision: D = rules.decide(values, fired)
        if self.cache is not None:
            self.cache.put(facts, decision)
        return decision

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._engine is not None:
                self._engine.close()
        if self.cache is not None:
            self.cache.clear()


class RuleBook:
    """The deal-type, transitions and eligibility rule sets, ready to answer."""

    def __init__(
        self,
        deal_type: RuleFile | Callable[[], RuleFile],
        transitions: RuleFile | Callable[[], RuleFile],
        eligibility: RuleFile | Callable[[], RuleFile],
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        """The three rule sets (DealTypeRules, TransitionRules, EligibilityRules), each given or
        as a function that reads it on first use."""
        self._deal_type: _Compiled[DealTypeDecision] = _Compiled(deal_type, cache_size)
        self._transitions: _Compiled[TransitionDecision] = _Compiled(transitions, cache_size)
        self._eligibility: _Compiled[Checklist] = _Compiled(eligibility, cache_size)
        self._all: tuple[_Compiled[Any], ...] = (
            self._deal_type,
            self._transitions,
            self._eligibility,
        )
        self._routing: OrderedDict[tuple[RoutingRule, ...], RoutingTable] = OrderedDict()
        self._routing_lock = threading.Lock()

    @classmethod
    def load(
        cls, directory: Path | None = None, *, cache_size: int = DEFAULT_CACHE_SIZE
    ) -> RuleBook:
        """Read deal_type.yaml, transitions.yaml and eligibility.yaml; RuleFileError if broken."""
        folder = Path(directory) if directory is not None else DEFAULT_DIRECTORY
        loaded = {name: _read(folder, name) for name in RULE_SETS}
        return cls(
            loaded["deal_type"],
            loaded["transitions"],
            loaded["eligibility"],
            cache_size=cache_size,
        )

    @classmethod
    def shipped(cls, *, cache_size: int = DEFAULT_CACHE_SIZE) -> RuleBook:
        """The book of the files shipped with cosell, each read and validated the first time
        its rule set is asked (the tests validate them all)."""

        def reader(name: str) -> Callable[[], RuleFile]:
            return lambda: _read(DEFAULT_DIRECTORY, name)

        return cls(
            reader("deal_type"),
            reader("transitions"),
            reader("eligibility"),
            cache_size=cache_size,
        )

    def deal_type(self, facts: DealTypeFacts) -> DealTypeDecision:
        """The deal type the wizard's answers make, with the reason and any problems."""
        return self._deal_type.decide(facts)

    def transitions(self, facts: TransitionFacts) -> TransitionDecision:
        """The actions allowed now, the stages that may be marked, and why others are not."""
        return self._transitions.decide(facts)

    def eligibility(self, facts: EligibilityFacts) -> Checklist:
        """The Azure IP co-sell registration checklist: each criterion met, failed or unknown."""
        return self._eligibility.decide(facts)

    def route(
        self, rules: tuple[RoutingRule, ...], market: str, solutions: tuple[str, ...]
    ) -> RoutingDecision:
        """Which of an organisation's routing rules places Microsoft's referral to a customer in
        `market` naming `solutions` (D18: the most specific rule wins). The rules are the
        organisation's table, compiled into the engine once and kept while it is unchanged."""
        key = ordered(rules)
        with self._routing_lock:
            table = self._routing.get(key)
            if table is None:
                table = RoutingTable(key)
                self._routing[key] = table
                if len(self._routing) > ROUTING_TABLES:
                    self._routing.popitem(last=False)[1].close()
            self._routing.move_to_end(key)
            # Under the lock: a table closed by another thread's eviction is never asked.
            return table.route(market, solutions)

    @property
    def _deal_type_rules(self) -> DealTypeRules:
        from cosell_tui.rules.deal_type import DealTypeRules

        rules = self._deal_type.rules
        assert isinstance(rules, DealTypeRules)
        return rules

    @property
    def _transition_rules(self) -> TransitionRules:
        from cosell_tui.rules.transitions import TransitionRules

        rules = self._transitions.rules
        assert isinstance(rules, TransitionRules)
        return rules

    # --- answers that need no engine: what the rule files state as plain lists ---------------

    def upgraded_type(self, current: DealType, decided: DealType) -> DealType:
        """The deal type after a change: ``decided``, unless that moves the deal back down the
        one-way upgrades of deal_type.yaml (D13: private → partner-led → co-sell, never back);
        then ``current`` stays."""
        return self._deal_type_rules.upgraded(current, decided)

    def date_windows(self, exception_approved: bool) -> DateWindows:
        """How far back a registration form's contract dates may lie (relaxed after an
        approved exception request, D19)."""
        return self._transition_rules.date_windows(exception_approved)

    def kept_after_exception(self) -> KeptAnswers:
        """The registration answers a form filed again after an approved exception request
        keeps as Microsoft rejected them, and why (transitions.yaml, D19)."""
        return self._transition_rules.kept_after_exception()

    def needs_notes(self, action: Action, reason: CloseReason | ErrorReason | None) -> bool:
        """Whether closing a deal by ``action`` (decline, lost, close_as_error) with ``reason``
        must be explained in the notes (transitions.yaml: ``notes needed for reasons``).
        TypeError when the reason is of the wrong kind for the action."""
        return self._transition_rules.needs_notes(action, reason)

    def close(self) -> None:
        """Free the engine's rulesets (idempotent); the book cannot answer afterwards."""
        for compiled in self._all:
            compiled.close()
        with self._routing_lock:
            for table in self._routing.values():
                table.close()
            self._routing.clear()

    @property
    def closed(self) -> bool:
        return all(compiled.closed for compiled in self._all)

    def __enter__(self) -> RuleBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: RuleBook | None = None
_default_lock = threading.Lock()


def default_rulebook() -> RuleBook:
    """The process-wide rule book of the shipped files, loaded once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = RuleBook.shipped()
    return _default


def check_rule_files(paths: list[Path] | None = None) -> list[str]:
    """Problems found in rule files (empty = all good), for `cosell rules check [FILE]`.

    Each file names its rule set (``ruleset:``), is validated like at start-up, compiled into
    the engine and asked one sample question, then freed. A ``.csv`` file holds routing rules
    (``market,solution,location``), checked the same way.
    """
    if paths is None:
        paths = [*(DEFAULT_DIRECTORY / f"{name}.yaml" for name in RULE_SETS), DEFAULT_ROUTING]
    from cosell_tui.rules.vocabulary import read_yaml

    problems: list[str] = []
    for path in map(Path, paths):
        if path.suffix.lower() == ".csv":  # routing rules: their data form (docs/rules.md)
            problems.extend(check_routing_file(path))
            continue
        try:
            data = read_yaml(path)
            named = data.get("ruleset")
            if not isinstance(named, str) or named not in RULE_SETS:
                raise RuleFileError(
                    path,
                    None,
                    f"ruleset: must be one of {', '.join(RULE_SETS)}, got {data.get('ruleset')!r}",
                )
            rules = rule_set(named)(path, data)
            compiled: _Compiled[Any] = _Compiled(rules, cache_size=0)
            try:
                values = sample_values(rules.schema)
                fired = compiled.engine.evaluate(to_message(values, rules.sent))
                rules.decide(values, fired)
            finally:
                compiled.close()
        except RuleFileError as error:
            problems.append(str(error))
    return problems


__all__ = [
    "DEFAULT_DIRECTORY",
    "DEFAULT_ROUTING",
    "RuleBook",
    "check_rule_files",
    "default_rulebook",
]
