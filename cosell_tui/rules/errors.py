"""The two ways a rule evaluation can be refused before it reaches the C engine.

Both are ValueErrors with a message a person can act on: a broken rule file names the file,
the rule and what is wrong; malformed facts name the field and what was expected.
"""

from __future__ import annotations

from pathlib import Path


class RuleFileError(ValueError):
    """A rule file that cannot be used: found at load, never later in the middle of a decision."""

    def __init__(self, file: Path | str, rule: str | None, problem: str) -> None:
        self.file = str(file)
        self.rule = rule
        self.problem = problem
        where = f"{self.file}: rule {rule!r}" if rule else self.file
        super().__init__(f"{where}: {problem}")


class FactError(ValueError):
    """Facts that do not fit their declared shape; raised before anything is sent to the engine."""


class EngineError(RuntimeError):
    """The engine did not complete an evaluation (should not happen with validated input)."""
