"""The reliability suite (tests/reliability) at full size, with its figures summed up.

    .venv/bin/python benchmarks/reliability_bench.py                 # scale 10, SQLite + PostgreSQL
    .venv/bin/python benchmarks/reliability_bench.py --scale 3 --sqlite-only

CI runs the same tests at scale 1 (`pytest -m reliability`); here every count is multiplied by
--scale: kills per upgrade and per write stream, seconds of 8 concurrent writers, concurrent
start rounds, fuzz examples. The figures go to docs/data.md ("Reliability").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("-k", default="", help="pytest -k expression (a part of the suite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.jsonl"
        env = {
            **os.environ,
            "COSELL_RELIABILITY_SCALE": str(args.scale),
            "COSELL_RELIABILITY_REPORT": str(report),
        }
        if args.sqlite_only:
            env.pop("COSELL_TEST_PG_URL", None)
        else:
            env.setdefault("COSELL_TEST_PG_URL", PG)
        command = [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:randomly", "-q",
                   "-m", "reliability", "tests/reliability"]  # fmt: skip
        if args.k:
            command += ["-k", args.k]
        code = subprocess.call(command, cwd=ROOT, env=env)
        totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        if report.exists():
            for line in report.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                key = (entry.pop("test"), str(entry.pop("backend", "")))
                for name, value in entry.items():
                    if isinstance(value, int):
                        totals[key][name] += value
        print(f"\nscale {args.scale}; pytest exit {code}")
        for (test, backend), figures in sorted(totals.items()):
            shown = ", ".join(f"{name} {value:,}" for name, value in figures.items())
            print(f"- {test}{f' ({backend})' if backend else ''}: {shown}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
