"""Text from the database never carries a terminal control sequence to the screen.

An attacker with write access to the database file (or an older cosell, or an import) can store
names, notes and history with ESC, CSI, C1 controls, BEL, backspace, carriage returns and bidi
overrides. Whatever the screen draws goes through `cosell_tui.domain.format.printable`: the
lines the compositor hands to the terminal hold none of them, and show `�` in their place.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from cosell_tui.domain.format import REPLACEMENT, UNSAFE_CHARACTERS
from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.dialogs import ConfirmDialog, LostDialog
from cosell_tui.screens.main import MainScreen
from tests.screens.conftest import settle

#: Clear the screen, set the window title, CSI by its C1 byte, reverse the text, isolate it,
#: go back to the line's start and over the last character.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07Acme\x9b31m\u202eevil\u2066x\u2069\r\x08"


def poison(path: Path) -> None:
    """Write HOSTILE into every deal's name, notes and customer, every history line and every
    account name, directly in the file as an attacker would (no service, no validation)."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE referral SET name = ? || name, notes = ?, customer_name = ?",
            (HOSTILE, HOSTILE, HOSTILE),
        )
        conn.execute("UPDATE history SET summary = ?", (HOSTILE,))
        conn.execute("UPDATE account SET name = ? || name", (HOSTILE,))
    conn.close()


def screen_lines(app) -> list[str]:
    """The lines the terminal gets, as text (styles aside)."""
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]


def assert_clean(lines: list[str]) -> None:
    shown = "\n".join(lines)
    leaked = sorted({f"U+{ord(c):04X}" for c in shown if c in UNSAFE_CHARACTERS})
    assert not leaked, f"control characters reached the screen: {leaked}"
    assert "Acme" in shown and REPLACEMENT in shown  # the text is there, the controls replaced


async def test_grid_preview_and_deal_screen_show_no_control_character(
    make_app, demo_db: Path
) -> None:
    poison(demo_db)
    app = make_app(size=(160, 48))
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert_clean(screen_lines(app))  # the grid and the preview card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        lines = screen_lines(app)
        assert_clean(lines)
        assert any("pwned" in line for line in lines)  # the history and notes are drawn
        detail = app.screen.detail
        app.notify(HOSTILE, title=HOSTILE)  # toasts carry deal and customer names
        await settle(pilot)
        assert_clean(screen_lines(app))
        app.push_screen(LostDialog(detail=detail))  # the title names the deal
        await settle(pilot)
        assert_clean(screen_lines(app))
        app.pop_screen()
        app.push_screen(ConfirmDialog(HOSTILE, HOSTILE, [HOSTILE]))
        await settle(pilot)
        assert_clean(screen_lines(app))


def test_insights_tables_and_charts_replace_control_characters() -> None:
    from rich.console import Console

    from cosell_tui.domain.insights_tables import TextTable
    from cosell_tui.screens.insights import rich_table
    from cosell_tui.widgets.charts import Bar, bars, stacked

    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None)
    console.print(rich_table(TextTable("Solutions", ("Solution", "Deals"), ((HOSTILE, "1"),))))
    console.print(bars([Bar(HOSTILE, 1.0, "1")], 80))
    console.print(stacked([("2026-10", [1.0], "1")], [HOSTILE], 80))
    assert_clean(buffer.getvalue().splitlines())


def test_bulk_results_show_deal_names_and_reasons_printable() -> None:
    from cosell_tui.domain.views import BulkResult
    from cosell_tui.screens.bulk import lines

    result = BulkResult(done=(), refused=((1, HOSTILE, HOSTILE),), unchanged=((2, HOSTILE, "x"),))
    assert_clean([line.plain for line in lines(result, only_failures=False)])
