"""The DPIA (docs/dpia.md) and the record of processing stay current with the code: every
screening rule and every role the code knows is assessed there, and every file it points at as
the implementation of a measure exists."""

from __future__ import annotations

import re
from pathlib import Path

from screening import rule_catalogue
from silver.domain.users import Role

ROOT = Path(__file__).resolve().parents[2]
DPIA = ROOT / "docs" / "dpia.md"
RECORD = ROOT / "docs" / "record-of-processing.md"
PATH = re.compile(r"`((?:silver|screening|graph|api|web|worker|docs|tests)/[\w./-]+\.(?:py|md))`")


def test_every_screening_rule_is_assessed_in_the_dpia() -> None:
    text = DPIA.read_text(encoding="utf-8")
    missing = [r["rule"] for r in rule_catalogue() if f"`{r['rule']}`" not in text]
    assert missing == [], f"screening rules not in docs/dpia.md: {missing}"


def test_every_role_is_in_the_dpia() -> None:
    text = DPIA.read_text(encoding="utf-8")
    missing = [role.value for role in Role if f"`{role.value}`" not in text]
    assert missing == [], f"roles not in docs/dpia.md: {missing}"


def test_every_file_the_documents_point_at_exists() -> None:
    for document in (DPIA, RECORD):
        named = PATH.findall(document.read_text(encoding="utf-8"))
        assert named, document
        gone = [path for path in named if not (ROOT / path).exists()]
        assert gone == [], f"{document.name} points at files that do not exist: {gone}"


def test_the_record_of_processing_covers_article_24() -> None:
    text = RECORD.read_text(encoding="utf-8")
    for item in "abcdefgh":
        assert f"| ({item}) " in text, f"art. 24(1)({item}) is missing"
