"""Command palette (ctrl+p): find a deal by name or referral ID; every action on the selected deal.

The deal search runs in a thread (`asyncio.to_thread`) because it reads the database; the
action list comes from the main screen's live bindings, so a remapped key or an action that
does not apply now is shown as it is.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cosell_tui.domain.views import Tab

if TYPE_CHECKING:
    from cosell_tui.domain.views import DealRow
    from cosell_tui.screens.main import MainScreen

#: (action on the main screen, palette title, help) for the selected deal.
DEAL_ACTIONS = (
    ("open", "Open deal", "details, stages, history, eligibility"),
    ("accept", "Accept deal", "confirm the referral's values and accept it"),
    ("decline", "Decline deal", "a reason from the coded list, and notes"),
    ("favorite", "Toggle favourite", "add to or remove from the Favorites tab"),
    ("close_error", "Close deal as error", "one of the nine error reasons"),
    ("preview", "Toggle preview pane", "key facts, contacts, expiry, eligibility"),
    ("copy_id", "Copy referral ID", "to the clipboard (OSC 52)"),
)
SCREEN_ACTIONS = (
    ("new_deal", "New deal", "the New Deal wizard"),
    ("filter", "Filter deals", "the filter line and its query language"),
    ("columns", "Choose columns", "saved in your config"),
    ("sort_pick", "Sort by…", "any column, either direction"),
    ("bulk_accept", "Accept marked deals", "after one confirmation"),
    ("bulk_decline", "Decline marked deals", "one reason and notes for all"),
    ("bulk_favorite", "Favourite marked deals", "after one confirmation"),
    ("reload", "Reload", "counts and rows from the database"),
)


class DealCommands(Provider):
    """Deals by name or ID, tabs, and the actions that apply to the selected deal now."""

    def _main(self) -> MainScreen | None:
        from cosell_tui.screens.main import MainScreen

        return self.screen if isinstance(self.screen, MainScreen) else None

    def _actions(self, main: MainScreen) -> list[tuple[str, str, str]]:
        row = main.grid.selected
        found: list[tuple[str, str, str]] = []
        for action, title, help_text in (*DEAL_ACTIONS, *SCREEN_ACTIONS):
            if main.check_action(action, ()) is not True:
                continue
            label = (
                f"{title}: {row.name}"
                if row is not None and (action, title, help_text) in DEAL_ACTIONS
                else title
            )
            found.append((action, label, help_text))
        found += [
            (f"show_tab('{tab.value}')", f"Show {tab.label} tab", f"key {n}")
            for n, tab in enumerate(Tab, 1)
        ]
        return found

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for action, title, help_text in self._actions(main):
            yield DiscoveryHit(title, partial(main.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for action, title, help_text in self._actions(main):
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(main.run_action, action),
                    help=help_text,
                )
        if len(query.strip()) < 2:
            return
        try:
            deals: tuple[DealRow, ...] = await asyncio.to_thread(
                main.service.listing.find_deals, query.strip(), 10
            )
        except Exception:  # a failed lookup just finds nothing; the palette stays usable
            return
        for row in deals:
            title = f"{row.name} — {row.customer_name}"
            yield Hit(
                max(matcher.match(title), 0.5),
                matcher.highlight(title),
                partial(main.open_deal, row.id),
                help=f"{row.substatus.label} · {row.referral_id}",
            )
