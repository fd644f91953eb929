"""docs/cli.md shows what the commands print: scripts/cli_examples.py reruns every example on a
freshly seeded database, and the document must be exactly what it produces."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cli_examples.py"


def test_the_examples_in_docs_cli_md_are_current(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("cli_examples", SCRIPT)
    assert spec is not None and spec.loader is not None
    examples = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = examples  # its dataclasses look their module up while defined
    try:
        spec.loader.exec_module(examples)
    finally:
        del sys.modules[spec.name]
    current = examples.DOC.read_text(encoding="utf-8")
    fresh = examples.render(current, tmp_path)
    diff = "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True), fresh.splitlines(keepends=True),
            "docs/cli.md", "what the commands print now", n=1,
        )
    )  # fmt: skip
    assert not diff, f"run `python scripts/cli_examples.py` to update docs/cli.md:\n{diff}"
