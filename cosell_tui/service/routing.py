"""Routing rules: where an inbound referral from Microsoft lands (domain.md D18, docs/rules.md).

Each partner organisation keeps its own table of (market, solution) → location rules in the
database. Every user of the organisation reads it; only its entire-company Referrals admins
change it (domain.md §1.4, ROUTE): one rule at a time, or a whole CSV file at once (all or
nothing: a file with any bad row changes nothing and names every bad line). Each change is
written in one transaction and recorded in the admin log. The rules themselves are compiled
into durable-rules by the rule book (`RuleBook.route`), which decides which rule places a
referral.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cosell_tui.domain import Role
from cosell_tui.domain.facts import ALL, RoutingDecision, RoutingRule
from cosell_tui.service.audit import log_admin
from cosell_tui.service.errors import (
    ConflictError,
    NotFoundError,
    RuleRefusal,
    ValidationError,
)
from cosell_tui.service.parse import check, inputs, parse
from cosell_tui.store.models import Location, RoutingRuleRow, Solution

if TYPE_CHECKING:
    from cosell_tui.rules import RuleBook
    from cosell_tui.service.context import Context
    from cosell_tui.service.unit import UnitOfWork

#: Most rules of one organisation (the rules engine's rules/routing.py says the same; the rules
#: package is imported only when a rule is read or routed, so `deal list` never loads it).
MAX_ROUTING_RULES = 500


@dataclass(frozen=True, slots=True)
class RoutingEntry:
    """One rule as the screen and `cosell routing list` show it."""

    market: str  # ISO alpha-2, or "*"
    solution: str  # a solution id, or "*"
    solution_name: str  # "" for "*"
    location: str  # PartnerID
    location_name: str

    @property
    def rule(self) -> RoutingRule:
        return RoutingRule(self.market, self.solution, self.location)

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass(frozen=True, slots=True)
class RoutingImport:
    """What an import did: the new table's size and how it differs from the old one."""

    rules: int
    added: int
    changed: int
    removed: int


#: Precedence as SQL (D18): both named first, then the solution, then the market, the default.
_RANK = case((RoutingRuleRow.solution == ALL, 2), else_=0) + case(
    (RoutingRuleRow.market == ALL, 1), else_=0
)


class Routing:
    """The acting user's organisation's routing rules."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # --- reading ------------------------------------------------------------------------------

    def rules(self, offset: int = 0, limit: int = 100) -> tuple[RoutingEntry, ...]:
        """A page of the rules, most specific first (the order in which they are tried)."""
        with self._ctx.read() as uow:
            _partner(uow)
            rows = uow.session.execute(
                _entries(uow.user.org_id).offset(max(offset, 0)).limit(max(1, min(limit, 500)))
            ).all()
            return tuple(_entry(*row) for row in rows)

    def count(self) -> int:
        with self._ctx.read() as uow:
            _partner(uow)
            return _count(uow.session, uow.user.org_id)

    def can_edit(self) -> bool:
        """Whether the acting user may change the rules (an entire-company Referrals admin)."""
        user = self._ctx.user
        return user.role is Role.ADMIN and user.entire_company

    def export_csv(self) -> str:
        """The table in its data form (`market,solution,location`), for `import` to read back."""
        from cosell_tui.rules.routing import rules_as_csv

        with self._ctx.read() as uow:
            _partner(uow)
            rows = uow.session.execute(_entries(uow.user.org_id)).all()
            return rules_as_csv(_entry(*row).rule for row in rows)

    # --- changing -----------------------------------------------------------------------------

    def set_rule(self, values: Mapping[str, Any]) -> RoutingEntry:
        """Add the rule for (market, solution), or change the location it routes to."""
        with self._ctx.write() as uow:
            self._editor(uow)
            parsed = parse(inputs.RoutingRuleIn, dict(values), "The routing rule")
            problems: dict[str, str] = {}
            solution_name = _solution_name(uow.session, parsed.solution, problems)
            location = _location(uow, parsed.location, problems)
            if problems:
                raise ValidationError(next(iter(problems.values())), problems)
            assert location is not None
            row = _row(uow.session, uow.user.org_id, parsed.market, parsed.solution)
            rule = RoutingRule(parsed.market, parsed.solution, location.partner_id)
            if row is None:
                if _count(uow.session, uow.user.org_id) >= MAX_ROUTING_RULES:
                    raise RuleRefusal(
                        f"{uow.user.org_name} has {MAX_ROUTING_RULES} routing rules, the most "
                        "one organisation may have; remove one first."
                    )
                row = RoutingRuleRow(
                    org_id=uow.user.org_id, market=parsed.market, solution=parsed.solution
                )
                uow.session.add(row)
                action, old = "routing_added", None
                said = f"Added the routing rule {rule.describe()}."
            else:
                before = uow.session.get(Location, row.location_id)
                old = before.partner_id if before else None
                if row.location_id == location.id:
                    raise RuleRefusal(f"The routing rule {rule.describe()} is already set.")
                action = "routing_changed"
                said = f"Changed the routing rule {rule.describe()} (was {old})."
            row.location_id = location.id
            row.updated_at = uow.now()
            row.updated_by = uow.user.id
            _flush(uow.session)
            log_admin(
                uow.session, uow.now(), uow.user.id, action, _subject(rule), said,
                market=rule.market, solution=rule.solution, location=rule.location, old=old,
            )  # fmt: skip
            return RoutingEntry(
                rule.market, rule.solution, solution_name, location.partner_id, location.name
            )

    def remove_rule(self, market: str, solution: str) -> RoutingEntry:
        """Remove the rule for (market, solution)."""
        with self._ctx.write() as uow:
            self._editor(uow)
            key = parse(
                inputs.RoutingKeyIn, {"market": market, "solution": solution}, "The routing rule"
            )
            row = _row(uow.session, uow.user.org_id, key.market, key.solution)
            if row is None:
                raise NotFoundError(
                    f"{uow.user.org_name} has no routing rule for "
                    f"{RoutingRule(key.market, key.solution, '').describe().rsplit(' → ', 1)[0]}."
                )
            found = uow.session.execute(
                _entries(uow.user.org_id).where(RoutingRuleRow.id == row.id)
            ).one()
            entry = _entry(*found)
            uow.session.delete(row)
            uow.session.flush()
            log_admin(
                uow.session, uow.now(), uow.user.id, "routing_removed", _subject(entry.rule),
                f"Removed the routing rule {entry.rule.describe()}.",
                market=entry.market, solution=entry.solution, location=entry.location,
            )  # fmt: skip
            return entry

    def import_csv(self, text: str) -> RoutingImport:
        """Replace the organisation's rules with a file's (`market,solution,location`). All or
        nothing: any bad row refuses the whole file, naming every bad line."""
        from cosell_tui.rules.routing import read_routing_csv, rules_as_csv

        with self._ctx.write() as uow:
            self._editor(uow)
            rows, found = read_routing_csv(text)
            bad: dict[int, str] = {}
            for said in found:  # "line N: what is wrong" (the shape of the file and its rows)
                where, _, what = said.partition(": ")
                number = int(where.removeprefix("line ")) if where.startswith("line ") else 0
                bad.setdefault(number, f"{what[:1].upper()}{what[1:]}.")
            for row in rows:  # what the database knows: countries, the catalog, the locations
                _, here = check(inputs.RoutingRuleIn, dict(_as_values(row.rule)))
                _solution_name(uow.session, row.rule.solution, here)
                _location(uow, row.rule.location, here)
                if here:
                    bad.setdefault(row.line, next(iter(here.values())))
            problems = {
                (f"line {number}" if number else "file"): what
                for number, what in sorted(bad.items())
            }
            if problems:
                count = len(problems)
                raise ValidationError(
                    f"The routing file has {count} bad line{'s' if count != 1 else ''}; "
                    "nothing was changed.",
                    problems,
                )
            org = uow.user.org_id
            before = {
                (e.market, e.solution): e.location
                for e in (_entry(*r) for r in uow.session.execute(_entries(org)).all())
            }
            after = {(r.rule.market, r.rule.solution): r.rule.location for r in rows}
            uow.session.execute(delete(RoutingRuleRow).where(RoutingRuleRow.org_id == org))
            now = uow.now()
            locations = {
                loc.partner_id: loc.id
                for loc in uow.session.scalars(select(Location).where(Location.org_id == org))
            }
            for row in rows:
                uow.session.add(
                    RoutingRuleRow(
                        org_id=org, market=row.rule.market, solution=row.rule.solution,
                        location_id=locations[row.rule.location], updated_at=now,
                        updated_by=uow.user.id,
                    )
                )  # fmt: skip
            _flush(uow.session)
            done = RoutingImport(
                rules=len(rows),
                added=len(after.keys() - before.keys()),
                changed=sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
                removed=len(before.keys() - after.keys()),
            )
            log_admin(
                uow.session, now, uow.user.id, "routing_imported", uow.user.org_name,
                f"Imported {done.rules} routing rule(s): {done.added} added, {done.changed} "
                f"changed, {done.removed} removed.",
                before=rules_as_csv(RoutingRule(m, s, loc) for (m, s), loc in before.items()),
            )  # fmt: skip
            return done

    def _editor(self, uow: UnitOfWork) -> None:
        _partner(uow)
        if uow.user.role is not Role.ADMIN or not uow.user.entire_company:
            raise RuleRefusal(
                "Only an entire-company Referrals admin changes the routing rules; you can "
                "read them."
            )


# --- placing Microsoft's referrals (service/creation.py) ------------------------------------------


def route(
    session: Session, rules: RuleBook, org_id: int, market: str, solutions: tuple[str, ...]
) -> tuple[Location | None, RoutingDecision]:
    """The location of `org_id` that receives Microsoft's referral to a customer in `market`
    naming `solutions`, by the organisation's routing rules (D18), and the decision in words.
    None when no rule matches (the caller then places it as before any rule existed)."""
    from cosell_tui.rules.routing import no_rule_reason

    rows = session.execute(
        select(RoutingRuleRow.market, RoutingRuleRow.solution, Location)
        .join(Location, Location.id == RoutingRuleRow.location_id)
        .where(RoutingRuleRow.org_id == org_id)
        .limit(MAX_ROUTING_RULES)
    ).all()
    if not rows:
        return None, RoutingDecision(None, no_rule_reason(market))
    places = {location.partner_id: location for _, _, location in rows}
    table = tuple(RoutingRule(m, s, location.partner_id) for m, s, location in rows)
    decision = rules.route(table, market, solutions)
    return (places[decision.rule.location] if decision.rule else None), decision


# --- helpers ------------------------------------------------------------------------------------


def _partner(uow: UnitOfWork) -> None:
    uow.require_partner_user("Routing Microsoft's referrals to locations")


def _entries(org_id: int) -> Any:
    return (
        select(
            RoutingRuleRow.market,
            RoutingRuleRow.solution,
            Solution.name,
            Location.partner_id,
            Location.name,
        )
        .join(Location, Location.id == RoutingRuleRow.location_id)
        .outerjoin(Solution, Solution.id == RoutingRuleRow.solution)
        .where(RoutingRuleRow.org_id == org_id)
        .order_by(_RANK, RoutingRuleRow.market, RoutingRuleRow.solution)
    )


def _entry(
    market: str, solution: str, solution_name: str | None, partner_id: str, name: str
) -> RoutingEntry:
    return RoutingEntry(market, solution, solution_name or "", partner_id, name)


def _count(session: Session, org_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(RoutingRuleRow).where(RoutingRuleRow.org_id == org_id)
        )
        or 0
    )


def _row(session: Session, org_id: int, market: str, solution: str) -> RoutingRuleRow | None:
    """The rule for (market, solution), locked until the change commits: another admin's change
    of it waits, then reads what this one wrote (PostgreSQL; SQLite's writers queue anyway),
    so a change always names the location it really replaced, and none is lost."""
    return session.scalar(
        select(RoutingRuleRow)
        .where(
            RoutingRuleRow.org_id == org_id,
            RoutingRuleRow.market == market,
            RoutingRuleRow.solution == solution,
        )
        .with_for_update()
    )


def _solution_name(session: Session, solution: str, problems: dict[str, str]) -> str:
    if solution == ALL:
        return ""
    name = session.scalar(select(Solution.name).where(Solution.id == solution))
    if name is None:
        problems["solution"] = f"No solution '{solution}' in the catalog."
        return ""
    return name


def _location(uow: UnitOfWork, partner_id: str, problems: dict[str, str]) -> Location | None:
    location = uow.session.scalar(
        select(Location).where(
            Location.partner_id == partner_id.strip(), Location.org_id == uow.user.org_id
        )
    )
    if location is None:
        problems["location"] = f"No location with PartnerID {partner_id} in {uow.user.org_name}."
    return location


def _flush(session: Session) -> None:
    """Write now; another admin's rule for the same pair, saved meanwhile, is a conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "Someone else changed the routing rules meanwhile; nothing was changed. List them "
            "again and retry."
        ) from exc


def _as_values(rule: RoutingRule) -> dict[str, str]:
    return {"market": rule.market, "solution": rule.solution, "location": rule.location}


def _subject(rule: RoutingRule) -> str:
    return f"{rule.market},{rule.solution}"


__all__ = ["Routing", "RoutingEntry", "RoutingImport", "route"]
