"""The `cosell` command: open the TUI, or run one co-sell use case from a shell or a script.

Every command goes through the same service layer as the TUI, so a rule that refuses a key
press also refuses the command. Built for scripts: `--json` on reads, stable exit codes,
one `cosell: ` line on stderr for every refusal, never a traceback for bad input (docs/cli.md).

The package, on click with rich-click for help and rich for tables:

- `entry`: the console script; a command line of global options only (the TUI) goes straight
  to `tui` without click, anything else to `root`.
- `root`: the `cosell` group and `main()`; `lazy`: the group that imports a subcommand's
  module only when it runs or shows its help; `options`: command classes, global and shared
  options; `runtime`: the options in force and the service, opened on first use.
- `admin`, `tui` (the TUI's opening, no click), `demo`, `rules`, `catalog`, `deal` (+
  `deal_read`, `deal_write`, `deal_create`, `explain`): the commands; `render`, `jsonio`:
  deals as text and as JSON; `document`: the JSON documents read (pydantic); `parse`: typed
  values; `errors`: exit codes and messages; `output`: printing, the only module that imports
  rich.

Start-up stays light: importing this package imports nothing (`main` loads `root` when first
asked for); `cosell --help` imports click and rich-click (rich when help is drawn); a command
imports the service (SQLAlchemy, the rules) when it needs it, Textual only the TUI, which
starts without click (`entry`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cosell_tui.cli.root import main

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from cosell_tui.cli.root import main

        return main
    raise AttributeError(f"module 'cosell_tui.cli' has no attribute {name!r}")
