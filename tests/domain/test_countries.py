"""The country list: ISO 3166 alpha-2 countries, without CLDR's non-country codes."""

from cosell_tui.domain.countries import NOT_COUNTRIES, country_codes
from cosell_tui.service.inputs import territories


def test_countries_are_iso_codes_without_the_regions_that_are_not_countries() -> None:
    codes = country_codes()
    assert {"GB", "US", "DE", "IE", "JP", "XK"} <= codes
    assert not codes & NOT_COUNTRIES
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in codes)
    assert territories() == codes  # the service's inputs check the same list
