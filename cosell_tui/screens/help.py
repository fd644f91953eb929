"""The help screen (`?`, F1): every key that works on the screen below, read from its live bindings.

Built from `Screen.active_bindings` when opened, so a key remapped in the config, or an action
that does not apply now, shows as it really is; there is no hand-written key list to go stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

if TYPE_CHECKING:
    from textual.screen import Screen


def binding_rows(screen: Screen) -> list[tuple[str, str, bool]]:
    """(keys, description, enabled) for each action bound on `screen`, keys merged per action."""
    app = screen.app
    merged: dict[tuple[int, str], tuple[list[str], str, bool]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.id is None:
            continue  # ours all have ids; Textual's generic scroll/focus keys are left out
        ident = (id(active.node), binding.action)
        keys, _, enabled = merged.get(ident, ([], binding.description, active.enabled))
        display = app.get_key_display(binding.with_key(key))
        if display not in keys:
            keys.append(display)
        merged[ident] = (keys, binding.description, enabled or active.enabled)
    return [
        (" ".join(keys), description, enabled) for keys, description, enabled in merged.values()
    ]


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys and what they do now; dimmed ones do not apply to this deal."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary 80%; background: $surface; padding: 0 1;
    }
    HelpScreen .help-title { text-style: bold; padding: 0 0 1 0; }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    HelpScreen .help-foot { color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="help.up"),
    ]

    def __init__(self, rows: list[tuple[str, str, bool]], title: str = "Keys") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _, _ in self.rows), default=4) + 2
        parts: list[str | tuple[str, str]] = []
        for keys, description, enabled in self.rows:
            style = "bold $text-accent" if enabled else "$text-disabled"
            parts.append((f"{keys:<{width}}", style))
            parts.append((description + "\n", "" if enabled else "$text-disabled"))
        with Vertical():
            yield Label(self.title_text, classes="help-title")
            with VerticalScroll():
                yield Static(Content.assemble(*parts), id="help-body")
            yield Static(
                "ctrl+p finds deals and actions · keys can be remapped in the config "
                "(binding ids in docs/tui.md) · esc/q closes",
                classes="help-foot",
            )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up()
