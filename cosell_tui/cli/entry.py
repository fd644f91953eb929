"""The `cosell` console script. A command line of global options only (`cosell`, `cosell --db
FILE --no-mouse`...) opens the TUI without click: the TUI's first frame should cost what any
Textual app's does (README, "Speed"), and click with rich-click is a good part of a small
app's start-up. Anything else (a command, help, an option this module does not know, a value
it is not sure of) goes to click (`root`), which also opens the TUI and says the same of every
mistake, so this module only has to recognise the plainest command lines, never to refuse one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: The global options that take a value (cli/options.py), by flag: Runtime's attribute.
VALUED = {"--db": "db", "--user": "user", "--now": "now"}
#: The on/off flags: Runtime.mouse_flag.
FLAGS = {"--mouse": True, "--no-mouse": False}


def tui_options(args: Sequence[str]) -> dict[str, str | bool] | None:
    """The Runtime attributes a command line of global options only sets (a later option wins,
    as with click), or None when it is anything else, or anything click might read otherwise:
    an empty value, a value that starts with '-', text that is not UTF-8 or holds a NUL."""
    given: dict[str, str | bool] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if not _plain(arg):
            return None
        if arg in FLAGS:
            given["mouse_flag"] = FLAGS[arg]
            continue
        flag, equals, value = arg.partition("=")
        if flag not in VALUED:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-") or not _plain(value):
            return None
        given[VALUED[flag]] = value
    return given


def _plain(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def open_tui(given: dict[str, str | bool]) -> int:
    """What `cosell` without a command does through click (root.py): check the clock and the
    environment, open the TUI, and turn what fails into the same sentences and exit codes."""
    from cosell_tui.cli import tui
    from cosell_tui.cli.errors import EXIT_INTERRUPTED, exit_code_for
    from cosell_tui.cli.output import Output
    from cosell_tui.cli.runtime import Runtime

    output = Output(sys.stdout, sys.stderr)
    rt = Runtime(output)
    for name, value in given.items():
        setattr(rt, name, value)
    try:
        rt.check_clock()
        return tui.run_tui(rt)
    except KeyboardInterrupt:
        output.warn("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        return exit_code_for(exc, output, rt.database)
    finally:
        rt.close_or_warn()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `cosell ARGV...` and return its exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    given = tui_options(args)
    if given is None:
        from cosell_tui.cli.root import main as command_line

        return command_line(args)
    return open_tui(given)
