"""Render snapshot SVGs to PNG as the terminal drew them, to inspect a changed snapshot.

    pip install cairosvg                       # temporarily: not a dependency of cosell
    python scripts/snapshot_png.py tests/snapshots/__snapshots__/test_x/*.svg --out /tmp/png
    pip uninstall -y cairosvg

Why not `cairosvg.svg2png` on the file as it is: the SVG names the web font "Fira Code" and
fits each run of text to its cells with `textLength`. cairosvg ignores `textLength` and, with
Fira Code not installed, draws the text in a proportional font, so a run of the half blocks
Textual draws a thick border with (`▀`, `▄`) comes out about a quarter wider than its cells:
a dialog's top and bottom edges overshoot its right border and the frame looks broken at
160×48 although every character sits in its cell (the SVG's text is right; so is the app).
This script swaps in an installed monospace font and spaces its glyphs to the SVG's cell
width, so the PNG shows the frame the terminal shows.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

#: The monospace font to draw with (any installed one; DejaVu ships with most Linux systems)
#: and its advance in em (DejaVu Sans Mono: 1233/2048).
FONT = "DejaVu Sans Mono"
ADVANCE_EM = 1233 / 2048


def faithful(svg: str, font: str = FONT, advance_em: float = ADVANCE_EM) -> str:
    """The SVG with `font` for the terminal text, spaced to the cells `textLength` gives."""
    size = re.search(r"\.terminal-matrix\s*\{[^}]*font-size:\s*([\d.]+)px", svg)
    cell = re.search(r'textLength="([\d.]+)"[^>]*>([^<]+)</text>', svg)
    spacing = 0.0
    if size and cell and cell[2]:
        width = float(cell[1]) / len(_unescaped(cell[2]))
        spacing = width - float(size[1]) * advance_em
    svg = svg.replace('"Fira Code"', f'"{font}"').replace("Fira Code, monospace", f'"{font}"')
    return svg.replace(
        ".terminal-matrix {", f".terminal-matrix {{\n        letter-spacing: {spacing:.3f}px;", 1
    )


def _unescaped(text: str) -> str:
    for entity, char in (("&#160;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")):
        text = text.replace(entity, char)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("svgs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/cosell-snapshots"))
    args = parser.parse_args()
    import cairosvg  # type: ignore[import-not-found]  # installed only to look

    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.svgs:
        target = args.out / (re.sub(r"[^\w.-]+", "_", path.stem) + ".png")
        cairosvg.svg2png(
            bytestring=faithful(path.read_text("utf-8")).encode(), write_to=str(target)
        )
        print(target)


if __name__ == "__main__":
    main()
