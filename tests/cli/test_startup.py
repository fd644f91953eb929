"""Start-up hygiene: help and usage import nothing heavy, commands only what they need.

Each check runs `main(argv)` in a fresh interpreter and then looks at `sys.modules`: `cosell
--help` and the help of every group and command must not import SQLAlchemy, Textual, the rules
or durable-rules (the service is not needed to print help); `deal list` and `deal show` never
import Textual, and `deal list`, which asks the rules nothing, imports neither them nor
durable-rules (`deal show` does: it lists the actions the rules allow), and `deal show` reads
its deal without the ORM.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cosell_tui.cli.deal import ACTIONS
from cosell_tui.cli.root import COMMANDS

from .conftest import NOW

HEAVY = ("sqlalchemy", "textual", "cosell_tui.rules", "cosell_tui.service", "durable")
GROUPS = ("deal", "rules", "catalog")


def _env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSELL_")}
    env["COSELL_CONFIG_FILE"] = str(tmp_path / "config.toml")
    return env


def loaded_after(runs: list[list[str]], tmp_path, watched: tuple[str, ...]) -> list[dict]:
    """For each argv, in one fresh interpreter: the exit code and which `watched` packages
    (or their submodules) are loaded once it has run (cumulative: the first offender shows)."""
    script = textwrap.dedent(
        f"""
        import io, json, sys
        from cosell_tui.cli import main
        watched = {watched!r}
        for argv in {runs!r}:
            code = main(argv, io.StringIO(), io.StringIO())
            loaded = sorted({{w for w in watched for m in sys.modules
                             if m == w or m.startswith(w + ".")}})
            print(json.dumps({{"argv": argv, "code": code, "loaded": loaded}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        env=_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_help_imports_nothing_heavy(tmp_path) -> None:
    runs = [["--help"], *[[name, "--help"] for name in COMMANDS]]
    runs += [["deal", name, "--help"] for name in ACTIONS]
    runs += [["rules", "check", "--help"], ["catalog", "accounts", "--help"]]
    runs += [["deal", "nosuchaction"], ["deal", "list", "--tab", "nowhere"]]  # usage errors
    for result in loaded_after(runs, tmp_path, HEAVY):
        assert result["code"] in (0, 2), result
        assert result["loaded"] == [], result


@pytest.mark.parametrize("group", GROUPS)
def test_group_help_alone(group: str, tmp_path) -> None:
    """Each group's help in an interpreter of its own (nothing left over from another)."""
    [result] = loaded_after([[group, "--help"]], tmp_path, (*HEAVY, "pydantic"))
    assert (result["code"], result["loaded"]) == (0, []), result


#: What a grid read does without: the ORM and the models (the grids read Core tables,
#: store/tables.py), SQLAlchemy's PostgreSQL dialect on a SQLite database, the rules, pydantic
#: (no input to validate), Alembic (the schema is current: one query says so), Textual.
NOT_FOR_A_LIST = (
    "textual",
    "cosell_tui.rules",
    "durable",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
    "cosell_tui.domain.facts",
    "cosell_tui.store.models",
    "cosell_tui.service.unit",
    "pydantic",
    "alembic",
)


def test_deal_list_and_show_import_only_what_they_need(db: str, tmp_path) -> None:
    base = ["--db", db, "--now", NOW]
    runs = [
        [*base, "deal", "list"],
        [*base, "deal", "list", "--filter", "type:co-sell contoso", "--sort", "value"],
        [*base, "deal", "list", "--tab", "favorites", "--json"],
    ]
    for listed in loaded_after(runs, tmp_path, NOT_FOR_A_LIST):
        assert (listed["code"], listed["loaded"]) == (0, []), listed
    [shown] = loaded_after([[*base, "deal", "show", "1"]], tmp_path, NOT_FOR_A_DEAL)
    assert (shown["code"], shown["loaded"]) == (0, []), shown
    [plain] = loaded_after([[*base, "deal", "list", "--json"]], tmp_path, ("rich",))
    assert plain["loaded"] == [], "--json prints no table: rich stays unloaded"


#: What printing a table of deals does without: rich's console and table (the CLI lays out
#: its tables itself, cli/output.py; only `rich.cells` measures text that is not ASCII) and
#: babel (money in the default locale is written without it, domain/format.py).
NOT_FOR_A_TABLE = ("rich.console", "rich.table", "rich.text", "babel")

#: `deal show` reads one deal through Core (service/detail.py) and asks the transitions and
#: eligibility rule sets, and needs nothing else: not the ORM, the models or the unit of work,
#: nor the deal-type rule set (its module, pydantic models and file), Textual, Alembic,
#: SQLAlchemy's PostgreSQL dialect on SQLite, the insights tables or the input forms.
NOT_FOR_A_DEAL = (
    *NOT_FOR_A_TABLE,
    "textual",
    "alembic",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
    "cosell_tui.store.models",
    "cosell_tui.service.unit",
    "cosell_tui.rules.deal_type",
    "cosell_tui.store.insights_kept",
    "cosell_tui.service.inputs",
)


def test_deal_list_and_show_print_without_rich_or_babel(db: str, tmp_path) -> None:
    base = ["--db", db, "--now", NOW]
    runs = [[*base, "deal", "list"], [*base, "deal", "list", "--tab", "closed"]]
    for listed in loaded_after(runs, tmp_path, NOT_FOR_A_TABLE):
        assert (listed["code"], listed["loaded"]) == (0, []), listed
    shown = loaded_after([[*base, "deal", "show", str(n)] for n in (1, 2, 3)], tmp_path, ())
    assert [run["code"] for run in shown] == [0, 0, 0]


def test_deal_show_does_not_search_for_pydantic_plugins(db: str, tmp_path) -> None:
    """pydantic would scan every installed distribution for plugins (cli/root.py)."""
    argv = ["--db", db, "--now", NOW, "deal", "show", "1"]
    script = textwrap.dedent(
        f"""
        import io, sys
        from cosell_tui.cli import main
        code = main({argv!r}, io.StringIO(), io.StringIO())
        loader = sys.modules.get("pydantic.plugin._loader")
        print(code, loader is not None and loader._plugins is None)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        env=_env(tmp_path),
    )  # fmt: skip
    assert done.stdout.split() == ["0", "True"], done.stderr
