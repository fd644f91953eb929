"""The service layer: the one way in for every read and change (README, "How it is built").

`open_service()` gives a `Service`; input forms are in `forms`, read models in `views`,
refusals in `errors`.
"""

from cosell_tui.service.core import Service, open_service

__all__ = ["Service", "open_service"]
