"""CSV import on the demo store: accounts that share a Microsoft ID are never resolved to the
first one (Final Matched Customer Account, the admin's account look-up), an optional detail is
cleared by an empty cell and a required one is not (docs/csv.md); on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cosell_tui.demo.seed import seed
from cosell_tui.domain import AccountKind
from cosell_tui.domain import pccsv as pc
from cosell_tui.domain.clock import parse_instant
from cosell_tui.domain.views import GridQuery, Tab
from cosell_tui.service import Service, open_service
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.mapping import address_line
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade
from cosell_tui.store.models import Account

NOW = "2026-11-23T09:00:00Z"
TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "co-sell-upload-template.csv"


@pytest.fixture
def service(db_url: str) -> Iterator[Service]:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        seed(engine, deals=30, seed=3, now=parse_instant(NOW))
    finally:
        engine.dispose()
    opened = open_service(db_url, user="ava", now=NOW)
    yield opened
    opened.close()


def _sites(db_url: str) -> list[Account]:
    """The managed accounts of one demo customer that share a Microsoft ID (its sites)."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            shared = s.scalar(
                select(Account.microsoft_account_id)
                .where(Account.kind == AccountKind.MANAGED)
                .group_by(Account.microsoft_account_id)
                .having(func.count() > 1)
                .order_by(Account.microsoft_account_id)
                .limit(1)
            )
            assert shared, "the demo has no Microsoft ID shared by several accounts"
            sites = s.scalars(
                select(Account).where(Account.microsoft_account_id == shared).order_by(Account.id)
            ).all()
            s.expunge_all()
            return list(sites)
    finally:
        engine.dispose()


def _create_row(final_match: str, customer: str, country: str) -> pc.Sheet:
    template = pc.read(TEMPLATE.read_bytes())
    cells = {
        **template.rows[0].cells,
        pc.FINAL_MATCH: final_match,
        pc.CUSTOMER_NAME: customer,
        pc.COUNTRY: country,
    }
    return pc.Sheet(template.columns, (pc.SheetRow(2, cells),))


def test_a_shared_microsoft_id_is_refused_naming_the_accounts(
    service: Service, db_url: str
) -> None:
    sites = _sites(db_url)
    ident = sites[0].microsoft_account_id
    sheet = _create_row(f"MicrosoftID: {ident}", "Someone Else Entirely", sites[0].country)
    report = service.transfer.import_sheet(sheet, dry_run=True)
    (row,) = report.rows
    assert row.action == "refused"
    (problem,) = [e for e in row.errors if e.startswith(pc.FINAL_MATCH)]
    assert f"names {len(sites)} accounts" in problem
    assert all(address_line(site) in problem for site in sites[:5])


def test_the_name_and_address_written_with_the_id_pick_the_site(
    service: Service, db_url: str
) -> None:
    sites = _sites(db_url)
    second = sites[1]
    cell = (
        f"MicrosoftID: {second.microsoft_account_id}, AccountName: {second.name},"
        f" AccountAddress: {address_line(second).replace(',', '')}"
    )
    report = service.transfer.import_sheet(
        _create_row(cell, "Someone Else Entirely", second.country)
    )
    assert report.written and report.count("created") == 1, report.rows[0].errors
    deal_id = report.rows[0].deal_id
    assert deal_id is not None
    assert service.listing.deal(deal_id).customer.id == second.id


def test_the_admin_look_up_by_a_shared_id_names_the_accounts(service: Service, db_url: str) -> None:
    sites = _sites(db_url)
    with pytest.raises(ValidationError, match=f"names {len(sites)} accounts") as caught:
        service.reference.match_account(str(sites[0].id), sites[0].microsoft_account_id or "")
    assert "cosell admin account list" in caught.value.message


def _exported(service: Service) -> pc.Sheet:
    out = io.StringIO()
    service.transfer.write(out, GridQuery(Tab.OUTBOUND))
    return pc.read(out.getvalue())


def test_an_empty_cell_clears_an_optional_detail_and_not_a_required_one(
    service: Service,
) -> None:
    sheet = _exported(service)
    row = next(
        r
        for r in sheet.rows
        if r.cells[pc.CRM_ID] and r.cells[pc.SUBSTATUS] == "Accepted" and r.cells[pc.NOTES]
    )
    cleared = pc.with_cells(sheet, {row.line: {pc.CRM_ID: "", pc.CAMPAIGN_ID: " "}})
    only = pc.Sheet(cleared.columns, tuple(r for r in cleared.rows if r.line == row.line))
    report = service.transfer.import_sheet(only)
    (result,) = report.rows
    assert result.action == "updated" and pc.CRM_ID in result.changed, result.errors
    after = {r.cells[pc.REFERRAL_ID]: r for r in _exported(service).rows}
    assert after[row.cells[pc.REFERRAL_ID]].cells[pc.CRM_ID] == ""

    notes = pc.with_cells(only, {row.line: {pc.NOTES: ""}})
    (refused,) = service.transfer.import_sheet(notes).rows
    assert refused.action == "refused"
    assert any(e.startswith(f"{pc.NOTES}: cannot be emptied") for e in refused.errors)
