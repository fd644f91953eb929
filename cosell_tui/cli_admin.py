"""`cosell` commands around the deals: the TUI and demo, init, seed, sweep, rules, catalog, users,
locate.

`init`, `seed` and `demo` prepare a database before any user exists, so they work on the store
(migrations and the seeder) rather than through a user's service; everything else goes through
the service like the TUI does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosell_tui.cli import EXIT_OK, EXIT_REFUSED, CliError, Context
from cosell_tui.cli_parse import parse_label
from cosell_tui.domain import format as fmt
from cosell_tui.service import admin

if TYPE_CHECKING:
    from cosell_tui.domain.views import AccountView
    from cosell_tui.service import Service

DEMO_USER = "ava"


# --- the TUI ----------------------------------------------------------------------------------


def _open_tui(opener: Callable[[], Service], mouse: bool) -> int:
    from cosell_tui.app import run  # Textual loads only here

    return run(opener, mouse=mouse)


def cmd_tui(ctx: Context) -> int:
    """No subcommand: the TUI on the user's database (opened after its first frame)."""
    return _open_tui(ctx.service, mouse=ctx.mouse())


def cmd_demo(ctx: Context) -> int:
    """A fresh temporary SQLite database, seeded, opened as ava; deleted on exit."""
    from cosell_tui.domain.clock import Clock
    from cosell_tui.service import open_service

    _check_counts(ctx.args.deals)
    with tempfile.TemporaryDirectory(prefix="cosell-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        admin.seed_database(url, ctx.args.deals, ctx.args.seed, Clock.from_env(ctx.args.now).now())
        opened: list[Service] = []

        def opener() -> Service:
            opened.append(open_service(db=url, user=DEMO_USER, now=ctx.args.now))
            return opened[-1]

        try:
            return _open_tui(opener, mouse=ctx.mouse())
        finally:
            for service in opened:
                service.close()


# --- database set-up --------------------------------------------------------------------------


def _check_counts(deals: int) -> None:
    if deals < 0:
        raise CliError("--deals must be 0 or more")


def cmd_init(ctx: Context) -> int:
    url = ctx.db_url()
    empty = admin.init_database(url)
    ctx.print(f"Database ready: {admin.shown_url(url)}")
    if empty:
        ctx.print("It holds no data yet: `cosell seed` fills it with demo data.")
    return EXIT_OK


def cmd_seed(ctx: Context) -> int:
    from cosell_tui.domain.clock import Clock

    args = ctx.args
    _check_counts(args.deals)
    url = ctx.db_url()
    result = admin.seed_database(
        url, args.deals, args.seed, Clock.from_env(args.now).now(), force=args.force
    )
    ctx.print(
        f"Seeded {admin.shown_url(url)} (seed {args.seed}): {result.referrals:,} referrals in "
        f"{result.engagements:,} engagements, {result.partner_deals:,} of them Fabrikam "
        f"Consulting's; {result.accounts:,} accounts, {result.solutions} solutions, "
        f"{result.users} users, {result.registrations:,} registrations."
    )
    ctx.print("Users: `cosell users`; the default is ava (Referrals admin, entire company).")
    return EXIT_OK


# --- sweep, rules -----------------------------------------------------------------------------


def cmd_sweep(ctx: Context) -> int:
    report = ctx.service().microsoft.sweep()
    parts = {
        "expired": tuple(report.expired),
        "reminded": tuple(report.reminded),
        "microsoftLapsed": tuple(report.microsoft_lapsed),
    }
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(dumps({key: list(ids) for key, ids in parts.items()}))
        return EXIT_OK
    labels = {
        "expired": "Expired (no answer in 14 days)",
        "reminded": "Reminded (48 hours left)",
        "microsoftLapsed": "Microsoft did not answer in 14 days",
    }
    for key, ids in parts.items():
        listed = ", ".join(f"#{i}" for i in ids[:20]) + (" …" if len(ids) > 20 else "")
        ctx.print(f"{labels[key]}: {len(ids)}" + (f"  {listed}" if ids else ""))
    return EXIT_OK


def builtin_rule_files() -> list[Path]:
    folder = Path(__file__).resolve().parent / "rules"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")])


def _relative(path: Path) -> str:
    """A path as short as possible: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_rules_check(ctx: Context) -> int:
    from cosell_tui.rules import check_rule_files

    paths = [Path(f) for f in ctx.args.files] or builtin_rule_files()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CliError(f"no such rule file: {', '.join(missing)}")
    if not paths:
        raise CliError("no rule files found")
    problems = check_rule_files(paths)
    for problem in problems:
        ctx.warn(problem)
    if problems:
        return EXIT_REFUSED
    for path in paths:
        ctx.print(f"ok  {_relative(path)}")
    return EXIT_OK


# --- catalog and users ------------------------------------------------------------------------


def account_json(account: AccountView) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "kind": account.kind.value,
        "microsoftAccountId": account.microsoft_account_id,
        "groupKey": account.group_key,
        "duns": account.duns,
        "federal": account.federal,
        "address": {
            "addressLine1": account.address,
            "city": account.city,
            "postalCode": account.postal_code,
            "country": account.country,
        },
        "linkedCount": account.linked_count,
    }


def cmd_catalog_accounts(ctx: Context) -> int:
    args = ctx.args
    country = args.country.strip().upper() if args.country else None
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise CliError(f"--country: {args.country!r} is not an ISO 3166 two-letter code")
    groups = ctx.service().catalog.search_accounts(args.search, country, wider=args.wider)
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(
            dumps(
                {
                    kind.value: [account_json(a) for a in accounts]
                    for kind, accounts in groups.items()
                }
            )
        )
        return EXIT_OK
    if not any(groups.values()):
        ctx.print("No accounts found.")
        return EXIT_OK
    for kind, accounts in groups.items():
        if not accounts:
            continue
        ctx.print(f"{kind.label} ({len(accounts)})")
        ctx.print(
            fmt.table(
                ["#", "Name", "MS account / DUNS", "City", "Ctry", "Linked", "Federal"],
                [
                    [
                        str(a.id),
                        fmt.clip(a.name, 40),
                        a.microsoft_account_id or a.duns or "",
                        a.city or "",
                        a.country,
                        str(a.linked_count) if a.linked_count else "",
                        "yes" if a.federal else "",
                    ]
                    for a in accounts
                ],
                right=(0, 5),
            )
        )
        ctx.print()
    return EXIT_OK


def cmd_catalog_solutions(ctx: Context) -> int:
    from cosell_tui.domain import SolutionCategory

    args = ctx.args
    category = parse_label(SolutionCategory, args.category, "--category") if args.category else None
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    found = ctx.service().catalog.search_solutions(args.search, category, args.limit)
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(
            dumps(
                [
                    {
                        "id": s.id,
                        "name": s.name,
                        "publisherName": s.publisher_name,
                        "category": s.category.value,
                        "coSellReady": s.co_sell_ready,
                        "azureIpCoSell": s.azure_ip_co_sell,
                        "bizAppsPremium": s.biz_apps_premium,
                        "bizAppsStandard": s.biz_apps_standard,
                        "marketplaceIncentivized": s.marketplace_incentivized,
                        "priced": s.priced,
                    }
                    for s in found
                ]
            )
        )
        return EXIT_OK
    if not found:
        ctx.print("No solutions found.")
        return EXIT_OK
    ctx.print(
        fmt.table(
            ["ID", "Name", "Publisher", "Category", "Tags"],
            [
                [
                    s.id,
                    fmt.clip(s.name, 40),
                    fmt.clip(s.publisher_name, 24),
                    s.category.label,
                    _solution_tags(s),
                ]
                for s in found
            ],
        )
    )
    return EXIT_OK


def _solution_tags(s: Any) -> str:
    """The catalog flags that matter for co-sell and registration, as short words."""
    flags = (
        ("co-sell-ready", s.co_sell_ready),
        ("ip-co-sell", s.azure_ip_co_sell),
        ("bizapps-premium", s.biz_apps_premium),
        ("bizapps-standard", s.biz_apps_standard),
        ("marketplace", s.marketplace_incentivized),
        ("priced", s.priced),
    )
    return " ".join(name for name, on in flags if on)


def cmd_catalog_partners(ctx: Context) -> int:
    found = ctx.service().catalog.search_partners(ctx.args.search)
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(dumps([{"id": org_id, "name": name} for org_id, name in found]))
        return EXIT_OK
    if not found:
        ctx.print("No partners found.")
        return EXIT_OK
    ctx.print(fmt.table(["#", "Partner"], [[str(i), n] for i, n in found], right=(0,)))
    return EXIT_OK


def list_users(ctx: Context) -> list[dict[str, Any]]:
    """Every user of the database, for choosing `--user` (names and roles, never deals)."""
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
        for u in admin.list_users(ctx.db_url())
    ]


def _current_username(ctx: Context) -> str | None:
    """Who commands run as now (--user, COSELL_USER, config, else the service's default)."""
    from cosell_tui.service.errors import CosellError

    try:
        return ctx.service().user.username
    except CosellError:  # an unknown --user: list everyone, mark no one
        return None


def cmd_users(ctx: Context) -> int:
    users = list_users(ctx)
    current = _current_username(ctx) if users else None
    for user in users:
        user["current"] = user["username"] == current
    if ctx.json:
        from cosell_tui.jsonio import dumps

        ctx.print(dumps(users))
        return EXIT_OK
    if not users:
        ctx.print("No users yet: `cosell seed` creates demo users.")
        return EXIT_OK
    marked = any(u["current"] for u in users)
    ctx.print(
        fmt.table(
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
                for u in users
            ],
        )
    )
    ctx.print("\nAct as one with --user NAME or COSELL_USER=NAME.")
    return EXIT_OK


def cmd_locate(ctx: Context) -> int:
    if ctx.args.what == "config":
        from cosell_tui.config import config_path

        ctx.print(str(config_path()))
        return EXIT_OK
    ctx.print(admin.shown_url(ctx.db_url()))
    return EXIT_OK
