"""How long cosell takes to start as a user sees it, from process start, beside same-run references.

    .venv/bin/python benchmarks/startup_bench.py                  # 10k and 1M deals, 7 rounds
    .venv/bin/python benchmarks/startup_bench.py --deals 10000 --rounds 3
    .venv/bin/python benchmarks/startup_bench.py --screens 80x24,160x48 --json > startup.json
    .venv/bin/python benchmarks/startup_bench.py --importtime     # what each path imports

Absolute times drift on a shared 2-core machine, so every figure is taken beside its reference
in the same run: each round runs every case once, in a shuffled order, after one warm-up round
that is thrown away (it fills the page cache and writes the .pyc files). The figures are
medians with their spread (min–max), and each goal is checked on the ratio of the medians; the
per-round ratios (case and reference of the same round: min, median, max) are printed beside
it, to tell a real difference from the machine's drift.

TUI (in a real terminal: tmux). Each run gets a fresh tmux server (own socket, no status line,
TERM=xterm-256color) whose one pane is `sh -c 'read _ < FIFO && exec COMMAND'`. The clock starts
just before we write to the FIFO, that is before the command is exec'd. A control-mode client
(`tmux -C`) is told of every byte the program writes (`%output`); after each one it asks for the
screen (`capture-pane -p`, through the same client: no tmux process per poll, and no polling of
a screen that has not changed). A mark is timed at the newest `%output` that preceded the
capture showing it. Then `q` is sent (*quit*: until the program has left; not checked) and the
server killed.

- `cosell` (`cosell --db DB --no-mouse`): *paint* = anything is on screen (not checked);
  *frame* = the tabs (`Inbound`, `Outbound`) and the grid header (`Deal name`, `Customer`) are
  on screen; *rows* = a row with an amount (`3,700 GBP`) is painted below the header.
- references (`benchmarks/bare_app.py`): a bare Textual app (Header + Static), and the same app
  doing `import sqlalchemy.orm` before its first frame; *frame* = its Static is on screen.

CLI: wall time of `cosell --help`, `cosell GROUP --help` for each command group,
`cosell --db DB deal list --limit 20` and `cosell --db DB deal show N` (N = the first deal that
`deal list` shows), output to /dev/null, beside `python -c pass` and
`python -c "import sqlalchemy.orm"`; and for each the processor time it used (user + system,
mark *cpu*), which a machine loaded by other jobs stretches far less than the wall time: `deal
list` and `deal show` are checked on both.

Goals: cosell's first frame <= 1.2x the bare app's; its first rows <= 1.3x the bare app with
sqlalchemy.orm; every --help <= 0.25 s; `deal list` and `deal show` <= 1.5x
`import sqlalchemy.orm` (the goal names 1M deals; it is checked at every size measured).

Everything runs through the `cosell` console script next to this Python (never by importing
cosell_tui), with COSELL_NOW fixed, a config file of our own (none: the defaults) and no mouse.
Databases are seeded with `cosell seed` once and kept in --data as bench-N.db, the same files
(same seed 7 and clock) tui_bench.py uses, so either script reuses the other's. A million deals
take about 90 s to seed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bare_app import FIRST_FRAME

NOW = "2026-11-23T09:00:00Z"  # as in tui_bench.py: the seeded files are shared
DEALS = (10_000, 1_000_000)
SCREENS = ((80, 24),)
ROUNDS = 7
HERE = Path(__file__).resolve().parent
BARE = HERE / "bare_app.py"
PYTHON = sys.executable
# The command groups of cosell_tui/cli/root.py (commands that have subcommands).
GROUPS = ("deal", "catalog", "rules")
HELP_LIMIT_S = 0.25
FRAME_GOAL = 1.2  # cosell's first frame / the bare app's
ROWS_GOAL = 1.3  # cosell's first rows / the bare app's with sqlalchemy.orm
CLI_GOAL = 1.5  # deal list, deal show / python -c "import sqlalchemy.orm"
TUI_TIMEOUT_S = 60.0
# Environment that would change what we measure; everything else is passed through.
# PYTHONDONTWRITEBYTECODE (set in some shells and CI images) would leave cosell's own modules
# without .pyc files, so every run would compile them from source (~0.1 s) where an installed
# cosell loads them compiled; the references' packages have theirs from pip.
DROPPED = {
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TMUX",
    "TMUX_PANE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONDONTWRITEBYTECODE",
}
DROPPED_PREFIXES = ("COSELL_", "TEXTUAL")


def cosell_script() -> str:
    """The console script of the Python running us (a venv's bin), else the one on PATH."""
    beside = Path(PYTHON).parent / "cosell"
    found = str(beside) if beside.exists() else shutil.which("cosell")
    if not found:
        sys.exit("startup_bench: no `cosell` script; run with the project's venv Python")
    return found


def environment(data: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in DROPPED and not key.startswith(DROPPED_PREFIXES)
    }
    env.update(
        COSELL_NOW=NOW,
        COSELL_CONFIG_FILE=str(data / "startup-bench-config.toml"),  # never written: defaults
        TERM="xterm-256color",
    )
    return env


def seeded(cosell: str, data: Path, deals: int, env: dict[str, str]) -> Path:
    """The database for `deals`: `cosell seed` on first use, kept for the next run."""
    path = data / f"bench-{deals}.db"
    if path.exists():
        return path
    data.mkdir(parents=True, exist_ok=True)
    tmp = data / f"bench-{deals}.seeding-{os.getpid()}.db"
    print(f"seeding {deals:,} deals into {path} (once)…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    argv = [cosell, "--db", str(tmp), "--now", NOW, "seed", "--deals", str(deals)]
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)  # closed cleanly: nothing left in them
    tmp.rename(path)
    print(f"  seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def first_deal(cosell: str, db: Path, env: dict[str, str]) -> str:
    """The number of the first deal `deal list` shows (one `deal show` can always open)."""
    argv = [cosell, "--db", str(db), "deal", "list", "--limit", "1", "--json"]
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return str(json.loads(out)["items"][0]["x-cosell"]["number"])


# --- the terminal -----------------------------------------------------------------------------

Marks = dict[str, Callable[[list[str]], bool]]


class _Lines:
    """Lines from a control-mode client, each stamped with the time its bytes were read."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.ready: deque[tuple[bytes, float]] = deque()

    def next(self, deadline: float) -> tuple[bytes, float]:
        while not self.ready:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            readable, _, _ = select.select([self.fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(self.fd, 1 << 16)
            at = time.perf_counter()
            if not chunk:
                raise EOFError
            *lines, self.buffer = (self.buffer + chunk).split(b"\n")
            self.ready.extend((line, at) for line in lines)
        return self.ready.popleft()


class ScreenTimeout(Exception):
    def __init__(self, message: str, screen: list[str]) -> None:
        super().__init__(message + "\n  last screen:\n" + "\n".join("  | " + s for s in screen))


def run_in_tmux(
    argv: Sequence[str], env: dict[str, str], size: tuple[int, int], marks: Marks
) -> dict[str, float]:
    """Seconds from just before exec until each of `marks` holds on the screen (plus `quit`,
    from sending q until the program has left), in a fresh tmux server at `size`."""
    with tempfile.TemporaryDirectory(prefix="cosell-startup-") as folder:
        tmp = Path(folder)
        fifo, conf = tmp / "go", tmp / "tmux.conf"
        os.mkfifo(fifo)
        conf.write_text("set -g status off\nset -g default-terminal xterm-256color\n")
        tmux = ["tmux", "-S", str(tmp / "socket"), "-f", str(conf)]
        width, height = size
        pane = ["sh", "-c", 'read _ < "$0" && exec "$@"', str(fifo), *argv]
        new = [*tmux, "new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height)]
        subprocess.run([*new, *pane], env=env, check=True)
        client = subprocess.Popen(
            [*tmux, "-C", "attach-session", "-t", "b"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            return _watch(client, fifo, marks)
        finally:
            subprocess.run(
                [*tmux, "kill-server"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if client.stdin:
                client.stdin.close()
            try:
                client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()


def _watch(client: subprocess.Popen[bytes], fifo: Path, marks: Marks) -> dict[str, float]:
    assert client.stdin is not None and client.stdout is not None
    stdin = client.stdin
    lines = _Lines(client.stdout.fileno())
    sent: deque[str] = deque()  # what each command in flight is, in order

    def send(kind: str, command: str) -> None:
        stdin.write(command.encode() + b"\n")
        stdin.flush()
        sent.append(kind)

    deadline = time.perf_counter() + 10
    while not lines.next(deadline)[0].startswith(b"%end "):  # the attach's answer: ready
        pass
    deadline = time.perf_counter() + TUI_TIMEOUT_S
    started = time.perf_counter()
    go = os.open(fifo, os.O_WRONLY)  # the pane's sh waits on it, then execs the command
    os.write(go, b"\n")
    os.close(go)

    found: dict[str, float] = {}
    screen: list[str] = []
    changed_at = 0.0  # when the newest %output was read
    dirty = capturing = False
    block: tuple[str, bytes, float] | None = None  # kind, %begin's tail, frame time
    body: list[bytes] = []
    quit_sent = 0.0
    try:
        while True:
            line, at = lines.next(deadline)
            if block is not None:
                kind, tail, frame_at = block
                if line.startswith((b"%end ", b"%error ")) and line.split(b" ", 1)[1] == tail:
                    block = None
                    if kind != "capture":
                        continue
                    capturing = False
                    screen = [raw.decode("utf-8", "replace") for raw in body]
                    for name, holds in marks.items():
                        if name not in found and holds(screen):
                            found[name] = frame_at - started
                    if len(found) == len(marks) and not quit_sent:
                        quit_sent = time.perf_counter()
                        send("quit", "send-keys -t b q")
                    elif dirty and not quit_sent:
                        dirty, capturing = False, True
                        send("capture", "capture-pane -p -t b")
                else:
                    body.append(line)
            elif line.startswith(b"%begin "):
                tail = line.split(b" ", 1)[1]
                kind = sent.popleft() if tail.endswith(b" 1") and sent else "other"
                block, body = (kind, tail, changed_at), []
                if kind == "capture":
                    dirty = False  # what the capture shows was all announced before %begin
            elif line.startswith(b"%output "):
                changed_at, dirty = at, True
                if not capturing and not quit_sent:
                    dirty, capturing = False, True
                    send("capture", "capture-pane -p -t b")
            elif line.startswith(b"%exit"):
                if quit_sent:
                    quit_s = time.perf_counter() - quit_sent
                    return {**{name: found[name] for name in marks}, "quit": quit_s}
                raise ScreenTimeout("the program left before every mark was seen", screen)
    except TimeoutError:
        what = "did not quit" if quit_sent else f"saw only {sorted(found)} of {sorted(marks)}"
        raise ScreenTimeout(f"{what} within {TUI_TIMEOUT_S:.0f} s", screen) from None
    except EOFError:
        raise ScreenTimeout("tmux went away", screen) from None


MONEY = re.compile(r"\d[\d,]* [A-Z]{3}\b")


def _grid_header(screen: list[str]) -> int | None:
    return next((i for i, s in enumerate(screen) if "Deal name" in s and "Customer" in s), None)


def _tabs_and_header(screen: list[str]) -> bool:
    tabs = any("Inbound" in s and "Outbound" in s for s in screen)
    return tabs and _grid_header(screen) is not None


def _rows(screen: list[str]) -> bool:
    header = _grid_header(screen)
    return header is not None and any(MONEY.search(s) for s in screen[header + 1 :])


def _painted(screen: list[str]) -> bool:
    return any(s.strip() for s in screen)


COSELL_MARKS: Marks = {"paint": _painted, "frame": _tabs_and_header, "rows": _rows}
BARE_MARKS: Marks = {"frame": lambda screen: any(FIRST_FRAME in s for s in screen)}


# --- the runs ---------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    part: str  # "tui" or "cli"
    run: Callable[[], dict[str, float]]
    samples: dict[str, list[float]] = field(default_factory=dict)


def wall(argv: Sequence[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from starting `argv` until it exited (output to /dev/null): `exit`, the wall
    time, and `cpu`, the processor time it used (user + system), which a loaded machine
    stretches far less than the wall time, so its ratios hold from run to run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip()[-400:]
        raise RuntimeError(f"{shlex.join(argv)} exited with {done.returncode}: {tail}")
    return {"exit": elapsed, "cpu": cpu}


def build_cases(
    cosell: str, dbs: dict[int, Path], screens: Sequence[tuple[int, int]], env: dict[str, str]
) -> list[Case]:
    cases: list[Case] = []
    for width, height in screens:
        at = f"{width}x{height}"

        def tui(argv: list[str], marks: Marks, size: tuple[int, int] = (width, height)):
            return lambda: run_in_tmux(argv, env, size, marks)

        cases.append(Case(f"bare Textual {at}", "tui", tui([PYTHON, str(BARE)], BARE_MARKS)))
        bare_sa = [PYTHON, str(BARE), "--sqlalchemy"]
        cases.append(Case(f"bare + sqlalchemy.orm {at}", "tui", tui(bare_sa, BARE_MARKS)))
        for deals, db in dbs.items():
            argv = [cosell, "--db", str(db), "--no-mouse"]
            cases.append(Case(f"cosell {deals:,} {at}", "tui", tui(argv, COSELL_MARKS)))

    def cli(name: str, argv: list[str]) -> None:
        cases.append(Case(name, "cli", lambda: wall(argv, env)))

    cli("python -c pass", [PYTHON, "-c", "pass"])
    cli("import sqlalchemy.orm", [PYTHON, "-c", "import sqlalchemy.orm"])
    cli("cosell --help", [cosell, "--help"])
    for group in GROUPS:
        cli(f"cosell {group} --help", [cosell, group, "--help"])
    for deals, db in dbs.items():
        cli(f"deal list {deals:,}", [cosell, "--db", str(db), "deal", "list", "--limit", "20"])
        number = first_deal(cosell, db, env)
        cli(f"deal show {deals:,}", [cosell, "--db", str(db), "deal", "show", number])
    return cases


def measure(cases: list[Case], rounds: int, warmup: int, seed: int) -> None:
    """Every case once per round, in a new shuffled order each round; warm-up rounds dropped."""
    order = random.Random(seed)
    for number in range(warmup + rounds):
        label = "warm-up" if number < warmup else f"round {number - warmup + 1}/{rounds}"
        print(f"{label} (load {os.getloadavg()[0]:.1f})…", file=sys.stderr, flush=True)
        for part in ("tui", "cli"):  # each part interleaves its cases with their references
            batch = [case for case in cases if case.part == part]
            order.shuffle(batch)
            for case in batch:
                result = case.run()
                if number >= warmup:
                    for mark, seconds in result.items():
                        case.samples.setdefault(mark, []).append(seconds)


# --- the report -------------------------------------------------------------------------------


@dataclass
class Check:
    what: str
    case: str
    mark: str
    reference: str  # the case it is measured beside (and divided by)
    reference_mark: str
    goal: float  # the most the ratio may be, or seconds when `absolute`
    absolute: bool = False  # the goal is a time; the ratio is only shown


def build_checks(dbs: dict[int, Path], screens: Sequence[tuple[int, int]]) -> list[Check]:
    checks: list[Check] = []
    for width, height in screens:
        at = f"{width}x{height}"
        for deals in dbs:
            case = f"cosell {deals:,} {at}"
            frame = f"TUI first frame, {deals:,} deals, {at}"
            rows = f"TUI first rows, {deals:,} deals, {at}"
            checks.append(Check(frame, case, "frame", f"bare Textual {at}", "frame", FRAME_GOAL))
            bare_sa = f"bare + sqlalchemy.orm {at}"
            checks.append(Check(rows, case, "rows", bare_sa, "frame", ROWS_GOAL))
    for name in ("cosell --help", *(f"cosell {g} --help" for g in GROUPS)):
        checks.append(Check(name, name, "exit", "python -c pass", "exit", HELP_LIMIT_S, True))
    for deals in dbs:
        for command in ("deal list", "deal show"):
            name = f"{command} {deals:,}"
            what = f"{command}, {deals:,} deals"
            checks.append(Check(what, name, "exit", "import sqlalchemy.orm", "exit", CLI_GOAL))
            # the same on processor time: what a loaded machine's wall time hides
            cpu = f"{what} (CPU time)"
            checks.append(Check(cpu, name, "cpu", "import sqlalchemy.orm", "cpu", CLI_GOAL))
    return checks


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def evaluate(check: Check, cases: dict[str, Case]) -> dict[str, object]:
    mine = cases[check.case].samples[check.mark]
    stats = summary(mine)
    result: dict[str, object] = {"what": check.what, "case": check.case, **stats}
    theirs = cases[check.reference].samples[check.reference_mark]
    ratio = statistics.median(mine) / statistics.median(theirs)
    paired = [a / b for a, b in zip(mine, theirs, strict=True)]  # the same round's pair
    result.update(
        reference=check.reference,
        reference_median=statistics.median(theirs),
        reference_min=min(theirs),
        reference_max=max(theirs),
        ratio=ratio,
        round_ratio_min=min(paired),
        round_ratio_median=statistics.median(paired),
        round_ratio_max=max(paired),
    )
    if check.absolute:
        result.update(goal=f"<= {check.goal} s", passed=stats["median"] <= check.goal)
    else:
        result.update(goal=f"<= {check.goal}x", passed=ratio <= check.goal)
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def print_report(cases: list[Case], results: list[dict], info: dict[str, object]) -> None:
    print(
        f"# start-up, {info['date']}, {info['cpus']} cores, load {info['load_before']:.1f} → "
        f"{info['load_after']:.1f}, Python {info['python']}, Textual {info['textual']}, "
        f"{info['rounds']} rounds (+{info['warmup']} warm-up), ms: median (min–max)"
    )
    print()
    print("| case | mark | median ms | min–max ms |")
    print("|---|---|---:|---:|")
    for case in cases:
        for mark, samples in case.samples.items():
            s = summary(samples)
            print(f"| {case.name} | {mark} | {ms(s['median'])} | {ms(s['min'])}–{ms(s['max'])} |")
    print()
    print(
        "| figure | median (min–max) ms | reference: median (min–max) ms "
        "| ratio (per round: min–median–max) | goal | |"
    )
    print("|---|---:|---|---:|---|---|")
    for r in results:
        mine = f"{ms(r['median'])} ({ms(r['min'])}–{ms(r['max'])})"
        ref = (
            f"{r['reference']}: {ms(r['reference_median'])} "
            f"({ms(r['reference_min'])}–{ms(r['reference_max'])})"
        )
        ratio = (
            f"{r['ratio']:.2f} ({r['round_ratio_min']:.2f}–{r['round_ratio_median']:.2f}–"
            f"{r['round_ratio_max']:.2f})"
        )
        verdict = "PASS" if r["passed"] else "FAIL"
        print(f"| {r['what']} | {mine} | {ref} | {ratio} | {r['goal']} | {verdict} |")


# --- import times -----------------------------------------------------------------------------

# Runs the console script's entry with the C-level stderr (where -X importtime writes) sent to a
# file, while Textual keeps writing the screen to the terminal through sys.__stderr__.
_SPLIT_STDERR = """\
import os, runpy, sys
terminal = os.dup(2)
log = os.open(sys.argv.pop(1), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.dup2(log, 2)
sys.stderr = sys.__stderr__ = open(terminal, "w", buffering=1)
sys.argv[0] = "cosell"
runpy.run_module("cosell_tui", run_name="__main__")
"""


def import_rows(text: str) -> list[tuple[float, float, str]]:
    """(cumulative s, self s, module) of each line of -X importtime output."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative) / 1e6, int(own) / 1e6, name.strip()))
    return rows


def print_imports(name: str, rows: list[tuple[float, float, str]], top: int) -> None:
    total = sum(own for _, own, _ in rows)
    print(f"\n## {name}: {len(rows)} modules, {total * 1000:,.0f} ms of imports\n")
    print(f"Top {top} by cumulative time (a module's own time plus what it imported first):\n")
    print("| cumulative ms | self ms | module |")
    print("|---:|---:|---|")
    for cumulative, own, module in sorted(rows, reverse=True)[:top]:
        print(f"| {cumulative * 1000:,.1f} | {own * 1000:,.1f} | `{module}` |")
    print(f"\nTop {top} by self time:\n")
    print("| self ms | module |")
    print("|---:|---|")
    for _, own, module in sorted(rows, key=lambda row: -row[1])[:top]:
        print(f"| {own * 1000:,.1f} | `{module}` |")
    packages: dict[str, tuple[float, int]] = {}
    for _, own, module in rows:
        seconds, count = packages.get(module.split(".")[0], (0.0, 0))
        packages[module.split(".")[0]] = (seconds + own, count + 1)
    print(f"\nTop {top} packages by self time summed over their modules:\n")
    print("| self ms | modules | package |")
    print("|---:|---:|---|")
    for package, (seconds, count) in sorted(packages.items(), key=lambda p: -p[1][0])[:top]:
        print(f"| {seconds * 1000:,.1f} | {count} | `{package}` |")


def importtime(cosell: str, db: Path, env: dict[str, str], size: tuple[int, int], top: int) -> None:
    """-X importtime of `cosell --help`, `deal list` and the TUI (to its first rows, then q)."""
    profiled = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
    for name, argv in (
        ("cosell --help", [cosell, "--help"]),
        ("cosell deal list", [cosell, "--db", str(db), "deal", "list", "--limit", "20"]),
    ):
        err = subprocess.run(argv, env=profiled, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        print_imports(name, import_rows(err.stderr.decode()), top)
    with tempfile.TemporaryDirectory(prefix="cosell-importtime-") as folder:
        log = Path(folder) / "imports.txt"
        argv = [PYTHON, "-X", "importtime", "-c", _SPLIT_STDERR, str(log)]
        run_in_tmux([*argv, "--db", str(db), "--no-mouse"], env, size, COSELL_MARKS)
        print_imports(
            "cosell (the TUI, to its first rows and q)", import_rows(log.read_text()), top
        )


# --- main -------------------------------------------------------------------------------------


def parse_screens(text: str) -> list[tuple[int, int]]:
    screens = []
    for item in text.split(","):
        width, height = item.lower().split("x")
        screens.append((int(width), int(height)))
    return screens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--deals",
        default=",".join(str(d) for d in DEALS),
        help="comma-separated deal counts (default: %(default)s)",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="default: %(default)s")
    parser.add_argument("--warmup", type=int, default=1, help="rounds dropped (default 1)")
    parser.add_argument(
        "--screens",
        default=",".join(f"{w}x{h}" for w, h in SCREENS),
        help="terminal sizes for the TUI, e.g. 80x24,160x48 (default: %(default)s)",
    )
    parser.add_argument("--no-tui", action="store_true", help="only the command-line figures")
    parser.add_argument("--no-cli", action="store_true", help="only the TUI figures")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "cosell-bench")
    parser.add_argument("--seed", type=int, default=7, help="of the shuffled order")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON to FILE")
    parser.add_argument(
        "--importtime",
        action="store_true",
        help="instead: the top imports (-X importtime) of --help, deal list and the TUI",
    )
    parser.add_argument("--top", type=int, default=15, help="rows of --importtime")
    args = parser.parse_args()
    if not shutil.which("tmux") and not args.no_tui:
        sys.exit("startup_bench: tmux is needed for the TUI figures (or pass --no-tui)")
    cosell = cosell_script()
    env = environment(args.data)
    deals = [int(d.replace("_", "")) for d in args.deals.split(",") if d]
    dbs = {n: seeded(cosell, args.data, n, env) for n in deals}
    screens = parse_screens(args.screens)
    if args.importtime:
        importtime(cosell, dbs[max(dbs)], env, screens[0], args.top)
        return

    load_before = os.getloadavg()[0]
    cases = build_cases(cosell, dbs, screens, env)
    if args.no_tui:
        cases = [c for c in cases if c.part != "tui"]
    if args.no_cli:
        cases = [c for c in cases if c.part != "cli"]
    measure(cases, args.rounds, args.warmup, args.seed)
    by_name = {case.name: case for case in cases}
    results = [
        evaluate(check, by_name)
        for check in build_checks(dbs, screens)
        if check.case in by_name and check.reference in by_name
    ]
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "python": platform.python_version(),
        "textual": metadata.version("textual"),
        "sqlalchemy": metadata.version("sqlalchemy"),
        "tmux": subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
        if shutil.which("tmux")
        else None,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "deals": deals,
        "screens": [f"{w}x{h}" for w, h in screens],
    }
    document = {
        "machine": info,
        "cases": {
            case.name: {
                mark: {"samples": samples, **summary(samples)}
                for mark, samples in case.samples.items()
            }
            for case in cases
        },
        "checks": results,
    }
    if args.save:
        args.save.write_text(json.dumps(document, indent=2) + "\n")
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print_report(cases, results, info)


if __name__ == "__main__":
    main()
