"""The keymap check: a mistake in `[keymap]` is told with file and line, and only that entry
is dropped (its binding keeps the default keys); the app starts either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.app import CosellApp
from cosell_tui.domain import Substatus
from cosell_tui.screens.keymap import bindings_of, check_keymap, scopes
from cosell_tui.widgets.grid import DealGrid
from tests.screens.conftest import settle
from tests.screens.test_main import first_row, notices, row_at, start

PLACES = scopes(CosellApp)


def check(keymap: dict[str, str], path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    return check_keymap(keymap, path, PLACES)


def test_a_good_keymap_passes_whole() -> None:
    keymap = {"main.accept": "a,ctrl+y", "grid.down": "j,down,ctrl+n", "deal.accept": "a,ctrl+y"}
    assert check(keymap) == (keymap, [])


def test_an_unknown_id_is_told_with_the_nearest_id(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('user = "ava"\n\n[keymap]\n"main.acept" = "x"\n', encoding="utf-8")
    usable, problems = check({"main.acept": "x"}, path)
    assert usable == {}
    assert problems == [
        f'{path}, line 4: "main.acept" is not a binding (did you mean "main.accept"?); '
        "its default keys stay."
    ]


@pytest.mark.parametrize(
    ("keymap", "told", "hidden"),
    [
        ({"main.accept": "j"}, "main.accept", '"grid.down" (j,down) on the main screen'),
        ({"main.favorite": "ctrl+p"}, "main.favorite", "the command palette"),
        ({"main.accept": "q"}, "main.accept", '"app.quit" (q)'),
        ({"deal.accept": "r"}, "deal.accept", '"deal.reload" (r) on the deal screen'),
        # Two entries on one key: the later one in the file is told, the earlier one works.
        ({"main.accept": "z", "main.favorite": "z"}, "main.favorite", '"main.accept" (z)'),
    ],
)
def test_a_key_that_hides_another_is_told(keymap: dict[str, str], told: str, hidden: str) -> None:
    usable, problems = check(keymap)
    assert told not in usable
    assert len(problems) == 1 and f'"{told}"' in problems[0] and hidden in problems[0]
    assert set(usable) == set(keymap) - {told}


def test_a_key_freed_by_another_entry_is_no_clash() -> None:
    keymap = {"main.accept": "f", "main.favorite": "z"}  # accept takes f, which ♥ gives up
    assert check(keymap) == (keymap, [])


def test_merged_bindings_follow_textual_a_subclass_key_wins() -> None:
    """The grid's own `down` replaces the scroll view's: remapping it clashes with nothing."""
    actions = {b.action for b in bindings_of(DealGrid) if "down" in b.key.split(",")}
    assert actions and "scroll_down" not in actions
    assert check({"grid.down": "down"}) == ({"grid.down": "down"}, [])


async def test_the_app_starts_tells_and_keeps_the_defaults(make_app, config_file: Path) -> None:
    config_file.write_text(
        '[keymap]\n"main.accept" = "j"\n"main.favorite" = "z"\n"main.acept" = "w"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await start(pilot)
        told = "\n".join(notices(app))
        assert f"{config_file}, line 2" in told and '"main.accept" = "j"' in told
        assert f"{config_file}, line 4" in told and '"main.acept"' in told
        assert "main.favorite" not in told
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        await pilot.press("j")  # still Down: the entry that would hide it was dropped
        await settle(pilot)
        assert main.grid.cursor == index + 1
        row = row_at(main, main.grid.cursor)
        await pilot.press("z")  # the good entry works
        await settle(pilot)
        assert app.service.listing.row(row.id).favorite is not row.favorite
