"""`cosell deal export` and `cosell deal import`: Partner Center's co-sell CSV (docs/csv.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

import click

from cosell_tui.cli.errors import EXIT_OK, EXIT_REFUSED, CliError
from cosell_tui.cli.options import command, grid_options, option, pass_runtime
from cosell_tui.cli.runtime import Runtime
from cosell_tui.domain.views import SortKey, Tab

if TYPE_CHECKING:
    from cosell_tui.domain.views import GridQuery
    from cosell_tui.service import Service

FORMATS = ("csv", "tsv", "json")


@command("export", help="Write the deals of a tab as Partner Center's co-sell CSV.")
@grid_options(Tab.OUTBOUND.value)
@option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    help="csv (Partner Center's), tsv, or json (one object per deal, keyed by column).",
)
@option("--limit", type=int, metavar="N", help="At most N rows (Partner Center's cap: 5000).")
@option(
    "-o",
    "--output",
    "path",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to FILE (default: standard output).",
)
@pass_runtime
def export_deals(
    rt: Runtime,
    tab: str,
    text: str,
    sort: str | None,
    desc: bool,
    fmt: str,
    limit: int | None,
    path: str | None,
) -> int:
    from cosell_tui.domain.views import GridQuery

    if limit is not None and limit < 1:
        raise CliError("--limit must be at least 1")
    service = rt.service()
    if text:
        problem = service.listing.check_filter(text)
        if problem:
            raise CliError(f"--filter: {problem}")
    query = GridQuery(Tab(tab), text, SortKey(sort) if sort else None, desc)
    if path is None:
        count = write_export(service, query, fmt, limit, rt.output.stream())
    else:
        from pathlib import Path

        try:  # written as PATH.part, renamed when complete: Ctrl-C leaves no partial file
            count = service.transfer.write(Path(path), query, fmt, limit)
        except KeyboardInterrupt:
            rt.output.warn(f"Cancelled: {path} was not written.")
            raise
        rt.output.warn(f"Wrote {count:,} deal(s) to {path}.")
    return EXIT_OK


def write_export(
    service: Service, query: GridQuery, fmt: str, limit: int | None, out: TextIO
) -> int:
    return service.transfer.write(out, query, fmt, limit)


@command("import", help="Create and update deals from a Partner Center co-sell CSV.")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@option(
    "--partial",
    is_flag=True,
    help="Write the good rows and refuse the rest (default: all or nothing).",
)
@option(
    "-o",
    "--output",
    "result",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the result file: the input with the Errors column filled.",
)
@option("--max-rows", type=int, default=1000, metavar="N", help="Largest file (default 1000).")
@pass_runtime
def import_deals(
    rt: Runtime, file: str, dry_run: bool, partial: bool, result: str | None, max_rows: int
) -> int:
    from pathlib import Path

    from cosell_tui.cli.parse import read_input

    if max_rows < 1:
        raise CliError("--max-rows must be at least 1")
    data = read_input(file)
    service = rt.service()
    sheet = service.transfer.read(data, max_rows=max_rows)
    report = service.transfer.import_sheet(sheet, partial=partial, dry_run=dry_run)
    out = rt.output
    for row in report.rows:
        if row.errors:
            out.warn(f"line {row.line}: " + "; ".join(row.errors))
    if result:
        service.transfer.write_result(Path(result), sheet, report)
        out.warn(f"Wrote the result file {result}.")
    out.line(report.summary())
    return EXIT_REFUSED if report.refused else EXIT_OK
