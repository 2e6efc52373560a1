"""Every citation in the code resolves inside this repository.

A reader of the code has the repository, not our issue tracker or the requirements file we
worked from. So code may cite a requirement only by an id that docs/requirements.md defines,
and an article of the APPI or of the PPC Enforcement Rules only if docs/law.md lists it; it may
not cite "REQUIREMENTS" (the outside file) or "issue N" at all. Plain files, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("hogo", "tests", "bench", "scripts")
SUFFIXES = (".py", ".html", ".txt", ".toml")

REQUIREMENT = re.compile(r"(?<![A-Za-z0-9-])R-(\d{3,4})(?!\d)")
OUTSIDE = re.compile(r"\bREQUIREMENTS\b|\b[Ii]ssues?\s+#?\d+")
_NUMBERS = r"\d+(?:\([0-9a-z]+\))*(?:\s*(?:-|–|,|and)\s*\d+(?:\([0-9a-z]+\))*)*"
ACT = re.compile(r"\b(?:APPI|Act) Arts?\. (" + _NUMBERS + ")")
RULES = re.compile(r"\b(?:Enforcement )?Rules Arts?\. (" + _NUMBERS + ")")
# 法第N条 is the APPI unless another law's name ends in 法 (民法, 刑事訴訟法); 規則第N条 is the
# PPC Rules unless it is a city's rule (芦屋市規則) or a titled one (…に関する規則).
_JA_TAIL = r"(第\d+条(?:第\d+[項号])*(?:(?:・|、|及び|並びに)第\d+条(?:第\d+[項号])*)*)"
ACT_JA = re.compile(r"(?<!民)(?<!訴訟)法" + _JA_TAIL)
RULES_JA = re.compile(r"(?<!市)(?<!に関する)規則" + _JA_TAIL)


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    problem: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.problem}: {self.text.strip()}"


@dataclass(frozen=True)
class Defined:
    requirements: frozenset[str]  # "R-101", …
    act: frozenset[int]  # APPI article numbers listed in docs/law.md
    rules: frozenset[int]  # PPC Enforcement Rules article numbers listed in docs/law.md


def _articles(numbers: str) -> list[int]:
    """Article numbers in "26", "7(4)", "27-30", "6, 8": the numbers outside parentheses."""
    return [int(n) for n in re.findall(r"\d+", re.sub(r"\([^)]*\)", "", numbers))]


def _section(markdown: str, heading: str) -> str:
    """The text under the first level-2 heading that starts with `heading`."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"docs/law.md has no section '## {heading}'"
    return match.group(1)


def _listed(section: str) -> frozenset[int]:
    return frozenset(int(n) for n in re.findall(r"^\| Arts?\. (\d+)", section, re.M))


def defined(requirements_md: str, law_md: str) -> Defined:
    """What the two documents define: requirement ids (table rows) and listed articles."""
    ids = frozenset(re.findall(r"^\|\s*(R-\d{3,4})\s*\|", requirements_md, re.M))
    return Defined(ids, _listed(_section(law_md, "APPI")),
                   _listed(_section(law_md, "PPC Enforcement Rules")))


def check(text: str, where: str, known: Defined) -> list[Finding]:
    """The citations in `text` that do not resolve in the repository."""
    findings = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = unicodedata.normalize("NFKC", raw)

        def report(problem: str, line_number: int = number, shown: str = raw) -> None:
            findings.append(Finding(where, line_number, problem, shown))

        for match in REQUIREMENT.finditer(line):
            if f"R-{match.group(1)}" not in known.requirements:
                report(f"R-{match.group(1)} is not defined in docs/requirements.md")
        for match in OUTSIDE.finditer(line):
            report(f"'{match.group(0)}' cites a document outside the repository")
        for pattern, listed, name in ((ACT, known.act, "APPI"), (RULES, known.rules, "Rules")):
            for match in pattern.finditer(line):
                for article in _articles(match.group(1)):
                    if article not in listed:
                        report(f"{name} Art. {article} is not listed in docs/law.md")
        for pattern, listed, name in ((ACT_JA, known.act, "APPI"),
                                      (RULES_JA, known.rules, "Rules")):
            for match in pattern.finditer(line):
                for article in re.findall(r"第(\d+)条", match.group(1)):
                    if int(article) not in listed:
                        report(f"{name} Art. {article} is not listed in docs/law.md")
    return findings


def code_files(root: Path = REPO) -> Iterable[Path]:
    me = Path(__file__).resolve()
    for top in SCANNED:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and path.resolve() != me:
                yield path


def _known() -> Defined:
    return defined((REPO / "docs" / "requirements.md").read_text(encoding="utf-8"),
                   (REPO / "docs" / "law.md").read_text(encoding="utf-8"))


def test_code_cites_only_what_the_repository_defines() -> None:
    known = _known()
    findings = [finding for path in code_files()
                for finding in check(path.read_text(encoding="utf-8", errors="replace"),
                                     str(path.relative_to(REPO)), known)]
    assert not findings, "unresolved citations:\n" + "\n".join(map(str, findings))


def test_the_documents_define_something() -> None:
    """Guards against a vacuous pass: a renamed heading or table would define nothing."""
    known = _known()
    assert {"R-101", "R-305", "R-808", "R-1001"} <= known.requirements
    assert {26, 27, 38, 68, 89} <= known.act
    assert {7, 8, 10, 43} <= known.rules


def test_the_checker_reports_bad_citations() -> None:
    known = Defined(frozenset({"R-101", "R-102", "R-801", "R-807"}),
                    frozenset({26, 68}), frozenset({7, 8}))
    sample = "\n".join([
        '"""Leak reports (R-801–R-807, R-101; APPI Art. 26(1); Rules Art. 7(4); Art. 99)."""',
        "# Model DR-100 of the demo; Ashiya rule Art. 7(3); 芦屋市規則第8条; 民法第140条.",
        'law = "法第68条第1項"  # 規則第7条各号',
        "# R-999 and R-8080 are made up (REQUIREMENTS §8; issue 12; see Issue #3).",
        "# APPI Art. 33(1) and Act Arts. 26-28 and Enforcement Rules Art. 44.",
        'source = "個人情報保護法第26条・第21条"  # 規則第43条',
    ])
    found = [(f.line, f.problem) for f in check(sample, "sample.py", known)]
    assert found == [
        (4, "R-999 is not defined in docs/requirements.md"),
        (4, "R-8080 is not defined in docs/requirements.md"),
        (4, "'REQUIREMENTS' cites a document outside the repository"),
        (4, "'issue 12' cites a document outside the repository"),
        (4, "'Issue #3' cites a document outside the repository"),
        (5, "APPI Art. 33 is not listed in docs/law.md"),
        (5, "APPI Art. 28 is not listed in docs/law.md"),
        (5, "Rules Art. 44 is not listed in docs/law.md"),
        (6, "APPI Art. 21 is not listed in docs/law.md"),
        (6, "Rules Art. 43 is not listed in docs/law.md"),
    ]
