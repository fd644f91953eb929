"""The message log keeps every toast, whole and newest first; a bug in a worker is a sentence,
never an exit or a traceback on the screen."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from cosell_tui.screens.messages import MessageLogScreen
from cosell_tui.widgets.background import BUG, background, describe
from tests.screens.conftest import settle

SIZE = (80, 24)


async def test_every_message_is_kept_whole_newest_first_and_problems_filter(make_app) -> None:
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        long = "41 deals were refused: " + "; ".join(f"deal {n} is closed" for n in range(41))
        app.notify("Accepted deal 7 [Contoso] 'Pilot'.")
        app.notify(long, title="Not done", severity="error")
        app.notify("Conflict on deal 9", title="Conflict", severity="warning")
        await pilot.press("L")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MessageLogScreen)
        texts = [str(option.prompt) for option in screen.query_one(OptionList).options]
        assert "Conflict on deal 9" in texts[0] and long in texts[1]
        assert "Accepted deal 7 [Contoso] 'Pilot'." in texts[2]  # brackets are text, not markup
        await pilot.press("e")
        texts = [str(option.prompt) for option in screen.query_one(OptionList).options]
        assert len(texts) == 2 and all("Accepted" not in text for text in texts)
        await pilot.press("q")
        assert not isinstance(app.screen, MessageLogScreen)


def test_a_bug_is_one_plain_sentence_and_a_refusal_its_own_words() -> None:
    from cosell_tui.service.errors import ConflictError, RuleRefusal

    assert describe(RuleRefusal("The deal is closed.")) == ("The deal is closed.", "Not done")
    assert describe(ConflictError("Changed by Ben."))[1] == "Conflict"
    message, _title = describe(KeyError("referral.stage_pct"))
    assert message == BUG.format(kind="KeyError") and "stage_pct" not in message


async def test_a_failing_worker_tells_the_user_and_the_app_goes_on(make_app) -> None:
    app = make_app(size=SIZE)

    class Boom(Static):
        @background(group="test-boom")
        def run(self) -> None:
            raise RuntimeError("SELECT * FROM referral WHERE id = ?")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        boom = Boom()
        await app.screen.mount(boom)
        worker = boom.run()
        await worker.wait()
        await settle(pilot)
        assert app.is_running
        last = app.messages[-1]
        assert last.severity == "error" and "SELECT" not in last.text
        assert last.text == BUG.format(kind="RuntimeError")
