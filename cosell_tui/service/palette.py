"""The command palette's look-up of deals (`Listing.find_deals`): by number, Referral ID prefix
or words, through the ORM (imported when the palette is first used, never for a grid page)."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, TextClause, or_, select, text

from cosell_tui.domain.views import DealRow
from cosell_tui.service.mapping import deal_row
from cosell_tui.service.scope import visible_clause
from cosell_tui.service.shared import MAX_ID
from cosell_tui.service.unit import UnitOfWork
from cosell_tui.store import search
from cosell_tui.store.models import Favorite, Referral

_GUID_PART = re.compile(r"^[0-9a-fA-F-]{6,36}$")


def find(uow: UnitOfWork, wanted: str, limit: int) -> tuple[DealRow, ...]:
    """The command palette's deals (Listing.find_deals): by number, Referral ID prefix or
    words (full-text index, never a table scan), newest first."""
    query = select(Referral).where(visible_clause(uow.user))
    number = wanted.removeprefix("#")
    digits = number.isascii() and number.isdigit()
    by_number_only = digits and wanted.startswith("#")
    found: list[ColumnElement[bool] | TextClause] = []
    if digits and len(number) <= 19 and 0 < int(number) <= MAX_ID:  # "498", "#498"
        found.append(Referral.id == int(number))
    if not by_number_only and _GUID_PART.match(wanted):
        # A Referral ID's first characters, which may be all digits ("12345678") or
        # all letters ("abcdef"): asked alongside the number and the words.
        found.append(Referral.referral_id.startswith(wanted.lower()))
    if not by_number_only and not wanted.isdigit():
        if uow.session.get_bind().dialect.name == "sqlite":
            match = search.sqlite_match([wanted])
            if match is not None:
                ids = text("SELECT rowid FROM referral_fts WHERE referral_fts MATCH :m").bindparams(
                    m=match
                )
                found.append(Referral.id.in_(ids))
        else:
            tsquery = search.pg_tsquery([wanted])
            if tsquery is not None:
                found.append(
                    text(f"{search.PG_QUERY_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(
                        q=tsquery
                    )
                )
    if not found:
        return ()
    query = query.where(or_(*found))
    refs = uow.session.scalars(
        query.order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
    ).all()
    favorites = set(
        uow.session.scalars(
            select(Favorite.referral_id).where(
                Favorite.user_id == uow.user.id,
                Favorite.referral_id.in_([r.id for r in refs]),
            )
        )
    )
    return tuple(deal_row(r, r.id in favorites).as_of(uow.now()) for r in refs)
