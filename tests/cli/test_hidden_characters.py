"""Text that would read as other text is refused at input, whatever brings it: a bidi override
or isolate, a bidi mark, a zero-width space or another invisible character, a control
character. The same sentence (the field as the user knows it, the character and where it is)
from a command's argument, a `deal create` document, a row of the co-sell CSV (in the result
file, on that row) and a row of an administration file; nothing is written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cosell_tui.domain import pccsv as pc

from .conftest import NOW, Result, invoke

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(db: str, *args: str) -> Result:
    result = invoke(["--db", db, "--now", NOW, *args])
    assert result.code != 70 and "Traceback" not in result.err, result.err
    return result


def test_an_argument(db: str) -> None:
    said = run(db, "admin", "location", "add", "4812399", "--name", "Oslo\u2066 HQ", "--country",
               "NO")  # fmt: skip
    assert said.code == 1
    assert "Location name must not contain invisible or control characters: U+2066" in said.err
    assert "at character 5" in said.err
    assert "4812399" not in run(db, "admin", "location", "list").out


def test_a_document(db: str, tmp_path: Path) -> None:
    document = json.loads((EXAMPLES / "private-deal.json").read_text(encoding="utf-8"))
    document["name"] = "Contoso \u202eatad"
    document["team"][0]["firstName"] = "Ava\u200b"
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = run(db, "deal", "list", "--json", "--limit", "1").json()["totalCount"]
    said = run(db, "deal", "create", str(path))
    assert said.code == 1
    assert "Deal name must not contain invisible or control characters: U+202E" in said.err
    assert "U+200B (zero width space)" in said.err
    assert run(db, "deal", "list", "--json", "--limit", "1").json()["totalCount"] == before


def test_rows_of_the_co_sell_csv_say_it_in_the_result_file(db: str, tmp_path: Path) -> None:
    exported = tmp_path / "out.csv"
    assert run(db, "deal", "export", "--tab", "outbound", "-o", str(exported)).code == 0
    with exported.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))[:3]
    names = [row[pc.DEAL_NAME] for row in rows]
    rows[0][pc.DEAL_NAME] += " \u202ecod.exe"
    rows[2][pc.DEAL_NAME] = "\u2067" + rows[2][pc.DEAL_NAME]
    edited, result = tmp_path / "edited.csv", tmp_path / "result.csv"
    with edited.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    said = run(db, "deal", "import", str(edited), "-o", str(result))
    assert said.code == 1 and said.out.startswith("Nothing written: 2 row(s) refused")
    with result.open(encoding="utf-8-sig", newline="") as f:
        errors = [row[pc.ERRORS] for row in csv.DictReader(f)]
    assert "Deal name must not contain invisible or control characters: U+202E" in errors[0]
    assert errors[1] == ""
    assert "U+2067 (right-to-left isolate) at character 1" in errors[2]
    listed = run(db, "deal", "list", "--tab", "outbound", "--json", "--limit", "500").json()
    assert set(names) <= {item["name"] for item in listed["items"]}  # nothing written


def test_a_row_of_an_administration_file(db: str, tmp_path: Path) -> None:
    lines = (EXAMPLES / "accounts.csv").read_text(encoding="utf-8").splitlines()[:3]
    lines[2] = lines[2].replace("Contoso Ltd", "Contoso\u00adLtd")
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said = run(db, "admin", "account", "import", str(path))
    assert said.code == 1
    assert "line 3: Name must not contain invisible or control characters: U+00AD" in said.err
    assert "line 2" not in said.err
