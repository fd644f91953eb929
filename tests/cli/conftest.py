"""A small seeded SQLite database, built once and copied per test, and a way to run `cosell`.

Every test runs the real command in-process (click's CliRunner on the `cosell` group, or
`main(argv)`) against the real service, so what is tested is exactly what a user's shell gets:
exit code, stdout and stderr.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cosell_tui.cli import main
from cosell_tui.cli.root import cosell as cosell_command

NOW = "2026-11-23T12:00:00Z"
DEALS = 120
SEED = 7


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real config file, no inherited user, database or clock."""
    for name in ("COSELL_DB", "COSELL_USER", "COSELL_MOUSE", "COSELL_NOW", "COSELL_DEBUG",
                 "COSELL_LOCALE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(tmp_path / "config.toml"))


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database, built once per test session with `cosell seed`."""
    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "cosell.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COSELL_CONFIG_FILE", str(folder / "config.toml"))
        code = main(["--db", str(path), "--now", NOW, "seed", "--deals", str(DEALS),
                     "--seed", str(SEED)])  # fmt: skip
    assert code == 0
    return path


@pytest.fixture
def db(seeded_file: Path, tmp_path: Path) -> str:
    """A private copy of the seeded database for one test (writes never leak between tests)."""
    target = tmp_path / "cosell.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(seeded_file) + suffix)
        if source.exists():
            shutil.copyfile(source, str(target) + suffix)
    return str(target)


def invoke(argv: list[str], stdin: str | None = None) -> Result:
    """`cosell ARGV...` through click's CliRunner: exit code, stdout and stderr apart."""
    result = CliRunner().invoke(cosell_command, argv, input=stdin, prog_name="cosell")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # main() never lets one out: this is a bug in the test set-up
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cosell(db: str) -> Iterator[Runner]:
    """Run `cosell --db <copy> --now NOW ARGS...` and return its exit code and output."""

    def run(*args: str, user: str | None = None, stdin: str | None = None) -> Result:
        argv = ["--db", db, "--now", NOW]
        if user:
            argv += ["--user", user]
        return invoke([*argv, *args], stdin)

    yield run


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out
