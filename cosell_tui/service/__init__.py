"""The service layer: the one way in for every read and change (README, "How it is built").

`open_service()` gives a `Service` (core.py); input forms are in `forms`, refusals in `errors`,
read models in `cosell_tui.domain.views`.

Importing this package is free: `Service` and `open_service` load the service (SQLAlchemy, the
store) on first use, so a screen or a command that only needs `errors` or `forms` never pays
for it before it must (the TUI paints its first frame first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cosell_tui.service.core import Service, open_service

__all__ = ["Service", "open_service"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cosell_tui.service import core

        return getattr(core, name)
    raise AttributeError(f"module 'cosell_tui.service' has no attribute {name!r}")
