"""The deal screen's parts, each holding what it shows in reactives.

`DealHeader` (name, badges, status, value, the expiry countdown), `StaleBanner` ("Changed by
NAME — r to reload"), and `DealSections` (the scrolling sections: eligibility, registration,
details, customer, team, solutions, Microsoft, invitations, history). The screen sets `detail`
when a read arrives and `now` on its clock's tick; each part redraws itself from them. Their
styles stay in the deal screen's CSS (by id and class), so the screen decides the layout.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from cosell_tui.domain.format import printable
from cosell_tui.domain.views import DealDetail
from cosell_tui.screens import deal_sections as sections
from cosell_tui.widgets.checklist import EligibilityChecklist

LOADING = "Loading…"

#: (key, title) of the sections drawn from the deal's text, in their order.
SECTIONS = (
    ("details", "Details"),
    ("customer", "Customer and contacts"),
    ("team", "Team"),
    ("solutions", "Solutions"),
    ("microsoft", "Microsoft"),
    ("invitations", "Partner invitations"),
)


class DealHeader(Static):
    """The deal's header; `message` instead while there is no deal to show (loading, refused)."""

    detail: reactive[DealDetail | None] = reactive(None, init=False, repaint=False)
    now: reactive[datetime | None] = reactive(None, init=False, repaint=False)
    message: reactive[str] = reactive(LOADING, init=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(LOADING, id=id)

    def _draw(self) -> None:
        if self.detail is not None and self.now is not None:
            self.update(sections.header(self.detail, self.now))
        else:
            self.update(self.message)

    watch_detail = watch_now = watch_message = _draw


class StaleBanner(Static):
    """Shown (class `-shown`) while `notice` says the deal changed under the user."""

    notice: reactive[str] = reactive("", init=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def watch_notice(self, notice: str) -> None:
        self.update(notice)
        self.set_class(bool(notice), "-shown")


class DealSections(VerticalScroll):
    """Every section of the deal, in one or two columns (the screen's `-wide` class)."""

    detail: reactive[DealDetail | None] = reactive(None, init=False, repaint=False)
    now: reactive[datetime | None] = reactive(None, init=False, repaint=False)

    def compose(self) -> ComposeResult:
        with Grid(id="sections-grid"):
            # Eligibility sits under the progress (domain.md §4.2), shown once it applies.
            with Vertical(classes="section", id="section-eligibility") as box:
                box.border_title = "Registration eligibility"
                yield EligibilityChecklist(id="checklist")
            with Vertical(classes="section", id="section-registration") as box:
                box.border_title = "Registration"
                yield Static("", id="body-registration", markup=False)
            for key, title in SECTIONS:
                with Vertical(classes="section", id=f"section-{key}") as box:
                    box.border_title = title
                    yield Static("", id=f"body-{key}", markup=False)
            with Vertical(classes="section -span", id="section-history") as box:
                box.border_title = "History (newest first)"
                yield Static("", id="body-history", markup=False)

    def _body(self, key: str, text: str) -> None:
        self.query_one(f"#body-{key}", Static).update(printable(text))

    def watch_detail(self, detail: DealDetail | None) -> None:
        if detail is None or self.now is None:
            return
        bodies = {
            "details": sections.details(detail),
            "customer": sections.customer(detail),
            "team": sections.team(detail),
            "solutions": sections.solutions(detail),
            "microsoft": sections.microsoft(detail, self.now),
            "invitations": sections.invitations(detail),
            "registration": sections.registration(detail.registration),
            "history": sections.history(detail),
        }
        for key, text in bodies.items():
            self._body(key, text)
        self.query_one(EligibilityChecklist).show(detail.checklist)
        applies = detail.checklist is not None or detail.registration is not None
        self.query_one("#section-eligibility").display = detail.checklist is not None
        self.query_one("#section-registration").display = applies

    def watch_now(self, now: datetime | None) -> None:
        """The clock moved: only the Microsoft section counts down."""
        if self.detail is not None and now is not None:
            self._body("microsoft", sections.microsoft(self.detail, now))
