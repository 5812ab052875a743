"""The gettext catalog of the pages: complete, in step with the code, compiled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from silver.infra.config import PROJECT_ROOT
from web.i18n import LANGUAGES, TRANSLATIONS

WEB = PROJECT_ROOT / "web"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
KEYWORDS = {"_": None, "translate": None, "N_": None, "gettext": None}
DUTCH = ("nl",)


def catalog(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def extracted() -> Iterator[tuple[str, str]]:
    """Every message id the code names: what `make i18n-extract` finds, with babel.cfg."""
    mapping = [("**.py", "python"), ("templates/**.html", "jinja2")]
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map=mapping, keywords=KEYWORDS
    ):
        if isinstance(message, str) and message:
            yield filename, message


def test_the_languages_are_dutch_and_english() -> None:
    assert LANGUAGES == ("en", "nl")
    assert [p.name for p in sorted(TRANSLATIONS.iterdir()) if p.is_dir()] == list(DUTCH)


@pytest.mark.parametrize("language", DUTCH)
def test_every_message_of_the_catalog_has_its_translation(language: str) -> None:
    untranslated = [m.id for m in catalog(language) if m.id and not m.string]
    fuzzy = [m.id for m in catalog(language) if m.id and m.fuzzy]
    assert untranslated == [], "run `make i18n-update` and translate the empty msgstr"
    assert fuzzy == []


@pytest.mark.parametrize("language", DUTCH)
def test_every_message_the_pages_name_is_in_the_catalog(language: str) -> None:
    known = {m.id for m in catalog(language) if m.id}
    missing = sorted({f"{name}: {text}" for name, text in extracted() if text not in known})
    assert missing == [], "run `make i18n-update` and translate the new messages"


@pytest.mark.parametrize("language", DUTCH)
def test_a_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    wrong = [
        m.id
        for m in catalog(language)
        if m.id
        and isinstance(m.id, str)
        and isinstance(m.string, str)
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", DUTCH)
def test_the_compiled_catalog_is_current(language: str) -> None:
    compiled: Path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), "run `make i18n-compile` (`make deps` does)"
    with compiled.open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    po = {m.id: m.string for m in catalog(language) if m.id and m.string}
    assert mo == po, "the .mo is older than the .po: run `make i18n-compile`"
