"""`cosell insights`: the co-sell dashboard's figures for scripts (docs/insights.md), as tables,
as JSON, or the rows behind them as CSV/TSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cosell_tui.cli.errors import EXIT_OK, CliError
from cosell_tui.cli.options import command, json_option, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.domain.insights import (
        Amount,
        BreakdownRow,
        Dashboard,
        DownloadRow,
        InsightsFilter,
        MonthRow,
        Stage,
    )

TYPES = {
    "cosell": "CoSell",
    "partnerled": "PartnerLed",
    "private": "Private",
    "assessment": "SolutionAssessment",
}
DIRECTIONS = {"inbound": "Incoming", "outbound": "Outgoing", "all": None}
DOWNLOAD_HEADERS = (
    "Referral ID", "Deal name", "Customer name", "Customer country", "Deal type", "Direction",
    "Status", "Deal value", "Currency", "Estimated deal value (USD)", "Created", "Closed",
    "Partner role",
)  # fmt: skip


@command("insights", help="Co-sell insights: summary, funnel, reasons, geography, solutions.")
@option(
    "--range",
    "range_text",
    default="3m",
    metavar="RANGE",
    help="1m, 3m, 6m, 12m or YYYY-MM-DD..YYYY-MM-DD (default 3m).",
)
@option(
    "--tab",
    type=click.Choice(["ip", "services", "all"]),
    default="all",
    help="IP co-sell, services co-sell (deals with a partner role) or all (default).",
)
@option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice([*TYPES, "all"]),
    help="Deal type, repeatable (default cosell and partnerled; `all` for every type).",
)
@option(
    "--direction",
    type=click.Choice(list(DIRECTIONS)),
    default="all",
    help="Inbound, outbound or all (default).",
)
@option("--country", "countries", multiple=True, metavar="CC", help="Customer country, repeatable.")
@option("--solution", metavar="ID", help="Only deals with this solution.")
@option(
    "--marketplace",
    multiple=True,
    type=click.Choice(["yes", "no", "undecided", "na"]),
    help="Marketplace purchase intent, repeatable (na: deals older than the field).",
)
@option(
    "--customer",
    default="",
    metavar="WORDS",
    help="Customer name words (normalised as customer search does); every word must be in it.",
)
@option(
    "--program",
    "programs",
    multiple=True,
    metavar="NAME",
    help="Partner program, repeatable (any case; `none`: deals without one).",
)
@option(
    "--role",
    "roles",
    multiple=True,
    metavar="ROLE",
    help="Partner role, repeatable: its name or start (presales, deployment...) or `none`.",
)
@option("--download", type=click.Path(dir_okay=False), metavar="FILE", help="Write the rows.")
@option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "tsv"]),
    default="csv",
    help="Format of --download (default csv).",
)
@json_option
@pass_runtime
def insights(
    rt: Runtime,
    range_text: str,
    tab: str,
    types: tuple[str, ...],
    direction: str,
    countries: tuple[str, ...],
    solution: str | None,
    marketplace: tuple[str, ...],
    customer: str,
    programs: tuple[str, ...],
    roles: tuple[str, ...],
    download: str | None,
    file_format: str,
    as_json: bool,
) -> int:
    flt = build_filter(tab, types, direction, countries, solution, marketplace).but(
        customer=customer, programs=programs, roles=roles
    )
    service = rt.service()
    out = rt.output
    if download:
        rows = service.insights.download(range_text, flt)
        write_download(Path(download), rows, file_format)
        out.warn(f"wrote {len(rows):,} rows to {download}")
        if not as_json:
            return EXIT_OK
    dashboard = service.insights.figures(range_text, flt)
    if as_json:
        out.json(dashboard_json(dashboard))
        return EXIT_OK
    from cosell_tui.domain.insights_tables import all_tables, without_rate_note

    out.line(
        f"Insights, {dashboard.period.start:%Y-%m-%d} to {dashboard.period.end:%Y-%m-%d} "
        f"({dashboard.filters.kind.label})"
    )
    note = without_rate_note(dashboard.without_rate)
    if note:
        out.line(note)
    for table in all_tables(dashboard):
        out.line()
        out.line(table.title)
        if table.rows:
            out.table(list(table.headers), [list(r) for r in table.rows], right=table.right)
        else:
            out.line("  (none)")
    return EXIT_OK


def build_filter(
    tab: str,
    types: tuple[str, ...],
    direction: str,
    countries: tuple[str, ...],
    solution: str | None,
    marketplace: tuple[str, ...],
) -> InsightsFilter:
    from cosell_tui.domain import DealType, Direction
    from cosell_tui.domain.insights import DEFAULT_DEAL_TYPES, CoSellKind, InsightsFilter
    from cosell_tui.service.insights import marketplace_values

    if "all" in types:
        deal_types: tuple[DealType, ...] = ()
    elif types:
        deal_types = tuple(DealType(TYPES[t]) for t in types)
    else:
        deal_types = DEFAULT_DEAL_TYPES
    wanted = DIRECTIONS[direction]
    for code in countries:
        if len(code.strip()) != 2 or not code.strip().isalpha():
            raise CliError(f"--country: {code!r} is not an ISO 3166 two-letter code")
    return InsightsFilter(
        kind=CoSellKind(tab),
        deal_types=deal_types,
        direction=Direction(wanted) if wanted else None,
        countries=tuple(c.strip().upper() for c in countries),
        solution=solution,
        marketplace=marketplace_values(marketplace),
    )


def write_download(path: Path, rows: Any, file_format: str) -> None:
    from cosell_tui.cli.jsonio import iso_instant

    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t" if file_format == "tsv" else ",")
            writer.writerow(DOWNLOAD_HEADERS)
            row: DownloadRow
            for row in rows:
                writer.writerow(
                    [
                        row.referral_id, row.name, row.customer_name, row.country,
                        row.deal_type, row.direction, row.status, f"{row.value:.2f}",
                        row.currency, "" if row.value_usd is None else f"{row.value_usd:.2f}",
                        iso_instant(row.created_at), iso_instant(row.closed_at) or "",
                        row.partner_role or "",
                    ]
                )  # fmt: skip
    except OSError as exc:
        raise CliError(f"--download: cannot write {path}: {exc.strerror}") from exc


# --- JSON ---------------------------------------------------------------------------------


def _usd(value: Amount) -> dict[str, Any]:
    from cosell_tui.cli.jsonio import amount

    return {"usd": amount(value.usd), "withoutRate": value.without_rate}


def _stage(stage: Stage) -> dict[str, Any]:
    return {"stage": stage.name, "count": stage.count, "value": _usd(stage.value)}


def _breakdown(rows: tuple[BreakdownRow, ...], key: str) -> list[dict[str, Any]]:
    return [
        {
            key: r.key or None,
            "label": r.label,
            "deals": r.deals,
            "won": r.won,
            "lost": r.lost,
            "expired": r.expired,
            "wonValue": _usd(r.won_value),
            "lostValue": _usd(r.lost_value),
        }
        for r in rows
    ]


def _months(rows: tuple[MonthRow, ...]) -> list[dict[str, Any]]:
    from cosell_tui.cli.jsonio import amount

    return [
        {
            "month": f"{m.month:%Y-%m}",
            "deals": m.deals,
            "won": m.won,
            "wonValue": _usd(m.won_value),
            "parts": m.parts,
            "wonValueParts": {p: amount(v) for p, v in m.won_value_parts.items()},
            "approvedValue": _usd(m.approved_value),
            "approvedValueParts": {p: amount(v) for p, v in m.approved_value_parts.items()},
        }
        for m in rows
    ]


def dashboard_json(d: Dashboard) -> dict[str, Any]:
    """The JSON of `cosell insights --json` (docs/insights.md)."""
    from cosell_tui.cli.jsonio import amount, iso_instant

    s = d.summary
    f = d.filters
    return {
        "range": {
            "name": d.period.name,
            "start": iso_instant(d.period.start),
            "end": iso_instant(d.period.end),
        },
        "filters": {
            "tab": f.kind.value,
            "dealTypes": [t.value for t in f.deal_types],
            "direction": f.direction.value if f.direction else None,
            "countries": list(f.countries),
            "solution": f.solution,
            "marketplaceIntent": list(f.marketplace),
            "customer": f.customer or None,
            "programs": [p or None for p in f.programs],
            "roles": [r or None for r in f.roles],
        },
        "summary": {
            "total": s.total,
            "accepted": s.accepted,
            "won": s.won,
            "lost": s.lost,
            "wonValueUsd": amount(s.won_value.usd),
            "wonWithoutRate": s.won_value.without_rate,
            "registered": s.registered,
            "approved": s.approved,
            "rejected": s.rejected,
            "annualValueUsd": amount(s.annual_value.usd),
            "annualWithoutRate": s.annual_value.without_rate,
            "approvedValueUsd": amount(s.approved_value.usd),
            "approvedWithoutRate": s.approved_value.without_rate,
            "changes": {
                name: {
                    "firstMonth": f"{c.first_month:%Y-%m}",
                    "lastMonth": f"{c.last_month:%Y-%m}",
                    "first": amount(c.first),
                    "last": amount(c.last),
                    "change": amount(c.delta),
                    "percent": None if c.percent is None else float(c.percent),
                }
                for name, c in s.changes.items()
            },
        },
        "dealsWithoutRate": d.without_rate,
        "funnel": {
            "stages": [_stage(st) for st in d.funnel.stages],
            "fromBeforeRange": [_stage(st) for st in d.funnel.past],
            "averageSecondsToAccept": d.funnel.avg_seconds_to_accept,
            "averageSecondsToWin": d.funnel.avg_seconds_to_win,
        },
        "registrationFunnel": {"stages": [_stage(st) for st in d.registration_funnel]},
        "reasons": [
            {"outcome": r.outcome, "code": r.code, "reason": r.label, "count": r.count}
            for r in d.reasons
        ],
        "geography": _breakdown(d.geography, "country"),
        "solutions": _breakdown(d.solutions, "solutionId"),
        "capabilities": {
            "programs": _breakdown(d.programs, "program"),
            "roles": _breakdown(d.roles, "role"),
        },
        "comparison": {
            "byDealType": _months(d.months),
            "byMarket": _months(d.months_by_market),
            "bySolution": _months(d.months_by_solution),
        },
    }
