"""The config file: defaults, the file, the environment, every error sentence, and saving in
place without losing the user's comments (cosell_tui/config.py, config_model.py)."""

from __future__ import annotations

import difflib
import os
import stat
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosell_tui.config import (
    Config,
    ConfigError,
    TabPrefs,
    dump_config,
    load_config,
    normalise_columns,
    save_config,
)
from cosell_tui.domain.views import COLUMN_IDS, TAB_NAMES

ENVS = ("COSELL_USER", "COSELL_DB", "COSELL_MOUSE")

#: A config as a person writes one: comments everywhere, odd quoting, blank lines, CRLF-free.
COMMENTED = """\
# cosell config -- written by hand, please keep my notes
# (second line of the header)

user = "ava"   # that's me
db = '~/deals.db'  # literal string, single quotes

[keymap]  # my keys
"main.accept" = "a, y"   # accept with a or y
"grid.down" = "j,down"

# ---- tabs --------------------------------------------------------------
[tabs.inbound]
# columns I like
columns = ["value", "expires"]  # short list
filter = "country:GB"  # UK only

[tabs.closed]
sort = "closed"
descending = true  # newest first
"""


@pytest.fixture(autouse=True)
def _no_setting_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENVS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COSELL_CONFIG_FILE", str(tmp_path / "config.toml"))


@pytest.fixture
def commented(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def added_and_removed(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines `after` adds and the lines it drops, compared with `before`."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return (
        [line[2:] for line in diff if line.startswith("+ ")],
        [line[2:] for line in diff if line.startswith("- ")],
    )


# --- load: defaults, file, environment ----------------------------------------------------------


def test_missing_and_empty_files_are_the_defaults(tmp_path: Path) -> None:
    for path in (tmp_path / "none.toml", tmp_path / "empty.toml"):
        if path.name == "empty.toml":
            path.write_text("# nothing set yet\n\n", encoding="utf-8")
        config = load_config(path)
        assert config == Config(path=path)
        assert (config.user, config.db, config.mouse, config.keymap, config.tabs) == (
            None,
            None,
            None,  # not set: on, except over SSH (cli/runtime.py)
            {},
            {},
        )


def test_load_reads_every_setting(commented: Path) -> None:
    config = load_config(commented)
    assert config.user == "ava" and config.db == "~/deals.db" and config.mouse is None
    assert config.keymap == {"main.accept": "a,y", "grid.down": "j,down"}  # spaces dropped
    assert config.tab("inbound") == TabPrefs(
        columns=("name", "customer", "status", "value", "expires"),  # required ones first
        filter="country:GB",
    )
    assert config.tab("closed") == TabPrefs(sort="closed", descending=True)
    assert config.tab("outbound") == TabPrefs()
    assert config.path == commented


def test_default_location_and_its_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cosell_tui.config import config_path

    assert config_path() == tmp_path / "config.toml"
    monkeypatch.delenv("COSELL_CONFIG_FILE")
    assert config_path().name == "config.toml" and "cosell" in str(config_path())


@pytest.mark.parametrize(
    ("word", "mouse"),
    [("0", False), ("false", False), ("No", False), ("off", False), ("1", True), ("yes", True)],
)
def test_environment_beats_the_file(
    monkeypatch: pytest.MonkeyPatch, commented: Path, word: str, mouse: bool
) -> None:
    commented.write_text(COMMENTED.replace("db = ", "mouse = true\ndb = "), encoding="utf-8")
    monkeypatch.setenv("COSELL_USER", "bob")
    monkeypatch.setenv("COSELL_DB", "/srv/team.db")
    monkeypatch.setenv("COSELL_MOUSE", word)
    config = load_config(commented)
    assert (config.user, config.db, config.mouse) == ("bob", "/srv/team.db", mouse)
    assert config.tab("closed").sort == "closed"  # the rest still comes from the file


def test_environment_applies_without_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COSELL_MOUSE", "off")
    assert load_config(tmp_path / "none.toml").mouse is False


def test_empty_environment_variables_are_not_set(
    monkeypatch: pytest.MonkeyPatch, commented: Path
) -> None:
    for name in ENVS:
        monkeypatch.setenv(name, "")
    config = load_config(commented)
    assert (config.user, config.db, config.mouse) == ("ava", "~/deals.db", None)


def test_only_the_scalar_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, commented: Path
) -> None:
    """Keys and tabs live in the file; other COSELL_ variables are not settings at all."""
    monkeypatch.setenv("COSELL_KEYMAP", '{"main.accept": "z"}')
    monkeypatch.setenv("COSELL_TABS", "not json at all")
    monkeypatch.setenv("COSELL_NOW", "2026-01-01T00:00:00Z")
    monkeypatch.setenv("COSELL_COLOUR", "red")
    config = load_config(commented)
    assert config.keymap["main.accept"] == "a,y" and config.tab("closed").sort == "closed"


def test_file_keys_cannot_configure_the_settings_library(tmp_path: Path) -> None:
    """The file's table is a settings source, not `BaseSettings(**kwargs)`: `_secrets_dir`
    or `_cli_parse_args` in the file are unknown settings, never pydantic-settings options."""
    path = tmp_path / "c.toml"
    path.write_text("_cli_parse_args = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="_cli_parse_args is not a setting"):
        load_config(path)


def test_importing_config_stays_light() -> None:
    """`cosell --help` and `cosell locate config` import this module: no pydantic, no tomlkit."""
    code = (
        "import sys, cosell_tui.config as c; c.config_path(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pydantic', 'pydantic_settings', 'pydantic_core', 'tomlkit', 'sqlalchemy', 'textual'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- errors: one sentence, the file, the line, the key path as written ---------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mouse = 1\n", "{p}, line 1: mouse must be true or false, not 1"),
        (
            "# mine\ncolour = true\n",
            "{p}, line 2: colour is not a setting "
            "(the settings are user, db, mouse, keymap, tabs, smtp, upload_dir)",
        ),
        (
            "[tabs.inbox]\nsort = 'value'\n",
            "{p}, line 1: tabs.inbox is not a tab (the tabs are inbound, outbound, favorites, "
            "closed)",
        ),
        (
            '[tabs.inbound]\ncolour = "red"\n',
            "{p}, line 2: tabs.inbound.colour is not a tab setting "
            "(a tab has columns, filter, sort, descending)",
        ),
        (
            '[tabs.inbound]\n# why\ncolumns = ["name", "price"]\n',
            '{p}, line 3: tabs.inbound.columns: "price" is not a column (the columns are '
            + ", ".join(COLUMN_IDS)
            + ")",
        ),
        (
            '[tabs.inbound]\nfilter = "x"\nsort = "price"\n',
            '{p}, line 3: tabs.inbound.sort: "price" is not a column (the columns are '
            + ", ".join(COLUMN_IDS)
            + ")",
        ),
        (
            '[tabs.inbound]\ncolumns = "name"\n',
            '{p}, line 2: tabs.inbound.columns must be a list of column ids, e.g. ["name", '
            '"value"], not "name"',
        ),
        (
            '[tabs.inbound]\ndescending = "yes"\n',
            '{p}, line 2: tabs.inbound.descending must be true or false, not "yes"',
        ),
        (
            "tabs.inbound.filter = 3\n",
            "{p}, line 1: tabs.inbound.filter must be text in quotes, not 3",
        ),
        (
            "[tabs]\ninbound = { sort = 3 }\n",
            "{p}, line 2: tabs.inbound.sort must be text in quotes, not 3",
        ),
        ("tabs = 3\n", "{p}, line 1: tabs must be a table, not 3"),
        ("[[tabs]]\n", "{p}, line 1: tabs must be a table, not an array of tables"),
        ('keymap = "a"\n', '{p}, line 1: keymap must be a table of binding id = keys, not "a"'),
        (
            '[keymap]\n"main.accept" = 1\n',
            '{p}, line 2: keymap."main.accept" must be keys in quotes, e.g. "a,y", not 1',
        ),
        ("user = 42\n", "{p}, line 1: user must be text in quotes, not 42"),
        ("\n\ndb = 2024-01-01\n", "{p}, line 3: db must be text in quotes, not 2024-01-01"),
        (
            'mouse = "no"\nuser = 42\n[tabs.x]\n',
            '{p}, line 1: mouse must be true or false, not "no" (and 2 more problems)',
        ),
        ("user = \n", "{p}, line 1: not valid TOML (invalid value at column 8)"),
        ('[tabs.inbound]\nsort = "value"\nsort = "name"\n', "{p}, line 3: not valid TOML ("),
    ],
)
def test_bad_config_is_one_sentence_naming_file_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    got = info.value.message
    expected = message.format(p=path)
    assert got.startswith(expected) if expected.endswith("(") else got == expected
    assert "\n" not in got and "type=" not in got and "Input should" not in got
    assert "('" not in got  # never a pydantic loc tuple


def test_bad_environment_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, commented: Path
) -> None:
    monkeypatch.setenv("COSELL_MOUSE", "maybe")
    with pytest.raises(ConfigError) as info:
        load_config(commented)
    assert info.value.message == (
        "environment variable COSELL_MOUSE must be true or false (or 1/0, yes/no, on/off), "
        'not "maybe"'
    )


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read \(Is a directory\)"):
        load_config(tmp_path)
    path = tmp_path / "latin1.toml"
    path.write_bytes('user = "Zoë"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.message == f"{path}: not valid TOML (not UTF-8 text)"


# --- save: in place, comments kept --------------------------------------------------------------


def test_changing_a_sort_adds_just_those_lines(commented: Path) -> None:
    config = load_config(commented)
    save_config(config.with_tab("inbound", replace(config.tab("inbound"), sort="value")))
    after = commented.read_text(encoding="utf-8")
    added, removed = added_and_removed(COMMENTED, after)
    assert (added, removed) == (['sort = "value"'], [])
    # ... placed after the table's last key, not after the comments that lead into the next one
    assert 'filter = "country:GB"  # UK only\nsort = "value"\n\n[tabs.closed]' in after


def test_changing_a_value_keeps_its_comment(commented: Path) -> None:
    config = load_config(commented)
    save_config(config.with_tab("inbound", replace(config.tab("inbound"), filter="country:FR")))
    added, removed = added_and_removed(COMMENTED, commented.read_text(encoding="utf-8"))
    assert (added, removed) == (
        ['filter = "country:FR"  # UK only'],
        ['filter = "country:GB"  # UK only'],
    )


def test_new_tab_and_key_land_in_their_tables(commented: Path) -> None:
    config = load_config(commented)
    config = config.with_tab("outbound", TabPrefs(sort="value", descending=True))
    save_config(replace(config, keymap={**config.keymap, "main.favorite": "x"}, mouse=False))
    after = commented.read_text(encoding="utf-8")
    added, removed = added_and_removed(COMMENTED, after)
    assert removed == []
    assert sorted(added) == sorted(
        [
            "mouse = false",
            '"main.favorite" = "x"',
            "",
            "[tabs.outbound]",
            'sort = "value"',
            "descending = true",
        ]
    )
    assert "db = '~/deals.db'  # literal string, single quotes\nmouse = false\n" in after
    assert '"grid.down" = "j,down"\n"main.favorite" = "x"\n\n# ---- tabs' in after
    assert after.endswith('# newest first\n\n[tabs.outbound]\nsort = "value"\ndescending = true\n')


def test_going_back_restores_the_file_byte_for_byte(commented: Path) -> None:
    """Several saves from one loaded config (as the screen does), then every change undone."""
    original = load_config(commented)
    inbound = original.tab("inbound")
    config = original.with_tab("inbound", replace(inbound, sort="name", descending=True))
    save_config(config)
    config = config.with_tab("outbound", TabPrefs(filter="status:received"))
    keymap = {**config.keymap, "main.favorite": "x"}
    config = replace(config, keymap=keymap, mouse=False, user="bob")
    save_config(config)
    assert load_config(commented) == config
    config = replace(
        config.with_tab("inbound", original.tab("inbound")).with_tab("outbound", TabPrefs()),
        keymap=original.keymap,
        mouse=original.mouse,
        user="ava",
    )
    save_config(config)
    assert commented.read_text(encoding="utf-8") == COMMENTED


def test_a_value_from_the_environment_never_lands_in_the_file(
    monkeypatch: pytest.MonkeyPatch, commented: Path
) -> None:
    monkeypatch.setenv("COSELL_DB", "/srv/team.db")
    monkeypatch.setenv("COSELL_MOUSE", "off")
    config = load_config(commented)
    save_config(config.with_tab("closed", TabPrefs()))
    after = commented.read_text(encoding="utf-8")
    assert "/srv/team.db" not in after and "mouse" not in after
    assert "db = '~/deals.db'" in after


def test_edits_made_to_the_file_meanwhile_survive(commented: Path) -> None:
    config = load_config(commented)
    edited = COMMENTED.replace('sort = "closed"', 'sort = "value"  # changed by hand')
    commented.write_text(edited, encoding="utf-8")
    save_config(config.with_tab("favorites", TabPrefs(filter="type:co-sell")))
    after = commented.read_text(encoding="utf-8")
    assert 'sort = "value"  # changed by hand' in after
    assert added_and_removed(edited, after)[1] == []


def test_nothing_changed_writes_nothing(commented: Path) -> None:
    before = commented.stat()
    save_config(load_config(commented))
    after = commented.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_config_built_by_hand_round_trips(tmp_path: Path) -> None:
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
    assert dump_config(Config()) == ""
    assert dump_config(config) == path.read_text(encoding="utf-8")


def test_a_hand_built_config_makes_the_file_say_exactly_it(commented: Path) -> None:
    save_config(Config(user="ava"), commented)
    config = load_config(commented)
    assert config == Config(user="ava", path=commented)
    assert "# cosell config -- written by hand" in commented.read_text(encoding="utf-8")


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b'user = "ava"\r\n\r\n[tabs.inbound]\r\nsort = "value"\r\n')
    config = load_config(path)
    save_config(config.with_tab("outbound", TabPrefs(sort="name")))
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert load_config(path).tab("outbound").sort == "name"


def test_a_file_no_longer_toml_is_not_overwritten(commented: Path) -> None:
    config = load_config(commented)
    commented.write_text("user = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_config(config.with_tab("inbound", TabPrefs(sort="value")))
    assert commented.read_text(encoding="utf-8") == "user = \n"


# --- save: atomic -------------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_crash_while_writing_leaves_the_old_file_whole(
    monkeypatch: pytest.MonkeyPatch, commented: Path, failing: str
) -> None:
    config = load_config(commented)

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, crash)
    with pytest.raises(OSError, match="No space left"):
        save_config(config.with_tab("inbound", TabPrefs(sort="value")))
    monkeypatch.undo()
    assert commented.read_text(encoding="utf-8") == COMMENTED
    assert sorted(p.name for p in commented.parent.iterdir()) == ["config.toml"]  # no temp left


def test_the_file_mode_is_kept_and_a_new_file_is_private(commented: Path, tmp_path: Path) -> None:
    commented.chmod(0o640)
    config = load_config(commented)
    save_config(config.with_tab("inbound", TabPrefs(sort="value")))
    assert stat.S_IMODE(commented.stat().st_mode) == 0o640
    fresh = tmp_path / "sub" / "new.toml"
    save_config(Config(mouse=False), fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_symlinked_config_is_written_through_the_link(commented: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(commented)
    config = load_config(link)
    save_config(config.with_tab("inbound", TabPrefs(sort="value")))
    assert link.is_symlink()
    assert load_config(commented).tab("inbound").sort == "value"


# --- property: any valid tab settings round-trip, the comments stay ------------------------------

tab_prefs = st.builds(
    TabPrefs,
    columns=st.none() | st.lists(st.sampled_from(COLUMN_IDS), unique=True).map(tuple),
    filter=st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    sort=st.none() | st.sampled_from(COLUMN_IDS),
    descending=st.booleans(),
)
keys = st.text("abcdefghijklmnopqrstuvwxyz.,+_", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tabs=st.dictionaries(st.sampled_from(TAB_NAMES), tab_prefs, max_size=4),
    keymap=st.dictionaries(keys, keys.map(lambda k: k.replace(" ", "")), max_size=3),
)
def test_any_valid_settings_round_trip_and_keep_the_comments(
    tabs: dict[str, TabPrefs], keymap: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(COMMENTED, encoding="utf-8")
        config = load_config(path)
        for name, prefs in tabs.items():
            config = config.with_tab(name, prefs)
        config = replace(config, keymap={**config.keymap, **keymap})
        save_config(config)
        text = path.read_text(encoding="utf-8")
        tomllib.loads(text)  # still TOML
        again = load_config(path)
        for name in TAB_NAMES:
            want = config.tab(name)
            assert again.tab(name) == replace(want, columns=normalise_columns(want.columns))
        assert again.keymap == config.keymap
        for line in COMMENTED.splitlines():
            if line.startswith("#"):
                assert line in text.splitlines()
