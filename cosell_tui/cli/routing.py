"""`cosell routing list|set|remove|import`: where Microsoft's referrals land (domain.md D18).

Everyone of a partner organisation reads its routing rules; only its entire-company Referrals
admins change them (service/routing.py; docs/rules.md, "Routing rules").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosell_tui.cli.errors import EXIT_OK, CliError
from cosell_tui.cli.options import argument, command, group, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service.routing import RoutingEntry

#: The largest routing file `import` reads: 500 rules take about 15 kB.
MAX_FILE_BYTES = 256 * 1024
PAGE = 100


@group("routing", help="Routing rules: where Microsoft's referrals land (market, solution).")
def routing() -> None:
    """Nothing to do before a subcommand runs."""


def entry_json(e: RoutingEntry) -> dict[str, Any]:
    return {
        "market": e.market,
        "solution": e.solution,
        "solutionName": e.solution_name or None,
        "location": e.location,
        "locationName": e.location_name,
        "kind": e.kind,
    }


def _said(e: RoutingEntry) -> str:
    return f"{e.rule.describe()} ({e.location_name})"


@command("list", help="The rules, most specific first (the order they are tried in).")
@option("--csv", "as_csv", is_flag=True, help="As a file `routing import` reads back.")
@json_option
@pass_runtime
def routing_list(rt: Runtime, as_csv: bool, as_json: bool) -> int:
    service = rt.service().routing
    if as_csv:
        rt.output.line(service.export_csv().rstrip("\n"))
        return EXIT_OK
    found: list[RoutingEntry] = []
    while page := service.rules(offset=len(found), limit=PAGE):
        found.extend(page)
        if len(page) < PAGE:
            break
    if as_json:
        rt.output.json([entry_json(e) for e in found])
        return EXIT_OK
    if not found:
        rt.output.line(
            "No routing rules: Microsoft's referrals go to the location in the customer's "
            "country, else the first. Add one with `cosell routing set MARKET SOLUTION PARTNERID`."
        )
        return EXIT_OK
    rt.output.table(
        ["Market", "Solution", "Location", "Rule"],
        [
            [
                "all" if e.market == "*" else e.market,
                "all" if e.solution == "*" else f"{e.solution} {e.solution_name}".strip(),
                f"{e.location_name} ({e.location})",
                e.kind,
            ]
            for e in found
        ],
    )
    return EXIT_OK


@command("set", help="Add a rule, or change where it routes (entire-company admins).")
@argument("market", metavar="MARKET", help="ISO country code, or * for all markets.")
@argument("solution", metavar="SOLUTION", help="A solution ID, or * for all solutions.")
@argument("location", metavar="PARTNERID", help="The location that receives the referrals.")
@json_option
@pass_runtime
def routing_set(rt: Runtime, market: str, solution: str, location: str, as_json: bool) -> int:
    values = {"market": market, "solution": solution, "location": location}
    entry = rt.service().routing.set_rule(values)
    if as_json:
        rt.output.json(entry_json(entry))
    else:
        rt.output.line(f"Routing rule set: {_said(entry)}.")
    return EXIT_OK


@command("remove", help="Remove a rule (entire-company admins).")
@argument("market", metavar="MARKET", help="ISO country code, or * for all markets.")
@argument("solution", metavar="SOLUTION", help="A solution ID, or * for all solutions.")
@json_option
@pass_runtime
def routing_remove(rt: Runtime, market: str, solution: str, as_json: bool) -> int:
    entry = rt.service().routing.remove_rule(market, solution)
    if as_json:
        rt.output.json(entry_json(entry))
    else:
        rt.output.line(f"Routing rule removed: {_said(entry)}.")
    return EXIT_OK


def _read(path: str) -> str:
    if path == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
    else:
        file = Path(path)
        if file.is_dir():
            raise CliError(f"{path} is a folder, not a CSV file")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise CliError(f"{path}: no such file") from None
        except OSError as exc:
            raise CliError(f"{path}: cannot read it ({(exc.strerror or '').lower()})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CliError(f"{path} is not UTF-8 text") from None
    if len(text) > MAX_FILE_BYTES:
        raise CliError(f"{path} is larger than {MAX_FILE_BYTES // 1024} kB; 500 rules take 15 kB")
    return text


@command("import", help="Replace the rules with a CSV file: market,solution,location; * for all.")
@argument("file", metavar="FILE", help="CSV file, or - for standard input (all or nothing).")
@json_option
@pass_runtime
def routing_import(rt: Runtime, file: str, as_json: bool) -> int:
    done = rt.service().routing.import_csv(_read(file))
    if as_json:
        rt.output.json(
            {
                "rules": done.rules,
                "added": done.added,
                "changed": done.changed,
                "removed": done.removed,
            }
        )
    else:
        rt.output.line(
            f"Imported {done.rules} routing rule(s): {done.added} added, {done.changed} "
            f"changed, {done.removed} removed."
        )
    return EXIT_OK


for _cmd in (routing_list, routing_set, routing_remove, routing_import):
    routing.add_command(_cmd)
