"""Screening one large case: the rules engine and the screening service against loading the case.

    .venv/bin/python bench/screening.py [--reps 200] [--warmup 20] [--seed N] [--profile 0]

One realistic case is built and stored once: 50 subjects (36 persons with names, dates of birth,
nationalities among the participants and identifiers, 14 organisations; 4 persons and 2
organisations are third parties with a justification), 200 assets of every type spread over
many participating countries, their holdings and relations, 6 target countries, and free text
(offence summary, remarks, justifications, descriptions) in Dutch and English of realistic
length. Its identifiers are random and valid (IBANs, VINs, IMOs, LEIs, ISINs and wallet addresses
with computed check digits). The body is validated like `POST /api/v1/cases` and stored with
silver.services.intake.create_case as a draft of a new caseworker `bench-<random>` of FIOD, in the
configured database (the local one unless NEO4J_URI is set); it stays there like any other case.

Three modes, one after the other in this process, each timed over N repetitions after W
uncounted ones, one call at a time:

* load:     the baseline: a unit of work (session and transaction) with load_row and open_case,
            i.e. reading the case node and decrypting its sealed body.
* rules:    screening.screen_case on the opened body with the country profiles and the
            participants loaded beforehand: the pure rules, every participant assessed.
* service:  silver.services.screening.screen in a unit of work: reading the stored country
            profiles and the quota from Neo4j, then the same rules; nothing is stored (the
            transaction is rolled back).

Besides the wall clock, each mode prints `cpu ms`: this process's CPU time per call. On a busy
machine the wall clock also counts the waits for a core; the rules' CPU time does not.

Caveats: one case, one thread, a warm driver and a warm Neo4j page cache, so `load` is the
best case of a read; the quota state is the database's, so INTERPOL.QUOTA may fire. The
findings depend on the fixed texts below, not on the seed. `--profile K` runs the rules under
cProfile afterwards and prints the K functions with the most own time.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import statistics
import string
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import support  # puts the project root on sys.path: before any of the project's imports
from support import VIN_CHARS, Body

# isort: split
from screening import QuotaState, ScreeningConfig, ScreeningResult, screen_case
from silver.domain import identifiers as ids
from silver.domain.case_body import validate_case_body
from silver.services import (
    case_store,
    intake,
)
from silver.services import screening as screening_service
from silver.services.countries import load_profiles
from tests.support import identifiers as demo

AGENCY = "FIOD"
TARGETS = ["ES", "BE", "AE", "MT", "GB", "SG"]

# BBAN layouts (IBAN registry): n digits, a letters, c letters or digits. NL, BE and ES have
# national check digits and are made with tests/support/identifiers.py's generators.
BBAN_LAYOUTS = {
    "AE": "19n", "EE": "16n", "FR": "10n11c2n", "GB": "4a14n", "GE": "2a16n", "GI": "4a15c",
    "IT": "1a10n12c", "KW": "4a22c", "KZ": "3n13c", "LV": "4a13c", "MT": "4a5n18c",
    "PL": "24n", "PT": "21n", "QA": "4a21c", "SE": "20n", "UA": "6n19c", "HU": "24n",
}  # fmt: skip
IBAN_COUNTRIES = ["NL"] * 8 + ["BE", "ES"] * 3 + sorted(BBAN_LAYOUTS)
OTHER_BANK_COUNTRIES = ["US", "SG", "CN", "IN", "KR", "NZ", "AR", "CO", "KE", "NG", "UY", "TT"]

CITIES = {
    "NL": ["Amsterdam", "Rotterdam", "Breda", "Eindhoven"], "BE": ["Antwerpen", "Knokke"],
    "ES": ["Marbella", "Alicante", "Estepona"], "FR": ["Nice", "Lille"], "PT": ["Albufeira"],
    "IT": ["Milano"], "GB": ["London", "Manchester"], "AE": ["Dubai", "Abu Dhabi"],
    "MT": ["Sliema", "Valletta"], "US": ["Miami"], "GE": ["Batumi", "Tbilisi"],
    "PL": ["Warszawa"], "SE": ["Malmö"], "SG": ["Singapore"], "GI": ["Gibraltar"],
}  # fmt: skip
CURRENCIES = {"GB": "GBP", "GI": "GBP", "AE": "AED", "US": "USD", "SG": "SGD", "PL": "PLN"}
ORG_FORMS = {
    "NL": "BV", "BE": "BV", "GB": "Ltd", "MT": "Ltd", "GI": "Ltd", "ES": "SL", "AE": "FZE",
    "SG": "Pte Ltd", "US": "LLC", "GE": "LLC", "EE": "OU", "PT": "Lda", "CY": "Ltd",
}  # fmt: skip

FIRST_NAMES = [
    "Jan", "Pieter", "Willem", "Sanne", "Fleur", "Anouk", "Daan", "Bram", "Lotte", "Ruben",
    "Thijs", "Marieke", "Joost", "Hendrik", "Ingrid", "Kees", "Carlos", "Elena", "Marco",
    "Giulia", "Piotr", "Agnieszka", "Joao", "Lars", "Dmitri", "Olga", "Karim", "Nadia", "Wei",
    "Ravi", "Tomasz", "Sofia",
]  # fmt: skip
SURNAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Garcia Lopez", "Rossi", "Kowalski", "Silva", "Andersson", "Borg",
    "Haddad", "Tan", "Kuznetsov", "Ferreira", "Janssens", "Peeters",
]  # fmt: skip
ORG_WORDS = [
    "Noordzee Trading", "Zilverlijn Holding", "Atlas Maritime", "Oranje Vastgoed",
    "Delta Logistics", "Meridian Capital", "Polder Invest", "Kustlicht Shipping",
    "Horizon Commodities", "Tulp Finance", "Baltic Bridge", "Iberia Estates", "Gulf Star",
    "Lowlands Digital Assets", "Kompas Electronics", "Westhaven Consultancy",
]  # fmt: skip
VESSEL_NAMES = ["Zeester", "Blue Horizon", "Noordenwind", "Sea Breeze", "Kompasroos", "Aurora"]

TITLE = "[BENCH] Operatie Kompasnaald: btw-carrousel en witwassen via vastgoed en jachten"
OFFENCE_SUMMARY = (
    "Het onderzoek richt zich op een netwerk van ondernemingen dat tussen 2019 en 2024 via een "
    "btw-carrousel in mobiele telefoons, tablets en computeronderdelen naar schatting EUR 48 "
    "miljoen aan btw heeft ontdoken. De opbrengsten zijn via rekeningen bij banken in Belgie, "
    "Spanje, Malta, de Verenigde Arabische Emiraten en Singapore doorgesluisd naar "
    "vennootschappen die formeel worden bestuurd door stromannen. Uit tapgesprekken, bij "
    "doorzoekingen in beslag genomen administratie en informatie van de FIU blijkt dat de "
    "hoofdverdachten de feitelijke leiding hebben en dat een deel van het geld is belegd in "
    "vastgoed aan de Costa del Sol en in Dubai, in jachten onder Maltese vlag en in "
    "cryptovaluta. Er loopt een strafrechtelijk financieel onderzoek met het oog op ontneming "
    "van het wederrechtelijk verkregen voordeel.\n\n"
    "Summary for the receiving countries: the suspects are believed to have run a "
    "missing-trader VAT fraud through Dutch, Belgian and Maltese companies that bought goods "
    "VAT-free from suppliers elsewhere in the EU and resold them domestically without paying "
    "the VAT due. The proceeds were layered through shell companies, invoices for consultancy "
    "that was never provided and loans between related companies, and were finally invested "
    "in real estate, vessels, vehicles and crypto assets. We ask the recipient authorities to "
    "identify and trace the assets held by or for the subjects listed, and to inform us of "
    "the possibilities for seizure under their national law. No coercive measures are "
    "requested at this stage."
)
PERSON_REMARKS = [
    "Verdachte treedt op als feitelijk leidinggevende van {org} en geeft via versleutelde "
    "berichtenapps opdrachten aan de formele bestuurders.",
    "Verblijft een groot deel van het jaar in {city} en reist regelmatig via Schiphol.",
    "Heeft volgens de FIU in 2022 en 2023 meerdere contante stortingen van meer dan EUR 10.000 "
    "gedaan op rekeningen van {org}.",
    "Known to use nominee directors; signed the share transfer agreements of {org} as attorney.",
    "Opened accounts in {city} with a residence permit obtained through a property investment "
    "scheme in 2021.",
    "Eerder veroordeeld in 2015 voor valsheid in geschrift; de ontnemingsvordering is destijds "
    "volledig betaald.",
    "Believed to manage the network's crypto wallets; moved funds through decentralised "
    "exchanges and mixing services in 2023.",
    "Staat ingeschreven op een adres in {city} dat bekendstaat als brievenbusadres van "
    "trustkantoren.",
    "Controls the bookkeeping of {org}; the invoices found on his laptop match the fictitious "
    "supplies to the Belgian buyers.",
]
ORG_REMARKS = [
    "Lege vennootschap zonder personeel; de jaarrekeningen over 2021 tot en met 2023 zijn niet "
    "gedeponeerd.",
    "Shell company registered at a corporate services provider; its bank statements show "
    "round-tripping of invoices with {org}.",
    "Importeert volgens de administratie elektronica uit Hongkong; de opgegeven leveranciers "
    "bestaan niet of zijn ontbonden.",
    "Receives management fees from the Dutch companies without any visible activity in return.",
]
# Fixed texts that a screener should see flagged (contact data, health), at fixed places.
PHONE_REMARK = "Gebruikt het nummer 06-48213957 voor contact met de katvangers."
EMAIL_REMARK = "Correspondence with the bank ran via the address m.bakker.trading@example.com."
HEALTH_REMARK = "Verdachte is sinds 2023 onder behandeling voor kanker en wordt vaak opgenomen."
JUSTIFICATIONS = [
    "Echtgenote van {person}; staat als mederekeninghouder op de gezamenlijke rekening, zodat "
    "die rekening alleen met haar gegevens kan worden geidentificeerd. Zij wordt niet verdacht.",
    "Nominee director of {org}; named so that the company's assets can be identified. Not a "
    "suspect at this stage.",
    "Broer van {person}; de auto en het appartement staan op zijn naam, maar worden door de "
    "verdachte gebruikt en betaald.",
    "Former business partner of {person}; holds 40 percent of the shares in the holding that "
    "owns the villa. Needed to identify the property.",
]
ORG_JUSTIFICATIONS = [
    "Trustkantoor dat de vennootschappen van het netwerk beheert; genoemd omdat de rekeningen "
    "op zijn naam staan. Geen aanwijzingen dat het trustkantoor betrokken is.",
    "Escrow agent that holds the deposit for the Dubai apartment; named to identify the funds.",
]
ASSET_DESCRIPTIONS = {
    "bank_account": [
        "Rekening waarop de btw-teruggaven zijn ontvangen; doorgeboekt naar {country}.",
        "Business account used to pay the fictitious suppliers; balance at the last statement.",
        "Spaarrekening, gevoed met contante stortingen tussen 2021 en 2023.",
        "Account receiving the consultancy fees invoiced to {org}.",
    ],
    "real_estate": [
        "Villa met zwembad, gekocht in 2021 via {org} voor een prijs ver onder de marktwaarde.",
        "Apartment bought off-plan in 2022; paid in three instalments from accounts abroad.",
        "Bedrijfspand dat wordt verhuurd aan een gelieerde onderneming.",
        "Holiday home registered in the name of the holding; used by the main suspect.",
    ],
    "vehicle": [
        "Sportwagen, geleast op naam van {org} maar in gebruik bij de verdachte.",
        "Luxury SUV imported from Germany in 2023, paid in cash.",
        "Bestelbus die wordt gebruikt voor het vervoer van de goederen.",
    ],
    "vessel": [
        "Motorjacht van 32 meter onder Maltese vlag, afgemeerd in de haven van {city}.",
        "Sailing yacht bought through a Maltese company; crew paid from the Dubai account.",
    ],
    "aircraft": [
        "Business jet in fractional ownership; flights booked via {org}.",
        "Eenmotorig sportvliegtuig, gestald op een vliegveld in de buurt van {city}.",
    ],
    "crypto_wallet": [
        "Wallet linked to the exchange account of the suspect; received funds from a mixer.",
        "Hardware wallet in beslag genomen bij de doorzoeking; seed phrase niet gevonden.",
    ],
    "company_share": [
        "Aandelen in de houdstermaatschappij; verworven tegen een symbolisch bedrag.",
        "Shares held through a nominee; the dividends were paid to an account in {country}.",
    ],
    "cash_or_valuables": [
        "Contant geld aangetroffen in een kluis in de woning, in coupures van 500 euro.",
        "Watches (three Rolex, one Patek Philippe) and jewellery found in a safe deposit box.",
        "Goudbaren bewaard bij een edelmetaalhandelaar in {city}.",
    ],
    "other": [
        "Schilderijen en kunstobjecten, aangekocht op veilingen in Brussel en Londen.",
        "Wine collection stored in a bonded warehouse; purchase invoices in the name of {org}.",
        "Vordering op een gelieerde vennootschap uit een lening van 2022.",
    ],
}
ASSET_MIX = [
    ("bank_account", 60), ("real_estate", 30), ("vehicle", 30), ("vessel", 12),
    ("aircraft", 8), ("crypto_wallet", 20), ("company_share", 15), ("cash_or_valuables", 15),
    ("other", 10),
]  # fmt: skip


# --- The case -----------------------------------------------------------------------------------


class CaseBuilder:
    def __init__(self, rng: random.Random, participants: Iterable[str]) -> None:
        self.rng = rng
        self.participants = sorted(set(participants) - {"NL"})

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choices(string.digits, k=n))

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choices(alphabet, k=n))

    def _alnum(self, n: int) -> str:
        return self._chars(string.ascii_uppercase + string.digits, n)

    def iban(self, country: str) -> str:
        for _ in range(1000):
            if country == "NL":
                bban = demo.nl_bban(self._chars(string.ascii_uppercase, 4), self._digits(9))
            elif country == "BE":
                bban = demo.be_bban(self._digits(3), self._digits(7))
            elif country == "ES":
                bban = demo.es_bban(self._digits(4), self._digits(4), self._digits(10))
            else:
                bban = self._layout(BBAN_LAYOUTS[country])
            if bban is None:
                continue
            try:
                return ids.normalise_iban(demo.iban(country, bban))
            except ids.InvalidIdentifier:
                continue
        raise RuntimeError(f"could not make a valid IBAN for {country}")

    def _layout(self, layout: str) -> str:
        alphabets = {"n": string.digits, "a": string.ascii_uppercase}
        parts = []
        number = ""
        for char in layout:
            if char.isdigit():
                number += char
            else:
                alphabet = alphabets.get(char, string.ascii_uppercase + string.digits)
                parts.append(self._chars(alphabet, int(number)))
                number = ""
        return "".join(parts)

    def money(self, low: int, high: int, country: str | None = None) -> Body:
        currency = CURRENCIES.get(country or "", "EUR")
        return {"amount": f"{self.rng.randint(low, high)}.00", "currency": currency}

    def city(self, country: str) -> str:
        return self.rng.choice(CITIES.get(country, ["Amsterdam"]))

    def text(self, pool: Sequence[str], **names: str) -> str:
        return self.rng.choice(pool).format(**names)

    def body(self) -> Body:
        rng = self.rng
        orgs: list[Body] = []
        for i in range(1, 15):
            jurisdiction = rng.choice(["NL", "NL", "NL", "BE", "GB", "MT", "ES", "AE", "SG", "GE"])
            org: Body = {
                "key": f"o{i:02d}",
                "kind": "organisation",
                "role": "third_party" if i > 12 else "suspect",
                "name": f"{ORG_WORDS[i % len(ORG_WORDS)]} {ORG_FORMS.get(jurisdiction, 'Ltd')}",
                "registration_number": f"{jurisdiction}-{self._digits(8)}",
                "jurisdiction": jurisdiction,
            }
            if rng.random() < 0.5:
                org["lei"] = demo.lei(self._alnum(18))
            orgs.append(org)
        org_names = [o["name"] for o in orgs]

        persons: list[Body] = []
        for i in range(1, 37):
            nationality = "NL" if rng.random() < 0.7 else rng.choice(self.participants)
            nationalities = [nationality]
            if rng.random() < 0.25:
                second = rng.choice(self.participants)
                if second != nationality:
                    nationalities.append(second)
            residence = rng.choice(["NL", "NL", *TARGETS, *nationalities])
            person: Body = {
                "key": f"p{i:02d}",
                "kind": "person",
                "role": "third_party" if i > 32 else ("convicted" if i in (3, 11) else "suspect"),
                "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                "date_of_birth": f"{rng.randint(1952, 2001)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                "nationalities": nationalities,
                "residence_country": residence,
                "identifiers": [
                    {"type": kind, "value": f"{prefix}{self._alnum(8)}", "country": nationality}
                    for kind, prefix in rng.sample(
                        [("passport", "P"), ("national_id", "ID"), ("tax_id", "TIN")],
                        rng.randint(1, 3),
                    )
                ],
            }
            if rng.random() < 0.3:
                person["aliases"] = [f"{person['full_name'].split()[0][0]}. {rng.choice(SURNAMES)}"]
            if i <= 32 and rng.random() < 0.7:
                person["remarks"] = " ".join(
                    self.text(PERSON_REMARKS, org=rng.choice(org_names), city=self.city(residence))
                    for _ in range(rng.randint(1, 3))
                )
            persons.append(person)
        persons[6]["remarks"] = f"{persons[6].get('remarks', '')} {PHONE_REMARK}".strip()
        persons[11]["remarks"] = f"{persons[11].get('remarks', '')} {EMAIL_REMARK}".strip()
        persons[18]["remarks"] = f"{persons[18].get('remarks', '')} {HEALTH_REMARK}".strip()
        suspects = [p for p in persons if p["role"] != "third_party"]
        for n, person in enumerate(persons[32:]):
            person["justification"] = JUSTIFICATIONS[n].format(
                person=suspects[n]["full_name"], org=org_names[n]
            )
        for n, org in enumerate(orgs[12:]):
            org["justification"] = ORG_JUSTIFICATIONS[n]
            org["remarks"] = self.text(ORG_REMARKS, org=org_names[0])
        for org in orgs[:12]:
            if rng.random() < 0.6:
                org["remarks"] = self.text(ORG_REMARKS, org=rng.choice(org_names))

        assets = [self.asset(kind, n, orgs) for kind, count in ASSET_MIX for n in range(count)]
        for i, asset in enumerate(assets, start=1):
            asset["key"] = f"a{i:03d}"
        subjects = persons + orgs
        holders = [s["key"] for s in subjects if s["role"] != "third_party"]
        beneficiaries = [p["key"] for p in suspects]
        holdings: list[Body] = []
        for asset in assets:
            owners = rng.sample(holders, rng.choice([1, 1, 1, 2]))
            for owner in owners:
                holdings.append(
                    {"subject": owner, "asset": asset["key"], "relation": "owns",
                     "share": round(1 / len(owners), 2)}
                )  # fmt: skip
            if rng.random() < 0.35:
                holdings.append(
                    {"subject": rng.choice(beneficiaries), "asset": asset["key"],
                     "relation": rng.choice(["beneficial_owner", "controls", "uses"])}
                )  # fmt: skip
        for n, third in enumerate(persons[32:] + orgs[12:]):
            holdings.append(
                {"subject": third["key"], "asset": assets[n * 7]["key"], "relation": "owns",
                 "share": 0.5}
            )  # fmt: skip
        relations: list[Body] = []
        for org in orgs:
            director = rng.choice(suspects)["key"]
            relations.append({"from": director, "to": org["key"], "relation": "director_of"})
            owner = rng.choice(suspects)["key"]
            relations.append(
                {"from": owner, "to": org["key"], "relation": "shareholder_of",
                 "share": round(rng.uniform(0.2, 1), 2)}
            )  # fmt: skip
            if rng.random() < 0.5:
                relations.append(
                    {"from": rng.choice(beneficiaries), "to": org["key"],
                     "relation": "beneficial_owner_of", "share": 1}
                )  # fmt: skip
        for n, person in enumerate(persons[32:]):
            relations.append({"from": person["key"], "to": suspects[n]["key"],
                              "relation": "relative_of"})  # fmt: skip
        for _ in range(20):
            a, b = rng.sample(beneficiaries, 2)
            relations.append({"from": a, "to": b, "relation": "associate_of"})
        return {
            "title": TITLE,
            "national_reference": f"BENCH-FIOD-{self._digits(6)}",
            "crime_types": ["tax_fraud", "money_laundering", "organised_crime"],
            "offence_summary": OFFENCE_SUMMARY,
            "max_penalty_years": 8,
            "legal_basis": {"type": "criminal_investigation", "reference": "RC 2026/4711"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": TARGETS,
            "subjects": subjects,
            "assets": assets,
            "holdings": holdings,
            "relations": relations,
        }

    def asset(self, kind: str, n: int, orgs: Sequence[Body]) -> Body:
        rng = self.rng
        country = rng.choice(["NL", *TARGETS, *self.participants[::3]])
        asset: Body = {"type": kind}
        if kind == "bank_account":
            if n % 5 == 4:
                country = rng.choice(OTHER_BANK_COUNTRIES)
                asset["account_number"] = self._digits(rng.randint(9, 14))
                asset["bic"] = f"{self._chars(string.ascii_uppercase, 4)}{country}2X"
            else:
                country = rng.choice(IBAN_COUNTRIES)
                asset["iban"] = self.iban(country)
        elif kind == "real_estate":
            country = rng.choice(sorted(CITIES))
            asset["address"] = f"Straat {rng.randint(1, 200)}, {self.city(country)}"
            asset["cadastral_reference"] = f"{country}-{self._alnum(10)}"
        elif kind == "vehicle":
            country = rng.choice(["NL", "NL", "BE", "ES", "FR", "GB", "AE", "PL", "IT", "GE"])
            asset["vin"] = demo.vin(self._chars(VIN_CHARS, 8), self._chars(VIN_CHARS, 8))
            asset["registration_plate"] = f"{self._alnum(2)}-{self._digits(3)}-{self._alnum(2)}"
        elif kind == "vessel":
            country = rng.choice(["MT", "MT", "GI", "ES", "AE", "GB", "PT", "NL"])
            asset["imo"] = demo.imo(self._digits(6))
            asset["name"] = f"{rng.choice(VESSEL_NAMES)} {rng.choice(['', 'II', 'III'])}".strip()
        elif kind == "aircraft":
            country, prefix = rng.choice([("US", "N"), ("GB", "G-"), ("MT", "9H-"), ("AE", "A6-")])
            asset["registration_mark"] = prefix + self._chars(string.ascii_uppercase, 3)
        elif kind == "crypto_wallet":
            currency = rng.choice(["BTC", "ETH"])
            seed = self._alnum(16)
            asset["currency"] = currency
            asset["address"] = (
                demo.btc_address(seed) if currency == "BTC" else demo.eth_address(seed)
            )
            country = rng.choice(["SG", "AE", "US", "EE"])
        elif kind == "company_share":
            org = orgs[n % 12]
            country = org["jurisdiction"]
            asset["organisation"] = org["key"]
            asset["percentage"] = rng.choice([25, 50, 60, 100])
            if rng.random() < 0.4:
                asset["isin"] = demo.isin(country + self._alnum(9))
        asset["country"] = country
        asset["estimated_value"] = self.money(2_000, 3_000_000, country)
        if kind in ("cash_or_valuables", "other") or rng.random() < 0.75:
            asset["description"] = self.text(
                ASSET_DESCRIPTIONS[kind],
                country=country,
                city=self.city(country),
                org=rng.choice(orgs)["name"],
            )
        return asset


# --- Timing -------------------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    latencies_ms: list[float]
    # CPU time of this process per call: on a busy machine the wall clock also counts the time
    # waiting for a core; for the rules (pure Python, one thread) this is what a call costs.
    cpu_ms: float

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies_ms)

    def percentile(self, p: int) -> float:
        return support.percentile(self.latencies_ms, p)


def timed(mode: str, reps: int, warmup: int, call: Callable[[], object]) -> Result:
    for _ in range(warmup):
        call()
    cpu = time.process_time()
    latencies = support.timed(call, reps, 0)
    return Result(mode, latencies, (time.process_time() - cpu) * 1000 / reps)


def free_text_chars(body: Body) -> int:
    total = len(body.get("title") or "") + len(body.get("offence_summary") or "")
    for subject in body.get("subjects") or []:
        total += len(subject.get("remarks") or "") + len(subject.get("justification") or "")
    for asset in body.get("assets") or []:
        total += len(asset.get("description") or "")
    return total


# --- Main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--reps", type=int, default=200, help="timed runs per mode (default 200)")
    parser.add_argument(
        "--warmup", type=int, default=20, help="uncounted runs per mode first (default 20)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="K",
        help="afterwards, profile the rules and print the K functions with most own time",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.reps < 1 or args.warmup < 0 or args.profile < 0:
        parser.error("--reps must be at least 1, --warmup and --profile at least 0")

    with support.services() as (_app, svc):
        settings = svc.settings
        keys = svc.keys
        now = case_store.utcnow()
        with svc.uow() as uow:
            profiles, participants = load_profiles(uow, TARGETS)
            quota = QuotaState(limit=settings.quota, used=uow.cases.quota_used())
        config = ScreeningConfig(penalty_threshold_years=settings.penalty_threshold_years)

        body = validate_case_body(CaseBuilder(random.Random(args.seed), participants).body())
        user, _password = support.new_user(svc, "caseworker", AGENCY)
        stored = intake.create_case(body, user, svc.uow(), keys)
        with svc.uow() as uow:
            row = case_store.load(uow, stored.id)
        case = case_store.open_case(row, keys)
        assert case.body == stored.body, "the stored body does not read back as it was written"

        print(
            f"screening benchmark: {args.reps} runs per mode (+{args.warmup} warm-up), "
            f"case {stored.number} of {user.username}, {support.machine()}, "
            f"Neo4j {settings.neo4j_uri}",
            flush=True,
        )

        def load() -> None:
            with svc.uow() as uow:
                case_store.open_case(case_store.load(uow, stored.id), keys)

        def rules() -> ScreeningResult:
            return screen_case(
                case.body,
                profiles=profiles,
                participants=participants,
                quota=quota,
                today=now.date(),
                now=now,
                config=config,
            )

        def service() -> ScreeningResult:
            with svc.uow() as uow:
                return screening_service.screen(
                    uow, case, settings.quota, settings.penalty_threshold_years, now
                )

        results = [
            timed("load (baseline)", args.reps, args.warmup, load),
            timed("rules", args.reps, args.warmup, rules),
            timed("service", args.reps, args.warmup, service),
        ]
        result = rules()
        assert result.to_dict() == service().to_dict(), "rules and service disagree"

    severities = Counter(f.severity for f in result.findings)
    risks = Counter(c.risk for c in result.countries)
    print()
    print(
        f"case: {len(body['subjects'])} subjects, {len(body['assets'])} assets, "
        f"{len(body['holdings'])} holdings, {len(body['relations'])} relations, "
        f"{free_text_chars(body)} characters of free text, sealed body {len(row['body'])} bytes"
    )
    print(
        f"screening: verdict {result.verdict}, {len(result.findings)} findings "
        f"({', '.join(f'{n} {s}' for s, n in severities.most_common())}) from "
        f"{len({f.rule for f in result.findings})} rules, {len(result.countries)} countries "
        f"assessed "
        f"({', '.join(f'{n} {r}' for r, n in risks.most_common())})"
    )
    print()
    print(f"{'mode':<17}{'runs':>6}{'median ms':>11}{'p95 ms':>9}{'mean ms':>9}{'cpu ms':>9}")
    for r in results:
        print(
            f"{r.mode:<17}{len(r.latencies_ms):>6}{r.median:>11.2f}"
            f"{r.percentile(95):>9.2f}{r.mean:>9.2f}{r.cpu_ms:>9.2f}"
        )
    print()
    load_r, rules_r, service_r = results
    for name, r in (("rules/load", rules_r), ("service/load", service_r)):
        print(
            f"{name:<13} median {support.ratio(r.median, load_r.median)}, "
            f"p95 {support.ratio(r.percentile(95), load_r.percentile(95))}, "
            f"mean {support.ratio(r.mean, load_r.mean)}"
        )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.reps):
            rules()
        profiler.disable()
        print(f"\nrules under cProfile, {args.reps} runs, by own time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
