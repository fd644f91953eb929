"""Company names as customer search compares them.

One normalisation for every place that stores or looks up a customer name (the wizard's search,
a manually entered customer, the demo data): the legal suffix is dropped (cleanco), punctuation
becomes space, and the result is lower case, so "Contoso Pvt. Ltd." and
"CONTOSO Private Limited" are both "contoso".
"""

from __future__ import annotations

import re

_PUNCT = re.compile(r"[^\w]+|_", re.UNICODE)


def company_key(name: str) -> str:
    """The account name as customer search compares it (stored in `account.search_name`)."""
    from cleanco import basename  # on first use: cleanco builds its suffix tables on import

    cleaned = basename(name) or name
    return " ".join(_PUNCT.sub(" ", cleaned).lower().split())
