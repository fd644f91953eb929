"""The routing rule set (policy *most specific*): which location receives Microsoft's referral.

The fourth declarative rule set. Unlike the three YAML files it is per partner organisation and
edited by its entire-company admins, so its rules live in the database; their data form is a
list of (market, solution) → location rows, read and written as CSV (`market,solution,location`,
`*` for all; docs/rules.md, "Routing rules"). A table of rules is compiled into durable-rules
like the other rule sets: each rule one engine rule, a named market or solution one equality
test, `*` no test at all (the all-markets/all-solutions rule matches every fact).

Precedence (D18, Partner Center's): a rule naming both the market and the solution beats one
naming the solution, which beats one naming the market, which beats the default. Every rule that
matches fires; the most specific one decides. A referral with several solutions is asked once
per solution, and among equally specific rules the referral's first solution wins.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cosell_tui.domain.facts import ALL, RoutingDecision, RoutingFacts, RoutingRule
from cosell_tui.rules.engine import EngineRule, EngineRuleset, check_budget
from cosell_tui.rules.errors import RuleFileError
from cosell_tui.rules.schema import FactSchema, to_message

#: The rule set's name (the engine's `_kind`, and what `cosell rules check` calls a CSV file).
NAME = "routing"
#: Most rules of one organisation: a table is compiled as one unit, in chunks of 48 rules.
MAX_ROUTING_RULES = 500
#: The CSV's header, in this order (Partner Center's routing-rules columns).
COLUMNS = ("market", "solution", "location")
#: A solution id as the catalog spells them (SOL-41001-LKH): no spaces, at most 40 characters.
_SOLUTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_MARKET = re.compile(r"^[A-Za-z]{2}$")
_PARTNER_ID = re.compile(r"^[A-Za-z0-9._-]{1,20}$")

SCHEMA = FactSchema(RoutingFacts)


@dataclass(frozen=True, slots=True)
class RoutingRow:
    """One data row of a routing file: the rule and the line it was read from."""

    line: int
    rule: RoutingRule


def market_of(raw: str) -> str:
    """`*`, or an upper-case two-letter code; ValueError in words otherwise."""
    text = raw.strip()
    if text == ALL:
        return ALL
    if not _MARKET.match(text):
        raise ValueError(f"market {text!r} is neither * nor a two-letter country code (e.g. DE)")
    return text.upper()


def solution_of(raw: str) -> str:
    text = raw.strip()
    if text == ALL:
        return ALL
    if not _SOLUTION.match(text):
        raise ValueError(f"solution {text!r} is neither * nor a solution ID (e.g. SOL-41001-LKH)")
    return text


def location_of(raw: str) -> str:
    text = raw.strip()
    if not _PARTNER_ID.match(text):
        raise ValueError(f"location {text!r} is not a PartnerID (e.g. 4100002)")
    return text


def rule_of(market: str, solution: str, location: str) -> RoutingRule:
    """A rule from its three texts; ValueError naming the first bad one."""
    return RoutingRule(market_of(market), solution_of(solution), location_of(location))


def read_routing_csv(text: str) -> tuple[list[RoutingRow], list[str]]:
    """The rows of a routing file, and every problem as `line N: what is wrong`.

    The first line is the header `market,solution,location`; blank lines and lines starting
    with `#` are skipped. A (market, solution) pair routed twice is a problem on its second line.
    """
    rows: list[RoutingRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    header_read = False
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
                continue
            if not header_read:
                header_read = True
                names = tuple(cell.strip().lower() for cell in cells)
                if names != COLUMNS:
                    problems.append(
                        f"line {line}: the header must be market,solution,location, "
                        f"got {','.join(cells)!r}"
                    )
                    return [], problems
                continue
            if len(cells) != len(COLUMNS):
                problems.append(
                    f"line {line}: {len(cells)} columns, expected 3 (market,solution,location)"
                )
                continue
            try:
                rule = rule_of(*cells)
            except ValueError as error:
                problems.append(f"line {line}: {error}")
                continue
            key = (rule.market, rule.solution)
            if key in seen:
                problems.append(f"line {line}: {_pair(rule)} is already routed on line {seen[key]}")
                continue
            seen[key] = line
            rows.append(RoutingRow(line, rule))
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: not valid CSV ({error})")
    if not header_read:
        problems.append("line 1: the header market,solution,location is missing")
    if len(rows) > MAX_ROUTING_RULES:
        problems.append(f"{len(rows)} rules, at most {MAX_ROUTING_RULES} per organisation")
    return rows, problems


def _pair(rule: RoutingRule) -> str:
    return f"market {rule.market} with solution {rule.solution}"


def ordered(rules: Iterable[RoutingRule]) -> tuple[RoutingRule, ...]:
    """Rules in precedence order (D18), then by market and solution: a table's one spelling."""
    return tuple(sorted(rules, key=lambda r: (r.rank, r.market, r.solution)))


def _condition(rule: RoutingRule) -> dict[str, Any]:
    tests: list[dict[str, str]] = []
    if rule.market != ALL:
        tests.append({"market": rule.market})
    if rule.solution != ALL:
        tests.append({"solution": rule.solution})
    return {"$and": tests} if tests else {}


class RoutingTable:
    """One organisation's routing rules, validated and compiled into the engine on first use."""

    def __init__(self, rules: Sequence[RoutingRule]) -> None:
        self.rules = ordered(rules)
        pairs = {(r.market, r.solution) for r in self.rules}
        if len(pairs) != len(self.rules):
            raise ValueError("a (market, solution) pair is routed twice")
        if len(self.rules) > MAX_ROUTING_RULES:
            raise ValueError(f"{len(self.rules)} rules, at most {MAX_ROUTING_RULES}")
        #: Engine rule names are positions in `rules` (plain identifiers, as the engine needs).
        self.engine_rules = [
            EngineRule(f"r{index}", _condition(rule)) for index, rule in enumerate(self.rules)
        ]
        check_budget(self.engine_rules)
        self._engine: EngineRuleset | None = None

    @property
    def engine(self) -> EngineRuleset:
        if self._engine is None:
            self._engine = EngineRuleset(NAME, self.engine_rules)
        return self._engine

    def fired(self, facts: RoutingFacts) -> frozenset[int]:
        """Positions in `rules` of every rule the facts match (validated first)."""
        values = SCHEMA.values(facts)
        message = to_message(values, frozenset(("market", "solution")))
        return frozenset(int(name[1:]) for name in self.engine.evaluate(message))

    def route(self, market: str, solutions: Sequence[str]) -> RoutingDecision:
        """The most specific rule for a referral to `market` naming `solutions` (in its order)."""
        best: tuple[int, int, int] | None = None
        for order, solution in enumerate(solutions or (None,)):
            for index in self.fired(RoutingFacts(market, solution)):
                candidate = (self.rules[index].rank, order, index)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            return RoutingDecision(None, no_rule_reason(market))
        return RoutingDecision(self.rules[best[2]], routed_reason(self.rules[best[2]]))

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def routed_reason(rule: RoutingRule) -> str:
    why = {
        0: "it names both the customer's market and the solution",
        1: "it names the solution, in all markets",
        2: "it names the customer's market, for all solutions",
        3: "it is the default, and no rule names the market or the solution",
    }[rule.rank]
    return f"Routed by the rule {rule.describe()}: {why} (D18)."


def no_rule_reason(market: str) -> str:
    return (
        f"No routing rule matches market {market} and there is no default rule, so the "
        "location in the customer's country (else the first location) received it."
    )


def check_routing_file(path: Path) -> list[str]:
    """Problems of a routing CSV for `cosell rules check` (shape only: no database to look the
    locations and solutions up in); the rules are compiled and asked one sample question."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [str(RuleFileError(path, None, f"cannot read the file ({error})"))]
    rows, problems = read_routing_csv(text)
    if problems:
        return [str(RuleFileError(path, None, problem)) for problem in problems]
    try:
        table = RoutingTable([row.rule for row in rows])
        try:
            table.route("US", ("SOL-SAMPLE",))
        finally:
            table.close()
    except ValueError as error:
        return [str(RuleFileError(path, None, str(error)))]
    return []


def rules_as_csv(rules: Iterable[RoutingRule]) -> str:
    """The data form of a table: what `cosell routing import` reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rule in ordered(rules):
        writer.writerow((rule.market, rule.solution, rule.location))
    return out.getvalue()


__all__ = [
    "COLUMNS",
    "MAX_ROUTING_RULES",
    "NAME",
    "RoutingRow",
    "RoutingTable",
    "check_routing_file",
    "no_rule_reason",
    "ordered",
    "read_routing_csv",
    "routed_reason",
    "rule_of",
    "rules_as_csv",
]
