"""Customer search for the New Deal wizard: name and country; results in Partner Center's 3 tabs.

The matching itself (legal suffixes, punctuation, word order, typos) is the service's job
(`Service.search_accounts`); this widget only asks, shows and lets the user pick, opening the
tab that holds the best match (an exact name in the DUNS tab opens that tab). Several entries
of one Microsoft-managed customer arrive collapsed into one row (`linked_count`); `l` (or the
"Show linked accounts" button) expands them in place, from `Service.linked_accounts`. Searches
run in a thread worker so typing never waits for the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Label, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cosell_tui.domain import AccountKind
from cosell_tui.domain.format import printable
from cosell_tui.domain.views import AccountView
from cosell_tui.service.errors import CosellError
from cosell_tui.widgets.background import background

#: Shown when a search finds nothing anywhere (what Partner Center's own search advises).
NO_RESULT_TIPS = (
    "No customer found. Tips: check the spelling; leave out legal suffixes such as Ltd, Inc "
    "or GmbH; try fewer words, or the name the customer trades under; check the country; "
    "press Search more (ctrl+f) to widen the search; or enter the customer manually (ctrl+t)."
)

#: Partner Center asks for at least three characters before it searches (domain.md §1.8).
MIN_SEARCH_CHARS = 3

TAB_IDS: dict[AccountKind, str] = {
    AccountKind.MANAGED: "tab-managed",
    AccountKind.UNMANAGED: "tab-unmanaged",
    AccountKind.OTHER: "tab-other",
}


def account_line(account: AccountView, *, linked: bool = False, expanded: bool = False) -> str:
    """One result row: name, where it is, its ids, and the linked-accounts marker."""
    address = account.address.strip()
    has_country = address.endswith(account.country)
    place = address if has_country else ", ".join(p for p in (address, account.country) if p)
    ids = []
    if account.microsoft_account_id:
        ids.append(f"MS {account.microsoft_account_id}")
    if account.duns:
        ids.append(f"DUNS {account.duns}")
    if account.federal:
        ids.append("federal")
    text = f"{'  ↳ ' if linked else ''}{account.name} — {place}"
    if ids:
        text += f"  [{', '.join(ids)}]"
    if account.linked_count and not linked:
        sign = "−" if expanded else "+"
        text += f"  ({sign}{account.linked_count} linked accounts)"
    return printable(text)


def chosen_line(account: AccountView) -> str:
    """The picked customer as the wizard and the send dialog show it: name, where, kind."""
    address = account.address.strip()
    where = (
        address
        if address.endswith(account.country)
        else ", ".join(p for p in (address, account.country) if p)
    )
    return printable(f"{account.name} — {where} ({account.kind.label})")


def best_tab(results: dict[AccountKind, tuple[AccountView, ...]]) -> AccountKind | None:
    """The tab the results open on: the one whose first row matched best (the same name is
    100 wherever it is), the leftmost on a tie; None when nothing was found."""
    found = [(kind, rows[0].match) for kind in TAB_IDS if (rows := results.get(kind))]
    if not found:
        return None
    top = max(match for _kind, match in found)
    return next(kind for kind, match in found if match == top)


@dataclass(frozen=True, slots=True)
class _Row:
    account: AccountView
    linked: bool = False


class CustomerSearch(Vertical):
    """Search box, country, the three result tabs, and the no-result tips."""

    DEFAULT_CSS = """
    CustomerSearch { height: auto; }
    CustomerSearch #customer-query { height: auto; }
    CustomerSearch #customer-query Input { width: 1fr; }
    CustomerSearch #customer-query #customer-country { width: 14; }
    CustomerSearch #customer-query Button { margin: 0 0 0 1; }
    CustomerSearch TabbedContent { height: auto; }
    CustomerSearch TabbedContent ContentSwitcher { height: auto; }
    CustomerSearch TabPane { height: auto; padding: 0; }
    CustomerSearch OptionList { height: auto; max-height: 8; }
    CustomerSearch #customer-tips { color: $text-warning; padding: 0 1; }
    CustomerSearch #customer-status { color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+f", "search_more", "Search more", id="wizard.search_more"),
        Binding("l", "show_linked", "Linked accounts", id="wizard.show_linked"),
    ]

    @dataclass
    class AccountChosen(Message):
        """The user picked an account (Enter on a result row)."""

        account: AccountView

    @dataclass
    class ResultsLoaded(Message):
        results: dict[AccountKind, tuple[AccountView, ...]]
        wider: bool

    @dataclass
    class LinkedLoaded(Message):
        group_key: str
        accounts: tuple[AccountView, ...]

    @dataclass
    class SearchFailed(Message):
        message: str

    searched: reactive[bool] = reactive(False)

    def __init__(self, service: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.service = service
        self._rows: dict[AccountKind, list[_Row]] = {kind: [] for kind in TAB_IDS}
        self._expanded: set[str] = set()
        self.results: dict[AccountKind, tuple[AccountView, ...]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="customer-query"):
            yield Input(placeholder="Customer name (3+ letters)", id="customer-name", compact=True)
            yield Input(placeholder="Country", id="customer-country", max_length=2, compact=True)
            yield Button("Search", id="customer-search-button", compact=True)
            yield Button("Search more", id="customer-search-more", compact=True)
        yield Static("", id="customer-status")
        yield Static(NO_RESULT_TIPS, id="customer-tips")
        with TabbedContent(id="customer-tabs"):
            for kind, tab_id in TAB_IDS.items():
                with TabPane(kind.label, id=tab_id):
                    yield OptionList(id=f"{tab_id}-list", compact=True)
        yield Label("l: show linked accounts · Enter: choose", id="customer-hint")

    def on_mount(self) -> None:
        self.query_one("#customer-tips").display = False

    # --- asking ---------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#customer-name", Input).value.strip()

    @property
    def country(self) -> str | None:
        code = self.query_one("#customer-country", Input).value.strip().upper()
        return code or None

    def search(self, *, wider: bool = False) -> None:
        """Start a search with what is typed; too short a name says so instead."""
        if len(self.query_text) < MIN_SEARCH_CHARS:
            self._status(f"Type at least {MIN_SEARCH_CHARS} letters of the customer's name.")
            return
        self._status("Searching wider…" if wider else "Searching…")
        self._run_search(self.query_text, self.country, wider)

    @background(group="customer-search")
    def _run_search(self, name: str, country: str | None, wider: bool) -> None:
        try:
            results = self.service.catalog.search_accounts(name, country, wider=wider)
        except CosellError as error:
            self.post_message(self.SearchFailed(error.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ResultsLoaded(results, wider))

    @background(group="customer-linked")
    def _load_linked(self, group_key: str) -> None:
        try:
            accounts = self.service.catalog.linked_accounts(group_key)
        except CosellError as error:
            self.post_message(self.SearchFailed(error.message))
            return
        self.post_message(self.LinkedLoaded(group_key, accounts))

    @on(Input.Submitted, "#customer-name, #customer-country")
    @on(Button.Pressed, "#customer-search-button")
    def _search_pressed(self, event: Message) -> None:
        event.stop()
        self.search()

    @on(Button.Pressed, "#customer-search-more")
    def _more_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.search(wider=True)

    def action_search_more(self) -> None:
        self.search(wider=True)

    # --- showing ----------------------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.query_one("#customer-status", Static).update(text)

    @on(ResultsLoaded)
    def _show_results(self, event: ResultsLoaded) -> None:
        event.stop()
        self.results = {kind: tuple(event.results.get(kind, ())) for kind in TAB_IDS}
        self._expanded.clear()
        for kind in TAB_IDS:
            self._rows[kind] = [_Row(account) for account in self.results[kind]]
            self._render_kind(kind)
        counts = {kind: len(rows) for kind, rows in self.results.items()}
        total = sum(counts.values())
        self.query_one("#customer-tips").display = total == 0
        self._status(
            ""
            if total == 0
            else f"{total} found{' (wider search)' if event.wider else ''}: "
            + ", ".join(f"{kind.label} {counts[kind]}" for kind in TAB_IDS)
        )
        tabs = self.query_one(TabbedContent)
        for kind, tab_id in TAB_IDS.items():
            tabs.get_tab(tab_id).label = f"{kind.label} ({counts[kind]})"
        first = best_tab(self.results)
        if first is not None:
            tabs.active = TAB_IDS[first]
            # Enter searched, so the next Enter picks: the cursor goes to the results.
            self.query_one(f"#{TAB_IDS[first]}-list", OptionList).focus()
        self.searched = True

    def _render_kind(self, kind: AccountKind, highlight: int | None = None) -> None:
        options = self.query_one(f"#{TAB_IDS[kind]}-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Text(
                    account_line(
                        row.account,
                        linked=row.linked,
                        expanded=(row.account.group_key or "") in self._expanded,
                    )
                ),
                id=f"{'l' if row.linked else 'a'}{index}-{row.account.id}",
            )
            for index, row in enumerate(self._rows[kind])
        )
        if self._rows[kind]:
            options.highlighted = min(highlight or 0, len(self._rows[kind]) - 1)

    @on(SearchFailed)
    def _failed(self, event: SearchFailed) -> None:
        event.stop()
        self._status(event.message)

    # --- linked accounts ----------------------------------------------------------------------

    def _highlighted_row(self, kind: AccountKind) -> tuple[int, _Row] | None:
        options = self.query_one(f"#{TAB_IDS[kind]}-list", OptionList)
        index = options.highlighted
        if index is None or index >= len(self._rows[kind]):
            return None
        return index, self._rows[kind][index]

    def action_show_linked(self) -> None:
        """Expand (or collapse) the linked entries of the highlighted managed customer."""
        found = self._highlighted_row(AccountKind.MANAGED)
        if found is None:
            return
        _index, row = found
        key = row.account.group_key
        if not key or not row.account.linked_count:
            self._status("This customer has no linked accounts.")
            return
        if key in self._expanded:
            self._expanded.discard(key)
            self._rows[AccountKind.MANAGED] = [
                r
                for r in self._rows[AccountKind.MANAGED]
                if not (r.linked and r.account.group_key == key)
            ]
            self._render_kind(AccountKind.MANAGED, _index)
            return
        self._load_linked(key)

    @on(LinkedLoaded)
    def _show_linked(self, event: LinkedLoaded) -> None:
        event.stop()
        rows = self._rows[AccountKind.MANAGED]
        at = next(
            (
                i
                for i, r in enumerate(rows)
                if not r.linked and r.account.group_key == event.group_key
            ),
            None,
        )
        if at is None:
            return
        self._expanded.add(event.group_key)
        head = rows[at].account.id
        linked = [_Row(account, linked=True) for account in event.accounts if account.id != head]
        self._rows[AccountKind.MANAGED] = rows[: at + 1] + linked + rows[at + 1 :]
        self._render_kind(AccountKind.MANAGED, at)
        self._status(f"{len(linked)} linked accounts of {rows[at].account.name} shown.")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        for kind, tab_id in TAB_IDS.items():
            if event.option_list.id == f"{tab_id}-list":
                row = self._rows[kind][event.option_index]
                self.post_message(self.AccountChosen(row.account))
