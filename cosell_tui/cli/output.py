"""Everything the `cosell` command prints: lines, `cosell: ` messages, JSON and aligned tables.

The one module of the CLI that imports rich (import-linter holds the others to it). Tables are
plain text for scripts and pipes: no colour, no box drawing, columns two spaces apart under a
rule of dashes, numbers right-aligned; on a terminal narrower than the table, columns are
dropped in a given order and one column is then clipped with an ellipsis, so a row stays one
line. They are laid out here, as rich's table (`box=None`) would lay them out, without loading
rich's console: drawing 20 rows through rich cost more than the rest of `deal list` above
SQLAlchemy. Only cell widths come from `rich.cells` (for text that is not plain ASCII), and a
table with a cell that rich would break into lines or expand (a tab, a line break, a format
character) is drawn by rich itself; tests/cli/test_table.py holds the two to the same bytes.
Money, dates and durations are formatted by `cosell_tui.domain.format`, not here.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO, cast

from cosell_tui.domain.format import json_safe, printable

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table

#: Wide enough for any table printed to a pipe or a file: they get every column in full.
UNLIMITED = 10_000
#: The smallest a clipped column gets.
MIN_CLIP = 8


@dataclass(frozen=True, slots=True)
class Fit:
    """How a table narrows on a small terminal: drop `drop` columns in this order while it is
    too wide, then clip column `shrink`."""

    drop: Sequence[int] = ()
    shrink: int | None = None


class _Rule:
    """The dashes under a header: as wide as its column's content, never wider."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        yield Segment("-" * options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement(1, 1)


def _console(buffer: io.StringIO, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        width=width,
        color_system=None,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Iterable[int],
    columns: Sequence[int],
    clip: tuple[int, int] | None = None,
) -> Table:
    from rich.table import Table

    right_set = set(right)
    table = Table(
        box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0), header_style=None
    )
    for index in columns:
        table.add_column(
            headers[index],
            justify="right" if index in right_set else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=clip[1] if clip is not None and clip[0] == index else None,
        )
    table.add_row(*(_Rule() for _ in columns))
    for row in rows:
        table.add_row(*(str(row[index]) for index in columns))
    return table


def _width(console: Console, table: Table) -> int:
    return console.measure(table).maximum


def table_text(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    right: Iterable[int] = (),
    width: int | None = None,
    fit: Fit | None = None,
) -> str:
    """Columns padded to their widest cell, `right` columns right-aligned; narrowed to `width`
    by `fit` when given (a None width prints every column in full)."""
    body = [[str(cell) for cell in row] for row in rows]
    right = tuple(right)
    if headers and all(_plain(cell) for row in (headers, *body) for cell in row):
        text = _plain_table_text(headers, body, right, width, fit)
        if text is not None:
            return text
    return _rich_table_text(headers, body, right, width, fit)


def _plain(cell: str) -> bool:
    """Text laid out as one line of its characters' cells (no tab, line break or format
    character, which rich expands, splits or joins)."""
    return cell.isprintable()


def _cells(text: str) -> int:
    """Terminal cells `text` takes, as rich counts them."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _fitted(text: str, width: int, justify_right: bool) -> str:
    """`text` in exactly `width` cells, as rich's no-wrap cell with an ellipsis overflow."""
    if justify_right:
        text = text.rstrip()
    length = _cells(text)
    if length > width:
        if text.isascii():
            text = text[: width - 1] + "…"
        else:
            from rich.cells import set_cell_size

            text = set_cell_size(text, width - 1) + "…"
        length = width
    pad = " " * (width - length)
    return pad + text if justify_right else text + pad


def _plain_table_text(
    headers: Sequence[str],
    body: list[list[str]],
    right: tuple[int, ...],
    width: int | None,
    fit: Fit | None,
) -> str | None:
    """The table as rich lays it out (see `_table`), or None when it is wider than UNLIMITED
    (rich would squeeze its columns)."""
    natural = [
        max(1, _cells(headers[index]), *(_cells(row[index]) for row in body))
        for index in range(len(headers))
    ]
    keep = list(range(len(headers)))

    def total(columns: Sequence[int]) -> int:
        return sum(natural[index] for index in columns) + 2 * (len(columns) - 1)

    if total(keep) > UNLIMITED:
        return None
    widths = list(natural)
    if width is not None and fit is not None:
        for column in fit.drop:
            if total(keep) <= width:
                break
            keep.remove(column)
        excess = total(keep) - width
        if excess > 0 and fit.shrink is not None and fit.shrink in keep:
            current = max((len(row[fit.shrink]) for row in body), default=0)
            widths[fit.shrink] = min(natural[fit.shrink], max(MIN_CLIP, current - excess))
    right_set = set(right)
    lines = [
        "  ".join(_fitted(cells[index], widths[index], index in right_set) for index in keep)
        for cells in (headers, ["-" * widths[index] for index in range(len(headers))], *body)
    ]
    return "\n".join(line.rstrip() for line in lines)


def _rich_table_text(
    headers: Sequence[str],
    body: list[list[str]],
    right: tuple[int, ...],
    width: int | None,
    fit: Fit | None,
) -> str:
    """The table drawn by rich itself (cells with tabs or line breaks, or wider than
    UNLIMITED)."""
    keep = list(range(len(headers)))
    buffer = io.StringIO()
    console = _console(buffer, UNLIMITED)
    table = _table(headers, body, right, keep)
    if width is not None and fit is not None:
        for column in fit.drop:
            if _width(console, table) <= width:
                break
            keep.remove(column)
            table = _table(headers, body, right, keep)
        excess = _width(console, table) - width
        if excess > 0 and fit.shrink is not None and fit.shrink in keep:
            current = max((len(row[fit.shrink]) for row in body), default=0)
            clip = (fit.shrink, max(MIN_CLIP, current - excess))
            table = _table(headers, body, right, keep, clip)
    console.print(table, crop=False)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


class _Printable(io.TextIOBase):
    """A text stream that writes to `out` what `printable` leaves of it."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._out.write(printable(text.replace("\r\n", "\n")))
        return len(text)

    def flush(self) -> None:
        self._out.flush()


class Output:
    """Where a command writes: its answer on `out`, `cosell: ` messages on `err`."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err

    def line(self, text: str = "") -> None:
        print(printable(text), file=self.out)

    def warn(self, text: str) -> None:
        """One `cosell: ` line on stderr (refusals, warnings, progress)."""
        print(f"cosell: {printable(text)}", file=self.err)

    def json(self, value: Any) -> None:
        """Stable, readable JSON (keys in the API's order, not sorted)."""
        print(dumps(value), file=self.out)

    def stream(self) -> TextIO:
        """Where a command streams stored text (an export): `out` itself for pipes and files,
        which get it exact; on a terminal, a writer that shows it `printable` (CSV's `\r\n`
        line ends kept as line breaks)."""
        if self.terminal_width() is None:
            return self.out
        return cast(TextIO, _Printable(self.out))

    def terminal_width(self) -> int | None:
        """The terminal's width when writing to one; None for pipes and files."""
        isatty = getattr(self.out, "isatty", None)
        if not callable(isatty) or not isatty():
            return None
        return shutil.get_terminal_size((100, 24)).columns

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[str]],
        right: Iterable[int] = (),
        fit: Fit | None = None,
    ) -> None:
        clean = ([printable(cell) for cell in row] for row in rows)  # before widths are measured
        self.line(table_text(headers, clean, right, self.terminal_width(), fit))


def dumps(value: Any) -> str:
    """JSON keeps stored text exact but never writes a control character raw."""
    return json_safe(json.dumps(value, indent=2, ensure_ascii=False))
