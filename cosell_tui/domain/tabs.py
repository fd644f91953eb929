"""The four tabs, the grid's columns and its query: what the main screen's first frame needs.

Apart from the read models (views.py, which re-exports these) so that drawing the tabs and the
grid's header does not build the read models' dataclasses first (README, "Speed").
"""

from __future__ import annotations

from dataclasses import dataclass

from cosell_tui.domain import Label


class Tab(Label):
    """The four grids (decision D1)."""

    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"
    FAVORITES = "favorites", "Favorites"
    CLOSED = "closed", "Closed"


class SortKey(Label):
    """The grid's columns, in display order; each id is also the column's sort key (every
    column sorts but the favourite mark, FAVORITE_COLUMN)."""

    NAME = "name", "Deal name"
    CUSTOMER = "customer", "Customer"
    TYPE = "type", "Type"
    STATUS = "status", "Status"
    VALUE = "value", "Value"
    CLOSE_DATE = "close", "Close date"
    COUNTRY = "country", "Country"
    CREATED = "created", "Created"
    EXPIRES = "expires", "Expires in"
    CLOSED = "closed", "Closed on"
    MICROSOFT_STATUS = "msstatus", "Microsoft status"
    PARTNER_ROLE = "role", "Partner role"
    PARTNER_PROGRAM = "program", "Partner program"
    REFERRAL_ID = "id", "Referral ID"
    CRM_ID = "crm", "CRM ID"


#: The grid column that marks favourites; it has no sort.
FAVORITE_COLUMN = "fav"
#: Every grid column id, in display order (what the config and the column chooser accept).
COLUMN_IDS: tuple[str, ...] = (*(key.value for key in SortKey), FAVORITE_COLUMN)
#: Columns the chooser cannot hide (domain.md §5).
REQUIRED_COLUMNS: tuple[str, ...] = (
    SortKey.NAME.value,
    SortKey.CUSTOMER.value,
    SortKey.STATUS.value,
)
#: What each tab shows until the user chooses (fits 80 columns with a readable name).
DEFAULT_COLUMNS: dict[Tab, tuple[str, ...]] = {
    Tab.INBOUND: ("name", "customer", "status", "value", "expires", "country", FAVORITE_COLUMN),
    Tab.OUTBOUND: ("name", "customer", "type", "status", "value", "close", FAVORITE_COLUMN),
    Tab.FAVORITES: ("name", "customer", "type", "status", "value", "close", FAVORITE_COLUMN),
    Tab.CLOSED: ("name", "customer", "type", "status", "value", "closed", FAVORITE_COLUMN),
}
#: The tab names as the config and the command line write them.
TAB_NAMES: tuple[str, ...] = tuple(tab.value for tab in Tab)


@dataclass(frozen=True, slots=True)
class GridQuery:
    tab: Tab
    text: str = ""  # the filter line, in the query language (docs/filter.md)
    sort: SortKey | None = None  # None = the tab's default (Inbound: soonest expiry; else newest)
    descending: bool = False
