"""The command as a separate process: `python -m cosell_tui`, and what it imports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

from .conftest import NOW


def _env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSELL_")}
    env["COSELL_CONFIG_FILE"] = str(tmp_path / "config.toml")
    return env


def test_python_m_help(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cosell_tui", "--help"],
        capture_output=True, text=True, timeout=60, env=_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("Usage: cosell")
    for command in ("init", "seed", "demo", "deal", "sweep", "rules", "catalog", "users",
                    "locate"):  # fmt: skip
        assert re.search(rf"^\W*{command}  +\w", done.stdout, re.MULTILINE), command


def test_usage_error_is_exit_2(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cosell_tui", "deal", "frobnicate"],
        capture_output=True, text=True, timeout=60, env=_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2
    assert "cosell: No such command 'frobnicate'." in done.stderr


def test_deal_list_does_not_import_textual(db: str, tmp_path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from cosell_tui.cli import main
        code = main(["--db", {db!r}, "--now", {NOW!r}, "deal", "list", "--json"])
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print("EXIT", code, "TEXTUAL", len(loaded), file=sys.stderr)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env=_env(tmp_path),
    )  # fmt: skip
    assert "EXIT 0 TEXTUAL 0" in done.stderr, done.stderr
