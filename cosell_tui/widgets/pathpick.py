"""Choosing a file by typing its path, keyboard first (the upload screen's first step).

A path line with a list under it of what the typed path could become: the folders and `.csv`
files of its folder whose names start with what follows the last `/` (case ignored), folders
first, `../` on top. Typing narrows the list; `up`/`down` move in it while the cursor stays in
the line; `tab` completes the line to the highlighted entry; `enter` opens a file (the line's
own, else the highlighted entry) or goes into a folder. Nothing needs the mouse or a redraw of
a tree, so it stays quick over SSH. Folders are read in a worker: a slow network share never
holds up a key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cosell_tui.widgets.background import background

#: At most this many entries are listed (type more of the name to narrow a huge folder).
MAX_ENTRIES = 300


@dataclass(frozen=True, slots=True)
class Entry:
    """A folder (`is_dir`) or a `.csv` file the typed path can become."""

    name: str
    path: Path
    is_dir: bool

    @property
    def shown(self) -> str:
        return f"{self.name}/" if self.is_dir else self.name

    @property
    def completed(self) -> str:
        """The line's text once completed to this entry (a folder ends in `/`)."""
        path = os.path.normpath(self.path)  # `folder/..` is the parent folder
        return f"{path.rstrip(os.sep)}{os.sep}" if self.is_dir else path


def split(text: str) -> tuple[Path, str]:
    """(the folder to list, the start of a name) for the typed text; `~` is the home folder."""
    expanded = os.path.expanduser(text) if text else "."
    if expanded.endswith(os.sep):
        return Path(expanded), ""
    head, tail = os.path.split(expanded)
    return Path(head or "."), tail


def entries(text: str, limit: int = MAX_ENTRIES) -> tuple[Path, list[Entry], str]:
    """(the folder, the entries matching `text` in it, a problem in words or "")."""
    folder, start = split(text)
    wanted = start.casefold()
    found: list[Entry] = []
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                name = item.name
                if not name.casefold().startswith(wanted):
                    continue
                if name.startswith(".") and not start.startswith("."):
                    continue  # hidden, unless asked for
                try:
                    is_dir = item.is_dir()
                except OSError:
                    continue
                if is_dir or name.casefold().endswith(".csv"):
                    found.append(Entry(name, folder / name, is_dir))
    except FileNotFoundError:
        return folder, [], f"There is no folder {folder}."
    except NotADirectoryError:
        return folder, [], f"{folder} is a file, not a folder."
    except OSError as exc:
        return folder, [], f"Cannot read {folder}: {exc.strerror or exc}."
    found.sort(key=lambda e: (not e.is_dir, e.name.casefold()))
    if not start and folder.resolve().parent != folder.resolve():
        found.insert(0, Entry("..", folder / "..", True))
    return folder, found[:limit], ""


class PathLine(Input):
    """The path line. It takes `enter`, `tab`, `up` and `down` itself, in the order the keys
    came, with the characters typed around them: a binding would run when the app sees the
    key, before the line has taken the characters typed just before it (`a`, `r`, `enter`
    would open the folder of the text without `ar`). Keys typed after the `enter` that chose
    a file are not the line's: they go back to the app, to reach what has the focus next."""

    KEYS: ClassVar[dict[str, str]] = {
        "enter": "choose",
        "tab": "complete",
        "up": "move(-1)",
        "down": "move(1)",
    }

    async def _on_key(self, event: Key) -> None:
        action = self.KEYS.get(event.key)
        picker = self.parent
        if isinstance(picker, PathPicker) and picker.chosen:
            event.stop()
            event.prevent_default()
            self.app.post_message(Key(event.key, event.character))
            return
        if action is None or not isinstance(picker, PathPicker):
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await picker.run_action(action)


class PathPicker(Vertical):
    """The path line and its list; posts `Chosen` with a file's path."""

    DEFAULT_CSS = """
    PathPicker { height: 1fr; }
    PathPicker > #path-line { margin: 0 0 0 0; }
    PathPicker > #path-where { color: $text-muted; padding: 0 1; height: auto; }
    PathPicker > #path-list { height: 1fr; border: none; padding: 0 1; }
    """
    #: In the footer, the help and the palette; the line itself handles these default keys
    #: (see `PathLine`), so keys typed fast are taken in order.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next entry", show=False, id="path.down"),
        Binding("up", "move(-1)", "Previous entry", show=False, id="path.up"),
        Binding("tab", "complete", "Complete", id="path.complete"),
        Binding("enter", "choose", "Open", id="path.open"),
    ]

    class Chosen(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, start: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start = start
        self.listed: list[Entry] = []
        self.listed_for: str | None = None  # the text `listed` was read for
        self.chosen = False  # a file was chosen: keys typed on are for the next step

    def compose(self) -> ComposeResult:
        yield PathLine(
            self.start, placeholder="a folder or a .csv file", id="path-line", select_on_focus=False
        )
        yield Static("", id="path-where", markup=False)
        options = OptionList(id="path-list")
        options.can_focus = False  # the cursor stays in the line; up/down move the list
        yield options

    @property
    def line(self) -> Input:
        return self.query_one("#path-line", Input)

    @property
    def options(self) -> OptionList:
        return self.query_one("#path-list", OptionList)

    def on_mount(self) -> None:
        self.line.cursor_position = len(self.line.value)
        self._list(self.line.value)

    def focus_line(self) -> None:
        self.chosen = False
        self.line.focus()

    @on(Input.Changed, "#path-line")
    def _typed(self, event: Input.Changed) -> None:
        self._list(event.value)

    @background(group="path-list")
    def _list(self, text: str) -> None:
        folder, found, problem = entries(text)
        self.app.call_from_thread(self._show, text, folder, found, problem)

    def _show(self, text: str, folder: Path, found: list[Entry], problem: str) -> None:
        if text != self.line.value or text == self.listed_for:
            return  # typed on meanwhile (the newer listing follows), or already read at once
        self.listed, self.listed_for = found, text
        options = self.options
        options.clear_options()
        options.add_options([Option(entry.shown) for entry in found])
        real = [e for e in found if e.name != ".."]
        if problem:
            self.say(problem)
        elif not real:
            self.say(f"{folder}: no folder or .csv file starts with this")
        else:
            self.say(f"{folder}: tab completes, enter opens, up/down choose")
        if found:
            options.highlighted = 1 if found[0].name == ".." and len(found) > 1 else 0

    def say(self, text: str) -> None:
        self.query_one("#path-where", Static).update(text)

    @property
    def highlighted(self) -> Entry | None:
        """The highlighted entry of the list for the line as it is now: keys typed faster than
        the folder was read (tab or enter right after typing) are answered from a listing
        read at once, not from the list of an older text."""
        self._fresh()
        index = self.options.highlighted
        return self.listed[index] if index is not None and index < len(self.listed) else None

    def _fresh(self) -> None:
        """The list for the line as it is now (read at once if the worker has not yet)."""
        text = self.line.value
        if self.listed_for != text:
            folder, found, problem = entries(text)
            self._show(text, folder, found, problem)

    def action_move(self, step: int) -> None:
        self._fresh()
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    def action_complete(self) -> None:
        entry = self.highlighted
        if entry is not None:
            self._set(entry.completed)

    def _set(self, text: str) -> None:
        self.line.value = text
        self.line.cursor_position = len(text)

    def _choose(self, path: Path) -> None:
        self._set(str(path))  # what was opened, should the user come back to choose again
        self.chosen = True
        self.post_message(self.Chosen(path))

    def action_choose(self) -> None:
        """Open the line's file, else the highlighted entry (a folder: go into it)."""
        value = self.line.value
        path = Path(os.path.expanduser(value))
        if value and path.is_file():
            self._choose(path)
            return
        entry = self.highlighted
        if entry is not None and entry.is_dir:
            self._set(entry.completed)
        elif entry is not None:
            self._choose(entry.path)
        elif path.is_dir():
            self._set(str(path) + os.sep)
        else:
            self.say(f"There is no file {path}.")
