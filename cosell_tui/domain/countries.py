"""The customer countries cosell accepts: ISO 3166-1 alpha-2 codes, from babel's CLDR data.

CLDR's territory list also holds two-letter codes that are not countries (ZZ "Unknown Region",
EU, EZ, UN, QO "Outlying Oceania", the pseudo-locales XA and XB); a deal's customer is in a
country, so these are refused. XK (Kosovo), user-assigned but used by Microsoft's own lists,
stays. Loaded on first use: reading babel's locale data costs tens of milliseconds, which the
TUI's first frame and short commands need not pay.
"""

from __future__ import annotations

from functools import lru_cache

#: Two-letter CLDR territory codes that are not countries.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    from babel import Locale

    codes = Locale("en").territories
    return frozenset(
        code
        for code in codes
        if isinstance(code, str) and len(code) == 2 and code not in NOT_COUNTRIES
    )
