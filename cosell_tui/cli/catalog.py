"""`cosell catalog accounts|solutions|partners`: what the New Deal wizard searches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cosell_tui.cli.errors import EXIT_OK, CliError
from cosell_tui.cli.options import command, group, json_option, option, options_of, pass_runtime
from cosell_tui.cli.runtime import Runtime
from cosell_tui.domain import format as fmt

if TYPE_CHECKING:
    from cosell_tui.domain.views import AccountView, SolutionView


@group("catalog", help="Customer accounts, solutions and partners.")
def catalog() -> None:
    """Nothing to do before the listing runs."""


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


@command("accounts", help="Search customer accounts.")
@option("--search", default="", metavar="NAME", help="Customer name (or part).")
@option("--country", metavar="CC", help="ISO 3166 alpha-2 country code.")
@option("--wider", is_flag=True, help="Fuzzy search, more results.")
@json_option
@pass_runtime
def accounts(rt: Runtime, search: str, country: str | None, wider: bool, as_json: bool) -> int:
    code = country.strip().upper() if country else None
    if code is not None and (len(code) != 2 or not code.isalpha()):
        raise CliError(f"--country: {country!r} is not an ISO 3166 two-letter code")
    groups = rt.service().catalog.search_accounts(search, code, wider=wider)
    out = rt.output
    if as_json:
        out.json({kind.value: [account_json(a) for a in found] for kind, found in groups.items()})
        return EXIT_OK
    if not any(groups.values()):
        out.line("No accounts found.")
        return EXIT_OK
    for kind, found in groups.items():
        if not found:
            continue
        out.line(f"{kind.label} ({len(found)})")
        out.table(
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
                for a in found
            ],
            right=(0, 5),
        )
        out.line()
    return EXIT_OK


def solution_json(s: SolutionView) -> dict[str, Any]:
    return {
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


#: The options of a solution listing (`catalog solutions`, `admin solution list`).
solution_list_options = options_of(
    option("--search", default="", metavar="TEXT", help="Name, publisher or ID (or part)."),
    option(
        "--category",
        metavar="CAT",
        help="Mine, Microsoft, ThirdParty or Assessment (labels accepted too).",
    ),
    option("--limit", type=int, default=50, metavar="N", help="Rows (default 50)."),
    json_option,
)


@command("solutions", help="Search the solutions.")
@solution_list_options
@pass_runtime
def solutions(rt: Runtime, search: str, category: str | None, limit: int, as_json: bool) -> int:
    return list_solutions(rt, search, category, limit, as_json)


def list_solutions(
    rt: Runtime, search: str, category: str | None, limit: int, as_json: bool
) -> int:
    from cosell_tui.cli.parse import parse_label
    from cosell_tui.domain import SolutionCategory

    kind = parse_label(SolutionCategory, category, "--category") if category else None
    if limit < 1:
        raise CliError("--limit must be at least 1")
    found = rt.service().catalog.search_solutions(search, kind, limit)
    out = rt.output
    if as_json:
        out.json([solution_json(s) for s in found])
        return EXIT_OK
    if not found:
        out.line("No solutions found.")
        return EXIT_OK
    out.table(
        ["ID", "Name", "Publisher", "Category", "Tags"],
        [
            [
                s.id,
                fmt.clip(s.name, 40),
                fmt.clip(s.publisher_name, 24),
                s.category.label,
                fmt.solution_tags(s),
            ]
            for s in found
        ],
    )
    return EXIT_OK


@command("partners", help="Co-sell partner companies.")
@option("--search", default="", metavar="TEXT", help="Name (or part).")
@json_option
@pass_runtime
def partners(rt: Runtime, search: str, as_json: bool) -> int:
    found = rt.service().catalog.search_partners(search)
    out = rt.output
    if as_json:
        out.json([{"id": org_id, "name": name} for org_id, name in found])
        return EXIT_OK
    if not found:
        out.line("No partners found.")
        return EXIT_OK
    out.table(["#", "Partner"], [[str(i), n] for i, n in found], right=(0,))
    return EXIT_OK


for _command in (accounts, solutions, partners):
    catalog.add_command(_command)
