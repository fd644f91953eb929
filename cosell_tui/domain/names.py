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


# --- matching keys ------------------------------------------------------------------------------
#
# Customer search finds its candidates through a small key table (`account_key`), never by
# reading the account table: every word of an account's cleaned name is stored as itself
# (`=word`), as its first 3–6 letters (`>prefix`, for names typed halfway) and, from four letters
# on, as each of its one-letter deletions (`~variant`). Two words one edit apart (a letter wrong,
# missing, extra, or two letters swapped, the first ones included) share a deletion, so a typo
# is an exact index look-up ("cntoso" and "contoso" both give `~cntoso`...`~contoso`).

#: Words are keyed up to this many letters (longer ones by their start).
KEY_WORD_MAX = 40
PREFIX_MIN, PREFIX_MAX = 3, 6
#: Words shorter than this have no deletion keys (two-letter variants would match everything).
TYPO_MIN = 4


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def name_keys(search_name: str) -> set[str]:
    """The keys an account with this cleaned name is found by (stored in `account_key`)."""
    keys: set[str] = set()
    for word in search_name.split():
        word = word[:KEY_WORD_MAX]
        keys.add("=" + word)
        keys.update(">" + word[:n] for n in range(PREFIX_MIN, min(len(word) - 1, PREFIX_MAX) + 1))
        if len(word) >= TYPO_MIN:
            keys.update("~" + v for v in _deletions(word))
    return keys


def word_probe(word: str) -> set[str]:
    """The keys that find a stored word equal to `word`, starting with it, or one edit away."""
    word = word[:KEY_WORD_MAX]
    keys = {"=" + word, ">" + word[:PREFIX_MAX]}
    if len(word) >= PREFIX_MIN:
        keys.add("~" + word)  # a stored word with one letter more
    if len(word) >= TYPO_MIN:
        for variant in _deletions(word):
            keys.add("=" + variant)  # the query has one letter more
            keys.add("~" + variant)  # a letter wrong or two swapped
    return keys


# --- scoring ------------------------------------------------------------------------------------

#: A name at least this close has the same words (order, spacing aside): an "exact" name.
EXACT = 95


def _word_match(typed: str, stored: str) -> float:
    """How well one typed word matches one stored word (0..1)."""
    from rapidfuzz.distance import OSA

    if typed == stored:
        return 1.0
    if len(typed) >= PREFIX_MIN and stored.startswith(typed):
        return 0.9  # typed halfway
    if min(len(typed), len(stored)) >= TYPO_MIN:
        edits = OSA.distance(typed, stored, score_cutoff=2)
        if edits == 1:
            return 0.85
        if edits == 2 and min(len(typed), len(stored)) >= 7:
            return 0.7
    return 0.0


def name_score(typed: str, stored: str) -> int:
    """How well a cleaned stored name matches a cleaned typed one (0..100): 100 is the same
    name, 95–99 the same words in another order or spacing; below, by how much of the typed
    name is found (typos and halfway words count less) and, a little, how much of the stored
    name is left over."""
    if typed == stored:
        return 100
    if typed.replace(" ", "") == stored.replace(" ", ""):
        return 98
    want, have = typed.split(), stored.split()
    if not want or not have:
        return 0
    used: set[int] = set()
    found = 0.0
    for word in sorted(want, key=len, reverse=True):
        best, at = 0.0, -1
        for i, other in enumerate(have):
            if i not in used and (m := _word_match(word, other)) > best:
                best, at = m, i
        if at >= 0:
            used.add(at)
            found += best * len(word)
    covered = found / sum(len(w) for w in want)
    left = sum(len(have[i]) for i in used) / sum(len(w) for w in have)
    score = round(100 * (0.8 * covered + 0.2 * left))
    if score == 100:
        return 97 if sorted(want) == sorted(have) else 96  # the same words, another order
    return min(score, 94)


# --- DUNS and web domains -----------------------------------------------------------------------


def web_domain(text: str | None) -> str | None:
    """A website or e-mail as the bare host customer matching compares ("https://www.Contoso.com/x"
    and "sales@contoso.com" are both "contoso.com"); None when there is no host in it."""
    value = (text or "").strip().casefold()
    if not value:
        return None
    value = value.rsplit("@", 1)[-1]
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = re.split(r"[/?#:\s]", value, maxsplit=1)[0].strip(".")
    if value.startswith("www."):
        value = value[4:]
    return value if "." in value and len(value) <= 253 else None
