"""The one validation boundary refuses text that would read as other text (hypothesis, no
database): a control character, a bidi control or mark, an invisible character, a lone
surrogate, anywhere in any free-text field of the use cases' inputs, and a tab or line break in
a field of one line; the sentence names the field by its label and says where the character
is. Text without them is taken as typed (trimmed), the zero-width joiners that Persian, the
Indic scripts and emoji need included."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cosell_tui.domain.format import INVISIBLE_CHARACTERS, UNSAFE_CHARACTERS
from cosell_tui.service import inputs
from cosell_tui.service.forms import PersonInput
from cosell_tui.service.parse import check

#: (model, valid values, field, its label, whether it may hold several lines).
FIELDS: list[tuple[type[inputs.Input], dict[str, Any], str, str, bool]] = [
    (inputs.LocationIn, {"name": "Oslo", "partner_id": "4812399", "country": "NO"}, "name",
     "Location name", False),
    (inputs.SolutionIn, {"id": "SOL-9-XYZ", "name": "Insight Hub"}, "name", "Name", False),
    (inputs.SolutionIn, {"id": "SOL-9-XYZ", "name": "Hub", "publisher": "Adatum"}, "publisher",
     "Publisher", False),
    (inputs.AccountIn, {"kind": "Managed", "name": "Contoso", "microsoft_account_id": "6-C1",
                        "country": "US", "city": "Redmond"}, "city", "City", False),
    (inputs.AccountIn, {"kind": "Managed", "name": "Contoso", "microsoft_account_id": "6-C1",
                        "country": "US"}, "name", "Name", False),
    (inputs.PartnerIn, {"name": "Adatum", "partner_ids": "4200001:CA"}, "name", "Name", False),
    (inputs.UserChange, {"name": "Ben Okafor"}, "name", "Name", False),
    (inputs.ExceptionRequest, {"message": "Signed late: see the PO."}, "message", "Message",
     True),
    (inputs.Contact, {"first_name": "Ravi", "last_name": "Kumar", "phone": None,
                      "email": "ravi@contoso.example"}, "last_name", "Last name", False),
]  # fmt: skip

REFUSED = [*sorted(UNSAFE_CHARACTERS | INVISIBLE_CHARACTERS), "\ud800", "\udfff"]
#: What a field of one line refuses besides.
ONE_LINE = ["\t", "\n"]


def _check(case: int, text: str) -> dict[str, str]:
    model, values, field, _label, _lines = FIELDS[case]
    given = {**values, field: text}
    form: Any = PersonInput(**given) if model is inputs.Contact else given
    return check(model, form, region="US")[1]


cases = st.integers(min_value=0, max_value=len(FIELDS) - 1)
words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(case=cases, before=words, after=words, char=st.sampled_from(REFUSED + ONE_LINE))
def test_a_hidden_character_anywhere_is_refused_with_the_fields_label(
    case: int, before: str, after: str, char: str
) -> None:
    _model, _values, field, label, lines = FIELDS[case]
    problems = _check(case, before + char + after)
    if lines and char in ONE_LINE:
        assert field not in problems, problems  # notes and messages hold tabs and lines
        return
    assert field in problems, (char, problems)
    said = problems[field]
    assert said.startswith(label + " must")
    assert f"at character {len(before) + 1}" in said
    if char not in [*ONE_LINE, "\r", "\x00", "\ud800", "\udfff"]:
        assert f"U+{ord(char):04X}" in said


allowed = st.text(
    st.characters(
        exclude_categories=["Cs", "Zl", "Zp"],
        exclude_characters="".join(UNSAFE_CHARACTERS | INVISIBLE_CHARACTERS) + "\t\n\r",
    ),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, deadline=None)
@given(case=cases, text=allowed)
def test_any_other_text_is_taken(case: int, text: str) -> None:
    _model, _values, field, _label, _lines = FIELDS[case]
    assert field not in _check(case, text)


def test_joiners_and_windows_line_ends_are_kept() -> None:
    assert inputs.trimmed("می\u200cخواهم", "Name") == "می\u200cخواهم"  # Persian ZWNJ
    assert inputs.trimmed("👩\u200d💻 team", "Name") == "👩\u200d💻 team"  # emoji ZWJ
    assert inputs.trimmed(" Line one\r\nline two\n", "Notes", 100, lines=True) == (
        "Line one\nline two"
    )
    assert inputs.refused_character("a\rb", "Notes", lines=True) == (
        "Notes must not contain invisible or control characters: U+000D at character 2."
    )
    assert inputs.refused_character("a\nb", "Deal name") == (
        "Deal name must be one line (a line break at character 2)."
    )
