"""Company names as customer search compares them: the store's cleaning (cleanco basename,
lower case, no punctuation), so names typed into the wizard and seeded names agree."""

from __future__ import annotations


def company_key(name: str) -> str:
    """'Contoso Pvt. Ltd.' and 'CONTOSO Private Limited' are both 'contoso'."""
    from cosell_tui.store.seed_reference import search_name

    return search_name(name)
