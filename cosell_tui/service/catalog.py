"""Customer and solution search for the New Deal wizard, and the account matching of CSV import.

Company names are matched forgivingly: legal suffixes are removed with cleanco ("Contoso Pvt
Ltd" and "Contoso Private Limited" are both "contoso"). Candidates come from exact look-ups in
the `account_key` table (each typed word, its start, and its one-letter deletions, so a typo
anywhere, the first letters included, is still an index look-up: domain/names.py), never from
a scan of the account table; `names.name_score` ranks them, the same name first whatever its
tab. A DUNS number or a web domain matches exactly (docs/csv.md "Account matching").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from cosell_tui.domain import (
    AccountKind,
    OrgKind,
    SolutionCategory,
    SolutionKind,
)
from cosell_tui.domain.names import (
    EXACT,
    PREFIX_MIN,
    company_key,
    name_score,
    web_domain,
    word_probe,
)
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
    Account,
    AccountKey,
    Location,
    Organization,
    Referral,
    Solution,
    TeamMember,
    User,
)
from cosell_tui.store.tables import GRID_TABS

#: Scores (0..100, `names.name_score`) a candidate needs; `wider=True` uses the lower one.
THRESHOLD = 75
WIDER_THRESHOLD = 55
#: Key rows read per typed word; a word found more often ("holdings") is too common to find
#: candidates by, as long as another typed word is not.
WORD_CAP = 1000
#: Longer typed names are cut here (a stored name has at most 200 characters).
MAX_NAME = 200
#: Typed words probed at most (the longest; a pasted paragraph is not a company name).
MAX_WORDS = 8
#: Accounts read for one or two typed letters (listed by name, not scored).
SHORT_CAP = 200
MAX_PER_KIND = 50
#: Scored candidates read as accounts (the tabs show MAX_PER_KIND each after collapsing).
MAX_LOADED = 600
SEARCH_KINDS = (AccountKind.MANAGED, AccountKind.UNMANAGED, AccountKind.OTHER)
#: Suggestions per category in an import's result file.
SUGGESTIONS = 2


class Confidence(IntEnum):
    """How sure an account match is (Partner Center's Confidence column)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """The account a CSV row's customer matched, how surely, and suggestions per tab."""

    best: AccountView
    confidence: Confidence
    #: What matched: "DUNS", "domain" or "name".
    by: str
    suggestions: dict[AccountKind, tuple[AccountView, ...]]


def _in_search(country: str | None) -> list[ColumnElement[bool]]:
    """The accounts customer search offers: not manual ones, federal ones only under DUNS,
    in the country when one is given."""
    conditions = [
        Account.kind.in_(SEARCH_KINDS),
        or_(Account.federal.is_(False), Account.kind == AccountKind.OTHER),
    ]
    if country:
        conditions.append(Account.country == country.strip().upper())
    return conditions


def _candidates(
    session: Session, cleaned: str, conditions: Sequence[ColumnElement[bool]], floor: int
) -> dict[int, Account]:
    """Accounts worth scoring, those a typed word finds in `account_key`. Words are probed
    longest first, each probe capped; a word found more often than WORD_CAP is too common to go
    by while other words are not. Probing stops once the words probed are long enough that a
    name matching none of them would score below `floor` (`names.name_score` gives at most 80
    for the typed letters found and 20 for the rest). An account with the same cleaned name
    shares every typed word, so it is among them; when no word could be probed, it is looked up
    by name."""
    found: dict[int, Account] = {}

    def keep(accounts: Iterable[Account]) -> None:
        for account in accounts:
            found.setdefault(account.id, account)

    def keep_ids(ids: set[int]) -> None:
        # By primary key, after the key index alone: a join would let PostgreSQL's planner
        # hash every account of the country instead.
        wanted = sorted(ids - found.keys())
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            keep(session.scalars(select(Account).where(Account.id.in_(chunk), *conditions)))

    words = sorted(
        (w for w in dict.fromkeys(cleaned.split()) if len(w) >= PREFIX_MIN), key=len, reverse=True
    )[:MAX_WORDS]
    typed = len(cleaned.replace(" ", ""))
    enough = typed * (100 - floor) / 80
    probed = 0
    common: list[str] = []
    for word in words:
        if probed > enough:
            break
        ids = session.scalars(
            select(AccountKey.account_id)
            .where(AccountKey.key.in_(sorted(word_probe(word))))
            .limit(WORD_CAP + 1)
        ).all()
        if len(ids) > WORD_CAP:
            common.append(word)
            continue
        keep_ids(set(ids))
        probed += len(word)
    if probed:
        return found
    keep(
        session.scalars(
            select(Account).where(Account.search_name == cleaned, *conditions).limit(WORD_CAP)
        )
    )
    if not words:
        # One or two letters cannot be matched fuzzily: the names starting so (index range).
        keep(
            session.scalars(
                select(Account)
                .where(
                    Account.search_name >= cleaned,
                    Account.search_name < cleaned + "\uffff",
                    *conditions,
                )
                .order_by(Account.search_name, Account.id)
                .limit(SHORT_CAP)
            )
        )
    elif common and not found:  # only common words typed: WORD_CAP of the longest
        keep_ids(
            set(
                session.scalars(
                    select(AccountKey.account_id)
                    .where(AccountKey.key.in_(sorted(word_probe(common[0]))))
                    .limit(WORD_CAP)
                )
            )
        )
    return found


def _ranked(
    session: Session,
    name: str,
    conditions: Sequence[ColumnElement[bool]],
    floor: int,
    limit: int,
) -> tuple[str, list[tuple[int, Account]]]:
    """The cleaned name and up to `limit` candidates scoring `floor` or more (any, for one or
    two letters), best first: score, then Managed before Unmanaged before DUNS, then name."""
    name = name[:MAX_NAME]
    cleaned = company_key(name) if name.strip() else ""
    if not cleaned:
        return "", []
    short = len(cleaned) < PREFIX_MIN
    scored = [
        (score, a)
        for a in _candidates(session, cleaned, conditions, floor).values()
        if (score := name_score(cleaned, a.search_name)) >= floor or short
    ]
    scored.sort(key=lambda p: (-p[0], SEARCH_KINDS.index(p[1].kind), p[1].name, p[1].id))
    return cleaned, scored[:limit]


def _confidence(account: Account, score: int, city: str | None) -> Confidence | None:
    """A name match's confidence (docs/csv.md): the same name in the same city on a managed
    account is High; each of another city, a close rather than the same name, and an unmanaged
    or DUNS account is one step less, never below Low."""
    if score < THRESHOLD:
        return None
    level = 3
    if account.kind is not AccountKind.MANAGED:
        level -= 1
    if (account.city or "").casefold() != (city or "").strip().casefold():
        level -= 1
    if score < EXACT:
        level -= 1
    return Confidence(max(level, 1))


class Catalog:
    """What the wizard and the dialogs pick from: customers, solutions, partners, locations
    and recent team members."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def search_accounts(
        self, name: str, country: str | None = None, wider: bool = False
    ) -> dict[AccountKind, tuple[AccountView, ...]]:
        """Accounts per customer-search tab, best first, each with its `match` score (the
        same name is 100 whichever tab it is in). Managed entries of one customer collapse into
        one (with `linked_count`); federal accounts appear only under Other (DUNS), as the
        wizard must pick them from the DUNS list. `wider` ignores the country and accepts
        weaker matches ("Search more")."""
        result: dict[AccountKind, tuple[AccountView, ...]] = {k: () for k in SEARCH_KINDS}
        threshold = WIDER_THRESHOLD if wider else THRESHOLD
        with self._ctx.read() as uow:
            cleaned, hits = _ranked(
                uow.session,
                name or "",
                _in_search(None if wider else country),
                threshold,
                MAX_LOADED,
            )
            if not cleaned:
                return result
            groups = {
                a.group_key for _s, a in hits if a.kind is AccountKind.MANAGED and a.group_key
            }
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
        for score, account in hits:
            bucket = per_kind[account.kind]
            if len(bucket) >= MAX_PER_KIND:
                continue
            linked = 0
            if account.kind is AccountKind.MANAGED and account.group_key:
                if account.group_key in shown_groups:
                    continue
                shown_groups.add(account.group_key)
                linked = sizes.get(account.group_key, 1) - 1
            bucket.append(account_view(account, linked, score))
        return {kind: tuple(views) for kind, views in per_kind.items()}

    def match_account(
        self,
        name: str,
        country: str | None,
        city: str | None = None,
        duns: str | None = None,
        domain: str | None = None,
    ) -> AccountMatch | None:
        """Partner Center's account matching for a CSV row (docs/csv.md): an account with the
        row's DUNS number or web domain is a High match; else the name, country and city decide
        (`_confidence`). None when nothing matches."""
        host = web_domain(domain)
        with self._ctx.read() as uow:
            session = uow.session
            exact: list[Account] = []
            by = "name"
            for column, value, what in (
                (Account.duns, duns, "DUNS"),
                (Account.domain, host, "domain"),
            ):
                if value and not exact:
                    exact = list(
                        session.scalars(
                            select(Account)
                            .where(column == value, *_in_search(None))
                            .order_by(Account.id)
                            .limit(20)
                        )
                    )
                    by = what
            _cleaned, scored = _ranked(session, name, _in_search(country), THRESHOLD, MAX_LOADED)
            rated: list[tuple[Confidence, int, Account]] = [
                (Confidence.HIGH, 100, a) for a in exact
            ]
            exact_ids = {a.id for a in exact}
            for score, account in scored:
                level = _confidence(account, score, city)
                if level is not None and account.id not in exact_ids:
                    rated.append((level, score, account))
            if not rated:
                return None
            rated.sort(
                key=lambda r: (-r[0], -r[1], SEARCH_KINDS.index(r[2].kind), r[2].name, r[2].id)
            )
            level, score, best = rated[0]
            suggestions = {
                kind: tuple(account_view(a, match=s) for _l, s, a in rated if a.kind is kind)[
                    :SUGGESTIONS
                ]
                for kind in SEARCH_KINDS
            }
            return AccountMatch(
                account_view(best, match=score),
                level,
                by if best.id in exact_ids else "name",
                suggestions,
            )

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
