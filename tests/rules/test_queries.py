"""What the service asks the rule files without facts: the one-way upgrade order (deal_type.yaml)
and the close reasons that need notes (transitions.yaml). Each lives in its file alone."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cosell_tui.domain import Action, CloseReason, DealType, ErrorReason
from cosell_tui.rules import RuleBook
from tests.rules.test_rule_files import edit

#: The order the service used to state in Python (writes.TYPE_RANK), unlisted types ranking 0.
OLD_RANK = {DealType.PRIVATE: 0, DealType.PARTNER_LED: 1, DealType.CO_SELL: 2}


@pytest.mark.parametrize(("current", "decided"), list(itertools.product(DealType, repeat=2)))
def test_upgrades_are_one_way(book: RuleBook, current: DealType, decided: DealType) -> None:
    before = current if OLD_RANK.get(decided, 0) < OLD_RANK.get(current, 0) else decided
    assert book.upgraded_type(current, decided) is before


def test_never_back_from_co_sell(book: RuleBook) -> None:
    assert book.upgraded_type(DealType.CO_SELL, DealType.PARTNER_LED) is DealType.CO_SELL
    assert book.upgraded_type(DealType.PRIVATE, DealType.CO_SELL) is DealType.CO_SELL


def test_the_upgrade_order_is_read_from_the_file(tmp_path: Path) -> None:
    edit(
        tmp_path,
        "deal_type",
        "one-way upgrades: [Private, PartnerLed, CoSell]",
        "one-way upgrades: [PartnerLed, Private, CoSell]",
    )
    with RuleBook.load(tmp_path, cache_size=0) as book:
        assert book.upgraded_type(DealType.PRIVATE, DealType.PARTNER_LED) is DealType.PRIVATE


@pytest.mark.parametrize("reason", list(ErrorReason))
def test_error_reasons_that_need_notes(book: RuleBook, reason: ErrorReason) -> None:
    explain = reason in (ErrorReason.SOLUTION_ISSUES, ErrorReason.OTHERS)
    assert book.needs_notes(Action.CLOSE_AS_ERROR, reason) is explain
    assert ("explain in notes" in reason.label) is explain


@pytest.mark.parametrize("action", [Action.LOST, Action.DECLINE])
@pytest.mark.parametrize("reason", list(CloseReason))
def test_close_reasons_need_no_notes(book: RuleBook, action: Action, reason: CloseReason) -> None:
    """CloseReason "6" (time line too short) shares its code with ErrorReason "6" (solution
    issues): the answer depends on the reason's kind, not on its code."""
    assert book.needs_notes(action, reason) is False


def test_notes_questions_are_typed(book: RuleBook) -> None:
    assert book.needs_notes(Action.CLOSE_AS_ERROR, None) is False
    assert book.needs_notes(Action.WON, None) is False
    with pytest.raises(TypeError, match="close_as_error takes a ErrorReason"):
        book.needs_notes(Action.CLOSE_AS_ERROR, CloseReason.TIMELINE_TOO_SHORT)


def test_the_reasons_that_need_notes_are_read_from_the_file(tmp_path: Path) -> None:
    edit(
        tmp_path,
        "transitions",
        'notes needed for reasons: ["6", "9"]',
        "notes needed for reasons: [3]",
    )
    with RuleBook.load(tmp_path, cache_size=0) as book:
        assert book.needs_notes(Action.CLOSE_AS_ERROR, ErrorReason.DUPLICATE_MICROSOFT)
        assert not book.needs_notes(Action.CLOSE_AS_ERROR, ErrorReason.OTHERS)


def test_these_questions_compile_nothing() -> None:
    with RuleBook.load(cache_size=0) as book:
        book.upgraded_type(DealType.PRIVATE, DealType.CO_SELL)
        book.needs_notes(Action.CLOSE_AS_ERROR, ErrorReason.OTHERS)
        assert not any(compiled.compiled for compiled in book._all)
