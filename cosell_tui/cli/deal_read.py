"""`cosell deal list` and `cosell deal show`: the deals of a tab, and everything about one."""

from __future__ import annotations

from cosell_tui.cli.errors import EXIT_OK, CliError
from cosell_tui.cli.options import (
    command,
    deal_argument,
    grid_options,
    json_option,
    option,
    pass_runtime,
)
from cosell_tui.cli.runtime import Runtime
from cosell_tui.domain.views import SortKey, Tab

#: `deal list`'s numbers are right-aligned; on a narrow terminal the country, stage, customer
#: and close date columns go first, then the deal name is clipped.
LIST_RIGHT = (0, 6)
LIST_DROP = (8, 5, 2, 7)
LIST_SHRINK = 1


@command("list", help="List the deals of a tab.")
@grid_options(Tab.INBOUND.value)
@option("--limit", type=int, default=50, metavar="N", help="Rows (default 50).")
@option("--offset", type=int, default=0, metavar="N", help="Skip N rows.")
@json_option
@pass_runtime
def list_deals(
    rt: Runtime,
    tab: str,
    text: str,
    sort: str | None,
    desc: bool,
    limit: int,
    offset: int,
    as_json: bool,
) -> int:
    from cosell_tui.cli.render import list_rows
    from cosell_tui.domain.views import GridQuery

    if limit < 1 or offset < 0:
        raise CliError("--limit must be at least 1 and --offset at least 0")
    service = rt.service()
    if text:
        problem = service.listing.check_filter(text)
        if problem:
            raise CliError(f"--filter: {problem}")
    query = GridQuery(
        tab=Tab(tab), text=text, sort=SortKey(sort) if sort else None, descending=desc
    )
    total = service.listing.count(query)
    rows = service.listing.page(query, offset, limit).rows
    out = rt.output
    if as_json:
        from cosell_tui.cli.jsonio import row_to_json

        out.json(
            {
                "tab": tab,
                "filter": text,
                "totalCount": total,
                "offset": offset,
                "items": [row_to_json(r) for r in rows],
            }
        )
        return EXIT_OK
    if not rows:
        out.line(f"No deals in {tab}" + (f" matching {text!r}." if text else "."))
        return EXIT_OK
    from cosell_tui.cli.output import Fit

    headers, table_rows = list_rows(Tab(tab), rows, service.clock.now())
    out.table(headers, table_rows, right=LIST_RIGHT, fit=Fit(drop=LIST_DROP, shrink=LIST_SHRINK))
    out.line(f"\n{offset + 1}–{offset + len(rows)} of {total:,} in {tab}  (* = favorite)")
    return EXIT_OK


@command("show", help="Everything about one deal.")
@deal_argument
@json_option
@pass_runtime
def show(rt: Runtime, deal: str, as_json: bool) -> int:
    from cosell_tui.cli.parse import parse_deal_id

    service = rt.service()
    detail = service.listing.deal(parse_deal_id(deal))
    if as_json:
        from cosell_tui.cli.jsonio import detail_to_json

        rt.output.json(detail_to_json(detail))
        return EXIT_OK
    from cosell_tui.cli.render import render_detail

    rt.output.line(render_detail(detail, service.clock.now()))
    return EXIT_OK
