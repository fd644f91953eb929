"""A place for the service in a screen or widget that is drawn before the database is open.

The app paints its first frame before it opens the service (see CosellApp), so the main screen
and its grids and filter line start without one; `service_opened` hands it over later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cosell_tui.service import Service


class ServiceSlot:
    """`service` once opened (RuntimeError before: no action runs then), `has_service`."""

    _service: Service | None = None

    @property
    def service(self) -> Service:
        if self._service is None:
            raise RuntimeError("the service is not open yet")
        return self._service

    @service.setter
    def service(self, service: Service) -> None:
        self._service = service
        self.service_opened()

    @property
    def has_service(self) -> bool:
        return self._service is not None

    def service_opened(self) -> None:
        """Called when the service arrives; widgets start what needed it."""
