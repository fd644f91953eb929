"""Bar charts drawn with text: horizontal bars of block glyphs, and stacked bars whose parts
differ by glyph as well as by colour, so they read at 80×24 and under NO_COLOR alike.

Why not a plotting widget: textual-plotext 1.0.1 installs and draws under our Textual, but it
is unmaintained since 2024-11 and pins plotext < 6; its axis charts need ten or more rows each
to be legible and tell stacked series apart by colour only. textual-plot draws lines and
scatter plots (no bars) and brings numpy. See docs/insights.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from cosell_tui.domain.format import printable

#: Eighths of a cell, for bars that end between cells.
_EIGHTHS = " ▏▎▍▌▋▊▉"
#: One glyph and one colour per part of a stacked bar (the glyph alone tells them apart).
PART_STYLES: tuple[tuple[str, str], ...] = (
    ("█", "dodger_blue2"),
    ("▓", "dark_orange"),
    ("▒", "green4"),
    ("░", "magenta"),
    ("▚", "grey50"),
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    #: What is written after the bar (the number as the user reads it).
    text: str

    def __post_init__(self) -> None:
        # labels are solution, program and country names from the database
        object.__setattr__(self, "label", printable(self.label))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def bar_glyphs(value: float, top: float, width: int) -> str:
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = round(value / top * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bars(items: Sequence[Bar], width: int, style: str = "dodger_blue2") -> Text:
    """One line per item: label, bar scaled to the largest, the number."""
    out = Text()
    if not items:
        out.append("No deals.", style="italic")
        return out
    label_w = min(max(len(i.label) for i in items), max(width // 3, 8))
    text_w = max(len(i.text) for i in items)
    bar_w = max(width - label_w - text_w - 3, 4)
    top = max(i.value for i in items)
    for n, item in enumerate(items):
        if n:
            out.append("\n")
        out.append(_clip(item.label, label_w).ljust(label_w) + " ")
        glyphs = bar_glyphs(item.value, top, bar_w)
        out.append(glyphs, style=style)
        out.append(" " * (bar_w - len(glyphs) + 1))
        out.append(item.text.rjust(text_w))
    return out


def stacked(
    rows: Sequence[tuple[str, Sequence[float], str]],
    parts: Sequence[str],
    width: int,
) -> Text:
    """One line per row (a month): its parts side by side, each in its own glyph; a legend
    with each part's share of the whole range underneath."""
    out = Text()
    if not rows:
        out.append("No deals.", style="italic")
        return out
    label_w = max(len(r[0]) for r in rows)
    text_w = max(len(r[2]) for r in rows)
    bar_w = max(width - label_w - text_w - 3, 4)
    top = max(sum(r[1]) for r in rows) or 1
    for n, (label, values, text) in enumerate(rows):
        if n:
            out.append("\n")
        out.append(label.ljust(label_w) + " ")
        used = 0
        for i, value in enumerate(values):
            glyph, colour = PART_STYLES[i % len(PART_STYLES)]
            cells = round(value / top * bar_w)
            if value > 0 and cells == 0:
                cells = 1
            cells = min(cells, bar_w - used)
            out.append(glyph * cells, style=colour)
            used += cells
        out.append(" " * (bar_w - used + 1))
        out.append(text.rjust(text_w))
    total = sum(sum(r[1]) for r in rows) or 1
    out.append("\n")
    for i, part in enumerate(parts):
        glyph, colour = PART_STYLES[i % len(PART_STYLES)]
        share = 100 * sum(r[1][i] for r in rows if i < len(r[1])) / total
        out.append(glyph, style=colour)
        out.append(f" {printable(part)} {share:.0f} %  ")
    return out
