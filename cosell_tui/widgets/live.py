"""The shared queue is live: the app notices changes made by anyone, in any process.

The app looks at the database's change counter (one indexed row, `Listing.changes`) every
`LIVE_EVERY` seconds and, when it moved, posts `DatabaseChanged` to every open screen. The
main screen reloads its grid (the cursor stays on the same deal, the marks stay) and the tab
counts, and says when new inbound referrals arrived; the deal screen shows a banner when the
deal it shows was changed by someone else ("r" reloads it), so nobody works on a stale copy.
The reload after the user's own write reads the counter first and takes it as seen
(`CosellApp.adopt_changes`), so that write is not reloaded a second time by the next look.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

#: Seconds between two looks at the change counter (None in snapshot tests: a fixed screen).
LIVE_EVERY = 1.0


@dataclass
class DatabaseChanged(Message, bubble=False):
    """Deals, teams or favourites changed since the last look (by this user or anyone)."""

    counter: int
