"""Form fields shared by every dialog: a label, the control, and the field's own error line.

Messages sit next to the field they are about (the issue's rule), whether they come from the
immediate client-side check of a required field or from the service's `ValidationError.fields`.
Field names are the input dataclasses' attribute names, so a service message lands on the field
the user typed into without a translation table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from cosell_tui.widgets.toggles import Tick

#: The values a form control can hold, as a dialog reads them.
FieldValue = str | bool | object


class FormField(Vertical):
    """One labelled control with an error line under it that is empty (and hidden) when valid."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        padding: 0 1 0 0;
    }
    FormField > .form-label {
        color: $text-muted;
    }
    FormField.-required > .form-label {
        color: $text;
    }
    FormField > Input.-textual-compact, FormField > Select.-textual-compact > SelectCurrent {
        background: $boost;
    }
    FormField > Input.-textual-compact:focus,
    FormField > Select.-textual-compact:focus > SelectCurrent {
        background: $primary 30%;
    }
    FormField > .form-error {
        color: $text-error;
        display: none;
    }
    FormField.-invalid > .form-error {
        display: block;
    }
    FormField.-invalid > Input.-textual-compact,
    FormField.-invalid > Select.-textual-compact > SelectCurrent {
        background: $error 20%;
    }
    """

    def __init__(
        self,
        label: str,
        control: Widget,
        *,
        field: str,
        required: bool = False,
        kind: str = "text",
        read: Callable[[], FieldValue] | None = None,
    ) -> None:
        super().__init__(id=f"field-{field}", classes="-required" if required else "")
        self.label = label
        self.control = control
        self.field = field
        self.required = required
        self.kind = kind  # "text", "date", "number" or "choice": what the client-side check is
        #: A field over a list or a display (a customer picked in a search, a solutions
        #: picker) says what it holds through `read`: its dialog keeps the answer.
        self.read = read
        self._error_for: FieldValue = None  # the value the shown message is about

    def compose(self) -> ComposeResult:
        if self.label:
            yield Label(f"{self.label}{' *' if self.required else ''}", classes="form-label")
        yield self.control
        yield Static("", classes="form-error", id=f"error-{self.field}")

    @property
    def value(self) -> FieldValue:
        """The control's value: text stripped, a Select's value (None when blank), a bool;
        `read()` for a list or a display."""
        if self.read is not None:
            return self.read()
        control = self.control
        if isinstance(control, Input):
            return control.value.strip()
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        if isinstance(control, Checkbox):
            return control.value
        raise TypeError(f"unsupported form control {type(control).__name__}")

    @property
    def error(self) -> str:
        return str(self.query_one(".form-error", Static).content)

    def set_error(self, message: str | None) -> None:
        """Show a message under the control, or clear it."""
        self.query_one(".form-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")
        self._error_for = self._shown_value() if message else None

    def _shown_value(self) -> FieldValue:
        """The value a message is about; a list control (the wizard's solutions) has none."""
        return self.value if isinstance(self.control, Input | Select | Checkbox) else None

    def _edited(self) -> None:
        """The user changed the value: the message about the old one no longer applies."""
        if self.has_class("-invalid") and self._shown_value() != self._error_for:
            self.set_error(None)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._edited()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._edited()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._edited()

    def check(self) -> str | None:
        """The immediate client-side check: required, and dates/numbers that parse."""
        value = self.value
        if value is None or value == "":
            return "Required." if self.required else None
        if self.kind == "date" and isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return "Use a date like 2026-12-31."
        if self.kind == "number" and isinstance(value, str):
            try:
                number = Decimal(value.replace(",", "").replace("_", ""))
            except InvalidOperation:
                return "Enter a number, like 48000 or 48,000.00."
            if number < 0:
                return "Must not be negative."
        return None


def text_field(
    label: str,
    field: str,
    value: str = "",
    *,
    required: bool = False,
    kind: str = "text",
    placeholder: str = "",
    max_length: int = 0,
) -> FormField:
    """A labelled single-line input (Enter submits the form)."""
    control = Input(
        value=value,
        placeholder=placeholder,
        max_length=max_length,
        id=f"input-{field}",
        compact=True,
    )
    return FormField(label, control, field=field, required=required, kind=kind)


def choice_field(
    label: str,
    field: str,
    options: Iterable[tuple[str, object]],
    value: object = Select.NULL,
    *,
    required: bool = False,
    prompt: str = "Choose…",
) -> FormField:
    """A labelled picklist (reasons, enums); blank until chosen unless `value` is given."""
    choices = list(options)
    if value is not Select.NULL and value not in [v for _label, v in choices]:
        value = Select.NULL  # e.g. a solution no longer on the deal: ask again, never crash
    control: Select[object] = Select(
        choices,
        value=value,
        prompt=prompt,
        allow_blank=True,
        id=f"input-{field}",
        compact=True,
    )
    return FormField(label, control, field=field, required=required, kind="choice")


def check_field(label: str, field: str, value: bool = False) -> FormField:
    """A labelled yes/no box."""
    control = Tick(label, value=value, id=f"input-{field}", compact=True)
    return FormField("", control, field=field, kind="bool")


class FormErrors:
    """Shows and clears messages over a set of fields; keys without a field go to `general`."""

    def __init__(self, fields: Iterable[FormField]) -> None:
        self.fields = {field.field: field for field in fields}

    def clear(self) -> None:
        for field in self.fields.values():
            field.set_error(None)

    def check(self) -> dict[str, str]:
        """Run every field's client-side check; the map of failures (empty = all fine)."""
        problems = {name: msg for name, field in self.fields.items() if (msg := field.check())}
        return problems

    def show(self, messages: Mapping[str, str]) -> list[str]:
        """Put each message next to its field; returns the messages that matched no field.

        A service key such as `contacts[1].email` lands on `contacts` when only that exists.
        """
        leftovers: list[str] = []
        for key, message in messages.items():
            target = self.fields.get(key) or self.fields.get(key.split("[")[0].split(".")[0])
            if target is None:
                leftovers.append(message)  # the message names its field in words
            else:
                target.set_error(message)
        return leftovers

    def first_invalid(self, messages: Mapping[str, str]) -> FormField | None:
        for name, field in self.fields.items():
            if name in messages:
                return field
        return None
