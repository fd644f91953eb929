"""The administration screen (`M` on the main screen, "Administration" in the palette), for
Referrals admins: the organisation's users (add, change, deactivate, reactivate), its locations
(add, change), the monthly exchange rates (set, and the months and currencies deals still lack),
the solution catalog (add and change your own), the customer accounts (match one to a managed
account), the co-sell ecosystem (other partners and Microsoft's sellers) and the log of every
change. Users, rates, the catalog, the accounts and the ecosystem also import from a CSV file:
the file is checked first (the import's dry run) and the user reviews what it would add and
change before anything is written.

It calls the administration and reference services, as `cosell admin` does (docs/admin.md); its
dialogs are in dialogs_admin.py and run through `Flows.ask`. The users, the catalog, the
accounts and the ecosystem are read a page at a time from the database, with a search line
(`/`). Keys typed before the screen or its rows are ready wait for them (KeyHold,
screens/keys.py: the screen says whether it `takes_keys`). Anyone but a Referrals admin gets
a sentence, not this.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, TabbedContent, TabPane

from cosell_tui.domain import AccountKind, Role, SolutionCategory
from cosell_tui.domain.format import printable, solution_tags
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.dialogs_admin import (
    ImportDialog,
    LocationDialog,
    MatchDialog,
    RateDialog,
    SolutionDialog,
    UserDialog,
    solution_values,
)
from cosell_tui.screens.flows import Flows
from cosell_tui.screens.keys import mark_origin
from cosell_tui.service.errors import ValidationError
from cosell_tui.widgets.background import background, run_flow

if TYPE_CHECKING:
    from cosell_tui.domain.views import SolutionView
    from cosell_tui.service import Service
    from cosell_tui.service.administration import (
        LocationEntry,
        MissingRate,
        RateEntry,
        RateSet,
        UserEntry,
    )
    from cosell_tui.service.audit import AdminLogView
    from cosell_tui.service.reference import AccountEntry, PartnerEntry, SellerEntry
    from cosell_tui.service.sheets import Imported

SECTIONS = ("users", "locations", "rates", "solutions", "accounts", "partners", "log")
#: The sections read a page at a time, with a search line, and their tables.
PAGED: dict[str, tuple[str, ...]] = {
    "users": ("users",),
    "solutions": ("solutions",),
    "accounts": ("accounts",),
    "partners": ("partners", "sellers"),
}
#: The sections whose rows come from a file too (`i`), and what the file holds.
IMPORTS = {
    "users": "users",
    "rates": "exchange rates",
    "solutions": "the solution catalog",
    "accounts": "customer accounts",
    "partners": "partners and Microsoft sellers",
}
#: The sentence anyone but a Referrals admin gets for the key.
NOT_AN_ADMIN = (
    "Administration is for Referrals admins; ask one of yours to add users, locations or "
    "exchange rates."
)
LOG_ROWS = 200
#: Rows read at a time in a paged section (the next page as the cursor nears the end).
PAGE = 50
#: How many keys of what an import adds or changes its review names.
REVIEW_KEYS = 12

#: Each table's columns and their widths: fixed, so a table looks the same however long its
#: rows take to arrive (and its header never reflows under a dialog).
COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "users": (("Login", 10), ("Name", 18), ("Role", 15), ("Scope", 15), ("Active", 6),
              ("Email", 32), ("Phone", 14)),
    "locations": (("PartnerID", 10), ("Name", 28), ("Country", 7), ("Deals", 8)),
    "rates": (("Month", 7), ("Currency", 8), ("USD per unit", 14)),
    "missing": (("Month", 7), ("Currency", 8), ("Won deals", 9), ("Open deals", 10)),
    "solutions": (("Solution ID", 15), ("Name", 30), ("Publisher", 20), ("Category", 28),
                  ("Tags", 60)),
    "accounts": (("#", 6), ("Name", 24), ("Kind", 9), ("MS ID / DUNS", 12), ("Address", 36),
                 ("Ctry", 4), ("Federal", 7), ("Group", 8), ("Matched to", 36)),
    "partners": (("Partner", 26), ("PartnerIDs", 22), ("Vetted", 6), ("Ecosystem", 9),
                 ("Solutions", 9)),
    "sellers": (("Microsoft seller", 16), ("Name", 22), ("Email", 34), ("Phone", 14),
                ("Active", 6)),
    "log": (("When (UTC)", 16), ("Who", 20), ("What", 160)),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AdminData:
    locations: tuple[LocationEntry, ...]
    rates: tuple[RateEntry, ...]
    missing: tuple[MissingRate, ...]
    log: tuple[AdminLogView, ...]


def rows(data: AdminData) -> dict[str, list[tuple[str, ...]]]:
    """Each table's cells."""
    return {
        "locations": [
            (loc.partner_id, loc.name, loc.country, f"{loc.deals:,}") for loc in data.locations
        ],
        "rates": [(f"{r.month:%Y-%m}", r.currency, str(r.usd_per_unit)) for r in data.rates],
        "missing": [
            (f"{m.month:%Y-%m}", m.currency, f"{m.won:,}", f"{m.open:,}") for m in data.missing
        ],
        "log": [(f"{e.at:%Y-%m-%d %H:%M}", e.who, e.summary) for e in data.log],
    }


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def user_cells(u: UserEntry) -> tuple[str, ...]:
    return (u.login, u.name, u.role.label, u.scope, yes(u.active), u.email, u.phone)


def solution_cells(s: SolutionView) -> tuple[str, ...]:
    return (s.id, s.name, s.publisher_name, s.category.label, solution_tags(s))


def account_cells(e: AccountEntry) -> tuple[str, ...]:
    """The number, name, kind and ID first, then the address: within 80 columns the linked
    entries of one customer (its sites, often of one name) still tell apart."""
    a = e.account
    key = a.microsoft_account_id or a.duns or ""
    return (str(a.id), a.name, a.kind.word, key, a.address, a.country,
            "yes" if a.federal else "", a.group_key or "", e.matched_to or "")  # fmt: skip


def partner_cells(p: PartnerEntry) -> tuple[str, ...]:
    return (p.name, ", ".join(p.partner_ids), yes(p.vetted), yes(p.ecosystem), f"{p.solutions:,}")


def seller_cells(s: SellerEntry) -> tuple[str, ...]:
    return (s.login, s.name, s.email, s.phone, yes(s.active))


@dataclass
class Pager:
    """A table read a page at a time: `fetch(search, limit, offset)` a page, `count(search)`
    how many in all; `total` is None while its first page is on its way."""

    fetch: Callable[[str, int, int], tuple[Any, ...]]
    count: Callable[[str], int]
    cells: Callable[[Any], tuple[str, ...]]
    search: str = ""
    entries: list[Any] = field(default_factory=list)
    total: int | None = None
    reading: bool = False
    #: The row the cursor goes back to once the first page is read again (after a change).
    keep_row: int = 0


def review(checked: Imported, name: str) -> str:
    """What an import would do, from its dry run: the sentence and the keys it names."""
    lines = [checked.said(name)]
    for verb, keys in (("Adds", checked.added_keys), ("Changes", checked.changed_keys)):
        if keys:
            more = len(keys) - REVIEW_KEYS
            shown = ", ".join(keys[:REVIEW_KEYS]) + (f" and {more:,} more" if more > 0 else "")
            lines.append(f"{verb}: {shown}.")
    lines.append("Nothing else changes: an import never deletes.")
    return "\n".join(lines)


class AdminScreen(Screen[None]):
    """Users, locations, rates, the catalog, accounts, partners and the log, one section at a
    time (`1`–`7`)."""

    DEFAULT_CSS = """
    AdminScreen > TabbedContent {
        height: 1fr;
    }
    AdminScreen DataTable {
        height: auto;
        max-height: 100%;
    }
    AdminScreen #rates-pane #rates, AdminScreen #partners-pane #partners {
        height: 1fr;
    }
    AdminScreen #rates-pane #missing, AdminScreen #partners-pane #sellers {
        max-height: 10;
    }
    AdminScreen .section-note {
        color: $text-muted;
        padding: 1 0 0 0;
    }
    AdminScreen .search {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="admin.back"),
        *(
            Binding(str(n), f"section('{name}')", name.title(), show=False, id=f"admin.{name}")
            for n, name in enumerate(SECTIONS, 1)
        ),
        Binding("a", "add", "Add", id="admin.add",
                tooltip="Add a user, a location, one of your solutions, or set a rate"),
        Binding("e", "edit", "Edit", id="admin.edit",
                tooltip="Change the selected row (an account: match it to a managed one)"),
        Binding(
            "x",
            "toggle_active",
            "(De)activate",
            id="admin.toggle_active",
            tooltip="Deactivate or reactivate the selected user",
        ),
        Binding("i", "import", "Import", id="admin.import",
                tooltip="Import a CSV file: checked and reviewed before anything is written"),
        Binding("slash", "search", "Search", id="admin.search"),
        Binding("r", "reload", "Reload", id="admin.reload"),
    ]  # fmt: skip

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.data: AdminData | None = None
        #: The section shown.
        self.section = "users"
        admin, ref, catalog = service.administration, service.reference, service.catalog
        self.pagers: dict[str, Pager] = {
            "users": Pager(admin.users, admin.count_users, user_cells),
            "solutions": Pager(
                lambda text, n, at: catalog.search_solutions(text, None, n, at),
                lambda text: catalog.count_solutions(text),
                solution_cells,
            ),
            "accounts": Pager(
                lambda text, n, at: ref.accounts(text, None, n, at),
                lambda text: ref.count_accounts(text),
                account_cells,
            ),
            "partners": Pager(ref.partners, ref.count_partners, partner_cells),
            "sellers": Pager(ref.sellers, ref.count_sellers, seller_cells),
        }

    def compose(self) -> ComposeResult:
        yield Label(f"Administration · {self.service.user.org_name}", classes="dialog-title")
        with TabbedContent(id="sections"):
            with TabPane("1 Users", id="users-pane"):
                yield self._search("users", "a login or name")
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
            with TabPane("4 Solutions", id="solutions-pane"):
                yield self._search("solutions", "ID, name or publisher")
                yield DataTable(id="solutions", cursor_type="row", zebra_stripes=True)
            with TabPane("5 Accounts", id="accounts-pane"):
                yield self._search("accounts", "name, Microsoft account ID or DUNS")
                yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            with TabPane("6 Partners", id="partners-pane"):
                yield self._search("partners", "a partner's or a seller's name")
                yield DataTable(id="partners", cursor_type="row", zebra_stripes=True)
                yield Label("Microsoft's sellers", classes="section-note")
                yield DataTable(id="sellers", cursor_type="row", zebra_stripes=True)
            with TabPane("7 Log", id="log-pane"):
                yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _search(self, section: str, what: str) -> Input:
        return Input(placeholder=f"/ to search: {what}", id=f"{section}-search", classes="search")

    @property
    def flows(self) -> Flows:
        return Flows(self.app, self.service)

    def on_mount(self) -> None:
        for name, columns in COLUMNS.items():
            table = self.query_one(f"#{name}", DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        self.action_section(self.section)
        self.load()

    # --- reading ---------------------------------------------------------------------------

    @property
    def takes_keys(self) -> bool:
        """Whether keys may go on (KeyHold): the section's rows have arrived, or the user is
        typing a search."""
        if isinstance(self.focused, Input):
            return True
        if self.section in PAGED:
            return all(self.pagers[t].total is not None for t in PAGED[self.section])
        return self.data is not None

    def table(self, name: str) -> DataTable[Any]:
        return self.query_one(f"#{name}", DataTable)

    @background(group="admin-load", exclusive=True)
    def load(self) -> None:
        admin = self.service.administration
        data = AdminData(
            admin.locations(),
            admin.rates(),
            admin.missing_rates(),
            admin.log(LOG_ROWS),
        )
        self.app.call_from_thread(self._show, data)

    def _show(self, data: AdminData) -> None:
        self.data = data
        for name, cells in rows(data).items():
            self._fill(name, cells, keep_cursor=True)
        self.refresh_bindings()

    def _fill(self, name: str, cells: list[tuple[str, ...]], keep_cursor: bool = False) -> None:
        table = self.table(name)
        row = table.cursor_row
        if keep_cursor:
            table.clear()
        table.add_rows([tuple(printable(cell) for cell in row) for row in cells])
        if keep_cursor and cells:
            table.move_cursor(row=min(row, len(cells) - 1))

    def read_first(self, name: str, keep_cursor: bool = False) -> None:
        """A paged table from its first page (on first showing, a search, or a change: then
        with `keep_cursor` the cursor stays on its row)."""
        pager = self.pagers[name]
        pager.total, pager.reading = None, True
        pager.keep_row = self.table(name).cursor_row if keep_cursor else 0
        self._read_page(name, pager.search, 0)

    @background(group="admin-pages", exclusive=False)
    def _read_page(self, name: str, search: str, offset: int) -> None:
        pager = self.pagers[name]
        found = pager.fetch(search, PAGE, offset)
        total = pager.count(search) if offset == 0 else None
        self.app.call_from_thread(self._page_read, name, search, offset, found, total)

    def _page_read(
        self, name: str, search: str, offset: int, found: tuple[Any, ...], total: int | None
    ) -> None:
        pager = self.pagers[name]
        if search != pager.search or (offset and offset != len(pager.entries)):
            return  # a newer search or reload asked for other rows meanwhile
        pager.reading = False
        if offset == 0:
            pager.entries, pager.total = [], total
            self.table(name).clear()
        pager.entries.extend(found)
        self._fill(name, [pager.cells(entry) for entry in found])
        if offset == 0 and pager.keep_row and found:
            self.table(name).move_cursor(row=min(pager.keep_row, len(found) - 1))
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The next page is read as the cursor nears the end of what is shown."""
        name = event.data_table.id or ""
        pager = self.pagers.get(name)
        if pager is None or pager.reading or pager.total is None:
            return
        if event.cursor_row >= len(pager.entries) - 5 and len(pager.entries) < pager.total:
            pager.reading = True
            self._read_page(name, pager.search, len(pager.entries))

    def on_input_changed(self, event: Input.Changed) -> None:
        section = (event.input.id or "").removesuffix("-search")
        for name in PAGED.get(section, ()):
            self.pagers[name].search = event.value.strip()
            self.read_first(name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table(PAGED.get(self.section, (self.section,))[0]).focus()

    def selected(self, name: str) -> int | None:
        """The cursor's row of a table, when it has rows."""
        table = self.table(name)
        return table.cursor_row if table.row_count else None

    def chosen(self, name: str) -> Any:
        """The entry under a paged table's cursor, or None."""
        entries = self.pagers[name].entries
        i = self.selected(name)
        return entries[i] if i is not None and i < len(entries) else None

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = self.section
        if action == "toggle_active":
            return section == "users"
        if action == "add":
            return section in ("users", "locations", "rates", "solutions")
        if action == "edit":
            return section not in ("log", "partners")
        if action == "import":
            return section in IMPORTS
        if action == "search":
            return section in PAGED
        return True

    def on_key(self, event: Key) -> None:
        """Keys typed right after one that opened a dialog go on to it (keys.py)."""
        mark_origin(self, event)

    def action_section(self, name: str) -> None:
        self.section = name
        self.query_one(TabbedContent).active = f"{name}-pane"
        first = PAGED.get(name, (name,))
        for table in PAGED.get(name, ()):
            if self.pagers[table].total is None and not self.pagers[table].reading:
                self.read_first(table)
        self.table(first[0]).focus()
        self.refresh_bindings()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        pane = (event.pane.id or "users-pane").removesuffix("-pane")
        if pane != self.section:
            self.action_section(pane)

    def action_search(self) -> None:
        if self.section in PAGED:
            self.query_one(f"#{self.section}-search", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # leave the search line, not the screen
            self.table(PAGED.get(self.section, (self.section,))[0]).focus()
            return
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()
        for name in PAGED.get(self.section, ()):
            self.read_first(name, keep_cursor=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("edit", ()):
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
        elif section == "solutions":
            ref = self.service.reference
            self._open(
                SolutionDialog(run=lambda v, _d: said_solution(ref.add_solution(v), "Added"))
            )

    def action_edit(self) -> None:
        admin, data = self.service.administration, self.data
        section = self.section
        if section in PAGED:
            self._edit_paged(section)
            return
        if data is None:
            return
        if section == "locations" and (i := self.selected("locations")) is not None:
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

    def _edit_paged(self, section: str) -> None:
        admin, ref = self.service.administration, self.service.reference
        if section == "users" and (user := self.chosen("users")) is not None:
            values = {"name": user.name, "email": user.email, "phone": user.phone,
                      "role": "admin" if user.role is Role.ADMIN else "user",
                      "entire_company": user.entire_company,
                      "locations": ", ".join(user.locations)}  # fmt: skip
            self._open(
                UserDialog(editing=user.login, values=values,
                           run=lambda v, _d: said_user(admin.edit_user(user.login, v), "Changed"))
            )  # fmt: skip
        elif section == "solutions" and (solution := self.chosen("solutions")) is not None:
            if solution.category is not SolutionCategory.MINE:
                self.app.notify(
                    f"{solution.id} is {solution.publisher_name}'s: the catalog of others "
                    "changes by importing it (i).",
                    title="Administration",
                    severity="warning",
                )
                return
            sid = solution.id
            self._open(
                SolutionDialog(editing=sid, values=solution_values(solution),
                               run=lambda v, _d: said_solution(ref.edit_solution(sid, v),
                                                               "Changed"))
            )  # fmt: skip
        elif section == "accounts" and (entry := self.chosen("accounts")) is not None:
            account = entry.account
            if account.kind is AccountKind.MANAGED:
                self.app.notify(
                    f"{account.name} is a Microsoft Managed account: unmanaged and DUNS "
                    "accounts are matched to one.",
                    title="Administration",
                    severity="warning",
                )
                return
            number = str(account.id)
            self._open(
                MatchDialog(printable(account.name), editing=number,
                            run=lambda managed, _d: said_match(ref.match_account(number, managed)))
            )  # fmt: skip

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
        user = self.chosen("users")
        if self.section != "users" or user is None:
            return
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

    def action_import(self) -> None:
        section = self.section
        what = IMPORTS.get(section)
        if what is None:
            return
        admin, ref = self.service.administration, self.service.reference
        use_case: Callable[..., Imported] = {
            "users": admin.import_users,
            "rates": admin.import_rates,
            "solutions": ref.import_solutions,
            "accounts": ref.import_accounts,
            "partners": ref.import_partners,
        }[section]
        run_flow(self, self._import(what, use_case))

    async def _import(self, what: str, use_case: Callable[..., Imported]) -> None:
        """Choose the file, check it (the import's dry run), review, then import the very
        bytes that were checked."""
        read: dict[str, Any] = {}

        def check(path: Path, _detail: object) -> Imported:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"Cannot read {path}: {exc.strerror or exc}.") from None
            read.update(data=data, name=path.name)
            return use_case(data, path.name, dry_run=True)

        checked = await self.flows.ask(ImportDialog(what, os.getcwd(), run=check))
        if checked is None:
            return
        data, name = read["data"], read["name"]
        done = await self.flows.ask(
            ConfirmDialog(
                f"Import {what} from {name}?",
                review(checked, name),
                confirm_label="Import",
                run=lambda _value, _detail: use_case(data, name),
            )
        )
        if done is not None:
            self._done(done.said(name))

    def _open(self, dialog: Any) -> None:
        """A dialog that runs its use case and says what it did (dialogs.py)."""

        async def ask() -> None:
            self._done(await self.flows.ask(dialog))

        run_flow(self, ask())

    def _done(self, result: object) -> None:
        if isinstance(result, str):
            self.app.notify(result, title="Administration")
            self.load()
            for name in PAGED.get(self.section, ()):
                self.read_first(name, keep_cursor=True)
        first = PAGED.get(self.section, (self.section,))[0]
        self.table(first).focus()


def said_user(user: UserEntry, verb: str) -> str:
    return f"{verb} {user.described}."


def said_location(loc: LocationEntry, verb: str = "Added") -> str:
    return f"{verb} {loc.described}."


def said_rate(done: RateSet) -> str:
    text = f"{done.rate.described}."
    if done.decided:
        text += f" Eligibility decided for {done.decided:,} won deal(s)."
    return text


def said_solution(solution: SolutionView, verb: str) -> str:
    tags = solution_tags(solution)
    return f"{verb} {solution.id} ({solution.name}{', ' + tags if tags else ''})."


def said_match(done: Any) -> str:
    entry = done.account
    return (
        f"Matched {entry.account.name} to {entry.matched_to}; registration eligibility decided "
        f"again for {done.decided:,} won deal(s), {done.eligible:,} of them eligible now."
    )
