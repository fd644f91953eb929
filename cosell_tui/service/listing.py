"""What the user sees: the four grids (D1) with their counts, pages and filter line; one deal in
full with the actions allowed now; the palette's look-up; and the user's favourites.

The store owns the grid SQL (per-tab indexes, the parsed filter language, a cache of ordered ids
checked against the database's change counter); every query here adds who is asking, so a user
only ever sees deals in their scope (D10), and a bad filter comes back as a clear message.

The grids' reads (counts, pages, ids) are SQLAlchemy Core over store/tables.py: they import
neither the ORM nor the models nor the rules, so `cosell deal list` and the TUI's first rows
never wait for those. One deal in full (detail.py) reads Core tables too, and asks the rules;
the palette's look-up (palette.py) and the favourites go through a unit of work, which brings
the ORM in on first use.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete

from cosell_tui.domain import query
from cosell_tui.domain.views import BulkResult, DealDetail, DealRow, GridQuery, Page, Tab
from cosell_tui.service.context import Context
from cosell_tui.service.errors import CosellError, ValidationError
from cosell_tui.service.shared import MAX_ID
from cosell_tui.store.tables import favorite

if TYPE_CHECKING:
    from cosell_tui.store.grid import Grid as StoreGrid
    from cosell_tui.store.grid import Scope

_grid_lock = threading.Lock()

#: Largest page a caller may ask for (a screen shows far fewer rows).
MAX_PAGE = 5000


def _searchable(text: str) -> bool:
    """Text a deal could match: not longer than a filter, no control character (a NUL, which
    PostgreSQL refuses in text) nor broken Unicode."""
    try:
        query.check_text(text)
    except query.QueryError:
        return False
    return True


class Listing:
    """Grids, one deal, the palette's look-up and favourites."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def _store_grid(self) -> StoreGrid:
        """One store Grid (with its id cache) per database, shared by `as_user` copies."""
        shared = self._ctx.shared
        grid = getattr(shared, "grid", None)
        if grid is None:
            from cosell_tui.store.grid import Grid as StoreGrid

            with _grid_lock:
                grid = getattr(shared, "grid", None)
                if grid is None:
                    grid = StoreGrid(shared.engine)
                    shared.grid = grid
        return grid

    def _scope(self) -> Scope:
        from cosell_tui.store.grid import Scope

        return Scope.of(self._ctx.user)

    @staticmethod
    def _parse(text: str) -> query.Query:
        try:
            return query.parse(text or "")
        except query.QueryError as exc:
            raise ValidationError(f"The filter is not valid: {exc}", {"filter": str(exc)}) from exc

    def check_filter(self, text: str) -> str | None:
        """None when the filter line parses, else the message to show inline."""
        return query.check(text)

    def tab_counts(self) -> dict[Tab, int]:
        """Deals per tab, for the tab labels."""
        with self._ctx.guarded():
            return self._store_grid().tab_counts(self._scope(), self._ctx.clock.now())

    def _result(self, q: GridQuery) -> tuple[Scope, Tab, query.Query, datetime]:
        """What decides the rows of `q` for this user now: scope, tab, parsed filter, clock."""
        return self._scope(), q.tab, self._parse(q.text), self._ctx.clock.now()

    def count(self, q: GridQuery) -> int:
        with self._ctx.guarded():
            return self._store_grid().count(*self._result(q))

    def quick_count(self, q: GridQuery) -> int | None:
        """`count` when it is a read of a few rows (an admin's unfiltered tab, or a count cached
        since the last write); None when it would take SQL work that grows with the deals."""
        with self._ctx.guarded():
            return self._store_grid().quick_count(*self._result(q))

    def page(self, q: GridQuery, offset: int, limit: int) -> Page:
        """Rows [offset, offset + limit) in the grid's order (ties broken by id)."""
        if limit < 0 or limit > MAX_PAGE:
            raise ValidationError(f"A page holds at most {MAX_PAGE:,} rows.")
        if offset < 0 or offset > MAX_ID:
            raise ValidationError("A page starts at row 0 or later, within the deals' count.")
        with self._ctx.guarded():
            rows = self._store_grid().page(
                *self._result(q), sort=q.sort, descending=q.descending, offset=offset, limit=limit
            )
        now = self._ctx.clock.now()
        return Page(rows=tuple(row.as_of(now) for row in rows), offset=offset)

    def ids(self, q: GridQuery, start: int = 0, stop: int | None = None) -> Sequence[int]:
        """Ids of rows [start, stop) in the grid's order, every matching row by default: what
        `*` (mark all) and `v` (mark a range) mark. One query (none when the ordered ids are
        cached), 8 bytes per id."""
        if start < 0 or (stop is not None and stop < start):
            raise ValidationError("A range of rows starts at 0.", {"start": "out of range"})
        with self._ctx.guarded():
            return self._store_grid().ids(
                *self._result(q), sort=q.sort, descending=q.descending, start=start, stop=stop
            )

    def changes(self) -> int:
        """A counter that moves whenever a deal, its team or a favourite changes, by anyone, in
        any process: the TUI watches it to keep an open queue live (one row, no re-query)."""
        with self._ctx.guarded():
            return int(self._store_grid().change_counter())

    def neighbour(self, q: GridQuery, deal_id: int, step: int) -> int | None:
        """The deal `step` rows after (or, negative, before) `deal_id` in the grid of `q`, for the
        deal screen's previous/next; None past either end or when the deal is not in the grid.
        Reads the grid's ordered ids (one query, cached until the next write)."""
        ids = self.ids(q)
        try:
            at = ids.index(deal_id)
        except ValueError:
            return None
        target = at + step
        return int(ids[target]) if 0 <= target < len(ids) else None

    def deal(self, deal: int | str) -> DealDetail:
        """Everything the deal screen shows, and the actions allowed now (D10 scoped)."""
        from cosell_tui.service.detail import detail  # Core: no ORM, no mappers

        return detail(self._ctx, deal)

    def row(self, deal: int | str) -> DealRow:
        with self._ctx.read() as uow:
            return uow.row(uow.load(deal))

    def find_deals(self, text_: str, limit: int = 20) -> tuple[DealRow, ...]:
        """The command palette: a deal by its number, Referral ID prefix or words of its name,
        customer, CRM ID or notes (full-text index, never a table scan)."""
        wanted = text_.strip()
        if not wanted or not _searchable(wanted):
            return ()
        from cosell_tui.service.palette import find

        with self._ctx.read() as uow:
            return find(uow, wanted, max(1, min(limit, 200)))

    def set_favorite(self, deal: int, on: bool) -> bool:
        """Star or unstar a visible deal (any state: favourites are the user's, not the deal's)."""
        with self._ctx.write() as uow:
            ref = uow.load(deal)
            if on:
                # Insert-if-absent in one statement: two sessions starring the same deal at
                # once both succeed (a check-then-insert lost the race with a unique violation).
                uow.session.execute(
                    uow.insert_ignoring_duplicates(favorite).values(
                        user_id=self._ctx.user.id, referral_id=ref.id, created_at=uow.now()
                    )
                )
            else:
                fav = favorite.c
                uow.session.execute(
                    delete(favorite).where(
                        fav.user_id == self._ctx.user.id, fav.referral_id == ref.id
                    )
                )
            return bool(on)

    def toggle_favorite(self, deal: int) -> bool:
        with self._ctx.read() as uow:
            ref = uow.load(deal)
            current = uow.favorite(ref.id)
        return self.set_favorite(ref.id, not current)

    def bulk_favorite(self, deals: Sequence[int], on: bool = True) -> BulkResult:
        """Star (or unstar) each deal; one already so is reported as such, not as done."""

        def one(deal: int) -> DealRow:
            row = self.row(deal)
            if row.favorite == on:
                raise AlreadySo("already a favourite" if on else "not a favourite")
            self.set_favorite(deal, on)
            return self.row(deal)

        return bulk(self, deals, one)


class AlreadySo(Exception):
    """A bulk action's deal that is already as asked: nothing to do, and nothing refused."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bulk(listing: Listing, deals: Sequence[int], one: Callable[[int], DealRow]) -> BulkResult:
    """Each deal in its own transaction: a refusal of one never stops the others."""
    done: list[DealRow] = []
    refused: list[tuple[int, str, str]] = []
    unchanged: list[tuple[int, str, str]] = []
    for deal in deals:
        try:
            done.append(one(deal))
        except AlreadySo as exc:
            unchanged.append((int(deal), listing.row(deal).name, exc.reason))
        except CosellError as exc:
            name = ""
            with contextlib.suppress(CosellError):
                name = listing.row(deal).name
            refused.append((int(deal), name, exc.message))
    return BulkResult(tuple(done), tuple(refused), tuple(unchanged))
