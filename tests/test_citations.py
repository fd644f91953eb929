"""Every citation of the domain reference resolves to something docs/domain.md defines.

The code, the rule files and the docs cite business facts and decisions as `domain.md §2.2
T15`, `§4.1 step 2`, `§4.2 (5)`, `D7`, `T3`, `D3–D9`, `T11-T13` and vendor source keys such as
`(PERM)`. This test reads the ids that docs/domain.md defines (section headings, the T rows of
§2.2, numbered items, the D headings, the keys of the Sources table) and fails, naming file,
line and citation, on any citation that names nothing there, or on a `*.md` file that is not in
the repository (such as the former `decisions.md`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "docs" / "domain.md"

#: Where citations live, as (folder, suffixes); this file is left out (it cites bad ids on purpose).
SCANNED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cosell_tui", (".py", ".yaml", ".tcss")),
    ("docs", (".md",)),
    ("tests", (".py", ".yaml")),
    ("benchmarks", (".py",)),
)
SKIPPED = {Path(__file__).resolve()}

#: Capitalised words that may stand in a rule's `source:` without being a source key.
PLAIN_WORDS = frozenset({"P2P", "USD", "ISO", "CSV", "API", "UI", "ACV", "TCV", "UTC"})


# --- what docs/domain.md defines ---------------------------------------------------------------


@dataclass
class Reference:
    """The ids docs/domain.md defines."""

    sections: set[str] = field(default_factory=set)  # "1", "2.2", "1.5.6"
    items: dict[str, set[int]] = field(default_factory=dict)  # numbered list items per section
    transitions: set[str] = field(default_factory=set)  # "T1" … (rows of §2.2)
    decisions: set[str] = field(default_factory=set)  # "D1" …
    sources: set[str] = field(default_factory=set)  # "MCO", "API-RES" … (rows of §0)
    duplicates: list[str] = field(default_factory=list)


SECTION_HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s")
DECISION_HEADING = re.compile(r"^#{2,4}\s+(D[1-9]\d*)\b")
NUMBERED_ITEM = re.compile(r"^(\d+)\.\s")
TABLE_KEY = re.compile(r"^\|\s*([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\s*\|")


def parse_reference(text: str) -> Reference:
    ref = Reference()
    section: str | None = None
    fenced = False

    def add(bucket: set[str], key: str) -> None:
        if key in bucket:
            ref.duplicates.append(key)
        bucket.add(key)

    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if m := SECTION_HEADING.match(line):
            section = m.group(1)
            add(ref.sections, section)
        elif m := DECISION_HEADING.match(line):
            section = None
            add(ref.decisions, m.group(1))
        elif line.startswith("#"):
            section = None
        elif section is not None and (m := NUMBERED_ITEM.match(line)):
            ref.items.setdefault(section, set()).add(int(m.group(1)))
        elif section in ("2.2", "0") and (m := TABLE_KEY.match(line)):
            key = m.group(1)
            if section == "2.2" and re.fullmatch(r"T[1-9]\d*", key):
                add(ref.transitions, key)
            elif section == "0":
                add(ref.sources, key)
    return ref


# --- citations in a line ------------------------------------------------------------------------

#: `§4.1`, optionally followed by `step 2` or `(5)` (a numbered item of that section).
SECTION_CITE = re.compile(r"§\s?(\d+(?:\.\d+)*)(?:\s+step\s+(\d+)|\s+\((\d+)\))?")
#: `D7`, `T15`, and ranges `D3–D9`, `T11-T13`; not inside a word, an id (`SOL-1-D365`), a
#: number (`3D11`), a time (`T12:00`) or a path.
ID_CITE = re.compile(r"(?<![\w.\-])([DT])([1-9]\d*)(?:\s?[-–]\s?\1([1-9]\d*))?(?![\w\-]|:\d)")
#: Source keys in parentheses right after a section: `§1.4 (PERM)`, `§3.2 (SA, IMG)`.
SOURCES_AFTER_SECTION = re.compile(
    r"§\s?\d+(?:\.\d+)*\s+\(([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:,\s?[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)*)\)"
)
CAPS_WORD = re.compile(r"(?<![\w\-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![\w\-])")
MD_FILE = re.compile(r"(?<![\w\-])([\w./\-]*?)([\w\-]+\.md)\b")
OTHER_DOC_BEFORE = re.compile(r"([\w\-]+)\.md\s$")


@dataclass(frozen=True)
class Problem:
    citation: str
    why: str


def md_files() -> frozenset[str]:
    return frozenset(p.name for p in ROOT.rglob("*.md") if ".venv" not in p.parts)


def line_problems(
    line: str,
    ref: Reference,
    *,
    rule_file: bool = False,
    known_md: frozenset[str] | None = None,
) -> list[Problem]:
    """Every citation in `line` that docs/domain.md does not define."""
    problems: list[Problem] = []
    for m in SECTION_CITE.finditer(line):
        if (before := OTHER_DOC_BEFORE.search(line[: m.start()])) and before.group(1) != "domain":
            continue  # a section of another document ("cli.md §3")
        sec, step, item = m.group(1), m.group(2), m.group(3)
        if sec not in ref.sections:
            problems.append(Problem(m.group(0), f"no section {sec} in docs/domain.md"))
            continue
        number = step or item
        if number is not None and int(number) not in ref.items.get(sec, set()):
            problems.append(Problem(m.group(0), f"§{sec} has no numbered item {number}"))
    for m in ID_CITE.finditer(line):
        letter, first, last = m.group(1), int(m.group(2)), m.group(3)
        bucket, what = (
            (ref.decisions, "decision") if letter == "D" else (ref.transitions, "transition")
        )
        span = range(first, int(last) + 1) if last else (first,)
        if last and int(last) < first:
            problems.append(Problem(m.group(0), "range runs backwards"))
            continue
        missing = [f"{letter}{n}" for n in span if f"{letter}{n}" not in bucket]
        if missing:
            problems.append(
                Problem(m.group(0), f"no {what} {', '.join(missing)} in docs/domain.md")
            )
    keys: list[str] = []
    for m in SOURCES_AFTER_SECTION.finditer(line):
        keys += re.split(r",\s?", m.group(1))
    if rule_file and (src := re.match(r"\s*(?:-\s+)?source:\s*(.*)", line)):
        keys += CAPS_WORD.findall(src.group(1))
    for key in dict.fromkeys(keys):
        if re.fullmatch(r"[DT]\d+", key):
            continue  # a decision or transition, checked above: "§2.5 (D8)"
        if key not in ref.sources and key not in PLAIN_WORDS:
            problems.append(Problem(key, "no such source key in docs/domain.md §0"))
    if known_md is not None:
        for m in MD_FILE.finditer(line):
            path, name = m.group(1), m.group(2)
            if "shared/" in path or name not in known_md:
                problems.append(Problem(path + name, "not a file in this repository"))
    return problems


# --- the scan -----------------------------------------------------------------------------------


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder, suffixes in SCANNED:
        files += sorted(
            p
            for p in (ROOT / folder).rglob("*")
            if p.suffix in suffixes and p.is_file() and "__pycache__" not in p.parts
        )
    return [p for p in files if p.resolve() not in SKIPPED]


@pytest.fixture(scope="module")
def reference() -> Reference:
    return parse_reference(DOMAIN.read_text(encoding="utf-8"))


def test_domain_md_defines_every_id_once(reference: Reference) -> None:
    assert not reference.duplicates, f"docs/domain.md defines these twice: {reference.duplicates}"
    assert reference.decisions == {f"D{n}" for n in range(1, 20)}
    assert reference.transitions == {f"T{n}" for n in range(1, 16)}
    assert {"2.2", "2.6", "4.1", "4.2", "4.4", "1.5.6"} <= reference.sections
    assert reference.items["4.1"] == {1, 2, 3, 4, 5}
    assert reference.items["4.2"] == {1, 2, 3, 4, 5, 6}
    assert {"MCO", "BULK", "RD", "PERM", "SA", "LA-SDK", "CHIP", "API-RES"} <= reference.sources


def test_every_citation_resolves(reference: Reference) -> None:
    known_md = md_files()
    found = 0
    problems: list[str] = []
    for path in scanned_files():
        rel = path.relative_to(ROOT)
        rule_file = path.suffix == ".yaml"
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += len(SECTION_CITE.findall(line)) + len(ID_CITE.findall(line))
            for p in line_problems(line, reference, rule_file=rule_file, known_md=known_md):
                problems.append(f"{rel}:{lineno}: {p.citation!r}: {p.why}")
    assert not problems, "unresolved citations:\n" + "\n".join(problems)
    assert found > 150, f"only {found} citations found: is the scan or a pattern broken?"


# --- the resolver itself -------------------------------------------------------------------------

SAMPLE = """\
## 0. Sources
| Key | Page |
|---|---|
| MCO | Manage co-sell opportunities |
| PERM | Permissions |
## 2. State machine
### 2.2 Transitions
| # | From |
|---|---|
| T1 | — |
| T2 | — |
| T3 | Received |
### 4.1 Deal type
1. first
2. second
```json
{"### 9.9 not a heading": "D99"}
```
## Decisions
### D1 — Tabs
### D2 — Who creates
### D3 — Who registers
"""


@pytest.fixture
def sample() -> Reference:
    return parse_reference(SAMPLE)


def cites(
    line: str, ref: Reference, *, rule_file: bool = False, known_md: frozenset[str] | None = None
) -> list[str]:
    return [p.citation for p in line_problems(line, ref, rule_file=rule_file, known_md=known_md)]


def test_parse_sample(sample: Reference) -> None:
    assert sample.sections == {"0", "2", "2.2", "4.1"}
    assert sample.transitions == {"T1", "T2", "T3"}
    assert sample.decisions == {"D1", "D2", "D3"}
    assert sample.sources == {"MCO", "PERM"}  # the header row "Key" is not a key
    assert sample.items == {"4.1": {1, 2}}
    assert not sample.duplicates


@pytest.mark.parametrize(
    "line",
    [
        "# domain.md §2.2 T3; D2",
        "source: domain.md §4.1 step 2; D1",
        "decided by D1–D3 and T1-T3 (§2.2)",
        "visibility (D1/D2/D3)",
        "source: domain.md D3, D1; §2.2 (PERM)",
        "whose grid (D2/D3)",
        '"""T2: a referral is sent."""',
    ],
)
def test_good_citations_resolve(sample: Reference, line: str) -> None:
    assert cites(line, sample, rule_file=True) == []


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("see domain.md §9.9", ["§9.9"]),
        ("the rule of D99", ["D99"]),
        ("domain.md §2.2 T15", ["T15"]),
        ("domain.md §4.1 step 3", ["§4.1 step 3"]),
        ("domain.md §4.1 (7)", ["§4.1 (7)"]),
        ("D1–D5 apply", ["D1–D5"]),
        ("T3-T1", ["T3-T1"]),
        ("domain.md §2 (NOPE)", ["NOPE"]),
        ("domain.md §2 (D9)", ["D9"]),
        ("    source: domain.md §2; XYZ page", ["XYZ"]),
        ("see decisions.md D1", ["decisions.md"]),
        ("see ../shared/docs/domain.md §2", ["../shared/docs/domain.md"]),
    ],
)
def test_bad_citations_are_named(sample: Reference, line: str, bad: list[str]) -> None:
    assert cites(line, sample, rule_file=True, known_md=frozenset({"domain.md"})) == bad


@pytest.mark.parametrize(
    "line",
    [
        'SeedSolution("SOL-10004-D365", "Dynamics 365 Sales")',
        '"postalCode": "D02 X285"',
        'f"{value.isoformat()}T00:00:00Z"',
        '"2026-11-23T12:00:00Z" and "T12:30"',
        "guid 6f1cD11a-3D11-4e0b and 0xD11",
        "ID11, CD11, D11x, D11_old, D-U-N-S",
        "raise fail_rule('source: say where the rule comes from (domain.md §, D#)')",
        "cli.md §3 is another document",
        "at most 50 (USD) in (P2P) deals (UTC)",
        "docs/rules.md, README.md and domain.md are ours",
    ],
)
def test_no_false_positives(sample: Reference, line: str) -> None:
    known = frozenset({"domain.md", "rules.md", "README.md", "cli.md"})
    assert cites(line, sample, known_md=known) == []


def test_source_words_only_checked_in_rule_sources(sample: Reference) -> None:
    assert cites("# a CSV with NOPE in it", sample, rule_file=True) == []
    assert cites("  - source: domain.md §2; CSV and NOPE", sample, rule_file=True) == ["NOPE"]
    assert cites("  - source: domain.md §2; CSV and NOPE", sample) == []
