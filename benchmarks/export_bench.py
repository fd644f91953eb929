"""How fast `cosell deal export` streams a big tab, and that its memory stays flat.

    .venv/bin/python benchmarks/export_bench.py                     # 400k deals seeded once
    .venv/bin/python benchmarks/export_bench.py --deals 1000000 --rows 100000,500000

Each export runs as its own `cosell deal export --tab T --limit N -o /dev/null` process (what a
script pays, start-up included); the wall time and the process's peak memory (max RSS) are
printed per row count. Flat memory: the peak at 100,000 rows is about the peak at 1,000. The
seeded database is kept in /tmp/cosell-bench (shared with tui_bench.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_bench import NOW, seeded

GOAL_SECONDS = 10.0
#: A `cosell` command in a child process that prints its peak memory (KiB) last on stderr;
#: its first argument is a checkout whose code runs instead of ours ("" for ours).
CHILD = (
    "import resource, sys\n"
    "ref = sys.argv.pop(1)\n"
    "if ref:\n"
    "    sys.meta_path[:] = [f for f in sys.meta_path if 'Editable' not in"
    " getattr(f, '__name__', type(f).__name__)]\n"
    "    sys.path.insert(0, ref)\n"
    "from cosell_tui.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run_export(
    db: Path, tab: str, rows: int, fmt: str, reference: str = ""
) -> tuple[float, float, int]:
    """(seconds, peak MiB, rows written) of one export in a child process; `reference` is a
    checkout whose code runs instead of ours ("" for ours)."""
    out = Path(tempfile.gettempdir()) / f"cosell-export-bench.{fmt}"
    args = ["--db", str(db), "--now", NOW, "deal", "export", "--tab", tab, "--limit", str(rows),
            "--format", fmt, "-o", str(out)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, reference, *args], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    with out.open("rb") as f:
        written = sum(1 for _ in f) - 1 if fmt != "json" else -1
    out.unlink()
    return seconds, peak_kib / 1024, written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=400_000)
    parser.add_argument("--tab", default="closed")
    parser.add_argument("--rows", default="1000,10000,100000")
    parser.add_argument("--format", dest="fmt", default="csv", choices=("csv", "tsv", "json"))
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "cosell-bench")
    parser.add_argument("--reference", default="", help="a checkout to compare with, interleaved")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    db = seeded(args.data, args.deals)
    print(
        f"{args.deals:,} deals, tab {args.tab}, {args.fmt}; machine: {os.cpu_count()} cores,"
        f" load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'code':>9} {'rows':>10} {'written':>10} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
    worst = 0.0
    codes = [("reference", args.reference)] if args.reference else []
    for _ in range(args.repeat):
        for n in (int(x) for x in args.rows.split(",")):
            for who, ref in [*codes, ("ours", "")]:
                seconds, peak, written = run_export(db, args.tab, n, args.fmt, ref)
                print(
                    f"{who:>9} {n:>10,} {written:>10,} {seconds:>8.2f}"
                    f" {written / seconds:>9,.0f} {peak:>9.0f}"
                )
                if written >= 100_000 and who == "ours":
                    worst = max(worst, seconds)
    if worst:
        verdict = "OK" if worst <= GOAL_SECONDS else "TOO SLOW"
        print(f"100,000 rows goal ≤ {GOAL_SECONDS:.0f} s: {verdict} ({worst:.2f} s)")
    _ = resource  # the children report their own peak
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
