"""Broken rule files are clear errors at load (file, rule, what), never a crash later."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.domain import HelpType
from cosell_tui.domain.facts import DateWindows
from cosell_tui.rules import RuleBook, RuleFileError, check_rule_files
from cosell_tui.rules.rulebook import DEFAULT_DIRECTORY, RULE_SETS
from tests.rules.factories import deal_facts

CO_SELL_RULE = """  - id: co-sell
    source: domain.md §4.1 step 2; D13
    when: {help_type: {not: None}}"""


def copy_rules(tmp_path: Path) -> Path:
    for name in RULE_SETS:
        shutil.copy(DEFAULT_DIRECTORY / f"{name}.yaml", tmp_path / f"{name}.yaml")
    return tmp_path


def edit(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = copy_rules(tmp_path)
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_files_check_clean() -> None:
    assert check_rule_files(None) == []
    assert check_rule_files([DEFAULT_DIRECTORY / "transitions.yaml"]) == []


BROKEN = [
    # (file, old, new, rule id or None, words in the message)
    ("deal_type", "{not: None}}", "{nott: None}}", "co-sell", "unknown operator 'nott'"),
    (
        "deal_type",
        "{help_type: {not: None}}",
        "{help: {not: None}}",
        "co-sell",
        "unknown fact 'help'",
    ),
    ("deal_type", "deal_type: CoSell", "deal_type: Cosell", "co-sell", "'Cosell' is not one of"),
    (
        "deal_type",
        "{help_type: {not: None}}",
        "{help_type: {not: Nothing}}",
        "co-sell",
        "not a HelpType",
    ),
    ("deal_type", "when: {solution_count: 0}", "when: {solution_count: }", None, "null"),
    (
        "deal_type",
        "when: {solution_count: 0}",
        "when: {solution_count: '0'}",
        "no-solutions",
        "not a whole number",
    ),
    (
        "deal_type",
        "when: {solution_count: 0}",
        "when: {visible_to_microsoft: {missing: true}}",
        "no-solutions",
        "cannot stand alone",
    ),
    (
        "deal_type",
        "when: {solution_count: 0}",
        "when: {solution_count: {missing: true}, help_type: None}",
        "no-solutions",
        "never missing",
    ),
    ("deal_type", "id: private", "id: partner-led", "partner-led", "the same id is used twice"),
    ("deal_type", "id: private", "id: Private Deal", None, "id must be lower-case"),
    (
        "deal_type",
        "    source: domain.md §4.1 step 4; D13\n",
        "",
        "private",
        "source:",
    ),
    ("deal_type", "ruleset: deal_type", "ruleset: deal-type", None, "ruleset: must be"),
    ("deal_type", "policy: first", "policy: collect", None, "policy:"),
    ("deal_type", "({help_type})", "({helptype})", "co-sell", "{helptype} is neither a fact"),
    ("deal_type", "({help_type})", "({help_type:,})", "co-sell", "cannot be rendered"),
    (
        "deal_type",
        "more_than: $max_solutions",
        "more_than: $max_solution",
        "too-many-solutions",
        "unknown constant",
    ),
    (
        "deal_type",
        "{solution_count: 0}",
        "{solution_count: 0, solution_count: 1}",
        None,
        "duplicate key",
    ),
    ("deal_type", "rules:\n", "rules:\n  - [not, a, rule\n", None, "not valid YAML"),
    (
        "deal_type",
        "flag: p2p",
        "flag: p2p\n    problem: also a problem",
        "partner-to-partner",
        "exactly one of",
    ),
    ("deal_type", "flag: p2p", "flag: vip", "partner-to-partner", "'vip' is not one of"),
    (
        "deal_type",
        "{help_type: {not: None}}",
        "{help_type: {at_least: 3}}",
        "co-sell",
        "needs a number fact",
    ),
    (
        "deal_type",
        "{help_type: {not: None}}",
        "{help_type: {in: []}}",
        "co-sell",
        "in: needs a list",
    ),
    (
        "deal_type",
        "{help_type: {not: None}}",
        "{help_type: {not: None}, colour: red}",
        "co-sell",
        "unknown fact 'colour'",
    ),
    (
        "deal_type",
        "visible_to_microsoft: true}",
        "visible_to_microsoft: 1}",
        "partner-led",
        "not true or false",
    ),
    # transitions.yaml is one block per action: a problem inside a block names the action
    (
        "transitions",
        "    otherwise say: This deal cannot be registered now.\n",
        "",
        "register",
        "otherwise say: missing",
    ),
    (
        "transitions",
        "  accept:\n    source:",
        "  acept:\n    source:",
        None,
        "'acept' is not an action",
    ),
    (
        "transitions",
        "  invite:\n    source: domain.md §2.2 T13\n",
        "  invite:\n    source: domain.md §2.2 T13\n    allowed if: {status: Active}\n",
        "invite",
        "unknown key 'allowed if' (known: allowed when,",
    ),
    ("transitions", "- stage: 20", "- stage: 30", "mark_stage", "30 is not a stage"),
    ("transitions", "- stage: 20  ", "- stagee: 20", "mark_stage", "unknown key 'stagee'"),
    (
        "transitions",
        "    except: [register, request_exception]\n",
        "    except: [registr, request_exception]\n",
        "closed-deals-are-frozen",
        "not an action",
    ),
    (
        "transitions",
        "say: A solution-assessment deal cannot be shared with or upgraded for Microsoft.",
        "say: Solution-assessment deals cannot be shared.",
        "no-upgrade-for-assessments",
        "the same id is used twice",
    ),
    (
        "transitions",
        'notes needed for reasons: ["6", "9"]',
        'notes needed for reasons: ["6", "10"]',
        "close_as_error",
        "'10' is not one of the ErrorReason codes",
    ),
    (
        "transitions",
        "    otherwise say: Only an active deal can be marked lost.",
        "    otherwise say: [Only, active]",
        "lost",
        "otherwise say: must be text, got a list",
    ),
    (
        "transitions",
        "when: {role: MicrosoftSeller}",
        "when: {role: MicrosoftSeller}\n    reason: a typo for say",
        "microsoft-sellers-cannot-change",
        "unknown key 'reason' (known: except, id, say, source, when)",
    ),
    (
        "transitions",
        "allowed when: {status: Active, is_invitee: true}",
        "allowed when: {status: Active, is_invitee: yes please}",
        "edit_invitation_terms",
        "allowed when → item 1 → is_invitee: 'yes please' is not true or false",
    ),
    ("transitions", "won_gap_hours: 72", "won_gap_hours: true", None, "constants: won_gap_hours"),
    (
        "transitions",
        "        sign within days: no limit",
        "        sign within days: 30",
        "register",
        "sign within days: 30 is stricter than 60",
    ),
    (
        "transitions",
        "      start within days: 90\n",
        "      start within days: 0\n",
        "register",
        "start within days: 0 is not a number of days",
    ),
    ("eligibility", "    unknown: >-", "    unknow: >-", "deal-value", "unknown key 'unknow'"),
    (
        "eligibility",
        "      - text: Microsoft's status is {microsoft_status}.",
        "      - when: {deal_type: CoSell}\n"
        "        text: Microsoft's status is {microsoft_status}.",
        "microsoft-accepted",
        "the last has none",
    ),
    (
        "eligibility",
        "facts: EligibilityFacts",
        "facts: DealTypeFacts",
        None,
        "reads EligibilityFacts",
    ),
    (
        "eligibility",
        "ruleset: eligibility",
        "ruleset: eligibility\nextra: 1",
        None,
        "unknown top-level key",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "rule", "words"),
    BROKEN,
    ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)],
)
def test_broken_file_is_a_clear_error(
    tmp_path: Path, name: str, old: str, new: str, rule: str | None, words: str
) -> None:
    path = edit(tmp_path, name, old, new)
    with pytest.raises(RuleFileError) as caught:
        RuleBook.load(tmp_path)
    error = caught.value
    assert error.file == str(path)
    assert error.rule == rule
    assert words in str(error)
    assert str(path) in str(error)
    # the CLI's check reports the same problem, in words, without raising
    problems = check_rule_files([path])
    assert len(problems) == 1 and words in problems[0]


def test_too_many_rules(tmp_path: Path) -> None:
    extra = "".join(
        f"  - id: extra-{i}\n    source: test\n    when: {{solution_count: {i}}}\n"
        f"    problem: Problem {i}.\n"
        for i in range(120)
    )
    path = edit(tmp_path, "deal_type", "rules:\n", "rules:\n" + extra)
    with pytest.raises(RuleFileError, match="at most 120 per file"):
        RuleBook.load(tmp_path)
    assert check_rule_files([path])


def test_missing_file(tmp_path: Path) -> None:
    copy_rules(tmp_path)
    (tmp_path / "eligibility.yaml").unlink()
    with pytest.raises(RuleFileError, match=r"eligibility\.yaml: missing"):
        RuleBook.load(tmp_path)


def test_unreadable_or_unknown_files(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("ruleset: pricing\npolicy: first\nrules: []\n", encoding="utf-8")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    problems = check_rule_files([other, listing, tmp_path / "absent.yaml"])
    assert len(problems) == 3
    assert "ruleset: must be one of deal_type, transitions, eligibility" in problems[0]
    assert "must be a mapping" in problems[1]
    assert "cannot read the file" in problems[2]


def test_a_threshold_is_changed_in_the_file_alone(tmp_path: Path) -> None:
    edit(tmp_path, "deal_type", "max_solutions: 50", "max_solutions: 10")
    with RuleBook.load(tmp_path, cache_size=0) as book:
        decision = book.deal_type(deal_facts(solution_count=11))
        assert decision.problems == ("11 solutions are chosen; a deal takes at most 10.",)
        assert book.deal_type(deal_facts(solution_count=10)).problems == ()


def test_registration_date_windows_relax_after_an_approved_exception(tmp_path: Path) -> None:
    """D19: the form's date windows are in transitions.yaml, relaxed after an approved
    exception; changed in the file alone."""
    with RuleBook.load(cache_size=0) as book:
        assert book.date_windows(False) == DateWindows(sign_days=60, start_days=90)
        assert book.date_windows(True) == DateWindows(sign_days=None, start_days=None)
    edit(
        tmp_path,
        "transitions",
        "        start within days: no limit",
        "        start within days: 120",
    )
    with RuleBook.load(tmp_path, cache_size=0) as book:
        assert book.date_windows(True) == DateWindows(sign_days=None, start_days=120)


def test_the_answers_kept_after_an_approved_exception_are_in_the_file(tmp_path: Path) -> None:
    """D19: what a registration filed again after an approved exception keeps is listed in
    transitions.yaml (`register`); a name that is no answer of the form is refused."""
    with RuleBook.load(cache_size=0) as book:
        kept = book.kept_after_exception()
    assert "tenant_type" in kept.fields and "term" not in kept.fields
    assert kept.why.startswith("After an approved exception only the term")
    edit(tmp_path, "transitions", "        - tenant_type\n", "        - tenant\n")
    with pytest.raises(RuleFileError, match="'tenant' is not an answer of the registration"):
        RuleBook.load(tmp_path)


def test_a_rule_can_be_added_in_the_file_alone(tmp_path: Path) -> None:
    new_rule = (
        "  - id: no-quotes-help\n    source: test\n"
        "    when: {help_type: QuotesOrLicensing}\n"
        "    problem: Ask your distributor for quotes, not Microsoft.\n"
    )
    edit(tmp_path, "deal_type", CO_SELL_RULE, new_rule + CO_SELL_RULE)
    with RuleBook.load(tmp_path, cache_size=0) as book:
        decision = book.deal_type(deal_facts(help_type=HelpType.QUOTES_LICENSING))
        assert decision.rule == "no-quotes-help"
        assert decision.deal_type is None


# --- any broken shape is said in our words, never in pydantic's ------------------------------

PYDANTIC_WORDS = ("Input should", "type=", "pydantic", "loc=", "validation error", "[key]")
JUNK = st.one_of(
    st.integers(-5, 5),
    st.booleans(),
    st.text(alphabet="abc {}$_-", max_size=6),
    st.lists(st.integers(0, 3) | st.text(max_size=3), max_size=2),
    st.dictionaries(
        st.text(alphabet="ab_", max_size=3) | st.integers(0, 2), st.integers(0, 2), max_size=2
    ),
)


def _places(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in a parsed YAML document."""
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*at, index))


@settings(max_examples=75, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_broken_shape_is_said_in_words(tmp_path_factory: Any, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(RULE_SETS)), label="file")
    doc = yaml.safe_load((DEFAULT_DIRECTORY / f"{name}.yaml").read_text(encoding="utf-8"))
    place = data.draw(st.sampled_from([p for p in _places(doc) if p]), label="place")
    parent = doc
    for step in place[:-1]:
        parent = parent[step]
    how = data.draw(st.sampled_from(["replace", "drop", "add a key"]), label="how")
    if how == "drop" and isinstance(parent, dict):
        del parent[place[-1]]
    elif how == "add a key" and isinstance(parent[place[-1]], dict):
        parent[place[-1]][data.draw(st.sampled_from(["colour", "whenn", "id"]))] = 1
    else:
        parent[place[-1]] = data.draw(JUNK, label="junk")
    path = tmp_path_factory.mktemp("broken") / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for problem in check_rule_files([path]):  # anything but a RuleFileError fails the test
        assert problem.startswith(str(path))
        assert not any(words in problem for words in PYDANTIC_WORDS), problem
