"""The four grids (D1): counts, pages and the filter line, delegated to store/grid.py.

The store owns the SQL (indexes, keyset-friendly ordering, the parsed filter language); the
service adds who is asking, so a grid only ever lists deals in the user's scope (D10).
"""

from __future__ import annotations

from cosell_tui import query
from cosell_tui.service.base import ServiceBase
from cosell_tui.service.views import GridQuery, Page, Tab


class Grid(ServiceBase):
    """tab_counts, count, page, check_filter."""

    def check_filter(self, text: str) -> str | None:
        """None when the filter line parses, else the message to show inline."""
        return query.check(text)

    def tab_counts(self) -> dict[Tab, int]:
        from cosell_tui.store import grid

        with self._read() as session:
            return grid.tab_counts(session, self.user)

    def count(self, q: GridQuery) -> int:
        from cosell_tui.store import grid

        with self._read() as session:
            return grid.count(session, self.user, q)

    def page(self, q: GridQuery, offset: int, limit: int) -> Page:
        from cosell_tui.store import grid

        with self._read() as session:
            return grid.page(session, self.user, q, offset, limit)
