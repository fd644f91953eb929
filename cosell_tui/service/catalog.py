"""Customer and solution search for the New Deal wizard.

Company names are matched forgivingly: legal suffixes are removed with cleanco ("Contoso Pvt
Ltd" and "Contoso Private Limited" are both "contoso"), SQL narrows the candidates by word
prefixes on the indexed cleaned name, and rapidfuzz ranks them, so a typo still finds the
account without scanning the table in Python.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, and_, func, or_, select

from cosell_tui.domain import AccountKind, SolutionCategory, SolutionKind
from cosell_tui.domain.names import company_key
from cosell_tui.domain.views import AccountView, SolutionView
from cosell_tui.service.base import ServiceBase
from cosell_tui.service.mapping import account_view, solution_view
from cosell_tui.store.models import Account, Solution

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


class Catalog(ServiceBase):
    """search_accounts, linked_accounts, search_solutions."""

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
        with self._read() as session:
            candidates = session.scalars(
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
                sizes = dict(
                    session.execute(
                        select(Account.group_key, func.count())
                        .where(Account.kind == AccountKind.MANAGED, Account.group_key.in_(groups))
                        .group_by(Account.group_key)
                    ).all()
                )
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
        with self._read() as session:
            accounts = session.scalars(
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
        org_id = self.user.org_id
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
        with self._read() as session:
            rows = session.scalars(query.order_by(Solution.name, Solution.id).limit(limit)).all()
            return tuple(solution_view(s, org_id) for s in rows)
