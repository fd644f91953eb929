"""`cosell admin user|location|rate|log`: the organisation's users, locations and monthly
exchange rates, for Referrals admins (service/administration.py; docs/admin.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from cosell_tui.cli.errors import EXIT_OK
from cosell_tui.cli.options import (
    argument,
    command,
    group,
    import_command,
    json_option,
    option,
    options_of,
    page_options,
    pass_runtime,
    subgroup,
)
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service.administration import (
        LocationEntry,
        RateEntry,
        UserEntry,
    )


@group(
    "admin",
    help="Users, locations, exchange rates, solutions, customer accounts and the co-sell "
    "ecosystem (Referrals admins).",
)
def admin() -> None:
    """Nothing to do before a subcommand runs."""


user = subgroup("user", "Add, change, deactivate and list users.")


location = subgroup("location", "Add, change and list locations (PartnerIDs).")


rate = subgroup("rate", "Monthly exchange rates (USD per unit).")


admin.add_command(user)
admin.add_command(location)
admin.add_command(rate)


# --- users ---------------------------------------------------------------------------------------


def user_json(u: UserEntry) -> dict[str, Any]:
    return {
        "login": u.login,
        "name": u.name,
        "email": u.email,
        "phone": u.phone,
        "role": "admin" if u.role.name == "ADMIN" else "user",
        "entireCompany": u.entire_company,
        "locations": list(u.locations),
        "active": u.active,
    }


def _show_user(rt: Runtime, u: UserEntry, as_json: bool, said: str) -> int:
    if as_json:
        rt.output.json(user_json(u))
    else:
        rt.output.line(f"{said} {u.described}.")
    return EXIT_OK


def user_values(
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
    entire_company: bool = False,
    locations: str | None = None,
) -> dict[str, Any]:
    """The user options as the service reads them, for `add` and `edit` alike: an option not
    given is None (the default when adding, kept when editing); `--entire-company` not given
    says nothing either."""
    return {"name": name, "email": email, "phone": phone, "role": role,
            "entire_company": True if entire_company else None, "locations": locations}  # fmt: skip


user_options = options_of(
    option("--name", metavar="NAME", help="Full name."),
    option("--email", metavar="EMAIL", help="Email (team membership follows it)."),
    option("--phone", metavar="PHONE", help="Phone, E.164 (e.g. +12065550101)."),
    option("--role", metavar="admin|user", help="Referrals admin or Referrals user."),
    option(
        "--entire-company",
        is_flag=True,
        help="Scope: the entire company (only an entire-company admin grants it).",
    ),
    option("--locations", metavar="PIDS", help="Scope: PartnerIDs, comma-separated."),
)


@command("add", help="Add a user of your organisation.")
@argument("login", metavar="LOGIN", help="Their operating-system login (or PostgreSQL role).")
@user_options
@json_option
@pass_runtime
def user_add(rt: Runtime, login: str, as_json: bool, **options: Any) -> int:
    added = rt.service().administration.add_user({"login": login, **user_values(**options)})
    return _show_user(rt, added, as_json, "Added")


@command("edit", help="Change a user's name, email, phone, role or scope.")
@argument("login", metavar="LOGIN")
@user_options
@json_option
@pass_runtime
def user_edit(rt: Runtime, login: str, as_json: bool, **options: Any) -> int:
    changed = rt.service().administration.edit_user(login, user_values(**options))
    return _show_user(rt, changed, as_json, "Changed")


@command("deactivate", help="Deactivate a user: they cannot act; deals and history stay.")
@argument("login", metavar="LOGIN")
@json_option
@pass_runtime
def user_deactivate(rt: Runtime, login: str, as_json: bool) -> int:
    changed = rt.service().administration.set_active(login, False)
    return _show_user(rt, changed, as_json, "Deactivated")


@command("reactivate", help="Reactivate a deactivated user.")
@argument("login", metavar="LOGIN")
@json_option
@pass_runtime
def user_reactivate(rt: Runtime, login: str, as_json: bool) -> int:
    changed = rt.service().administration.set_active(login, True)
    return _show_user(rt, changed, as_json, "Reactivated")


@command("list", help="Your organisation's users by login, a page at a time.")
@option("--active", "active_only", is_flag=True, help="Only active users.")
@page_options("A login or name (or part).")
@json_option
@pass_runtime
def user_list(
    rt: Runtime, active_only: bool, search: str, limit: int, offset: int, as_json: bool
) -> int:
    found = rt.service().administration.users(search, limit, offset, not active_only)
    if as_json:
        rt.output.json([user_json(u) for u in found])
        return EXIT_OK
    if not found:
        rt.output.line("No users found.")
        return EXIT_OK
    rt.output.table(
        ["Login", "Name", "Email", "Role", "Scope", "Active"],
        [
            [u.login, u.name, u.email, u.role.label, u.scope, "yes" if u.active else "no"]
            for u in found
        ],
    )
    return EXIT_OK


user_import = import_command(
    "Add users from a CSV: Login, Name, Email, Phone, Role, Locations.",
    lambda service: service.administration.import_users,
)


for _cmd in (user_add, user_edit, user_import, user_deactivate, user_reactivate, user_list):
    user.add_command(_cmd)


# --- locations -----------------------------------------------------------------------------------


def location_json(loc: LocationEntry) -> dict[str, Any]:
    return {
        "partnerId": loc.partner_id,
        "name": loc.name,
        "country": loc.country,
        "deals": loc.deals,
    }


def _show_location(rt: Runtime, loc: LocationEntry, as_json: bool, said: str) -> int:
    if as_json:
        rt.output.json(location_json(loc))
    else:
        rt.output.line(f"{said} {loc.described}.")
    return EXIT_OK


@command("add", help="Add a location of your organisation.")
@argument("partner_id", metavar="PARTNERID")
@option("--name", required=True, metavar="NAME", help="The location's name.")
@option("--country", required=True, metavar="CC", help="ISO 3166 country code, e.g. US.")
@json_option
@pass_runtime
def location_add(rt: Runtime, partner_id: str, name: str, country: str, as_json: bool) -> int:
    values = {"partner_id": partner_id, "name": name, "country": country}
    added = rt.service().administration.add_location(values)
    return _show_location(rt, added, as_json, "Added")


@command("edit", help="Rename a location, or change its country or PartnerID.")
@argument("partner_id", metavar="PARTNERID")
@option("--name", metavar="NAME", help="New name.")
@option("--country", metavar="CC", help="New ISO country code.")
@option(
    "--partner-id", "new_partner_id", metavar="PID", help="New PartnerID (while no deal uses it)."
)
@json_option
@pass_runtime
def location_edit(
    rt: Runtime,
    partner_id: str,
    name: str | None,
    country: str | None,
    new_partner_id: str | None,
    as_json: bool,
) -> int:
    values = {"name": name, "country": country, "partner_id": new_partner_id}
    changed = rt.service().administration.edit_location(partner_id, values)
    return _show_location(rt, changed, as_json, "Changed")


@command("list", help="Your organisation's locations.")
@json_option
@pass_runtime
def location_list(rt: Runtime, as_json: bool) -> int:
    found = rt.service().administration.locations()
    if as_json:
        rt.output.json([location_json(loc) for loc in found])
        return EXIT_OK
    rt.output.table(
        ["PartnerID", "Name", "Country", "Deals"],
        [[loc.partner_id, loc.name, loc.country, f"{loc.deals:,}"] for loc in found],
        right=(3,),
    )
    return EXIT_OK


for _cmd in (location_add, location_edit, location_list):
    location.add_command(_cmd)


# --- exchange rates ------------------------------------------------------------------------------


def rate_json(r: RateEntry) -> dict[str, Any]:
    return {"month": f"{r.month:%Y-%m}", "currency": r.currency, "usdPerUnit": str(r.usd_per_unit)}


@command("set", help="Set a month's exchange rate: 1 CURRENCY = RATE USD.")
@argument("month", metavar="YYYY-MM")
@argument("currency", metavar="CURRENCY")
@argument("usd_per_unit", metavar="RATE")
@json_option
@pass_runtime
def rate_set(rt: Runtime, month: str, currency: str, usd_per_unit: str, as_json: bool) -> int:
    done = rt.service().administration.set_rate(
        {"month": month, "currency": currency, "rate": usd_per_unit}
    )
    if as_json:
        rt.output.json({**rate_json(done.rate), "revalued": done.revalued, "decided": done.decided})
        return EXIT_OK
    rt.output.line(f"{done.rate.described}.")
    if done.revalued or done.decided:
        rt.output.line(
            f"{done.revalued:,} deal(s) of that month valued in USD; registration eligibility "
            f"decided for {done.decided:,} won deal(s) that waited for the rate."
        )
    return EXIT_OK


@command("list", help="Monthly exchange rates, newest first.")
@option("--currency", metavar="CUR", help="Only this currency.")
@json_option
@pass_runtime
def rate_list(rt: Runtime, currency: str | None, as_json: bool) -> int:
    found = rt.service().administration.rates(currency)
    if as_json:
        rt.output.json([rate_json(r) for r in found])
        return EXIT_OK
    if not found:
        rt.output.line("No exchange rates yet: `cosell admin rate set YYYY-MM CUR RATE`.")
        return EXIT_OK
    rt.output.table(
        ["Month", "Currency", "USD per unit"],
        [[f"{r.month:%Y-%m}", r.currency, str(r.usd_per_unit)] for r in found],
        right=(2,),
    )
    return EXIT_OK


@command("missing", help="Months and currencies your won and open deals need and lack.")
@json_option
@pass_runtime
def rate_missing(rt: Runtime, as_json: bool) -> int:
    found = rt.service().administration.missing_rates()
    if as_json:
        rt.output.json(
            [
                {
                    "month": f"{m.month:%Y-%m}",
                    "currency": m.currency,
                    "wonDeals": m.won,
                    "openDeals": m.open,
                }
                for m in found
            ]
        )
        return EXIT_OK
    if not found:
        rt.output.line("No rate is missing.")
        return EXIT_OK
    rt.output.table(
        ["Month", "Currency", "Won deals", "Open deals"],
        [[f"{m.month:%Y-%m}", m.currency, f"{m.won:,}", f"{m.open:,}"] for m in found],
        right=(2, 3),
    )
    rt.output.line("\nAdd one with `cosell admin rate set YYYY-MM CURRENCY RATE`.")
    return EXIT_OK


rate_import = import_command(
    "Set monthly rates from a CSV: Month, Currency, USD per unit.",
    lambda service: service.administration.import_rates,
)


for _cmd in (rate_set, rate_import, rate_list, rate_missing):
    rate.add_command(_cmd)


@command("log", help="Changes to users, locations, rates and the set-up, newest first.")
@option("--limit", type=click.IntRange(1, 10_000), default=50, metavar="N", help="Rows.")
@json_option
@pass_runtime
def log(rt: Runtime, limit: int, as_json: bool) -> int:
    found = rt.service().administration.log(limit)
    if as_json:
        rt.output.json(
            [
                {
                    "at": e.at.isoformat(),
                    "who": e.who,
                    "action": e.action,
                    "subject": e.subject,
                    "summary": e.summary,
                }
                for e in found
            ]
        )
        return EXIT_OK
    rt.output.table(
        ["When (UTC)", "Who", "What"],
        [[f"{e.at:%Y-%m-%d %H:%M}", e.who, e.summary] for e in found],
    )
    return EXIT_OK


admin.add_command(log)


def _reference() -> None:
    """`solution`, `account` and `partner` (cli/reference.py), declared beside these."""
    from cosell_tui.cli.reference import account, partner, solution

    for sub in (solution, account, partner):
        admin.add_command(sub)


_reference()
