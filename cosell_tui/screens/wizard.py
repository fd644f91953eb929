"""The New Deal wizard: one screen, eight steps, validated by the service as the user goes.

Every step is a section (`screens/wizard_*.py`) of this one screen; all stay mounted, so the
draft is always read from what is on screen and Back never loses anything. Next asks
`Service.validate_draft(draft, step)` in a worker and moves on only when the step is valid; the
messages land next to their fields. Under every step the deal-type line shows the rule set's
live answer (`Service.preview_deal_type`) with its reason. Create calls `Service.create_deal`,
dismisses the screen with the `Outcome` (the caller shows its message as a toast, as the main
screen does for every use case) and opens the new deal on the deal screen.

Keys: ctrl+n / alt+right next, ctrl+g / alt+left back, ctrl+y create (on Review), Esc or `q`
(when not typing) leave, asking first when something was entered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from cosell_tui.domain import RESPONSE_WINDOW, DealType
from cosell_tui.domain.facts import DealTypeDecision
from cosell_tui.domain.views import Outcome
from cosell_tui.screens.dialogs import ConfirmDialog
from cosell_tui.screens.wizard_base import WizardStep, split_key
from cosell_tui.screens.wizard_customer import CustomerStep
from cosell_tui.screens.wizard_details import DetailsStep, IntentStep
from cosell_tui.screens.wizard_partners import PartnersStep
from cosell_tui.screens.wizard_selling import SellingStep
from cosell_tui.screens.wizard_solutions import SolutionsStep
from cosell_tui.screens.wizard_team import TeamStep
from cosell_tui.service.errors import CosellError, ValidationError
from cosell_tui.service.forms import DealDraft
from cosell_tui.widgets.background import background

if TYPE_CHECKING:
    from cosell_tui.service import Service

#: Which step holds each DealDraft field (to name it in messages and to jump to it).
FIELD_STEP: Mapping[str, str] = {
    "account_id": "customer",
    "account": "customer",
    "customer": "customer",
    "contact": "customer",
    "consent": "customer",
    "name": "details",
    "location_id": "details",
    "location": "details",
    "value": "details",
    "currency": "details",
    "close_date": "details",
    "crm_id": "details",
    "campaign_id": "details",
    "notes": "details",
    "partner_role": "details",
    "partner_program": "details",
    "marketplace_intent": "intent",
    "team": "team",
    "solutions": "solutions",
    "assessment_location_id": "solutions",
    "help_type": "selling",
    "help_notes": "selling",
    "visible_to_microsoft": "selling",
    "invitations": "partners",
}

INTENT = "marketplace_intent"

#: Steps whose answers decide an earlier step's rule: the intent (step 3) is only decidable
#: once the solutions (step 5) are chosen ("Yes needs an incentivised solution").
ALSO_CHECK: Mapping[str, tuple[str, ...]] = {"solutions": ("solutions", "intent")}

#: How long typing must pause before the live deal-type line and re-validation run.
LIVE_DELAY = 0.3


def deal_type_text(decision: DealTypeDecision | None) -> str:
    """The live line: the type, the P2P flag and the rule's reason, or why it cannot be made."""
    if decision is None:
        return "Deal type: …"
    if decision.deal_type is None:
        return "Deal type: cannot be decided — " + "; ".join(
            decision.problems or (decision.reason,)
        )
    p2p = " + partner-to-partner" if decision.p2p else ""
    return f"Deal type: {decision.deal_type.label}{p2p} — {decision.reason}"


def next_steps_text(decision: DealTypeDecision | None, invitations: int) -> list[str]:
    """What happens after Create, in the user's words (domain.md §6, D9, D11)."""
    days = RESPONSE_WINDOW.days
    lines = ["The deal appears in your Outbound tab. You are not emailed about your own deal."]
    deal_type = decision.deal_type if decision else None
    if deal_type is DealType.CO_SELL:
        lines.append(
            "Microsoft's referrals admins are notified and have "
            f"{days} days to accept or decline; if they do not answer, only Microsoft's side "
            "expires and you can ask again."
        )
    elif deal_type is DealType.PARTNER_LED:
        lines.append("Microsoft sellers can view the deal; nobody is asked to act on it.")
    elif deal_type is DealType.SOLUTION_ASSESSMENT:
        lines.append("The assessment follows its four stages before it can be marked won.")
    elif deal_type is DealType.PRIVATE and invitations:
        lines.append(
            "Microsoft does not see it; only the partners you invite do. You can share it with "
            "Microsoft or ask for help later."
        )
    elif deal_type is DealType.PRIVATE:
        lines.append("Nobody outside your company sees it; you can share it or ask for help later.")
    if invitations:
        lines.append(
            f"The referrals admins of the {invitations} invited organisation(s) are notified "
            f"and have {days} days to accept or decline."
        )
    return lines


class ReviewStep(WizardStep):
    key = "review"
    title = "Review and create"

    DEFAULT_CSS = """
    ReviewStep #review-body { padding: 0 1; margin: 1 0 0 0; }
    ReviewStep #review-next { padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        # What happens next comes first: at 80×24 the answers below may need scrolling, and
        # this is what the user must read before Create.
        yield Static("", classes="step-errors")
        yield Label("What happens next", classes="step-heading")
        yield Static("", id="review-next", markup=False)
        yield Label("Your answers", classes="step-heading")
        yield Static("", id="review-body", markup=False)

    def show_review(self, lines: list[str], next_lines: list[str]) -> None:
        self.query_one("#review-body", Static).update("\n".join(lines))
        self.query_one("#review-next", Static).update("\n".join(f"• {x}" for x in next_lines))


class DiscardDialog(ConfirmDialog):
    """Asked before a half-filled wizard is thrown away."""

    def __init__(self) -> None:
        super().__init__(
            "Discard this new deal?",
            "What you entered in the wizard will be lost.",
            confirm_label="Discard",
        )


class NewDealScreen(Screen[Outcome | None]):
    """Create a deal of any type from the keyboard; dismisses with the Outcome, or None."""

    AUTO_FOCUS = "#customer-name"  # where the user starts typing, from the first frame

    DEFAULT_CSS = """
    NewDealScreen #wizard-title { text-style: bold; background: $primary 20%; padding: 0 1; }
    NewDealScreen #wizard-steps { color: $text-muted; padding: 0 1; }
    NewDealScreen ContentSwitcher { height: 1fr; }
    NewDealScreen #deal-type { padding: 0 1; background: $boost; height: auto; max-height: 3; }
    NewDealScreen #wizard-buttons { height: auto; align-horizontal: right; }
    NewDealScreen #wizard-buttons Button { margin: 0 0 0 1; width: 17; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n,alt+right", "next", "Next", id="wizard.next"),
        Binding("ctrl+g,alt+left", "back", "Back", id="wizard.back"),
        Binding("ctrl+y", "create", "Create", id="wizard.create"),
        Binding("escape", "leave", "Leave", id="wizard.leave"),
        Binding("q", "leave", "Leave", show=False, id="wizard.leave_q"),
    ]

    STEPS: ClassVar[tuple[type[WizardStep], ...]] = (
        CustomerStep,
        DetailsStep,
        IntentStep,
        TeamStep,
        SolutionsStep,
        SellingStep,
        PartnersStep,
        ReviewStep,
    )

    @dataclass
    class Validated(Message):
        step: str  # the step the answer is about ("" = all)
        errors: dict[str, str]
        then: str  # "next", "live", "review", "add-member", "add-invitation", "create"

    @dataclass
    class Previewed(Message):
        decision: DealTypeDecision

    @dataclass
    class Created(Message):
        outcome: Outcome

    @dataclass
    class CreateFailed(Message):
        message: str
        fields: dict[str, str]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.index = 0
        self.decision: DealTypeDecision | None = None
        self.errors_shown: set[str] = set()
        self._live_timer: Timer | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static("", id="wizard-title")
        yield Static("", id="wizard-steps")
        with ContentSwitcher(initial=f"step-{self.STEPS[0].key}"):
            for step in self.STEPS:
                yield step(self.service)
        yield Static(deal_type_text(None), id="deal-type", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Button("Back (ctrl+g)", id="wizard-back", compact=True)
            yield Button("Next (ctrl+n)", id="wizard-next", variant="primary", compact=True)
            yield Button("Cancel (esc)", id="wizard-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if self.app.animation_level == "none":
            # No animation means no blinking cursor either (reduced motion, SSH, snapshots).
            for field in self.query(Input):
                field.cursor_blink = False
        self._show_step()
        self.query_one("#customer-name").focus()

    # --- steps --------------------------------------------------------------------------------

    @property
    def steps(self) -> list[WizardStep]:
        return list(self.query_one(ContentSwitcher).query_children(WizardStep))

    @property
    def step(self) -> WizardStep:
        return self.steps[self.index]

    def step_for(self, key: str) -> WizardStep:
        return next(step for step in self.steps if step.key == key)

    def _solutions_step(self) -> SolutionsStep:
        step = self.step_for("solutions")
        assert isinstance(step, SolutionsStep)
        return step

    def _labels(self) -> dict[str, str]:
        titles = {step.key: step.title for step in self.steps}
        return {field: titles[step] for field, step in FIELD_STEP.items()}

    def _show_step(self) -> None:
        step = self.step
        count = len(self.STEPS)
        self.query_one("#wizard-title", Static).update(
            f"New deal · Step {self.index + 1} of {count} — {step.title}"
        )
        self.query_one("#wizard-steps", Static).update(
            " › ".join(
                f"[b reverse] {i + 1} {s.title} [/]" if i == self.index else str(i + 1)
                for i, s in enumerate(self.steps)
            )
        )
        self.query_one(ContentSwitcher).current = step.id
        self.query_one("#wizard-back", Button).disabled = self.index == 0
        last = step.key == "review"
        self.query_one("#wizard-next", Button).label = (
            "Create (ctrl+y)" if last else "Next (ctrl+n)"
        )
        self._enter(step)
        self.refresh_bindings()
        self._preview(self._as_far_as(self.draft(), self.step.key))

    def _enter(self, step: WizardStep) -> None:
        """Carry earlier answers into the step being shown."""
        if isinstance(step, SellingStep):
            step.set_assessment(self._solutions_step().has_assessment)
        elif isinstance(step, PartnersStep):
            details = self.step_for("details").collect()
            team = self.step_for("team").collect()["team"]
            step.prefill(
                close_date=str(details["close_date"] or ""),
                value=str(details["value"] or ""),
                currency=details["currency"],
                team=team,
            )
        elif isinstance(step, ReviewStep):
            step.show_review(self._review_lines(), [])
            self._validate(self.draft(), None, "review")
            self.query_one("#wizard-next", Button).focus()
            return
        step.focus_first_control()

    def _skip(self, index: int) -> bool:
        """The selling type is not offered for solution assessments (domain.md §4.1)."""
        return self.STEPS[index] is SellingStep and self._solutions_step().has_assessment

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.STEPS) - 1))
        self._show_step()

    def action_next(self) -> None:
        if self.busy:
            return
        if self.step.key == "review":
            self.action_create()
            return
        self._validate(self.draft(), self.step.key, "next")

    def action_back(self) -> None:
        if self.index == 0:
            return
        index = self.index - 1
        if self._skip(index):
            index -= 1
        self.go(index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "create":
            return self.step.key == "review"
        if action == "back":
            return self.index > 0 or None
        return True

    # --- the draft ----------------------------------------------------------------------------

    def draft(self) -> DealDraft:
        """Every step's answers as one DealDraft (values as typed; the service parses them)."""
        selling = self.step_for("selling")
        assert isinstance(selling, SellingStep)
        selling.set_assessment(self._solutions_step().has_assessment)
        values: dict[str, object] = {}
        for step in self.steps:
            values.update(step.collect())
        return DealDraft(**values)  # type: ignore[arg-type]  # collect() gives its fields as objects

    def is_dirty(self) -> bool:
        return any(step.is_dirty() for step in self.steps)

    # --- validation and the live line ------------------------------------------------------------

    def _before_selling(self, key: str | None) -> bool:
        order = [step.key for step in self.STEPS]
        return key is not None and order.index(key) < order.index("selling")

    def _as_far_as(self, draft: DealDraft, key: str | None) -> DealDraft:
        """The draft as an earlier step should judge it: the visibility question of step 6
        counts as "No" until the user gets there, so step 5 never reports it as missing."""
        if self._before_selling(key) and draft.visible_to_microsoft is None:
            return replace(draft, visible_to_microsoft=False)
        return draft

    @background(group="wizard-validate")
    def _validate(self, draft: DealDraft, step: str | None, then: str) -> None:
        draft = self._as_far_as(draft, step)
        errors: dict[str, str] = {}
        for part in ALSO_CHECK.get(step, (step,)) if step else (None,):
            for key, message in self.service.creation.validate_draft(draft, part).items():
                errors.setdefault(key, message)
        self.post_message(self.Validated(step or "", errors, then))

    @background(group="wizard-preview")
    def _preview(self, draft: DealDraft) -> None:
        self.post_message(self.Previewed(self.service.creation.preview_deal_type(draft)))

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        self.decision = event.decision
        text = deal_type_text(event.decision)
        order = [step.key for step in self.STEPS]
        if event.decision.deal_type is None and self.index < order.index("solutions"):
            text = "Deal type: decided by the solutions (step 5) and the selling type (step 6)."
        elif self._before_selling(self.step.key):
            text = text.replace("Deal type:", "Deal type so far:", 1)
        self.query_one("#deal-type", Static).update(text)
        review = self.step
        if isinstance(review, ReviewStep):
            invitations = len(self.draft().invitations)
            review.show_review(self._review_lines(), next_steps_text(event.decision, invitations))

    @on(Validated)
    def _validated(self, event: Validated) -> None:
        step = self.step
        if event.then == "review":
            self._show_review_problems(event.errors)
            return
        if event.step != step.key:
            return  # the user moved on while this was checked
        if event.then == "add-member" and isinstance(step, TeamStep):
            index = len(step.members)
            mine = {k: v for k, v in event.errors.items() if split_key(k)[:2] == ("team", index)}
            step.show_errors(mine, self._labels())
            if not mine:
                step.accept_pending()
                self._schedule_live()
            return
        if event.then == "add-invitation" and isinstance(step, PartnersStep):
            index = len(step.invitations)
            mine = {
                k: v for k, v in event.errors.items() if split_key(k)[:2] == ("invitations", index)
            }
            step.show_errors(mine, self._labels())
            if not mine:
                step.accept_pending()
                self._schedule_live()
            return
        errors = self._up_to(step.key, event.errors)
        if step.key == "solutions" and INTENT in errors:
            # The intent's rule needs the solutions: said where it can be fixed too.
            errors.setdefault("solutions", errors[INTENT])
        if step.key == "intent" and event.then == "next" and set(errors) == {INTENT}:
            # "Yes needs an incentivised solution": the solutions are chosen on step 5, so this
            # step does not block (it would be a dead end); the solutions step will.
            step.show_errors({}, self._labels())
            self.notify(
                f"{errors[INTENT]} Choose one on the Solutions step, or answer No here.",
                title="Marketplace intent",
                severity="warning",
            )
            errors = {}
        else:
            step.show_errors(errors, self._labels())
        if errors:
            self.errors_shown.add(step.key)
            if event.then == "next":
                self._focus_first_error(step)
            return
        self.errors_shown.discard(step.key)
        if event.then == "next":
            index = self.index + 1
            if self._skip(index):
                index += 1
            self.go(index)

    def _up_to(self, key: str, errors: Mapping[str, str]) -> dict[str, str]:
        """Only messages about this step or earlier ones: a step never blocks on a later
        step's answers (the intent check needs solutions, chosen two steps on)."""
        order = [step.key for step in self.STEPS]
        limit = order.index(key)
        return {
            k: v
            for k, v in errors.items()
            if order.index(FIELD_STEP.get(split_key(k)[0], key)) <= limit
        }

    def _focus_first_error(self, step: WizardStep) -> None:
        for field in step.fields.values():
            if field.has_class("-invalid") and field.control.focusable:
                field.control.focus()
                field.scroll_visible(animate=False)
                return

    def _show_review_problems(self, errors: Mapping[str, str]) -> None:
        review = self.step_for("review")
        labels = self._labels()
        lines = [
            f"{labels.get(split_key(key)[0], 'Deal')}: {message}" for key, message in errors.items()
        ]
        summary = review.query_one(".step-errors", Static)
        summary.update(
            ("Fix these before you create the deal:\n" + "\n".join(lines)) if lines else ""
        )
        summary.display = bool(lines)

    def _schedule_live(self) -> None:
        if self._live_timer is not None:
            self._live_timer.stop()
        self._live_timer = self.set_timer(LIVE_DELAY, self._live)

    def _live(self) -> None:
        draft = self.draft()
        self._preview(self._as_far_as(draft, self.step.key))
        if self.step.key in self.errors_shown:
            self._validate(draft, self.step.key, "live")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Typing waits for a pause before the service is asked again."""
        if self.is_mounted:
            self._schedule_live()

    @on(Select.Changed)
    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    @on(WizardStep.Changed)
    def _chosen(self, event: Message) -> None:
        """A choice is one event: the live line answers at once."""
        if self.is_mounted:
            if self._live_timer is not None:
                self._live_timer.stop()
            self._live()

    @on(TeamStep.AddRequested)
    def _add_member(self, event: TeamStep.AddRequested) -> None:
        event.stop()
        self._validate(self.draft(), "team", "add-member")

    @on(PartnersStep.AddRequested)
    def _add_invitation(self, event: PartnersStep.AddRequested) -> None:
        event.stop()
        self._validate(self.draft(), "partners", "add-invitation")

    # --- review and create ------------------------------------------------------------------

    def _review_lines(self) -> list[str]:
        lines: list[str] = []
        for step in self.steps:
            summary = getattr(step, "summary", None)
            if summary is not None:
                lines.extend(summary())
        return lines

    def action_create(self) -> None:
        if self.step.key != "review" or self.busy:
            return
        self.busy = True
        self.query_one("#wizard-next", Button).disabled = True
        self._create(self.draft())

    @background(group="wizard-create")
    def _create(self, draft: DealDraft) -> None:
        try:
            outcome = self.service.creation.create_deal(draft)
        except ValidationError as error:
            self.post_message(self.CreateFailed(error.message, dict(error.fields)))
            return
        except CosellError as error:
            self.post_message(self.CreateFailed(error.message, {}))
            return
        self.post_message(self.Created(outcome))

    @on(Created)
    def _created(self, event: Created) -> None:
        """Close the wizard with the outcome (the caller toasts it) and open the new deal."""
        outcome, app, service = event.outcome, self.app, self.service
        self.dismiss(outcome)

        def open_deal() -> None:
            from cosell_tui.screens.deal import DealScreen

            app.push_screen(DealScreen(service, outcome.deal.id))

        app.call_later(open_deal)

    @on(CreateFailed)
    def _create_failed(self, event: CreateFailed) -> None:
        self.busy = False
        self.query_one("#wizard-next", Button).disabled = False
        self.app.notify(event.message, title="Not created", severity="error")
        if not event.fields:
            self._show_review_problems({"": event.message})
            return
        first = next(iter(event.fields))
        target = FIELD_STEP.get(split_key(first)[0], "review")
        self.go(next(i for i, s in enumerate(self.STEPS) if s.key == target))
        self.step.show_errors(event.fields, self._labels())
        self.errors_shown.add(self.step.key)
        self._focus_first_error(self.step)

    # --- buttons and leaving ------------------------------------------------------------------

    @on(Button.Pressed, "#wizard-next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next()

    @on(Button.Pressed, "#wizard-back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    @on(Button.Pressed, "#wizard-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_leave()

    def action_leave(self) -> None:
        """Leave; ask first when anything was entered (nothing is saved until Create)."""
        if not self.is_dirty():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardDialog(), answered)
