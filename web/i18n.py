"""Dutch and English for the pages: the English text is the key, `NL` its Dutch translation.

The language comes from the `silver_lang` cookie (set by the switch in every page's header),
else from the browser's Accept-Language, else English. Messages from the services (findings,
refusals) are shown as the services word them.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

LANGUAGES = ("en", "nl")
COOKIE = "silver_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


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
    words = NL.get(text, text) if current_language() == "nl" else text
    return words.format(**values) if values else words


def label(kind: str, value: str | None) -> str:
    """A vocabulary value (status, role, crime type, ...) as a reader would say it."""
    if value is None:
        return ""
    english = VALUE_LABELS.get(kind, {}).get(value) or value.replace("_", " ")
    return translate(english)


VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {"awaiting_second_approval": "awaiting second approval"},
    "basis": {},
    "role": {},
    "crime_type": {},
    "asset_type": {},
}

NL: dict[str, str] = {
    "(none)": "(geen)",
    "(new asset)": "(nieuw vermogensbestanddeel)",
    "(not chosen)": "(niet gekozen)",
    "(unknown)": "(onbekend)",
    "2-63 characters: lower-case letters, digits, '.', '_' or '-'.": (
        "2-63 tekens: kleine letters, cijfers, '.', '_' of '-'."
    ),
    "A 'Not Free' status is no human-rights concern for this pilot": (
        "Een status 'Not Free' is voor deze pilot geen mensenrechtenzorg"
    ),
    (
        "A notice reaches every participating country through INTERPOL's General "
        "Secretariat; a diffusion only the countries ticked below."
    ): (
        "Een notice bereikt via het Secretariaat-Generaal van INTERPOL elk deelnemend "
        "land; een diffusion alleen de landen die hieronder zijn aangevinkt."
    ),
    "Acknowledge the warnings": "Waarschuwingen erkennen",
    "Action": "Actie",
    "Active": "Actief",
    "Add a holding": "Bezit toevoegen",
    "Add a relation": "Relatie toevoegen",
    "Add a subject": "Betrokkene toevoegen",
    "Add an asset": "Vermogensbestanddeel toevoegen",
    "Adequacy decision under the LED": "Adequaatheidsbesluit onder de richtlijn (LED)",
    "Agency": "Dienst",
    "Agency (caseworkers only)": "Dienst (alleen zaakbehandelaars)",
    "Aliases": "Aliassen",
    "All countries": "Alle landen",
    "All statuses": "Alle statussen",
    "Also known in": "Ook bekend in",
    "Answer due by": "Antwoord verwacht uiterlijk",
    "Answers of the countries": "Antwoorden van de landen",
    "Approved: a second screener must now confirm it (four eyes).": (
        "Goedgekeurd: een tweede screener moet dit nu bevestigen (vier ogen)."
    ),
    "Approved: the dissemination is on its way.": "Goedgekeurd: de verzending is onderweg.",
    "Asset": "Vermogensbestanddeel",
    "Asset concerned": "Betreffend vermogensbestanddeel",
    "Asset key": "Sleutel van het vermogensbestanddeel",
    "Assets": "Vermogensbestanddelen",
    "At least 12 characters.": "Ten minste 12 tekens.",
    "Attempts": "Pogingen",
    "Audience": "Publiek",
    (
        "Awaiting a second approval: the first approval is by {by} ({when}). A different "
        "screener confirms it."
    ): (
        "Wacht op een tweede goedkeuring: de eerste goedkeuring is van {by} ({when}). "
        "Een andere screener bevestigt die."
    ),
    "Back to the start page": "Terug naar de startpagina",
    "By": "Door",
    "CPI year": "CPI-jaar",
    "Cancel": "Annuleren",
    "Capital offences": "Misdrijven met de doodstraf",
    "Case {number} was created as a draft.": "Zaak {number} is als concept aangemaakt.",
    "Cases": "Zaken",
    "Changed": "Gewijzigd",
    "Charts": "Grafieken",
    "Code": "Code",
    "Corruption Perceptions Index score": "Score op de Corruption Perceptions Index",
    "Countries": "Landen",
    "Countries and their risk profiles": "Landen en hun risicoprofielen",
    "Country": "Land",
    "Country of residence": "Land van verblijf",
    "Country that answered": "Land dat antwoordde",
    "Country where it is": "Land waar het zich bevindt",
    "Create the user": "Gebruiker aanmaken",
    "Crime types": "Soorten misdrijf",
    "Currency": "Valuta",
    "Currency of the estimated value": "Valuta van de geschatte waarde",
    "Date of birth": "Geboortedatum",
    "Death penalty": "Doodstraf",
    "Decision": "Besluit",
    "Decision recorded: {status}.": "Besluit vastgelegd: {status}.",
    "Decisions": "Besluiten",
    "Description": "Omschrijving",
    "Details": "Details",
    "Disseminations": "Verzendingen",
    "Download the figures (ODS, OpenDocument)": "Cijfers downloaden (ODS, OpenDocument)",
    "Download the figures (XLSX, Excel)": "Cijfers downloaden (XLSX, Excel)",
    "Download the report (PDF)": "Rapport downloaden (PDF)",
    "Download the figures (CSV)": "Cijfers downloaden (CSV)",
    "Drawing of the case": "Tekening van de zaak",
    "EU member": "EU-lid",
    "EU member state": "EU-lidstaat",
    "EUR rates": "Wisselkoersen EUR",
    "Earlier versions": "Eerdere versies",
    "Edit": "Wijzigen",
    "Edit case": "Zaak wijzigen",
    "Estimated value": "Geschatte waarde",
    "Every finding": "Alle bevindingen",
    "FATF detail": "FATF-toelichting",
    "FATF status": "FATF-status",
    "Field": "Veld",
    "Filter": "Filteren",
    "Findings": "Bevindingen",
    "First approval by": "Eerste goedkeuring door",
    "For publication: every count from 1 to {n} is shown as “<{m}”.": (
        "Voor publicatie: elk aantal van 1 tot en met {n} staat er als “<{m}”."
    ),
    "Four eyes": "Vier ogen",
    "Freedom House detail": "Freedom House-toelichting",
    "Freedom House status": "Freedom House-status",
    "From": "Van",
    "From subject key": "Van betrokkene (sleutel)",
    "Full name": "Volledige naam",
    "Generated": "Gemaakt",
    "Holding": "Bezit",
    "Holdings (who holds which asset)": "Bezit (wie heeft welk vermogensbestanddeel)",
    "Holdings and relations": "Bezit en relaties",
    "Human-rights concerns": "Zorgen over mensenrechten",
    "I have weighed {rule}": "Ik heb {rule} gewogen",
    "Identifier": "Kenmerk",
    "Identifiers": "Identiteitskenmerken",
    "In this case": "In deze zaak",
    "Instrument": "Instrument",
    "Internal server error": "Interne serverfout",
    "Jurisdiction": "Rechtsgebied",
    "Justification": "Motivering",
    "Justification (needed for a third party)": "Motivering (nodig voor een derde)",
    "Justification for the special categories": "Motivering voor de bijzondere categorieën",
    "Key": "Sleutel",
    "Key of the new asset": "Sleutel van het nieuwe vermogensbestanddeel",
    "Kind": "Soort",
    "LEI": "LEI",
    "Last error": "Laatste fout",
    "Last page": "Laatste pagina",
    "Legal basis": "Rechtsgrond",
    "Legal basis reference": "Kenmerk van de rechtsgrond",
    "Links to other cases": "Verbanden met andere zaken",
    "Locked until": "Geblokkeerd tot",
    "Log in": "Inloggen",
    "Log out": "Uitloggen",
    "Logged in as": "Ingelogd als",
    "Main menu": "Hoofdmenu",
    "Maximum penalty (years)": "Maximale straf (jaren)",
    "Message": "Melding",
    "Name": "Naam",
    "National reference": "Nationaal kenmerk",
    "Nationalities": "Nationaliteiten",
    "New case": "Nieuwe zaak",
    "New asset found by the country": "Nieuw vermogensbestanddeel, gevonden door het land",
    "New user": "Nieuwe gebruiker",
    "Next page": "Volgende pagina",
    "No answers yet.": "Nog geen antwoorden.",
    (
        "No approval yet. An approval that reaches a high-risk country or acknowledges a "
        "warning needs a second screener."
    ): (
        "Nog geen goedkeuring. Een goedkeuring die een land met hoog risico bereikt of "
        "een waarschuwing erkent, heeft een tweede screener nodig."
    ),
    "No cases found.": "Geen zaken gevonden.",
    "No decisions yet.": "Nog geen besluiten.",
    "No findings.": "Geen bevindingen.",
    "No other case knows these subjects or assets.": (
        "Geen andere zaak kent deze betrokkenen of vermogensbestanddelen."
    ),
    "No reviews yet.": "Nog niet beoordeeld.",
    "None.": "Geen.",
    "Not disseminated yet.": "Nog niet verzonden.",
    "Notes": "Aantekeningen",
    "Nothing to draw for this period.": "Niets te tekenen voor deze periode.",
    "Number": "Nummer",
    "Offence summary": "Samenvatting van het feit",
    "One address per line.": "Eén adres per regel.",
    "One per line.": "Eén per regel.",
    (
        "Only for an asset the case does not list yet: choose (new asset) above, or give it a "
        "key here. The answer then concerns this asset, which is added to the case. Its country "
        "is the country that answered unless you give another."
    ): (
        "Alleen voor een vermogensbestanddeel dat nog niet in de zaak staat: kies hierboven "
        "(nieuw vermogensbestanddeel) of geef het hier een sleutel. Het antwoord betreft dan dit "
        "vermogensbestanddeel, dat aan de zaak wordt toegevoegd. Het land is het land dat "
        "antwoordde, tenzij u een ander opgeeft."
    ),
    (
        "One per line: type (passport, national_id, tax_id, other), number, country. "
        "E.g. passport NX1234567 NL."
    ): (
        "Eén per regel: soort (passport, national_id, tax_id, other), nummer, land. "
        "Bijvoorbeeld passport NX1234567 NL."
    ),
    "Only an admin changes who participates.": "Alleen een beheerder wijzigt wie deelneemt.",
    "Other countries": "Andere landen",
    "Page {page} of {pages}": "Pagina {page} van {pages}",
    "Pages": "Pagina's",
    "Participant": "Deelnemer",
    "Participant of the pilot": "Deelnemer aan de pilot",
    "Participants of the pilot": "Deelnemers aan de pilot",
    "Password": "Wachtwoord",
    "Period": "Periode",
    "Persons, companies, assets and countries of the case; the tables above hold the same.": (
        "Personen, bedrijven, vermogensbestanddelen en landen van de zaak; de tabellen "
        "hierboven bevatten hetzelfde."
    ),
    "Pilot report": "Rapportage van de pilot",
    "Please log in.": "Log in, alstublieft.",
    "Please try again in a moment.": "Probeer het zo nog eens.",
    "Previous page": "Vorige pagina",
    "Proposed by": "Voorgesteld door",
    "Quota": "Quotum",
    "Reason codes (for a return or a rejection)": "Redencodes (bij terugsturen of afwijzen)",
    "Reasons": "Redenen",
    "Reasons and acknowledgements": "Redenen en erkenningen",
    "Recipient": "Ontvanger",
    "Record an answer": "Antwoord vastleggen",
    "Record the answer": "Antwoord vastleggen",
    "Record the decision": "Besluit vastleggen",
    "Recorded by": "Vastgelegd door",
    "Refugee status from (country of origin)": "Vluchtelingenstatus uit (land van herkomst)",
    "Registration number": "Registratienummer",
    "Relation": "Relatie",
    "Relations between subjects": "Relaties tussen betrokkenen",
    "Remarks": "Opmerkingen",
    "Remove this asset": "Dit vermogensbestanddeel verwijderen",
    "Remove this holding": "Dit bezit verwijderen",
    "Remove this relation": "Deze relatie verwijderen",
    "Remove this subject": "Deze betrokkene verwijderen",
    "Report": "Rapportage",
    "Reported on": "Gemeld op",
    "Requested instrument": "Gevraagd instrument",
    "Result": "Resultaat",
    "Retry": "Opnieuw proberen",
    "Reviewed": "Beoordeeld",
    "Risk": "Risico",
    (
        "Risk per country: tick the recipients of a diffusion and confirm the transfer "
        "basis of third countries"
    ): (
        "Risico per land: vink de ontvangers van een diffusion aan en bevestig de "
        "doorgiftegrond van derde landen"
    ),
    "Reference for the helpdesk": "Kenmerk voor de helpdesk",
    "Role": "Rol",
    "Rule": "Regel",
    "Save": "Opslaan",
    "Save the case": "Zaak opslaan",
    "Save the profile": "Profiel opslaan",
    "Screening": "Screening",
    "Screening and decision": "Screening en besluit",
    "Screening findings": "Bevindingen van de screening",
    "Screening queue": "Screeningswachtrij",
    "Search by number, title or status": "Zoeken op nummer, titel of status",
    "Send (diffusion)": "Verzenden (diffusion)",
    "Send to {country}": "Verzenden naar {country}",
    "Sent": "Verzonden",
    "Service unavailable": "Dienst niet beschikbaar",
    "Storage unavailable": "Opslag niet beschikbaar",
    "Severity": "Ernst",
    "Share": "Aandeel",
    "Share (0 to 1)": "Aandeel (0 tot 1)",
    "Short and unique in the case, e.g. a1.": "Kort en uniek in de zaak, bijvoorbeeld a1.",
    "Short and unique in the case, e.g. s1; holdings and relations refer to it.": (
        "Kort en uniek in de zaak, bijvoorbeeld s1; bezit en relaties verwijzen ernaar."
    ),
    "Show": "Tonen",
    "Silver Notice pilot, the Netherlands": "Silver Notice-pilot, Nederland",
    "Skip to content": "Naar de inhoud",
    "Something went wrong on our side. It has been logged.": (
        "Er ging bij ons iets mis. Het is vastgelegd."
    ),
    "Sources": "Bronnen",
    "Stage": "Fase",
    "Status": "Status",
    "Status history": "Statusgeschiedenis",
    "Subject": "Betrokkene",
    "Subject key": "Sleutel van de betrokkene",
    "Subjects": "Betrokkenen",
    "Subjects and assets": "Betrokkenen en vermogensbestanddelen",
    "Submit for screening": "Indienen voor screening",
    "Submitted": "Ingediend",
    (
        "Submitted cases and cases awaiting a second approval: urgent first, then oldest "
        "first. {total} in all."
    ): (
        "Ingediende zaken en zaken die op een tweede goedkeuring wachten: spoedeisend "
        "eerst, dan de oudste eerst. {total} in totaal."
    ),
    "Target countries": "Doellanden",
    "The answer of {country} was recorded.": "Het antwoord van {country} is vastgelegd.",
    "The case": "De zaak",
    "The case contains special categories of personal data": (
        "De zaak bevat bijzondere categorieën persoonsgegevens"
    ),
    "The case was submitted for screening.": "De zaak is ingediend voor screening.",
    "The drawing could not be loaded.": "De tekening kon niet worden geladen.",
    "The highest penalty for the offence under Dutch law.": (
        "De hoogste straf op het feit naar Nederlands recht."
    ),
    "The message to {recipient} is queued again.": (
        "Het bericht aan {recipient} staat opnieuw in de wachtrij."
    ),
    "The profile of {code} was saved.": "Het profiel van {code} is opgeslagen.",
    "The queue is empty.": "De wachtrij is leeg.",
    "The whole case page": "De volledige zaakpagina",
    "There are no warnings to acknowledge.": "Er zijn geen waarschuwingen om te erkennen.",
    "This case is not waiting for a decision.": "Deze zaak wacht niet op een besluit.",
    "Title": "Titel",
    "Titles are encrypted at rest, so the search looks through the cases on this page only.": (
        "Titels zijn versleuteld opgeslagen, dus de zoekopdracht doorzoekt alleen de "
        "zaken op deze pagina."
    ),
    "To": "Tot",
    "To subject key": "Naar betrokkene (sleutel)",
    "Transfer basis": "Doorgiftegrond",
    "Transfer basis for {country}": "Doorgiftegrond voor {country}",
    "Two-letter code; empty: the country that answered.": (
        "Tweeletterige code; leeg: het land dat antwoordde."
    ),
    "Two-letter country codes, separated by commas.": (
        "Landcodes van twee letters, gescheiden door komma's."
    ),
    "Type": "Soort",
    "Type of the new asset": "Soort van het nieuwe vermogensbestanddeel",
    "Updated": "Bijgewerkt",
    "Urgency": "Urgentie",
    "User {username} was created.": "Gebruiker {username} is aangemaakt.",
    "Username": "Gebruikersnaam",
    "Users": "Gebruikers",
    "Value": "Waarde",
    "Verdict": "Oordeel",
    "Version": "Versie",
    "Version {version}; last reviewed by {by} at {at}.": (
        "Versie {version}; laatst beoordeeld door {by} op {at}."
    ),
    "When": "Wanneer",
    "Where assets are suspected: two-letter codes, separated by commas, e.g. ES, BE.": (
        "Waar vermogen wordt vermoed: landcodes van twee letters, gescheiden door "
        "komma's, bijvoorbeeld ES, BE."
    ),
    "You are logged out.": "U bent uitgelogd.",
    "Your changes were saved.": "Uw wijzigingen zijn opgeslagen.",
    "e.g. 1250.00": "bijvoorbeeld 1250.00",
    "found by the country": "gevonden door het land",
    "never": "nooit",
    "no": "nee",
    "nobody": "niemand",
    "outdated": "verouderd",
    "overdue": "te laat",
    "required": "verplicht",
    "screened": "gescreend",
    "target": "doelland",
    "the start": "het begin",
    "today": "vandaag",
    "yes": "ja",
    "{shown} of {listed} cases on this page; {total} in all.": (
        "{shown} van {listed} zaken op deze pagina; {total} in totaal."
    ),
    "{used} of {limit} notices and diffusions used; {remaining} left.": (
        "{used} van {limit} notices en diffusions gebruikt; {remaining} over."
    ),
    "Bad request": "Ongeldig verzoek",
    "Form refused": "Formulier geweigerd",
    "Forbidden": "Geen toegang",
    "Not found": "Niet gevonden",
    "Not Found": "Niet gevonden",
    "Conflict": "Conflict",
    "Validation failed": "Onjuiste invoer",
    "Unauthorized": "Niet ingelogd",
    "Precondition failed": "Verouderde versie",
    "Precondition required": "Versie ontbreekt",
    "Too many requests": "Te veel pogingen",
    "Method Not Allowed": "Methode niet toegestaan",
    "unknown username or wrong password": "onbekende gebruikersnaam of onjuist wachtwoord",
    "Too many login attempts. Try again later (see Retry-After).": (
        "Te veel inlogpogingen. Probeer het later opnieuw."
    ),
    "Too many refused requests from this address. Try again later.": (
        "Te veel geweigerde verzoeken vanaf dit adres. Probeer het later opnieuw."
    ),
    "IBAN": "IBAN",
    "Account number": "Rekeningnummer",
    "BIC": "BIC",
    "Address": "Adres",
    "Cadastral reference": "Kadastrale aanduiding",
    "VIN": "Chassisnummer (VIN)",
    "Registration plate": "Kenteken",
    "Country of registration": "Land van registratie",
    "IMO number": "IMO-nummer",
    "Registration mark": "Registratiekenmerk",
    "Crypto currency": "Cryptovaluta",
    "Organisation (subject key)": "Organisatie (sleutel van de betrokkene)",
    "Percentage": "Percentage",
    "ISIN": "ISIN",
    "draft": "concept",
    "submitted": "ingediend",
    "returned": "teruggestuurd",
    "rejected": "afgewezen",
    "awaiting second approval": "wacht op tweede goedkeuring",
    "approved": "goedgekeurd",
    "disseminated": "verzonden",
    "closed": "gesloten",
    "caseworker": "zaakbehandelaar",
    "screener": "screener",
    "evaluator": "evaluator",
    "admin": "beheerder",
    "fraud": "fraude",
    "corruption": "corruptie",
    "drug trafficking": "drugshandel",
    "money laundering": "witwassen",
    "environmental crime": "milieucriminaliteit",
    "tax fraud": "belastingfraude",
    "organised crime": "georganiseerde misdaad",
    "human trafficking": "mensenhandel",
    "cybercrime": "cybercrime",
    "other": "overig",
    "bank account": "bankrekening",
    "real estate": "onroerend goed",
    "vehicle": "voertuig",
    "vessel": "schip",
    "aircraft": "luchtvaartuig",
    "crypto wallet": "cryptowallet",
    "company share": "aandeel in een bedrijf",
    "cash or valuables": "contanten of waardevolle zaken",
    "person": "persoon",
    "organisation": "organisatie",
    "suspect": "verdachte",
    "convicted": "veroordeelde",
    "third party": "derde",
    "owns": "is eigenaar van",
    "controls": "heeft zeggenschap over",
    "beneficial owner": "uiteindelijk begunstigde",
    "uses": "gebruikt",
    "director of": "bestuurder van",
    "shareholder of": "aandeelhouder van",
    "beneficial owner of": "uiteindelijk begunstigde van",
    "relative of": "familielid van",
    "associate of": "relatie van",
    "normal": "normaal",
    "urgent": "spoedeisend",
    "notice": "notice",
    "diffusion": "diffusion",
    "blocked": "geblokkeerd",
    "needs review": "beoordeling nodig",
    "clear": "geen bezwaar",
    "block": "blokkade",
    "warn": "waarschuwing",
    "info": "informatie",
    "approve": "goedkeuren",
    "reject": "afwijzen",
    "return": "terugsturen",
    "single": "enkel",
    "first": "eerste",
    "second": "tweede",
    "queued": "in de wachtrij",
    "sent": "verzonden",
    "failed": "mislukt",
    "acknowledged": "beantwoord",
    "no information": "geen informatie",
    "asset located": "vermogen gelokaliseerd",
    "frozen": "bevroren",
    "seized": "in beslag genomen",
    "confiscated": "verbeurdverklaard",
    "low": "laag",
    "medium": "middel",
    "high": "hoog",
    "prohibited": "verboden",
    "eu member": "EU-lidstaat",
    "adequacy": "adequaatheidsbesluit",
    "appropriate safeguards": "passende waarborgen",
    "derogation": "afwijking (individueel geval)",
    "criminal investigation": "strafrechtelijk onderzoek",
    "confiscation order": "ontnemingsbeslissing",
    "conviction": "veroordeling",
    "internal": "intern",
    "public": "openbaar",
    # People management and passwords.
    (
        "A reset gives you a one-time password to hand to the user; they must choose a new "
        "password when they log in with it. Their sessions end at once."
    ): (
        "Een reset geeft u een eenmalig wachtwoord om aan de gebruiker te geven; die kiest bij "
        "het inloggen ermee een nieuw wachtwoord. Hun sessies eindigen direct."
    ),
    "Active: may log in": "Actief: mag inloggen",
    "All users": "Alle gebruikers",
    "Back to the user": "Terug naar de gebruiker",
    "Change the password": "Wachtwoord wijzigen",
    "Change your password": "Uw wachtwoord wijzigen",
    "Current password": "Huidig wachtwoord",
    "Deactivating a user ends their sessions at once.": (
        "Een gebruiker deactiveren beëindigt direct al hun sessies."
    ),
    "Last login": "Laatst ingelogd",
    "Must change the password": "Moet het wachtwoord wijzigen",
    "New password": "Nieuw wachtwoord",
    "New password, again": "Nieuw wachtwoord, nogmaals",
    "One-time password": "Eenmalig wachtwoord",
    "Password change required": "Wachtwoord wijzigen verplicht",
    "Password reset": "Wachtwoord gereset",
    "Reset the password": "Wachtwoord resetten",
    "Role and access": "Rol en toegang",
    "Save the user": "Gebruiker opslaan",
    (
        "The one-time password of {username} is shown here once. Hand it to them in person or by "
        "another channel than their e-mail; they must choose a new password when they log in "
        "with it."
    ): (
        "Het eenmalige wachtwoord van {username} ziet u hier één keer. Geef het persoonlijk of "
        "via een ander kanaal dan hun e-mail; bij het inloggen ermee kiezen zij een nieuw "
        "wachtwoord."
    ),
    "The two new passwords differ.": "De twee nieuwe wachtwoorden verschillen.",
    "This is not your current password.": "Dit is niet uw huidige wachtwoord.",
    "Wrong password": "Onjuist wachtwoord",
    "User {username}": "Gebruiker {username}",
    "User {username} was saved.": "Gebruiker {username} is opgeslagen.",
    "Your password was changed.": "Uw wachtwoord is gewijzigd.",
    "Your password was reset by an admin. Choose a new password to go on.": (
        "Uw wachtwoord is door een beheerder gereset. Kies een nieuw wachtwoord om verder te gaan."
    ),
    # Answers due.
    "Answers due": "Te verwachten antwoorden",
    "By case": "Per zaak",
    "By country": "Per land",
    "Case": "Zaak",
    "Due by": "Uiterlijk",
    "Due soon": "Binnenkort",
    "Due within (days)": "Verwacht binnen (dagen)",
    "Every answer due": "Alle te verwachten antwoorden",
    "First due": "Eerst verwacht",
    "No answer is overdue or due soon.": "Geen antwoord is te laat of binnenkort verwacht.",
    "Overdue": "Te laat",
    "State": "Stand",
    "due in {days} days": "verwacht over {days} dagen",
    "{overdue} overdue, {soon} due within {days} days.": (
        "{overdue} te laat, {soon} verwacht binnen {days} dagen."
    ),
    # FollowTheMoney and reference data
    "Import (FtM)": "Importeren (FtM)",
    "Reference data": "Referentiedata",
    "Download as FollowTheMoney": "Downloaden als FollowTheMoney",
    "Import a case from FollowTheMoney": "Een zaak importeren uit FollowTheMoney",
    (
        "Upload the subjects, assets, holdings and relations of a case as FollowTheMoney entities "
        "(one JSON object per line, as OCCRP Aleph exports them). They are checked like a case "
        "typed by hand; the case is created as a draft that you can complete before submitting it."
    ): (
        "Upload de personen, organisaties, vermogensbestanddelen, eigendomsverhoudingen en "
        "relaties van een zaak als FollowTheMoney-entiteiten (één JSON-object per regel, zoals "
        "OCCRP Aleph ze exporteert). Ze worden gecontroleerd als een zaak die met de hand is "
        "ingevoerd; de zaak wordt aangemaakt als concept dat u kunt aanvullen voordat u het "
        "indient."
    ),
    "FollowTheMoney file": "FollowTheMoney-bestand",
    "At most {n} entities; a larger network belongs in the reference data.": (
        "Hoogstens {n} entiteiten; een groter netwerk hoort in de referentiedata."
    ),
    "(choose later)": "(later kiezen)",
    "Import": "Importeren",
    "Choose a file.": "Kies een bestand.",
    "The file is not FollowTheMoney JSON (one entity per line).": (
        "Het bestand is geen FollowTheMoney-JSON (één entiteit per regel)."
    ),
    "At most {n} entities in one case.": "Hoogstens {n} entiteiten in één zaak.",
    "Case {number} was created as a draft from {n} entities.": (
        "Zaak {number} is als concept aangemaakt uit {n} entiteiten."
    ),
    (
        "Public FollowTheMoney data (corporate registries, leaks, sanctions lists) that cases are "
        "matched and traced against. An administrator loads a dataset with `flask --app wsgi "
        "reference import FILE --dataset NAME`."
    ): (
        "Openbare FollowTheMoney-gegevens (handelsregisters, leaks, sanctielijsten) waartegen "
        "zaken worden gematcht en getraceerd. Een beheerder laadt een dataset met `flask --app "
        "wsgi reference import BESTAND --dataset NAAM`."
    ),
    "Dataset": "Dataset",
    "Entities": "Entiteiten",
    "Imported": "Geïmporteerd",
    "No reference data is loaded.": "Er is geen referentiedata geladen.",
    # Tracing
    "Trace": "Traceren",
    "Back to the case": "Terug naar de zaak",
    (
        "Follow ownership and control from a subject or asset: down to what it owns or controls, "
        "up to who owns or controls it, through this case, the reference data it matches and the "
        "identifiers it shares with other cases. Another agency's case shows only its number and "
        "agency."
    ): (
        "Volg eigendom en zeggenschap vanaf een persoon, organisatie of vermogensbestanddeel: "
        "omlaag naar wat het bezit of beheerst, omhoog naar wie het bezit of beheerst, via deze "
        "zaak, de referentiedata waarmee het overeenkomt en de kenmerken die het met andere "
        "zaken deelt. Van een zaak van een andere organisatie ziet u alleen het nummer en de "
        "organisatie."
    ),
    "Direction": "Richting",
    "down: what it owns or controls": "omlaag: wat het bezit of beheerst",
    "up: who owns or controls it": "omhoog: wie het bezit of beheerst",
    "Depth (steps)": "Diepte (stappen)",
    "Reached": "Bereikt",
    "{n} companies, persons and assets reached.": (
        "{n} bedrijven, personen en vermogensbestanddelen bereikt."
    ),
    "The trace stopped at 1,000: there is more.": "Het traceren stopte bij 1.000: er is meer.",
    "Steps": "Stappen",
    "Effective share": "Effectief belang",
    "Path": "Pad",
    "and {n} more, not followed": "en nog {n}, niet gevolgd",
    "reference data": "referentiedata",
    "another case": "een andere zaak",
    "this case": "deze zaak",
    "Add to the case": "Aan de zaak toevoegen",
    "Drawing of the trace": "Tekening van het traceren",
    (
        "The first {n} paths; reference data is drawn in grey with a dashed border, another case "
        "as a square. Choose a row above to highlight its path."
    ): (
        "De eerste {n} paden; referentiedata is grijs getekend met een gestippelde rand, een "
        "andere zaak als vierkant. Kies hierboven een rij om het pad ervan te markeren."
    ),
    "The asset could not be added: {reason}": (
        "Het vermogensbestanddeel kon niet worden toegevoegd: {reason}"
    ),
    "The asset was added to the case, and its country to the target countries.": (
        "Het vermogensbestanddeel is aan de zaak toegevoegd, en het land ervan aan de doellanden."
    ),
    "Matches in reference data and other cases": "Overeenkomsten in referentiedata en andere zaken",
    "Matches": "Overeenkomst",
    "Basis": "Grondslag",
    "Score": "Score",
    "identifier": "kenmerk",
    "name and birth date": "naam en geboortedatum",
    "name and birth year": "naam en geboortejaar",
    "name and jurisdiction": "naam en land van vestiging",
}

# The privacy officer's pages (data-subject requests).
NL.update(
    {
        "privacy officer": "privacyfunctionaris",
        "A list (aliases, nationalities) comma-separated; a date as YYYY-MM-DD.": (
            "Een lijst (aliassen, nationaliteiten) met komma's gescheiden; een datum als "
            "JJJJ-MM-DD."
        ),
        "Carried this person": "Bevatte deze persoon",
        "Cases found": "Gevonden zaken",
        "Categories": "Categorieën",
        "Corrected fields": "Gecorrigeerde velden",
        "Corrected value": "Gecorrigeerde waarde",
        "Data-subject requests": "Verzoeken van betrokkenen",
        "Erase": "Wissen",
        "Erase and tell the recipients": "Wissen en de ontvangers informeren",
        "Erased; recipients told: {recipients}.": (
            "Gewist; geïnformeerde ontvangers: {recipients}."
        ),
        "Find every case of every agency with a person of this name and date of birth. The "
        "name is compared as matching does (case, accents, punctuation and word order do not "
        "matter).": (
            "Vind elke zaak van elke dienst met een persoon met deze naam en geboortedatum. De "
            "naam wordt vergeleken zoals bij het matchen (hoofdletters, accenten, leestekens en "
            "woordvolgorde doen er niet toe)."
        ),
        "Letter (PDF)": "Brief (PDF)",
        "Letter (printable page)": "Brief (afdrukbare pagina)",
        "No case holds a person of this name and date of birth.": (
            "Geen zaak bevat een persoon met deze naam en geboortedatum."
        ),
        "No recipient has been told of a correction.": (
            "Er is nog geen ontvanger over een correctie geïnformeerd."
        ),
        "Purpose": "Doel",
        "Reads of the case": "Raadplegingen van de zaak",
        "Reason": "Reden",
        "Rectified; recipients told: {recipients}.": (
            "Gerectificeerd; geïnformeerde ontvangers: {recipients}."
        ),
        "Rectify": "Rectificeren",
        "Rectify and tell the recipients": "Rectificeren en de ontvangers informeren",
        "Request reference": "Kenmerk van het verzoek",
        "Restrict": "Beperken",
        "Restrict: no new dissemination": "Beperken: geen nieuwe verstrekking",
        "Restricted: no new dissemination carries this subject.": (
            "Beperkt: geen nieuwe verstrekking bevat deze betrokkene."
        ),
        "Search": "Zoeken",
        "The case was closed: no suspect is left.": (
            "De zaak is gesloten: er is geen verdachte meer."
        ),
        "The number of the access request; kept in the audit trail.": (
            "Het nummer van het inzageverzoek; het wordt vastgelegd in het auditspoor."
        ),
        "Transfers": "Verstrekkingen",
        "What each recipient was told": "Wat elke ontvanger is meegedeeld",
        "What is held": "Wat wordt verwerkt",
        "Who": "Wie",
        "restricted": "beperkt",
    }
)
