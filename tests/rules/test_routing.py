"""The routing rule set (D18): its data form, its compilation into the engine, its precedence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosell_tui.domain.facts import ALL, RoutingFacts, RoutingRule
from cosell_tui.rules import check_rule_files
from cosell_tui.rules.routing import (
    MAX_ROUTING_RULES,
    RoutingTable,
    read_routing_csv,
    rules_as_csv,
)
from cosell_tui.rules.rulebook import DEFAULT_ROUTING, RuleBook
from tests.rules.oracle import Oracle

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "routing.csv"

TABLE = (
    RoutingRule(ALL, ALL, "1"),
    RoutingRule("DE", ALL, "2"),
    RoutingRule(ALL, "SOL-A", "3"),
    RoutingRule("DE", "SOL-A", "4"),
    RoutingRule("FR", "SOL-B", "5"),
)


@pytest.fixture(scope="module")
def book() -> Iterator[RuleBook]:
    with RuleBook.load(cache_size=0) as rules:
        yield rules


@pytest.mark.parametrize(
    ("market", "solutions", "location", "kind"),
    [
        ("DE", ("SOL-A",), "4", "market and solution"),  # both named beats either
        ("US", ("SOL-A",), "3", "solution"),  # the solution beats the market...
        ("DE", ("SOL-B",), "2", "market"),  # ...which beats the default
        ("US", ("SOL-B",), "1", "default"),
        ("FR", ("SOL-C", "SOL-B"), "5", "market and solution"),  # any of the solutions
        ("US", ("SOL-C", "SOL-A"), "3", "solution"),
        ("DE", (), "2", "market"),  # no solution: only market and default rules
    ],
)
def test_the_most_specific_rule_wins(
    book: RuleBook, market: str, solutions: tuple[str, ...], location: str, kind: str
) -> None:
    decision = book.route(TABLE, market, solutions)
    assert decision.rule is not None and decision.rule.location == location
    assert decision.rule.kind == kind and decision.rule.describe() in decision.reason


def test_no_default_no_match(book: RuleBook) -> None:
    decision = book.route(TABLE[1:], "US", ("SOL-B",))
    assert decision.rule is None and "no default rule" in decision.reason


def test_the_first_solution_breaks_a_tie(book: RuleBook) -> None:
    table = (RoutingRule(ALL, "SOL-A", "1"), RoutingRule(ALL, "SOL-B", "2"))
    assert book.route(table, "US", ("SOL-B", "SOL-A")).rule == table[1]
    assert book.route(table, "US", ("SOL-A", "SOL-B")).rule == table[0]


MARKETS = st.sampled_from(["DE", "FR", "US", "GB", ALL])
SOLUTIONS = st.sampled_from(["SOL-A", "SOL-B", "SOL-C", ALL])


def _reference(rules: tuple[RoutingRule, ...], market: str, solutions: tuple[str, ...]) -> int:
    """D18 read literally: the lowest rank among the matching rules, first solution first."""
    ranked = [
        (rule.rank, order)
        for order, solution in enumerate(solutions or ("",))
        for rule in rules
        if rule.market in (ALL, market) and rule.solution in (ALL, solution)
    ]
    return min(ranked)[0] if ranked else -1


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(MARKETS, SOLUTIONS), unique=True, max_size=12),
    market=st.sampled_from(["DE", "FR", "US"]),
    solutions=st.lists(SOLUTIONS.filter(lambda s: s != ALL), max_size=3, unique=True),
)
def test_engine_agrees_with_d18_and_the_oracle(
    book: RuleBook, pairs: list[tuple[str, str]], market: str, solutions: list[str]
) -> None:
    rules = tuple(RoutingRule(m, s, str(i)) for i, (m, s) in enumerate(pairs))
    decision = book.route(rules, market, tuple(solutions))
    expected = _reference(rules, market, tuple(solutions))
    assert (decision.rule.rank if decision.rule else -1) == expected
    table = RoutingTable(rules)
    try:
        oracle = Oracle(table.engine.definitions)
        asked: list[str | None] = [*solutions] or [None]
        for solution in asked:
            facts = RoutingFacts(market, solution)
            fields = {"market": market, **({"solution": solution} if solution else {})}
            message = table.engine.message(fields)
            fired = {int(name[1:]) for name in oracle.fired(message)}
            assert table.fired(facts) == fired
    finally:
        table.close()


def test_a_big_table_is_chunked_and_still_decides(book: RuleBook) -> None:
    rules = tuple(RoutingRule(ALL, f"SOL-{i}", str(i)) for i in range(MAX_ROUTING_RULES - 1))
    rules += (RoutingRule("DE", "SOL-7", "de"),)
    table = RoutingTable(rules)
    try:
        assert len(table.engine.definitions) > 1
        assert table.route("DE", ("SOL-300", "SOL-7")).rule == rules[-1]
        assert table.route("US", ("SOL-300",)).rule == rules[300]
    finally:
        table.close()
    with pytest.raises(ValueError, match="at most"):
        RoutingTable((*rules, RoutingRule(ALL, ALL, "x")))


def test_the_csv_form_names_the_line_of_every_problem() -> None:
    text = (
        "\ufeff# a comment\nMarket,Solution,Location\n*,*,100\nGermany,*,100\n"
        "DE,SOL 1,100\n*,*,101\nDE,*\nDE,*,\n\n"
    )
    rows, problems = read_routing_csv(text)
    assert [row.line for row in rows] == [3]
    assert problems == [
        "line 4: market 'Germany' is neither * nor a two-letter country code (e.g. DE)",
        "line 5: solution 'SOL 1' is neither * nor a solution ID (e.g. SOL-41001-LKH)",
        "line 6: market * with solution * is already routed on line 3",
        "line 7: 2 columns, expected 3 (market,solution,location)",
        "line 8: location '' is not a PartnerID (e.g. 4100002)",
    ]
    assert read_routing_csv("region,solution,location\n")[1][0].startswith("line 1: the header")
    assert read_routing_csv("")[1] == ["line 1: the header market,solution,location is missing"]


def test_the_data_form_reads_back() -> None:
    rows, problems = read_routing_csv(rules_as_csv(TABLE))
    assert not problems and {row.rule for row in rows} == set(TABLE)


def test_rules_check_covers_the_shipped_and_example_files(tmp_path: Path) -> None:
    assert check_rule_files() == []
    assert check_rule_files([DEFAULT_ROUTING, EXAMPLE]) == []
    broken = tmp_path / "routing.csv"
    broken.write_text("market,solution,location\nDE,*,100\nde,*,101\n", encoding="utf-8")
    assert check_rule_files([broken]) == [
        f"{broken}: line 3: market DE with solution * is already routed on line 2"
    ]


def test_the_service_and_the_rules_agree_on_the_cap() -> None:
    from cosell_tui.service import routing

    assert routing.MAX_ROUTING_RULES == MAX_ROUTING_RULES
