"""Property-based fuzz of every command's arguments and of `deal create` documents: whatever
is typed, the answer is an exit code other than 70 (a sentence, not a crash), and a command that
refuses changes nothing. On SQLite and, with COSELL_TEST_PG_URL, PostgreSQL (one seeded database
per backend for the module). CI runs a few dozen examples on SQLite and twenty on PostgreSQL,
where every command costs more; COSELL_RELIABILITY_SCALE multiplies them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from cosell_tui.cli import main
from cosell_tui.store.db import make_engine
from tests.cli.conftest import NOW, invoke

from .conftest import SCALE, record

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Examples per property test and backend at scale 1: a PostgreSQL command opens a connection
#: to the server and checks the schema there, about twice the cost of one on SQLite.
EXAMPLES = {"sqlite": 40, "postgresql": 20}

#: Values that broke a command once, mixed into the random ones.
HOSTILE = [
    "", " ", "-", "0", "-1", "1", "2", "²", "①", "٣", "9" * 30, str(2**63), str(2**31), "1e309",
    "NaN", "inf", "\x00", "a\x00b", "\ud800", "\u202e", "'", '"', ";", "%", "_", "*", "\\",
    "' OR 1=1 --", "x" * 5000, "2026-02-30", "9999-12-31", "Developed", "40%", "won",
    "00000000-0000-0000-0000-000000000000", "ab" * 18, "../../etc/passwd", "/dev/zero",
    "a\u200fb", "x\u2066y\u2069", "\u200b", "Oslo\nHQ", "\ufeffName", "\x1b[2J",
]  # fmt: skip

#: Every command, with the slots its arguments go in (A: any value).
COMMANDS = [
    ["deal", "list", "--filter", "A"], ["deal", "list", "--sort", "A"],
    ["deal", "list", "--tab", "A"], ["deal", "list", "--limit", "A", "--offset", "A"],
    ["deal", "show", "A"], ["deal", "explain", "A"], ["deal", "won", "A", "--yes"],
    ["deal", "lost", "A", "--reason", "A"], ["deal", "error", "A", "--reason", "A"],
    ["deal", "stage", "A", "A"], ["deal", "stage", "A", "A", "--version", "A"],
    ["deal", "accept", "A", "--value", "A"], ["deal", "decline", "A", "--reason", "A"],
    ["deal", "share", "A"], ["deal", "help", "A", "--type", "A", "--notes", "A"],
    ["deal", "invite", "A", "--partner", "A", "--value", "A", "--currency", "A",
     "--close-date", "A"],
    ["deal", "favorite", "A"], ["deal", "favorite", "A", "--off"],
    ["deal", "register", "A", "--marketplace", "A", "--azure", "A"],
    ["deal", "exception", "A", "--message", "A"],
    ["--user", "ms-jordan", "registration", "exception", "A", "A", "--message", "A"],
    ["catalog", "accounts", "--search", "A", "--country", "A"],
    ["catalog", "solutions", "--search", "A", "--limit", "A"],
    ["catalog", "partners", "--search", "A"], ["users"], ["sweep"], ["db", "check"],
    ["locate", "A"], ["rules", "check", "A"], ["deal", "create", "A"],
    ["admin", "location", "add", "A", "--name", "A", "--country", "A"],
    ["admin", "user", "edit", "ben", "--name", "A"], ["routing", "set", "A", "A", "A"],
]  # fmt: skip

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)


@dataclass(frozen=True)
class Seeded:
    """The module's seeded database: its URL, an engine to look at it, its backend."""

    url: str
    engine: Engine
    backend: str

    def examples(self) -> int:
        return EXAMPLES[self.backend] * SCALE


@pytest.fixture(scope="module")
def seeded(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COSELL_CONFIG_FILE", str(folder / "config.toml"))
        assert main(["--db", module_db_url, "--now", NOW, "seed", "--deals", "60"]) == 0
    engine = make_engine(module_db_url)
    yield Seeded(module_db_url, engine, engine.dialect.name)
    engine.dispose()


def snapshot(db: Seeded) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        rows = [
            tuple(r) for r in conn.execute(text("SELECT id, version FROM referral ORDER BY id"))
        ]
        rows += [tuple(r) for r in conn.execute(text("SELECT count(*), 0 FROM history"))]
        rows += [tuple(r) for r in conn.execute(text("SELECT count(*), 1 FROM favorite"))]
        rows += [tuple(r) for r in conn.execute(text("SELECT count(*), 2 FROM admin_log"))]
    return rows


def _check(db: Seeded, argv: list[str], stdin: str | None = None) -> None:
    record("fuzz", runs=1, backend=db.backend)
    before = snapshot(db)
    result = invoke(["--db", db.url, "--now", NOW, *argv], stdin=stdin)
    assert result.code != 70, (argv, result.err)
    assert "Traceback" not in result.err
    if result.code != 0:
        assert result.err.startswith("cosell: ") or result.err.startswith("Usage:"), result.err
        assert snapshot(db) == before, (argv, result.err)


def test_any_arguments_of_any_command(seeded: Seeded) -> None:
    @settings(SETTINGS, max_examples=seeded.examples())
    @given(data=st.data())
    def any_arguments(data: st.DataObject) -> None:
        template = data.draw(st.sampled_from(COMMANDS))
        argv = [data.draw(values) if part == "A" else part for part in template]
        if argv[:2] == ["deal", "create"]:
            argv[2] = "/dev/null" if argv[2].startswith("/dev/") else argv[2]
        _check(seeded, argv)

    any_arguments()


FIELDS = ["name", "details", "dealValue", "currency", "closingDate", "notes", "customerProfile",
          "team", "firstName", "email", "phoneNumber", "x-cosell", "accountId", "location",
          "solutions", "id", "consent", "address", "country", "invitation", "helpType"]  # fmt: skip

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(HOSTILE),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner,
                        max_size=5),
    ),
    max_leaves=25,
)  # fmt: skip


def test_any_deal_document(seeded: Seeded) -> None:
    @settings(SETTINGS, max_examples=seeded.examples())
    @given(document=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
    def any_document(document: dict[str, Any]) -> None:
        stdin = json.dumps(document, ensure_ascii=True)  # lone surrogates travel as escapes
        _check(seeded, ["deal", "create", "-"], stdin=stdin)

    any_document()


@pytest.mark.parametrize(
    "example", sorted(Path(__file__).resolve().parents[2].glob("examples/*.json")), ids=str
)
def test_mangled_examples(seeded: Seeded, example: Path) -> None:
    """Each example document, truncated at a few places and with a field blanked."""
    text = example.read_text(encoding="utf-8")
    for cut in (1, len(text) // 3, len(text) // 2, len(text) - 2):
        _check(seeded, ["deal", "create", "-"], stdin=text[:cut])
