"""The demo's fixed reference data: organisations, locations, users, catalog, exchange rates.

These names and ids are a contract for tests and docs (docs/data.md): other code may rely on
"Fabrikam Consulting" being organisation 1 and on `ava`, `ben` and `cara` existing with the
scopes below. Everything here is a constant or derived from the seeded random source only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cosell_tui.domain import OrgKind, Role, SolutionKind

# --- organisations and locations ------------------------------------------------------------

FABRIKAM = 1
MICROSOFT = 2
ADATUM = 3
LITWARE = 4
PROSEWARE = 5
TREY = 6

#: (id, name, kind, assessment_vetted, co_sell_ecosystem)
ORGANIZATIONS: tuple[tuple[int, str, OrgKind, bool, bool], ...] = (
    (FABRIKAM, "Fabrikam Consulting", OrgKind.PARTNER, True, True),
    (MICROSOFT, "Microsoft", OrgKind.MICROSOFT, False, True),
    (ADATUM, "Adatum Analytics", OrgKind.PARTNER, False, True),
    (LITWARE, "Litware Security", OrgKind.PARTNER, False, True),
    (PROSEWARE, "Proseware Data", OrgKind.PARTNER, True, True),
    (TREY, "Trey Research", OrgKind.PARTNER, False, False),
)

SEATTLE, LONDON, DUBLIN, MS_LOC, ADATUM_LOC, LITWARE_LOC, PROSEWARE_LOC, TREY_LOC = range(1, 9)

#: (id, org_id, partner_id, name, country)
LOCATIONS: tuple[tuple[int, int, str, str, str], ...] = (
    (SEATTLE, FABRIKAM, "4100001", "Fabrikam Seattle", "US"),
    (LONDON, FABRIKAM, "4100002", "Fabrikam London", "GB"),
    (DUBLIN, FABRIKAM, "4100003", "Fabrikam Dublin", "IE"),
    (MS_LOC, MICROSOFT, "msft", "Microsoft", "US"),
    (ADATUM_LOC, ADATUM, "4200001", "Adatum Toronto", "CA"),
    (LITWARE_LOC, LITWARE, "4300001", "Litware Munich", "DE"),
    (PROSEWARE_LOC, PROSEWARE, "4400001", "Proseware Bengaluru", "IN"),
    (TREY_LOC, TREY, "4500001", "Trey Research Sydney", "AU"),
)
FABRIKAM_LOCATIONS = (SEATTLE, LONDON, DUBLIN)
LOCATION_ORG = {loc[0]: loc[1] for loc in LOCATIONS}
LOCATION_COUNTRY = {loc[0]: loc[4] for loc in LOCATIONS}
#: The one location of each other organisation (where its referrals live).
ORG_LOCATION = {
    MICROSOFT: MS_LOC,
    ADATUM: ADATUM_LOC,
    LITWARE: LITWARE_LOC,
    PROSEWARE: PROSEWARE_LOC,
    TREY: TREY_LOC,
}
#: Partners Fabrikam works with in P2P (in the co-sell ecosystem).
P2P_PARTNERS = (ADATUM, LITWARE, PROSEWARE)


@dataclass(frozen=True, slots=True)
class SeedUser:
    id: int
    org_id: int
    username: str
    first_name: str
    last_name: str
    phone: str
    role: Role
    entire_company: bool
    location_ids: tuple[int, ...]

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        domain = ORG_DOMAIN[self.org_id]
        return f"{self.first_name}.{self.last_name}@{domain}".lower()


ORG_DOMAIN = {
    FABRIKAM: "fabrikam.example",
    MICROSOFT: "microsoft.example",
    ADATUM: "adatum.example",
    LITWARE: "litware.example",
    PROSEWARE: "proseware.example",
    TREY: "treyresearch.example",
}

AVA, BEN, CARA, DAN, LEE, PIA, JORDAN, PRIYA, TESS = range(1, 10)

USERS: tuple[SeedUser, ...] = (
    SeedUser(AVA, FABRIKAM, "ava", "Ava", "Lindqvist", "+12065550101", Role.ADMIN, True, ()),
    SeedUser(BEN, FABRIKAM, "ben", "Ben", "Okafor", "+442079460102", Role.ADMIN, False, (LONDON,)),
    SeedUser(CARA, FABRIKAM, "cara", "Cara", "Nguyen", "+12065550103", Role.USER, False,
             (SEATTLE,)),
    SeedUser(DAN, ADATUM, "dan", "Dan", "Reyes", "+14165550104", Role.ADMIN, True, ()),
    SeedUser(LEE, LITWARE, "lee", "Lee", "Hartmann", "+4989123456105", Role.ADMIN, True, ()),
    SeedUser(PIA, PROSEWARE, "pia", "Pia", "Raman", "+918041234106", Role.ADMIN, True, ()),
    SeedUser(
        JORDAN, MICROSOFT, "ms-jordan", "Jordan", "Ellis", "+14255550107",
        Role.MICROSOFT_SELLER, True, (),
    ),
    SeedUser(
        PRIYA, MICROSOFT, "ms-priya", "Priya", "Iyer", "+14255550108",
        Role.MICROSOFT_SELLER, True, (),
    ),
    SeedUser(TESS, TREY, "tess", "Tess", "Moreau", "+61291234109", Role.ADMIN, True, ()),
)  # fmt: skip
USER_BY_NAME = {u.username: u for u in USERS}
MS_SELLERS = (JORDAN, PRIYA)
#: The admin each other organisation sends its referrals as.
ORG_SENDER = {MICROSOFT: JORDAN, ADATUM: DAN, LITWARE: LEE, PROSEWARE: PIA, TREY: TESS}

# --- catalog --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedSolution:
    id: str
    name: str
    kind: SolutionKind
    publisher_org_id: int | None
    co_sell_ready: bool = False
    azure_ip_co_sell: bool = False
    biz_apps_premium: bool = False
    biz_apps_standard: bool = False
    marketplace_incentivized: bool = False
    priced: bool = False
    #: List price per unit (priced solutions only), in USD.
    unit_price: Decimal | None = None

    @property
    def publisher_name(self) -> str:
        return ORG_NAME[self.publisher_org_id] if self.publisher_org_id else "Microsoft"


ORG_NAME = {org[0]: org[1] for org in ORGANIZATIONS}
P, M, A = SolutionKind.PARTNER, SolutionKind.MICROSOFT, SolutionKind.ASSESSMENT

CATALOG: tuple[SeedSolution, ...] = (
    # Fabrikam's own
    SeedSolution("SOL-41001-LKH", "Fabrikam Lakehouse Accelerator", P, FABRIKAM,
                 co_sell_ready=True, azure_ip_co_sell=True, marketplace_incentivized=True),
    SeedSolution("SOL-41002-SOC", "Fabrikam SOC Modernisation", P, FABRIKAM,
                 co_sell_ready=True, azure_ip_co_sell=True),
    SeedSolution("SOL-41003-MIG", "Fabrikam Cloud Migration Factory", P, FABRIKAM,
                 co_sell_ready=True),
    SeedSolution("SOL-41004-FLD", "Fabrikam Field Service Kit for Dynamics 365", P, FABRIKAM,
                 co_sell_ready=True, biz_apps_standard=True, marketplace_incentivized=True),
    SeedSolution("SOL-41005-OPS", "Fabrikam Managed Azure Operations", P, FABRIKAM),
    # Microsoft products
    SeedSolution("SOL-10001-AVM", "Azure Virtual Machines", M, MICROSOFT, co_sell_ready=True,
                 priced=True, unit_price=Decimal("420.00")),
    SeedSolution("SOL-10002-SQL", "Azure SQL Database", M, MICROSOFT, co_sell_ready=True,
                 priced=True, unit_price=Decimal("910.00")),
    SeedSolution("SOL-10003-M365", "Microsoft 365 E5", M, MICROSOFT, co_sell_ready=True),
    SeedSolution("SOL-10004-D365", "Dynamics 365 Sales", M, MICROSOFT, co_sell_ready=True),
    SeedSolution("SOL-10005-SEN", "Microsoft Sentinel", M, MICROSOFT, co_sell_ready=True),
    SeedSolution("SOL-10006-AOAI", "Azure OpenAI Service", M, MICROSOFT, co_sell_ready=True,
                 priced=True, unit_price=Decimal("1500.00")),
    # other partners' solutions (third party, from Fabrikam's point of view)
    SeedSolution("SOL-42001-INS", "Adatum Insight Platform", P, ADATUM, co_sell_ready=True,
                 azure_ip_co_sell=True, marketplace_incentivized=True),
    SeedSolution("SOL-42002-FCS", "Adatum Forecast for Dynamics 365", P, ADATUM,
                 co_sell_ready=True, biz_apps_premium=True),
    SeedSolution("SOL-43001-THR", "Litware Threat Shield", P, LITWARE, co_sell_ready=True,
                 azure_ip_co_sell=True),
    SeedSolution("SOL-43002-IDG", "Litware Identity Guard", P, LITWARE, co_sell_ready=True,
                 biz_apps_standard=True),
    SeedSolution("SOL-44001-DOP", "Proseware DataOps", P, PROSEWARE, co_sell_ready=True,
                 azure_ip_co_sell=True, marketplace_incentivized=True),
    SeedSolution("SOL-44002-CRM", "Proseware CRM Connect", P, PROSEWARE, co_sell_ready=True,
                 biz_apps_standard=True),
    SeedSolution("SOL-45001-LAB", "Trey Research Lab Analytics", P, TREY),
    # solution assessment types (CHIP)
    SeedSolution("SOL-90001-DIM", "Data and Infrastructure Migration", A, MICROSOFT),
    SeedSolution("SOL-90002-APM", "Application Modernization", A, MICROSOFT),
    SeedSolution("SOL-90003-AZF", "Azure Foundations", A, MICROSOFT),
    SeedSolution("SOL-90004-AZX", "Azure Express", A, MICROSOFT),
    SeedSolution("SOL-90005-ACO", "Azure Cost Optimization", A, MICROSOFT),
)  # fmt: skip
SOLUTION_BY_ID = {s.id: s for s in CATALOG}
ASSESSMENTS = tuple(s for s in CATALOG if s.kind is A)
SELLABLE = tuple(s for s in CATALOG if s.kind is not A)
ORG_SOLUTIONS = {org: tuple(s for s in SELLABLE if s.publisher_org_id == org) for org in ORG_NAME}

# --- money ------------------------------------------------------------------------------------

#: Rough USD value of one unit; monthly rates wander a little around these.
BASE_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "JPY": Decimal("0.0067"),
    "INR": Decimal("0.012"),
    "AUD": Decimal("0.66"),
}
#: A currency deals use but the rates table lacks, so "cannot decide" shows (D8).
UNRATED_CURRENCY = "BRL"
RATE_MONTHS = 24


def month_start(d: date | datetime) -> date:
    return date(d.year, d.month, 1)


def previous_month(d: date) -> date:
    return date(d.year - 1, 12, 1) if d.month == 1 else date(d.year, d.month - 1, 1)


def exchange_rates(rng: random.Random, now: datetime) -> list[tuple[date, str, Decimal]]:
    """Monthly rates for the 24 months up to and including the month of `now`."""
    months = [month_start(now)]
    while len(months) < RATE_MONTHS:
        months.append(previous_month(months[-1]))
    rows = []
    for month in reversed(months):
        for currency, base in BASE_RATES.items():
            if currency == "USD":
                rate = base
            else:
                drift = Decimal(rng.randint(-400, 400)) / Decimal(10000)
                rate = (base * (1 + drift)).quantize(Decimal("0.000001"))
            rows.append((month, currency, rate))
    return rows
