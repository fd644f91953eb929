"""The administration's CSV files (docs/admin.md): solutions, customer accounts, the co-sell
ecosystem and exchange rates, read with the co-sell file's reader (domain/pccsv.py: any
separator, a byte-order mark, quoted cells, stray spaces) and each row parsed by its input
model (inputs.py), whose labels are the columns.

An import is all or nothing: every row is read and checked, the use case then applies them in
one transaction and collects what the database refuses (a taken PartnerID, an unknown
location) by line as well; any problem raises one ValidationError naming every bad line, so
nothing is written. A dry run does all of that, then rolls the transaction back: it says what
the import would add, change and refuse, and writes nothing (not even the log).

Imports never delete: a row the file does not name stays as it is. A file is what one admin
exported or typed, often a part (one region's accounts, this quarter's rates); removing what
it leaves out would silently drop deals' customers, solutions and sellers, which deals and
their history point at. Removing or deactivating is one command per thing (`user
deactivate`), never a side effect of a file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cosell_tui.domain import pccsv as pc
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.parse import check

#: The largest file an import reads; `max_rows` raises it.
MAX_ROWS = 10_000

M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class Layout:
    """A file's columns (as docs/admin.md writes them) and the model field each fills."""

    what: str  # "solutions", for messages
    columns: Mapping[str, str]  # column -> field
    required: tuple[str, ...]  # columns the header must have

    def column(self, header: str) -> str:
        """The column a header names: case, spacing and a trailing '?' do not matter."""
        key = pc.header_key(header)
        return next((c for c in self.columns if pc.header_key(c) == key), header.strip())


@dataclass(slots=True)
class Problems:
    """Every bad line of a file: {line: [sentences]}, in line order when raised."""

    what: str
    rows: int
    lines: dict[int, list[str]] = field(default_factory=dict)
    seen: dict[Hashable, int] = field(default_factory=dict)

    def add(self, line: int, *said: str) -> None:
        self.lines.setdefault(line, []).extend(said)

    def once(self, line: int, key: Hashable, named: str) -> bool:
        """True the first time a file names `key` (a solution ID, a login...); after that the
        line is a problem (`Login ben is on line 2 too.`) and the row is to be left out."""
        if key in self.seen:
            self.add(line, f"{named} is on line {self.seen[key]} too.")
            return False
        self.seen[key] = line
        return True

    def raise_any(self, dry_run: bool = False) -> None:
        """Nothing is written: one ValidationError naming every bad line."""
        if not self.lines:
            return
        bad = len(self.lines)
        rows = f"{bad} of {self.rows} row{'s' if self.rows != 1 else ''} of the {self.what} file"
        are, them = ("is", "it") if bad == 1 else ("are", "them")
        raise ValidationError(
            f"Checked, nothing written: {rows} {are} not valid; fix {them} before importing."
            if dry_run
            else f"Nothing imported: {rows} {are} not valid; fix {them} and import the file again.",
            {f"line {line}": " ".join(said) for line, said in sorted(self.lines.items())},
        )


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did, or with `dry_run` would do: the keys (a solution ID, a login, a
    month and currency) of the rows it adds and of those it changes, and how many it leaves as
    they were."""

    what: str  # "accounts", as the sentence says it
    added_keys: tuple[str, ...] = ()
    changed_keys: tuple[str, ...] = ()
    unchanged: int = 0
    dry_run: bool = False
    #: Rates: deals whose USD value was filled in.
    revalued: int = 0
    #: Rates: won deals whose registration eligibility could now be decided.
    decided: int = 0

    @property
    def added(self) -> int:
        return len(self.added_keys)

    @property
    def changed(self) -> int:
        return len(self.changed_keys)

    def said(self, source: str = "") -> str:
        """`Imported 6 accounts from accounts.csv: 6 added, 0 changed, 0 unchanged.`, or for
        a dry run `Checked 6 accounts …: 6 would be added, … (nothing written).`"""
        rows = self.added + self.changed + self.unchanged
        would = "would be " if self.dry_run else ""
        text = (
            f"{'Checked' if self.dry_run else 'Imported'} {rows:,} {self.what}"
            f"{' from ' + source if source else ''}: {self.added:,} {would}added, "
            f"{self.changed:,} {would}changed, {self.unchanged:,} unchanged"
        )
        if self.revalued or self.decided:
            text += (
                f"; {self.revalued:,} deal(s) {would}valued in USD, registration eligibility "
                f"{would}decided for {self.decided:,} won deal(s) that waited for a rate"
            )
        return text + ("; nothing written." if self.dry_run else ".")


@dataclass(slots=True)
class Tally:
    """An import's rows as it applies them: added, changed or left as they were."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def count(self, key: str, new: bool, changed: bool) -> None:
        if new:
            self.added.append(key)
        elif changed:
            self.changed.append(key)
        else:
            self.unchanged += 1

    def done(self, what: str, dry_run: bool = False, **more: int) -> Imported:
        return Imported(what, tuple(self.added), tuple(self.changed), self.unchanged, dry_run,
                        **more)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rows(Generic[M]):
    """A file's rows, parsed: (line, row) in file order, and where to add later problems."""

    rows: tuple[tuple[int, M], ...]
    problems: Problems


def read_rows(
    data: bytes,
    layout: Layout,
    model: type[Any],
    max_rows: int = MAX_ROWS,
    context_of: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
    **context: Any,
) -> Rows[Any]:
    """Every good row of `data` as `model` (with the validation `context`, and what
    `context_of` says for the row's values: where a user's phone is read), and the problems
    of the bad ones, which the use case raises (Problems.raise_any) once it has also applied
    the good rows, so one answer names every bad line. A file that cannot be read, lacks a
    required column, names an unknown one or has no rows is refused at once."""
    try:
        sheet = pc.read_table(data, layout.column, max_rows)
    except pc.SheetError as exc:
        raise ValidationError(f"The {layout.what} file cannot be read: {exc}") from exc
    unknown = [c for c in sheet.columns if c not in layout.columns]
    if unknown:
        known = ", ".join(layout.columns)
        raise ValidationError(
            f"The {layout.what} file has a column '{unknown[0]}' that is not one of: {known}."
        )
    missing = [c for c in layout.required if c not in sheet.columns]
    if missing:
        raise ValidationError(
            f"The {layout.what} file has no '{missing[0]}' column (the first line must name "
            f"the columns: {', '.join(layout.required)} are required)."
        )
    if not sheet.rows:
        raise ValidationError(f"The {layout.what} file has no rows below its header.")
    problems = Problems(layout.what, len(sheet.rows))
    labels = {name: column for column, name in layout.columns.items()}
    parsed: list[tuple[int, Any]] = []
    for raw in sheet.rows:
        values = {layout.columns[c]: (text or None) for c, text in raw.cells.items()}
        more = context_of(values) if context_of is not None else {}
        row, found = check(model, values, **{**context, **more})
        for key, message in found.items():
            column = labels.get(key.split(".")[0].split("[")[0])
            named = column is None or message.startswith(column)
            problems.add(raw.line, message if named else f"{column}: {message}")
        if row is not None:
            parsed.append((raw.line, row))
    return Rows(tuple(parsed), problems)
