"""The administration screen (`M` on the main screen, "Administration" in the palette), for
Referrals admins: the organisation's users (add, change, deactivate, reactivate), its locations
(add, change), the monthly exchange rates (set, and the months and currencies deals still lack)
and the log of every change. It calls the administration service, as `cosell admin` does
(docs/admin.md); its dialogs are in dialogs_admin.py. Anyone else gets a sentence, not this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, TabbedContent, TabPane

from cosell_tui.domain import Role
from cosell_tui.domain.format import printable
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.dialogs_admin import LocationDialog, RateDialog, UserDialog
from cosell_tui.screens.keys import bound_action
from cosell_tui.widgets.background import background

if TYPE_CHECKING:
    from cosell_tui.service import Service
    from cosell_tui.service.administration import (
        LocationEntry,
        MissingRate,
        RateEntry,
        RateSet,
        UserEntry,
    )
    from cosell_tui.service.audit import AdminLogView

SECTIONS = ("users", "locations", "rates", "log")
#: The sentence anyone but a Referrals admin gets for the key.
NOT_AN_ADMIN = (
    "Administration is for Referrals admins; ask one of yours to add users, locations or "
    "exchange rates."
)
LOG_ROWS = 200

#: Each table's columns and their widths: fixed, so a table looks the same however long its
#: rows take to arrive (and its header never reflows under a dialog).
COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "users": (("Login", 10), ("Name", 18), ("Role", 15), ("Scope", 15), ("Active", 6),
              ("Email", 32), ("Phone", 14)),
    "locations": (("PartnerID", 10), ("Name", 28), ("Country", 7), ("Deals", 8)),
    "rates": (("Month", 7), ("Currency", 8), ("USD per unit", 14)),
    "missing": (("Month", 7), ("Currency", 8), ("Won deals", 9), ("Open deals", 10)),
    "log": (("When (UTC)", 16), ("Who", 20), ("What", 160)),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AdminData:
    users: tuple[UserEntry, ...]
    locations: tuple[LocationEntry, ...]
    rates: tuple[RateEntry, ...]
    missing: tuple[MissingRate, ...]
    log: tuple[AdminLogView, ...]


def rows(data: AdminData) -> dict[str, list[tuple[str, ...]]]:
    """Each table's cells."""
    return {
        "users": [
            (u.login, u.name, u.role.label, u.scope, "yes" if u.active else "no", u.email, u.phone)
            for u in data.users
        ],
        "locations": [
            (loc.partner_id, loc.name, loc.country, f"{loc.deals:,}") for loc in data.locations
        ],
        "rates": [(f"{r.month:%Y-%m}", r.currency, str(r.usd_per_unit)) for r in data.rates],
        "missing": [
            (f"{m.month:%Y-%m}", m.currency, f"{m.won:,}", f"{m.open:,}") for m in data.missing
        ],
        "log": [(f"{e.at:%Y-%m-%d %H:%M}", e.who, e.summary) for e in data.log],
    }


class AdminScreen(Screen[None]):
    """Users, locations, rates and the log, one section at a time (`1`–`4`)."""

    DEFAULT_CSS = """
    AdminScreen > TabbedContent {
        height: 1fr;
    }
    AdminScreen DataTable {
        height: auto;
        max-height: 100%;
    }
    AdminScreen #rates-pane #rates {
        height: 1fr;
    }
    AdminScreen #rates-pane #missing {
        max-height: 10;
    }
    AdminScreen .section-note {
        color: $text-muted;
        padding: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="admin.back"),
        Binding("1", "section('users')", "Users", show=False, id="admin.users"),
        Binding("2", "section('locations')", "Locations", show=False, id="admin.locations"),
        Binding("3", "section('rates')", "Rates", show=False, id="admin.rates"),
        Binding("4", "section('log')", "Log", show=False, id="admin.log"),
        Binding("a", "add", "Add", id="admin.add", tooltip="Add a user or location, set a rate"),
        Binding("e", "edit", "Edit", id="admin.edit", tooltip="Change the selected row"),
        Binding(
            "x",
            "toggle_active",
            "(De)activate",
            id="admin.toggle_active",
            tooltip="Deactivate or reactivate the selected user",
        ),
        Binding("r", "reload", "Reload", id="admin.reload"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.data: AdminData | None = None
        #: The section shown: kept here, so keys typed before the screen is drawn still count.
        self._section = "users"
        #: Actions on a row asked for before the rows arrived (run when they do).
        self._pending: list[str] = []
        self._drawn = False

    def compose(self) -> ComposeResult:
        yield Label(f"Administration · {self.service.user.org_name}", classes="dialog-title")
        with TabbedContent(id="sections"):
            with TabPane("1 Users", id="users-pane"):
                yield DataTable(id="users", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Locations", id="locations-pane"):
                yield DataTable(id="locations", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Rates", id="rates-pane"):
                yield DataTable(id="rates", cursor_type="row", zebra_stripes=True)
                yield Label(
                    "Missing: months and currencies your deals need (e sets the selected one)",
                    classes="section-note",
                )
                yield DataTable(id="missing", cursor_type="row", zebra_stripes=True)
            with TabPane("4 Log", id="log-pane"):
                yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        for name, columns in COLUMNS.items():
            table = self.query_one(f"#{name}", DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        self._drawn = True
        self.action_section(self._section)
        self.load()

    # --- reading ---------------------------------------------------------------------------

    @property
    def section(self) -> str:
        return self._section

    def table(self, name: str) -> DataTable[Any]:
        return self.query_one(f"#{name}", DataTable)

    @background(group="admin-load", exclusive=True)
    def load(self) -> None:
        admin = self.service.administration
        data = AdminData(
            admin.users(),
            admin.locations(),
            admin.rates(),
            admin.missing_rates(),
            admin.log(LOG_ROWS),
        )
        self.app.call_from_thread(self._show, data)

    def _show(self, data: AdminData) -> None:
        self.data = data
        for name, cells in rows(data).items():
            table = self.table(name)
            row = table.cursor_row
            table.clear()
            table.add_rows([tuple(printable(cell) for cell in row) for row in cells])
            if cells:
                table.move_cursor(row=min(row, len(cells) - 1))
        self.refresh_bindings()
        pending, self._pending = self._pending, []
        for action in pending:
            getattr(self, f"action_{action}")()

    def selected(self, name: str) -> int | None:
        """The cursor's row of a table, when it has rows."""
        table = self.table(name)
        return table.cursor_row if table.row_count else None

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = self.section
        if action == "toggle_active":
            return section == "users"
        if action in ("add", "edit"):
            return section != "log"
        return True

    def action_section(self, name: str) -> None:
        self._section = name
        if not self._drawn:
            return  # on_mount shows it
        self.query_one(TabbedContent).active = f"{name}-pane"
        self.table(name).focus()
        self.refresh_bindings()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        pane = event.pane.id or "users-pane"
        if pane.removesuffix("-pane") != self._section:
            self.action_section(pane.removesuffix("-pane"))

    async def on_key(self, event: Key) -> None:
        """This screen's keys run here, whether typed on it or typed before it was drawn and
        handed on by the app (screens/keys.py): a handed-on key reaches the focused table as a
        message, past the app's binding check, so the screen answers it itself."""
        action = bound_action(self, event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.section != "log":
            self.action_edit()

    def action_add(self) -> None:
        admin = self.service.administration
        section = self.section
        if section == "users":
            self._open(UserDialog(run=lambda v, _d: said_user(admin.add_user(v), "Added")))
        elif section == "locations":
            self._open(LocationDialog(run=lambda v, _d: said_location(admin.add_location(v))))
        elif section == "rates":
            self._open(RateDialog(run=lambda v, _d: said_rate(admin.set_rate(v))))

    def action_edit(self) -> None:
        admin, data = self.service.administration, self.data
        if data is None:
            self._pending.append("edit")
            return
        section = self.section
        if section == "users" and (i := self.selected("users")) is not None:
            user = data.users[i]
            values = {"name": user.name, "email": user.email, "phone": user.phone,
                      "role": "admin" if user.role is Role.ADMIN else "user",
                      "entire_company": user.entire_company,
                      "locations": ", ".join(user.locations)}  # fmt: skip
            self._open(
                UserDialog(editing=user.login, values=values,
                           run=lambda v, _d: said_user(admin.edit_user(user.login, v), "Changed"))
            )  # fmt: skip
        elif section == "locations" and (i := self.selected("locations")) is not None:
            loc = data.locations[i]
            values = {"partner_id": loc.partner_id, "name": loc.name, "country": loc.country}
            self._open(
                LocationDialog(editing=loc.partner_id, values=values,
                               run=lambda v, _d: said_location(
                                   admin.edit_location(loc.partner_id, v), "Changed"))
            )  # fmt: skip
        elif section == "rates":
            self._open(RateDialog(values=self._rate_values(data),
                                  run=lambda v, _d: said_rate(admin.set_rate(v))))  # fmt: skip

    def _rate_values(self, data: AdminData) -> dict[str, str]:
        """The selected missing month and currency, else the selected rate, to set again."""
        if self.table("missing").has_focus and (i := self.selected("missing")) is not None:
            need = data.missing[i]
            return {"month": f"{need.month:%Y-%m}", "currency": need.currency}
        if (i := self.selected("rates")) is not None:
            rate = data.rates[i]
            return {"month": f"{rate.month:%Y-%m}", "currency": rate.currency,
                    "rate": str(rate.usd_per_unit)}  # fmt: skip
        if data.missing:
            need = data.missing[0]
            return {"month": f"{need.month:%Y-%m}", "currency": need.currency}
        return {}

    def action_toggle_active(self) -> None:
        data = self.data
        if data is None:
            self._pending.append("toggle_active")
            return
        if self.section != "users" or (i := self.selected("users")) is None:
            return
        user = data.users[i]
        admin = self.service.administration
        verb = "Reactivate" if not user.active else "Deactivate"
        body = (
            f"{user.login} ({user.name}) can act again."
            if not user.active
            else f"{user.login} ({user.name}) can no longer act; their deals and history stay."
        )

        def run(_value: object, _detail: object) -> str:
            return said_user(admin.set_active(user.login, not user.active), f"{verb}d")

        self._open(ConfirmDialog(f"{verb} {user.login}?", body, confirm_label=verb, run=run))

    def _open(self, dialog: Any) -> None:
        self.app.push_screen(dialog, self._done)

    def _done(self, result: object) -> None:
        if isinstance(result, str):
            self.app.notify(result, title="Administration")
            self.load()
        self.table(self.section).focus()


def said_user(user: UserEntry, verb: str) -> str:
    return f"{verb} {user.described}."


def said_location(loc: LocationEntry, verb: str = "Added") -> str:
    return f"{verb} {loc.described}."


def said_rate(done: RateSet) -> str:
    text = f"{done.rate.described}."
    if done.decided:
        text += f" Eligibility decided for {done.decided:,} won deal(s)."
    return text
