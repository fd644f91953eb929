"""The one way the TUI runs database work: a thread worker whose failures never end the app.

`@background(group=...)` is Textual's `@work(thread=True, exit_on_error=False)` with one error
policy. A refusal of the service (`CosellError`: invalid input, a rule, a conflict, a database
that cannot be used) is said in its own words; anything else is a bug in cosell, said as one
plain sentence and written to the log with its traceback. Either way the user can go on and
try again. A worker that has its own answer for a refusal (a dialog that shows the messages
beside its fields) catches it before it gets here; nothing else in the UI catches exceptions.

Every message the user is shown goes through `CosellApp.notify`, which also keeps it in the
message log (`L`), so nothing said in a toast is lost when the toast goes.
"""

from __future__ import annotations

import functools
import time
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual import work
from textual.worker import Worker, get_current_worker

P = ParamSpec("P")
N = TypeVar("N", bound="_Node")
T = TypeVar("T")

#: What a bug in cosell reads like (the details go to the log, not on the screen).
BUG = (
    "Something went wrong inside cosell ({kind}); nothing more was changed. Try again, and if "
    "it happens again, report it with the log (COSELL_DEBUG=1)."
)


class _Node(Protocol):
    @property
    def app(self) -> Any: ...


def describe(exc: BaseException) -> tuple[str, str]:
    """(message, title) for a failure: the service's own words for a refusal, one sentence for
    a bug (never SQL, a traceback or an internal name)."""
    from cosell_tui.service.errors import ConflictError, CosellError

    if isinstance(exc, ConflictError):
        return exc.message, "Conflict"
    if isinstance(exc, CosellError):
        return exc.message, "Not done"
    return BUG.format(kind=type(exc).__name__), "Something went wrong"


def report_failure(app: Any, exc: BaseException) -> None:
    """Tell the user about a failure (on the event loop) and log a bug's traceback."""
    message, title = describe(exc)
    from cosell_tui.service.errors import CosellError

    if not isinstance(exc, CosellError):
        app.log.error("".join(traceback.format_exception(exc)))
    severity = "warning" if title == "Conflict" else "error"
    app.notify(message, title=title, severity=severity, timeout=10)


def background(
    *, group: str, exclusive: bool = True
) -> Callable[[Callable[Concatenate[N, P], object]], Callable[Concatenate[N, P], Worker[Any]]]:
    """A thread worker for database work (see the module's docstring)."""

    def decorator(
        function: Callable[Concatenate[N, P], object],
    ) -> Callable[Concatenate[N, P], Worker[Any]]:
        @functools.wraps(function)
        def run(node: N, /, *args: P.args, **kwargs: P.kwargs) -> object:
            try:
                return function(node, *args, **kwargs)
            except Exception as exc:
                if not get_current_worker().is_cancelled:
                    node.app.call_from_thread(report_failure, node.app, exc)
                return None

        worker = work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)
        return cast(Callable[Concatenate[N, P], Worker[Any]], worker(run))

    return decorator


def run_flow(node: Any, flow: Coroutine[Any, Any, T]) -> Worker[T | None]:
    """Run a flow (screens/flows.py: dialogs awaited with `push_screen_wait`) as a worker with
    the same policy: a failure is told, never an exit. One flow at a time per screen."""

    async def guarded() -> T | None:
        try:
            return await flow
        except Exception as exc:
            report_failure(node.app, exc)
            return None

    worker: Worker[T | None] = node.run_worker(
        guarded(), group="flow", exclusive=True, exit_on_error=False
    )
    return worker


def throttled(node: Any, period: float, update: Callable[..., object]) -> Callable[..., None]:
    """A progress callback for a worker: `update(*args)` on the event loop, at most once per
    `period` seconds (a bar moves a few times a second, not once per row)."""
    last = time.monotonic()

    def tell(*args: Any) -> None:
        nonlocal last
        if time.monotonic() - last >= period:
            last = time.monotonic()
            node.app.call_from_thread(update, *args)

    return tell
