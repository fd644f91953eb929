"""Reference data, for Referrals admins: the solution catalog (their own solutions, Microsoft's
and third parties'), customer accounts, and the co-sell ecosystem (other partners and
Microsoft sellers); `cosell admin solution|account|partner` (docs/admin.md).

Own solutions are added and changed one by one; the catalog, the accounts and the ecosystem
come from CSV files (sheets.py), all or nothing. Each change is validated (inputs.py), written
in one transaction and logged (audit.py). Matching an account to a managed one re-decides the
registration eligibility of every won deal on it (eligibility rule `managed-account`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from cosell_tui.domain import AccountKind, IncentiveTag, OrgKind, Role, SolutionKind
from cosell_tui.domain.names import company_key
from cosell_tui.domain.views import AccountView, SolutionView
from cosell_tui.service.administration import decide_won, require_admin, users_like
from cosell_tui.service.audit import log_admin
from cosell_tui.service.catalog import pick_account
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.mapping import account_view, solution_view
from cosell_tui.service.parse import inputs, parse
from cosell_tui.service.sheets import MAX_ROWS, Imported, Layout, Tally, read_rows
from cosell_tui.store.models import Account, Location, Organization, Referral, Solution, User

if TYPE_CHECKING:
    from cosell_tui.service.context import Context
    from cosell_tui.service.unit import UnitOfWork

#: The columns of each file (docs/admin.md) and the input field each fills.
SOLUTIONS = Layout(
    "solutions",
    {
        "Solution ID": "id",
        "Name": "name",
        "Publisher": "publisher",
        "Kind": "kind",
        "Incentive tags": "tags",
        "Co-sell ready": "co_sell_ready",
        "Marketplace incentivized": "marketplace_incentivized",
        "Priced": "priced",
    },
    ("Solution ID", "Name"),
)
ACCOUNTS = Layout(
    "accounts",
    {
        "Account kind": "kind",
        "Name": "name",
        "Microsoft account ID": "microsoft_account_id",
        "DUNS": "duns",
        "Linked group": "group_key",
        "Federal": "federal",
        "Address line 1": "address_line1",
        "Address line 2": "address_line2",
        "City": "city",
        "State": "state",
        "Postal code": "postal_code",
        "Country": "country",
        "Size": "size",
    },
    ("Account kind", "Name", "Country"),
)
PARTNERS = Layout(
    "partners",
    {
        "Type": "type",
        "Name": "name",
        "PartnerIDs": "partner_ids",
        "Vetted for assessments": "vetted",
        "Co-sell ecosystem": "ecosystem",
        "Solutions": "solutions",
        "Login": "login",
        "Email": "email",
        "Phone": "phone",
        "Admin": "admin",
    },
    ("Name",),
)

#: Microsoft's organisation and the location its referrals live in, made by `cosell setup` (or,
#: on a database set up before it did, by the first seller a partners file brings), named as
#: the demo data names them.
MICROSOFT = "Microsoft"
MICROSOFT_LOCATION = ("msft", "Microsoft", "US")

#: How the accounts are listed: by name as a person reads a list, whatever its case, then by
#: number (an index of migration 0015_account_order serves it).
ACCOUNT_ORDER = (func.lower(Account.name), Account.id)

_TAG_FIELDS = {
    IncentiveTag.AZURE_IP_CO_SELL: "azure_ip_co_sell",
    IncentiveTag.BIZ_APPS_PREMIUM: "biz_apps_premium",
    IncentiveTag.BIZ_APPS_STANDARD: "biz_apps_standard",
}


@dataclass(frozen=True, slots=True)
class AccountEntry:
    account: AccountView
    matched_to: str | None  # the managed account it is matched to: "Name (MS account ID)"


@dataclass(frozen=True, slots=True)
class PartnerEntry:
    name: str
    partner_ids: tuple[str, ...]  # "4200001 (CA)"
    vetted: bool
    ecosystem: bool
    solutions: int


@dataclass(frozen=True, slots=True)
class SellerEntry:
    login: str
    name: str
    email: str
    phone: str
    active: bool


@dataclass(frozen=True, slots=True)
class Matched:
    account: AccountEntry
    deals: int  # deals on the account
    decided: int  # won deals whose registration eligibility was decided again
    eligible: int  # of those, eligible now


def _state(row: object, names: tuple[str, ...]) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in names)


class Reference:
    """Solutions, customer accounts and the co-sell ecosystem."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def _log(self, uow: UnitOfWork, action: str, subject: str, summary: str, **detail: Any) -> None:
        log_admin(uow.session, uow.now(), uow.user.id, action, subject, summary, **detail)

    def _logged_import(
        self, uow: UnitOfWork, action: str, name: str, tally: Tally, what: str, dry_run: bool
    ) -> Imported:
        done = tally.done(what, dry_run)
        self._log(uow, action, name, done.said(name), added=tally.added, changed=tally.changed)
        return done

    # --- solutions ----------------------------------------------------------------------------

    def add_solution(self, values: Mapping[str, Any]) -> SolutionView:
        """One of your organisation's co-sell solutions (ID, name, incentive tags, co-sell
        ready, marketplace incentivised, priced)."""
        with self._ctx.write() as uow:
            require_admin(uow)
            parsed = parse(inputs.SolutionIn, dict(values), "The solution")
            if uow.session.get(Solution, parsed.id) is not None:
                raise ValidationError(
                    f"The solution ID {parsed.id} is already in the catalog.",
                    {"id": "This solution ID is taken."},
                )
            solution = self._new_solution(uow, parsed.id)
            self._fill_solution(uow, solution, parsed, own=True)
            uow.session.flush()
            self._log(uow, "solution_added", parsed.id,
                      f"Added solution {parsed.id} ({parsed.name}).")  # fmt: skip
            return solution_view(solution, uow.user.org_id)

    def edit_solution(self, solution_id: str, values: Mapping[str, Any]) -> SolutionView:
        """Change one of your organisation's solutions; what is not given stays."""
        with self._ctx.write() as uow:
            require_admin(uow)
            solution = uow.session.get(Solution, solution_id.strip())
            if solution is None:
                raise NotFoundError(f"No solution '{solution_id.strip()}' in the catalog.")
            if solution.publisher_org_id != uow.user.org_id:
                raise RuleRefusal(
                    f"{solution.id} is {solution.publisher_name}'s; the catalog of others "
                    "changes by importing it (`cosell admin solution import`)."
                )
            given = {k: v for k, v in values.items() if v is not None}
            parsed = parse(inputs.SolutionChange, given, "The change")
            before = _state(solution, _SOLUTION_STATE)
            self._fill_solution(uow, solution, parsed, own=True)
            after = _state(solution, _SOLUTION_STATE)
            changes = {
                name: [old, new]
                for name, old, new in zip(_SOLUTION_STATE, before, after, strict=True)
                if old != new
            }
            if changes:
                said = ", ".join(
                    f"{n.replace('_', ' ')} {o} → {v}" for n, (o, v) in changes.items()
                )
                self._log(uow, "solution_edited", solution.id,
                          f"Changed solution {solution.id}: {said}.", changes=changes)  # fmt: skip
            return solution_view(solution, uow.user.org_id)

    def import_solutions(
        self, data: bytes, name: str, max_rows: int = MAX_ROWS, dry_run: bool = False
    ) -> Imported:
        """The catalog from a CSV (docs/admin.md): a solution ID already there is updated.
        `dry_run`: checked and counted, nothing written (sheets.py)."""
        rows = read_rows(data, SOLUTIONS, inputs.SolutionIn, max_rows)
        with self._ctx.write(dry_run) as uow:
            require_admin(uow, "the catalog")
            tally = Tally()
            for line, parsed in rows.rows:
                if not rows.problems.once(line, parsed.id, f"Solution ID {parsed.id}"):
                    continue
                solution = uow.session.get(Solution, parsed.id)
                new = solution is None
                if solution is None:
                    solution = self._new_solution(uow, parsed.id)
                before = _state(solution, _SOLUTION_STATE + _PUBLISHER_STATE)
                self._fill_solution(uow, solution, parsed, own=False)
                after = _state(solution, _SOLUTION_STATE + _PUBLISHER_STATE)
                tally.count(parsed.id, new, before != after)
            rows.problems.raise_any(dry_run)
            uow.session.flush()
            return self._logged_import(uow, "solutions_imported", name, tally, "solutions", dry_run)

    def _new_solution(self, uow: UnitOfWork, solution_id: str) -> Solution:
        solution = Solution(id=solution_id, name="", kind=SolutionKind.PARTNER, publisher_name="")
        for flag in (*_TAG_FIELDS.values(), "co_sell_ready", "marketplace_incentivized", "priced"):
            setattr(solution, flag, False)
        uow.session.add(solution)
        return solution

    def _fill_solution(self, uow: UnitOfWork, solution: Solution, parsed: Any, own: bool) -> None:
        """Set what `parsed` (SolutionIn or SolutionChange) gives; `own`: publisher = you."""
        if parsed.name is not None:
            solution.name = parsed.name
        if parsed.tags is not None:
            for tag, flag in _TAG_FIELDS.items():
                setattr(solution, flag, tag in parsed.tags)
        for flag in ("co_sell_ready", "marketplace_incentivized", "priced"):
            if getattr(parsed, flag) is not None:
                setattr(solution, flag, getattr(parsed, flag))
        if own:
            solution.kind = SolutionKind.PARTNER
            solution.publisher_org_id, solution.publisher_name = uow.user.org_id, uow.user.org_name
            return
        publisher = (parsed.publisher or "").strip()
        kind = parsed.kind or (
            SolutionKind.MICROSOFT if publisher.casefold() == MICROSOFT.casefold() else
            SolutionKind.PARTNER
        )  # fmt: skip
        solution.kind = kind
        if kind is not SolutionKind.PARTNER:
            solution.publisher_org_id = _microsoft_id(uow)
            solution.publisher_name = MICROSOFT
        elif not publisher or publisher.casefold() == uow.user.org_name.casefold():
            solution.publisher_org_id, solution.publisher_name = uow.user.org_id, uow.user.org_name
        else:
            org = _partner_named(uow, publisher)
            solution.publisher_org_id = org.id if org is not None else None
            solution.publisher_name = org.name if org is not None else publisher

    # --- customer accounts --------------------------------------------------------------------

    def accounts(
        self, search: str = "", kind: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[AccountEntry, ...]:
        """A page of the customer accounts by name (a name's words, or an account ID or
        D-U-N-S number) of one kind (Managed, Unmanaged, DUNS) or all, with the managed
        account each is matched to."""
        with self._ctx.read() as uow:
            require_admin(uow)
            managed = aliased(Account)
            query = self._accounts(search, kind).add_columns(
                managed.name, managed.microsoft_account_id
            )
            query = query.outerjoin(managed, managed.id == Account.matched_managed_account_id)
            rows = uow.session.execute(
                query.order_by(*ACCOUNT_ORDER)
                .limit(max(1, min(limit, 1000)))
                .offset(max(0, offset))
            ).all()
            return tuple(
                AccountEntry(account_view(a), f"{n} ({m})" if n is not None else None)
                for a, n, m in rows
            )

    def count_accounts(self, search: str = "", kind: str | None = None) -> int:
        """How many accounts `accounts` pages through."""
        with self._ctx.read() as uow:
            require_admin(uow)
            query = self._accounts(search, kind).with_only_columns(func.count())
            return int(uow.session.scalar(query) or 0)

    def _accounts(self, search: str, kind: str | None) -> Select[Account]:
        of_kind = parse(inputs.AccountFilter, {"kind": kind}, "The listing").kind
        query = select(Account).where(Account.kind != AccountKind.MANUAL)
        if of_kind is not None:
            query = query.where(Account.kind == of_kind)
        wanted = search.strip()
        if wanted:
            key = company_key(wanted)
            query = query.where(
                or_(
                    Account.search_name.startswith(key, autoescape=True),
                    Account.search_name.contains(" " + key, autoescape=True),
                    Account.microsoft_account_id == wanted,
                    Account.duns == wanted,
                )
            )
        return query

    def import_accounts(
        self, data: bytes, name: str, max_rows: int = MAX_ROWS, dry_run: bool = False
    ) -> Imported:
        """Customer accounts from a CSV: a Microsoft account ID (managed, unmanaged) or D-U-N-S
        number (DUNS) already there is updated. `dry_run`: checked, nothing written."""
        rows = read_rows(data, ACCOUNTS, inputs.AccountIn, max_rows)
        with self._ctx.write(dry_run) as uow:
            require_admin(uow, "the customer accounts")
            tally = Tally()
            for line, parsed in rows.rows:
                key = _account_key(parsed)
                if not rows.problems.once(line, key, _account_label(parsed)):
                    continue
                found = uow.session.scalars(_account_query(parsed.kind, key[1]).limit(100)).all()
                account = None
                if found:
                    try:  # accounts may share an ID (a customer's sites): never the first
                        account = pick_account(
                            found,
                            _account_label(parsed),
                            name=parsed.name,
                            address=parsed.address_line1 or "",
                            fix="give each site its own ID, or change it with `cosell admin"
                            " account` by its number",
                        )
                    except ValidationError as exc:
                        rows.problems.add(line, exc.message)
                        continue
                new = account is None
                if account is None:
                    account = Account(kind=parsed.kind)
                    uow.session.add(account)
                before = _state(account, _ACCOUNT_STATE)
                for attr in _ACCOUNT_STATE:
                    setattr(account, attr, getattr(parsed, attr))
                account.federal = bool(parsed.federal)
                account.search_name = company_key(parsed.name)
                changed = before != _state(account, _ACCOUNT_STATE)
                tally.count(_account_label(parsed), new, changed)
            rows.problems.raise_any(dry_run)
            uow.session.flush()
            return self._logged_import(uow, "accounts_imported", name, tally, "accounts", dry_run)

    def _account(self, uow: UnitOfWork, ref: str, what: str) -> Account:
        """An imported account by its number, Microsoft account ID or D-U-N-S number."""
        text = ref.strip()
        query = select(Account).where(Account.kind != AccountKind.MANUAL)
        ids = [Account.microsoft_account_id == text, Account.duns == text]
        if text.isascii() and text.isdigit() and len(text) < 10:
            ids.append(Account.id == int(text))
        found = uow.session.scalars(query.where(or_(*ids)).order_by(Account.id).limit(100)).all()
        if not found:
            raise NotFoundError(f"No {what} '{text}' (give its number, Microsoft ID or DUNS).")
        return pick_account(found, text, fix="give its number (`cosell admin account list`)")

    def match_account(self, account_ref: str, managed_ref: str) -> Matched:
        """Link an unmanaged or DUNS account to the managed account it is; every won deal on it
        has its registration eligibility decided again."""
        with self._ctx.write() as uow:
            require_admin(uow, "the customer accounts")
            account = self._account(uow, account_ref, "account")
            managed = self._account(uow, managed_ref, "managed account")
            if account.kind is AccountKind.MANAGED:
                raise RuleRefusal(f"{account.name} is a managed account already.")
            if managed.kind is not AccountKind.MANAGED:
                raise RuleRefusal(
                    f"{managed.name} is {managed.kind.label}; match to a Microsoft Managed account."
                )
            old = account.matched_managed_account_id
            account.matched_managed_account_id = managed.id
            deals = uow.session.scalar(
                select(func.count())
                .select_from(Referral)
                .where(Referral.customer_account_id == account.id)
            )
            decided, eligible = decide_won(
                uow, Referral.customer_account_id == account.id, again=True
            )
            label = f"{managed.name} ({managed.microsoft_account_id})"
            if old != managed.id:
                self._log(
                    uow, "account_matched", _key_text(account),
                    f"Matched {account.name} ({_key_text(account)}) to the managed account "
                    f"{label}; {decided} won deal(s) decided again.",
                    managed=managed.microsoft_account_id, decided=decided,
                )  # fmt: skip
            entry = AccountEntry(account_view(account), label)
            return Matched(entry, int(deals or 0), decided, eligible)

    # --- the co-sell ecosystem ----------------------------------------------------------------

    def partners(
        self, search: str = "", limit: int = 200, offset: int = 0
    ) -> tuple[PartnerEntry, ...]:
        """A page of the other partner organisations by name (or part of it)."""
        with self._ctx.read() as uow:
            require_admin(uow)
            orgs = uow.session.scalars(
                _partners(uow, search).order_by(Organization.name, Organization.id)
                .limit(max(1, min(limit, 1000))).offset(max(0, offset))
            ).all()  # fmt: skip
            ids = [o.id for o in orgs]
            locations: dict[int, list[str]] = {}
            for loc in uow.session.scalars(
                select(Location).where(Location.org_id.in_(ids)).order_by(Location.partner_id)
            ):
                locations.setdefault(loc.org_id, []).append(f"{loc.partner_id} ({loc.country})")
            solutions: dict[int, int] = {}
            for org_id, n in uow.session.execute(
                select(Solution.publisher_org_id, func.count())
                .where(Solution.publisher_org_id.in_(ids))
                .group_by(Solution.publisher_org_id)
            ):
                if org_id is not None:  # in_(ids) finds none without
                    solutions[org_id] = int(n)
            return tuple(
                PartnerEntry(o.name, tuple(locations.get(o.id, ())), o.assessment_vetted,
                             o.co_sell_ecosystem, int(solutions.get(o.id, 0)))
                for o in orgs
            )  # fmt: skip

    def count_partners(self, search: str = "") -> int:
        with self._ctx.read() as uow:
            require_admin(uow)
            query = _partners(uow, search).with_only_columns(func.count())
            return int(uow.session.scalar(query) or 0)

    def sellers(
        self, search: str = "", limit: int = 200, offset: int = 0
    ) -> tuple[SellerEntry, ...]:
        """A page of Microsoft's sellers by login (search: login or name, or part)."""
        with self._ctx.read() as uow:
            require_admin(uow)
            users = uow.session.scalars(
                _sellers(search).order_by(User.username)
                .limit(max(1, min(limit, 1000))).offset(max(0, offset))
            )  # fmt: skip
            return tuple(
                SellerEntry(u.username, u.display_name, u.email, u.phone or "", u.active)
                for u in users
            )

    def count_sellers(self, search: str = "") -> int:
        with self._ctx.read() as uow:
            require_admin(uow)
            return int(uow.session.scalar(_sellers(search).with_only_columns(func.count())) or 0)

    def import_partners(
        self, data: bytes, name: str, max_rows: int = MAX_ROWS, dry_run: bool = False
    ) -> Imported:
        """Partner organisations and Microsoft sellers from a CSV: a partner of the same name,
        a seller of the same login, is updated. `dry_run`: checked, nothing written."""
        rows = read_rows(data, PARTNERS, inputs.PartnerIn, max_rows, region="US")
        with self._ctx.write(dry_run) as uow:
            require_admin(uow, "the co-sell ecosystem")
            tally = Tally()
            for line, parsed in rows.rows:
                seller = parsed.type is inputs.EcosystemKind.SELLER
                key = ("login", parsed.login) if seller else ("name", parsed.name.casefold())
                if not rows.problems.once(line, key, parsed.login or parsed.name):
                    continue
                admin = ("login", parsed.login)  # a partner's admin: one login, one person
                if (
                    not seller
                    and parsed.login
                    and not rows.problems.once(line, admin, parsed.login)
                ):
                    continue
                apply = self._seller if seller else self._partner
                said = apply(uow, parsed, tally)
                if said:
                    rows.problems.add(line, *said)
            rows.problems.raise_any(dry_run)
            uow.session.flush()
            return self._logged_import(
                uow, "partners_imported", name, tally, "partners and sellers", dry_run
            )

    def _partner(self, uow: UnitOfWork, parsed: Any, tally: Tally) -> list[str]:
        said: list[str] = []
        if parsed.name.casefold() in (uow.user.org_name.casefold(), MICROSOFT.casefold()):
            return [f"Name: {parsed.name} is not another partner."]
        org = _partner_named(uow, parsed.name)
        new = org is None
        if org is None:
            taken = uow.session.scalar(
                select(Organization.id).where(Organization.name == parsed.name)
            )
            if taken is not None:
                return [f"Name: {parsed.name} is taken by an organisation that is not a partner."]
            org = Organization(name=parsed.name, kind=OrgKind.PARTNER, assessment_vetted=False,
                               co_sell_ecosystem=True)  # fmt: skip
            uow.session.add(org)
            uow.session.flush()
        state = ("assessment_vetted", "co_sell_ecosystem")
        before = _state(org, state)
        if parsed.vetted is not None:
            org.assessment_vetted = parsed.vetted
        if parsed.ecosystem is not None:
            org.co_sell_ecosystem = parsed.ecosystem
        grew = False
        for pid, country in parsed.partner_ids or ():
            location = uow.session.scalar(select(Location).where(Location.partner_id == pid))
            if location is None:
                uow.session.add(Location(org_id=org.id, partner_id=pid, country=country,
                                         name=f"{org.name} {country}"))  # fmt: skip
                grew = True
            elif location.org_id != org.id:
                owner = uow.session.get(Organization, location.org_id)
                said.append(f"PartnerIDs: {pid} is already {owner.name if owner else 'used'}'s.")
        for sid in parsed.solutions or ():
            solution = uow.session.get(Solution, sid)
            if solution is None:
                said.append(f"Solutions: no solution '{sid}' in the catalog (import it first).")
            elif solution.kind is not SolutionKind.PARTNER or solution.publisher_org_id not in (
                None,
                org.id,
            ):
                said.append(f"Solutions: {sid} is {solution.publisher_name}'s.")
            elif solution.publisher_org_id != org.id:
                solution.publisher_org_id, solution.publisher_name = org.id, org.name
                grew = True
        if parsed.login:
            admin = self._partner_admin(uow, org, parsed)
            if isinstance(admin, str):
                said.append(admin)
            else:
                grew = grew or admin
        tally.count(org.name, new, grew or before != _state(org, state))
        return said

    def _partner_admin(self, uow: UnitOfWork, org: Organization, parsed: Any) -> bool | str:
        """The partner's Referrals admin (entire company), added or updated: the person who
        answers the invitations and referrals sent to that partner (D12: every organisation
        lives in this database). Whether anything changed, or why the row is refused."""
        user = uow.session.scalar(select(User).where(User.username == parsed.login))
        if user is not None and (user.org_id != org.id or user.role is not Role.ADMIN):
            return f"Login: {parsed.login} is taken by a user who is not {org.name}'s admin."
        if user is None:
            user = User(org_id=org.id, username=parsed.login, role=Role.ADMIN,
                        entire_company=True, active=True)  # fmt: skip
            uow.session.add(user)
        state = ("display_name", "email", "phone", "entire_company")
        before = _state(user, state)
        user.display_name, user.email, user.phone = parsed.admin, parsed.email, parsed.phone
        user.entire_company = True
        return before != _state(user, state)

    def _seller(self, uow: UnitOfWork, parsed: Any, tally: Tally) -> list[str]:
        user = uow.session.scalar(select(User).where(User.username == parsed.login))
        if user is not None and user.role is not Role.MICROSOFT_SELLER:
            return [f"Login: {parsed.login} is taken by a user who is not a Microsoft seller."]
        new = user is None
        if user is None:
            user = User(org_id=_microsoft_id(uow, create=True), username=parsed.login,
                        role=Role.MICROSOFT_SELLER, entire_company=True, active=True)  # fmt: skip
            uow.session.add(user)
        state = ("display_name", "email", "phone")
        before = _state(user, state)
        user.display_name, user.email, user.phone = parsed.name, parsed.email, parsed.phone
        tally.count(parsed.login, new, before != _state(user, state))
        return []


_SOLUTION_STATE = ("name", *_TAG_FIELDS.values(), "co_sell_ready", "marketplace_incentivized",
                   "priced")  # fmt: skip
_PUBLISHER_STATE = ("kind", "publisher_org_id", "publisher_name")
_ACCOUNT_STATE = ("name", "microsoft_account_id", "duns", "group_key", "federal", "address_line1",
                  "address_line2", "city", "state", "postal_code", "country", "size")  # fmt: skip


def _microsoft_id(uow: UnitOfWork, create: bool = False) -> int | None:
    """Microsoft's organisation; with `create`, made (with its location) when missing (a
    database set up before `cosell setup` made it)."""
    found = uow.session.scalar(
        select(Organization.id).where(Organization.kind == OrgKind.MICROSOFT).order_by(
            Organization.id).limit(1)
    )  # fmt: skip
    if found is not None or not create:
        return found
    return add_microsoft(uow.session, uow.now(), uow.user.id)


def add_microsoft(session: Session, now: datetime, by: int | None) -> int:
    """Microsoft's organisation and the location its referrals live in (D12: Microsoft is an
    organisation of the same database), logged; `cosell setup` makes it, so asking Microsoft
    for help works from the first day. Its people, the sellers, come from a partners file:
    nobody is invented here."""
    org = Organization(name=MICROSOFT, kind=OrgKind.MICROSOFT, assessment_vetted=False,
                       co_sell_ecosystem=True)  # fmt: skip
    session.add(org)
    session.flush()
    pid, name, country = MICROSOFT_LOCATION
    session.add(Location(org_id=org.id, partner_id=pid, name=name, country=country))
    session.execute(  # the catalog's Microsoft entries imported before it existed
        update(Solution)
        .where(Solution.kind != SolutionKind.PARTNER, Solution.publisher_org_id.is_(None))
        .values(publisher_org_id=org.id)
    )
    said = "Added Microsoft's organisation (its sellers come from a partners file)."
    log_admin(session, now, by, "microsoft_added", MICROSOFT, said)
    return org.id


def _partners(uow: UnitOfWork, search: str) -> Select[Organization]:
    query = select(Organization).where(
        Organization.kind == OrgKind.PARTNER, Organization.id != uow.user.org_id
    )
    if wanted := search.strip().lower():
        query = query.where(func.lower(Organization.name).contains(wanted, autoescape=True))
    return query


def _sellers(search: str) -> Select[User]:
    return users_like(select(User).where(User.role == Role.MICROSOFT_SELLER), search)


def _partner_named(uow: UnitOfWork, name: str) -> Organization | None:
    return uow.session.scalar(
        select(Organization).where(
            func.lower(Organization.name) == name.strip().lower(),
            Organization.kind == OrgKind.PARTNER,
            Organization.id != uow.user.org_id,
        )
    )


def _account_key(parsed: Any) -> tuple[str, str]:
    if parsed.kind is AccountKind.OTHER:
        return ("duns", parsed.duns)
    return ("microsoft", parsed.microsoft_account_id)


def _account_label(parsed: Any) -> str:
    kind, key = _account_key(parsed)
    return f"DUNS {key}" if kind == "duns" else f"Microsoft account ID {key}"


def _key_text(account: Account) -> str:
    return account.microsoft_account_id or account.duns or str(account.id)


def _account_query(kind: AccountKind, key: str) -> Any:
    if kind is AccountKind.OTHER:
        return (
            select(Account)
            .where(Account.kind == AccountKind.OTHER, Account.duns == key)
            .order_by(Account.id)
        )
    return (
        select(Account)
        .where(
            Account.kind.in_((AccountKind.MANAGED, AccountKind.UNMANAGED)),
            Account.microsoft_account_id == key,
        )
        .order_by(Account.id)
    )
