"""Fill the examples of docs/cli.md by running them: `python scripts/cli_examples.py`.

Every `<!-- run: ARGS -->` marker in docs/cli.md is followed by a ```console block; this script
seeds a demo database (`cosell seed --deals 500 --seed 7` at a fixed clock), runs `cosell ARGS`
against it in document order (so the examples tell one story: accept, then decline, then …) and
writes what the command printed into the block. `<!-- run!: ARGS -->` marks a command that must
fail: its stderr and `echo $?` are shown. ARGS may name deals by role (`{inbound}`, `{won}`, …):
ROLES says how each is picked from the fresh database, before anything runs. `- <<< 'TEXT'`
feeds TEXT on standard input.

    python scripts/cli_examples.py           # rewrite docs/cli.md
    python scripts/cli_examples.py --check   # exit 1 if docs/cli.md is not what it produces

tests/cli/test_docs.py runs `--check`'s comparison, so the examples cannot drift from the code.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli.md"
NOW = "2026-11-23T12:00:00Z"
DEALS = 500
SEED = 7
#: Where the examples pretend the database lives (the demo user's data directory).
SHOWN_FOLDER = "/home/ava/.local/share/cosell"
#: Commands that run on a database of their own (named as the docs show it).
OWN_DATABASE = {"init": "init.db", "seed": "fresh.db", "setup": "team.db"}

MARKER = re.compile(r"^<!-- (run!?): (.*) -->$")
FENCE = "```"


@dataclass
class Ran:
    code: int
    out: str
    err: str


class Cosell:
    """`cosell` in this process, on one folder of databases, with the clock fixed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextlib.contextmanager
    def _environment(self, database: str, stdin: str | None) -> Iterator[None]:
        saved_env = dict(os.environ)
        saved_stdin = sys.stdin
        for name in list(os.environ):
            if name.startswith("COSELL_"):
                del os.environ[name]
        os.environ.update(
            COSELL_DB=str(self.folder / database),
            COSELL_NOW=NOW,
            COSELL_CONFIG_FILE=str(self.folder / "config.toml"),  # never written: defaults
        )
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            sys.stdin = saved_stdin

    def run(self, argv: list[str], stdin: str | None = None) -> Ran:
        from cosell_tui.cli import main

        out, err = io.StringIO(), io.StringIO()
        database = OWN_DATABASE.get(argv[0], "cosell.db") if argv else "cosell.db"
        with self._environment(database, stdin):
            code = main(argv, out, err)
        shown = str(self.folder)
        return Ran(
            code,
            out.getvalue().replace(shown, SHOWN_FOLDER),
            err.getvalue().replace(shown, SHOWN_FOLDER),
        )

    def json(self, *argv: str) -> Any:
        ran = self.run([*argv, "--json"])
        if ran.code != 0:
            raise SystemExit(f"cli_examples: cosell {shlex.join(argv)} failed: {ran.err}")
        return json.loads(ran.out)


# --- the deals the examples name -----------------------------------------------------------------


def _items(cosell: Cosell, tab: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = cosell.json("deal", "list", "--tab", tab, "--limit", "1000")[
        "items"
    ]
    return items


def _number(item: dict[str, Any]) -> str:
    return str(item["x-cosell"]["number"])


def _qualified(cosell: Cosell, index: int) -> str:
    """The index-th open outbound deal at 20 % (Qualified), in the tab's default order: it can
    go forward a stage, be won, lost, closed as error, get invitations."""
    found = [i for i in _items(cosell, "outbound") if i["x-cosell"]["stagePct"] == 20]
    return _number(found[index])


def _solutions(cosell: Cosell, deal: str) -> list[dict[str, Any]]:
    detail = cosell.json("deal", "show", deal)
    solutions: list[dict[str, Any]] = detail["details"]["requirements"]["solutions"]
    return solutions


def _ip_solution(cosell: Cosell) -> str:
    """The Azure IP co-sell solution of {outbound}, the deal that is won and registered."""
    solutions = _solutions(cosell, _qualified(cosell, 0))
    return str(next(s["id"] for s in solutions if s["x-cosell"]["azureIpCoSell"]))


def _partner_solution(cosell: Cosell) -> str:
    """A solution {partner} publishes: what an invitation may ask them to bring."""
    partner = str(cosell.json("catalog", "partners")[0]["name"])
    found = cosell.json("catalog", "solutions", "--search", partner)
    return str(next(s["id"] for s in found if s["publisherName"] == partner))


def _customer_word(cosell: Cosell) -> str:
    detail = cosell.json("deal", "show", _qualified(cosell, 3))
    return str(detail["customerProfile"]["name"].split()[0])


#: Placeholder -> how it is picked from the freshly seeded database.
ROLES: dict[str, Callable[[Cosell], str]] = {
    "inbound": lambda c: _number(_items(c, "inbound")[0]),
    "inbound2": lambda c: _number(_items(c, "inbound")[1]),
    "outbound": lambda c: _qualified(c, 0),
    "outbound2": lambda c: _qualified(c, 1),
    "outbound3": lambda c: _qualified(c, 2),
    "outbound4": lambda c: _qualified(c, 3),
    "private": lambda c: _number(
        next(i for i in _items(c, "outbound") if i["x-cosell"]["dealType"] == "Private")
    ),
    "won": lambda c: _number(
        next(
            i
            for i in _items(c, "closed")
            if i["substatus"] == "Won" and i["x-cosell"]["dealType"] != "SolutionAssessment"
        )
    ),
    "partner": lambda c: str(c.json("catalog", "partners")[0]["name"]),
    "solution": lambda c: str(_solutions(c, _qualified(c, 3))[0]["id"]),
    "partnersol": _partner_solution,
    "ipsol": _ip_solution,
    "account": _customer_word,
    "review": lambda c: str(c.json("--user", "ms-jordan", "registration", "list")[0]["number"]),
    # The most recent filing: within the 60 days an exception may be asked for.
    "recent": lambda c: str(
        max(
            c.json("--user", "ms-jordan", "registration", "list"),
            key=lambda i: i["filedDateTime"],
        )["number"]
    ),
}


#: Roles that name a deal an earlier example made: resolved when first used, not before.
LATE_ROLES: dict[str, Callable[[Cosell], str]] = {
    "sent": lambda c: _number(
        c.json("deal", "list", "--tab", "inbound", "--filter", "Contoso Retail")["items"][0]
    ),
}


# --- the document --------------------------------------------------------------------------------


def _block(kind: str, template: str, cosell: Cosell, roles: dict[str, str]) -> list[str]:
    """The console block for one marker: the command as typed and what it printed."""
    shown = template
    for name in re.findall(r"\{(\w+)\}", template):
        if name not in roles and name in LATE_ROLES:
            roles[name] = LATE_ROLES[name](cosell)
        if name not in roles:
            raise SystemExit(f"cli_examples: no role {{{name}}} (see ROLES)")
        shown = shown.replace(f"{{{name}}}", shlex.quote(roles[name]))
    command, stdin = shown, None
    if " <<< " in shown:
        command, _, text = shown.partition(" <<< ")
        stdin = shlex.split(text)[0] + "\n"
    ran = cosell.run(shlex.split(command), stdin)
    lines = [f"$ cosell {shown}"]
    if kind == "run":
        if ran.code != 0:
            raise SystemExit(f"cli_examples: `cosell {shown}` failed ({ran.code}): {ran.err}")
        lines += ran.out.rstrip("\n").splitlines()
    else:
        if ran.code == 0:
            raise SystemExit(f"cli_examples: `cosell {shown}` was to fail but exited 0")
        lines += (ran.err + ran.out).rstrip("\n").splitlines()
        lines += ["$ echo $?", str(ran.code)]
    return [FENCE + "console", *lines, FENCE]


def render(text: str, folder: Path) -> str:
    """docs/cli.md with every example block replaced by what its command prints now."""
    cosell = Cosell(folder)
    main_db = str(folder / "cosell.db")
    seeded = cosell.run(["--db", main_db, "seed", "--deals", str(DEALS), "--seed", str(SEED)])
    if seeded.code != 0:
        raise SystemExit(f"cli_examples: seeding failed: {seeded.err}")
    with contextlib.chdir(ROOT):  # examples/… and rule file paths are relative to the repo
        roles = {name: pick(cosell) for name, pick in ROLES.items()}
        out: list[str] = []
        lines = text.splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            out.append(line)
            index += 1
            marker = MARKER.match(line)
            if marker is None:
                continue
            if index >= len(lines) or not lines[index].startswith(FENCE):
                raise SystemExit(f"cli_examples: no ```console block after {line}")
            end = lines.index(FENCE, index + 1)  # the closing fence of the old block
            out += _block(marker.group(1), marker.group(2), cosell, roles)
            index = end + 1
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on a change")
    args = parser.parse_args()
    current = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="cosell-examples-") as folder:
        fresh = render(current, Path(folder))
    if args.check:
        if fresh != current:
            print("docs/cli.md is out of date: run python scripts/cli_examples.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    print("docs/cli.md: examples regenerated" if fresh != current else "docs/cli.md: up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
