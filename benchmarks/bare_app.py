"""The references of startup_bench.py: a bare Textual app, and the same app importing SQLAlchemy.

    .venv/bin/python benchmarks/bare_app.py               # a Header and a Static; q quits
    .venv/bin/python benchmarks/bare_app.py --sqlalchemy  # `import sqlalchemy.orm` first

startup_bench.py waits for FIRST_FRAME on the screen. It is what any Textual app costs before its
first frame (interpreter, Textual, the first compose and paint); the --sqlalchemy variant adds
what any app on our store must import before it can show a row.
"""

from __future__ import annotations

import sys

FIRST_FRAME = "bare Textual app: first frame"


def main() -> None:
    if "--sqlalchemy" in sys.argv[1:]:
        import sqlalchemy.orm  # noqa: F401  (the cost is the point)

    from textual.app import App, ComposeResult
    from textual.widgets import Header, Static

    class BareApp(App[None]):
        TITLE = "bare"
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static(FIRST_FRAME)

    BareApp().run(mouse=False)


if __name__ == "__main__":
    main()
