"""The four grids (D1): counts, pages and the filter line, delegated to store/grid.py.

The store owns the SQL (per-tab indexes, the parsed filter language, a cache of ordered ids
checked against the database's change counter); the service adds who is asking, so a grid
only ever lists deals in the user's scope (D10), and turns a bad filter into a clear message.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cosell_tui.domain import query
from cosell_tui.domain.views import GridQuery, Page, Tab
from cosell_tui.service.base import ServiceBase
from cosell_tui.service.errors import ValidationError

if TYPE_CHECKING:
    from cosell_tui.store.grid import Grid as StoreGrid
    from cosell_tui.store.grid import Scope

_grid_lock = threading.Lock()

#: Largest page a caller may ask for (a screen shows far fewer rows).
MAX_PAGE = 5000


class Grid(ServiceBase):
    """tab_counts, count, quick_count, page, ids, check_filter."""

    def _store_grid(self) -> StoreGrid:
        """One store Grid (with its id cache) per database, shared by `as_user` copies."""
        shared = self._shared
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

        return Scope.of(self.user)

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
        return self._store_grid().tab_counts(self._scope(), self.clock.now())

    def _result(self, q: GridQuery) -> tuple[Scope, Tab, query.Query, datetime]:
        """What decides the rows of `q` for this user now: scope, tab, parsed filter, clock."""
        return self._scope(), q.tab, self._parse(q.text), self.clock.now()

    def count(self, q: GridQuery) -> int:
        return self._store_grid().count(*self._result(q))

    def quick_count(self, q: GridQuery) -> int | None:
        """`count` when it is a read of a few rows (an admin's unfiltered tab, or a count cached
        since the last write); None when it would take SQL work that grows with the deals."""
        return self._store_grid().quick_count(*self._result(q))

    def page(self, q: GridQuery, offset: int, limit: int) -> Page:
        """Rows [offset, offset + limit) in the grid's order (ties broken by id)."""
        if offset < 0 or limit < 0 or limit > MAX_PAGE:
            raise ValidationError(
                f"Pages start at 0 and hold at most {MAX_PAGE} rows.", {"offset": "out of range"}
            )
        rows = self._store_grid().page(
            *self._result(q), sort=q.sort, descending=q.descending, offset=offset, limit=limit
        )
        return Page(rows=tuple(rows), offset=offset)

    def ids(self, q: GridQuery, start: int = 0, stop: int | None = None) -> Sequence[int]:
        """Ids of rows [start, stop) in the grid's order, every matching row by default: what
        `*` (mark all) and `v` (mark a range) mark. One query (none when the ordered ids are
        cached), 8 bytes per id."""
        if start < 0 or (stop is not None and stop < start):
            raise ValidationError("A range of rows starts at 0.", {"start": "out of range"})
        return self._store_grid().ids(
            *self._result(q), sort=q.sort, descending=q.descending, start=start, stop=stop
        )
