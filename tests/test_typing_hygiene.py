"""Every `type: ignore` names its error code and says why, on the same line.

mypy's `warn_unused_ignores` (pyproject.toml) proves each one is still needed; this test makes
the rest of the contract hold: no blanket `# type: ignore`, and a reason a reader can judge,
as in `# type: ignore[arg-type]  # a fake Service`.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("cosell_tui", "tests", "benchmarks")


_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
# The reason is a comment of its own after the ignore; a tool pragma is not a reason.
_REASON = re.compile(r"^\s*#\s*(?!noqa\b|fmt:|pragma\b|type:)\w.{2,}")
_CODE = re.compile(r"^[a-z][a-z0-9-]*$")


def problem(comment: str) -> str | None:
    """What is wrong with the `type: ignore` in `comment`, or None (also when there is none)."""
    found = _IGNORE.search(comment)
    if found is None:
        return None
    codes = found["codes"]
    if codes is None:
        return "a bare `type: ignore`: name the error code, e.g. `type: ignore[arg-type]`"
    names = [name.strip() for name in codes[1:-1].split(",")]
    if not all(_CODE.match(name) for name in names):
        return f"`{codes}` is not a list of mypy error codes"
    if not _REASON.match(found["rest"]):
        return "no reason: add `  # why` after the ignore, on the same line"
    return None


def python_files() -> list[Path]:
    files: list[Path] = []
    for part in CHECKED:
        files.extend(sorted((ROOT / part).rglob("*.py")))
    return files


def ignore_problems(source: str) -> list[tuple[int, str]]:
    """(line, problem) for every comment of `source` with a malformed `type: ignore`."""
    problems: list[tuple[int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and (found := problem(token.string)):
            problems.append((token.start[0], found))
    return problems


def test_the_scan_sees_the_whole_code_base() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in python_files()}
    assert "cosell_tui/app.py" in names and "tests/conftest.py" in names
    assert any(name.startswith("benchmarks/") for name in names)
    assert len(names) > 150


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# type: ignore", "bare"),
        ("#type:ignore", "bare"),
        ("# type: ignore  # SQLAlchemy's Row is a tuple at runtime", "bare"),
        ("# type: ignore[arg-type]", "no reason"),
        ("# type: ignore[arg-type]  # fmt: skip", "no reason"),
        ("# type: ignore[arg-type]  # noqa: E501", "no reason"),
        ("# type: ignore[arg-type]  #", "no reason"),
        ("# type: ignore[Arg Type]  # why", "not a list of mypy error codes"),
        ("# type: ignore[arg-type]  # SQLAlchemy's Row is a tuple at runtime", None),
        ("# type: ignore[no-untyped-def, override]  # typeshed's signature differs", None),
        ("# an ordinary comment about types", None),
    ],
)
def test_the_rule(comment: str, expected: str | None) -> None:
    found = problem(comment)
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found


def test_only_comments_count() -> None:
    source = 'TEXT = "# type: ignore"\nx = 1  # type: ignore\n'
    assert [line for line, _ in ignore_problems(source)] == [2]


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    problems = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {what}"
        for path in python_files()
        for line, what in ignore_problems(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)
