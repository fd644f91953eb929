"""The co-sell vocabulary: enumerations and small value objects shared by every layer.

Values are the Partner Center API's literals where the API has one (domain.md §1.5), so
import/export and the JSON shape need no translation table. Nothing here knows about
storage, rules or the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum


class Label(str, Enum):  # noqa: UP042 - own __new__ carries a label; StrEnum adds nothing
    """A string enum with a human label (the UI's wording) next to the API value."""

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Label:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj

    def __str__(self) -> str:
        return str.__str__(self)


class Direction(Label):
    INCOMING = "Incoming", "Inbound"
    OUTGOING = "Outgoing", "Outbound"


class Status(Label):
    NEW = "New", "New"
    ACTIVE = "Active", "Active"
    CLOSED = "Closed", "Closed"


class Substatus(Label):
    PENDING = "Pending", "Received"
    RECEIVED = "Received", "Received"
    ACCEPTED = "Accepted", "Accepted"
    WON = "Won", "Won"
    LOST = "Lost", "Lost"
    DECLINED = "Declined", "Declined"
    EXPIRED = "Expired", "Expired"
    ERROR = "Error", "Error"


#: Valid (status, substatus) pairs (domain.md §1.5.1, decision D4 adds Closed/Error).
VALID_STATUS_PAIRS: frozenset[tuple[Status, Substatus]] = frozenset(
    {
        (Status.NEW, Substatus.PENDING),
        (Status.NEW, Substatus.RECEIVED),
        (Status.ACTIVE, Substatus.ACCEPTED),
        (Status.CLOSED, Substatus.WON),
        (Status.CLOSED, Substatus.LOST),
        (Status.CLOSED, Substatus.DECLINED),
        (Status.CLOSED, Substatus.EXPIRED),
        (Status.CLOSED, Substatus.ERROR),
    }
)
TERMINAL_SUBSTATUSES: frozenset[Substatus] = frozenset(
    {Substatus.WON, Substatus.LOST, Substatus.DECLINED, Substatus.EXPIRED, Substatus.ERROR}
)


class DealType(Label):
    """Derived by the deal-type rule set (domain.md §4.1); P2P is a separate flag."""

    PRIVATE = "Private", "Private"
    PARTNER_LED = "PartnerLed", "Partner-led"
    CO_SELL = "CoSell", "Co-sell"
    SOLUTION_ASSESSMENT = "SolutionAssessment", "Solution assessment"


class HelpType(Label):
    """Help wanted from Microsoft (or from an invited partner); API assistanceRequestCode."""

    NONE = "None", "No help required at this point of time"
    WORKLOAD_VALUE_PROPOSITION = (
        "WorkloadSpecificValueProposition",
        "Workload - specific value proposition",
    )
    TECHNICAL_ARCHITECTURE = "CustomerTechnicalArchitecture", "Customer technical architecture"
    PROOF_OF_CONCEPT = "ProofOfConceptOrDemo", "Proof of concept / Demo"
    QUOTES_LICENSING = "QuotesOrLicensing", "Quotes / Licensing"
    POST_SALES = "PostSalesCustomerSuccess", "Post - sales customer success"
    GENERAL = "GeneralOrOther", "General or other"


class MarketplaceIntent(Label):
    YES = "Yes", "Yes"
    NO = "No", "No"
    UNDECIDED = "HaveNotDecided", "Have not decided"


class MicrosoftStatus(Label):
    """Microsoft's side of an engagement, as shown on the partner's Microsoft card (§2.3, D9)."""

    NONE = "None", "—"
    PENDING = "Pending", "Pending"
    ACCEPTED = "Accepted", "Accepted"
    DECLINED = "Declined", "Declined"
    WON = "Won", "Won"
    EXPIRED = "Expired", "Expired"


class OrgKind(Label):
    PARTNER = "Partner", "Partner"
    MICROSOFT = "Microsoft", "Microsoft"


class Role(Label):
    ADMIN = "ReferralsAdmin", "Referrals admin"
    USER = "ReferralsUser", "Referrals user"
    MICROSOFT_SELLER = "MicrosoftSeller", "Microsoft seller"


class AccountKind(Label):
    """Which customer-search tab an account comes from (domain.md §1.3)."""

    MANAGED = "MicrosoftManaged", "Microsoft Managed"
    UNMANAGED = "MicrosoftUnmanaged", "Microsoft Unmanaged"
    OTHER = "Other", "Other (DUNS)"
    MANUAL = "Manual", "Entered manually"

    @property
    def word(self) -> str:
        """One word, as the accounts file and `--kind` name it (for a narrow column)."""
        return _ACCOUNT_KIND_WORDS[self]


_ACCOUNT_KIND_WORDS = {
    AccountKind.MANAGED: "Managed",
    AccountKind.UNMANAGED: "Unmanaged",
    AccountKind.OTHER: "DUNS",
    AccountKind.MANUAL: "Manual",
}


class SolutionKind(Label):
    """What a catalog entry is; the wizard's category is derived from it and the user's org."""

    PARTNER = "Partner", "Partner solution"
    MICROSOFT = "Microsoft", "Microsoft"
    ASSESSMENT = "Assessment", "Solution assessment"


class SolutionCategory(Label):
    """The wizard's four solution categories, relative to the user's organisation."""

    MINE = "Mine", "My company's solutions"
    MICROSOFT = "Microsoft", "Microsoft"
    THIRD_PARTY = "ThirdParty", "Other third-party solutions"
    ASSESSMENT = "Assessment", "Solution assessments"


class IncentiveTag(Label):
    AZURE_IP_CO_SELL = "AzureIPCoSell", "Azure IP co-sell"
    BIZ_APPS_PREMIUM = "BizAppsPremium", "Biz apps premium"
    BIZ_APPS_STANDARD = "BizAppsStandard", "Biz apps standard"


class PartnerRole(Label):
    PRESALES = "PresalesEnvisioning", "Presales envisioning"
    SOLUTION_DESIGN = "SolutionDesign", "Solution design"
    PROOF_OF_CONCEPT = "ProofOfConcept", "Proof of concept"
    BUSINESS_STRATEGY = "BusinessStrategy", "Business strategy"
    DEPLOYMENT = "DeploymentServices", "Deployment services"
    ADOPTION = "AdoptionAndChangeManagement", "Adoption and change management"
    TRANSACTION = "Transaction", "Transaction"
    MANAGED_SERVICES = "ManagedServices", "Managed services"


class CloseReason(Label):
    """Declined or Lost reasons; the value is the CSV code (domain.md §1.5.6)."""

    BUDGET = "1", "Project budget isn't adequate"
    NO_RESPONSE = "2", "Customer didn't respond"
    OTHER_VENDOR = "3", "Customer chose another vendor"
    REQUIREMENT_NOT_MET = "4", "Customer requirement not met"
    NOT_A_CUSTOMER = "5", "Not a customer"
    TIMELINE_TOO_SHORT = "6", "Proposed time line was too short"
    ABUSE = "7", "Report as abuse, spam, or phishing"
    OTHERS = "8", "Others"


class ErrorReason(Label):
    """ "Close as error" reasons; the value is the CSV code (domain.md §1.5.6, D4)."""

    DUPLICATE_BULK = "1", "Duplicate – created through bulk upload"
    DUPLICATE_PARTNER_CENTER = "2", "Duplicate – created in Partner Center"
    DUPLICATE_MICROSOFT = "3", "Duplicate – sent by Microsoft"
    CONNECTOR_SYNC = "4", "Connector data sync issues"
    CUSTOMER_MATCHING = "5", "Customer matching issues"
    SOLUTION_ISSUES = "6", "Solution issues – explain in notes"
    TEST_REFERRAL = "7", "Test referral"
    DATA_ERROR = "8", "Data error"
    OTHERS = "9", "Others – explain in notes"


class RegistrationStatus(Label):
    """Azure IP co-sell registration sub-lifecycle (domain.md §2.5)."""

    APPROVED = "Approved", "Approved"
    REVIEW_PENDING = "ReviewPending", "Review (Pending)"
    ACTION_REQUIRED = "ActionRequired", "Action required"
    PASSED = "Passed", "Review (Passed)"
    FAILED = "Failed", "Review (Failed)"
    MARKETPLACE_PENDING = "MarketplaceValidationPending", "Marketplace validation (Pending)"
    MARKETPLACE_PASSED = "MarketplaceValidationPassed", "Marketplace validation (Passed)"
    MARKETPLACE_FAILED = "MarketplaceValidationFailed", "Marketplace validation (Failed)"
    CLOSED = "Closed", "Closed"


class ExceptionStatus(Label):
    """An exception request on a rejected registration (domain.md §2.5): one per referral,
    reviewed by Microsoft as a registration is."""

    PENDING = "Pending", "Exception (Pending)"
    ACTION_REQUIRED = "ActionRequired", "Exception (Action required)"
    APPROVED = "Approved", "Exception (Approved)"
    REJECTED = "Rejected", "Exception (Rejected)"


class ContractTerm(Label):
    PERPETUAL = "Perpetual", "Perpetual"
    FINITE = "Finite", "Finite"


class PricingModel(Label):
    PAYG = "PayAsYouGo", "Pay-as-you-go"
    OTHER = "Other", "Other"


class TenantType(Label):
    CUSTOMER = "Customer", "Customer"
    PARTNER = "Partner", "Partner"


class Action(Label):
    """Every change a user can ask for; the transitions rule set says which apply now."""

    ACCEPT = "accept", "Accept"
    DECLINE = "decline", "Decline"
    EDIT_DETAILS = "edit_details", "Edit details"
    EDIT_TEAM = "edit_team", "Edit team"
    EDIT_CONTACTS = "edit_contacts", "Edit customer contacts"
    EDIT_SOLUTIONS = "edit_solutions", "Edit solutions"
    EDIT_INVITATION_TERMS = "edit_invitation_terms", "Edit invitation close date and value"
    MARK_STAGE = "mark_stage", "Mark sales stage"
    WON = "won", "Mark won"
    LOST = "lost", "Mark lost"
    CLOSE_AS_ERROR = "close_as_error", "Close as error"
    SHARE_WITH_MICROSOFT = "share", "Share with Microsoft sellers"
    REQUEST_HELP = "request_help", "Ask Microsoft for help"
    INVITE = "invite", "Invite a partner or Microsoft"
    REGISTER = "register", "Register deal"
    REQUEST_EXCEPTION = "request_exception", "Request exception"


#: The only actions a closed deal may still allow (a won deal's registration and its exception
#: request, domain.md §2.7); the service refuses every other on a terminal deal (docs/rules.md).
REGISTRATION_ACTIONS: frozenset[Action] = frozenset({Action.REGISTER, Action.REQUEST_EXCEPTION})

#: The Azure IP co-sell registration form's answers (domain.md §4.4), by name, with the label
#: the form, the CLI and every message give them: the names transitions.yaml's `register`
#: block may keep after an approved exception (D19), and the service's field keys.
REGISTRATION_FIELDS: dict[str, str] = {
    "is_marketplace": "Marketplace transaction",
    "marketplace_date": "Marketplace date",
    "deployed_on_azure": "Deployed on Azure",
    "term": "Term",
    "contract_value": "Contract value",
    "contract_currency": "Contract currency",
    "solution_id": "Solution",
    "solution_value": "Solution value",
    "solution_currency": "Solution currency",
    "sign_date": "Sign date",
    "start_date": "Start date",
    "end_date": "End date",
    "tenant_type": "Tenant type",
    "pricing_model": "Pricing model",
}


# --- sales stages (domain.md §3, decisions D5/D6): the percentage is the stable key ----------

CREATED_PCT = 10
WON_PCT = 100
NORMAL_STAGES: tuple[tuple[int, str], ...] = (
    (20, "Qualified"),
    (40, "Developed"),
    (60, "Proposed"),
    (80, "Negotiated"),
)
ASSESSMENT_STAGES: tuple[tuple[int, str], ...] = (
    (20, "Secure customer LOE"),
    (40, "Collect data"),
    (60, "Prepare assessment report"),
    (80, "Present to customer"),
)


def stage_name(pct: int, assessment: bool, direction: Direction = Direction.OUTGOING) -> str:
    """The UI name of a stage percentage for a normal or a solution-assessment deal."""
    if pct <= CREATED_PCT:
        return "Accepted" if direction is Direction.INCOMING else "Created"
    if pct >= WON_PCT:
        return "Won"
    return dict(ASSESSMENT_STAGES if assessment else NORMAL_STAGES).get(pct, f"{pct} %")


# --- time rules (domain.md §2.6); the rule files hold the thresholds that teams may change ----

RESPONSE_WINDOW = timedelta(days=14)
EXPIRY_REMINDER_BEFORE = timedelta(hours=48)
WON_GAP_ADVISORY = timedelta(hours=72)


def window_over(status: Status, expires_at: datetime | None, now: datetime) -> bool:
    """§2.6: a received referral may be answered until the last second of its window; from its
    expiry instant on it is expired, whether or not `cosell sweep` has recorded it yet."""
    return status is Status.NEW and expires_at is not None and expires_at <= now


# --- numeric limits (domain.md §1.8) ---------------------------------------------------------

MAX_SOLUTIONS = 50
MAX_TEAM_MEMBERS = 50
MAX_NAME_LEN = 200
MAX_NOTES_LEN = 5000


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in an ISO 4217 currency."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"
