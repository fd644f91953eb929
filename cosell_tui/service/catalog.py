"""Customer and solution search for the New Deal wizard, and the account matching of CSV import.

Company names are matched forgivingly: legal suffixes are removed with cleanco ("Contoso Pvt
Ltd" and "Contoso Private Limited" are both "contoso"). Candidates come from exact look-ups in
the `account_key` table (each typed word, its start, and its one-letter deletions, so a typo
anywhere, the first letters included, is still an index look-up: domain/names.py), never from
a scan of the account table; `names.name_score` ranks them, the same name first whatever its
tab. A DUNS number or a web domain matches exactly (docs/csv.md "Account matching").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from sqlalchemy import ColumnElement, Select, func, or_, select
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
from cosell_tui.service.errors import ValidationError
from cosell_tui.service.mapping import (
    account_view,
    address_line,
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


def _offered(account: Account, country: str | None) -> bool:
    """`_in_search` in Python, for accounts read by id (`_Lookup.accounts`)."""
    if account.kind not in SEARCH_KINDS:
        return False
    if account.federal and account.kind is not AccountKind.OTHER:
        return False
    return not country or account.country == country.strip().upper()


class _Lookup:
    """Where `_candidates` reads the key index and the accounts it finds. One lookup serves a
    search; a CSV import keeps one for all its rows (`Catalog.matching`), so a word is probed
    and an account read once per file, and `prepare` reads the words of every row, and the
    accounts they find in each row's country, in a few statements."""

    #: Accounts `prepare` reads ahead at most (beyond, they are read row by row).
    AHEAD = 20_000
    #: Words `prepare` probes in one statement.
    PROBE_CHUNK = 50

    def __init__(self, session: Session) -> None:
        self.session = session
        self._probes: dict[str, Sequence[int]] = {}
        self._accounts: dict[int, Account] = {}  # read, offered in some country
        self._asked: dict[str, set[int]] = {}  # country -> ids read for it (found or not)

    def probe(self, word: str) -> Sequence[int]:
        """Up to WORD_CAP + 1 ids of the accounts a typed word finds (more: a common word)."""
        ids = self._probes.get(word)
        if ids is None:
            ids = self._probes[word] = self.session.scalars(
                select(AccountKey.account_id)
                .where(AccountKey.key.in_(sorted(word_probe(word))))
                .limit(WORD_CAP + 1)
            ).all()
        return ids

    def accounts(self, ids: Iterable[int], country: str | None) -> list[Account]:
        """The accounts among `ids` that customer search offers in `country`. By primary
        key, after the key index alone: a join would let PostgreSQL's planner hash every
        account of the country instead. Each id is read at most once per country."""
        wanted = set(ids)
        asked = self._asked.setdefault((country or "").strip().upper(), set())
        missing = sorted(wanted - asked - self._accounts.keys())
        for at in range(0, len(missing), 500):
            chunk = missing[at : at + 500]
            query = select(Account).where(Account.id.in_(chunk), *_in_search(country))
            for account in self.session.scalars(query):
                self._accounts[account.id] = account
        asked.update(missing)
        found = (self._accounts.get(pk) for pk in sorted(wanted))
        return [a for a in found if a is not None and _offered(a, country)]

    def _probe_many(self, words: Sequence[str]) -> None:
        """`probe` for many words in two statements: the keys' counts, then the ids of the
        words that are not common (a common word is left to `probe`, which caps its read)."""
        probes = {w: sorted(word_probe(w)) for w in words}
        keys = sorted({k for ks in probes.values() for k in ks})
        counts = dict(
            self.session.execute(
                select(AccountKey.key, func.count())
                .where(AccountKey.key.in_(keys))
                .group_by(AccountKey.key)
            ).all()
        )
        rare = {w: ks for w, ks in probes.items() if sum(counts.get(k, 0) for k in ks) <= WORD_CAP}
        wanted = sorted({k for ks in rare.values() for k in ks if counts.get(k)})
        found: dict[str, list[int]] = {}
        if wanted:
            rows = self.session.execute(
                select(AccountKey.key, AccountKey.account_id).where(AccountKey.key.in_(wanted))
            )
            for key, pk in rows:
                found.setdefault(key, []).append(pk)
        for word, ks in rare.items():  # as `probe` reads it: a row per key
            self._probes[word] = [pk for k in ks for pk in found.get(k, ())]

    def prepare(self, rows: Iterable[tuple[str, str | None]]) -> None:
        """For every (name, country): probe the name's words at once (PROBE_CHUNK words a
        statement), then read the accounts they find in that country (a common word's aside)."""
        per_country: dict[str | None, list[str]] = {}
        for name, country in rows:
            if name.strip():
                per_country.setdefault(country, []).extend(_words(company_key(name[:MAX_NAME])))
        todo = [
            w
            for w in dict.fromkeys(w for ws in per_country.values() for w in ws)
            if w not in self._probes
        ]
        for at in range(0, len(todo), self.PROBE_CHUNK):
            self._probe_many(todo[at : at + self.PROBE_CHUNK])
        budget = self.AHEAD
        for country, country_words in per_country.items():
            ahead = {
                pk
                for w in dict.fromkeys(country_words)
                if len(ids := self._probes.get(w, ())) <= WORD_CAP
                for pk in ids
            }
            if len(ahead) > budget:
                break
            budget -= len(ahead)
            self.accounts(ahead, country)


def _words(cleaned: str) -> list[str]:
    """The typed words `_candidates` probes, longest first."""
    return sorted(
        (w for w in dict.fromkeys(cleaned.split()) if len(w) >= PREFIX_MIN), key=len, reverse=True
    )[:MAX_WORDS]


def _candidates(
    lookup: _Lookup, cleaned: str, country: str | None, floor: int
) -> dict[int, Account]:
    """Accounts worth scoring, those a typed word finds in `account_key`. Words are probed
    longest first, each probe capped; a word found more often than WORD_CAP is too common to go
    by while other words are not. Probing stops once the words probed are long enough that a
    name matching none of them would score below `floor` (`names.name_score` gives at most 80
    for the typed letters found and 20 for the rest). An account with the same cleaned name
    shares every typed word, so it is among them; when no word could be probed, it is looked up
    by name."""
    found: dict[int, Account] = {}
    session = lookup.session
    conditions = _in_search(country)

    def keep(accounts: Iterable[Account]) -> None:
        for account in accounts:
            found.setdefault(account.id, account)

    words = _words(cleaned)
    typed = len(cleaned.replace(" ", ""))
    enough = typed * (100 - floor) / 80
    probed = 0
    common: list[str] = []
    for word in words:
        if probed > enough:
            break
        ids = lookup.probe(word)
        if len(ids) > WORD_CAP:
            common.append(word)
            continue
        keep(lookup.accounts(set(ids) - found.keys(), country))
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
        keep(lookup.accounts(set(lookup.probe(common[0])[:WORD_CAP]), country))
    return found


def _ranked(
    lookup: _Lookup, name: str, country: str | None, floor: int, limit: int
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
        for a in _candidates(lookup, cleaned, country, floor).values()
        if (score := name_score(cleaned, a.search_name)) >= floor or short
    ]
    scored.sort(key=lambda p: (-p[0], SEARCH_KINDS.index(p[1].kind), p[1].name, p[1].id))
    return cleaned, scored[:limit]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a CSV row says its customer is: what grades a name match (`_confidence`)."""

    city: str | None = None
    street: str | None = None
    postal_code: str | None = None
    state: str | None = None


def _same(stored: str | None, given: str | None, postal: bool = False) -> bool | None:
    """Whether two address parts agree; None when either is missing (nothing to compare)."""
    a, b = _plain(stored), _plain(given)
    if not a or not b:
        return None
    if postal:
        a, b = a.replace(" ", "").replace("-", ""), b.replace(" ", "").replace("-", "")
    return a == b


def _grade_place(account: Account, place: Place) -> tuple[bool, int]:
    """(whether the account is where the row says, how many address parts agree). The same
    place: the same city (both empty counts), with no street or postal code saying another
    site and no other state; or, whatever the city is called, the same street and postal
    code."""
    street = _same(account.address_line1, place.street)
    postal = _same(account.postal_code, place.postal_code, postal=True)
    state = _same(account.state, place.state)
    city = _plain(account.city) == _plain(place.city)
    agree = sum(x is True for x in (city, street, postal, state))
    other_site = (street is False and postal is not True) or (
        postal is False and street is not True
    )
    same = (city and not other_site and state is not False) or (street is True and postal is True)
    return same, agree


def _confidence(account: Account, score: int, place: Place) -> Confidence | None:
    """A name match's confidence (docs/csv.md): the same name at the same place (`_grade_place`)
    on a managed account is High; each of another place, a close rather than the same name, and
    an unmanaged or DUNS account is one step less, never below Low."""
    if score < THRESHOLD:
        return None
    level = 3
    if account.kind is not AccountKind.MANAGED:
        level -= 1
    if not _grade_place(account, place)[0]:
        level -= 1
    if score < EXACT:
        level -= 1
    return Confidence(max(level, 1))


#: Accounts a refusal names when an ID names several.
NAMED_AT_MOST = 5


def pick_account(
    candidates: Sequence[Account],
    named: str,
    *,
    name: str = "",
    address: str = "",
    duns: str | None = None,
    customer: str = "",
    fix: str = "",
) -> Account:
    """The one account of `candidates` (those a Microsoft ID or D-U-N-S number `named` finds:
    accounts may share an ID, one customer's sites), never the first of several: narrowed by
    the account name and address written with the ID (`MicrosoftID: …, AccountName: …,
    AccountAddress: …`), then the row's D-U-N-S number, then its customer name, each only
    when it leaves at least one. Several left: a ValidationError naming them; `fix` says how
    to name one instead."""
    pool = list(candidates)
    hints: list[tuple[str, Callable[[Account], bool]]] = [
        (name, lambda a: _plain(a.name) == _plain(name)),
        (address, lambda a: _plain(address) in (_plain(address_line(a)), _plain(a.address_line1))),
        (duns or "", lambda a: a.duns == duns),
        (customer, lambda a: company_key(a.name) == company_key(customer)),
    ]
    for given, fits in hints:
        if len(pool) <= 1:
            break
        if given:
            pool = [a for a in pool if fits(a)] or pool
    if len(pool) == 1:
        return pool[0]
    listed = "; ".join(
        f"{a.name} ({address_line(a) or 'no address'})" for a in pool[:NAMED_AT_MOST]
    )
    more = f" and {len(pool) - NAMED_AT_MOST} more" if len(pool) > NAMED_AT_MOST else ""
    raise ValidationError(
        f"'{named}' names {len(pool)} accounts: {listed}{more}; {fix or 'say which one'}.",
        {"account": "ambiguous"},
    )


def _plain(text: str | None) -> str:
    """A name or address as matching writes it (commas dropped), compared loosely."""
    return " ".join((text or "").replace(",", " ").casefold().split())


@dataclass(frozen=True, slots=True)
class Matching:
    """`Catalog.matching`: account matching's reads shared by the rows of one file."""

    lookup: _Lookup


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
                _Lookup(uow.session), name or "", None if wider else country, threshold, MAX_LOADED
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

    def matching(self, rows: Iterable[tuple[str, str | None]]) -> Matching:
        """What `match_account` shares across the rows of one file, given their (customer
        name, country): the words of every name probed and the accounts they find read in a
        few statements, each once."""
        with self._ctx.read() as uow:
            lookup = _Lookup(uow.session)
            lookup.prepare(rows)
        return Matching(lookup)

    def match_account(
        self,
        name: str,
        country: str | None,
        city: str | None = None,
        duns: str | None = None,
        domain: str | None = None,
        matching: Matching | None = None,
        place: Place | None = None,
    ) -> AccountMatch | None:
        """Partner Center's account matching for a CSV row (docs/csv.md): an account with the
        row's DUNS number or web domain is a High match; else the name in the country, graded
        by the address (`place`: city, street, postal code, state; else just `city`) decide
        (`_confidence`). None when nothing matches. `matching` (from `matching`) when many
        rows are matched."""
        host = web_domain(domain)
        where = place or Place(city=city)
        with self._ctx.read() as uow:
            session = uow.session
            lookup = _Lookup(session) if matching is None else matching.lookup
            lookup.session = session
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
            _cleaned, scored = _ranked(lookup, name, country, THRESHOLD, MAX_LOADED)
            rated: list[tuple[Confidence, int, Account]] = [
                (Confidence.HIGH, 100, a) for a in exact
            ]
            exact_ids = {a.id for a in exact}
            for score, account in scored:
                level = _confidence(account, score, where)
                if level is not None and account.id not in exact_ids:
                    rated.append((level, score, account))
            if not rated:
                return None
            # the same confidence and score: the account whose address agrees most first
            rated.sort(
                key=lambda r: (
                    -r[0],
                    -r[1],
                    -_grade_place(r[2], where)[1],
                    SEARCH_KINDS.index(r[2].kind),
                    r[2].name,
                    r[2].id,
                )
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
        self,
        text: str = "",
        category: SolutionCategory | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[SolutionView, ...]:
        """Catalog entries by name or ID, in the wizard's categories relative to the user's
        company (its own solutions are "Mine", other partners' are "third-party"); a page of
        them from `offset` on."""
        org_id = self._ctx.user.org_id
        query = self._solutions(text, category)
        limit = max(1, min(limit, 500))
        with self._ctx.read() as uow:
            rows = uow.session.scalars(
                query.order_by(Solution.name, Solution.id).limit(limit).offset(max(0, offset))
            ).all()
            return tuple(solution_view(s, org_id) for s in rows)

    def count_solutions(self, text: str = "", category: SolutionCategory | None = None) -> int:
        """How many entries `search_solutions` pages through."""
        query = self._solutions(text, category).with_only_columns(func.count())
        with self._ctx.read() as uow:
            return int(uow.session.scalar(query.order_by(None)) or 0)

    def _solutions(self, text: str, category: SolutionCategory | None) -> Select[Solution]:
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
        return query

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
