"""The config file seen from the command line: flag > environment > file > default, and a
broken file is one `cosell:` line and exit 1, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cosell_tui.cli import main
from cosell_tui.cli.output import Output
from cosell_tui.cli.root import cosell as cosell_command
from cosell_tui.cli.runtime import Runtime
from tests.cli.conftest import NOW, Runner, no_traceback


def locate_db(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "locate", "db"], out, err) == 0, err.getvalue()
    return out.getvalue().strip()


def test_db_flag_beats_environment_beats_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('db = "/from/file.db"\n', encoding="utf-8")
    assert locate_db() == "/from/file.db"
    monkeypatch.setenv("COSELL_DB", "/from/env.db")
    assert locate_db() == "/from/env.db"
    assert locate_db("--db", "/from/flag.db") == "/from/flag.db"


def test_user_flag_beats_environment_beats_file(
    cosell: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def current(user: str | None = None) -> list[str]:
        return [u["username"] for u in cosell("users", "--json", user=user).json() if u["current"]]

    names = [u["username"] for u in cosell("users", "--json").json()]
    file_user, env_user, flag_user = names[1], names[2], names[3]
    (tmp_path / "config.toml").write_text(f'user = "{file_user}"\n', encoding="utf-8")
    assert current() == [file_user]
    monkeypatch.setenv("COSELL_USER", env_user)
    assert current() == [env_user]
    assert current(flag_user) == [flag_user]


def _mouse(*argv: str) -> bool:
    rt = Runtime(Output(io.StringIO(), io.StringIO()))
    with cosell_command.make_context("cosell", [*argv, "locate", "db"], obj=rt):
        return rt.mouse()


def test_no_mouse_flag_beats_environment_beats_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    config = tmp_path / "config.toml"
    assert _mouse() is True
    config.write_text("mouse = false\n", encoding="utf-8")
    assert _mouse() is False
    monkeypatch.setenv("COSELL_MOUSE", "on")
    assert _mouse() is True
    assert _mouse("--no-mouse") is False


def test_the_mouse_is_off_over_ssh_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mouse reporting sends bytes on every motion: over SSH it is off unless asked for."""
    monkeypatch.delenv("SSH_TTY", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    assert _mouse() is False
    assert _mouse("--mouse") is True
    monkeypatch.setenv("COSELL_MOUSE", "1")
    assert _mouse() is True
    assert _mouse("--no-mouse") is False


def test_a_broken_config_is_one_line_and_exit_1(cosell: Runner, db: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('# mine\n[tabs.inbound]\nsort = "price"\n', encoding="utf-8")
    result = cosell("deal", "list")
    no_traceback(result)
    assert result.code == 1
    assert result.err.startswith(
        f'cosell: {config}, line 3: tabs.inbound.sort: "price" is not a column (the columns are '
    )
    assert result.err.count("\n") == 1
    # The TUI does not open on it either, even with --user given (it reads keys and tabs) ...
    err = io.StringIO()
    assert main(["--db", db, "--now", NOW, "--user", "ava"], io.StringIO(), err) == 1
    assert err.getvalue().startswith(f"cosell: {config}, line 3:")
    # ... while the path stays findable, and a command given --user and --db does not read it.
    assert cosell("locate", "config").out.strip() == str(config)
    assert cosell("deal", "list", user="ava").code == 0


def test_a_bad_environment_value_is_one_line_and_exit_1(
    cosell: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSELL_MOUSE", "sometimes")
    result = cosell("deal", "list")
    no_traceback(result)
    assert (result.code, result.err) == (
        1,
        "cosell: environment variable COSELL_MOUSE must be true or false "
        '(or 1/0, yes/no, on/off), not "sometimes"\n',
    )
