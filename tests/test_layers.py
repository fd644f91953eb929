"""The layering rules of the README ("How it is built"), checked on the source so a shortcut
cannot creep in."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cosell_tui"

#: Modules of the UI layer: they talk to the service only.
UI_PARTS = ["screens", "widgets", "app.py", "commands.py"]
FORBIDDEN_IN_UI = ("sqlalchemy", "durable", "cosell_tui.store", "cosell_tui.rules.engine")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def ui_files() -> list[Path]:
    files: list[Path] = []
    for part in UI_PARTS:
        target = PACKAGE / part
        if target.is_dir():
            files.extend(sorted(target.rglob("*.py")))
        elif target.exists():
            files.append(target)
    return files


@pytest.mark.parametrize("path", ui_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_never_touches_storage_or_engine(path: Path) -> None:
    bad = {
        name
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_UI)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}: go through cosell_tui.service"


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").rglob("*.py")), ids=lambda p: p.name)
def test_cli_goes_through_the_service(path: Path) -> None:
    """The CLI calls the same service as the TUI (database set-up included: service/admin.py)."""
    bad = {
        name
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_UI)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}: go through cosell_tui.service"


def test_only_the_rules_package_imports_durable() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "rules" not in path.relative_to(PACKAGE).parts[:1]
        and any(n == "durable" or n.startswith("durable.") for n in imported_modules(path))
    ]
    assert offenders == []


def test_rules_know_nothing_of_storage_or_ui() -> None:
    for path in (PACKAGE / "rules").rglob("*.py"):
        names = imported_modules(path)
        bad = {
            n
            for n in names
            if n.startswith(
                (
                    "sqlalchemy",
                    "textual",
                    "cosell_tui.store",
                    "cosell_tui.service",
                    "cosell_tui.screens",
                )
            )
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_only_the_cli_output_module_imports_rich() -> None:
    """The CLI prints through cli/output.py; the import-linter contract lists today's modules,
    this catches a new one too."""
    offenders = [
        path.name
        for path in sorted((PACKAGE / "cli").rglob("*.py"))
        if path.name != "output.py"
        and any(n == "rich" or n.startswith("rich.") for n in imported_modules(path))
    ]
    assert offenders == []


def test_the_cli_opens_the_tui_through_the_app_only() -> None:
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        bad = {
            n
            for n in imported_modules(path)
            if n.startswith(("textual", "cosell_tui.screens", "cosell_tui.widgets"))
            or n == "cosell_tui.commands"
        }
        assert not bad, f"{path.name} imports {sorted(bad)}: open the TUI with cosell_tui.app"
