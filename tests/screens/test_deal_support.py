"""Deal read models in the states the deal screen must show, and a recording service double.

The screen tests are about keys, dialogs, workers and what is shown; the use cases themselves
are tested in tests/service. So the double keeps deals as read models, checks the version like
the real service (ConflictError), and records every call the screen makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from cosell_tui.commands import ScreenCommands
from cosell_tui.domain import (
    AccountKind,
    Action,
    DealType,
    Direction,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    PartnerRole,
    RegistrationStatus,
    Role,
    SolutionCategory,
    Status,
    Substatus,
)
from cosell_tui.domain.clock import Clock
from cosell_tui.domain.facts import Checklist, Criterion, KeptAnswers, Outcome, TransitionDecision
from cosell_tui.domain.views import (
    AccountView,
    DealDetail,
    DealRow,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    RegistrationView,
    SolutionLine,
    SolutionView,
    UserView,
    WonPreview,
)
from cosell_tui.domain.views import Outcome as Done
from cosell_tui.service.errors import ConflictError, CosellError

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

AZURE_SOLUTION = SolutionView(
    id="SOL-1",
    name="Fabrikam Insights",
    publisher_name="Fabrikam",
    category=SolutionCategory.MINE,
    co_sell_ready=True,
    azure_ip_co_sell=True,
    biz_apps_premium=False,
    biz_apps_standard=False,
    marketplace_incentivized=True,
    priced=False,
)
PRICED_SOLUTION = SolutionView(
    id="SOL-2",
    name="Fabrikam Managed Ops",
    publisher_name="Fabrikam",
    category=SolutionCategory.MINE,
    co_sell_ready=True,
    azure_ip_co_sell=False,
    biz_apps_premium=False,
    biz_apps_standard=False,
    marketplace_incentivized=False,
    priced=True,
)
ASSESSMENT_SOLUTION = SolutionView(
    id="SA-1",
    name="Azure migration assessment",
    publisher_name="Microsoft",
    category=SolutionCategory.ASSESSMENT,
    co_sell_ready=True,
    azure_ip_co_sell=False,
    biz_apps_premium=False,
    biz_apps_standard=False,
    marketplace_incentivized=False,
    priced=False,
)
ADA = PersonView("Ada", "Ng", "+44 20 7946 0000", "ada@contoso.example")
BEN = PersonView("Ben", "Okafor", None, "ben@fabrikam.example")
CARA = PersonView("Cara", "Lind", "+44 7700 900123", "cara@fabrikam.example")

OPEN_ACTIONS = frozenset(
    {
        Action.EDIT_DETAILS,
        Action.EDIT_TEAM,
        Action.EDIT_SOLUTIONS,
        Action.MARK_STAGE,
        Action.WON,
        Action.LOST,
        Action.CLOSE_AS_ERROR,
        Action.INVITE,
    }
)
TERMINAL_REFUSAL = "The deal is closed: closed deals cannot be changed."


def make_detail(**changes: Any) -> DealDetail:
    """An inbound co-sell referral from Microsoft awaiting an answer (the default state).

    Keyword arguments replace fields of the row (DealRow's names) or of the detail.
    """
    row = DealRow(
        id=7,
        referral_id="3f2a9c1e-0000-4000-8000-000000000007",
        name="Contoso data platform",
        customer_name="Contoso Ltd",
        deal_type=DealType.CO_SELL,
        p2p=False,
        direction=Direction.INCOMING,
        status=Status.NEW,
        substatus=Substatus.PENDING,
        value=Decimal("48000.00"),
        currency="USD",
        close_date=date(2027, 3, 31),
        country="GB",
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        expires_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        closed_at=None,
        microsoft_status=MicrosoftStatus.PENDING,
        partner_role=None,
        partner_program=None,
        crm_id=None,
        stage_pct=0,
        registration_status=None,
        favorite=False,
        version=1,
    )
    row_fields = DealRow.__dataclass_fields__
    row = replace(row, **{k: v for k, v in changes.items() if k in row_fields})
    detail = DealDetail(
        row=row,
        location_name="Fabrikam UK",
        location_partner_id="4812345",
        org_name="Fabrikam",
        invited_by="Microsoft",
        invite_notes=None,
        help_type=HelpType.TECHNICAL_ARCHITECTURE,
        visible_to_microsoft=True,
        marketplace_intent=MarketplaceIntent.YES,
        notes="Needs a lakehouse for 40 stores.",
        campaign_id=None,
        status_reason=None,
        accepted_at=None,
        updated_at=row.created_at,
        customer=AccountView(
            id=1,
            name="Contoso Ltd",
            kind=AccountKind.MANAGED,
            microsoft_account_id="1-ABC123",
            group_key="contoso",
            duns=None,
            federal=False,
            address="1 Market St, London",
            city="London",
            postal_code="EC1",
            country="GB",
        ),
        contacts=(ADA,),
        team=(),
        solutions=(SolutionLine(AZURE_SOLUTION),),
        invitations=(),
        microsoft=MicrosoftCard(
            MicrosoftStatus.PENDING,
            datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            None,
            None,
            None,
            datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        ),
        decision=TransitionDecision(
            allowed=frozenset({Action.ACCEPT, Action.DECLINE, Action.CLOSE_AS_ERROR}),
            refusals={
                Action.WON: "Accept the referral first: only accepted deals can be won.",
                Action.MARK_STAGE: "Accept the referral first: stages start after accepting.",
            },
        ),
        checklist=None,
        registration=None,
        history=(HistoryView(row.created_at, "Microsoft", "received", "Sent by Microsoft seller"),),
    )
    rest = {k: v for k, v in changes.items() if k not in row_fields}
    return replace(detail, **rest)


def active_cosell(**changes: Any) -> DealDetail:
    """An outbound co-sell deal at Developed (40 %), Microsoft accepted, one P2P invitation."""
    created = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    base = make_detail(
        id=11,
        referral_id="3f2a9c1e-0000-4000-8000-000000000011",
        name="Northwind retail analytics",
        customer_name="Northwind Traders",
        direction=Direction.OUTGOING,
        status=Status.ACTIVE,
        substatus=Substatus.ACCEPTED,
        stage_pct=40,
        p2p=True,
        created_at=created,
        expires_at=None,
        microsoft_status=MicrosoftStatus.ACCEPTED,
        partner_role=PartnerRole.SOLUTION_DESIGN,
        crm_id="CRM-1042",
        version=4,
        invited_by=None,
        accepted_at=created,
        team=(BEN, CARA),
        solutions=(
            SolutionLine(AZURE_SOLUTION),
            SolutionLine(PRICED_SOLUTION, Decimal("1200.00"), 12, "USD"),
        ),
        invitations=(
            InvitationView(
                1,
                "Litware Consulting",
                Decimal("15000.00"),
                "USD",
                date(2027, 2, 28),
                "Data migration",
                HelpType.PROOF_OF_CONCEPT,
                ("SOL-1",),
                created + timedelta(days=2),
                Substatus.ACCEPTED,
            ),
        ),
        microsoft=MicrosoftCard(
            MicrosoftStatus.ACCEPTED,
            created,
            PersonView("Mia", "Seller", "+1 425 555 0100", "mia@microsoft.example"),
            "7-3X9QK2",
            None,
            None,
        ),
        decision=TransitionDecision(
            allowed=OPEN_ACTIONS | {Action.EDIT_INVITATION_TERMS},
            stages=(60, 80),
            refusals={
                Action.ACCEPT: "Only received inbound referrals can be accepted.",
                Action.SHARE_WITH_MICROSOFT: "Co-sell deals are already visible to Microsoft.",
                Action.REQUEST_HELP: "Microsoft has accepted: help is already given.",
            },
        ),
        history=(
            HistoryView(created, "Ben Okafor", "created", "Co-sell, 2 solutions"),
            HistoryView(created + timedelta(days=3), "Microsoft", "accepted", "Mia Seller"),
            HistoryView(created + timedelta(days=9), "Cara Lind", "stage", "Qualified (20 %)"),
            HistoryView(created + timedelta(days=20), "Cara Lind", "stage", "Developed (40 %)"),
        ),
    )
    return replace(base, **changes) if changes else base


def assessment_deal() -> DealDetail:
    """A solution assessment at Secure customer LOE (20 %): only the next stage is markable."""
    base = active_cosell()
    return replace(
        base,
        row=replace(
            base.row,
            id=12,
            name="Fourth Coffee migration assessment",
            customer_name="Fourth Coffee",
            deal_type=DealType.SOLUTION_ASSESSMENT,
            p2p=False,
            stage_pct=20,
        ),
        solutions=(SolutionLine(ASSESSMENT_SOLUTION),),
        invitations=(),
        decision=TransitionDecision(
            allowed=frozenset(
                {Action.EDIT_DETAILS, Action.EDIT_TEAM, Action.MARK_STAGE, Action.LOST}
                | {Action.CLOSE_AS_ERROR}
            ),
            stages=(40,),
            refusals={
                Action.WON: "Solution assessments are won only after all four stages are marked.",
                Action.EDIT_SOLUTIONS: "Solution assessment solutions cannot be edited.",
            },
        ),
    )


def _checklist(*failed: str) -> Checklist:
    items = [
        ("won", "Deal is won", "Won on 2026-11-20"),
        ("type", "Co-sell or partner-led", "Co-sell"),
        ("microsoft", "Microsoft accepted or won", "Microsoft accepted"),
        ("solution", "An Azure IP co-sell solution", "Fabrikam Insights"),
        ("value", "Value at least USD 25,000", "USD 48,000"),
        ("account", "Customer is Microsoft-managed", "Microsoft Managed account"),
    ]
    reasons = {
        "value": "USD 12,000 is below USD 25,000",
        "account": "Microsoft Unmanaged accounts cannot be registered",
    }
    return Checklist(
        tuple(
            Criterion(
                cid,
                title,
                Outcome.FAILED if cid in failed else Outcome.MET,
                reasons.get(cid, "") if cid in failed else reason,
            )
            for cid, title, reason in items
        )
    )


def won_eligible(registered: bool = False) -> DealDetail:
    base = active_cosell()
    won_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    registration = (
        RegistrationView(
            RegistrationStatus.REVIEW_PENDING,
            "Contract value above USD 1M goes to review",
            False,
            True,
            False,
            Decimal("1200000.00"),
            "USD",
            "SOL-1",
            Decimal("900000.00"),
            "USD",
            date(2026, 11, 18),
            date(2026, 12, 1),
            date(2029, 11, 30),
            "Customer",
            "Other",
            won_at + timedelta(days=1),
        )
        if registered
        else None
    )
    return replace(
        base,
        row=replace(
            base.row,
            status=Status.CLOSED,
            substatus=Substatus.WON,
            stage_pct=100,
            closed_at=won_at,
            registration_status=registration.status if registration else None,
        ),
        decision=TransitionDecision(
            allowed=frozenset() if registered else frozenset({Action.REGISTER}),
            refusals={a: TERMINAL_REFUSAL for a in Action if a is not Action.REGISTER},
        ),
        checklist=_checklist(),
        registration=registration,
    )


def won_not_eligible() -> DealDetail:
    base = won_eligible()
    return replace(
        base,
        row=replace(base.row, value=Decimal("12000.00")),
        decision=TransitionDecision(
            allowed=frozenset(),
            refusals={
                **{a: TERMINAL_REFUSAL for a in Action},
                Action.REGISTER: "Not eligible: USD 12,000 is below USD 25,000.",
            },
        ),
        checklist=_checklist("value", "account"),
    )


def closed_lost() -> DealDetail:
    base = active_cosell()
    closed = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
    return replace(
        base,
        row=replace(base.row, status=Status.CLOSED, substatus=Substatus.LOST, closed_at=closed),
        status_reason="Customer chose another vendor — went with an in-house build",
        decision=TransitionDecision(
            allowed=frozenset(), refusals={a: TERMINAL_REFUSAL for a in Action}
        ),
        history=(
            *base.history,
            HistoryView(closed, "Ben Okafor", "lost", "Customer chose another vendor"),
        ),
    )


class RecordingService:
    """Answers the deal screen like the service: version-checked, recording each call.

    `fail` maps a method name to an exception raised once on its next call.
    """

    def __init__(self, *details: DealDetail) -> None:
        self.clock = Clock(fixed=NOW)
        self.user = UserView(1, "ava", "Ava Lindqvist", "ava@fabrikam.example", Role.ADMIN, 1,
                             "Fabrikam Consulting", True, ())  # fmt: skip
        self.deals = {d.row.id: d for d in details}
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail: dict[str, CosellError] = {}
        self.warnings: tuple[str, ...] = ()
        self.registrable = True
        self.order = [d.row.id for d in details]
        self.solutions = (AZURE_SOLUTION, PRICED_SOLUTION)
        # The real Service groups its use cases by subject; this fake answers for all of them.
        self.listing = self.lifecycle = self.registration = self.catalog = self

    def _maybe_fail(self, name: str) -> None:
        if name in self.fail:
            raise self.fail.pop(name)

    def deal(self, deal: int | str) -> DealDetail:
        self.calls.append(("deal", (deal,)))
        self._maybe_fail("deal")
        return self.deals[int(deal)]

    def _write(self, name: str, deal: int, version: int, *args: Any, **row_changes: Any) -> Done:
        self.calls.append((name, (deal, version, *args)))
        self._maybe_fail(name)
        detail = self.deals[deal]
        if version != detail.row.version:
            raise ConflictError("Someone else changed this deal.")
        row = replace(detail.row, version=version + 1, **row_changes)
        self.deals[deal] = replace(detail, row=row)
        return Done(row, f"{name.replace('_', ' ').capitalize()} done.")

    def accept(self, deal: int, version: int, form: Any) -> Done:
        return self._write(
            "accept", deal, version, form, status=Status.ACTIVE, substatus=Substatus.ACCEPTED
        )

    def decline(self, deal: int, version: int, reason: Any, notes: str = "") -> Done:
        return self._write(
            "decline", deal, version, reason, notes, status=Status.CLOSED,
            substatus=Substatus.DECLINED,
        )  # fmt: skip

    def lost(self, deal: int, version: int, reason: Any, notes: str = "") -> Done:
        return self._write(
            "lost", deal, version, reason, notes, status=Status.CLOSED, substatus=Substatus.LOST
        )

    def close_as_error(self, deal: int, version: int, reason: Any, notes: str = "") -> Done:
        return self._write(
            "close_as_error", deal, version, reason, notes, status=Status.CLOSED,
            substatus=Substatus.ERROR,
        )  # fmt: skip

    def mark_stage(self, deal: int, version: int, pct: int) -> Done:
        return self._write("mark_stage", deal, version, pct, stage_pct=pct)

    def won_preview(self, deal: int) -> WonPreview:
        self.calls.append(("won_preview", (deal,)))
        return WonPreview(self.warnings, registrable=self.registrable)

    def neighbour(self, query: Any, deal_id: int, step: int) -> int | None:
        """Previous/next in the order of `self.order` (the grid's order, for these tests)."""
        self.calls.append(("neighbour", (deal_id, step)))
        index = self.order.index(deal_id) + step
        return self.order[index] if 0 <= index < len(self.order) else None

    def won(self, deal: int, version: int) -> Done:
        return self._write(
            "won", deal, version, status=Status.CLOSED, substatus=Substatus.WON, stage_pct=100
        )

    def edit_details(self, deal: int, version: int, edit: Any) -> Done:
        return self._write("edit_details", deal, version, edit)

    def set_team(self, deal: int, version: int, team: Sequence[Any]) -> Done:
        return self._write("set_team", deal, version, tuple(team))

    def set_contacts(self, deal: int, version: int, contacts: Sequence[Any], consent: bool) -> Done:
        return self._write("set_contacts", deal, version, tuple(contacts), consent)

    def set_solutions(self, deal: int, version: int, lines: Sequence[Any]) -> Done:
        return self._write("set_solutions", deal, version, tuple(lines))

    def register(self, deal: int, version: int, form: Any) -> Done:
        return self._write("register", deal, version, form)

    def kept_answers(self) -> KeptAnswers:
        """Nothing kept: these deals have no approved exception (the rule files' list is
        tested with the real service)."""
        return KeptAnswers()

    def search_partners(self, text: str = "") -> tuple[tuple[int, str], ...]:
        partners = ((7, "Litware Security"), (8, "Tailspin Analytics"))
        return tuple(p for p in partners if text.lower() in p[1].lower())

    def partner_solutions(self, org_id: int) -> tuple[tuple[str, str], ...]:
        return (("LIT-1", "Litware Sentinel"),) if org_id == 7 else ()

    def search_solutions(self, text: str = "", category: Any = None, limit: int = 50) -> Any:
        return tuple(s for s in self.solutions if text.lower() in s.name.lower())[:limit]

    def toggle_favorite(self, deal: int) -> bool:
        self.calls.append(("toggle_favorite", (deal,)))
        detail = self.deals[deal]
        on = not detail.row.favorite
        self.deals[deal] = replace(detail, row=replace(detail.row, favorite=on))
        return on

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [args for called, args in self.calls if called == name]


class ScreenHost(App[None]):
    """Pushes one screen over a blank base, as the main screen does when it opens a deal; the
    palette is the app's (the live bindings of the screen in front)."""

    COMMANDS = App.COMMANDS | {ScreenCommands}

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.first = screen
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Static("grid")

    def on_mount(self) -> None:
        self.push_screen(self.first)


def registration_rejected() -> DealDetail:
    """A won deal whose registration Microsoft rejected: an exception may be requested."""
    base = won_eligible(registered=True)
    assert base.registration is not None
    registration = replace(
        base.registration,
        status=RegistrationStatus.FAILED,
        status_reason="A duplicate of deal 12",
    )
    return replace(
        base,
        row=replace(base.row, registration_status=RegistrationStatus.FAILED),
        registration=registration,
        decision=TransitionDecision(
            allowed=frozenset({Action.REQUEST_EXCEPTION}),
            refusals={a: TERMINAL_REFUSAL for a in Action if a is not Action.REQUEST_EXCEPTION},
        ),
    )


def fill_first_contact(dialog: Screen[Any], first: str, last: str, email: str) -> None:
    """The contacts dialog's first row, and the customer's consent ticked."""
    from cosell_tui.widgets.toggles import Tick

    for name, value in (("first_name", first), ("last_name", last), ("email", email)):
        dialog.query_one(f"#input-contact_0_{name}", Input).value = value
    dialog.query_one("#input-consent", Tick).value = True
