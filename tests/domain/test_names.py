"""Company-name keys and scores (domain/names.py): a typo one edit away, anywhere in the word,
shares a key with the stored word, so customer search finds it by an exact index look-up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosell_tui.domain.names import EXACT, name_keys, name_score, web_domain, word_probe

_LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12)


@st.composite
def _one_edit(draw: st.DrawFn) -> tuple[str, str]:
    word = draw(_LETTERS)
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    edit = draw(st.sampled_from(["replace", "delete", "insert", "swap"]))
    if edit == "replace":
        typed = word[:at] + letter + word[at + 1 :]
    elif edit == "delete":
        typed = word[:at] + word[at + 1 :]
    elif edit == "insert":
        typed = word[:at] + letter + word[at:]
    else:
        at = min(at, len(word) - 2)
        typed = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word, typed


@given(_one_edit())
def test_a_word_one_edit_away_shares_a_key(pair: tuple[str, str]) -> None:
    word, typed = pair
    if len(typed) >= 4:
        assert word_probe(typed) & name_keys(word)


@pytest.mark.parametrize("typed", ["cntoso", "cotnoso", "kontoso", "contosso", "contso"])
def test_the_first_letters_may_be_wrong(typed: str) -> None:
    assert word_probe(typed) & name_keys("contoso")
    assert 75 <= name_score(typed, "contoso") < EXACT


def test_a_name_typed_halfway_is_found_by_its_start() -> None:
    assert word_probe("conto") & name_keys("contoso ltd")
    assert not word_probe("zzz") & name_keys("contoso")


def test_scores_put_the_same_name_first() -> None:
    assert name_score("herman holdings federal", "herman holdings federal") == 100
    assert name_score("herman holdings federal", "holdings herman federal") >= EXACT
    assert name_score("north wind", "northwind") >= EXACT
    assert name_score("herman holdings federal", "adams holdings") < 60
    assert name_score("contoso", "contoso pune") < EXACT


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("contoso.com", "contoso.com"),
        ("https://www.Contoso.com/about?x=1", "contoso.com"),
        ("sales@CONTOSO.com", "contoso.com"),
        ("http://contoso.co.uk:8080", "contoso.co.uk"),
        ("", None),
        ("not a domain", None),
    ],
)
def test_web_domains_are_bare_hosts(text: str, host: str | None) -> None:
    assert web_domain(text) == host
