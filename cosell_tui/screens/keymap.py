"""The user's keymap (`[keymap]` in the config), checked against the bindings it remaps.

A mistake in the keymap must not pass in silence, nor stop the app: each entry that names no
binding (`"main.acept"`), or gives a key that another binding live at the same time already
uses (`"main.accept" = "j"` would hide the grid's Down; `ctrl+p` the command palette), is told
with the file and line, and left out: that binding keeps its default keys. The check runs after
the first frame (it imports every screen), never on a command's path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding as the user will have it: its id (or action), where it lives, its keys."""

    name: str
    where: str
    keys: tuple[str, ...]
    remapped: bool


def scopes(app: type[App[Any]]) -> dict[str, tuple[type[Any], ...]]:
    """Where keys meet: for each place the user can be, the classes whose bindings are live
    together there (the focused widget's, its screen's and `app`'s)."""
    from cosell_tui.screens import (
        admin,
        bulk,
        deal,
        dialogs,
        dialogs_admin,
        dialogs_edit,
        dialogs_solutions,
        help,
        main,
        messages,
        pickers,
        registration,
        routing,
        upgrade,
        upload,
        wizard,
        wizard_customer,
        wizard_partners,
        wizard_solutions,
        wizard_team,
    )
    from cosell_tui.widgets.customer_search import CustomerSearch
    from cosell_tui.widgets.filterline import FilterLine
    from cosell_tui.widgets.grid import DealGrid
    from cosell_tui.widgets.pathpick import PathPicker

    places: dict[str, tuple[type[Any], ...]] = {
        "the main screen": (app, main.MainScreen, DealGrid),
        "the filter line": (app, main.MainScreen, FilterLine),
        "the deal screen": (app, deal.DealScreen),
        "the administration screen": (app, admin.AdminScreen),
        "the wizard's customer step": (
            app,
            wizard.NewDealScreen,
            wizard_customer.CustomerStep,
            CustomerSearch,
        ),
        "the wizard's solutions step": (app, wizard.NewDealScreen, wizard_solutions.SolutionsStep),
        "the wizard's team step": (app, wizard.NewDealScreen, wizard_team.TeamStep),
        "the wizard's partners step": (app, wizard.NewDealScreen, wizard_partners.PartnersStep),
        "the upload screen's file step": (app, upload.UploadScreen, PathPicker),
        "the upload screen": (app, upload.UploadScreen),
    }
    modals: Iterable[type[Any]] = (
        dialogs.ConfirmDialog,
        dialogs.WonDialog,
        dialogs.DeclineDialog,
        dialogs.LostDialog,
        dialogs.ErrorDialog,
        dialogs.AcceptDialog,
        dialogs_edit.StageDialog,
        dialogs_edit.DetailsDialog,
        dialogs_edit.TeamDialog,
        dialogs_edit.InvitationTermsDialog,
        dialogs_solutions.SolutionsDialog,
        dialogs_admin.UserDialog,
        dialogs_admin.LocationDialog,
        dialogs_admin.RateDialog,
        registration.RegistrationDialog,
        routing.RoutingScreen,
        routing.RoutingRuleDialog,
        upgrade.ShareDialog,
        upgrade.HelpDialog,
        upgrade.InviteDialog,
        wizard.DiscardDialog,
        bulk.BulkResultsScreen,
        help.HelpScreen,
        messages.MessageLogScreen,
        pickers.ColumnChooser,
        pickers.SortPicker,
        upload.MatchPicker,
    )
    for modal in modals:
        places[modal.__name__] = (app, modal)
    return places


def bindings_of(cls: type[Any]) -> list[Binding]:
    """A class's bindings with those it inherits, merged as Textual merges them: a subclass's
    binding for a key replaces what its bases bound to that key (public API only)."""
    by_key: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        for entry in klass.__dict__.get("BINDINGS", ()):
            binding = entry if isinstance(entry, Binding) else Binding(*entry[:3])
            for key in _split(binding.key):
                by_key[key] = binding
    if issubclass(cls, App):
        palette = Binding(cls.COMMAND_PALETTE_BINDING, "command_palette", id="app.palette")
        by_key[cls.COMMAND_PALETTE_BINDING] = palette
    unique: dict[int, Binding] = {id(b): b for b in by_key.values()}
    return list(unique.values())


def _split(keys: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in keys.split(",") if k.strip())


def check_keymap(
    keymap: Mapping[str, str],
    path: Path | None,
    places: Mapping[str, Sequence[type[Any]]],
) -> tuple[dict[str, str], list[str]]:
    """(the entries that can be used, a sentence for each that cannot), `places` from `scopes`.
    Each problem names the file and line of the entry; the entry is dropped, so its binding
    keeps its default keys."""
    text = _read(path)
    known = {
        binding.id
        for classes in places.values()
        for cls in classes
        for binding in bindings_of(cls)
        if binding.id
    }
    problems: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            guess = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else " (see `?` for the ids)"
            problems[binding_id] = f'"{binding_id}" is not a binding{hint}'
        elif not _split(keys):
            problems[binding_id] = f'"{binding_id}" has no keys'
    for where, classes in places.items():
        order = {binding_id: index for index, binding_id in enumerate(keymap)}
        for binding_id in keymap:
            if binding_id in problems:
                continue
            live = _live(classes, {k: v for k, v in keymap.items() if k not in problems})
            bound = next((b for b in live if b.name == binding_id and b.remapped), None)
            if bound is None:
                continue

            clash = _first_clash(bound, live, order)
            if clash is not None:
                key, other = clash
                problems[binding_id] = (
                    f'"{binding_id}" = "{key}" would hide {_label(other)} on {where}'
                )
    usable = {k: v for k, v in keymap.items() if k not in problems}
    told = [_located(path, text, binding_id, message) for binding_id, message in problems.items()]
    return usable, told


def _first_clash(
    bound: Bound, live: Sequence[Bound], order: Mapping[str, int]
) -> tuple[str, Bound] | None:
    """The first key of `bound` that another live binding has. Of two entries of the keymap
    that clash, the later one in the file is told (so the earlier one is not blamed here)."""
    for key in bound.keys:
        for other in live:
            if other is bound or key not in other.keys:
                continue
            if other.remapped and order[other.name] > order[bound.name]:
                continue
            return key, other
    return None


def _live(classes: Sequence[type[Any]], keymap: Mapping[str, str]) -> list[Bound]:
    live: list[Bound] = []
    for cls in classes:
        for binding in bindings_of(cls):
            name = binding.id or binding.action
            remapped = binding.id is not None and binding.id in keymap
            keys = _split(keymap[name]) if remapped else _split(binding.key)
            live.append(Bound(name, cls.__name__, keys, remapped))
    return live


def _label(bound: Bound) -> str:
    if bound.name == "app.palette":
        return "the command palette"
    keys = ",".join(bound.keys)
    return f'"{bound.name}" ({keys})' if "." in bound.name else f"{bound.name} ({keys})"


def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _located(path: Path | None, text: str | None, binding_id: str, message: str) -> str:
    from cosell_tui.config_model import find_line

    where = str(path) if path is not None else "config"
    line = find_line(text, ("keymap", binding_id)) if text else None
    if line is not None:
        where += f", line {line}"
    return f"{where}: {message}; its default keys stay."
