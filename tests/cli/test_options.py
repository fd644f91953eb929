"""How the command line is read: global options anywhere, -h, nargs="+" options, usage errors."""

from __future__ import annotations

import click
from click.testing import CliRunner

from cosell_tui.cli.options import ManyValues

from .conftest import NOW, Runner, invoke


def test_global_options_before_between_and_after(db: str) -> None:
    before = invoke(["--db", db, "--now", NOW, "deal", "list", "--json"])
    between = invoke(["deal", "--db", db, "list", "--now", NOW, "--json"])
    after = invoke(["deal", "list", "--json", "--now", NOW, "--db", db])
    assert before.code == between.code == after.code == 0, (before.err, between.err, after.err)
    assert before.out == between.out == after.out


def test_the_innermost_global_option_wins(db: str, tmp_path) -> None:
    result = invoke(["--db", str(tmp_path / "elsewhere.db"), "locate", "db", "--db", db])
    assert (result.code, result.out.strip()) == (0, db)


def test_short_help_everywhere() -> None:
    for argv in (["-h"], ["deal", "-h"], ["deal", "show", "-h"], ["catalog", "partners", "-h"]):
        result = invoke(argv)
        assert result.code == 0 and "Usage: cosell" in result.out, argv


def test_usage_errors_are_exit_2_with_the_usage_line(cosell: Runner) -> None:
    for argv, words in [
        (("deal", "frobnicate"), "No such command 'frobnicate'."),
        (("deal",), "Missing command."),
        (("deal", "decline", "1"), "Missing option '--reason'."),
        (("deal", "list", "--limit", "many"), "'many' is not a valid integer"),
        (("deal", "list", "--no-such-option"), "No such option '--no-such-option'."),
    ]:
        result = cosell(*argv)
        assert result.code == 2, argv
        lines = result.err.splitlines()
        assert lines[0].startswith("Usage: cosell "), result.err
        assert lines[-1].startswith("cosell: ") and words in lines[-1], result.err


def test_many_values_take_what_follows_until_the_next_option() -> None:
    @click.command()
    @click.option("--solutions", cls=ManyValues, multiple=True, required=True)
    @click.option("--notes", default="")
    def show(solutions: tuple[str, ...], notes: str) -> None:
        click.echo(f"{list(solutions)} {notes!r}")

    argv = ["--solutions", "A", "B,C", "--notes", "x", "--solutions", "D"]
    result = CliRunner().invoke(show, argv)
    assert result.output.strip() == "['A', 'B,C', 'D'] 'x'"
