"""Property-based fuzz of every command's arguments and of `deal create` documents: whatever
is typed, the answer is an exit code other than 70 (a sentence, not a crash), and a command that
refuses changes nothing. On SQLite and, with COSELL_TEST_PG_URL, PostgreSQL (one seeded database
per backend for the module). CI runs a few dozen examples on SQLite and twenty on PostgreSQL,
where every command costs more; COSELL_RELIABILITY_SCALE multiplies them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text

from cosell_tui.cli import main
from cosell_tui.store.db import make_engine
from cosell_tui.store.models import Base
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

#: Every command, with the slots its arguments go in (A: any value; F: a hostile file, its
#: bytes from `hostile_files`; O: a file to write, in the module's folder, its name hostile).
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
    ["deal", "register", "A", "--file", "F"],
    ["deal", "exception", "A", "--message", "A"],
    ["deal", "send", "F", "--to", "A"],
    ["deal", "export", "--filter", "A", "--format", "A", "-o", "O"],
    ["deal", "export", "--tab", "A", "--limit", "A", "-o", "O"],
    ["deal", "import", "F", "--dry-run"], ["deal", "import", "F", "--partial", "-o", "O"],
    ["deal", "import", "F", "--max-rows", "A"],
    ["--user", "ms-jordan", "registration", "exception", "A", "A", "--message", "A"],
    ["--user", "ms-jordan", "registration", "review", "A", "A", "--message", "A"],
    ["--user", "ms-jordan", "registration", "list"],
    ["--user", "ms-jordan", "registration", "exceptions"],
    ["--user", "A", "registration", "review", "A", "A"],
    ["catalog", "accounts", "--search", "A", "--country", "A"],
    ["catalog", "solutions", "--search", "A", "--limit", "A"],
    ["catalog", "partners", "--search", "A"], ["users"], ["sweep"], ["db", "check"],
    ["db", "backup", "O"],
    ["locate", "A"], ["rules", "check", "A"], ["rules", "check", "F"], ["deal", "create", "A"],
    ["deal", "create", "F"],
    ["insights", "--range", "A", "--tab", "A"],
    ["insights", "--range", "A", "--type", "A", "--direction", "A", "--country", "A"],
    ["insights", "--solution", "A", "--marketplace", "A", "--customer", "A", "--program", "A",
     "--role", "A"],
    ["insights", "--range", "A", "--download", "O", "--format", "A"],
    ["mail", "send", "--limit", "A"], ["mail", "send"],
    ["admin", "location", "add", "A", "--name", "A", "--country", "A"],
    ["admin", "location", "edit", "A", "--name", "A", "--partner-id", "A"],
    ["admin", "location", "list"], ["admin", "log", "--limit", "A"],
    ["admin", "user", "edit", "ben", "--name", "A"],
    ["admin", "user", "edit", "A", "--role", "A", "--locations", "A"],
    ["admin", "user", "add", "A", "--name", "A", "--email", "A", "--role", "A"],
    ["admin", "user", "deactivate", "A"], ["admin", "user", "reactivate", "A"],
    ["admin", "user", "list", "--active", "A"],
    ["admin", "user", "import", "F"], ["admin", "user", "import", "F", "--dry-run"],
    ["admin", "solution", "import", "F"], ["admin", "account", "import", "F"],
    ["admin", "partner", "import", "F"], ["admin", "rate", "import", "F"],
    ["admin", "rate", "import", "F", "--max-rows", "A"],
    ["admin", "solution", "add", "A", "--name", "A", "--tags", "A"],
    ["admin", "solution", "edit", "A", "--name", "A", "--priced", "A"],
    ["admin", "solution", "list", "--search", "A", "--category", "A", "--limit", "A"],
    ["admin", "account", "list", "--search", "A", "--limit", "A", "--kind", "A"],
    ["admin", "account", "match", "A", "--to", "A"],
    ["admin", "partner", "list", "--search", "A", "--offset", "A"],
    ["admin", "rate", "list", "--currency", "A"], ["admin", "rate", "missing"],
    ["admin", "rate", "set", "A", "A", "A"],
    ["routing", "set", "A", "A", "A"], ["routing", "remove", "A", "A"],
    ["routing", "import", "F"], ["routing", "list", "--csv"],
    ["seed", "--deals", "A", "--seed", "A"], ["init"],
]  # fmt: skip

#: Leaves not fuzzed here, and why: each of the others must appear in COMMANDS (see
#: test_every_command_is_fuzzed). `setup` has its own test on an empty database below.
NOT_HERE = {
    "demo": "opens the TUI on a database of its own",
    "mail run": "delivers until stopped; `mail send` is one pass of the same delivery",
    "setup": "fuzzed on an empty database (test_setup_on_an_empty_database)",
}

#: The example CSV and TOML files: hostile files are made from them.
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples"
SOURCES = sorted(p.read_bytes() for p in (*EXAMPLE_DIR.glob("*.csv"), *EXAMPLE_DIR.glob("*.toml")))


def _mangle(source: bytes, how: str, value: str, cut: int) -> bytes:
    """One hostile file from an example: a BOM, another encoding, a huge or hidden-character
    line, columns lost, cut anywhere, or a hostile value in every cell of its first row."""
    text = source.decode("utf-8", "replace")
    lines = text.splitlines()
    if how == "bom":
        return "\ufeff".encode() + source
    if how == "utf16":
        return text.encode("utf-16")
    if how == "latin1":
        return source.replace(b"e", "\xe9".encode("latin-1"))
    if how == "huge":
        return source + b"x," * 150_000 + b"\n"
    if how == "cut":
        return source[: cut % (len(source) + 1)]
    if how == "columns":  # the header loses a column or gets a stranger's
        head = lines[0].split(",")
        head[cut % len(head)] = value.replace(",", ";")
        return "\n".join([",".join(head), *lines[1:]]).encode("utf-8", "surrogatepass")
    if how == "cells" and len(lines) > 1:
        cells = [value.replace(",", " ") for _ in lines[0].split(",")]
        return "\n".join([lines[0], ",".join(cells)]).encode("utf-8", "surrogatepass")
    if how == "hidden":
        return source.replace(b",", "\u202e,\u200b".encode(), 3)
    return bytes([cut % 256]) * 64 + b"\x00\xff\xfe"


hostile_files = st.builds(
    _mangle,
    st.sampled_from(SOURCES),
    st.sampled_from(["bom", "utf16", "latin1", "huge", "cut", "columns", "cells", "hidden",
                     "bytes"]),
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)),
    st.integers(min_value=0, max_value=10_000),
)  # fmt: skip

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)


@dataclass(frozen=True)
class Seeded:
    """The module's seeded database: its URL, an engine to look at it, its backend, and a
    folder for the files the commands read and write."""

    url: str
    engine: Engine
    backend: str
    folder: Path
    #: The rows as the last refused command left them: the next check starts from them
    #: instead of reading every table again (`forget` after writing past `_check`).
    kept: dict[str, Any] = field(default_factory=dict)

    def forget(self) -> None:
        self.kept.clear()

    def examples(self) -> int:
        return EXAMPLES[self.backend] * SCALE


@pytest.fixture(scope="module")
def seeded(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COSELL_CONFIG_FILE", str(folder / "config.toml"))
        assert main(["--db", module_db_url, "--now", NOW, "seed", "--deals", "60"]) == 0
        # A declined referral queues a mail to its sender: `mail send` has one to try.
        listed = invoke(["--db", module_db_url, "--now", NOW, "deal", "list", "--tab",
                         "inbound", "--json"])  # fmt: skip
        new = next(i for i in json.loads(listed.out)["items"] if i["status"] == "New")
        number = str(new["x-cosell"]["number"])
        declined = invoke(["--db", module_db_url, "--now", NOW, "deal", "decline", number,
                           "--reason", "1"])  # fmt: skip
        assert declined.code == 0, declined.err
    engine = make_engine(module_db_url)
    yield Seeded(module_db_url, engine, engine.dialect.name, folder)
    engine.dispose()


@pytest.fixture(autouse=True)
def _unreachable_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mail send` meets an SMTP host where nothing listens (a port just freed)."""
    from tests.service.test_mail import free_port

    monkeypatch.setenv("COSELL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("COSELL_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("COSELL_MAIL_FROM", "cosell@fabrikam.example")


#: Tables a command never writes itself: kept from the others by triggers and mapper events
#: (their source rows are compared), or the upgrade's own.
DERIVED = {"account_key", "grid_count", "grid_version"}


def snapshot(db: Seeded) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a command may write, in primary-key order: a refused command
    that changed a user, a deal or anything else in place (the row counts unchanged) differs."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
            if table.name not in DERIVED
        }


def _check(db: Seeded, argv: list[str], stdin: str | None = None) -> None:
    record("fuzz", runs=1, backend=db.backend)
    before = db.kept.get("rows") or snapshot(db)
    db.forget()
    result = invoke(["--db", db.url, "--now", NOW, *argv], stdin=stdin)
    assert result.code != 70, (argv, result.err)
    assert "Traceback" not in result.err
    if result.code != 0:
        assert result.err.startswith("cosell: ") or result.err.startswith("Usage:"), result.err
        assert "cosell: cosell:" not in result.err, result.err  # one prefix, once
        after = snapshot(db)
        assert after == before, (argv, result.err)
        db.kept["rows"] = after


def _fill(db: Seeded, template: list[str], value: Callable[[], str],
          file: Callable[[], bytes]) -> list[str]:  # fmt: skip
    """The template's slots filled: A with a value, F with a hostile file, O with a path in
    the module's folder whose name is a hostile value."""
    argv = []
    for n, part in enumerate(template):
        if part == "A":
            argv.append(value())
        elif part == "F":
            path = db.folder / f"in-{n}.csv"
            path.write_bytes(file())
            argv.append(str(path))
        elif part == "O":
            name = value().replace("/", "_").replace("\x00", "") or "_"
            argv.append(str(db.folder / name[:100]))
        else:
            argv.append(part)
    if argv[:2] == ["deal", "create"]:
        argv[2] = "/dev/null" if argv[2].startswith("/dev/") else argv[2]
    return argv


def test_any_arguments_of_any_command(seeded: Seeded) -> None:
    @settings(SETTINGS, max_examples=seeded.examples())
    @given(data=st.data())
    def any_arguments(data: st.DataObject) -> None:
        template = data.draw(st.sampled_from(COMMANDS))
        argv = _fill(seeded, template, lambda: data.draw(values),
                     lambda: data.draw(hostile_files))  # fmt: skip
        _check(seeded, argv)

    any_arguments()


def test_every_command_with_hostile_values(seeded: Seeded) -> None:
    """Each template once, in order, its slots from HOSTILE and the hostile files in turn:
    every command meets hostile input in every run, not only those the random draw picks."""
    counter = iter(range(10**6))
    kinds = ["bom", "utf16", "latin1", "huge", "cut", "columns", "cells", "hidden", "bytes"]

    def value() -> str:
        return HOSTILE[next(counter) * 7 % len(HOSTILE)]

    def file() -> bytes:
        n = next(counter)
        return _mangle(SOURCES[n % len(SOURCES)], kinds[n % len(kinds)], value(), n * 37)

    for template in COMMANDS:
        _check(seeded, _fill(seeded, template, value, file))


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["deal", "show", str(2**31)], 4),  # beyond PostgreSQL's INTEGER: was exit 70 there
        (["deal", "favorite", str(2**31)], 4),
        (["deal", "stage", str(2**31 - 1), "20"], 4),
        (["mail", "send", "--limit", "9" * 30], 2),  # was exit 70 on SQLite (OverflowError)
        (["admin", "partner", "list", "--offset", "9" * 30], 2),  # the same
        (["admin", "account", "list", "--offset", "9" * 30], 2),
    ],
)
def test_what_the_fuzz_found(seeded: Seeded, argv: list[str], code: int) -> None:
    before = snapshot(seeded)
    result = invoke(["--db", seeded.url, "--now", NOW, *argv])
    assert result.code == code, (argv, result.err)
    assert snapshot(seeded) == before


def test_a_refused_command_that_changed_a_user_in_place_fails_the_check(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check compares rows, not their count: an edit that wrote a user's name and then
    refused (exit 1) leaves as many users as before, and the check catches it."""
    from cosell_tui.service.administration import Administration
    from cosell_tui.service.errors import RuleRefusal

    renamed = text("UPDATE user_account SET display_name = :name WHERE username = 'ben'")
    with seeded.engine.connect() as conn:
        name = conn.execute(
            text("SELECT display_name FROM user_account WHERE username = 'ben'")
        ).scalar_one()

    def edit_then_refuse(self: Administration, login: str, values: object) -> None:
        with seeded.engine.begin() as conn:
            conn.execute(renamed, {"name": "Changed In Place"})
        raise RuleRefusal("Refused after writing (a bug this test plants).")

    monkeypatch.setattr(Administration, "edit_user", edit_then_refuse)
    seeded.forget()
    try:
        with pytest.raises(AssertionError, match="Refused after writing"):
            _check(seeded, ["admin", "user", "edit", "ben", "--name", "Ben"])
    finally:
        with seeded.engine.begin() as conn:
            conn.execute(renamed, {"name": name})
        seeded.forget()
    monkeypatch.undo()
    _check(seeded, ["admin", "user", "edit", "ben", "--email", "x"])  # refused, nothing written


def _leaves() -> set[str]:
    """Every leaf of the click command tree, as 'group command'."""
    import click

    from cosell_tui.cli.root import cosell

    found: set[str] = set()

    def walk(command: click.Command, path: list[str], ctx: click.Context) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, [*path, name], ctx)
        else:
            found.add(" ".join(path))

    with click.Context(cosell) as ctx:
        walk(cosell, [], ctx)
    return found


def test_every_command_is_fuzzed() -> None:
    """A new command fails this until it has a template in COMMANDS (or a reason in NOT_HERE)."""
    leaves = _leaves()
    covered = set(NOT_HERE)
    for template in COMMANDS:
        words = template[2:] if template[0] == "--user" else template
        for size in (2, 1):  # 'admin user edit' is three words, 'deal list' two, 'users' one
            for length in (3, size):
                name = " ".join(words[:length])
                if name in leaves:
                    covered.add(name)
    assert leaves - covered == set(), f"not fuzzed: {sorted(leaves - covered)}"
    assert covered - leaves == set(), f"no such command: {sorted(covered - leaves)}"


def test_setup_on_an_empty_database(tmp_path: Path) -> None:
    """`cosell setup` with hostile flags and hostile TOML files, each on a new empty SQLite
    file: never exit 70, and a refused setup leaves no organisation behind."""
    from sqlalchemy import create_engine

    flags = ["--org", "--location", "--admin", "--admin-name", "--admin-email", "--admin-phone",
             "--assessments"]  # fmt: skip
    count = iter(range(10**6))

    @settings(SETTINGS, max_examples=8 * SCALE)
    @given(
        chosen=st.lists(st.sampled_from(flags), max_size=4, unique=True),
        data=st.data(),
        with_file=st.booleans(),
    )
    def any_setup(chosen: list[str], data: st.DataObject, with_file: bool) -> None:
        db = tmp_path / f"setup-{next(count)}.db"
        argv = ["--db", str(db), "--now", NOW, "setup"]
        for flag in chosen:
            argv += [flag, data.draw(values)]
        if with_file:
            toml = tmp_path / "setup.toml"
            toml.write_bytes(data.draw(hostile_files))
            argv += ["--file", str(toml)]
        record("fuzz", runs=1, backend="sqlite")
        result = invoke(argv)
        assert result.code != 70, (argv, result.err)
        assert "Traceback" not in result.err
        if result.code != 0 and db.exists():
            engine = create_engine(f"sqlite:///{db}")
            with engine.connect() as conn:
                tables = conn.execute(text("SELECT name FROM sqlite_master")).scalars().all()
                if "organization" in tables:
                    assert conn.execute(text("SELECT count(*) FROM organization")).scalar() == 0, (
                        argv
                    )
            engine.dispose()

    any_setup()


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
