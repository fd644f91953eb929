"""What a use case says when it refuses. Each error maps to one CLI exit code.

The message is for the user: it says which rule or field, and why. No traceback ever
reaches a user for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping


class CosellError(Exception):
    """Base of every expected refusal; `exit_code` is the CLI's."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(CosellError):
    """Input is invalid. `fields` maps a field name to its message (forms show it inline)."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields or {})


class RuleRefusal(CosellError):
    """A business rule refuses the change (terminal deal, stage order, eligibility...)."""


class Cancelled(CosellError):
    """The user stopped a long job (a download); what it was writing was removed."""


class ConflictError(CosellError):
    """Another user changed the deal since it was read; nothing was written."""

    exit_code = 3


#: The ConflictError of a deal changed since it was read (version clash).
CONFLICT = "This deal was changed by someone else since you opened it; reload and try again."


class NotFoundError(CosellError):
    """The deal (or account, user...) does not exist or is not visible to this user."""

    exit_code = 4


class SetupError(CosellError):
    """This installation or environment cannot do it (a missing extra, a database that cannot
    be opened); the message says how to fix it."""


def require_module(module: str, what: str, extra: str) -> None:
    """SetupError unless `module` is installed: `what` needs the `extra` extra."""
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise SetupError(
            f"{what} needs {module}, which comes with the {extra} extra: "
            f"pip install 'cosell-tui[{extra}]'."
        )
