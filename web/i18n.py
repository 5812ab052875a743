"""Dutch and English for the pages, with Flask-Babel and gettext.

The English text is the message id; its Dutch translation is in the catalog
web/translations/nl/LC_MESSAGES/messages.po, compiled to messages.mo by `make deps`
(`make i18n-extract`, `i18n-update` and `i18n-compile` are the pybabel steps, see README.md).

The language comes from the `silver_lang` cookie (set by the switch in every page's header),
else from the browser's Accept-Language, else English. `_` (also importable as `translate`)
fills `{name}` placeholders after translating, so a message id reads like the English text.
Dates, amounts and country names follow the language too (Babel's locale data).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask, g, request
from flask_babel import Babel, format_currency, format_date, format_datetime, get_locale, gettext

LANGUAGES = ("en", "nl")
COOKIE = "silver_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"
NOTHING = "\u2013"  # an en dash, where a table has no value
# Unambiguous in both languages, and the same shape: "5 Mar 2026, 14:30", "5 mrt 2026, 14:30".
DAY = "d MMM yyyy"
MOMENT = "d MMM yyyy, HH:mm"


def init_i18n(app: Flask) -> None:
    Babel(
        app,
        locale_selector=current_language,
        default_locale="en",
        default_timezone="UTC",
        default_translation_directories=str(TRANSLATIONS),
    )


def current_language() -> str:
    if "web_lang" not in g:
        chosen = request.cookies.get(COOKIE)
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(LANGUAGES) or "en"
        g.web_lang = chosen
    lang: str = g.web_lang
    return lang


def translate(text: str, **values: Any) -> str:
    """`text` in the current language, with `{name}` placeholders filled in."""
    if not text:
        return text
    words: str = gettext(text)
    return words.format(**values) if values else words


_ = translate


def label(kind: str, value: str | None) -> str:
    """A vocabulary value (status, role, crime type, ...) as a reader would say it."""
    if value is None:
        return ""
    english = VALUE_LABELS.get(kind, {}).get(value) or value.replace("_", " ")
    return translate(english)


VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {"awaiting_second_approval": "awaiting second approval"},
}


def country_name(code: str | None) -> str:
    """A country's name in the current language (Babel's CLDR names); the code if unknown."""
    if not code:
        return ""
    name = get_locale().territories.get(code.upper())
    return name if isinstance(name, str) else code


def country_label(code: str | None) -> str:
    """ "Spain (ES)": a country's name and code; the code alone when it names no country."""
    name = country_name(code)
    return f"{name} ({code})" if code and name != code else (code or "")


def english_country_code(name: str) -> str | None:
    """The code of a country named in English (as the screening's messages name it)."""
    return _english_names().get(name.casefold())


_ENGLISH: dict[str, str] = {}


def _english_names() -> dict[str, str]:
    if not _ENGLISH:
        territories = Locale("en").territories
        _ENGLISH.update(
            {
                str(n).casefold(): str(c)
                for c, n in territories.items()
                if len(c) == 2 and c.isalpha()
            }
        )
    return _ENGLISH


def when(value: Any) -> str:
    """A moment (UTC) as the reader's language writes it; an ISO string is parsed first."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return str(format_datetime(value, MOMENT)) + " UTC"
    if isinstance(value, date):
        return day(value)
    return str(value) if value else NOTHING


def day(value: Any) -> str:
    """A date as the reader's language writes it; an ISO date string is parsed first."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return str(format_date(value, DAY))
    return str(value) if value else NOTHING


def money(amount: Any, currency: str | None) -> str:
    """An amount in its currency as the reader's language writes it (€ 1.250,00 in Dutch)."""
    try:
        number = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency or ''}".strip()
    if not currency:
        return str(number)
    return str(format_currency(number, currency))
