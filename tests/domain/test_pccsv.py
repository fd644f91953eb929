"""The Partner Center CSV codec: what spreadsheets do to a file, and write -> read round trips."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosell_tui.domain import HelpType, MarketplaceIntent, Status, Substatus
from cosell_tui.domain import pccsv as pc

BASE = {
    pc.DEAL_NAME: "Contoso pilot",
    pc.CUSTOMER_NAME: "Contoso Ltd",
    pc.CLOSE_DATE: "1/30/2020",
    pc.VALUE: "25000",
}


def _file(rows: list[list[str]], sep: str = ",", bom: bool = True, eol: str = "\r\n") -> bytes:
    out = io.StringIO()
    import csv

    csv.writer(out, delimiter=sep, lineterminator=eol).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def test_spreadsheet_file_with_bom_crlf_semicolons_spaces_and_trailing_empties() -> None:
    data = _file(
        [
            [" Deal Name ", "customer name", "Estimated Close Date", "Solution 3", "Notes", "", ""],
            ["  Pilot, phase 2 ", " Contoso ", "1/3/2026", "SOL-9", "line one\nline two", "", ""],
            ["", "", "", "", "", "", ""],
            [],
        ],
        sep=";",
    )
    sheet = pc.read(data)
    assert sheet.delimiter == ";"
    assert sheet.columns == (pc.DEAL_NAME, pc.CUSTOMER_NAME, pc.CLOSE_DATE, "Solution 3", "Notes")
    assert len(sheet.rows) == 1
    row, problems = pc.parse_row(sheet.rows[0].cells)
    assert problems == [] and row is not None
    assert row.name == "Pilot, phase 2"
    assert row.customer_name == "Contoso"
    assert row.close_date == date(2026, 1, 3)
    assert row.notes == "line one\nline two"
    assert [s.solution_id for s in row.solutions] == ["SOL-9"]


@pytest.mark.parametrize("text", ["1/30/2020", "01/30/2020", "2020-01-30"])
def test_dates_with_or_without_leading_zeros(text: str) -> None:
    row, problems = pc.parse_row({**BASE, pc.CLOSE_DATE: text})
    assert not problems and row is not None and row.close_date == date(2020, 1, 30)


@pytest.mark.parametrize(
    ("column", "text"),
    [(pc.REFERRAL_ID, "1.23E+11"), (pc.DUNS, "1.23457E+08"), (pc.CRM_ID, "4.5e+15")],
)
def test_ids_in_scientific_notation_are_a_clear_error(column: str, text: str) -> None:
    row, problems = pc.parse_row({**BASE, column: text})
    assert row is None
    assert problems == [
        f"{column}: '{text}' is a number a spreadsheet shortened to scientific notation;"
        " format the column as text and paste the original value again"
    ]


def test_every_bad_cell_is_named() -> None:
    row, problems = pc.parse_row(
        {
            **BASE,
            pc.CLOSE_DATE: "30/01/2020",
            pc.VALUE: "lots",
            pc.HELP_REQUIRED: "maybe",
            "Solution 2": "",
            "Team member 1": ", , 555",
        }
    )
    assert row is None
    columns = sorted(p.split(":", 1)[0] for p in problems)
    assert columns == sorted([pc.CLOSE_DATE, pc.VALUE, pc.HELP_REQUIRED, "Team member 1"])


def test_duns_leading_zeros_come_back() -> None:
    row, _ = pc.parse_row({**BASE, pc.DUNS: "4567"})
    assert row is not None and row.duns == "000004567"


def test_unknown_and_iot_columns_are_carried() -> None:
    row, _ = pc.parse_row({**BASE, pc.CLA_NUMBER: "CLA-1", "My column": "x", pc.CONFIDENCE: "High"})
    assert row is not None
    assert row.extra == {pc.CLA_NUMBER: "CLA-1", "My column": "x"}


def test_file_level_problems() -> None:
    with pytest.raises(pc.SheetError, match="empty"):
        pc.read(b"")
    with pytest.raises(pc.SheetError, match="twice"):
        pc.read(b"Deal Name,deal name\r\n")
    with pytest.raises(pc.SheetError, match="at most 50"):
        pc.read(b"Deal Name,Solution 51\r\n")
    with pytest.raises(pc.SheetError, match="not a co-sell file"):
        pc.read(b"a,b\r\n1,2\r\n")
    with pytest.raises(pc.SheetError, match="more than 1 rows"):
        pc.read(b"Deal Name\r\na\r\nb\r\n", max_rows=1)
    with pytest.raises(pc.SheetError, match="double quotes"):
        pc.read(b"Deal Name,Notes\r\na,b,c\r\n")


def test_result_file_keeps_everything_and_puts_errors_first() -> None:
    sheet = pc.read(b"Deal Name,Foo\r\na,1\r\nb,2\r\n")
    out = io.StringIO()
    pc.write_result(out, sheet, {3: ["Deal Name: x", "Foo: y"]})
    assert out.getvalue() == "Errors,Deal Name,Foo\r\n,a,1\r\nDeal Name: x; Foo: y,b,2\r\n"


# --- write -> read is the identity ------------------------------------------------------------

_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.just("\n"),
    max_size=30,
).map(str.strip)
_word = (
    st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.'",
        min_size=1,
        max_size=15,
    )
    .map(str.strip)
    .filter(bool)
)
_money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
_person = st.builds(
    pc.PersonCell,
    _word,
    _word,
    st.none() | st.from_regex(r"\+44 20 7[0-9]{3} [0-9]{4}", fullmatch=True),
    st.none() | st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True),
)
_solution = st.builds(
    pc.SolutionCell,
    st.from_regex(r"SOL-[0-9]{3,6}-[A-Z]{3}", fullmatch=True),
    st.none() | st.sampled_from(["USD", "EUR", "GBP"]),
    st.none() | _money,
    st.none() | st.integers(1, 1000),
)
_rows = st.builds(
    pc.PcRow,
    referral_id=st.none() | st.uuids().map(str),
    engagement_id=st.none() | st.uuids().map(str),
    name=_word,
    customer_name=_text,
    address_line1=st.none() | _word,
    city=st.none() | _word,
    country=st.none() | st.sampled_from(["GB", "US", "DE"]),
    duns=st.none() | st.from_regex(r"[0-9]{9}", fullmatch=True),
    status=st.none() | st.sampled_from(list(Status)),
    substatus=st.none() | st.sampled_from(list(Substatus)),
    reason=st.none() | st.sampled_from([str(n) for n in range(1, 10)]),
    stage_pct=st.none() | st.sampled_from([10, 20, 40, 60, 80, 100]),
    value=st.none() | _money,
    currency=st.none() | st.sampled_from(["USD", "EUR"]),
    close_date=st.none() | st.dates(date(1990, 1, 1), date(2099, 12, 31)),
    notes=_text,
    help_required=st.none() | st.booleans(),
    help_type=st.none() | st.sampled_from([h for h in HelpType if h is not HelpType.NONE]),
    share=st.none() | st.booleans(),
    consent=st.none() | st.booleans(),
    marketplace_intent=st.none() | st.sampled_from(list(MarketplaceIntent)),
    solutions=st.lists(_solution, max_size=4).map(tuple),
    team=st.lists(_person, max_size=4).map(tuple),
    extra=st.dictionaries(st.sampled_from([pc.CLA_NUMBER, "Custom"]), _word, max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_rows, min_size=1, max_size=4), sep=st.sampled_from([",", ";", "\t"]))
def test_write_then_read_gives_the_same_rows(rows: list[pc.PcRow], sep: str) -> None:
    out = io.StringIO()
    columns = (*pc.header(4, 4), "Custom")
    pc.write(out, rows, columns, delimiter=sep)
    sheet = pc.read(out.getvalue().encode("utf-8-sig"))
    assert len(sheet.rows) == len(rows)
    for raw, row in zip(sheet.rows, rows, strict=True):
        back, problems = pc.parse_row(raw.cells)
        assert problems == []
        assert back is not None
        assert replace(back, extra={}) == replace(row, extra={})
        assert {k: v for k, v in back.extra.items() if v} == row.extra


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_read_or_refuse_in_words(data: bytes) -> None:
    try:
        sheet = pc.read(data)
    except pc.SheetError as exc:
        assert str(exc)
        return
    for raw in sheet.rows:
        row, problems = pc.parse_row(raw.cells)
        assert (row is None) == bool(problems)


def test_guid_is_normalised() -> None:
    guid = uuid.uuid4()
    row, _ = pc.parse_row({**BASE, pc.REFERRAL_ID: str(guid).upper()})
    assert row is not None and row.referral_id == str(guid)
    assert pc.cells(row)[pc.VALUE] == "25000.00"
    assert Decimal(pc.cells(row)[pc.VALUE]) == Decimal(25000)


def test_account_cell_reads_matchings_form_and_with_cells_adds_columns() -> None:
    text = "MicrosoftID: 3-01, AccountName: Torres Inc, AccountAddress: 1 Main St Leeds LS1 GB"
    assert pc.account_cell(text) == ("MicrosoftID: 3-01", "Torres Inc", "1 Main St Leeds LS1 GB")
    assert pc.account_cell(" DUNSID: 123456789 ") == ("DUNSID: 123456789", "", "")
    sheet = pc.Sheet((pc.DEAL_NAME,), (pc.SheetRow(2, {pc.DEAL_NAME: "a"}),), ";")
    changed = pc.with_cells(sheet, {2: {pc.FINAL_MATCH: text}, 9: {pc.FINAL_MATCH: "x"}})
    assert changed.columns == (pc.DEAL_NAME, pc.FINAL_MATCH)
    assert changed.rows[0].cells == {pc.DEAL_NAME: "a", pc.FINAL_MATCH: text}
    assert changed.delimiter == ";" and sheet.rows[0].cells == {pc.DEAL_NAME: "a"}
