"""Customer search and CSV account matching against a large account table.

    .venv/bin/python benchmarks/match_bench.py                         # 200k accounts, SQLite
    .venv/bin/python benchmarks/match_bench.py --accounts 500000 --pg postgresql://…/db

Seeds a small demo database (the Contoso family and the other demo accounts), then adds
`--accounts` synthetic customers (pronounceable names, 1–3 words, "Holdings"/"Group" common
words included) with their `account_key` rows, written in bulk. Times the wizard's search
(exact, typo in the first letters, halfway, a common word, Search more) and `match_account` for
`--rows` CSV-like rows (name with a typo, country, city), and prints SQLite's plan for the key
probe (an index search, never a scan of `account`). Results: docs/csv.md "Account matching".

    .venv/bin/python benchmarks/match_bench.py --import-db /tmp/cosell-bench/bench-1000000.db \
        [--reference /path/to/old/checkout] [--repeat 3]

End to end instead: writes `--rows` create rows naming the store's own customers (Managed,
Unmanaged and DUNS accounts, every other name with a typo in its first three letters) in their
cities, and times `cosell deal import FILE --dry-run --partial -o RESULT` as its own process
(start-up included), with its peak memory. With `--reference` the same import by that checkout's
code runs interleaved with ours (the machine is shared: compare the ratio).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_bench import CHILD
from sqlalchemy import text

from cosell_tui.demo.seed import seed
from cosell_tui.domain.names import company_key, name_keys
from cosell_tui.rules import default_rulebook
from cosell_tui.service import open_service
from cosell_tui.store import bulk
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade

BENCH_DIR = Path("/tmp/cosell-bench")
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SYLLABLES = [a + b for a in "kmrstvbdgjlp" for b in "aeiouy"][:30]
COMMON = ("", "", "", " Holdings", " Group", " Industries", " Systems")
KINDS = ("MicrosoftManaged", "MicrosoftUnmanaged", "Other")
COUNTRIES = ("US", "GB", "DE", "IN", "FR", "CA", "BR", "IE")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def add_accounts(url: str, n: int, rng: random.Random) -> None:
    """Write `n` synthetic accounts (ids from 1001 on) with their keys."""
    engine = make_engine(url)
    columns = {
        "account": ("id", "name", "search_name", "kind", "duns", "federal", "city", "country",
                    "domain"),
        "account_key": ("key", "account_id"),
    }  # fmt: skip
    with engine.connect() as conn:
        first = 1001  # past the demo's accounts
        loader = bulk.BulkLoader(conn, columns, commit_each=True)
        for pk in range(first, first + n):
            name = " ".join(_word(rng) for _ in range(rng.randint(1, 2))) + rng.choice(COMMON)
            key = company_key(name)
            country, city = rng.choice(COUNTRIES), _word(rng)
            loader.add(
                "account",
                (pk, name, key, rng.choice(KINDS), f"{rng.randrange(10**8, 10**9)}", False, city,
                 country, f"{key.replace(' ', '')[:30]}{pk}.example"),
            )  # fmt: skip
            loader.extend("account_key", ((k, pk) for k in name_keys(key)))
        loader.close()
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE account")
            conn.exec_driver_sql("ANALYZE account_key")
        conn.commit()
    engine.dispose()


def _built(url: str, accounts: int) -> bool:
    """The database is there with its synthetic accounts (kept from an earlier run)."""
    if not args_pg(url) and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM account WHERE id > 1000")).scalar()
            return bool(n and n >= accounts - 1000)  # ids from 1001 on (past the demo)
    except Exception:  # no schema yet
        return False
    finally:
        engine.dispose()


def args_pg(url: str) -> bool:
    return not url.startswith("sqlite")


def _sample(url: str) -> list[tuple[str, str, str]]:
    """Every 40th synthetic account (name, country, city), up to 5,000."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT name, country, city FROM account WHERE id > 1000 AND id % 40 = 0"
                " ORDER BY id LIMIT 5000"
            )
        ).all()
    engine.dispose()
    return [(str(n), str(c), str(t)) for n, c, t in rows]


def typo(name: str, rng: random.Random) -> str:
    """One edit in the first three letters of the first word."""
    at = rng.randrange(0, 3)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return name[:at] + letter + name[at + 1 :]


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms"


def import_file(db: Path, rows: int, out: Path) -> Path:
    """`rows` create rows (a Partner Center upload) naming the store's customers in their
    cities, every other name with a typo in its first three letters."""
    from cosell_tui.domain import pccsv as pc

    rng = random.Random(11)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        accounts = conn.execute(
            text(
                "SELECT name, country, city, address_line1 FROM account"
                " WHERE kind IN ('MicrosoftManaged', 'MicrosoftUnmanaged', 'Other')"
                " ORDER BY id LIMIT 5000"
            )
        ).all()
        partner_id = conn.execute(
            text(
                "SELECT l.partner_id FROM location l JOIN user_account u ON u.org_id = l.org_id"
                " WHERE u.username = 'ava'"
                " ORDER BY l.id LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    picked = rng.choices(accounts, k=rows)
    columns = pc.header(1, 1)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = pc.writer(f, columns)
        for i, (name, country, city, street) in enumerate(picked):
            writer.writerow(
                {
                    pc.DEAL_NAME: f"Bench deal {i}",
                    pc.CUSTOMER_NAME: typo(name, rng) if i % 2 else name,
                    pc.ADDRESS_1: street or "1 Main Street",
                    pc.CITY: city or "",
                    pc.COUNTRY: country,
                    pc.STATUS: "Active",
                    pc.SUBSTATUS: "Accepted",
                    pc.VALUE: "25000",
                    pc.CURRENCY: "USD",
                    pc.CLOSE_DATE: "6/30/2027",
                    pc.NOTES: "Bench upload.",
                    pc.HELP_REQUIRED: "No",
                    pc.SHARE: "No",
                    pc.CONSENT: "Yes",
                    pc.PARTNER_ID: partner_id or "",
                    pc.MARKETPLACE_INTENT: "Have not decided",
                    f"{pc.SOLUTION} 1": "SOL-41004-FLD",
                    f"{pc.TEAM_MEMBER} 1": "Ava, Bench, +12015550100, ava.bench@example.com",
                }
            )
    return out


def run_import(db: Path, csv: Path, reference: str) -> tuple[float, float, str]:
    """(seconds, peak MiB, summary line) of one `cosell deal import` in a child process;
    `reference` is a checkout whose code to run instead of ours ("" for ours)."""
    result = csv.with_suffix(".result.csv")
    args = ["--db", str(db), "--now", NOW.isoformat(), "--user", "ava", "deal", "import",
            str(csv), "--dry-run", "--partial", "-o", str(result)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, reference, *args], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    if not lines or not lines[-1].isdigit():  # exit 1: rows refused, as expected
        raise SystemExit(f"the import failed: {done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return seconds, int(lines[-1]) / 1024, summary


def bench_import(args: argparse.Namespace) -> int:
    db = Path(args.import_db)
    bench_csv = Path(tempfile.gettempdir()) / f"cosell-import-bench-{args.rows}.csv"
    csv = import_file(db, args.rows, bench_csv)
    print(f"{args.rows} create rows from {db.name}; machine: {os.cpu_count()} cores, load"
          f" {os.getloadavg()[0]:.1f}")  # fmt: skip
    runs: dict[str, list[float]] = {"ours": [], "reference": []}
    for _ in range(args.repeat):
        for who, ref in (("reference", args.reference), ("ours", "")):
            if who == "reference" and not ref:
                continue
            seconds, peak, summary = run_import(db, csv, ref)
            runs[who].append(seconds)
            print(f"  {who:>9}: {seconds:5.2f} s, {peak:4.0f} MiB peak; {summary}")
    ours = statistics.median(runs["ours"])
    line = f"median ours {ours:.2f} s"
    if runs["reference"]:
        old = statistics.median(runs["reference"])
        line += f", reference {old:.2f} s, ratio {ours / old:.2f}"
    print(line + f" (goal ≤ 5 s: {'met' if ours <= 5 else 'NOT met'})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--pg", help="a PostgreSQL URL (an empty database) instead of SQLite")
    parser.add_argument("--import-db", help="time `cosell deal import` on this SQLite store")
    parser.add_argument("--reference", default="", help="a checkout to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.import_db:
        return bench_import(args)
    rng = random.Random(7)
    kept = BENCH_DIR / f"match-{args.accounts}.db"
    url = args.pg or f"sqlite:///{kept}"
    if not _built(url, args.accounts):
        BENCH_DIR.mkdir(exist_ok=True)
        engine = make_engine(url)
        upgrade(engine)
        seed(engine, 200, 7, now=NOW)
        engine.dispose()
        started = time.perf_counter()
        add_accounts(url, args.accounts, rng)
        spent = time.perf_counter() - started
        print(f"{args.accounts:,} accounts and their keys written in {spent:.0f} s")
    sample = _sample(url)
    svc = open_service(url, user="ava", now=NOW.isoformat(), rules=default_rulebook())
    try:
        queries = {
            "exact": [n for n, _c, _t in sample[:50]],
            "typo in the first letters": [typo(n, rng) for n, _c, _t in sample[50:100]],
            "halfway": [n[: max(4, len(n) // 2)] for n, _c, _t in sample[100:150]],
            "common word only": ["Holdings", "Group Industries", "Systems"],
            "Contoso family": ["Contoso", "Cntoso", "Kontoso Pvt Ltd"],
        }
        for what, names in queries.items():
            times = []
            for name in names:
                t = time.perf_counter()
                svc.catalog.search_accounts(name)
                times.append(time.perf_counter() - t)
            wider = []
            for name in names[:10]:
                t = time.perf_counter()
                svc.catalog.search_accounts(name, wider=True)
                wider.append(time.perf_counter() - t)
            print(f"search, {what} ({len(names)}): {_ms(times)}; Search more: {_ms(wider)}")
        rows = [(typo(n, rng) if i % 2 else n, c, t) for i, (n, c, t) in enumerate(sample)]
        rows = (rows * (args.rows // max(len(rows), 1) + 1))[: args.rows]
        t = time.perf_counter()
        found = sum(svc.catalog.match_account(n, c, city) is not None for n, c, city in rows)
        spent = time.perf_counter() - t
        print(f"match_account, {len(rows)} rows (half with a typo): {spent:.2f} s, {found} matched")
        t = time.perf_counter()  # as an import does: the file's reads shared (Catalog.matching)
        shared = svc.catalog.matching((n, c) for n, c, _t in rows)
        found = sum(
            svc.catalog.match_account(n, c, city, matching=shared) is not None
            for n, c, city in rows
        )
        spent = time.perf_counter() - t
        print(f"  the same rows sharing their reads: {spent:.2f} s, {found} matched")
        if url.startswith("sqlite"):
            with make_engine(url).connect() as conn:
                plan = list(
                    conn.exec_driver_sql(
                        "EXPLAIN QUERY PLAN SELECT account_id FROM account_key"
                        " WHERE key IN ('=contoso', '~ontoso', '>contos') LIMIT 1001"
                    )
                )
                plan += conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT * FROM account WHERE id IN (1, 2, 3)"
                    " AND country = 'IN'"
                ).all()
                print("key probe plan:", "; ".join(str(r[-1]) for r in plan))
    finally:
        svc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
