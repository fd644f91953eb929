"""Precomputed pools the deal generator draws from: people, customer accounts, words.

Faker is slow per call, so it runs a bounded number of times up front (seeded), and a million
deals then cost only cheap `random.Random` choices. Phones are checked with `phonenumbers`, so
every phone the demo holds is valid for its country.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

import phonenumbers
from faker import Faker

from cosell_tui.demo.reference import (
    DUBLIN,
    FABRIKAM,
    LONDON,
    ORG_DOMAIN,
    SEATTLE,
    USERS,
)
from cosell_tui.domain import AccountKind
from cosell_tui.domain.names import company_key

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

_T = TypeVar("_T")

#: Customer countries and the Faker locale used for their addresses.
COUNTRY_LOCALES: dict[str, str] = {
    "US": "en_US",
    "GB": "en_GB",
    "IE": "en_IE",
    "DE": "de_DE",
    "IN": "en_IN",
    "AU": "en_AU",
    "CA": "en_CA",
    "JP": "ja_JP",
    "BR": "pt_BR",
    "FR": "fr_FR",
}
COUNTRIES = tuple(COUNTRY_LOCALES)
COUNTRY_WEIGHTS = (30, 18, 8, 8, 8, 6, 6, 5, 5, 6)
LEGAL_SUFFIXES = (
    "Ltd",
    "Limited",
    "Inc.",
    "LLC",
    "GmbH",
    "Pvt Ltd",
    "Private Limited",
    "S.A.",
    "Pty Ltd",
    "Corp.",
    "PLC",
    "",
)

PROJECTS = (
    "data platform modernisation",
    "SOC modernisation",
    "Azure landing zone",
    "SAP on Azure migration",
    "contact centre AI",
    "Dynamics 365 field service roll-out",
    "zero-trust identity",
    "data centre exit",
    "lakehouse analytics",
    "AKS platform build",
    "cost optimisation review",
    "backup and disaster recovery",
    "SQL Server upgrade",
    "Copilot readiness",
    "IoT telemetry pipeline",
    "Windows Virtual Desktop",
    "regulatory reporting",
    "customer 360",
    "supply-chain forecasting",
    "app modernisation wave 2",
)
NOTES = (
    "Customer wants to move on-prem BI to Azure; budget approved for next quarter.",
    "CIO sponsor engaged; procurement asked for a fixed-price proposal.",
    "Security incident last year drives the urgency; board review pending.",
    "Existing EA renewal is the trigger; compare with AWS quote.",
    "Pilot with two business units first, then group-wide.",
    "Customer asked for a migration partner with local references.",
    "Needs a technical architecture review with the account team.",
    "Follow-up from the partner event; decision maker is the CFO.",
    "Licensing questions outstanding; Microsoft seller to clarify.",
    "Competitive situation; customer evaluating three vendors.",
)
PROGRAMS = ("Azure Migrate and Modernize", "Azure Innovate", "FastTrack", "ECIF", "Solution Plays")


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class AccountSeed:
    id: int
    name: str
    kind: AccountKind
    country: str
    #: Counts as Microsoft-managed for registration (managed, or matched to a managed entry).
    managed: bool
    row: tuple[object, ...]  # the account table row, in ACCOUNT_COLUMNS order
    domain: str  # the e-mail domain of the customer's contacts


ACCOUNT_COLUMNS = (
    "id",
    "name",
    "search_name",
    "kind",
    "microsoft_account_id",
    "group_key",
    "duns",
    "federal",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "size",
    "matched_managed_account_id",
    "domain",
)
SIZES = ("1to50employees", "51to500employees", "251to1000employees", "Morethan500employees")


def _valid_phone(rng: random.Random, region: str, attempts: int = 50) -> str:
    """A random valid phone number of `region` in E.164 (varying the example number)."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        example = phonenumbers.example_number(region)
    if example is None:  # only for a region phonenumbers does not know
        raise ValueError(f"phonenumbers has no example number for region {region!r}")
    national = str(example.national_number)
    for _ in range(attempts):
        tail = "".join(str(rng.randrange(10)) for _ in range(4))
        candidate = phonenumbers.parse(f"+{example.country_code}{national[:-4]}{tail}")
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def _ascii(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


class FastRandom(random.Random):
    """random.Random with cheaper choice/choices: the seed generator calls them millions of
    times. Still fully determined by the seed."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        # keyed by the weights themselves: callers pass the same (hashable) tuple every time
        self._cum: dict[
            Sequence[float | Fraction], tuple[list[float | Fraction], float | Fraction]
        ] = {}

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def choices(
        self,
        population: SupportsLenAndGetItem[_T],
        weights: Sequence[float | Fraction] | None = None,
        *,
        cum_weights: Sequence[float | Fraction] | None = None,
        k: int = 1,
    ) -> list[_T]:
        if weights is None or k != 1 or cum_weights is not None:
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        cached = self._cum.get(weights)
        if cached is None:
            cum = list(itertools.accumulate(weights))
            cached = self._cum[weights] = (cum, cum[-1])
        cum, total = cached
        return [population[bisect.bisect(cum, self.random() * total)]]


class Pools:
    """Everything drawn by name: seeded once per seed run."""

    def __init__(self, rng: random.Random, seed: int, n_accounts: int) -> None:
        self.rng = rng
        self.seed = seed
        self.faker = Faker("en_US")
        self.faker.seed_instance(seed)
        self.first_names = [self.faker.first_name() for _ in range(300)]
        self.last_names = [self.faker.last_name() for _ in range(300)]
        self.names = [
            (f, la, f"{_ascii(f)}.{_ascii(la)}")
            for f, la in zip(self.first_names, self.last_names[::-1], strict=True)
        ]
        self.employees = self._employees()
        self.org_people = {
            org: [self._person(org_domain=domain, region="US") for _ in range(8)]
            for org, domain in ORG_DOMAIN.items()
            if org != FABRIKAM
        }
        self.phones = {c: [_valid_phone(rng, c) for _ in range(40)] for c in COUNTRIES}
        self.accounts = self._accounts(n_accounts)
        self.managed_accounts = [a for a in self.accounts if a.managed]

    # --- people -------------------------------------------------------------------------

    def _person(self, org_domain: str, region: str) -> Person:
        first = self.rng.choice(self.first_names)
        last = self.rng.choice(self.last_names)
        return Person(
            first,
            last,
            _valid_phone(self.rng, region),
            f"{_ascii(first)}.{_ascii(last)}@{org_domain}",
        )

    def _employees(self) -> dict[int, list[Person]]:
        """Fabrikam's sales people per location; the seeded users join their locations."""
        regions = {SEATTLE: "US", LONDON: "GB", DUBLIN: "IE"}
        staff: dict[int, list[Person]] = {}
        for loc, region in regions.items():
            staff[loc] = [self._person(ORG_DOMAIN[FABRIKAM], region) for _ in range(10)]
        for user in USERS:
            if user.org_id == FABRIKAM and user.location_ids:
                person = Person(user.first_name, user.last_name, user.phone, user.email)
                staff[user.location_ids[0]].append(person)
        return staff

    def contact(self, country: str, domain: str) -> Person:
        first, last, local = self.rng.choice(self.names)
        phone = self.rng.choice(self.phones[country])
        return Person(first, last, phone, f"{local}@{domain}")

    # --- accounts -----------------------------------------------------------------------

    def _accounts(self, n: int) -> list[AccountSeed]:
        rng = self.rng
        fakers = {c: Faker(loc) for c, loc in COUNTRY_LOCALES.items()}
        for i, f in enumerate(fakers.values()):
            f.seed_instance(rng.getrandbits(32) + i)
        accounts: list[AccountSeed] = []
        next_id = 1
        group_no = 0

        def add(
            name: str,
            kind: AccountKind,
            country: str,
            *,
            ms_id: str | None = None,
            group: str | None = None,
            duns: str | None = None,
            federal: bool = False,
            matched: int | None = None,
        ) -> AccountSeed:
            nonlocal next_id
            f = fakers[country]
            managed = kind is AccountKind.MANAGED or matched is not None
            domain = f"{_ascii(name)[:20] or 'customer'}.example"
            row = (
                next_id,
                name,
                company_key(name),
                kind.value,
                ms_id,
                group,
                duns,
                federal,
                f.street_address().replace("\n", ", ")[:200],
                None,
                f.city()[:100],
                None,
                f.postcode()[:20],
                country,
                rng.choice(SIZES),
                matched,
                domain,
            )
            acc = AccountSeed(next_id, name, kind, country, managed, row, domain)
            accounts.append(acc)
            next_id += 1
            return acc

        used: set[str] = set()

        def ms_account_id(source: random.Random = rng) -> str:
            """A Microsoft account ID no other account has (the import refuses a repeat)."""
            while (found := f"{source.randint(1, 9)}-{source.getrandbits(40):010X}") in used:
                pass
            used.add(found)
            return found

        # Each linked entry of a customer is its own Microsoft account (one per site), so it
        # has its own ID; they come from a stream of their own, which leaves every other row
        # of a seed as it was before linked entries had their own IDs.
        linked_rng = random.Random(f"linked-account-ids-{self.seed}")

        def linked_id(first: str, k: int) -> str:
            return first if k == 0 else ms_account_id(linked_rng)

        def duns() -> str:
            return f"{rng.randrange(10**8, 10**9)}"

        # The Contoso family: linked managed entries with legal-suffix variants (customer search
        # and "show linked accounts" are tested against these names).
        group_no += 1
        contoso_ms = ms_account_id()
        for k, (name, country) in enumerate(
            (
                ("Contoso Private Limited", "IN"),
                ("Contoso Pvt Ltd", "IN"),
                ("Contoso Pvt. Ltd.", "IN"),
            )
        ):
            add(
                name,
                AccountKind.MANAGED,
                country,
                ms_id=linked_id(contoso_ms, k),
                group=f"G{group_no:05d}",
            )
        add("Contoso Ltd", AccountKind.MANAGED, "GB", ms_id=ms_account_id(), group="G00002")
        group_no += 1
        add("Contoso, Inc.", AccountKind.UNMANAGED, "US", ms_id=ms_account_id())
        add("Contoso GmbH", AccountKind.OTHER, "DE", duns=duns())
        add("Contoso Federal Services", AccountKind.OTHER, "US", duns=duns(), federal=True)

        company = self.faker
        while len(accounts) < n:
            country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
            base = company.last_name() + rng.choice(("", " Group", " Holdings", " Industries"))
            suffix = rng.choice(LEGAL_SUFFIXES)
            name = f"{base} {suffix}".strip()
            roll = rng.random()
            if roll < 0.45:
                group_no += 1
                key, ms = f"G{group_no:05d}", ms_account_id()
                size = rng.choice((1, 1, 2, 3, 4))
                variants = [name, f"{base} {rng.choice(LEGAL_SUFFIXES)}".strip(), base.upper()]
                for k in range(size):
                    add(
                        variants[k % len(variants)],
                        AccountKind.MANAGED,
                        country,
                        ms_id=linked_id(ms, k),
                        group=key,
                    )
            elif roll < 0.7:
                add(name, AccountKind.UNMANAGED, country, ms_id=ms_account_id())
            elif roll < 0.93:
                managed = [a for a in accounts[-40:] if a.kind is AccountKind.MANAGED]
                matched = rng.choice(managed).id if managed and rng.random() < 0.3 else None
                add(name, AccountKind.OTHER, country, duns=duns(), matched=matched)
            else:
                add(f"{base} Federal", AccountKind.OTHER, "US", duns=duns(), federal=True)
        return accounts
