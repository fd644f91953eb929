"""The CLI's tables are laid out without rich's console (cli/output.py) but must be the bytes
rich drew: every table is checked against rich itself (the path output.py keeps for cells rich
would split or expand), on hypothesis-made cells: ASCII, accents, dashes, wide and combining
characters, emoji with a variation selector, empty cells, narrow terminals."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.cli import output
from cosell_tui.cli.output import Fit, table_text

#: Characters that reach tables: plain ASCII, Latin accents, the en dash and ellipsis of deal
#: names, the em dash of an empty stage, CJK (two cells), combining accents (none), emoji and
#: the variation selector, the replacement character `printable` writes. (A tab or a line
#: break sends the whole table down rich's own path.)
OTHERS = ("é", "Ö", "ß", "–", "—", "…", "日", "本", "한", "\u0301", "😀", "\ufe0f", "\ufffd")
ALPHABET = st.sampled_from([*"abcXYZ019 .,-*#()", *OTHERS])
CELL = st.text(ALPHABET, max_size=14)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], tuple[int, ...], int | None, Fit]:
    columns = draw(st.integers(1, 6))
    headers = draw(st.lists(CELL, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=5))
    right = tuple(i for i in range(columns) if draw(st.booleans()))
    order = draw(st.permutations(range(columns)))
    drop = tuple(order[: draw(st.integers(0, columns - 1))])
    kept = [i for i in range(columns) if i not in drop]
    shrink = draw(st.sampled_from([None, *kept]))
    width = draw(st.one_of(st.none(), st.integers(5, 80)))
    return headers, rows, right, width, Fit(drop=drop, shrink=shrink)


def rich_text(
    headers: list[str], rows: list[list[str]], right: tuple[int, ...], width: int | None, fit: Fit
) -> str:
    return output._rich_table_text(headers, [list(r) for r in rows], right, width, fit)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_a_table_is_laid_out_as_rich_lays_it_out(
    table: tuple[list[str], list[list[str]], tuple[int, ...], int | None, Fit],
) -> None:
    headers, rows, right, width, fit = table
    assert table_text(headers, rows, right, width, fit) == rich_text(*table)


def test_deal_list_shaped_table_matches_rich_at_every_width() -> None:
    headers = ["#", " Deal", "Customer", "Type", "Status", "Stage", "Value", "Close", "Ctry", "In"]
    rows = [
        [str(i), f"*Wright – SOC modernisation {'x' * i}", "Wright Ölwerke", "Co-sell +P2P",
         "Received", "—", f"{i * 1234:,}.00 GBP", "2027-01-09", "IE", f"{i}h 2m"]
        for i in range(1, 12)
    ]  # fmt: skip
    fit = Fit(drop=(8, 5, 2, 7), shrink=1)
    for width in (None, 20, 40, 60, 79, 80, 100, 120, 160, 200):
        assert table_text(headers, rows, (0, 6), width, fit) == rich_text(
            headers, rows, (0, 6), width, fit
        ), width


def test_a_cell_with_a_tab_or_a_line_break_is_drawn_by_rich(monkeypatch) -> None:
    drawn: list[str] = []
    original = output._rich_table_text

    def spy(*args: object) -> str:
        drawn.append("rich")
        return original(*args)  # type: ignore[arg-type]  # the same arguments

    monkeypatch.setattr(output, "_rich_table_text", spy)
    table_text(["A", "B"], [["x", "y"]])
    assert drawn == []
    text = table_text(["A", "B"], [["x\ty", "two\nlines"]])
    assert drawn == ["rich"]
    assert text.splitlines()[3].strip() == "lines"  # a line break makes a second line
