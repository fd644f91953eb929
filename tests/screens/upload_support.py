"""A small co-sell CSV for the upload screen's tests, built from the seeded demo database: one
row unchanged, one renamed, one with a date no calendar has, one new deal (the upload
template) and one new deal whose customer matches an account below High confidence."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest

from cosell_tui.domain import pccsv as pc
from cosell_tui.domain.views import GridQuery, Tab
from cosell_tui.service import Service

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "co-sell-upload-template.csv"


def upload_rows(service: Service) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    out = io.StringIO()
    service.transfer.write(out, GridQuery(Tab.OUTBOUND))
    sheet = pc.read(out.getvalue())
    active = [dict(r.cells) for r in sheet.rows if r.cells[pc.STATUS] == "Active"]
    same, renamed, broken = active[0], active[1], active[2]
    renamed[pc.DEAL_NAME] += " (renamed)"
    broken[pc.CLOSE_DATE] = "13/45/2026"
    template = pc.read(TEMPLATE.read_bytes())
    new = dict(template.rows[0].cells)
    columns = tuple(dict.fromkeys([*template.columns, *sheet.columns]))
    return columns, [same, renamed, broken, new, _waiting(service, sheet, new)]


def _waiting(service: Service, sheet: pc.Sheet, template: dict[str, str]) -> dict[str, str]:
    """A new row whose customer matches a known account (with an ID) below High confidence."""
    for row in sheet.rows:
        cells = {
            **template,
            pc.DEAL_NAME: "Matched customer pilot",
            pc.CUSTOMER_NAME: row.cells[pc.CUSTOMER_NAME],
            pc.COUNTRY: row.cells[pc.COUNTRY],
            pc.CITY: "Somewhere Else",
            pc.PARTNER_ID: row.cells[pc.PARTNER_ID],
        }
        one = pc.Sheet(tuple(cells), (pc.SheetRow(2, cells),))
        fills = service.transfer.import_sheet(one, dry_run=True).rows[0].fills
        if fills.get(pc.CONFIDENCE) in ("Medium", "Low") and fills[pc.FINAL_MATCH][8:].split(",")[
            0
        ].strip(" :"):
            return cells
    raise AssertionError("the demo has no customer that matches below High confidence")


def write_upload(service: Service, path: Path) -> Path:
    columns, rows = upload_rows(service)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = pc.writer(f, columns)
        for row in rows:
            w.writerow(row)
    return path


@pytest.fixture
def fixed_guids(monkeypatch: pytest.MonkeyPatch) -> None:
    """New deals get referral IDs in order (snapshots of the results show them)."""
    from cosell_tui.service import creation

    counter = itertools.count(1)
    monkeypatch.setattr(
        creation, "new_guid", lambda: f"00000000-0000-4000-8000-{next(counter):012d}"
    )
