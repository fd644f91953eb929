"""Customer and solution search for the New Deal wizard.

Company names are matched forgivingly: legal suffixes are removed with cleanco ("Contoso Pvt
Ltd" and "Contoso Private Limited" are both "contoso"), SQL narrows the candidates by word
prefixes on the indexed cleaned name, and rapidfuzz ranks them, so a typo still finds the
account without scanning the table in Python.
"""

from __future__ import annotations

from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, and_, func, or_, select

from cosell_tui.domain import (
    AccountKind,
    OrgKind,
    SolutionCategory,
    SolutionKind,
)
from cosell_tui.domain.names import company_key
from cosell_tui.domain.views import (
    AccountView,
    PersonView,
    SolutionView,
)
from cosell_tui.service.context import Context
from cosell_tui.service.mapping import (
    account_view,
    person_view,
    solution_view,
    user_person,
)
from cosell_tui.service.scope import visible_clause
from cosell_tui.store.models import (
    GRID_TABS,
    Account,
    Location,
    Organization,
    Referral,
    Solution,
    TeamMember,
    User,
)

#: Scores (0..100) a candidate needs; `wider=True` uses the lower one.
THRESHOLD = 82
WIDER_THRESHOLD = 65
MAX_CANDIDATES = 3000
MAX_PER_KIND = 50
SEARCH_KINDS = (AccountKind.MANAGED, AccountKind.UNMANAGED, AccountKind.OTHER)


def _prefix_clause(cleaned: str, size: int) -> ColumnElement[bool]:
    """Some word of the stored cleaned name starts like some word of the query."""
    tests: list[ColumnElement[bool]] = []
    for word in dict.fromkeys(cleaned.split()):
        prefix = word[:size]
        if not prefix:
            continue
        tests.append(Account.search_name.startswith(prefix, autoescape=True))
        tests.append(Account.search_name.contains(" " + prefix, autoescape=True))
    return or_(*tests) if tests else Account.id < 0


def score(query: str, candidate: str) -> float:
    """How well a cleaned candidate name matches the cleaned query (0..100)."""
    return max(fuzz.WRatio(query, candidate), fuzz.token_set_ratio(query, candidate))


class Catalog:
    """What the wizard and the dialogs pick from: customers, solutions, partners, locations
    and recent team members."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def search_accounts(
        self, name: str, country: str | None = None, wider: bool = False
    ) -> dict[AccountKind, tuple[AccountView, ...]]:
        """Accounts per customer-search tab. Managed entries of one customer collapse into
        one (with `linked_count`); federal accounts appear only under Other (DUNS), as the
        wizard must pick them from the DUNS list. `wider` ignores the country and accepts
        weaker matches ("Search more")."""
        result: dict[AccountKind, tuple[AccountView, ...]] = {k: () for k in SEARCH_KINDS}
        cleaned = company_key(name or "") if (name or "").strip() else ""
        if not cleaned:
            return result
        # One or two letters cannot be matched fuzzily: list the names with a word starting so.
        short = len(cleaned) < 3
        conditions = [
            Account.kind.in_(SEARCH_KINDS),
            or_(Account.federal.is_(False), Account.kind == AccountKind.OTHER),
            _prefix_clause(cleaned, len(cleaned) if short else 2 if wider else 3),
        ]
        if country and not wider:
            conditions.append(Account.country == country.strip().upper())
        threshold = WIDER_THRESHOLD if wider else THRESHOLD
        with self._ctx.read() as uow:
            candidates = uow.session.scalars(
                select(Account).where(and_(*conditions)).limit(MAX_CANDIDATES)
            ).all()
            scored = sorted(
                ((score(cleaned, a.search_name), a) for a in candidates),
                key=lambda pair: (-pair[0], pair[1].name, pair[1].id),
            )
            hits = [a for s, a in scored if short or s >= threshold]
            groups = {a.group_key for a in hits if a.kind is AccountKind.MANAGED and a.group_key}
            sizes: dict[str, int] = {}
            if groups:
                rows = uow.session.execute(
                    select(Account.group_key, func.count())
                    .where(Account.kind == AccountKind.MANAGED, Account.group_key.in_(groups))
                    .group_by(Account.group_key)
                ).all()
                sizes = {key: n for key, n in rows if key is not None}  # none is: in_(groups)
        per_kind: dict[AccountKind, list[AccountView]] = {k: [] for k in SEARCH_KINDS}
        shown_groups: set[str] = set()
        for account in hits:
            bucket = per_kind[account.kind]
            if len(bucket) >= MAX_PER_KIND:
                continue
            linked = 0
            if account.kind is AccountKind.MANAGED and account.group_key:
                if account.group_key in shown_groups:
                    continue
                shown_groups.add(account.group_key)
                linked = sizes.get(account.group_key, 1) - 1
            bucket.append(account_view(account, linked))
        return {kind: tuple(views) for kind, views in per_kind.items()}

    def linked_accounts(self, group_key: str) -> tuple[AccountView, ...]:
        """Every managed entry of one customer ("Show linked accounts")."""
        with self._ctx.read() as uow:
            accounts = uow.session.scalars(
                select(Account)
                .where(Account.kind == AccountKind.MANAGED, Account.group_key == group_key)
                .order_by(Account.name, Account.id)
            ).all()
            return tuple(account_view(a) for a in accounts)

    def search_solutions(
        self, text: str = "", category: SolutionCategory | None = None, limit: int = 50
    ) -> tuple[SolutionView, ...]:
        """Catalog entries by name or ID, in the wizard's categories relative to the user's
        company (its own solutions are "Mine", other partners' are "third-party")."""
        org_id = self._ctx.user.org_id
        query = select(Solution)
        wanted = text.strip()
        if wanted:
            query = query.where(
                or_(
                    func.lower(Solution.name).contains(wanted.lower(), autoescape=True),
                    func.lower(Solution.id).startswith(wanted.lower(), autoescape=True),
                    func.lower(Solution.publisher_name).contains(wanted.lower(), autoescape=True),
                )
            )
        if category is SolutionCategory.ASSESSMENT:
            query = query.where(Solution.kind == SolutionKind.ASSESSMENT)
        elif category is SolutionCategory.MICROSOFT:
            query = query.where(Solution.kind == SolutionKind.MICROSOFT)
        elif category is SolutionCategory.MINE:
            query = query.where(
                Solution.kind == SolutionKind.PARTNER, Solution.publisher_org_id == org_id
            )
        elif category is SolutionCategory.THIRD_PARTY:
            query = query.where(
                Solution.kind == SolutionKind.PARTNER,
                or_(Solution.publisher_org_id.is_(None), Solution.publisher_org_id != org_id),
            )
        limit = max(1, min(limit, 500))
        with self._ctx.read() as uow:
            rows = uow.session.scalars(
                query.order_by(Solution.name, Solution.id).limit(limit)
            ).all()
            return tuple(solution_view(s, org_id) for s in rows)

    def search_partners(self, text_: str = "") -> tuple[tuple[int, str], ...]:
        """Co-sell ecosystem partners that can be invited (never the user's own company)."""
        with self._ctx.read() as uow:
            query = select(Organization.id, Organization.name).where(
                Organization.kind == OrgKind.PARTNER,
                Organization.co_sell_ecosystem.is_(True),
                Organization.id != self._ctx.user.org_id,
            )
            if text_.strip():
                query = query.where(
                    func.lower(Organization.name).contains(text_.strip().lower(), autoescape=True)
                )
            rows = uow.session.execute(query.order_by(Organization.name).limit(200)).all()
            return tuple((row.id, row.name) for row in rows)

    def partner_solutions(self, org_id: int, limit: int = 200) -> tuple[tuple[str, str], ...]:
        """(id, name) of the solutions an invited partner publishes in the co-sell catalog:
        what an invitation may ask them to bring."""
        with self._ctx.read() as uow:
            rows = uow.session.execute(
                select(Solution.id, Solution.name)
                .where(Solution.kind == SolutionKind.PARTNER, Solution.publisher_org_id == org_id)
                .order_by(Solution.name, Solution.id)
                .limit(max(1, min(limit, 500)))
            ).all()
            return tuple((row.id, row.name) for row in rows)

    def scope_locations(self) -> tuple[tuple[int, str, str], ...]:
        """(id, name, PartnerID) of the locations this user may create deals for (D2)."""
        with self._ctx.read() as uow:
            query = select(Location).where(Location.org_id == self._ctx.user.org_id)
            if not self._ctx.user.entire_company:
                query = query.where(Location.id.in_(self._ctx.user.location_ids or (-1,)))
            return tuple(
                (loc.id, loc.name, loc.partner_id)
                for loc in uow.session.scalars(query.order_by(Location.id))
            )

    def recent_team_members(self, limit: int = 10) -> tuple[PersonView, ...]:
        """The user first, then colleagues from the most recent visible deals (wizard's team)."""
        with self._ctx.read() as uow:
            me = uow.session.get(User, self._ctx.user.id)
            people: list[PersonView] = []
            seen: set[str] = set()
            if me is not None:
                people.append(user_person(me))
                seen.add(me.email.lower())
            # The newest 50 of each tab, each a short walk of its (org, tab, created) index
            # (one ORDER BY over the whole organisation would sort every deal it has).
            newest: list[tuple[datetime, int]] = []
            for tab in GRID_TABS:
                newest.extend(
                    (at, pk)
                    for at, pk in uow.session.execute(
                        select(Referral.created_at, Referral.id)
                        .where(visible_clause(self._ctx.user), Referral.grid_tab == tab)
                        .order_by(Referral.created_at.desc(), Referral.id.desc())
                        .limit(50)
                    )
                )
            recent = [pk for _, pk in sorted(newest, reverse=True)[:50]]
            members = uow.session.scalars(
                select(TeamMember)
                .where(TeamMember.referral_id.in_(recent))
                .order_by(TeamMember.referral_id.desc(), TeamMember.id)
            )
            for member in members:
                if len(people) >= limit:
                    break
                if member.email.lower() not in seen:
                    seen.add(member.email.lower())
                    people.append(person_view(member))
            return tuple(people[:limit])
