"""The config file behind the main screen: round trip, defaults and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosell_tui.config import (
    Config,
    ConfigError,
    TabPrefs,
    config_path,
    dump_config,
    load_config,
    save_config,
)


def test_missing_file_is_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.toml")
    assert config.user is None and config.mouse is None and config.tab("inbound") == TabPrefs()


def test_round_trip_keeps_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    config = Config(
        user="ava",
        db="~/deals.db",
        mouse=False,
        keymap={"main.accept": "a,y"},
        tabs={
            "inbound": TabPrefs(("name", "customer", "status", "crm"), 'x "q" \\ z', "value", True),
            "closed": TabPrefs(sort="closed"),
        },
        path=path,
    )
    save_config(config)
    assert load_config(path) == config


def test_required_columns_are_always_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[tabs.outbound]\ncolumns = ["value"]\n', encoding="utf-8")
    assert load_config(path).tab("outbound").columns == ("name", "customer", "status", "value")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mouse = 1\n", "line 1: mouse must be true or false, not 1"),
        ("colour = true\n", "line 1: colour is not a setting"),
        ("[tabs.inbox]\n", "line 1: tabs.inbox is not a tab"),
        ('[tabs.inbound]\ncolumns = ["name", "price"]\n', 'tabs.inbound.columns: "price" is not'),
        ('[tabs.inbound]\nsort = "price"\n', 'line 2: tabs.inbound.sort: "price" is not a column'),
        ("user = \n", "line 1: not valid TOML"),
    ],
)
def test_bad_config_says_which_setting(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in info.value.message
    assert str(path) in info.value.message


def test_env_override_and_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"
    monkeypatch.delenv("COSELL_CONFIG_FILE")
    assert config_path().name == "config.toml" and "cosell" in str(config_path())


def test_defaults_write_an_empty_document() -> None:
    assert dump_config(Config()) == ""


async def test_sorting_saves_into_the_users_commented_file(make_app, config_file: Path) -> None:
    from tests.screens.conftest import settle

    text = '# my settings\nmouse = true  # keep it\n\n[tabs.closed]  # later\nsort = "closed"\n'
    config_file.write_text(text, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # sort by the next column: the tab's view is saved
        await settle(pilot)
        sort = app.screen.grid.grid_query.sort
    assert sort is not None
    saved = config_file.read_text(encoding="utf-8")
    assert saved.startswith(text) and f'[tabs.inbound]\nsort = "{sort.value}"' in saved


async def test_a_config_broken_meanwhile_is_not_overwritten(make_app, config_file: Path) -> None:
    from tests.screens.conftest import settle

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        config_file.write_text("user = \n", encoding="utf-8")  # edited by hand, half done
        await pilot.press("s")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
    assert any("Could not save the config" in n and "not valid TOML" in n for n in notes)
    assert config_file.read_text(encoding="utf-8") == "user = \n"
