"""The demo deals: every state and deal type, with the counterpart referrals of other parties.

One engagement at a time: our partner's referral plus, where the flow implies one, Microsoft's
referral (co-sell requests, or the referral Microsoft sent us) or the other partner's (P2P
invitations both ways), all sharing the engagement id (D12). Rows are emitted as plain tuples
in storage order, so the same code feeds the ORM-free bulk loader for 500 or 1,000,000 deals.

Invariants the tests check: deal_type agrees with help type / visibility / solutions (domain.md
§4.1), inbound New referrals expire 14 days after creation, terminal deals have closed_at, and
`registration_eligible` follows the §4.2 criteria with the month's exchange rate.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from cosell_tui.demo.pools import NOTES, PROGRAMS, PROJECTS, AccountSeed, Person, Pools
from cosell_tui.demo.reference import (
    ASSESSMENTS,
    AVA,
    BEN,
    CARA,
    FABRIKAM,
    FABRIKAM_LOCATIONS,
    LONDON,
    MICROSOFT,
    MS_SELLERS,
    ORG_LOCATION,
    ORG_SENDER,
    ORG_SOLUTIONS,
    P2P_PARTNERS,
    PROSEWARE,
    SEATTLE,
    SELLABLE,
    UNRATED_CURRENCY,
    USERS,
    SeedSolution,
    month_start,
)
from cosell_tui.domain import (
    CloseReason,
    ContractTerm,
    DealType,
    Direction,
    ErrorReason,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    PartnerRole,
    PricingModel,
    RegistrationStatus,
    Status,
    Substatus,
    TenantType,
)
from cosell_tui.store.valuation import in_usd

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
WINDOW = timedelta(days=14)

REFERRAL_COLUMNS = (
    "id", "referral_id", "engagement_id", "org_id", "location_id", "direction", "status",
    "substatus", "deal_type", "p2p", "help_type", "visible_to_microsoft", "marketplace_intent",
    "name", "value", "value_usd", "currency", "close_date", "notes", "crm_id", "campaign_id",
    "stage_pct", "partner_role", "partner_program", "customer_account_id", "customer_name",
    "country",
    "consent_share_contact", "consent_to_contact", "invited_by_org_id", "invited_by_user_id",
    "invite_notes", "microsoft_status", "microsoft_requested_at", "microsoft_seller_id",
    "microsoft_msx_id", "microsoft_decline_reason", "status_reason_code", "status_reason_notes",
    "created_at", "updated_at", "accepted_at", "closed_at", "expires_at", "reminder_sent_at",
    "registration_status", "registration_eligible", "version",
)  # fmt: skip
ENGAGEMENT_COLUMNS = ("id", "created_at")
CONTACT_COLUMNS = ("id", "referral_id", "first_name", "last_name", "phone", "email")
TEAM_COLUMNS = ("id", "referral_id", "first_name", "last_name", "phone", "email")
SOLUTION_COLUMNS = ("id", "referral_id", "solution_id", "price", "quantity", "currency")
INVITATION_COLUMNS = (
    "id", "engagement_id", "from_referral_id", "to_org_id", "to_referral_id", "value",
    "currency", "close_date", "notes", "help_type", "solution_ids", "created_at",
)  # fmt: skip
FAVORITE_COLUMNS = ("user_id", "referral_id", "created_at")
HISTORY_COLUMNS = ("id", "referral_id", "at", "user_id", "action", "summary", "detail")
REGISTRATION_COLUMNS = (
    "id", "referral_id", "status", "status_reason", "is_marketplace", "marketplace_date",
    "deployed_on_azure", "term", "contract_value", "contract_currency", "solution_id",
    "solution_value", "solution_currency", "sign_date", "start_date", "end_date", "tenant_type",
    "pricing_model", "registered_at", "review_pending_at", "action_required_at", "approved_at",
    "passed_at", "failed_at", "closed_at",
)  # fmt: skip

#: What every organisation's referral in one engagement has in common.
_SHARED_FIELDS = (
    "engagement_id", "name", "value", "currency", "close_date", "notes", "customer_account_id",
    "customer_name", "country", "created_at", "deal_type", "help_type", "visible_to_microsoft",
    "marketplace_intent",
)  # fmt: skip
_REF_ROW = operator.itemgetter(*REFERRAL_COLUMNS)
# RFC 4122 version-4 bits, as uuid.UUID(int=..., version=4) sets them.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)
_DEFAULTS: dict[str, object] = dict.fromkeys(REFERRAL_COLUMNS)
_DEFAULTS.update(
    p2p=False,
    help_type=HelpType.NONE.value,
    visible_to_microsoft=False,
    marketplace_intent=MarketplaceIntent.UNDECIDED.value,
    notes="",
    stage_pct=10,
    consent_share_contact=True,
    consent_to_contact=True,
    microsoft_status=MicrosoftStatus.NONE.value,
    version=1,
)

CURRENCIES = ("USD", "EUR", "GBP", "JPY", "INR", "AUD", UNRATED_CURRENCY)
CURRENCY_WEIGHTS = (60, 10, 12, 4, 6, 5, 3)
#: Rough units per USD, so a deal's size is similar in every currency.
UNITS_PER_USD = {"USD": 1, "EUR": 1, "GBP": 1, "JPY": 150, "INR": 83, "AUD": 1.5, "BRL": 5}
SIZES_K = (4, 8, 12, 18, 24, 30, 40, 60, 90, 120, 250, 500, 1200)
HELP_TYPES = tuple(h for h in HelpType if h is not HelpType.NONE)
MS_DECLINE_REASONS = (
    "No corresponding Microsoft customer record could be found",
    "No Microsoft seller directly manages this customer",
)
REG_STATUSES = tuple(RegistrationStatus)
USER_BY_ID = {u.id: u for u in USERS}

# Deal types in the spec's short words.
PRIVATE, PARTNER_LED, CO_SELL, SA = "private", "partner-led", "co-sell", "sa"
_DEAL_TYPE = {
    PRIVATE: DealType.PRIVATE,
    PARTNER_LED: DealType.PARTNER_LED,
    CO_SELL: DealType.CO_SELL,
    SA: DealType.SOLUTION_ASSESSMENT,
}
#: Our side's terminal substatus per state word.
_CLOSED = {
    "won": Substatus.WON,
    "lost": Substatus.LOST,
    "declined": Substatus.DECLINED,
    "expired": Substatus.EXPIRED,
    "error": Substatus.ERROR,
}
#: A deal's solution line: the solution, and its price (cents), quantity and currency if priced.
SeedSolutionLine = tuple[SeedSolution, int | None, int | None, str | None]

_MS_PAIR = {
    MicrosoftStatus.PENDING: (Status.NEW, Substatus.PENDING),
    MicrosoftStatus.ACCEPTED: (Status.ACTIVE, Substatus.ACCEPTED),
    MicrosoftStatus.DECLINED: (Status.CLOSED, Substatus.DECLINED),
    MicrosoftStatus.EXPIRED: (Status.CLOSED, Substatus.EXPIRED),
    MicrosoftStatus.WON: (Status.CLOSED, Substatus.WON),
}


@dataclass(frozen=True, slots=True)
class Spec:
    """What one engagement should look like, from the owner's (usually Fabrikam's) side.

    source: "out" (we created it), "ms" (Microsoft sent it to us), "p2p" (a partner invited
    us). state: new | expiring | hours | active | won | lost | declined | expired | error.
    """

    source: str
    dtype: str
    state: str
    ms: MicrosoftStatus | None = None
    p2p: bool = False
    org: int = FABRIKAM
    stage: int | None = None
    registrable: bool = False
    reg: RegistrationStatus | None = None
    invitee_state: str = "active"
    currency: str | None = None


def coverage_specs() -> list[Spec]:
    """One engagement of every state x type x source, so even a tiny demo shows them all."""
    specs: list[Spec] = []
    for dtype in (PRIVATE, PARTNER_LED, CO_SELL, SA):
        ms = MicrosoftStatus.ACCEPTED if dtype == CO_SELL else None
        for stage in (10, 20, 40, 60, 80):
            specs.append(Spec("out", dtype, "active", ms=ms, stage=stage))
        for state in ("won", "lost", "error"):
            specs.append(Spec("out", dtype, state, ms=ms))
    for ms in MicrosoftStatus:
        if ms is not MicrosoftStatus.NONE:
            specs.append(Spec("out", CO_SELL, "won" if ms is MicrosoftStatus.WON else "active", ms))
    for invitee in ("new", "active", "declined", "expired"):
        specs.append(Spec("out", PARTNER_LED, "active", p2p=True, invitee_state=invitee))
    specs.append(Spec("out", CO_SELL, "active", MicrosoftStatus.ACCEPTED, p2p=True))
    for reg in (None, *REG_STATUSES):
        specs.append(
            Spec("out", CO_SELL, "won", MicrosoftStatus.ACCEPTED, registrable=True, reg=reg)
        )
    specs.append(Spec("out", PARTNER_LED, "won", registrable=True))
    # registrable but for the missing BRL rate: the checklist cannot decide (D8)
    specs.append(Spec("out", PARTNER_LED, "won", registrable=True, currency=UNRATED_CURRENCY))
    for state, n in (("new", 3), ("expiring", 4), ("hours", 3)):
        specs.extend(Spec("ms", CO_SELL, state) for _ in range(n))
    for stage in (10, 20, 40, 60, 80):
        specs.append(Spec("ms", CO_SELL, "active", stage=stage))
    for state in ("won", "lost", "declined", "expired", "error"):
        specs.append(Spec("ms", CO_SELL, state))
    for state in ("new", "expiring", "active", "won", "declined", "expired"):
        specs.append(Spec("p2p", PARTNER_LED, state))
    specs.append(Spec("p2p", PRIVATE, "active"))
    specs.append(Spec("out", PRIVATE, "active", org=3))
    specs.append(Spec("out", CO_SELL, "active", MicrosoftStatus.PENDING, org=4))
    specs.append(Spec("out", SA, "active", org=PROSEWARE, stage=40))
    specs.append(Spec("out", PRIVATE, "won", org=6))
    return specs


class DealGenerator:
    """Turns specs into rows; `emit(table, row)` receives them in foreign-key order."""

    def __init__(
        self,
        rng: random.Random,
        pools: Pools,
        now: datetime,
        rates: dict[tuple[date, str], Decimal],
        emit: Callable[[str, tuple[object, ...]], None],
    ) -> None:
        self.rng = rng
        self.pools = pools
        self.now = now.replace(tzinfo=None)  # storage is naive UTC
        self.rates = rates
        self.emit = emit
        self.ids = dict.fromkeys(
            ("referral", "contact", "team", "solution", "invitation", "history", "registration"), 0
        )
        self.favorites = 0
        self.accounts = pools.accounts
        self.managed = pools.managed_accounts
        self.cara = next(p for p in pools.employees[SEATTLE] if p.first_name == "Cara")

    def _next(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _uuid(self) -> str:
        """What str(uuid.UUID(int=rng.getrandbits(128), version=4)) gives, ten times faster."""
        n = (self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    # --- random spec for the bulk of the demo -----------------------------------------------

    def random_spec(self) -> Spec:
        r = self.rng.random
        roll = r()
        if roll < 0.06:
            org = self.rng.choice((3, 4, 5, 6))
            dtype = self.rng.choice((PRIVATE, PARTNER_LED, CO_SELL))
            state = self.rng.choice(("active", "active", "won", "lost"))
            return Spec("out", dtype, state, ms=self._ms_for(dtype, state), org=org)
        if roll < 0.58:
            dtype = self.rng.choices((PRIVATE, PARTNER_LED, CO_SELL, SA), (25, 30, 38, 7))[0]
            state = self.rng.choices(("active", "won", "lost", "error"), (45, 30, 20, 5))[0]
            p2p = dtype != SA and r() < 0.12
            invitee = self.rng.choice(("new", "active", "active", "declined", "expired"))
            registrable = state == "won" and dtype in (CO_SELL, PARTNER_LED) and r() < 0.5
            reg = self.rng.choice((None, *REG_STATUSES)) if registrable and r() < 0.7 else None
            return Spec(
                "out", dtype, state, ms=self._ms_for(dtype, state), p2p=p2p,
                registrable=registrable, reg=reg, invitee_state=invitee,
            )  # fmt: skip
        states = (
            "new",
            "expiring",
            "hours",
            "active",
            "won",
            "lost",
            "declined",
            "expired",
            "error",
        )
        state = self.rng.choices(states, (6, 2, 0.3, 35, 18, 12, 12, 12, 2.7))[0]
        if roll < 0.9:
            registrable = state == "won" and r() < 0.5
            reg = self.rng.choice((None, *REG_STATUSES)) if registrable and r() < 0.7 else None
            return Spec("ms", CO_SELL, state, registrable=registrable, reg=reg)
        return Spec("p2p", self.rng.choice((PRIVATE, PARTNER_LED)), state)

    def _ms_for(self, dtype: str, state: str) -> MicrosoftStatus | None:
        if dtype != CO_SELL:
            return None
        if state == "won":
            return self.rng.choice((MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON,
                                    MicrosoftStatus.DECLINED, MicrosoftStatus.EXPIRED))  # fmt: skip
        options = tuple(m for m in MicrosoftStatus if m is not MicrosoftStatus.NONE)
        return self.rng.choices(options, (20, 45, 10, 10, 5))[0]

    # --- the engagement ----------------------------------------------------------------------

    def engagement(self, spec: Spec) -> int:
        """Write one engagement; returns how many referral rows it made."""
        rng = self.rng
        eng_id = self._uuid()
        created = self._created(spec)
        self.emit("engagement", (eng_id, created))
        account = self._account(spec)
        currency = spec.currency or (
            "USD" if spec.registrable else rng.choices(CURRENCIES, CURRENCY_WEIGHTS)[0]
        )
        usd = rng.choice(SIZES_K) * 1000 * (0.8 + 0.4 * rng.random())
        if spec.registrable:
            usd = max(usd, 30000.0)
        value = Decimal(int(usd * UNITS_PER_USD[currency] / 100) * 100)
        close_date = (created + DAY * rng.randint(30, 240)).date()
        name = f"{account.name.split(',')[0]} – {rng.choice(PROJECTS)}"
        notes = rng.choice(NOTES)
        org = spec.org
        location = self._location(org)
        own = dict(_DEFAULTS)
        own.update(
            engagement_id=eng_id, org_id=org, location_id=location, name=name,
            value=int(value * 100), currency=currency, close_date=close_date, notes=notes,
            customer_account_id=account.id, customer_name=account.name, country=account.country,
            created_at=created,
        )  # fmt: skip
        if rng.random() < 0.3:
            own["partner_role"] = rng.choice(tuple(PartnerRole)).value
        if rng.random() < 0.25:
            own["partner_program"] = rng.choice(PROGRAMS)
        solutions = self._solutions(spec, org)
        help_type = HelpType.NONE
        visible = False
        if spec.dtype == CO_SELL:
            help_type = rng.choice(HELP_TYPES)
            visible = True
        elif spec.dtype == PARTNER_LED:
            visible = True
        own.update(
            deal_type=_DEAL_TYPE[spec.dtype].value,
            help_type=help_type.value,
            visible_to_microsoft=visible,
            marketplace_intent=rng.choice(tuple(MarketplaceIntent)).value,
            p2p=spec.p2p or spec.source == "p2p",
        )
        creator = self._creator(org, location)
        if spec.source == "out":
            own.update(direction=Direction.OUTGOING.value, accepted_at=created)
            if rng.random() < 0.6:
                own["crm_id"] = f"CRM-{rng.randrange(10**6):06d}"
            if rng.random() < 0.2:
                own["campaign_id"] = f"CMP-{rng.randrange(10**4):04d}"
        else:
            sender_org = MICROSOFT if spec.source == "ms" else rng.choice(P2P_PARTNERS)
            sender_user = (
                rng.choice(MS_SELLERS) if sender_org == MICROSOFT else ORG_SENDER[sender_org]
            )
            own.update(
                direction=Direction.INCOMING.value,
                invited_by_org_id=sender_org,
                invited_by_user_id=sender_user,
                invite_notes=rng.choice(NOTES),
            )
            if sender_org == MICROSOFT:
                own.update(
                    microsoft_status=MicrosoftStatus.ACCEPTED.value,
                    microsoft_requested_at=created,
                    microsoft_seller_id=sender_user,
                    microsoft_msx_id=f"7-{rng.getrandbits(36):09X}",
                )
        self._apply_state(own, spec, created)
        if spec.ms is not None and spec.source == "out":
            self._apply_ms(own, spec, created)
        own_id = self._next("referral")
        if own["substatus"] == Substatus.WON.value:
            eligible = self.eligible(own, solutions, account)
            own["registration_eligible"] = eligible
            if eligible and spec.reg is not None:
                own["registration_status"] = spec.reg.value
        self._referral(own, own_id)
        count = 1
        on_team = self._team_and_contacts(own_id, own, spec, org, location)
        for sol, price, qty, cur in solutions:
            self.emit(
                "referral_solution", (self._next("solution"), own_id, sol.id, price, qty, cur)
            )
        self._history(own_id, own, spec, creator if spec.source == "out" else None, on_team)
        if own["registration_status"] is not None:
            self._registration(own_id, own, spec, solutions)
        if org == FABRIKAM:
            self._favorites(own_id, own, location)
        # counterparts (one referral per organisation in the engagement, D12)
        if spec.source == "out" and spec.ms is not None:
            count += self._microsoft_copy(eng_id, own, creator)
        if spec.source == "ms":
            count += self._sender_copy(eng_id, own, MICROSOFT)
        if spec.source == "p2p":
            sender = own["invited_by_org_id"]
            assert isinstance(sender, int)
            count += self._sender_copy(eng_id, own, sender, invite_to=own_id)
        if spec.source == "out" and spec.p2p:
            count += self._invitee(eng_id, own_id, own, spec, creator, solutions)
        return count

    # --- pieces ------------------------------------------------------------------------------

    def _created(self, spec: Spec) -> datetime:
        rng, now = self.rng, self.now
        if spec.state == "new":
            return now - timedelta(hours=rng.uniform(1, 11 * 24))
        if spec.state == "expiring":
            return now - timedelta(hours=rng.uniform(12 * 24, 13.75 * 24))
        if spec.state == "hours":
            return now - timedelta(hours=rng.uniform(13.75 * 24, 13.98 * 24))
        if spec.state == "expired":
            return now - timedelta(hours=rng.uniform(15 * 24, 700 * 24))
        if spec.ms is MicrosoftStatus.PENDING:
            return now - timedelta(hours=rng.uniform(2, 13 * 24))
        return now - timedelta(hours=rng.uniform(4 * 24, 700 * 24))

    def _account(self, spec: Spec) -> AccountSeed:
        if spec.registrable:
            return self.rng.choice(self.managed)
        return self.rng.choice(self.accounts)

    def _location(self, org: int) -> int:
        if org == FABRIKAM:
            return self.rng.choices(FABRIKAM_LOCATIONS, (50, 30, 20))[0]
        return ORG_LOCATION[org]

    def _creator(self, org: int, location: int) -> int:
        if org != FABRIKAM:
            return ORG_SENDER[org]
        if location == LONDON and self.rng.random() < 0.5:
            return BEN
        return AVA

    def _solutions(self, spec: Spec, org: int) -> list[SeedSolutionLine]:
        rng = self.rng
        if spec.dtype == SA:
            chosen = [rng.choice(ASSESSMENTS)]
        else:
            own = [s for s in ORG_SOLUTIONS[org] if s.co_sell_ready] or list(ORG_SOLUTIONS[org])
            pool = [s for s in SELLABLE if s.publisher_org_id != org]
            chosen = []
            ip = [s for s in own if s.azure_ip_co_sell]
            if spec.registrable and ip:
                chosen.append(rng.choice(ip))
            elif own and rng.random() < 0.8:
                chosen.append(rng.choice(own))
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                s = rng.choice(pool)
                if s not in chosen:
                    chosen.append(s)
            if not chosen:
                chosen.append(rng.choice(pool))
        lines: list[SeedSolutionLine] = []
        for s in chosen:
            if s.priced and s.unit_price is not None:
                lines.append((s, int(s.unit_price * 100), rng.randint(1, 50), "USD"))
            else:
                lines.append((s, None, None, None))
        return lines

    def _apply_state(self, own: dict[str, object], spec: Spec, created: datetime) -> None:
        rng, now = self.rng, self.now
        state = spec.state
        inbound = spec.source != "out"
        if state in ("new", "expiring", "hours"):
            own.update(status=Status.NEW.value, substatus=Substatus.PENDING.value,
                       expires_at=created + WINDOW, updated_at=created)  # fmt: skip
            if rng.random() < 0.3 and state == "new":
                own["substatus"] = Substatus.RECEIVED.value
            if created + WINDOW - now <= timedelta(hours=48):
                own["reminder_sent_at"] = created + WINDOW - timedelta(hours=48)
            return
        if state == "expired":
            closed = created + WINDOW
            own.update(status=Status.CLOSED.value, substatus=Substatus.EXPIRED.value,
                       expires_at=closed, closed_at=closed, updated_at=closed, version=2,
                       reminder_sent_at=closed - timedelta(hours=48))  # fmt: skip
            return
        accepted = created
        if inbound:
            accepted = created + timedelta(hours=rng.uniform(1, 13 * 24))
            accepted = min(accepted, now - HOUR)
        if state == "declined":
            own.update(status=Status.CLOSED.value, substatus=Substatus.DECLINED.value,
                       closed_at=accepted, updated_at=accepted, version=2,
                       status_reason_code=rng.choice(tuple(CloseReason)).value)  # fmt: skip
            return
        own["accepted_at"] = accepted
        version = 2 if inbound else 1
        if state == "active":
            stage = spec.stage if spec.stage is not None else rng.choice((10, 20, 40, 60, 80))
            own.update(status=Status.ACTIVE.value, substatus=Substatus.ACCEPTED.value,
                       stage_pct=stage, updated_at=accepted + (now - accepted) * rng.random() * 0.5,
                       version=version + stage // 20)  # fmt: skip
            return
        span = max(now - accepted, HOUR)
        closed = accepted + span * rng.uniform(0.05, 0.9)
        if spec.registrable or state == "won":
            closed = max(closed, created + timedelta(hours=80))
            closed = min(closed, now - HOUR)
        own.update(status=Status.CLOSED.value, substatus=_CLOSED[state].value, closed_at=closed,
                   updated_at=closed, version=version + 1)  # fmt: skip
        if state == "won":
            own["stage_pct"] = 100
        else:
            own["stage_pct"] = rng.choice((10, 20, 40, 60))
        if spec.dtype == SA and state == "won":
            own["version"] = version + 5
        if state == "lost":
            own["status_reason_code"] = rng.choice(tuple(CloseReason)).value
        if state == "error":
            own["status_reason_code"] = rng.choice(tuple(ErrorReason)).value
            own["status_reason_notes"] = "Raised twice by the CRM connector."
        if own["status_reason_code"] in (CloseReason.OTHERS.value, ErrorReason.OTHERS.value):
            own["status_reason_notes"] = "See notes."

    def _apply_ms(self, own: dict[str, object], spec: Spec, created: datetime) -> None:
        rng, now = self.rng, self.now
        ms = spec.ms
        assert ms is not None
        requested = created
        if ms is MicrosoftStatus.PENDING:
            requested = max(created, now - timedelta(hours=rng.uniform(1, 13 * 24)))
        elif ms is MicrosoftStatus.EXPIRED:
            requested = min(created, now - WINDOW - DAY)
        own.update(microsoft_status=ms.value, microsoft_requested_at=requested)
        if ms in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON):
            own["microsoft_seller_id"] = rng.choice(MS_SELLERS)
            own["microsoft_msx_id"] = f"7-{rng.getrandbits(36):09X}"
        elif ms is MicrosoftStatus.DECLINED:
            own["microsoft_decline_reason"] = rng.choice(MS_DECLINE_REASONS)

    def _referral(self, row: dict[str, object], ref_id: int | None = None) -> int:
        ref_id = ref_id if ref_id is not None else self._next("referral")
        row["id"] = ref_id
        row["referral_id"] = self._uuid()
        if row["updated_at"] is None:
            row["updated_at"] = row["created_at"]
        # As store/valuation.py keeps it: the creation month's rate, in cents.
        currency, created, value = row["currency"], row["created_at"], row["value"]
        assert isinstance(currency, str) and isinstance(created, datetime)
        assert isinstance(value, int)
        rate = Decimal(1) if currency == "USD" else self.rates.get((month_start(created), currency))
        usd = None if rate is None else in_usd(Decimal(value) / 100, rate)
        row["value_usd"] = None if usd is None else int(usd * 100)
        self.emit("referral", _REF_ROW(row))
        return ref_id

    def _team_and_contacts(
        self, ref_id: int, own: dict[str, object], spec: Spec, org: int, location: int
    ) -> bool:
        """Team and customer contacts; returns whether cara is on the team."""
        rng = self.rng
        cara_on = False
        if own["status"] != Status.NEW.value or spec.source == "out":
            if org == FABRIKAM:
                staff = self.pools.employees[location]
                members: list[Person] = rng.sample(staff, rng.choice((1, 1, 2, 3)))
                cara = self.cara
                if location == SEATTLE and cara not in members and rng.random() < 0.15:
                    members.append(cara)
                cara_on = cara in members
            else:
                members = rng.sample(self.pools.org_people[org], rng.choice((1, 2)))
            for p in members:
                self.emit("team_member", (self._next("team"), ref_id, p.first_name, p.last_name,
                                          p.phone, p.email))  # fmt: skip
        if spec.dtype == CO_SELL or rng.random() < 0.5:
            account_id = own["customer_account_id"]
            assert isinstance(account_id, int)
            account = self.pools.accounts[account_id - 1]
            c = self.pools.contact(account.country, account.domain)
            self.emit("customer_contact", (self._next("contact"), ref_id, c.first_name,
                                           c.last_name, c.phone, c.email))  # fmt: skip
        return cara_on

    def _history(
        self, ref_id: int, own: dict[str, object], spec: Spec, creator: int | None, cara: bool
    ) -> None:
        actor = CARA if cara and self.rng.random() < 0.5 else (creator or AVA)
        org = own["org_id"]
        assert isinstance(org, int)
        if org != FABRIKAM:
            actor = ORG_SENDER[org]
        if spec.source == "out":
            self._hist(ref_id, own["created_at"], creator, "create", "Deal created")
        else:
            self._hist(ref_id, own["created_at"], None, "receive", "Referral received")
        sub = own["substatus"]
        if spec.source != "out" and own["accepted_at"] is not None:
            self._hist(ref_id, own["accepted_at"], actor, "accept", "Referral accepted")
        if sub == Substatus.EXPIRED.value:
            self._hist(ref_id, own["closed_at"], None, "expire", "Expired after 14 days")
        elif own["closed_at"] is not None:
            label = {
                Substatus.DECLINED.value: "decline", Substatus.WON.value: "won",
                Substatus.LOST.value: "lost", Substatus.ERROR.value: "close_as_error",
            }[sub]  # fmt: skip
            self._hist(ref_id, own["closed_at"], actor, label, f"Marked {sub}")

    def _hist(self, ref_id: int, at: object, user: int | None, action: str, summary: str) -> None:
        self.emit("history", (self._next("history"), ref_id, at, user, action, summary, "{}"))

    def _favorites(self, ref_id: int, own: dict[str, object], location: int) -> None:
        rng = self.rng
        if rng.random() < 0.05:
            self.emit("favorite", (AVA, ref_id, own["updated_at"]))
            self.favorites += 1
        if location == LONDON and rng.random() < 0.05:
            self.emit("favorite", (BEN, ref_id, own["updated_at"]))
            self.favorites += 1

    # --- registration ---------------------------------------------------------------------------

    def usd_value(self, cents: int, currency: str, when: datetime) -> Decimal | None:
        rate = self.rates.get((month_start(when), currency))
        return None if rate is None else Decimal(cents) / 100 * rate

    def eligible(
        self, own: dict[str, object], solutions: Sequence[SeedSolutionLine], account: AccountSeed,
    ) -> bool | None:  # fmt: skip
        """Azure IP co-sell eligibility (domain.md §4.2, D8): False if any criterion fails,
        None if none fails but the value cannot be converted, else True."""
        dtype = own["deal_type"]
        ms = own["microsoft_status"]
        fails = [
            own["substatus"] != Substatus.WON.value,
            dtype not in (DealType.CO_SELL.value, DealType.PARTNER_LED.value),
            dtype == DealType.CO_SELL.value
            and ms not in (MicrosoftStatus.ACCEPTED.value, MicrosoftStatus.WON.value),
            not any(s.azure_ip_co_sell for s, *_ in solutions),
            not account.managed,
        ]
        value, closed = own["value"], own["closed_at"]
        assert isinstance(value, int) and isinstance(closed, datetime)
        usd = self.usd_value(value, str(own["currency"]), closed)
        if usd is not None:
            fails.append(usd < 25000)
        if any(fails):
            return False
        return None if usd is None else True

    def _registration(
        self, ref_id: int, own: dict[str, object], spec: Spec, solutions: Sequence[SeedSolutionLine]
    ) -> None:
        """The registration row of a won, eligible deal the spec says was registered."""
        assert spec.reg is not None
        rng, now = self.rng, self.now
        closed, created = own["closed_at"], own["created_at"]
        assert isinstance(closed, datetime) and isinstance(created, datetime)
        sign = max(closed - DAY * rng.randint(0, 20), created).date()
        registered = min(closed + timedelta(hours=rng.uniform(1, 72)), now - timedelta(minutes=5))
        status = spec.reg
        stamps: dict[str, datetime | None] = dict.fromkeys(
            ("review_pending_at", "action_required_at", "approved_at", "passed_at", "failed_at",
             "closed_at")
        )  # fmt: skip
        later = registered + (now - registered) * 0.5
        key = {
            RegistrationStatus.APPROVED: "approved_at",
            RegistrationStatus.REVIEW_PENDING: "review_pending_at",
            RegistrationStatus.ACTION_REQUIRED: "action_required_at",
            RegistrationStatus.PASSED: "passed_at",
            RegistrationStatus.FAILED: "failed_at",
            RegistrationStatus.CLOSED: "closed_at",
        }.get(status)
        if key:
            stamps[key] = later
        if status in (RegistrationStatus.PASSED, RegistrationStatus.FAILED,
                      RegistrationStatus.ACTION_REQUIRED):  # fmt: skip
            stamps["review_pending_at"] = registered
        ip = next(s for s, *_ in solutions if s.azure_ip_co_sell)
        value = own["value"]
        assert isinstance(value, int)
        marketplace = status.value.startswith("Marketplace")
        reason = (
            "Customer contract does not name the IP solution."
            if status is RegistrationStatus.FAILED
            else None
        )
        self.emit("registration", (
            self._next("registration"), ref_id, status.value, reason, marketplace,
            sign if marketplace else None, True, ContractTerm.FINITE.value, value,
            own["currency"], ip.id, value * 8 // 10, own["currency"], sign, sign,
            date(sign.year + 3, sign.month, min(sign.day, 28)), TenantType.CUSTOMER.value,
            PricingModel.OTHER.value, registered, stamps["review_pending_at"],
            stamps["action_required_at"], stamps["approved_at"], stamps["passed_at"],
            stamps["failed_at"], stamps["closed_at"],
        ))  # fmt: skip
        self._hist(ref_id, registered, AVA, "register", f"Registration {status.label}")

    # --- counterparts ---------------------------------------------------------------------------

    def _copy(self, own: dict[str, object], **changes: object) -> dict[str, object]:
        row = dict(_DEFAULTS)
        for key in _SHARED_FIELDS:
            row[key] = own[key]
        row.update(changes)
        return row

    def _microsoft_copy(self, eng_id: str, own: dict[str, object], creator: int) -> int:
        """Microsoft's referral for a co-sell request: Microsoft received it (D9, D12)."""
        ms_value, requested = own["microsoft_status"], own["microsoft_requested_at"]
        assert isinstance(ms_value, str) and isinstance(requested, datetime)
        ms = MicrosoftStatus(ms_value)
        status, sub = _MS_PAIR[ms]
        accepted: datetime | None = None
        row = self._copy(
            own, org_id=MICROSOFT, location_id=ORG_LOCATION[MICROSOFT],
            direction=Direction.INCOMING.value, status=status.value, substatus=sub.value,
            invited_by_org_id=own["org_id"], invited_by_user_id=creator,
            invite_notes=own["notes"], created_at=requested, updated_at=requested,
        )  # fmt: skip
        if ms is MicrosoftStatus.PENDING:
            row["expires_at"] = requested + WINDOW
        elif ms in (MicrosoftStatus.ACCEPTED, MicrosoftStatus.WON):
            accepted = requested + timedelta(hours=self.rng.uniform(1, 240))
            accepted = min(accepted, self.now - HOUR)
            row["accepted_at"] = accepted
        if status is Status.CLOSED:
            when = requested + WINDOW if ms is MicrosoftStatus.EXPIRED else requested + DAY
            own_closed = own["closed_at"]
            if ms is MicrosoftStatus.WON and own_closed is not None:
                assert isinstance(own_closed, datetime)
                when = own_closed
            row.update(closed_at=when, updated_at=when, expires_at=None)
            if ms is MicrosoftStatus.WON:
                row["accepted_at"] = min(accepted or requested, when)
                row["stage_pct"] = 100
        ref_id = self._referral(row)
        self._hist(ref_id, requested, None, "receive", "Co-sell request received")
        return 1

    def _sender_copy(
        self, eng_id: str, own: dict[str, object], sender: int, invite_to: int | None = None
    ) -> int:
        """The sender's own outbound referral for a referral it sent us."""
        user, own_org = own["invited_by_user_id"], own["org_id"]
        assert isinstance(user, int) and isinstance(own_org, int)
        won = own["substatus"] == Substatus.WON.value
        row = self._copy(
            own, org_id=sender, location_id=ORG_LOCATION[sender],
            direction=Direction.OUTGOING.value,
            status=(Status.CLOSED if won else Status.ACTIVE).value,
            substatus=(Substatus.WON if won else Substatus.ACCEPTED).value,
            accepted_at=own["created_at"], p2p=sender != MICROSOFT,
            stage_pct=100 if won else 10, closed_at=own["closed_at"] if won else None,
        )  # fmt: skip
        if sender == MICROSOFT:
            row.update(deal_type=DealType.CO_SELL.value, visible_to_microsoft=True)
        ref_id = self._referral(row)
        sender_person = self.pools.org_people[sender][0]
        self.emit("team_member", (self._next("team"), ref_id, sender_person.first_name,
                                  sender_person.last_name, sender_person.phone,
                                  sender_person.email))  # fmt: skip
        self._hist(ref_id, own["created_at"], user, "create", "Referral sent")
        if sender != MICROSOFT:
            sol = self.rng.choice(ORG_SOLUTIONS[sender])
            self.emit(
                "referral_solution", (self._next("solution"), ref_id, sol.id, None, None, None)
            )
        if invite_to is not None:
            self.emit("invitation", (
                self._next("invitation"), eng_id, ref_id, own["org_id"], invite_to, own["value"],
                own["currency"], own["close_date"], own["invite_notes"] or "",
                self.rng.choice(HELP_TYPES).value, self._invite_solutions(own_org),
                own["created_at"],
            ))  # fmt: skip
        return 1

    def _invite_solutions(self, org: int) -> str:
        sols = ORG_SOLUTIONS[org] or SELLABLE
        return self.rng.choice(sols).id

    def _invitee(
        self, eng_id: str, own_id: int, own: dict[str, object], spec: Spec, creator: int,
        solutions: Sequence[SeedSolutionLine],
    ) -> int:  # fmt: skip
        """A P2P invitation from us and the invitee's inbound referral."""
        rng, now = self.rng, self.now
        invitee = rng.choice(P2P_PARTNERS)
        state = spec.invitee_state
        created, own_value = own["created_at"], own["value"]
        assert isinstance(created, datetime) and isinstance(own_value, int)
        if state == "new":
            invited = max(created, now - timedelta(hours=rng.uniform(1, 12 * 24)))
        elif state == "expired":
            invited = min(created, now - WINDOW - DAY)
        else:
            invited = created
        value = own_value // 2
        visible = bool(own["visible_to_microsoft"])
        row = self._copy(
            own, org_id=invitee, location_id=ORG_LOCATION[invitee],
            direction=Direction.INCOMING.value, invited_by_org_id=own["org_id"],
            invited_by_user_id=creator, invite_notes="Need your help with the data platform.",
            created_at=invited, updated_at=invited, value=value, p2p=True,
            help_type=HelpType.NONE.value,
            deal_type=DealType.PARTNER_LED.value if visible else DealType.PRIVATE.value,
        )  # fmt: skip
        if state == "new":
            row.update(status=Status.NEW.value, substatus=Substatus.PENDING.value,
                       expires_at=invited + WINDOW)  # fmt: skip
        elif state == "expired":
            row.update(status=Status.CLOSED.value, substatus=Substatus.EXPIRED.value,
                       expires_at=invited + WINDOW, closed_at=invited + WINDOW,
                       updated_at=invited + WINDOW)  # fmt: skip
        elif state == "declined":
            when = invited + DAY
            row.update(status=Status.CLOSED.value, substatus=Substatus.DECLINED.value,
                       closed_at=when, updated_at=when,
                       status_reason_code=CloseReason.REQUIREMENT_NOT_MET.value)  # fmt: skip
        else:
            row.update(status=Status.ACTIVE.value, substatus=Substatus.ACCEPTED.value,
                       accepted_at=invited + HOUR * 5)  # fmt: skip
        ref_id = self._referral(row)
        self.emit("invitation", (
            self._next("invitation"), eng_id, own_id, invitee, ref_id, value, own["currency"],
            own["close_date"], "Need your help with the data platform.",
            rng.choice(HELP_TYPES).value, self._invite_solutions(invitee), invited,
        ))  # fmt: skip
        self._hist(ref_id, invited, None, "receive", "Invitation received")
        return 1
