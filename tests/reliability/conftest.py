"""The reliability suite: kills, concurrent starts and writers, fuzzing. Every test here is
marked `reliability`; CI runs it at `COSELL_RELIABILITY_SCALE=1` (a few rounds each), and
benchmarks/reliability_bench.py runs it by hand at full size (docs/data.md has the figures)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Rounds multiply by this (1 in CI; benchmarks/reliability_bench.py sets more).
SCALE = max(1, int(os.environ.get("COSELL_RELIABILITY_SCALE", "1")))

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


def cosell(*argv: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`cosell ARGV...` as a real process (stdout and stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "cosell_tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (it may kill itself); its result, whatever it is."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real config file, no inherited user, database or clock, in this process or a child."""
    for name in ("COSELL_DB", "COSELL_USER", "COSELL_MOUSE", "COSELL_NOW", "COSELL_DEBUG",
                 "COSELL_LOCALE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(tmp_path / "config.toml"))


def record(test: str, **figures: object) -> None:
    """Append figures of a run to $COSELL_RELIABILITY_REPORT (JSON lines), for
    benchmarks/reliability_bench.py to sum up; nothing when it is not set."""
    import json

    target = os.environ.get("COSELL_RELIABILITY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"test": test, **figures}) + "\n")
