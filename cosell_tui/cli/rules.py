"""`cosell rules check`: validate rule files without starting anything."""

from __future__ import annotations

from pathlib import Path

from cosell_tui.cli.errors import EXIT_OK, EXIT_REFUSED, CliError
from cosell_tui.cli.options import argument, command, group, pass_runtime
from cosell_tui.cli.runtime import Runtime

#: Where the built-in rule files live (the rules package's folder; found without importing it).
BUILTIN_FOLDER = Path(__file__).resolve().parents[1] / "rules"


@group("rules", help="Rule files.")
def rules() -> None:
    """Nothing to do before the action runs."""


def builtin_rule_files() -> list[Path]:
    folder = BUILTIN_FOLDER
    found = [*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")]
    return sorted([*found, *folder.glob("*.csv")])  # routing.csv: the demo's routing rules


def _relative(path: Path) -> str:
    """A path as short as possible: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@command(
    "check",
    help="Validate rule files (YAML, or routing rules as CSV): syntax, fields, operators, limits.",
)
@argument("files", nargs=-1, metavar="FILE...", help="Default: the built-in rule files.")
@pass_runtime
def check(rt: Runtime, files: tuple[str, ...]) -> int:
    from cosell_tui.rules import check_rule_files

    paths = [Path(f) for f in files] or builtin_rule_files()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CliError(f"no such rule file: {', '.join(missing)}")
    if not paths:
        raise CliError("no rule files found")
    problems = check_rule_files(paths)
    for problem in problems:
        rt.output.warn(problem)
    if problems:
        return EXIT_REFUSED
    for path in paths:
        rt.output.line(f"ok  {_relative(path)}")
    return EXIT_OK


rules.add_command(check)
