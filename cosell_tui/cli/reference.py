"""`cosell admin solution|account|partner`: the solution catalog, customer accounts and the
co-sell ecosystem, for Referrals admins (service/reference.py; docs/admin.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cosell_tui.cli import options as cli
from cosell_tui.cli.catalog import list_solutions, solution_list_options
from cosell_tui.cli.errors import EXIT_OK
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service.reference import AccountEntry


solution = cli.subgroup("solution", "Your co-sell solutions, and the catalog from CSV.")


account = cli.subgroup("account", "Customer accounts from CSV; match one to a managed account.")


partner = cli.subgroup("partner", "The co-sell ecosystem from CSV: partners and Microsoft sellers.")


# --- solutions -----------------------------------------------------------------------------------


def solution_values(
    name: str | None = None,
    tags: str | None = None,
    co_sell_ready: bool | None = None,
    marketplace: bool | None = None,
    priced: bool | None = None,
) -> dict[str, Any]:
    """The solution options as the service reads them (`add` and `edit`): None is not given."""
    return {"name": name, "tags": tags, "co_sell_ready": co_sell_ready,
            "marketplace_incentivized": marketplace, "priced": priced}  # fmt: skip


solution_options = cli.options_of(
    cli.option("--name", metavar="NAME", help="The solution's name."),
    cli.option(
        "--tags",
        metavar="TAGS",
        help="Incentive tags, comma-separated: AzureIPCoSell, BizAppsPremium, "
        "BizAppsStandard ('' for none).",
    ),
    cli.option("--co-sell-ready/--not-co-sell-ready", default=None, help="Co-sell ready."),
    cli.option("--marketplace/--no-marketplace", default=None, help="Marketplace incentivised."),
    cli.option("--priced/--not-priced", default=None, help="Deals give price and quantity."),
)


def _show_solution(rt: Runtime, found: Any, as_json: bool, said: str) -> int:
    from cosell_tui.cli.catalog import solution_json
    from cosell_tui.domain.format import solution_tags

    if as_json:
        rt.output.json(solution_json(found))
    else:
        tags = solution_tags(found)
        rt.output.line(f"{said} {found.id} ({found.name}{', ' + tags if tags else ''}).")
    return EXIT_OK


@cli.command("add", help="Add one of your organisation's co-sell solutions.")
@cli.argument("solution_id", metavar="ID", help="Its catalog ID, e.g. SOL-41001-LKH.")
@solution_options
@cli.json_option
@cli.pass_runtime
def solution_add(rt: Runtime, solution_id: str, as_json: bool, **options: Any) -> int:
    values = {"id": solution_id, **solution_values(**options)}
    return _show_solution(rt, rt.service().reference.add_solution(values), as_json, "Added")


@cli.command("edit", help="Change one of your solutions; what is not given stays.")
@cli.argument("solution_id", metavar="ID")
@solution_options
@cli.json_option
@cli.pass_runtime
def solution_edit(rt: Runtime, solution_id: str, as_json: bool, **options: Any) -> int:
    values = solution_values(**options)
    if values["tags"] == "":
        values["tags"] = ()  # '' clears the tags
    changed = rt.service().reference.edit_solution(solution_id, values)
    return _show_solution(rt, changed, as_json, "Changed")


solution_import = cli.import_command(
    "The catalog (yours, Microsoft's, third parties') from a CSV.",
    lambda service: service.reference.import_solutions,
)


@cli.command("list", help="The catalog (the listing of `cosell catalog solutions`).")
@solution_list_options
@cli.pass_runtime
def solution_list(rt: Runtime, search: str, category: str | None, limit: int, as_json: bool) -> int:
    return list_solutions(rt, search, category, limit, as_json)


for _cmd in (solution_add, solution_edit, solution_import, solution_list):
    solution.add_command(_cmd)


# --- customer accounts ---------------------------------------------------------------------------


def account_entry_json(entry: AccountEntry) -> dict[str, Any]:
    from cosell_tui.cli.catalog import account_json

    return {**account_json(entry.account), "matchedTo": entry.matched_to}


account_import = cli.import_command(
    "Customer accounts (managed, unmanaged, DUNS) from a CSV.",
    lambda service: service.reference.import_accounts,
)


@cli.command("match", help="Match an unmanaged or DUNS account to a managed one.")
@cli.argument("account_ref", metavar="ACCOUNT", help="Its number, Microsoft account ID or DUNS.")
@cli.option("--to", "managed", required=True, metavar="MANAGED", help="The managed account.")
@cli.json_option
@cli.pass_runtime
def account_match(rt: Runtime, account_ref: str, managed: str, as_json: bool) -> int:
    done = rt.service().reference.match_account(account_ref, managed)
    if as_json:
        rt.output.json(
            {**account_entry_json(done.account), "deals": done.deals, "decided": done.decided,
             "eligible": done.eligible}
        )  # fmt: skip
        return EXIT_OK
    entry = done.account
    rt.output.line(f"Matched {entry.account.name} to {entry.matched_to}.")
    rt.output.line(
        f"{done.deals:,} deal(s) on it; registration eligibility decided again for "
        f"{done.decided:,} won deal(s), {done.eligible:,} of them eligible now."
    )
    return EXIT_OK


@cli.command("list", help="Customer accounts by name, a page at a time.")
@cli.page_options("Name, Microsoft account ID or DUNS.")
@cli.option("--kind", metavar="KIND", help="Managed, Unmanaged or DUNS.")
@cli.json_option
@cli.pass_runtime
def account_list(
    rt: Runtime, search: str, kind: str | None, limit: int, offset: int, as_json: bool
) -> int:
    from cosell_tui.domain import format as fmt

    found = rt.service().reference.accounts(search, kind, limit, offset)
    if as_json:
        rt.output.json([account_entry_json(e) for e in found])
        return EXIT_OK
    if not found:
        rt.output.line("No accounts found.")
        return EXIT_OK
    rt.output.table(
        ["#", "Name", "Kind", "MS account / DUNS", "Group", "Ctry", "Federal", "Matched to"],
        [
            [
                str(e.account.id),
                fmt.clip(e.account.name, 36),
                e.account.kind.label,
                e.account.microsoft_account_id or e.account.duns or "",
                e.account.group_key or "",
                e.account.country,
                "yes" if e.account.federal else "",
                e.matched_to or "",
            ]
            for e in found
        ],
        right=(0,),
    )
    return EXIT_OK


for _cmd in (account_import, account_match, account_list):
    account.add_command(_cmd)


# --- the co-sell ecosystem -----------------------------------------------------------------------


partner_import = cli.import_command(
    "Partner organisations and Microsoft sellers from a CSV.",
    lambda service: service.reference.import_partners,
)


@cli.command("list", help="Other partner organisations and Microsoft sellers, a page at a time.")
@cli.page_options("A partner's name, or a seller's login or name (or part).")
@cli.json_option
@cli.pass_runtime
def partner_list(rt: Runtime, search: str, limit: int, offset: int, as_json: bool) -> int:
    reference = rt.service().reference
    partners = reference.partners(search, limit, offset)
    sellers = reference.sellers(search, limit, offset)
    if as_json:
        rt.output.json(
            {
                "partners": [
                    {"name": p.name, "partnerIds": list(p.partner_ids), "vetted": p.vetted,
                     "coSellEcosystem": p.ecosystem, "solutions": p.solutions}
                    for p in partners
                ],
                "sellers": [
                    {"login": s.login, "name": s.name, "email": s.email, "phone": s.phone,
                     "active": s.active}
                    for s in sellers
                ],
            }
        )  # fmt: skip
        return EXIT_OK
    if not partners and not sellers:
        rt.output.line("No partners or Microsoft sellers yet: `cosell admin partner import FILE`.")
        return EXIT_OK
    if partners:
        rt.output.table(
            ["Partner", "PartnerIDs", "Vetted", "Ecosystem", "Solutions"],
            [
                [p.name, ", ".join(p.partner_ids), "yes" if p.vetted else "no",
                 "yes" if p.ecosystem else "no", str(p.solutions)]
                for p in partners
            ],
            right=(4,),
        )  # fmt: skip
    if sellers:
        if partners:
            rt.output.line()
        rt.output.table(
            ["Microsoft seller", "Name", "Email", "Phone"],
            [[s.login, s.name, s.email, s.phone] for s in sellers],
        )
    return EXIT_OK


for _cmd in (partner_import, partner_list):
    partner.add_command(_cmd)
