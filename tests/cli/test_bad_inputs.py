"""Bad input of every kind the reliability review found reaching exit 70 (issue 11): each is now
exit 1 or 4 with one `cosell: ` sentence, and nothing changes."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from cosell_tui.cli import main
from cosell_tui.service import open_service

from .conftest import NOW, Result, invoke, no_traceback


def run(*argv: str) -> Result:
    return invoke(["--now", NOW, *argv])


def snapshot(db: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT id, version, substatus FROM referral ORDER BY id").fetchall()
        found += conn.execute("SELECT count(*), 0, '' FROM history").fetchall()
    conn.close()
    return found


def refused(result: Result, code: int) -> str:
    no_traceback(result)
    assert result.code == code, (result.code, result.err)
    assert result.err.startswith("cosell: ") and "internal error" not in result.err
    return result.err


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["deal", "show", "²"], 4),
        (["deal", "show", "①"], 4),
        (["deal", "show", "99999999999999999999"], 4),
        (["deal", "won", "99999999999999999999"], 4),
        (["deal", "favorite", str(2**63)], 4),
        (["deal", "stage", "1", "²"], 1),
        (["deal", "list", "--limit", "99999999999999999999"], 1),
        (["deal", "list", "--offset", "99999999999999999999"], 1),
        (["deal", "list", "--filter", "abc " * 2000], 1),
        (["deal", "show", "1", "\ud800"], 1),
        (["deal", "list", "--filter", "\ud800"], 1),
        # A NUL in a file name was exit 70 ("embedded null byte") in every command with a file.
        (["deal", "create", "a\x00b"], 1),
        (["deal", "import", "a\x00b"], 1),
        (["db", "backup", "a\x00b"], 1),
        (["deal", "export", "-o", "a\x00b"], 1),
        (["admin", "user", "import", "a\x00b"], 1),
        (["setup", "--file", "a\x00b"], 1),
    ],
)
def test_bad_arguments(db: str, argv: list[str], code: int) -> None:
    before = snapshot(db)
    refused(run("--db", db, *argv), code)
    assert snapshot(db) == before


def test_a_clock_late_in_9999(db: str) -> None:
    before = snapshot(db)
    err = refused(invoke(["--db", db, "--now", "9999-12-31T23:59:59Z", "sweep"]), 1)
    assert "outside the years" in err
    assert snapshot(db) == before


def test_an_unknown_locale(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSELL_LOCALE", "xx_YY")
    assert "COSELL_LOCALE" in refused(run("--db", db, "deal", "list"), 1)


def test_a_user_name_that_is_not_utf8(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSELL_USER", os.fsdecode(b"av\xff"))
    assert "COSELL_USER is not valid UTF-8" in refused(run("--db", db, "deal", "list"), 1)


def test_a_config_file_that_is_not_utf8(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "latin1.toml"
    config.write_bytes(b'user = "av\xff"\n')
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(config))
    refused(run("--db", db, "deal", "list"), 1)


def _document(tmp_path: Path, text: str) -> str:
    path = tmp_path / "deal.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": ' + "[" * 1000 + "]" * 1000 + "}", "nests deeper"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests deeper"),
        ('{"value": ' + "9" * 4400 + "}", "more than 40 characters"),
        ('{"value": 1e999999}', "is too large"),
        ('{"value": NaN}', "not a JSON number"),
        ('{"name": "\\ud800"}', "not valid Unicode"),
    ],
)
def test_hostile_documents(db: str, tmp_path: Path, text: str, words: str) -> None:
    before = snapshot(db)
    assert words in refused(run("--db", db, "deal", "create", _document(tmp_path, text)), 1)
    assert snapshot(db) == before


def test_a_document_that_never_ends(db: str) -> None:
    assert "larger than" in refused(run("--db", db, "deal", "create", "/dev/zero"), 1)


def test_a_fifo_nobody_writes_to(db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    refused(run("--db", db, "deal", "create", str(fifo)), 1)  # does not wait for a writer


def test_a_folder_as_the_document(db: str, tmp_path: Path) -> None:
    assert "is a folder" in refused(run("--db", db, "deal", "create", str(tmp_path)), 1)


def test_a_huge_document_on_standard_input(db: str) -> None:
    text = json.dumps({"notes": "x" * (1024 * 1024 + 10)})
    result = invoke(["--now", NOW, "--db", db, "deal", "create", "-"], stdin=text)
    assert "larger than" in refused(result, 1)


def test_the_palette_search_takes_anything(db: str) -> None:
    service = open_service(f"sqlite:///{db}", now=NOW)
    try:
        for text in ("abc " * 12_500, "a\x00b", "\ud800", "²", "99999999999999999999", "①"):
            assert service.listing.find_deals(text) == ()
    finally:
        service.close()


def test_non_utf8_bytes_in_an_argument(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", db, "--now", NOW, "deal", "show", os.fsdecode(b"\xff")])
    assert code == 1 and "not valid UTF-8" in capsys.readouterr().err


def test_terminal_escapes_never_reach_the_terminal(db: str, tmp_path: Path) -> None:
    """A name with an escape sequence is refused; one already stored (an older cosell, an
    import) is printed with the control characters replaced."""
    document = json.loads(Path("examples/private-deal.json").read_text(encoding="utf-8"))
    document["name"] = "\x1b[31mRED\x1b]0;title\x07"
    err = refused(run("--db", db, "deal", "create", _document(tmp_path, json.dumps(document))), 1)
    assert "control characters" in err
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE referral SET name = ? WHERE id = 1", ("\x1b[2Jcleared\x9b",))
    conn.close()
    for argv in (["deal", "show", "1"], ["deal", "list", "--tab", "outbound", "--limit", "500"]):
        result = run("--db", db, *argv)
        assert result.code == 0, result.err
        assert "\x1b" not in result.out and "\x9b" not in result.out
    assert "\\u001b" in run("--db", db, "deal", "show", "1", "--json").out  # JSON keeps it, escaped


#: ESC sequences, BEL, a CSI by its C1 byte, a bidi override and isolate, CR and backspace.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07Acme\x9b31m\u202eevil\u2066x\u2069\r\x08"


def test_stored_control_and_bidi_characters_are_replaced_on_screen_and_escaped_in_json(
    db: str,
) -> None:
    """Text written straight into the file (an attacker with file access) reaches neither the
    terminal raw nor the JSON raw: lines and tables show `�`, JSON escapes (`\\u009b`) and
    keeps the exact text."""
    from cosell_tui.domain.format import UNSAFE_CHARACTERS

    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE referral SET name = ?, notes = ?, customer_name = ? WHERE id = 1",
            (HOSTILE, HOSTILE, HOSTILE),
        )
        conn.execute("UPDATE history SET summary = ? WHERE referral_id = 1", (HOSTILE,))
    conn.close()
    listing = ["deal", "list", "--tab", "outbound", "--limit", "500"]
    for argv in (["deal", "show", "1"], listing):
        result = run("--db", db, *argv)
        assert result.code == 0, result.err
        assert not set(result.out) & UNSAFE_CHARACTERS, argv
        assert "Acme\ufffd31m\ufffdevil" in result.out
    for argv in (["deal", "show", "1", "--json"], [*listing, "--json"]):
        result = run("--db", db, *argv)
        assert result.code == 0, result.err
        assert not set(result.out) & UNSAFE_CHARACTERS, argv
        assert "\\u009b31m\\u202eevil\\u2066x\\u2069\\r\\b" in result.out
        found = result.json()
        names = [d["name"] for d in found.get("items", [found])]
        assert HOSTILE in names  # the exact text is kept


def test_an_export_on_a_terminal_is_printable_and_in_a_pipe_exact(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`deal export` to standard output: JSON escapes control characters (exact either way); CSV
    is exact in a pipe (it is data) but shown `printable` on a terminal."""
    from cosell_tui.cli.output import Output
    from cosell_tui.domain.format import UNSAFE_CHARACTERS

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE referral SET name = ? WHERE id = 1", (HOSTILE,))
    conn.close()
    export = ["--db", db, "deal", "export", "--tab", "outbound", "--limit", "500"]
    result = run(*export, "--format", "json")
    assert result.code == 0 and not set(result.out) & UNSAFE_CHARACTERS
    assert HOSTILE in [item["Deal Name"] for item in result.json()]
    assert HOSTILE in run(*export).out  # a pipe gets the data as it is
    monkeypatch.setattr(Output, "terminal_width", lambda self: 100)
    shown = run(*export)
    assert shown.code == 0 and not set(shown.out) & UNSAFE_CHARACTERS
    assert "Acme\ufffd31m\ufffdevil" in shown.out and "\r" not in shown.out
