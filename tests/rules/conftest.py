"""Fixtures for the rule tests: one uncached rule book per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cosell_tui.rules import RuleBook


@pytest.fixture(scope="module")
def book() -> Iterator[RuleBook]:
    """Uncached, so every assertion exercises the engine."""
    with RuleBook.load(cache_size=0) as rules:
        yield rules
