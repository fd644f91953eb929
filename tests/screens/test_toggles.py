"""Check boxes and radio buttons show their state in the glyph (NO_COLOR users see it too)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from cosell_tui.widgets.toggles import Choice, Tick


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("Consent", id="tick")
        with RadioSet():
            yield Choice("Yes", id="yes")
            yield Choice("No", id="no", value=True)


async def test_the_glyph_says_ticked_or_not() -> None:
    app = Toggles()
    async with app.run_test(size=(40, 8)) as pilot:
        tick = app.query_one("#tick", Tick)
        assert "▐ ▌" in tick.render().plain
        await pilot.click("#tick")
        await pilot.pause()
        assert tick.value and "▐X▌" in tick.render().plain
        yes, no = app.query_one("#yes", Choice), app.query_one("#no", Choice)
        assert "▐●▌" in no.render().plain and "▐ ▌" in yes.render().plain
        yes.value = True
        await pilot.pause()
        assert "▐●▌" in yes.render().plain and "▐ ▌" in no.render().plain
