"""The grid's pure pieces: countdown, money, cell fitting and column layout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from rich.cells import cell_len

from cosell_tui.domain.format import countdown, money
from cosell_tui.domain.views import DEFAULT_COLUMNS
from cosell_tui.widgets.grid import COLUMNS, fit, layout

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_countdown_reads_like_a_person_would_say_it() -> None:
    assert countdown(None, NOW) == ""
    assert countdown(NOW - timedelta(minutes=1), NOW) == "expired"
    assert countdown(NOW, NOW) == "expired"
    assert countdown(NOW + timedelta(seconds=20), NOW) == "1m"
    assert countdown(NOW + timedelta(minutes=42), NOW) == "42m"
    assert countdown(NOW + timedelta(hours=5, minutes=12), NOW) == "5h 12m"
    assert countdown(NOW + timedelta(days=2, hours=4, minutes=59), NOW) == "2d 4h"
    assert countdown(NOW + timedelta(days=14), NOW) == "14d 0h"


def test_money_is_grouped_with_the_iso_code() -> None:
    assert money(Decimal("48000"), "EUR", whole=True) == "48,000 EUR"
    assert money(Decimal("1234567.89"), "USD", whole=True) == "1,234,568 USD"
    assert money(Decimal("0"), "JPY", whole=True) == "0 JPY"


def test_money_follows_cosell_locale_on_every_screen(monkeypatch) -> None:
    monkeypatch.setenv("COSELL_LOCALE", "de_DE")
    assert money(Decimal("48000"), "EUR", whole=True) == "48.000 EUR"
    assert money(Decimal("48000"), "EUR") == "48.000,00 EUR"


def test_fit_pads_aligns_and_marks_a_cut() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, right=True) == "  abc"
    assert fit("abcdef", 4) == "abc…"
    assert fit("日本語の名前", 5) == "日本…"  # wide characters count two cells
    assert cell_len(fit("日本語の名前", 6)) == 6
    assert fit("x", 0) == ""


def test_layout_fills_the_width_and_keeps_minimums() -> None:
    for tab, columns in DEFAULT_COLUMNS.items():
        widths = layout(columns, 80)
        total = sum(w for _, w in widths) + len(widths) - 1
        assert total <= 80 or any(c.min_width == w for c, w in widths if not c.width), tab
        assert [c.id for c, _ in widths] == list(columns)
    wide = dict((c.id, w) for c, w in layout(DEFAULT_COLUMNS[next(iter(DEFAULT_COLUMNS))], 160))
    assert wide["name"] > wide["customer"] > COLUMNS["customer"].min_width
    narrow = dict((c.id, w) for c, w in layout(list(COLUMNS), 80))
    assert narrow["name"] == COLUMNS["name"].min_width  # too many columns: scroll sideways
