"""Command palette (ctrl+p): every key the screen offers now, by name, and deals by name or number.

The actions come from the live bindings of the screen the user is on (`Screen.active_bindings`),
so the palette offers exactly what the footer and `?` do: an action that does not apply now (close
as error on a won deal) is not offered, and a remapped key shows as remapped. A binding's tooltip,
where it has one, is the longer title; its description otherwise. The deal search reads the
database in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.screen import Screen

    from cosell_tui.domain.views import DealRow


def live_commands(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(title, help, action) for each enabled binding of `screen` (and the app's own)."""
    app = screen.app
    found: dict[tuple[int, str], tuple[str, str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or binding.id is None or not binding.description:
            continue  # ours all have ids; Textual's own scroll and focus keys are left out
        ident = (id(active.node), binding.action)
        if ident in found:
            continue
        title = binding.tooltip or binding.description
        display = app.get_key_display(binding.with_key(key))
        found[ident] = (title, f"key {display}", binding.action)
    return list(found.values())


def _runner(screen: Screen[object], action: str) -> Callable[[], Awaitable[object]]:
    return partial(screen.run_action, action)


class ScreenCommands(Provider):
    """What the current screen offers now, and (on the main screen) deals found by name."""

    async def discover(self) -> Hits:
        screen = self.screen
        for title, help_text, action in live_commands(screen):
            yield DiscoveryHit(title, _runner(screen, action), help=help_text)

    async def search(self, query: str) -> Hits:
        screen = self.screen
        matcher = self.matcher(query)
        for title, help_text, action in live_commands(screen):
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), _runner(screen, action), help=help_text)
        open_deal = getattr(screen, "open_deal", None)
        service = getattr(screen, "service", None) if getattr(screen, "has_service", True) else None
        if open_deal is None or service is None or len(query.strip()) < 2:
            return
        try:
            deals: tuple[DealRow, ...] = await asyncio.to_thread(
                service.listing.find_deals, query.strip(), 10
            )
        except Exception:  # a failed look-up finds nothing; the palette stays usable
            return
        for row in deals:
            title = f"#{row.id} {row.name} — {row.customer_name}"
            yield Hit(
                max(matcher.match(title), 0.5),
                matcher.highlight(title),
                partial(open_deal, row.id),
                help=f"{row.substatus.label} · {row.referral_id}",
            )
