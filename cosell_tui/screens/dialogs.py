"""The one dialog contract, and the triage dialogs: accept, decline, lost, close as error, won.

Every dialog that changes something **runs its own use case** and stays open until it succeeds:
it is given `run(value, detail)` (the use case, called in a worker with what the user entered
and the deal as the dialog knows it) and dismisses with the use case's result (an `Outcome`, a
`BulkResult`). A refusal never closes it and never loses what was typed:
- `ValidationError`: each message beside its field, the rest under the form;
- `ConflictError` (someone else changed the deal meanwhile): the dialog reads the deal again
  (`reload`), says who changed what, keeps the user's values, and ctrl+y applies them again to
  the deal as it now is;
- any other refusal: its sentence under the form; a bug: one sentence in a toast (the worker
  policy of widgets/background.py), and the dialog stays usable.
A change that is final (decline, lost, error, won) is confirmed inside the dialog: the first
ctrl+y shows what will happen, the second does it, esc goes back to the form.

Editing a field clears its message. Keys: Enter in a field or ctrl+y anywhere submits (ctrl+s
belongs to terminals), Esc cancels (or leaves the confirmation), and `q` cancels too whenever
the focus is not in a text field (Esc is never the only way out: tmux adds its own delay).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from cosell_tui.domain import MAX_NAME_LEN, MAX_NOTES_LEN, CloseReason, ErrorReason
from cosell_tui.domain.format import printable
from cosell_tui.domain.views import DealDetail
from cosell_tui.service.errors import ConflictError, CosellError, ValidationError
from cosell_tui.service.forms import AcceptForm, PersonInput
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import FormErrors, FormField, choice_field, text_field

ResultT = TypeVar("ResultT")

#: A dialog's use case: (what the user entered, the deal as the dialog knows it — a DealDetail,
#: or None for a dialog about several deals) → the result.
Run = Callable[[Any, Any], ResultT]
#: Reads the deal again (after a conflict); called in the dialog's worker.
Reload = Callable[[int], DealDetail]

DIALOG_CSS = """
UseCaseDialog {
    align: center middle;
}
UseCaseDialog > #dialog {
    width: 76;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary 80%;
    background: $surface;
    padding: 0 1;
}
#dialog > .dialog-title {
    text-style: bold;
    width: 100%;
    padding: 0 1;
    background: $primary 20%;
}
#dialog .dialog-subtitle {
    color: $text-muted;
}
#dialog > #fields {
    height: auto;
    max-height: 70vh;  /* the title, messages and buttons stay in view at 80×24 */
}
#dialog .row {
    height: auto;
}
#dialog .row > FormField {
    width: 1fr;
}
#dialog > #general-error {
    color: $text-error;
    display: none;
}
#dialog > #general-error.-shown {
    display: block;
}
#dialog .warning {
    color: $text-warning;
}
#dialog > .buttons {
    height: auto;
    align-horizontal: right;
    padding: 0 0;
}
#dialog > .buttons > Button {
    margin: 0 0 0 1;
}
"""


def reason_options(reasons: Iterable[CloseReason | ErrorReason]) -> list[tuple[str, object]]:
    """Picklist rows led by the CSV code, so typing the code jumps to the reason."""
    return [(f"{reason.value}  {reason.label}", reason) for reason in reasons]


class UseCaseDialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """What every dialog shares: it runs its use case in a worker, shows refusals under its
    content (`#general-error`), keeps the user's input through a conflict, and dismisses with
    the result. Subclasses compose the content and call `start(value)` when the user submits.
    """

    DEFAULT_CSS = DIALOG_CSS

    def __init__(
        self,
        *,
        run: Run[ResultT] | None = None,
        detail: DealDetail | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.detail = detail
        self.reload = reload
        self.busy = False
        #: The value waiting for the user's confirmation, when the change is final.
        self.confirming: Any = None

    # --- for subclasses ---------------------------------------------------------------------

    def confirm_text(self, value: Any) -> str | None:
        """What the user must confirm before a final change (None: no confirmation)."""
        return None

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """Messages about the input: under the content (forms put them beside fields)."""
        self.say(message, *messages.values())

    def submit_button(self) -> Button | None:
        buttons = self.query("#submit")
        return buttons.first(Button) if buttons else None

    # --- machinery ----------------------------------------------------------------------------

    def say(self, *lines: str) -> None:
        """Lines under the content, or nothing."""
        general = self.query_one("#general-error", Static)
        shown = [line for line in lines if line]
        general.update(printable("\n".join(shown)))
        general.set_class(bool(shown), "-shown")

    def start(self, value: Any) -> None:
        """Confirm first when the change is final, then run the use case; without a use case
        (a dialog that only gathers input) dismiss with the value."""
        if self.busy:
            return
        if self.run is None:
            self.dismiss(value)
            return
        if self.confirming is None and (text := self.confirm_text(value)):
            self.confirming = value
            self.say(text)
            self.set_class(True, "-confirming")
            if button := self.submit_button():
                button.label = "Confirm (ctrl+y)"
            return
        self.confirming = None
        self.set_class(False, "-confirming")
        self.busy = True
        self.say("Working…")
        self._run_use_case(value, self.detail)

    def back_to_form(self) -> None:
        """Leave a pending confirmation without running anything."""
        self.confirming = None
        self.set_class(False, "-confirming")
        self.say()
        if button := self.submit_button():
            button.label = f"{self.submit_label()} (ctrl+y)"

    def submit_label(self) -> str:
        return "OK"

    @background(group="dialog-run")
    def _run_use_case(self, value: Any, detail: DealDetail | None) -> None:
        assert self.run is not None
        try:
            result = self.run(value, detail)
        except ValidationError as exc:
            self.app.call_from_thread(self._refused, dict(exc.fields), exc.message)
            return
        except ConflictError as exc:
            fresh = None
            if self.reload is not None and detail is not None:
                fresh = self.reload(detail.row.id)
            self.app.call_from_thread(self._conflicted, exc.message, fresh)
            return
        except CosellError as exc:
            self.app.call_from_thread(self._refused, {}, exc.message)
            return
        except Exception:
            self.app.call_from_thread(self._refused, {}, "")  # usable again; the policy tells
            raise
        self.app.call_from_thread(self.dismiss, result)

    def _refused(self, fields: dict[str, str], message: str) -> None:
        self.busy = False
        self.back_to_form()
        self.show_errors(fields, message)

    def _conflicted(self, message: str, fresh: DealDetail | None) -> None:
        """Someone else saved first: keep what the user typed, say what changed, and let the
        next submit apply it to the deal as it now is."""
        self.busy = False
        self.back_to_form()
        if fresh is None:
            self.say(message)
            return
        self.detail = fresh
        latest = fresh.history[0] if fresh.history else None
        who = f"{latest.who}: {latest.summary}" if latest else "someone else"
        self.say(
            f"Changed by {who}",
            "Your values are kept: ctrl+y applies them to the deal as it is now, esc cancels.",
        )
        self.deal_reloaded(fresh)

    def deal_reloaded(self, detail: DealDetail) -> None:
        """The dialog shows the deal's new state beside the user's values (subclasses)."""


class FormDialog(UseCaseDialog[ResultT]):
    """A modal form: client-side checks first, then the dialog's use case (see the module).

    Subclasses yield their fields from `compose_fields`, turn the checked values into the
    use case's input in `build`, and may add `extra_check` (rules across fields) and
    `confirm_text` (a final change).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("q", "cancel", "Cancel", show=False, id="dialog.cancel_q"),
        Binding("ctrl+y", "submit", "Submit", id="dialog.submit"),
    ]
    TITLE_TEXT: ClassVar[str] = ""
    SUBMIT_LABEL: ClassVar[str] = "OK"

    def __init__(
        self,
        *,
        values: Mapping[str, object] | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[ResultT] | None = None,
        detail: DealDetail | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(run=run, detail=detail, reload=reload)
        self.initial_values: dict[str, object] = dict(values or {})
        self.initial_errors: dict[str, str] = dict(errors or {})
        self.initial_message = message
        self._errors: FormErrors | None = None

    # --- for subclasses ---------------------------------------------------------------------

    def dialog_title(self) -> str:
        return self.TITLE_TEXT

    def dialog_subtitle(self) -> str:
        return ""

    def submit_label(self) -> str:
        return self.SUBMIT_LABEL

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def extra_check(self) -> dict[str, str]:
        """Rules across fields; field name -> message."""
        return {}

    def build(self) -> Any:
        raise NotImplementedError

    async def prepare(self) -> None:
        """Mount-time work before the first focus (subclasses that build rows)."""

    def initial(self, field: str, default: object = "") -> object:
        """The value to show first: what the user typed before a refusal, else the default."""
        return self.initial_values.get(field, default)

    # --- machinery ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(printable(self.dialog_title()), classes="dialog-title", markup=False)
            if subtitle := self.dialog_subtitle():
                yield Static(printable(subtitle), classes="dialog-subtitle", markup=False)
            with VerticalScroll(id="fields"):
                yield from self.compose_fields()
            yield Static("", id="general-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.submit_label()} (ctrl+y)", variant="primary", id="submit", compact=True
                )
                yield Button("Cancel (esc)", id="cancel", compact=True)

    @property
    def errors(self) -> FormErrors:
        if self._errors is None:
            self._errors = FormErrors(self.query(FormField))
        return self._errors

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def value(self, name: str) -> object:
        return self.field(name).value

    def text(self, name: str) -> str:
        value = self.field(name).value
        return value if isinstance(value, str) else ""

    async def on_mount(self) -> None:
        await self.prepare()
        if self.initial_errors or self.initial_message:
            self.show_errors(self.initial_errors, self.initial_message)
        else:
            self.focus_first()

    def focus_first(self) -> None:
        for field in self.query(FormField):
            if field.control.focusable:
                field.control.focus()
                return

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """Messages next to their fields; the rest (and `message`) under the form."""
        self.errors.clear()
        leftovers = self.errors.show(messages)
        self.say(message, *leftovers)
        if first := self.errors.first_invalid(messages):
            first.control.focus()
            first.scroll_visible(animate=False)

    def action_submit(self) -> None:
        if self.busy:
            return
        if self.confirming is not None:
            self.start(self.confirming)
            return
        problems = self.errors.check()
        for name, message in self.extra_check().items():
            problems.setdefault(name, message)
        if problems:
            count = len(problems)
            self.show_errors(problems, f"Fix {count} field{'s' if count > 1 else ''} to continue.")
            return
        self.start(self.build())

    def action_cancel(self) -> None:
        if self.confirming is not None:
            self.back_to_form()
            return
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()


# --- confirmations ----------------------------------------------------------------------------


class ConfirmDialog(UseCaseDialog[Any]):
    """Yes/no before anything that cannot be undone; with `run`, the yes runs the use case and
    the dialog stays open on a refusal (without, it dismisses with True or False)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,ctrl+y", "confirm", "Yes", id="confirm.yes"),
        Binding("n,escape,q", "cancel", "No", id="confirm.no"),
    ]

    def __init__(
        self,
        title: str,
        body: str,
        warnings: Iterable[str] = (),
        *,
        confirm_label: str = "Yes",
        run: Run[Any] | None = None,
        detail: DealDetail | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(run=run, detail=detail, reload=reload)
        self.title_text = title
        self.body = body
        self.warnings = tuple(warnings)
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(printable(self.title_text), classes="dialog-title", markup=False)
            yield Static(printable(self.body), classes="body", markup=False)
            for warning in self.warnings:
                yield Static(f"⚠ {printable(warning)}", classes="warning", markup=False)
            yield Static("", id="general-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.confirm_label} (y)", variant="primary", id="yes", compact=True)
                yield Button("No (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_confirm(self) -> None:
        if self.run is None:
            self.dismiss(True)
        else:
            self.start(None)

    def action_cancel(self) -> None:
        if self.run is None:
            self.dismiss(False)
        else:
            self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Through the actions, so a subclass that overrides them gets the buttons too."""
        event.stop()
        if event.button.id == "yes":
            self.action_confirm()
        else:
            self.action_cancel()


class WonDialog(ConfirmDialog):
    """Confirm marking a deal won and mark it; shows the D7 advisory (72 hours) and the ISV
    Connect note when the service gives them, and speaks of registration only when the deal
    could be registered."""

    def __init__(
        self,
        detail: DealDetail,
        warnings: Iterable[str] = (),
        *,
        registrable: bool = False,
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        row = detail.row
        after = (
            "registration for incentives stays possible."
            if registrable
            else "this deal cannot be registered for incentives."
        )
        body = (
            f"Mark “{row.name}” ({row.customer_name}) as won?\n"
            f"Won is final: the deal can no longer be edited; {after}"
        )
        super().__init__(
            "Mark deal won",
            body,
            warnings,
            confirm_label="Mark won",
            run=run,
            detail=detail,
            reload=reload,
        )


# --- reasons: decline, lost, close as error ---------------------------------------------------


class _ReasonDialog(FormDialog[Any]):
    """A coded reason and optional notes; `count` > 1 for bulk actions. Final: the dialog asks
    for a confirmation before it runs its use case."""

    REASONS: ClassVar[tuple[CloseReason | ErrorReason, ...]] = ()
    VERB: ClassVar[str] = ""

    def __init__(
        self,
        count: int = 1,
        *,
        values: Mapping[str, object] | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        detail: DealDetail | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.count = count

    def dialog_title(self) -> str:
        if self.count == 1:
            name = f" “{self.detail.row.name}”" if self.detail else ""
            return f"{self.VERB}{name}"
        return f"{self.VERB}: {self.count} deals"

    def compose_fields(self) -> ComposeResult:
        yield choice_field(
            "Reason",
            "reason",
            reason_options(self.REASONS),
            self.initial("reason", Select.NULL),
            required=True,
            prompt="Choose a reason (type its number)",
        )
        yield text_field(
            "Notes",
            "notes",
            str(self.initial("notes", "")),
            max_length=MAX_NOTES_LEN,
            placeholder="Optional unless the reason asks for them",
        )

    def build(self) -> tuple[object, str]:
        return self.value("reason"), self.text("notes")

    def confirm_text(self, value: Any) -> str | None:
        reason, _notes = value
        label = getattr(reason, "label", str(reason))
        what = f"{self.count} deals" if self.count > 1 else "this deal"
        return (
            f"{self.VERB} {what}: {label}. This is final — ctrl+y again to confirm, esc to go back."
        )


class DeclineDialog(_ReasonDialog):
    """Decline inbound referral(s): reason from the coded list (T4) → (CloseReason, notes)."""

    REASONS = tuple(CloseReason)
    VERB = "Decline"
    SUBMIT_LABEL = "Decline"

    def dialog_subtitle(self) -> str:
        return "The sender is told. Declined deals are closed for good."


class LostDialog(_ReasonDialog):
    """Mark a deal lost (T9) → (CloseReason, notes)."""

    REASONS = tuple(CloseReason)
    VERB = "Mark lost"
    SUBMIT_LABEL = "Mark lost"

    def dialog_subtitle(self) -> str:
        return "Lost is final: the deal can no longer be changed."


class ErrorDialog(_ReasonDialog):
    """Close deal(s) as error (T10, D4): one of the nine reasons → (ErrorReason, notes). Which
    reasons need notes is a rule (transitions.yaml); the use case says so beside the notes."""

    REASONS = tuple(ErrorReason)
    VERB = "Close as error"
    SUBMIT_LABEL = "Close as error"

    def dialog_subtitle(self) -> str:
        return "Error closes the deal for good and keeps it out of insights."


# --- accept -------------------------------------------------------------------------------------


def accept_values(detail: DealDetail) -> dict[str, object]:
    """The referral's own values, which the accept form starts from (T3)."""
    row = detail.row
    values: dict[str, object] = {
        "name": row.name,
        "value": f"{row.value:.2f}",
        "currency": row.currency,
        "close_date": row.close_date.isoformat(),
        "notes": detail.notes,
        "crm_id": row.crm_id or "",
        "campaign_id": detail.campaign_id or "",
    }
    return values


def form_values(form: AcceptForm) -> dict[str, object]:
    """An AcceptForm back into field values, to reopen the dialog after a refusal."""
    values: dict[str, object] = {
        "name": form.name,
        "value": str(form.value),
        "currency": form.currency,
        "close_date": str(form.close_date),
        "notes": form.notes,
        "crm_id": form.crm_id or "",
        "campaign_id": form.campaign_id or "",
    }
    if form.contacts:
        contact = form.contacts[0]
        values.update(
            {
                "contact_first_name": contact.first_name,
                "contact_last_name": contact.last_name,
                "contact_email": contact.email or "",
                "contact_phone": contact.phone or "",
            }
        )
    return values


class AcceptDialog(FormDialog[Any]):
    """Accept an inbound referral (T3): name, value, currency, close date and notes are required,
    pre-filled from the referral; CRM ID, campaign ID and a customer contact are optional."""

    SUBMIT_LABEL = "Accept"

    def __init__(
        self,
        detail: DealDetail,
        *,
        form: AcceptForm | None = None,
        errors: Mapping[str, str] | None = None,
        message: str = "",
        run: Run[Any] | None = None,
        reload: Reload | None = None,
    ) -> None:
        values = form_values(form) if form is not None else accept_values(detail)
        super().__init__(
            values=values, errors=errors, message=message, run=run, detail=detail, reload=reload
        )
        self.deal = detail

    def dialog_title(self) -> str:
        return f"Accept “{self.deal.row.name}”"

    def dialog_subtitle(self) -> str:
        row = self.deal.row
        sender = self.deal.invited_by or "Microsoft"
        return f"From {sender} · {row.customer_name} · {row.referral_id}"

    def compose_fields(self) -> ComposeResult:
        def field(label: str, name: str, **kw: Any) -> FormField:
            return text_field(label, name, str(self.initial(name, "")), **kw)

        yield field("Deal name", "name", required=True, max_length=MAX_NAME_LEN)
        with Horizontal(classes="row"):
            yield field("Estimated value", "value", required=True, kind="number")
            yield field("Currency", "currency", required=True, max_length=3, placeholder="USD")
            yield field("Close date", "close_date", required=True, kind="date")
        yield field("Notes (the customer's need)", "notes", required=True, max_length=MAX_NOTES_LEN)
        with Horizontal(classes="row"):
            yield field("CRM ID", "crm_id", placeholder="Optional")
            yield field("Campaign ID", "campaign_id", placeholder="Optional")
        yield Static("Customer contact (optional)", classes="dialog-subtitle")
        with Horizontal(classes="row"):
            yield field("First name", "contact_first_name")
            yield field("Last name", "contact_last_name")
        with Horizontal(classes="row"):
            yield field("Email", "contact_email")
            yield field("Phone", "contact_phone")

    def extra_check(self) -> dict[str, str]:
        names = ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")
        given = [self.text(name) for name in names]
        if any(given) and not (given[0] or given[1]):
            return {"contact_first_name": "A contact needs a name."}
        if any(given) and not (given[2] or given[3]):
            return {"contact_email": "A contact needs an email or a phone number."}
        return {}

    def build(self) -> AcceptForm:
        contacts: tuple[PersonInput, ...] = ()
        if self.text("contact_first_name") or self.text("contact_last_name"):
            contacts = (
                PersonInput(
                    first_name=self.text("contact_first_name"),
                    last_name=self.text("contact_last_name"),
                    phone=self.text("contact_phone") or None,
                    email=self.text("contact_email") or None,
                ),
            )
        return AcceptForm(
            name=self.text("name"),
            value=self.text("value"),
            currency=self.text("currency").upper(),
            close_date=self.text("close_date"),
            notes=self.text("notes"),
            crm_id=self.text("crm_id") or None,
            campaign_id=self.text("campaign_id") or None,
            contacts=contacts,
        )

    def show_errors(self, messages: Mapping[str, str], message: str = "") -> None:
        """Service keys for the contact (`contacts[0].email`) land on the contact fields."""
        mapped: dict[str, str] = {}
        for key, text in messages.items():
            if key.startswith("contacts"):
                sub = key.rsplit(".", 1)[-1] if "." in key else "first_name"
                mapped[f"contact_{sub}"] = text
            else:
                mapped[key] = text
        super().show_errors(mapped, message)


__all__ = [
    "AcceptDialog",
    "ConfirmDialog",
    "DeclineDialog",
    "ErrorDialog",
    "FormDialog",
    "LostDialog",
    "WonDialog",
]
