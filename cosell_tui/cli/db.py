"""`cosell db check|backup`: is the database healthy, and a copy of it taken while others work."""

from __future__ import annotations

from cosell_tui.cli.errors import EXIT_OK, EXIT_REFUSED
from cosell_tui.cli.lazy import Lazy
from cosell_tui.cli.options import argument, command, group, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

#: The subcommands, in the order `cosell db --help` lists them.
ACTIONS = {
    "check": Lazy("cosell_tui.cli.db:check", "Integrity, search index, tab counts, schema."),
    "backup": Lazy("cosell_tui.cli.db:backup", "Copy the SQLite database to FILE, safely."),
}


@group("db", help="Check the database, or back it up.", lazy=ACTIONS)
def db() -> None:
    """Nothing to do before the subcommand runs."""


@command("check", help="Integrity, search index, kept tab counts and schema (reads only).")
@option("--repair", is_flag=True, help="Rebuild the tab counts and the search index first.")
@json_option
@pass_runtime
def check(rt: Runtime, repair: bool, as_json: bool) -> int:
    from cosell_tui.service import maintenance

    url = rt.db_url()
    if repair:
        maintenance.repair_database(url)
    findings = maintenance.check_database(url)
    healthy = all(f.ok for f in findings)
    out = rt.output
    if as_json:
        out.json(
            {
                "healthy": healthy,
                "checks": [{"check": f.what, "ok": f.ok, "detail": f.detail} for f in findings],
            }
        )
    else:
        out.table(
            ["Check", "Status", "Found"],
            [[f.what, "ok" if f.ok else "PROBLEM", f.detail] for f in findings],
        )
    if healthy:
        return EXIT_OK
    if any(f.repairable and not f.ok for f in findings):
        out.warn("`cosell db check --repair` rebuilds the tab counts and the search index")
    if any(not f.ok and f.what in ("integrity", "references") for f in findings):
        out.warn("the file is damaged: restore a backup (`cosell db backup` makes them)")
    return EXIT_REFUSED


@command("backup", help="Copy the SQLite database to FILE, safely while others work.")
@argument("file", metavar="FILE")
@pass_runtime
def backup(rt: Runtime, file: str) -> int:
    from cosell_tui.service import maintenance

    size = maintenance.backup_database(rt.db_url(), file)
    rt.output.line(f"Backed up to {file} ({size:,} bytes).")
    return EXIT_OK
