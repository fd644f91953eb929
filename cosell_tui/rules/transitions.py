"""The transitions rule set (policy *collect*): which actions a deal allows now, and why not.

The file reads one block per action. Each action is decided on its own:

1. ``gates:`` (at the top, for every action), in order: the first gate that holds refuses the
   action with its words, unless the gate lists the action under ``except:``;
2. the action's ``unless:`` refusals, in order: the first that holds gives the reason;
3. otherwise the action is allowed when any of its ``allowed when:`` condition sets holds
   (``mark_stage``: when any of its ``stages:`` is offered, and those stages are the ones
   that may be marked);
4. else it is refused with its ``otherwise say:`` words.

An allowed action carries the words of its first ``warn:`` that holds. Every condition is one
engine rule; the engine reports which ones hold (a *collect* of all matches) and
:meth:`TransitionRules.decide` applies the order above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr

from cosell_tui.domain import (
    ASSESSMENT_STAGES,
    NORMAL_STAGES,
    REGISTRATION_FIELDS,
    VALID_STATUS_PAIRS,
    Action,
    CloseReason,
    ErrorReason,
)
from cosell_tui.domain.facts import (
    DateWindows,
    KeptAnswers,
    TransitionDecision,
    TransitionFacts,
)
from cosell_tui.rules.models import Alternatives, Header, Rule, Strict, Words
from cosell_tui.rules.rulefile import MAX_RULES, Fail, RuleFile
from cosell_tui.rules.schema import FactSchema
from cosell_tui.rules.vocabulary import Text

STAGE_PCTS = frozenset(pct for pct, _ in (*NORMAL_STAGES, *ASSESSMENT_STAGES))
#: The actions that take a coded reason, and the codes they take (domain.md §1.5.6).
REASONS: dict[Action, type[CloseReason] | type[ErrorReason]] = {
    Action.DECLINE: CloseReason,
    Action.LOST: CloseReason,
    Action.CLOSE_AS_ERROR: ErrorReason,
}
ACTIONS = ", ".join(a.value for a in Action)


def _valid_state(values: Mapping[str, Any]) -> str | None:
    pair = (values["status"], values["substatus"])
    if pair not in VALID_STATUS_PAIRS:
        return f"status {pair[0]} with substatus {pair[1]} is not a valid state"
    return None


# --- the file's shape ---------------------------------------------------------------------------


class Refusal(Rule):
    """A refusal (``unless:``) or a warning (``warn:``): when it holds, ``say`` these words."""

    say: Words


class Gate(Refusal):
    """A refusal of every action (but those under ``except:``), checked before any action's."""

    exempt: list[Any] = Field(default_factory=list, alias="except")


class StageOffer(Strict):
    stage: StrictInt
    offered_when: Alternatives = Field(alias="offered when")


#: A relaxed window: a number of days, or no limit at all.
NO_LIMIT = "no limit"


class Relaxed(Strict):
    """The windows after an approved exception: a number of days, or "no limit"."""

    sign_days: StrictInt | Literal["no limit"] = Field(alias="sign within days")
    start_days: StrictInt | Literal["no limit"] = Field(alias="start within days")

    def as_days(self) -> tuple[int | None, int | None]:
        """(sign, start) windows in days, None for no limit."""
        return _days(self.sign_days), _days(self.start_days)


def _days(window: int | Literal["no limit"]) -> int | None:
    return None if window == NO_LIMIT else int(window)


class Windows(Strict):
    """``date windows:`` of ``register``: how far back the form's contract dates may lie."""

    source: Annotated[StrictStr, Field(pattern=r"\S")]
    sign_days: StrictInt = Field(alias="sign within days")
    start_days: StrictInt = Field(alias="start within days")
    relaxed: Relaxed = Field(alias="after an approved exception")


class Kept(Strict):
    """``kept after an approved exception:`` of ``register``: the form's answers a registration
    filed again after an approved exception keeps as Microsoft rejected them, and why."""

    source: Annotated[StrictStr, Field(pattern=r"\S")]
    fields: Annotated[list[Any], Field(min_length=1)]
    say: Words


class ActionBlock(Strict):
    source: Annotated[StrictStr, Field(pattern=r"\S")]
    allowed_when: Alternatives | None = Field(default=None, alias="allowed when")
    stages: Annotated[list[StageOffer], Field(min_length=1)] | None = None
    unless: list[Refusal] = Field(default_factory=list)
    warn: list[Refusal] = Field(default_factory=list)
    notes_needed: Annotated[list[Any], Field(min_length=1)] | None = Field(
        default=None, alias="notes needed for reasons"
    )
    date_windows: Windows | None = Field(default=None, alias="date windows")
    kept: Kept | None = Field(default=None, alias="kept after an approved exception")
    otherwise_say: Words = Field(alias="otherwise say")


class TransitionsFile(Header):
    gates: list[Gate]
    actions: dict[Any, ActionBlock]


# --- compiled -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Said:
    """A refusal or warning: the engine rule that must hold, and its words."""

    id: str
    text: Text
    exempt: frozenset[Action] = frozenset()


@dataclass(frozen=True, slots=True)
class _Block:
    action: Action
    allowed: tuple[str, ...]  # engine rules, any of which allows the action
    stages: tuple[tuple[int, tuple[str, ...]], ...]  # mark_stage: each stage, its engine rules
    unless: tuple[_Said, ...]
    warn: tuple[_Said, ...]
    otherwise: Text


class TransitionRules(RuleFile):
    name = "transitions"
    policy = "collect"
    schema = FactSchema(TransitionFacts, check=_valid_state)
    model = TransitionsFile

    def read(self, parsed: Header) -> None:
        assert isinstance(parsed, TransitionsFile)
        self._shared: dict[str, tuple[Refusal, _Said]] = {}  # id -> (as written, compiled)
        self.gates = tuple(
            self._gate(gate, f"gates → item {i + 1}") for i, gate in enumerate(parsed.gates)
        )
        unknown = [name for name in parsed.actions if name not in {a.value for a in Action}]
        if unknown:
            raise self.failer(None)(f"actions: {unknown[0]!r} is not an action ({ACTIONS})")
        missing = [a.value for a in Action if a.value not in parsed.actions]
        if missing:
            raise self.failer(None)(
                f"actions: no block for {', '.join(missing)}; every action says when it is "
                "allowed or, at least, why not (otherwise say:)"
            )
        self.notes_needed: dict[Action, frozenset[str]] = {}
        self.kept = KeptAnswers()
        self.blocks = tuple(self._block(a, parsed.actions[a.value]) for a in Action)
        if len(self.engine_rules) > MAX_RULES:
            raise self.failer(None)(
                f"{len(self.engine_rules)} conditions, at most {MAX_RULES} per file"
            )

    def _gate(self, gate: Gate, where: str) -> _Said:
        fail = self.new_id(gate.id, where)
        self.condition(gate.id, gate.when, fail)
        exempt = frozenset(self._action(item, "except", fail) for item in gate.exempt)
        return _Said(gate.id, self.text(gate.say, fail), exempt)

    def _action(self, raw: Any, key: str, fail: Fail) -> Action:
        if not isinstance(raw, str) or raw not in {a.value for a in Action}:
            raise fail(f"{key}: {raw!r} is not an action ({ACTIONS})")
        return Action(raw)

    def _said(self, item: Refusal, where: str) -> _Said:
        """A refusal or warning; one that two actions share is written the same way twice."""
        if item.id in self._shared:
            known, said = self._shared[item.id]
            if (known.when, known.say) != (item.when, item.say):
                raise self.failer(item.id)(
                    "the same id is used twice (a refusal two actions share has the same when: "
                    "and say: in both)"
                )
            return said
        fail = self.new_id(item.id, where)
        self.condition(item.id, item.when, fail)
        said = _Said(item.id, self.text(item.say, fail))
        self._shared[item.id] = (item, said)
        return said

    def _block(self, action: Action, block: ActionBlock) -> _Block:
        fail = self.failer(action.value)
        allowed: list[str] = []
        stages: list[tuple[int, tuple[str, ...]]] = []
        if action is Action.MARK_STAGE:
            if block.stages is None or block.allowed_when is not None:
                raise fail("stages: mark_stage lists its stages (and no allowed when:)")
            for index, offer in enumerate(block.stages):
                where = f"stages → item {index + 1}"
                if offer.stage not in STAGE_PCTS or offer.stage in dict(stages):
                    raise fail(
                        f"{where} → stage: {offer.stage!r} is not a stage, or is listed twice "
                        f"({', '.join(map(str, sorted(STAGE_PCTS)))})"
                    )
                names = []
                for n, when in enumerate(offer.offered_when, start=1):
                    names.append(f"{action.value}.{offer.stage}.{n}")
                    self.condition(names[-1], when, fail, f"{where} → offered when → item {n}")
                stages.append((offer.stage, tuple(names)))
        else:
            if block.stages is not None:
                raise fail("stages: only mark_stage lists stages")
            for n, when in enumerate(block.allowed_when or (), start=1):
                allowed.append(f"{action.value}.allowed.{n}")
                self.condition(allowed[-1], when, fail, f"allowed when → item {n}")
        if block.notes_needed is not None:
            self.notes_needed[action] = self._reasons(action, block.notes_needed, fail)
        if (block.date_windows is not None) != (action is Action.REGISTER):
            raise fail("date windows: register (and only register) says its date windows")
        if block.date_windows is not None:
            self._windows(block.date_windows, fail)
        if block.kept is not None:
            if action is not Action.REGISTER:
                raise fail("kept after an approved exception: only register keeps answers")
            self._kept(block.kept, fail)
        return _Block(
            action,
            tuple(allowed),
            tuple(stages),
            tuple(self._said(r, f"unless → item {i + 1}") for i, r in enumerate(block.unless)),
            tuple(self._said(w, f"warn → item {i + 1}") for i, w in enumerate(block.warn)),
            self.text(block.otherwise_say, fail),
        )

    def _windows(self, raw: Windows, fail: Fail) -> None:
        where = "date windows"
        normal = DateWindows(raw.sign_days, raw.start_days)
        relaxed = DateWindows(*raw.relaxed.as_days())
        for name, days, wider in (
            ("sign within days", raw.sign_days, relaxed.sign_days),
            ("start within days", raw.start_days, relaxed.start_days),
        ):
            if days < 1:
                raise fail(f"{where} → {name}: {days} is not a number of days (1 or more)")
            if wider is not None and wider < days:
                raise fail(
                    f"{where} → after an approved exception → {name}: {wider} is stricter "
                    f"than {days}; an approved exception relaxes the dates (or: {NO_LIMIT})"
                )
        self.windows = (normal, relaxed)

    def _kept(self, raw: Kept, fail: Fail) -> None:
        where = "kept after an approved exception → fields"
        known = ", ".join(REGISTRATION_FIELDS)
        names: list[str] = []
        for item in raw.fields:
            if not isinstance(item, str) or item not in REGISTRATION_FIELDS:
                raise fail(f"{where}: {item!r} is not an answer of the registration form ({known})")
            if item in names:
                raise fail(f"{where}: {item} is listed twice")
            names.append(item)
        why = self.text(raw.say, fail)
        if why.names:
            raise fail(f"{where[:-9]} → say: the words name no fact (they are shown with a form)")
        self.kept = KeptAnswers(tuple(names), why.render({}))

    def _reasons(self, action: Action, raw: list[Any], fail: Fail) -> frozenset[str]:
        where = "notes needed for reasons"
        codes = REASONS.get(action)
        if codes is None:
            takes = ", ".join(a.value for a in REASONS)
            raise fail(f"{where}: {action.value} takes no reason (only {takes} do)")
        known = ", ".join(f"{r.value} {r.label}" for r in codes)
        chosen: set[str] = set()
        for item in raw:
            code = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
            if not isinstance(code, str) or code not in {r.value for r in codes}:
                raise fail(f"{where}: {item!r} is not one of the {codes.__name__} codes ({known})")
            chosen.add(code)
        return frozenset(chosen)

    # --- questions that need no engine ------------------------------------------------------------

    def needs_notes(self, action: Action, reason: Enum | None) -> bool:
        """Whether closing with ``reason`` by ``action`` must be explained in the notes."""
        codes = REASONS.get(action)
        if reason is None or codes is None:
            return False
        if not isinstance(reason, codes):
            raise TypeError(f"{action.value} takes a {codes.__name__}, got {reason!r}")
        return reason.value in self.notes_needed.get(action, frozenset())

    def date_windows(self, exception_approved: bool) -> DateWindows:
        """The registration form's date windows; relaxed once Microsoft approved an exception
        request on the deal (domain.md D19)."""
        return self.windows[1 if exception_approved else 0]

    def kept_after_exception(self) -> KeptAnswers:
        """The answers a registration filed again after an approved exception keeps (D19);
        none when the file keeps none."""
        return self.kept

    # --- decisions --------------------------------------------------------------------------------

    def decide(self, values: Mapping[str, Any], fired: frozenset[str]) -> TransitionDecision:
        shown = self.shown(values)
        gates = [gate for gate in self.gates if gate.id in fired]
        allowed: set[Action] = set()
        stages: tuple[int, ...] = ()
        refusals: dict[Action, str] = {}
        warnings: dict[Action, str] = {}
        for block in self.blocks:
            action = block.action
            refusal = next((g for g in gates if action not in g.exempt), None) or next(
                (r for r in block.unless if r.id in fired), None
            )
            if refusal is not None:
                refusals[action] = refusal.text.render(shown)
                continue
            if block.stages:
                offered = tuple(
                    sorted(pct for pct, names in block.stages if not fired.isdisjoint(names))
                )
                ok = bool(offered)
                stages = offered
            else:
                ok = not fired.isdisjoint(block.allowed)
            if not ok:
                refusals[action] = block.otherwise.render(shown)
                continue
            allowed.add(action)
            warning = next((w for w in block.warn if w.id in fired), None)
            if warning is not None:
                warnings[action] = warning.text.render(shown)
        return TransitionDecision(
            allowed=frozenset(allowed),
            stages=stages,
            refusals=MappingProxyType(refusals),
            warnings=MappingProxyType(warnings),
        )


__all__ = ["REASONS", "TransitionRules"]
