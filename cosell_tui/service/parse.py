"""A form parsed into its model: `check`, `parse`, `refuse`, and the one way pydantic's errors
become our `ValidationError`.

The models and their value kinds (`inputs.py`) are imported when a use case first needs them
(`inputs` here): pydantic, phonenumbers and email-validator, and building some 30 models, would
cost `import cosell_tui.service.core` over 100 ms. This module imports none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from cosell_tui.service.errors import ValidationError

if TYPE_CHECKING:
    from pydantic import ValidationError as PydanticError

    from cosell_tui.service.inputs import Input

M = TypeVar("M", bound="Input")


class _ImportedOnFirstUse:
    """`inputs`, imported when a use case first needs it: building its models costs tens of ms
    that `import cosell_tui.service` should not pay (the import lock makes threads safe)."""

    def __getattr__(self, name: str) -> Any:
        from cosell_tui.service import inputs

        return getattr(inputs, name)


if TYPE_CHECKING:
    from cosell_tui.service import inputs as inputs
else:
    inputs = _ImportedOnFirstUse()


def check(
    model: type[M], form: object, at: str = "", **context: Any
) -> tuple[M | None, dict[str, str]]:
    """`form` parsed as `model` with the validation `context`; else None and {key: message},
    keys prefixed with `at` (`invitations[0]`)."""
    from pydantic import ValidationError as PydanticError

    try:
        return model.model_validate(form, context=context), {}
    except PydanticError as error:
        return None, field_messages(error, at)


def parse(model: type[M], form: object, what: str, **context: Any) -> M:
    """`form` parsed as `model`, or the ValidationError of `what` (`refuse`)."""
    parsed, problems = check(model, form, "", **context)
    refuse(what, problems)
    assert parsed is not None
    return parsed


def field_messages(error: PydanticError, at: str = "") -> dict[str, str]:
    """The one conversion of pydantic's errors: {field key: sentence}, keys as the screens and
    the CLI know them (`team[1].email`), the first problem of a field kept. Pydantic's own
    wording ("Input should be...") never reaches a user."""
    fields: dict[str, str] = {}
    for detail in error.errors(include_url=False, include_context=False, include_input=False):
        key = at
        for part in detail["loc"]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
        ours = detail["type"] == inputs.OURS
        fields.setdefault(key or "form", detail["msg"] if ours else "This value is not valid.")
    return fields


#: What an item of a list, or a nested form, is called: `team[1].email` is team member 2's.
ITEM_NAMES = {"team": "team member", "contacts": "contact", "contact": "customer contact",
              "account": "customer", "solutions": "solution",
              "invitations": "invitation"}  # fmt: skip


def where(key: str) -> str:
    """Whose field a nested key is ('Invitation 1, team member 2: '); '' for a top-level
    field, whose message names it already."""
    *owners, last = key.split(".")
    if "[" in last:
        owners.append(last)
    names = []
    for owner in owners:
        name, _, index = owner.rstrip("]").partition("[")
        noun = ITEM_NAMES.get(name, name.replace("_", " "))
        names.append(f"{noun} {int(index) + 1}" if index.isdigit() else noun)
    described = ", ".join(names)
    return f"{described[:1].upper()}{described[1:]}: " if described else ""


def refuse(what: str, problems: Mapping[str, str]) -> None:
    """Raise problems as one ValidationError: the first in words, the others counted."""
    if problems:
        key, message = next(iter(problems.items()))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{what} is not valid: {where(key)}{message}{more}", problems)
