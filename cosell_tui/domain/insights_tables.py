"""The insights figures as plain tables of text: what `cosell insights` prints and what the
Insights screen shows behind every chart (`t`), so both say the same thing in the same words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cosell_tui.domain import format as fmt
from cosell_tui.domain.insights import Amount, BreakdownRow, Change, Dashboard, MonthRow, Stage

#: The summary's figures, by JSON name, with their labels.
SUMMARY_LABELS: dict[str, str] = {
    "total": "Deals",
    "accepted": "Accepted",
    "won": "Won",
    "lost": "Lost",
    "wonValueUsd": "Value won",
}


@dataclass(frozen=True, slots=True)
class TextTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Columns aligned right (numbers).
    right: tuple[int, ...] = ()


def usd(value: Decimal) -> str:
    return fmt.money(value, "USD", whole=True)


def usd_amount(value: Amount) -> str:
    """`12,000 USD`, with `+ 3 without a rate` when some deals could not be converted."""
    text = usd(value.usd)
    if value.without_rate:
        text += f" (+{value.without_rate} without a rate)"
    return text


def change_text(change: Change | None, money: bool = False) -> str:
    """`▲ +3 (+12.5 %)` / `▼ -2` / `= 0`; empty when the range has no two full months."""
    if change is None:
        return ""
    delta = change.delta
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
    number = usd(delta) if money else f"{int(delta):+,d}" if delta else "0"
    if money and delta > 0:
        number = "+" + number
    if not delta:
        return f"{arrow} {number}"
    pct = change.percent
    return f"{arrow} {number}" + (f" ({pct:+} %)" if pct is not None else "")


def without_rate_note(n: int) -> str:
    if not n:
        return ""
    return f"{n:,} deal{'s' if n != 1 else ''} without a rate (value not in USD totals)"


def summary_table(d: Dashboard) -> TextTable:
    s = d.summary
    values = {
        "total": f"{s.total:,}",
        "accepted": f"{s.accepted:,}",
        "won": f"{s.won:,}",
        "lost": f"{s.lost:,}",
        "wonValueUsd": usd_amount(s.won_value),
    }
    rows = [
        (label, values[name], change_text(s.changes.get(name), money=name == "wonValueUsd"))
        for name, label in SUMMARY_LABELS.items()
    ]
    if s.registered:
        counting = "registrations" in d.pending
        # registered comes with the first figures; approved and rejected by each
        # registration's outcome, with the registration query
        rows += [
            (
                label,
                "Counting…" if counting and name != "registered" else f"{count:,}",
                "" if counting and name != "registered" else change_text(s.changes.get(name)),
            )
            for name, label, count in (
                ("registered", "Registered", s.registered),
                ("approved", "Approved", s.approved),
                ("rejected", "Rejected", s.rejected),
            )
        ]
        rows += [
            *(
                (
                    label,
                    "Counting…" if counting else usd_amount(value),
                    "" if counting else change_text(s.changes.get(name), money=True),
                )
                for name, label, value in (
                    ("annualValueUsd", "Annual contract value", s.annual_value),
                    ("approvedValueUsd", "Approved value", s.approved_value),
                )
            ),
        ]
    first_last = next(iter(s.changes.values()), None)
    change_head = (
        f"Change {first_last.first_month:%b}→{first_last.last_month:%b}" if first_last else "Change"
    )
    return TextTable("Summary", ("Figure", "Value", change_head), tuple(rows), right=(1,))


def _stage_rows(stages: Sequence[Stage]) -> tuple[tuple[str, ...], ...]:
    return tuple((st.name, f"{st.count:,}", usd_amount(st.value)) for st in stages)


def funnel_tables(d: Dashboard) -> list[TextTable]:
    f = d.funnel
    rows = list(_stage_rows(f.stages))
    if f.avg_seconds_to_accept is not None:
        rows.append(("Average time to accept", fmt.duration(f.avg_seconds_to_accept), ""))
    if f.avg_seconds_to_win is not None:
        rows.append(("Average time to win", fmt.duration(f.avg_seconds_to_win), ""))
    return [
        TextTable("Conversion funnel", ("Stage", "Deals", "Value"), tuple(rows), right=(1, 2)),
        TextTable(
            "Deals from before the range, acted on inside it",
            ("Stage", "Deals", "Value"),
            _stage_rows(f.past),
            right=(1, 2),
        ),
    ]


def registration_funnel_table(d: Dashboard) -> TextTable:
    return TextTable(
        "Registration funnel (contract value)",
        ("Stage", "Registrations", "Value"),
        _stage_rows(d.registration_funnel),
        right=(1, 2),
    )


def reasons_table(d: Dashboard) -> TextTable:
    return TextTable(
        "Declined and lost reasons",
        ("Outcome", "Reason", "Deals"),
        tuple((r.outcome, r.label, f"{r.count:,}") for r in d.reasons),
        right=(2,),
    )


def breakdown_table(title: str, head: str, rows: Sequence[BreakdownRow]) -> TextTable:
    return TextTable(
        title,
        (head, "Deals", "Won", "Lost", "Expired", "Value won", "Value lost"),
        tuple(
            (
                r.label,
                f"{r.deals:,}",
                f"{r.won:,}",
                f"{r.lost:,}",
                f"{r.expired:,}",
                usd_amount(r.won_value),
                usd_amount(r.lost_value),
            )
            for r in rows
        ),
        right=(1, 2, 3, 4, 5, 6),
    )


def month_parts(months: Sequence[MonthRow], value: str = "") -> list[str]:
    """The parts of a comparison (its deals', or `value` "won" / "approved": its value won's /
    approved value's), first seen first."""
    parts: list[str] = []
    for m in months:
        split = {"won": m.won_value_parts, "approved": m.approved_value_parts}.get(value, m.parts)
        for p in split:
            if p not in parts:
                parts.append(p)
    return parts


def months_table(title: str, months: Sequence[MonthRow]) -> TextTable:
    parts = month_parts(months)
    rows = []
    total = sum(m.deals for m in months) or 1
    for m in months:
        rows.append(
            (
                f"{m.month:%Y-%m}",
                f"{m.deals:,}",
                *(f"{m.parts.get(p, 0):,}" for p in parts),
                f"{m.won:,}",
                usd_amount(m.won_value),
            )
        )
    shares = tuple(f"{100 * sum(m.parts.get(p, 0) for m in months) / total:.0f} %" for p in parts)
    rows.append(("Share", "", *shares, "", ""))
    width = 2 + len(parts) + 2
    return TextTable(
        title,
        ("Month", "Deals", *parts, "Won", "Value won"),
        tuple(rows),
        right=tuple(range(1, width)),
    )


def shares(values: Sequence[Sequence[Decimal | int]]) -> tuple[str, ...]:
    """Each column's share of the sum of every column (`12 %`), for a comparison's last row."""
    total = sum(sum(row) for row in values) or 1
    return tuple(f"{100 * sum(col) / total:.0f} %" for col in zip(*values, strict=True))


def months_value_table(title: str, months: Sequence[MonthRow], approved: bool = False) -> TextTable:
    """The value comparison (`v` on the screen): value won (or, `approved`, the approved
    registrations' contract value) per month and part, in USD, and each part's share."""
    parts = month_parts(months, value="approved" if approved else "won")
    zero = Decimal(0)
    split = [
        [(m.approved_value_parts if approved else m.won_value_parts).get(p, zero) for p in parts]
        for m in months
    ]
    rows = [
        (
            f"{m.month:%Y-%m}",
            *(usd(v) for v in values),
            usd_amount(m.approved_value if approved else m.won_value),
        )
        for m, values in zip(months, split, strict=True)
    ]
    rows.append(("Share", *(shares(split) if parts else ()), ""))
    return TextTable(
        title,
        ("Month", *parts, "Approved value" if approved else "Value won"),
        tuple(rows),
        right=tuple(range(1, len(parts) + 2)),
    )


def has_approved_value(months: Sequence[MonthRow]) -> bool:
    return any(m.approved_value.usd or m.approved_value.without_rate for m in months)


def all_tables(d: Dashboard) -> list[TextTable]:
    """Every widget's table, in the screen's order."""
    return [
        summary_table(d),
        *funnel_tables(d),
        registration_funnel_table(d),
        reasons_table(d),
        breakdown_table("Geography", "Country", d.geography),
        breakdown_table("Solutions", "Solution", d.solutions),
        breakdown_table("Partner programs", "Program", d.programs),
        breakdown_table("Partner roles", "Role", d.roles),
        months_table("Comparison by deal type", d.months),
        months_table("Comparison by market", d.months_by_market),
        months_table("Comparison by solution", d.months_by_solution),
        months_value_table("Value won by deal type", d.months),
        months_value_table("Value won by market", d.months_by_market),
        months_value_table("Value won by solution", d.months_by_solution),
        *(
            months_value_table(f"Approved value by {split}", months, approved=True)
            for split, months in (
                ("deal type", d.months),
                ("market", d.months_by_market),
                ("solution", d.months_by_solution),
            )
            if has_approved_value(months)
        ),
    ]
