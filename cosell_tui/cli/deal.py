"""`cosell deal ACTION`: the table of deal commands; each is imported only when it runs or
shows its help (see lazy.py)."""

from __future__ import annotations

from cosell_tui.cli.lazy import Lazy
from cosell_tui.cli.options import group

_READ = "cosell_tui.cli.deal_read"
_WRITE = "cosell_tui.cli.deal_write"
_CREATE = "cosell_tui.cli.deal_create"

#: Every action, in the order `cosell deal --help` lists them, with its one-line summary.
ACTIONS = {
    "list": Lazy(f"{_READ}:list_deals", "List the deals of a tab."),
    "show": Lazy(f"{_READ}:show", "Everything about one deal."),
    "explain": Lazy("cosell_tui.cli.explain:explain", "Deal type, allowed actions, eligibility."),
    "create": Lazy(f"{_CREATE}:create", "Create a deal from a JSON document."),
    "send": Lazy(f"{_CREATE}:send", "Send a referral to a partner (Microsoft sellers)."),
    "accept": Lazy(f"{_WRITE}:accept", "Accept an inbound referral."),
    "decline": Lazy(f"{_WRITE}:decline", "Decline an inbound referral."),
    "stage": Lazy(f"{_WRITE}:mark_stage", "Mark a sales stage."),
    "won": Lazy(f"{_WRITE}:won", "Mark a deal won."),
    "lost": Lazy(f"{_WRITE}:lost", "Mark a deal lost."),
    "error": Lazy(f"{_WRITE}:error", "Close a deal as error."),
    "share": Lazy(f"{_WRITE}:share", "Let Microsoft sellers see a private deal."),
    "help": Lazy(f"{_WRITE}:ask_for_help", "Ask Microsoft for help (makes it co-sell)."),
    "invite": Lazy(f"{_WRITE}:invite", "Invite a partner or Microsoft."),
    "favorite": Lazy(f"{_WRITE}:favorite", "Star a deal (or --off)."),
    "register": Lazy(f"{_CREATE}:register", "Register a won deal (Azure IP co-sell)."),
    "exception": Lazy(f"{_WRITE}:exception", "Ask for an exception to a rejected registration."),
    "export": Lazy("cosell_tui.cli.deal_csv:export_deals", "Write a tab as co-sell CSV."),
    "import": Lazy("cosell_tui.cli.deal_csv:import_deals", "Create/update deals from co-sell CSV."),
}


@group("deal", help="List, show, create and change deals.", lazy=ACTIONS)
def deal() -> None:
    """Nothing to do before the action runs."""
