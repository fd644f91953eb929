"""The engine wrapper keeps durable-rules' crash invariants (docs/rules.md)."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cosell_tui.domain import (
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    RegistrationStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.rules import EngineError, RuleBook
from cosell_tui.rules.engine import MAX_RULES_PER_CHUNK, EngineRule, EngineRuleset
from tests.rules.factories import deal_facts, eligibility_facts, received, transition_facts, won

PACKAGE = Path(__file__).resolve().parents[2] / "cosell_tui"
ENGINE_MODULES = ("durable", "durable_rules_engine")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_engine_module_imports_durable() -> None:
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(n.split(".")[0] in ENGINE_MODULES for n in _imports(path))
    )
    assert importers == ["rules/engine.py"]


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096


def test_many_rule_books_can_be_built_and_freed() -> None:
    for _ in range(40):
        with RuleBook.load(cache_size=0) as book:
            assert book.deal_type(deal_facts()).deal_type is DealType.PARTNER_LED
        assert book.closed
    with pytest.raises(EngineError, match="closed"):
        book.deal_type(deal_facts())
    book.close()  # idempotent


def test_a_forgotten_rule_book_is_freed() -> None:
    """Finalizers never wait for the engine lock (GC may run while this thread holds it)."""
    from cosell_tui.rules import engine

    book = RuleBook.load(cache_size=0)
    compiled = book._deal_type.engine
    with engine.ENGINE_LOCK:  # as if GC ran in the middle of an evaluation
        compiled._finalizer()
        assert compiled.closed and engine._orphans
    with RuleBook.load(cache_size=0) as other:
        other.deal_type(deal_facts())
    assert engine._orphans == []
    del book
    gc.collect()
    assert engine._orphans == []


def test_more_matching_rules_than_the_engine_allows_per_ruleset() -> None:
    """65 matches in one C ruleset fail (error 303); chunking keeps every rule usable."""
    rules = [EngineRule(f"r{i}", {"$gte": {"n": i}}) for i in range(150)]
    with EngineRuleset("chunky", rules) as engine:
        assert len(engine._chunks) == -(-150 // MAX_RULES_PER_CHUNK)
        assert engine.evaluate({"n": 1000}) == {f"r{i}" for i in range(150)}
        assert engine.evaluate({"n": 9}) == {f"r{i}" for i in range(10)}
        assert engine.evaluate({}) == frozenset()


def test_a_missing_test_is_anchored_and_fires_once() -> None:
    rules = [EngineRule("absent", {"$nex": {"x": 1}}), EngineRule("equal", {"x": 1})]
    with EngineRuleset("anchored", rules) as engine:
        for _ in range(3):
            assert engine.evaluate({}) == {"absent"}
            assert engine.evaluate({"x": 1}) == {"equal"}


def test_an_empty_ruleset_still_completes() -> None:
    with EngineRuleset("empty", []) as engine:
        assert engine.evaluate({"anything": 1}) == frozenset()


def test_engine_refusal_is_an_error_and_the_ruleset_stays_usable() -> None:
    """A message the engine rejects (an exponent float) must not leave a live session."""
    with EngineRuleset("refusal", [EngineRule("big", {"$gt": {"n": 1}})]) as engine:
        with pytest.raises(EngineError, match="refused"):
            engine.evaluate({"n": 1e-05})
        assert engine.evaluate({"n": 2}) == {"big"}


def _questions() -> list[tuple[str, Any]]:
    """A spread of facts across the three rule sets."""
    return [
        ("deal_type", deal_facts()),
        ("deal_type", deal_facts(visible_to_microsoft=None)),
        ("deal_type", deal_facts(help_type=HelpType.GENERAL, invited_partner_count=2)),
        ("deal_type", deal_facts(assessment_count=1, solution_count=3)),
        ("transitions", transition_facts()),
        ("transitions", transition_facts(deal_type=DealType.SOLUTION_ASSESSMENT, stage_pct=40)),
        ("transitions", received()),
        ("transitions", received(hours_to_expiry=0, role=Role.USER, on_team=False)),
        ("transitions", won()),
        ("transitions", won(registration_status=RegistrationStatus.APPROVED)),
        ("transitions", won(substatus=Substatus.ERROR, direction=Direction.INCOMING)),
        ("transitions", transition_facts(deal_type=DealType.PRIVATE, hours_since_created=5)),
        ("eligibility", eligibility_facts()),
        ("eligibility", eligibility_facts(value_usd=None, currency="EUR")),
        ("eligibility", eligibility_facts(deal_type=DealType.PRIVATE, value_usd=100)),
        (
            "eligibility",
            eligibility_facts(microsoft_status=MicrosoftStatus.PENDING, substatus=Substatus.LOST),
        ),
    ]


def test_30000_evaluations_keep_memory_flat() -> None:
    """A leak of 100 bytes per evaluation would show as 3 MB: 30,000 is enough, and cheap."""
    questions = _questions()
    with RuleBook.load(cache_size=0) as book:
        ask: dict[str, Callable[[Any], object]] = {
            "deal_type": book.deal_type,
            "transitions": book.transitions,
            "eligibility": book.eligibility,
        }
        expected = [ask[kind](facts) for kind, facts in questions]
        for _ in range(2_000):  # warm up allocator pools before the baseline
            for kind, facts in questions[:4]:
                ask[kind](facts)
        before = _rss_bytes()
        for i in range(30_000):
            kind, facts = questions[i % len(questions)]
            ask[kind](facts)
        grown = _rss_bytes() - before
        assert [ask[kind](facts) for kind, facts in questions] == expected
    assert grown < 3 * 1024 * 1024, f"RSS grew by {grown / 1e6:.1f} MB over 30,000 evaluations"


def test_eight_threads_get_correct_answers() -> None:
    questions = _questions()
    with RuleBook.load(cache_size=0) as book:
        ask: dict[str, Callable[[Any], object]] = {
            "deal_type": book.deal_type,
            "transitions": book.transitions,
            "eligibility": book.eligibility,
        }
        expected = [ask[kind](facts) for kind, facts in questions]
        wrong: list[str] = []
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def work(offset: int) -> None:
            try:
                start.wait()
                for i in range(1_500):
                    index = (i + offset) % len(questions)
                    kind, facts = questions[index]
                    if ask[kind](facts) != expected[index]:
                        wrong.append(f"{kind} #{index}")
            except BaseException as error:  # reported below, not swallowed
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert wrong == []


def test_uncached_decision_cost() -> None:
    """The target is < 200 µs per decision; the bound here is loose for busy CI machines."""
    with RuleBook.load(cache_size=0) as book:
        facts = transition_facts(hours_since_created=5)
        book.transitions(facts)
        rounds = 2_000
        started = time.perf_counter()
        for _ in range(rounds):
            book.transitions(facts)
        per_decision = (time.perf_counter() - started) / rounds
    assert per_decision < 0.001, f"{per_decision * 1e6:.0f} µs per transitions decision"


def test_cache_answers_repeat_questions_with_the_same_decision() -> None:
    with RuleBook.load(cache_size=2) as book:
        first = book.transitions(transition_facts())
        assert book.transitions(transition_facts()) is first
        book.transitions(received())
        book.transitions(won())  # evicts the first answer (size 2)
        again = book.transitions(transition_facts())
        assert again == first and again is not first


def test_default_rulebook_is_one_per_process() -> None:
    from cosell_tui.rules import default_rulebook

    books: list[RuleBook] = []
    threads = [threading.Thread(target=lambda: books.append(default_rulebook())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(b) for b in books}) == 1
    assert books[0].transitions(transition_facts(status=Status.ACTIVE)).allowed


# --- compiled on first use -------------------------------------------------------------------

LOADED = "sorted(m for m in sys.modules if m.split('.')[0] in ('durable', 'durable_rules_engine'))"


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    return done.stdout


def test_importing_the_rules_loads_no_engine() -> None:
    assert _run(f"import cosell_tui.rules\nprint({LOADED})").strip() == "[]"


def test_loading_a_book_compiles_nothing_until_asked() -> None:
    out = _run(
        "from cosell_tui.rules import RuleBook\n"
        "from tests.rules.factories import deal_facts\n"
        "book = RuleBook.load()\n"
        f"print({LOADED}, [c.compiled for c in book._all])\n"
        "book.deal_type(deal_facts())\n"
        f"print({LOADED}, [c.compiled for c in book._all])\n"
    )
    assert out.splitlines() == [
        "[] [False, False, False]",
        "['durable_rules_engine'] [True, False, False]",
    ]


def test_a_book_closed_before_use_never_compiles() -> None:
    book = RuleBook.load(cache_size=0)
    book.close()
    assert book.closed
    with pytest.raises(EngineError, match="closed"):
        book.transitions(transition_facts())
    assert not any(compiled.compiled for compiled in book._all)
