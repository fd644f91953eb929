"""The grid's filter language (docs/filter.md): pure parsing, no SQL.

    contoso !"pilot phase" status:received,accepted type:co-sell country:GB value:>=25k
    expires:<3d stage:proposed registration:eligible ms:accepted fav:yes !status:won

Terms are separated by spaces and must all hold. A bare word or "quoted phrase" searches the
deal name, customer, referral ID, CRM ID and notes (each word matches the start of a word).
`field:value` filters a column; `a,b` after the colon means either. `!` before any term
negates it. Every mistake raises `QueryError(message, position)` saying what is wrong and
what is allowed, so the filter line can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from cosell_tui.domain import (
    ASSESSMENT_STAGES,
    CREATED_PCT,
    NORMAL_STAGES,
    WON_PCT,
    DealType,
    MicrosoftStatus,
    RegistrationStatus,
    Substatus,
)
from cosell_tui.domain.countries import country_codes
from cosell_tui.domain.format import read_amount


class QueryError(ValueError):
    """A filter the user typed that cannot be understood; `position` is a 0-based index."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at column {self.position + 1})"


# --- the parsed form ------------------------------------------------------------------------

COMPARATORS = ("<=", ">=", "<", ">", "=")


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str  # one of COMPARATORS
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Term:
    """One condition. `field` is None for free text (then `values` holds the phrase)."""

    field: str | None
    values: tuple[object, ...]
    negated: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.terms

    def text_terms(self, negated: bool) -> tuple[str, ...]:
        """The free-text phrases, positive or negated."""
        return tuple(
            str(t.values[0]) for t in self.terms if t.field is None and t.negated == negated
        )

    def field_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.field is not None)

    def uses(self, name: str) -> bool:
        return any(t.field == name for t in self.terms)


# --- vocabularies -----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z%]", "", text.lower())


STATUS_WORDS: dict[str, tuple[Substatus, ...]] = {
    "received": (Substatus.PENDING, Substatus.RECEIVED),
    "new": (Substatus.PENDING, Substatus.RECEIVED),
    "pending": (Substatus.PENDING, Substatus.RECEIVED),
    "accepted": (Substatus.ACCEPTED,),
    "active": (Substatus.ACCEPTED,),
    "won": (Substatus.WON,),
    "lost": (Substatus.LOST,),
    "declined": (Substatus.DECLINED,),
    "expired": (Substatus.EXPIRED,),
    "error": (Substatus.ERROR,),
}
#: `type:` words; "p2p" is the collaboration flag rather than a deal type.
P2P = "p2p"
TYPE_WORDS: dict[str, DealType | str] = {
    "private": DealType.PRIVATE,
    "partnerled": DealType.PARTNER_LED,
    "cosell": DealType.CO_SELL,
    "sa": DealType.SOLUTION_ASSESSMENT,
    "solutionassessment": DealType.SOLUTION_ASSESSMENT,
    "assessment": DealType.SOLUTION_ASSESSMENT,
    "p2p": P2P,
}
MS_WORDS: dict[str, MicrosoftStatus] = {_norm(m.value): m for m in MicrosoftStatus}
MS_WORDS["none"] = MicrosoftStatus.NONE
ELIGIBLE, REGISTERED = "eligible", "registered"
REGISTRATION_WORDS: dict[str, RegistrationStatus | str] = {
    ELIGIBLE: ELIGIBLE,
    REGISTERED: REGISTERED,
    **{_norm(r.value): r for r in RegistrationStatus},
    **{_norm(r.label): r for r in RegistrationStatus},
    "marketplacepending": RegistrationStatus.MARKETPLACE_PENDING,
    "marketplacepassed": RegistrationStatus.MARKETPLACE_PASSED,
    "marketplacefailed": RegistrationStatus.MARKETPLACE_FAILED,
}
STAGE_WORDS: dict[str, int] = {
    "created": CREATED_PCT,
    "accepted": CREATED_PCT,
    "won": WON_PCT,
    **{_norm(name): pct for pct, name in NORMAL_STAGES},
    **{_norm(name): pct for pct, name in ASSESSMENT_STAGES},
    # the verbs on the stage buttons (domain.md §3.1)
    "qualify": 20,
    "develop": 40,
    "propose": 60,
    "negotiate": 80,
}
STAGE_PCTS = (CREATED_PCT, 20, 40, 60, 80, WON_PCT)
YES_WORDS = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
# Babel types the keys loosely (str | int | None); the ISO 3166 alpha-2 codes are the 2-letter str.

FIELDS = (
    "status",
    "type",
    "country",
    "value",
    "expires",
    "stage",
    "registration",
    "ms",
    "fav",
)
_FIELD_ALIASES = {"microsoft": "ms", "favorite": "fav", "favourite": "fav", "reg": "registration"}
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$", re.IGNORECASE | re.ASCII)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([hd])$", re.IGNORECASE | re.ASCII)
_FIELD_TOKEN = re.compile(r"([A-Za-z]+):")
_MAX_VALUE = Decimal("1e15")


def _choices(words: dict[str, object] | tuple[str, ...]) -> str:
    return ", ".join(sorted(words)[:20])


# --- parsing ----------------------------------------------------------------------------------


#: The longest filter line (docs/cli.md): a search is a few words, not a document.
MAX_FILTER_CHARS = 1000


def check_text(text: str) -> None:
    """QueryError for a filter too long to be one, or holding a control character (a NUL, which
    PostgreSQL cannot store in text) or text that is not Unicode (a lone surrogate)."""
    if len(text) > MAX_FILTER_CHARS:
        raise QueryError(f"a filter is at most {MAX_FILTER_CHARS:,} characters", MAX_FILTER_CHARS)
    for i, ch in enumerate(text):
        if (ch < " " and ch not in "\t\n\r") or ch == "\x7f" or "\ud800" <= ch <= "\udfff":
            raise QueryError("a filter cannot hold control characters or broken text", i)


def parse(text: str) -> Query:
    """Parse the filter line. Raises QueryError with the position of the first mistake."""
    check_text(text)
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        negated = False
        if ch == "!":
            negated = True
            i += 1
            if i >= n or text[i].isspace():
                raise QueryError("'!' must be followed by a word or field:value to negate", start)
            if text[i] == "!":
                raise QueryError("use a single '!' to negate a term", i)
        m = _FIELD_TOKEN.match(text, i)
        if m:
            name = m.group(1).lower()
            name = _FIELD_ALIASES.get(name, name)
            if name not in FIELDS:
                raise QueryError(
                    f"unknown field '{m.group(1)}:'; fields are {', '.join(FIELDS)}"
                    " (put text with a colon in quotes to search for it)",
                    i,
                )
            vpos = m.end()
            raw, i = read_value(text, vpos)
            if not raw:
                raise QueryError(f"'{name}:' needs a value, e.g. {_EXAMPLES[name]}", vpos)
            terms.append(Term(name, _field_values(name, raw, vpos), negated, start))
            continue
        raw, i = read_value(text, i)
        if not re.search(r"[^\W_]", raw):
            raise QueryError(
                f"'{raw or text[start:i]}' has no letters or digits to search for", start
            )
        terms.append(Term(None, (raw,), negated, start))
    return Query(tuple(terms))


def read_value(text: str, i: int) -> tuple[str, int]:
    """A bare token up to the next space, or a "quoted phrase" (no escapes); the value and
    where it ends. Also the Insights screen's filter words (domain/insights.py)."""
    n = len(text)
    if i < n and text[i] == '"':
        end = text.find('"', i + 1)
        if end < 0:
            raise QueryError('unterminated quote: add the closing "', i)
        if end + 1 < n and not text[end + 1].isspace():
            raise QueryError("put a space after the closing quote", end + 1)
        return text[i + 1 : end].strip(), end + 1
    j = i
    while j < n and not text[j].isspace():
        if text[j] == '"':
            raise QueryError('a quote may only start a value: "like this"', j)
        j += 1
    return text[i:j], j


_EXAMPLES = {
    "status": "status:received",
    "type": "type:co-sell",
    "country": "country:GB",
    "value": "value:>=25k",
    "expires": "expires:<3d",
    "stage": "stage:proposed",
    "registration": "registration:eligible",
    "ms": "ms:accepted",
    "fav": "fav:yes",
}


def _field_values(name: str, raw: str, pos: int) -> tuple[object, ...]:
    if name in ("value", "expires"):
        return (_comparison(name, raw, pos),)
    if name == "fav":
        word = raw.lower()
        if word not in YES_WORDS:
            raise QueryError(f"fav: takes yes or no, not '{raw}'", pos)
        return (YES_WORDS[word],)
    values: list[object] = []
    offset = pos
    for part in raw.split(","):
        if not part.strip():
            raise QueryError(
                f"empty choice in '{raw}'; separate choices with single commas", offset
            )
        values.extend(_choice(name, part.strip(), offset))
        offset += len(part) + 1
    return tuple(dict.fromkeys(values))


def _choice(name: str, word: str, pos: int) -> tuple[object, ...]:
    key = _norm(word)
    if name == "status":
        if key in STATUS_WORDS:
            return STATUS_WORDS[key]
        raise QueryError(
            f"unknown status '{word}'; use received, accepted, won, lost, declined, expired"
            " or error",
            pos,
        )
    if name == "type":
        if key in TYPE_WORDS:
            return (TYPE_WORDS[key],)
        raise QueryError(
            f"unknown deal type '{word}'; use private, partner-led, co-sell, sa or p2p", pos
        )
    if name == "country":
        code = word.upper()
        if code in country_codes():
            return (code,)
        raise QueryError(
            f"'{word}' is not a two-letter ISO country code (for example GB, US, DE)", pos
        )
    if name == "stage":
        pct_text = key.rstrip("%")
        if pct_text.isdigit():
            if int(pct_text) in STAGE_PCTS:
                return (int(pct_text),)
            raise QueryError(
                f"stage {word} does not exist; stages are 10, 20, 40, 60, 80, 100", pos
            )
        if key in STAGE_WORDS:
            return (STAGE_WORDS[key],)
        raise QueryError(
            f"unknown stage '{word}'; use a percentage (20, 40, 60, 80) or a name such as"
            ' qualified, developed, proposed, negotiated, won, "collect data"',
            pos,
        )
    if name == "registration":
        if key in REGISTRATION_WORDS:
            return (REGISTRATION_WORDS[key],)
        raise QueryError(
            f"unknown registration state '{word}'; use eligible, registered or a status such as"
            " approved, reviewpending, actionrequired, passed, failed, closed",
            pos,
        )
    if name == "ms":
        if key in MS_WORDS:
            return (MS_WORDS[key],)
        raise QueryError(
            f"unknown Microsoft status '{word}'; use none, pending, accepted, declined, won"
            " or expired",
            pos,
        )
    raise AssertionError(name)  # every field is handled above


def _comparison(name: str, raw: str, pos: int) -> Comparison:
    op = next((c for c in COMPARATORS if raw.startswith(c)), "=")
    body = raw[len(op) :] if raw.startswith(op) else raw
    at = pos + (len(raw) - len(body))
    if name == "value":
        try:
            if not _AMOUNT.match(body.replace(",", "").replace("_", "")):
                raise ValueError(body)  # plain digits with k or m only: no signs, no exponents
            amount = read_amount(body)
        except ValueError:
            raise QueryError(
                f"'{body}' is not an amount; write a number with an optional k or m and an"
                " optional < <= > >= =, e.g. value:>=25k",
                at,
            ) from None
        if amount >= _MAX_VALUE:
            raise QueryError(f"'{body}' is too large for a deal value", at)
        return Comparison(op, amount)
    m = _DURATION.match(body)
    if not m:
        raise QueryError(
            f"'{body}' is not a duration; write hours or days with h or d and an optional"
            " < <= > >= =, e.g. expires:<3d or expires:<12h",
            at,
        )
    amount = Decimal(m.group(1)) * (24 if m.group(2).lower() == "d" else 1)
    if amount > 24 * 365 * 100:
        raise QueryError(f"'{body}' is too long a time", at)
    return Comparison(op, amount)  # hours


def hours(comparison: Comparison) -> timedelta:
    """The duration of an `expires:` comparison."""
    return timedelta(hours=float(comparison.amount))


def check(text: str) -> str | None:
    """None when `text` parses, else the message with its column (for the inline error)."""
    try:
        parse(text)
    except QueryError as exc:
        return str(exc)
    return None
