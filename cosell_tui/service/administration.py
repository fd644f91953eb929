"""Administration, for Referrals admins: the organisation's users, locations and monthly
exchange rates (`cosell admin …`; docs/admin.md).

Each change is validated (inputs.py), checked against the acting admin's scope, written in one
transaction and logged (audit.py). A deactivated user keeps their deals and history but cannot
act (identity.py) and is offered nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from cosell_tui.domain import DealType, Role, Status, Substatus
from cosell_tui.service.audit import AdminLogView, admin_log, log_admin
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.parse import inputs, parse
from cosell_tui.service.sheets import MAX_ROWS, Imported, Layout, Tally, read_rows
from cosell_tui.store.models import ExchangeRate, Location, Referral, User
from cosell_tui.store.valuation import in_usd, rate_month

if TYPE_CHECKING:
    from cosell_tui.service.context import Context
    from cosell_tui.service.unit import UnitOfWork


@dataclass(frozen=True, slots=True)
class UserEntry:
    login: str
    name: str
    email: str
    phone: str
    role: Role
    entire_company: bool
    locations: tuple[str, ...]  # PartnerIDs
    active: bool

    @property
    def scope(self) -> str:
        return "entire company" if self.entire_company else ", ".join(self.locations)

    @property
    def described(self) -> str:
        """`ben (Ben Okafor, Referrals user, 4812346)`, as the CLI and the TUI say it."""
        return f"{self.login} ({self.name}, {self.role.label}, {self.scope})"


@dataclass(frozen=True, slots=True)
class LocationEntry:
    partner_id: str
    name: str
    country: str
    deals: int  # deals that use the PartnerID (then it cannot change)

    @property
    def described(self) -> str:
        """`location Munich (4812347, DE)`."""
        return f"location {self.name} ({self.partner_id}, {self.country})"


@dataclass(frozen=True, slots=True)
class RateEntry:
    month: date
    currency: str
    usd_per_unit: Decimal

    @property
    def described(self) -> str:
        """`EUR 2026-12: 1 EUR = 1.08 USD`."""
        c = self.currency
        return f"{c} {self.month:%Y-%m}: 1 {c} = {self.usd_per_unit} USD"


@dataclass(frozen=True, slots=True)
class MissingRate:
    month: date
    currency: str
    won: int  # won deals whose eligibility waits for it
    open: int  # open deals that would need it if won this month


@dataclass(frozen=True, slots=True)
class RateSet:
    rate: RateEntry
    revalued: int  # deals of that month and currency whose USD value was filled in
    decided: int  # won deals whose registration eligibility could now be decided


_GRANTED = {"admin": Role.ADMIN, "user": Role.USER}
_NO_USD = "USD needs no rate (it is always 1)."
#: The columns of a users file and of a rates file (docs/admin.md), and the field each fills.
USERS = Layout(
    "users",
    {"Login": "login", "Name": "name", "Email": "email", "Phone": "phone", "Role": "role",
     "Entire company": "entire_company", "Locations": "locations"},
    ("Login", "Name", "Email", "Phone"),
)  # fmt: skip
RATES = Layout(
    "rates",
    {"Month": "month", "Currency": "currency", "USD per unit": "rate"},
    ("Month", "Currency", "USD per unit"),
)


def require_admin(uow: UnitOfWork, company: str | None = None) -> None:
    """Administration is for Referrals admins; what `company` names (the locations, the
    catalog...) for entire-company ones only."""
    user = uow.user
    if user.role is not Role.ADMIN:
        raise RuleRefusal("Administration is for Referrals admins.")
    if company and not user.entire_company:
        raise RuleRefusal(f"Only an entire-company Referrals admin changes {company}.")


def decide_won(uow: UnitOfWork, which: ColumnElement[bool], again: bool = False) -> tuple[int, int]:
    """Decide the registration eligibility of the won deals `which` selects (those still
    undecided, or with `again` all of them); (deals now decided, of them eligible). A deal
    whose month still lacks a rate stays undecided and is not counted."""
    query = select(Referral).where(
        which,
        Referral.substatus == Substatus.WON,
        Referral.deal_type != DealType.SOLUTION_ASSESSMENT,
    )
    if not again:
        query = query.where(Referral.registration_eligible.is_(None))
    decided = eligible = 0
    for ref in uow.session.scalars(query.order_by(Referral.id)).all():
        checklist = uow.checklist(ref)
        value = None if checklist.undecidable else checklist.eligible
        if value != ref.registration_eligible:
            ref.registration_eligible = value
        if value is not None:
            decided += 1
            eligible += value
    uow.session.flush()
    return decided, eligible


def _user_entry(user: User) -> UserEntry:
    return UserEntry(
        login=user.username,
        name=user.display_name,
        email=user.email,
        phone=user.phone or "",
        role=user.role,
        entire_company=user.entire_company,
        locations=tuple(sorted(loc.partner_id for loc in user.locations)),
        active=user.active,
    )


def users_like(query: Select[User], search: str) -> Select[User]:
    """`query` narrowed to the users whose login or name holds `search` (any case)."""
    if wanted := search.strip().lower():
        query = query.where(
            or_(
                func.lower(User.username).contains(wanted, autoescape=True),
                func.lower(User.display_name).contains(wanted, autoescape=True),
            )
        )
    return query


def _users(uow: UnitOfWork, search: str, include_inactive: bool) -> Select[User]:
    query = select(User).where(User.org_id == uow.user.org_id)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return users_like(query, search)


class Administration:
    """Users, locations and exchange rates of the acting admin's organisation."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # --- checks -------------------------------------------------------------------------------

    def _admin(self, uow: UnitOfWork, company: bool = False) -> None:
        require_admin(uow, "the locations" if company else None)

    def _locations(self, uow: UnitOfWork, partner_ids: tuple[str, ...]) -> list[Location]:
        """The organisation's locations by PartnerID, each within the admin's scope."""
        found: list[Location] = []
        for pid in partner_ids:
            location = uow.session.scalar(
                select(Location).where(
                    Location.partner_id == pid, Location.org_id == uow.user.org_id
                )
            )
            if location is None:
                raise ValidationError(
                    f"No location with PartnerID {pid} in {uow.user.org_name}.",
                    {"locations": f"No location with PartnerID {pid}."},
                )
            if not uow.user.entire_company and location.id not in uow.user.location_ids:
                raise RuleRefusal(f"Location {pid} is outside your scope.")
            found.append(location)
        return found

    def _user(self, uow: UnitOfWork, login: str) -> User:
        """A user of the admin's organisation whom the admin may manage; the organisation's
        administrative changes wait for this one (`lock_organisation`)."""
        uow.lock_organisation()
        user = uow.session.scalar(
            select(User)
            .where(User.username == login.strip(), User.org_id == uow.user.org_id)
            .options(selectinload(User.locations))
        )
        if user is None:
            raise NotFoundError(f"No user '{login}' in {uow.user.org_name}.")
        if not uow.user.entire_company:
            mine = set(uow.user.location_ids)
            if user.entire_company or not {loc.id for loc in user.locations} <= mine:
                raise RuleRefusal(f"{user.username}'s scope is wider than yours.")
        return user

    def _keep_a_company_admin(self, uow: UnitOfWork, user: User, what: str) -> None:
        """Refuse leaving the organisation without an active entire-company admin."""
        others = uow.session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.org_id == user.org_id,
                User.id != user.id,
                User.role == Role.ADMIN,
                User.entire_company.is_(True),
                User.active.is_(True),
            )
        )
        if not others:
            raise RuleRefusal(
                f"{what} would leave {uow.user.org_name} without an active entire-company "
                "Referrals admin; make someone else one first."
            )

    # --- users --------------------------------------------------------------------------------

    def users(
        self, search: str = "", limit: int = 50, offset: int = 0, include_inactive: bool = True
    ) -> tuple[UserEntry, ...]:
        """A page of the organisation's users by login (search: a login or name, or part)."""
        with self._ctx.read() as uow:
            self._admin(uow)
            query = (
                _users(uow, search, include_inactive)
                .options(selectinload(User.locations))
                .order_by(User.username, User.id)
                .limit(max(1, min(limit, 1000)))
                .offset(max(0, offset))
            )
            return tuple(_user_entry(u) for u in uow.session.scalars(query))

    def count_users(self, search: str = "", include_inactive: bool = True) -> int:
        """How many users `users` pages through."""
        with self._ctx.read() as uow:
            self._admin(uow)
            query = _users(uow, search, include_inactive).with_only_columns(func.count())
            return int(uow.session.scalar(query) or 0)

    def add_user(self, values: Mapping[str, Any]) -> UserEntry:
        """A new user of the organisation (login, name, email, phone, role, scope)."""
        with self._ctx.write() as uow:
            self._admin(uow)
            region = self._region(uow, values.get("locations"))
            return self._add_user(
                uow, parse(inputs.UserIn, dict(values), "The user", region=region)
            )

    def import_users(
        self, data: bytes, name: str = "", max_rows: int = MAX_ROWS, dry_run: bool = False
    ) -> Imported:
        """Users from a CSV (docs/admin.md), each as `add_user` (and logged as it logs them),
        all or none; users are only added (a login taken is a bad line). `dry_run`: checked,
        nothing written."""
        with self._ctx.write(dry_run) as uow:
            self._admin(uow)
            rows = read_rows(
                data, USERS, inputs.UserIn, max_rows,
                context_of=lambda v: {"region": self._region(uow, v.get("locations"))},
            )  # fmt: skip
            tally = Tally()
            for line, parsed in rows.rows:
                if not rows.problems.once(line, parsed.login, f"Login {parsed.login}"):
                    continue
                try:
                    tally.count(self._add_user(uow, parsed).login, new=True, changed=False)
                except (ValidationError, RuleRefusal) as exc:
                    rows.problems.add(line, exc.message)
            rows.problems.raise_any(dry_run)
            return tally.done("users", dry_run)

    def _add_user(self, uow: UnitOfWork, parsed: inputs.UserIn) -> UserEntry:
        """Checked against the database before anything is written."""
        if parsed.entire_company and not uow.user.entire_company:
            raise RuleRefusal("Only an entire-company admin grants entire-company scope.")
        locations = self._locations(uow, parsed.locations)
        taken = uow.session.scalar(select(exists().where(User.username == parsed.login)))
        if taken:
            raise ValidationError(
                f"The login {parsed.login} is taken.", {"login": "This login is taken."}
            )
        user = User(
            org_id=uow.user.org_id,
            username=parsed.login,
            display_name=parsed.name,
            email=parsed.email,
            phone=parsed.phone,
            role=_GRANTED[parsed.role.value],
            entire_company=parsed.entire_company,
            active=True,
        )
        user.locations = locations
        uow.session.add(user)
        uow.session.flush()
        entry = _user_entry(user)
        log_admin(
            uow.session, uow.now(), uow.user.id, "user_added", entry.login,
            f"Added {entry.role.label} {entry.login} ({entry.name}), scope {entry.scope}.",
            role=entry.role.value, scope=entry.scope,
        )  # fmt: skip
        return entry

    def edit_user(self, login: str, values: Mapping[str, Any]) -> UserEntry:
        """Change a user's name, email, phone, role or scope; what is not given stays."""
        with self._ctx.write() as uow:
            self._admin(uow)
            user = self._user(uow, login)
            given = {k: v for k, v in values.items() if v is not None}
            named = given.get("locations") or [loc.partner_id for loc in user.locations]
            region = self._region(uow, named)
            parsed = parse(inputs.UserChange, given, "The change", region=region)
            before = _user_entry(user)
            if parsed.name is not None:
                user.display_name = parsed.name
            if parsed.email is not None:
                user.email = parsed.email
            if parsed.phone is not None:
                user.phone = parsed.phone
            if parsed.role is not None:
                user.role = _GRANTED[parsed.role.value]
            if parsed.entire_company:
                if not uow.user.entire_company:
                    raise RuleRefusal("Only an entire-company admin grants entire-company scope.")
                user.entire_company = True
                user.locations = []
            elif parsed.locations:
                user.locations = self._locations(uow, parsed.locations)
                user.entire_company = False
            elif parsed.entire_company is False and not parsed.locations:
                raise ValidationError(
                    "Give the locations of the user's new scope.",
                    {"locations": "Give at least one location."},
                )
            after = _user_entry(user)
            lost_company_admin = (before.role is Role.ADMIN and before.entire_company) and not (
                after.role is Role.ADMIN and after.entire_company
            )
            if lost_company_admin and user.active:
                self._keep_a_company_admin(uow, user, f"Changing {user.username}")
            changes = {
                name: [old, new]
                for name in ("name", "email", "phone", "role", "scope")
                if (old := _shown(before, name)) != (new := _shown(after, name))
            }
            if changes:
                log_admin(
                    uow.session, uow.now(), uow.user.id, "user_edited", after.login,
                    f"Changed {after.login}: {_listed(changes)}.", changes=changes,
                )  # fmt: skip
            return after

    def set_active(self, login: str, active: bool) -> UserEntry:
        """Deactivate (they cannot act; deals and history stay) or reactivate a user."""
        with self._ctx.write() as uow:
            self._admin(uow)
            user = self._user(uow, login)
            if user.active == active:
                state = "active" if active else "deactivated"
                raise RuleRefusal(f"{user.username} is already {state}.")
            if not active:
                if user.id == uow.user.id or user.id == uow.user.operator_id:
                    raise RuleRefusal("You cannot deactivate yourself.")
                if user.role is Role.ADMIN and user.entire_company:
                    self._keep_a_company_admin(uow, user, f"Deactivating {user.username}")
            user.active = active
            verb = "Reactivated" if active else "Deactivated"
            log_admin(
                uow.session, uow.now(), uow.user.id,
                "user_reactivated" if active else "user_deactivated", user.username,
                f"{verb} {user.username}.",
            )  # fmt: skip
            return _user_entry(user)

    # --- locations ----------------------------------------------------------------------------

    def locations(self) -> tuple[LocationEntry, ...]:
        """The organisation's locations by PartnerID, with how many deals use each."""
        with self._ctx.read() as uow:
            self._admin(uow)
            return tuple(self._location_entry(uow, loc) for loc in self._org_locations(uow))

    def _org_locations(self, uow: UnitOfWork) -> list[Location]:
        return list(
            uow.session.scalars(
                select(Location)
                .where(Location.org_id == uow.user.org_id)
                .order_by(Location.partner_id)
            )
        )

    def _location_entry(self, uow: UnitOfWork, location: Location) -> LocationEntry:
        deals = uow.session.scalar(
            select(func.count()).select_from(Referral).where(Referral.location_id == location.id)
        )
        return LocationEntry(location.partner_id, location.name, location.country, int(deals or 0))

    def _partner_id_free(self, uow: UnitOfWork, partner_id: str) -> None:
        owner = uow.session.scalar(select(Location).where(Location.partner_id == partner_id))
        if owner is not None:
            raise ValidationError(
                f"PartnerID {partner_id} is already used by {owner.name}.",
                {"partner_id": "This PartnerID is already used."},
            )

    def add_location(self, values: Mapping[str, Any]) -> LocationEntry:
        """A new location (name, PartnerID, ISO country) of the organisation."""
        with self._ctx.write() as uow:
            self._admin(uow, company=True)
            parsed = parse(inputs.LocationIn, dict(values), "The location")
            self._partner_id_free(uow, parsed.partner_id)
            location = Location(
                org_id=uow.user.org_id,
                name=parsed.name,
                partner_id=parsed.partner_id,
                country=parsed.country,
            )
            uow.session.add(location)
            uow.session.flush()
            log_admin(
                uow.session, uow.now(), uow.user.id, "location_added", parsed.partner_id,
                f"Added location {parsed.name} ({parsed.partner_id}, {parsed.country}).",
            )  # fmt: skip
            return self._location_entry(uow, location)

    def edit_location(self, partner_id: str, values: Mapping[str, Any]) -> LocationEntry:
        """Rename a location, or change its country or PartnerID (not once a deal uses it)."""
        with self._ctx.write() as uow:
            self._admin(uow, company=True)
            location = uow.session.scalar(
                select(Location).where(
                    Location.partner_id == partner_id.strip(),
                    Location.org_id == uow.user.org_id,
                )
            )
            if location is None:
                raise NotFoundError(f"No location with PartnerID {partner_id.strip()}.")
            given = {k: v for k, v in values.items() if v is not None}
            parsed = parse(inputs.LocationChange, given, "The change")
            before = self._location_entry(uow, location)
            if parsed.partner_id is not None and parsed.partner_id != location.partner_id:
                if before.deals:
                    raise RuleRefusal(
                        f"PartnerID {location.partner_id} cannot change: {before.deals} "
                        f"deal{'s use' if before.deals != 1 else ' uses'} it."
                    )
                self._partner_id_free(uow, parsed.partner_id)
                location.partner_id = parsed.partner_id
            if parsed.name is not None:
                location.name = parsed.name
            if parsed.country is not None:
                location.country = parsed.country
            uow.session.flush()
            after = self._location_entry(uow, location)
            changes = {
                name: [getattr(before, name), getattr(after, name)]
                for name in ("partner_id", "name", "country")
                if getattr(before, name) != getattr(after, name)
            }
            if changes:
                log_admin(
                    uow.session, uow.now(), uow.user.id, "location_edited", before.partner_id,
                    f"Changed location {before.partner_id}: {_listed(changes)}.",
                    changes=changes,
                )  # fmt: skip
            return after

    # --- exchange rates -----------------------------------------------------------------------

    def rates(self, currency: str | None = None) -> tuple[RateEntry, ...]:
        """Monthly rates, newest month first (one currency, or all)."""
        with self._ctx.read() as uow:
            query = select(ExchangeRate).order_by(ExchangeRate.month.desc(), ExchangeRate.currency)
            if currency:
                query = query.where(ExchangeRate.currency == currency.strip().upper())
            return tuple(
                RateEntry(r.month, r.currency, Decimal(r.usd_per_unit))
                for r in uow.session.scalars(query)
            )

    def set_rate(self, values: Mapping[str, Any]) -> RateSet:
        """Set the month's rate of a currency (USD per unit); the deals of that month and
        currency get their USD value, and won deals waiting for the rate their eligibility."""
        with self._ctx.write() as uow:
            self._admin(uow)
            parsed = parse(inputs.RateIn, dict(values), "The rate")
            if parsed.currency == "USD":
                raise ValidationError(_NO_USD, {"currency": "USD needs no rate."})
            return self._set_rate(uow, parsed)

    def import_rates(
        self, data: bytes, name: str, max_rows: int = MAX_ROWS, dry_run: bool = False
    ) -> Imported:
        """Rates from a CSV (Month, Currency, USD per unit), each as `set_rate`, all or none;
        a month and currency already there is replaced. `dry_run`: checked, nothing written."""
        rows = read_rows(data, RATES, inputs.RateIn, max_rows)
        with self._ctx.write(dry_run) as uow:
            self._admin(uow)
            tally, revalued, decided = Tally(), 0, 0
            for line, parsed in rows.rows:
                key, named = (
                    (parsed.month, parsed.currency),
                    f"{parsed.currency} {parsed.month:%Y-%m}",
                )
                if parsed.currency == "USD":
                    rows.problems.add(line, _NO_USD)
                elif rows.problems.once(line, key, named):
                    row = uow.session.get(ExchangeRate, key)
                    was = None if row is None else Decimal(row.usd_per_unit)
                    done = self._set_rate(uow, parsed)
                    tally.count(named, was is None, was not in (None, parsed.usd_per_unit))
                    revalued, decided = revalued + done.revalued, decided + done.decided
            rows.problems.raise_any(dry_run)
            return tally.done("rates", dry_run, revalued=revalued, decided=decided)

    def _set_rate(self, uow: UnitOfWork, parsed: inputs.RateIn) -> RateSet:
        text = format(parsed.usd_per_unit, "f")
        row = uow.session.get(ExchangeRate, (parsed.month, parsed.currency))
        old = row.usd_per_unit if row is not None else None
        if row is None:
            uow.session.add(
                ExchangeRate(month=parsed.month, currency=parsed.currency, usd_per_unit=text)
            )
        else:
            row.usd_per_unit = text
        uow.session.flush()
        revalued = self._revalue(uow, parsed.month, parsed.currency, parsed.usd_per_unit)
        decided = self._decide_waiting(uow, parsed.month, parsed.currency)
        month = f"{parsed.month:%Y-%m}"
        log_admin(
            uow.session, uow.now(), uow.user.id, "rate_set", f"{parsed.currency} {month}",
            f"{parsed.currency} {month}: 1 {parsed.currency} = {text} USD"
            + (f" (was {old})." if old is not None else "."),
            old=old, new=text,
        )  # fmt: skip
        entry = RateEntry(parsed.month, parsed.currency, parsed.usd_per_unit)
        return RateSet(entry, revalued, decided)

    def missing_rates(self) -> tuple[MissingRate, ...]:
        """Months and currencies that the organisation's won deals (the month won) and open
        deals (this month, if won now) need and lack, oldest first."""
        with self._ctx.read() as uow:
            self._admin(uow)
            ours = (Referral.org_id == uow.user.org_id, Referral.currency != "USD")
            need: dict[tuple[date, str], list[int]] = {}
            won = uow.session.execute(
                select(Referral.currency, Referral.closed_at).where(
                    *ours, Referral.substatus == Substatus.WON, Referral.closed_at.is_not(None)
                )
            )
            for currency, closed_at in won:
                assert closed_at is not None  # the query asks for it
                need.setdefault((rate_month(closed_at), currency), [0, 0])[0] += 1
            this_month = rate_month(uow.now())
            open_deals = uow.session.execute(
                select(Referral.currency, func.count())
                .where(*ours, Referral.status != Status.CLOSED)
                .group_by(Referral.currency)
            )
            for currency, n in open_deals:
                need.setdefault((this_month, currency), [0, 0])[1] += int(n)
            rates = uow.session.execute(select(ExchangeRate.month, ExchangeRate.currency))
            have = {(month, currency) for month, currency in rates}
            return tuple(
                MissingRate(month, currency, won_n, open_n)
                for (month, currency), (won_n, open_n) in sorted(need.items())
                if (month, currency) not in have
            )

    def _month_range(self, month: date) -> tuple[date, date]:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return month, nxt

    def _revalue(self, uow: UnitOfWork, month: date, currency: str, rate: Decimal) -> int:
        """The USD value of the deals created in `month` in `currency` (store/valuation.py)."""
        start, end = self._month_range(month)
        refs = uow.session.execute(
            select(Referral.id, Referral.value).where(
                Referral.currency == currency,
                Referral.created_at >= _midnight(start),
                Referral.created_at < _midnight(end),
            )
        ).all()
        for ref_id, value in refs:
            uow.session.execute(
                update(Referral)
                .where(Referral.id == ref_id)
                .values(value_usd=in_usd(value, rate))
                .execution_options(synchronize_session=False)
            )
        return len(refs)

    def _decide_waiting(self, uow: UnitOfWork, month: date, currency: str) -> int:
        """Won deals of `month` in `currency` whose eligibility waited for the rate."""
        start, end = self._month_range(month)
        decided, _ = decide_won(
            uow,
            and_(
                Referral.org_id == uow.user.org_id,
                Referral.currency == currency,
                Referral.closed_at >= _midnight(start),
                Referral.closed_at < _midnight(end),
            ),
        )
        return decided

    # --- the log ------------------------------------------------------------------------------

    def log(self, limit: int = 200) -> tuple[AdminLogView, ...]:
        """Every change to users, locations, rates and the set-up, newest first."""
        with self._ctx.read() as uow:
            self._admin(uow)
            return admin_log(uow.session, limit)

    def _region(self, uow: UnitOfWork, locations: object = None) -> str:
        """Where a national phone number is read: the country of the user's first location
        (PartnerIDs as given), else of the organisation's first location."""
        query = select(Location.country).where(Location.org_id == uow.user.org_id)
        if isinstance(locations, str):
            locations = [part.strip() for part in locations.split(",")]
        if isinstance(locations, list | tuple) and locations:
            first = uow.session.scalar(query.where(Location.partner_id == str(locations[0])))
            if first:
                return first
        return uow.session.scalar(query.order_by(Location.id).limit(1)) or "US"


_LABELS = {"partner_id": "PartnerID"}


def _listed(changes: Mapping[str, list[Any]]) -> str:
    """`name Seattle → Seattle West, PartnerID 100 → 101`."""
    return ", ".join(
        f"{_LABELS.get(name, name)} {old} → {new}" for name, (old, new) in changes.items()
    )


def _shown(entry: UserEntry, name: str) -> str:
    value = getattr(entry, name)
    return value.label if isinstance(value, Role) else str(value)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
