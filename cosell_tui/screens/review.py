"""Registration review for Microsoft reviewers (`V`, and the palette): the registrations waiting
for review, oldest first, then the partners' exception requests on rejected registrations;
`enter` decides one (approve, send back or reject, with a message for the team), as
`cosell registration review` and `cosell registration exception` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Select
from textual.widgets.option_list import Option

from cosell_tui.domain import MAX_NOTES_LEN
from cosell_tui.domain import format as fmt
from cosell_tui.domain.views import Outcome, ReviewItem
from cosell_tui.screens.dialogs import FormDialog
from cosell_tui.screens.listbox import ListBox
from cosell_tui.widgets.background import background
from cosell_tui.widgets.form import choice_field, text_field

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: The decisions, as `cosell registration review` names them.
DECISIONS = (
    ("Approve (Passed)", "approve"),
    ("Send back to the team (Action required)", "send-back"),
    ("Reject (Failed)", "reject"),
)


def entry(item: ReviewItem) -> Content:
    if item.exception:
        return Content.assemble(
            (f"#{item.deal_id} ", "bold"),
            (fmt.printable(item.name), "bold"),
            f"  {fmt.printable(item.partner)} · exception request: ",
            (fmt.clip(item.message, 60), "italic"),
            (f"  asked {fmt.instant(item.filed_at)}", "$text-muted"),
        )
    return Content.assemble(
        (f"#{item.deal_id} ", "bold"),
        (fmt.printable(item.name), "bold"),
        f"  {fmt.printable(item.partner)} · {item.status.label} · ",
        (fmt.money(item.value, item.currency), "bold"),
        (f"  filed {fmt.instant(item.filed_at)}", "$text-muted"),
    )


class ReviewDialog(FormDialog[Any]):
    """One registration's decision and the message the team reads (needed to send back or
    reject; the service says so beside the field)."""

    SUBMIT_LABEL = "Decide"

    def __init__(self, item: ReviewItem, service: Service) -> None:
        registration = service.registration
        decide = registration.review_exception if item.exception else registration.review
        super().__init__(run=lambda value, _deal: decide(item.deal_id, *value))
        self.item = item

    def dialog_title(self) -> str:
        if self.item.exception:
            return f"Exception request on “{self.item.name}”"
        return f"Review “{self.item.name}”"

    def dialog_subtitle(self) -> str:
        if self.item.exception:
            return (
                f"{self.item.partner} asks: {self.item.message}\nApproved, the team files the "
                "registration again; sent back, they correct the request; rejected is final."
            )
        return (
            f"{self.item.partner} · {self.item.status.label}. The deal team is told; a "
            "registration sent back comes back here when they file it again."
        )

    def compose_fields(self) -> ComposeResult:
        yield choice_field(
            "Decision", "decision", DECISIONS, self.initial("decision", Select.NULL), required=True
        )
        yield text_field(
            "Message",
            "message",
            str(self.initial("message", "")),
            max_length=MAX_NOTES_LEN,
            placeholder="For the team; required to send back or reject",
        )

    def build(self) -> tuple[object, str]:
        return self.value("decision"), self.text("message")

    def show_errors(self, messages: Any, message: str = "") -> None:
        # The service names the review's own fields (`reason`): the message field is it.
        renamed = {("message" if k == "reason" else k): v for k, v in dict(messages).items()}
        super().show_errors(renamed, message)


class ReviewQueueScreen(ListBox[None]):
    """The registrations waiting for review; enter decides the highlighted one."""

    TITLE_TEXT = "Registrations to review"
    FOOT = "enter: decide · esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,V", "close", "Close", id="review.close"),
        Binding("enter", "decide", "Decide", id="review.decide"),
        Binding("j", "cursor_down", "Down", show=False, id="review.down"),
        Binding("k", "cursor_up", "Up", show=False, id="review.up"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.items: tuple[ReviewItem, ...] = ()

    def on_mount(self) -> None:
        self.options.focus()
        self.load()

    @background(group="review-queue")
    def load(self) -> None:
        registration = self.service.registration
        items = registration.awaiting_review() + registration.awaiting_exceptions()
        self.app.call_from_thread(self._show, items)

    def _show(self, items: tuple[ReviewItem, ...]) -> None:
        self.items = items
        title = f"Registrations to review · {len(items)} waiting, oldest first"
        self.set_title(title)
        options = self.options
        options.clear_options()
        if not items:
            options.add_option(Option("No registration is waiting for review.", disabled=True))
            return
        options.add_options(
            [Option(entry(i), id=f"{'x' if i.exception else 'r'}{i.deal_id}") for i in items]
        )
        options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_decide()

    def action_decide(self) -> None:
        index = self.options.highlighted
        if index is None or index >= len(self.items):
            return
        self.app.push_screen(ReviewDialog(self.items[index], self.service), self._decided)

    def _decided(self, outcome: Outcome | None) -> None:
        if outcome is not None:
            self.app.notify(outcome.message, title=outcome.deal.name)
            self.load()

    def action_close(self) -> None:
        self.dismiss(None)
