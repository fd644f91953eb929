"""Writes under kills and contention: a SIGKILL in the middle of a stream of writes loses no
acknowledged write and leaves a healthy database; 8 processes writing the same 3 deals lose no
update (each either commits, raising the version by one, or is told of the conflict)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import text

from cosell_tui.demo.seed import seed
from cosell_tui.domain.clock import parse_instant
from cosell_tui.store import health
from cosell_tui.store.db import make_engine
from cosell_tui.store.migrate import upgrade

from .conftest import ROOT, SCALE, record

NOW = "2026-11-23T12:00:00Z"

#: Edits the notes of deals `ids` for `seconds` as ava; prints `ok ID VERSION` after each commit
#: (flushed: an acknowledged write) and `conflict ID` when another writer was first.
WRITER = """
import sys, time
from cosell_tui.service import open_service
from cosell_tui.service.errors import ConflictError
from cosell_tui.service.forms import DetailsEdit
url, ids, seconds, tag = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3]), sys.argv[4]
ids = [int(i) for i in ids]
svc = open_service(url, user="ava", now="2026-11-23T12:00:00Z")
svc.listing.deal(ids[0])  # the rules' first use is slow: not inside the timed loop
print("ready", flush=True)
end, n = time.monotonic() + seconds, 0
while time.monotonic() < end:
    deal = ids[n % len(ids)]
    n += 1
    row = svc.listing.row(deal)
    try:
        out = svc.lifecycle.edit_details(deal, row.version, DetailsEdit(notes=f"{tag} {n}"))
    except ConflictError:
        print("conflict", deal, flush=True)
        continue
    print("ok", deal, out.deal.version, flush=True)
print("done", flush=True)
"""


def _prepare(url: str) -> list[int]:
    engine = make_engine(url)
    upgrade(engine)
    seed(engine, 30, 7, now=parse_instant(NOW))
    with engine.connect() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT r.id FROM referral r JOIN organization o ON o.id = r.org_id "
                    "WHERE o.name = 'Fabrikam Consulting' ORDER BY r.id LIMIT 3"
                )
            )
        ]
    engine.dispose()
    assert len(ids) == 3
    return ids


def _state(url: str, ids: list[int]) -> tuple[dict[int, int], int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        versions = {
            row[0]: row[1]
            for row in conn.execute(
                text(f"SELECT id, version FROM referral WHERE id IN ({','.join(map(str, ids))})")
            )
        }
        edits = conn.execute(
            text("SELECT count(*) FROM history WHERE action = 'details_edited'")
        ).scalar_one()
    engine.dispose()
    return versions, edits


def _writer(url: str, ids: list[int], seconds: float, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, ",".join(map(str, ids)), str(seconds), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ},
    )


def test_sigkill_during_writes_loses_no_acknowledged_write(db_url: str) -> None:
    ids = _prepare(db_url)
    rng = random.Random(11)
    acknowledged = 0
    for round_ in range(3 * SCALE):
        before, edits_before = _state(db_url, ids)
        proc = _writer(db_url, ids, 60, f"kill{round_}")
        assert proc.stdout is not None
        seen = [proc.stdout.readline()]
        while seen[-1] and not seen[-1].startswith("ok "):  # the first write warms the rules
            seen.append(proc.stdout.readline())
        time.sleep(0.2 + rng.random())  # in the middle of the writes
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.communicate(timeout=60)
        out = "".join(seen) + rest
        assert proc.returncode == -9, err
        acked = [line.split() for line in out.splitlines() if line.startswith("ok ")]
        acknowledged += len(acked)
        after, edits_after = _state(db_url, ids)
        for _ok, deal, version in acked:
            assert after[int(deal)] >= int(version)  # every acknowledged write is there
        assert edits_after - edits_before >= len(acked)
        assert sum(after.values()) - sum(before.values()) == edits_after - edits_before
        engine = make_engine(db_url)
        assert all(f.ok for f in health.check(engine)), health.check(engine)
        engine.dispose()
    assert acknowledged > 0
    record("sigkill during writes", backend=db_url.split(":")[0], kills=3 * SCALE,
           acknowledged=acknowledged, lost=0, unhealthy=0)  # fmt: skip


def test_eight_writers_on_three_deals_lose_no_update(db_url: str) -> None:
    ids = _prepare(db_url)
    before, edits_before = _state(db_url, ids)
    procs = [_writer(db_url, ids, 4 * SCALE, f"w{i}") for i in range(8)]
    outcomes: Counter[str] = Counter()
    for proc in procs:
        out, err = proc.communicate(timeout=120 + 10 * SCALE)
        assert proc.returncode == 0, err
        assert out.splitlines()[-1] == "done"
        outcomes.update(line.split()[0] for line in out.splitlines()[1:-1])
    after, edits_after = _state(db_url, ids)
    assert outcomes["ok"] > 0
    # No lost update: every commit raised a version by exactly one and left its history line.
    assert sum(after.values()) - sum(before.values()) == outcomes["ok"]
    assert edits_after - edits_before == outcomes["ok"]
    record("8 writers, 3 deals", backend=db_url.split(":")[0], seconds=4 * SCALE,
           commits=outcomes["ok"], conflicts=outcomes["conflict"], lost=0)  # fmt: skip
