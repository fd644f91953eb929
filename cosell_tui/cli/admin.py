"""`cosell init|seed|sweep|users|locate`: the database, the time rules, who you can act as.

`init` and `seed` prepare a database before any user exists, so they work on a whole database
(service/admin.py) rather than through a user's service; everything else goes through the
service like the TUI does.
"""

from __future__ import annotations

from typing import Any

import click

from cosell_tui.cli.errors import EXIT_OK
from cosell_tui.cli.options import argument, command, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime


@command("init", help="Create or migrate the database (harmless to repeat).")
@pass_runtime
def init(rt: Runtime) -> int:
    from cosell_tui.service import admin

    url = rt.db_url()
    empty = admin.init_database(url)
    rt.output.line(f"Database ready: {admin.shown_url(url)}")
    if empty:
        rt.output.line("It holds no data yet: `cosell seed` fills it with demo data.")
    return EXIT_OK


@command("seed", help="Fill the database with deterministic demo data.")
@option("--deals", type=int, default=500, metavar="N", help="Deals (default 500).")
@option("--seed", type=int, default=7, metavar="S", help="Random seed (default 7).")
@option(
    "--force",
    is_flag=True,
    help="Seed even when the database already holds data (erases it first).",
)
@pass_runtime
def seed(rt: Runtime, deals: int, seed: int, force: bool) -> int:
    from cosell_tui.cli.parse import check_deal_count
    from cosell_tui.domain.clock import Clock
    from cosell_tui.service import admin

    check_deal_count(deals)
    url = rt.db_url()
    result = admin.seed_database(url, deals, seed, Clock.from_env(rt.now).now(), force=force)
    rt.output.line(
        f"Seeded {admin.shown_url(url)} (seed {seed}): {result.referrals:,} referrals in "
        f"{result.engagements:,} engagements, {result.partner_deals:,} of them Fabrikam "
        f"Consulting's; {result.accounts:,} accounts, {result.solutions} solutions, "
        f"{result.users} users, {result.registrations:,} registrations."
    )
    rt.output.line("Users: `cosell users`; the default is ava (Referrals admin, entire company).")
    return EXIT_OK


SWEEP_LABELS = {
    "expired": "Expired (no answer in 14 days)",
    "reminded": "Reminded (48 hours left)",
    "microsoftLapsed": "Microsoft did not answer in 14 days",
}


@command("sweep", help="Expire overdue referrals, send 48h reminders.")
@json_option
@pass_runtime
def sweep(rt: Runtime, as_json: bool) -> int:
    report = rt.service().microsoft.sweep()
    parts = {
        "expired": tuple(report.expired),
        "reminded": tuple(report.reminded),
        "microsoftLapsed": tuple(report.microsoft_lapsed),
    }
    if as_json:
        rt.output.json({key: list(ids) for key, ids in parts.items()})
        return EXIT_OK
    for key, ids in parts.items():
        listed = ", ".join(f"#{i}" for i in ids[:20]) + (" …" if len(ids) > 20 else "")
        rt.output.line(f"{SWEEP_LABELS[key]}: {len(ids)}" + (f"  {listed}" if ids else ""))
    return EXIT_OK


def list_users(rt: Runtime) -> list[dict[str, Any]]:
    """Every user of the database, for choosing `--user` (names and roles, never deals)."""
    from cosell_tui.service import admin

    return [
        {
            "username": u.username,
            "displayName": u.display_name,
            "email": u.email,
            "role": u.role,
            "roleLabel": u.role_label,
            "organizationName": u.organization_name,
            "entireCompany": u.entire_company,
            "locations": list(u.locations),
        }
        for u in admin.list_users(rt.db_url())
    ]


def _current_username(rt: Runtime) -> str | None:
    """Who commands run as now (--user, COSELL_USER, config, else the service's default)."""
    from cosell_tui.service.errors import CosellError

    try:
        return rt.service().user.username
    except CosellError:  # an unknown --user: list everyone, mark no one
        return None


@command("users", help="Users you can act as (--user).")
@json_option
@pass_runtime
def users(rt: Runtime, as_json: bool) -> int:
    found = list_users(rt)
    current = _current_username(rt) if found else None
    for user in found:
        user["current"] = user["username"] == current
    out = rt.output
    if as_json:
        out.json(found)
        return EXIT_OK
    if not found:
        out.line("No users yet: `cosell seed` creates demo users.")
        return EXIT_OK
    marked = any(u["current"] for u in found)
    out.table(
        ["", "User", "Name", "Role", "Organisation", "Scope"][0 if marked else 1 :],
        [
            [
                *(["*" if u["current"] else ""] if marked else []),
                u["username"],
                u["displayName"],
                u["roleLabel"],
                u["organizationName"],
                "entire company" if u["entireCompany"] else ", ".join(u["locations"]),
            ]
            for u in found
        ],
    )
    out.line("\nAct as one with --user NAME or COSELL_USER=NAME.")
    return EXIT_OK


@command("locate", help="Print where the config or the database is.")
@argument("what", type=click.Choice(["config", "db"]), metavar="config|db")
@pass_runtime
def locate(rt: Runtime, what: str) -> int:
    if what == "config":
        from cosell_tui.config import config_path

        rt.output.line(str(config_path()))
        return EXIT_OK
    from cosell_tui.service.admin import shown_url

    rt.output.line(shown_url(rt.db_url()))
    return EXIT_OK
