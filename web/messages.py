"""The services' and the screening's own words in the reader's language.

Validation messages, screening findings and the reasons of a country's risk come from the
services in English, with values built in ("BR does not take part..."): the API's contract
keeps them so. A page shows them through `message()`: a message the catalog knows as it is
is translated; else the first of TEMPLATES that matches it whole is, with its `{name}` parts
translated in turn (a country's English name becomes its name in the reader's language). A
message no template matches stays English; tests/unit/test_i18n_messages.py screens cases
that trigger every rule, so a rule's new wording without a template fails there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from web.i18n import country_name, current_language, day, english_country_code, translate
from web.vocabulary import N_

# Placeholders whose value is a list joined with ", ", each item translated on its own.
LISTS = frozenset({"crimes", "offences", "choices"})
# Placeholders whose value is a country's English name (or its code), or an ISO date.
COUNTRIES = frozenset({"country"})
DAYS = frozenset({"day"})

TEMPLATES: tuple[str, ...] = (
    # The case rules of the screening (screening/case_rules.py).
    N_("the maximum penalty is not stated; the pilot needs more than {threshold} years"),
    N_("a maximum penalty of {years} years is not above the pilot's {threshold} years"),
    N_("special-category data ({label}): {terms}"),
    N_("{subject} is {age} on {day}: under {adult}"),
    N_("{subject} ({kind}) is not a suspect ({role}): weigh the justification ({n} characters)"),
    N_("{subject} ({kind}) is not a suspect ({role}): no justification is given"),
    N_("{n} characters: longer than {limit}"),
    N_("signs of a {label}: {terms}"),
    N_("the quota is used up: {used} of {limit} notices and diffusions"),
    N_('subject "{key}"'),
    N_("subject {index}"),
    # The country rules (screening/country_rules.py).
    N_("{country} does not take part in the pilot"),
    N_("the death-penalty status of {country} is not known"),
    N_("{country} is {status} and its capital offences are not recorded"),
    N_("{crimes} can carry the death penalty in {country} ({status})"),
    N_(
        "{crimes} may involve offences that carry the death penalty in {country} "
        "({status}: {offences})"
    ),
    N_("{subject} has refugee status from {country}"),
    N_("human-rights concerns recorded for {country}: {concerns}"),
    N_("Freedom House rates {country} {detail}"),
    N_("the corruption score (TI CPI) of {country} is not known"),
    N_("CPI {year} score {score} is below {limit}"),
    N_("CPI score {score} is below {limit}"),
    N_("{subject} is a national of {country}"),
    N_("{subject} resides in {country}"),
    N_("{subject} is registered in {country}"),
    N_("there is no risk profile for {country}"),
    N_("the risk profile of {country} was never reviewed"),
    N_("the risk profile of {country} was last reviewed on {day}, more than {days} days ago"),
    # Validation of a case, an answer or a decision (silver/domain, marshmallow, screening).
    N_("Length must be between {low} and {high}."),
    N_("Longer than maximum length {high}."),
    N_("Shorter than minimum length {low}."),
    N_("Must be greater than or equal to {low} and less than or equal to {high}."),
    N_("Must be greater than or equal to {low}."),
    N_("Must be one of: {choices}."),
    N_("is not a field of a {kind}"),
    N_("key {key} is used twice in this case (also in {path})"),
    N_("{field} must not repeat a value"),
    N_("a {decision} needs a justification"),
    N_("a {decision} needs at least one reason code: {choices}"),
    N_("{code}: listed twice"),
    N_("{code}: the Netherlands is the requester, never a recipient"),
    # Identifiers (silver/domain/identifiers.py).
    N_("{label} must be given as text"),
    N_("{label} is empty"),
    N_("{label} must contain at least one letter or digit"),
    N_("IBAN country code {code} is not a country that uses IBAN"),
    N_("IBAN account part does not have the format used in {country}"),
    N_("BIC country code {code} is not a known country"),
    N_("ISIN prefix {code} is not a known country code"),
    N_("VIN must be 17 characters, not {n}"),
    N_("{code} wallet address must be 20 to 256 letters and digits"),
    N_("{code} is not an ISO 3166 country code"),
    N_("{code} is not an ISO 4217 currency code"),
    # Characters a text may not hold (silver/domain/text.py).
    N_("contains a lone surrogate (U+{code}) at character {at}: not valid text"),
    N_(
        "contains a control character (U+{code}) at character {at} "
        "(only tab and line breaks are allowed in free text)"
    ),
    N_("contains a control character (U+{code}) at character {at}"),
)

# Messages the services send as they are: marked here for the catalog.
EXACT: tuple[str, ...] = (
    N_("the case has no natural-person suspect"),
    N_("no suspect has both a full name and a date of birth or an identifier"),
    N_("the offence summary is missing"),
    N_("the legal basis needs a type and a reference"),
    N_("the case names no asset and no target country"),
    N_("special-category data is declared without a justification"),
    N_("a number passing the BSN 11-test: a Dutch BSN may not leave the country"),
    N_("contains an e-mail address"),
    N_("contains a phone number"),
    N_("retentionist"),
    N_("abolished in practice"),
    N_("Not Free"),
    N_("no role"),
    N_("racial or ethnic origin"),
    N_("political opinions"),
    N_("religious or philosophical beliefs"),
    N_("trade-union membership"),
    N_("health"),
    N_("sex life or sexual orientation"),
    N_("biometric data"),
    N_("genetic data"),
    N_("political character"),
    N_("military character"),
    N_("religious character"),
    N_("racial character"),
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid input type."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("must be in the past"),
    N_("is not plausible (before 1900)"),
    N_("is not a decimal number"),
    N_("a person needs a full_name"),
    N_("an organisation needs a name"),
    N_("is a field of an organisation, not of a person"),
    N_("is a field of a person, not of an organisation"),
    N_("a third party (not a suspect) may only be included with a justification"),
    N_("a bank account needs an iban, or an account_number with a bic"),
    N_("real estate needs an address or a cadastral_reference"),
    N_("a vehicle needs a vin or a registration_plate"),
    N_("a vessel needs an imo number or a name"),
    N_("an aircraft needs its registration_mark"),
    N_("a crypto wallet needs its currency (e.g. BTC, ETH)"),
    N_("a crypto wallet needs its address"),
    N_("a cash or valuables asset needs a description"),
    N_("an other asset needs a description"),
    N_("does not name a subject key of this case"),
    N_("does not name an asset key of this case"),
    N_("does not name an organisation subject of this case"),
    N_("a subject cannot be related to itself"),
    N_("not a recipient of this approval"),
    N_("IBAN may contain only letters and digits"),
    N_("IBAN checksum does not match"),
    N_("BIC must be 8 or 11 characters"),
    N_("LEI must be 20 characters"),
    N_("LEI must be 18 letters or digits followed by 2 check digits"),
    N_("LEI checksum does not match"),
    N_("ISIN must be 12 characters"),
    N_("ISIN check digit does not match"),
    N_("IMO number must be 7 digits with a valid check digit"),
    N_("IMO number check digit does not match"),
    N_("VIN may contain only letters and digits"),
    N_("VIN check digit (the 9th character) does not match"),
    N_("Ethereum address must be 0x followed by 40 hexadecimal characters"),
    N_("Cryptocurrency is empty"),
    N_("Wallet address is empty"),
    N_("Country is empty"),
    N_("Country must be a two-letter ISO 3166 code"),
    N_("Currency is empty"),
    N_("Currency must be a three-letter ISO 4217 code"),
)


@dataclass(frozen=True)
class _Template:
    text: str
    pattern: re.Pattern[str]


@cache
def _templates() -> tuple[_Template, ...]:
    compiled = []
    for text in TEMPLATES:
        parts = re.split(r"\{(\w+)\}", text)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        compiled.append(_Template(text, re.compile(regex, re.DOTALL)))
    # The most literal text first: "subject {index}" must not take 'subject "s1"'.
    return tuple(sorted(compiled, key=lambda t: -len(re.sub(r"\{\w+\}", "", t.text))))


def message(text: str | None) -> str:
    """A message of the services in the current language (as it is when nothing matches)."""
    if not text or current_language() == "en":
        return text or ""
    exact = translate(text)
    if exact != text:
        return exact
    for template in _templates():
        found = template.pattern.fullmatch(text)
        if found:
            values = {name: _part(name, value) for name, value in found.groupdict().items()}
            return translate(template.text, **values)
    return text


def _part(name: str, value: str) -> str:
    if name in COUNTRIES:
        code = value if len(value) == 2 and value.isupper() else english_country_code(value)
        return country_name(code) if code else value
    if name in DAYS:
        return day(value)
    if name in LISTS:
        return ", ".join(_word(item) for item in value.split(", "))
    return _word(value)


def _word(value: str) -> str:
    """A value inside a message: a message of its own, or a vocabulary value (`third_party`)."""
    translated = message(value)
    return translated if translated != value else translate(value.replace("_", " "))
