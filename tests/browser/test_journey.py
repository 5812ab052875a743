"""The whole journey in a real headless Chromium: a caseworker proposes and submits a case
through the form, two screeners approve it with four eyes, the jobs disseminate it, the
caseworker records a country's answer and the evaluator finds it in the report and its CSV;
the privacy officer finds the suspect by name and date of birth and reads where it went.

Every step leaves a screenshot in var/test-artifacts/browser/, and every page the journey
visits is checked with axe-core (axe-playwright-python): any serious or critical violation
fails the test, with axe's report beside the screenshots. The case form is also completed
with the keyboard alone. No waiting on clocks: each check is Playwright's auto-waiting
`expect`.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from rq import SimpleWorker

from silver.infra import queue as job_queue
from silver.services import auth
from tests.browser.conftest import LiveServer
from tests.integration.conftest import PASSWORD
from tests.support.cases import imo, nl_iban

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.e2e]
# How long `expect` waits for a page to get there (the report counts the whole shared test
# database); an upper bound for the wait, never a measurement.
expect.set_options(timeout=30_000)
AXE = Axe()
# axe-core's impacts that fail the journey (the others, moderate and minor, are reported only).
FAILING_IMPACTS = ("serious", "critical")


class Journey:
    """One browser tab, its screenshots, and every console error it saw."""

    def __init__(self, page: Page, server: LiveServer, artifacts: Path) -> None:
        self.page = page
        self.server = server
        self.artifacts = artifacts
        self.step = 0
        self.console_errors: list[str] = []
        self.audited: set[str] = set()
        self.violations: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def shot(self, name: str) -> None:
        self.step += 1
        path = self.artifacts / f"{self.step:02d}-{name}.png"
        # From the top: the header and the case header stay in view, so a full-page picture
        # taken lower down would show them in the middle of the page.
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(path), full_page=True)
        self.audit(name)

    def audit(self, name: str) -> None:
        """axe-core on the page as it is now; serious and critical violations are kept for the
        test's end, with axe's report written beside the screenshots."""
        results = AXE.run(self.page)
        self.audited.add(self.page.url.split("?")[0].removeprefix(self.server.url))
        failing = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
        if results.violations_count:
            report = self.artifacts / f"axe-{self.step:02d}-{name}.txt"
            report.write_text(f"{self.page.url}\n\n{results.generate_report()}")
        for violation in failing:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            self.violations.append(
                f"{name} ({self.page.url}): {violation['impact']} {violation['id']}: "
                f"{violation['help']} at {targets}"
            )

    def go(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def log_in(self, username: str) -> None:
        """With the keyboard: the username field has the focus, Tab to the password, Enter."""
        self.go("/login")
        expect(self.page.locator("#username")).to_be_focused()
        if "/login" not in self.audited:
            self.audit("login")
        self.page.keyboard.type(username)
        self.page.keyboard.press("Tab")
        expect(self.page.locator("#password")).to_be_focused()
        self.page.keyboard.type(PASSWORD)
        self.page.keyboard.press("Enter")
        expect(self.page.locator(".user-name")).to_have_text(username)

    def tab_to(self, selector: str, limit: int = 120) -> None:
        """Tab forward until the element has the focus: it is reachable by keyboard alone."""
        target = self.page.locator(selector)
        for _ in range(limit):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{selector} was not reached with Tab in {limit} presses")

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Log out").click()
        expect(self.page.get_by_role("heading", name="Log in")).to_be_visible()
        expect(self.page.locator(".flash")).to_contain_text("logged out")


@pytest.fixture
def journey(chromium: Browser, live_server: LiveServer, artifacts: Path) -> Iterator[Journey]:
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield Journey(page, live_server, artifacts)
    finally:
        context.close()


def new_user(server: LiveServer, role: str, agency: str | None = None) -> str:
    username = f"b{role[:4]}-{uuid.uuid4().hex[:10]}"
    auth.create_user(username, role, agency, PASSWORD, server.svc.uow())
    return username


def run_jobs(server: LiveServer) -> None:
    """The rq worker, in this process: the queued disseminations go out through the outbox."""
    queue = job_queue.queue_for(server.svc.redis, server.svc.settings)
    SimpleWorker([queue], connection=server.svc.redis, serializer=job_queue.SERIALIZER).work(
        burst=True
    )


def fill_case_form(page: Page, tag: str) -> None:
    page.get_by_label("Title").fill(f"Operatie Browservos {tag}")
    page.get_by_label("National reference").fill(f"FIOD-B-{tag}")
    page.get_by_label("Maximum penalty (years)").fill("8")
    page.get_by_label("Requested instrument").select_option("diffusion")
    page.get_by_label("fraud", exact=True).check()
    page.get_by_label("money laundering").check()
    page.get_by_label("Offence summary").fill("Investment fraud; proceeds invested in Brazil.")
    page.get_by_label("Legal basis", exact=True).select_option("criminal_investigation")
    page.get_by_label("Legal basis reference").fill("RC 2026/301")
    page.get_by_label("Target countries").fill("BR")

    # The first subject row is there; the second is added with the button (by the script).
    page.locator("#subjects-0-key").fill("s1")
    page.locator("#subjects-0-full_name").fill(f"Jan Browserpersoon {tag}")
    page.locator("#subjects-0-date_of_birth").fill("1968-03-14")
    page.locator("#subjects-0-nationalities").fill("NL")
    page.locator("#subjects-0-identifiers").fill(f"passport NB{tag.upper()} NL")
    page.get_by_role("button", name="Add a subject").click()
    expect(page.locator("#subjects-1-key")).to_be_focused()
    page.locator("#subjects-1-key").fill("o1")
    page.locator("#subjects-1-kind").select_option("organisation")
    expect(page.locator("#subjects-1-name")).to_be_visible()
    expect(page.locator("#subjects-1-full_name")).to_be_hidden()
    page.locator("#subjects-1-name").fill(f"Browservos {tag} Ltda")
    page.locator("#subjects-1-jurisdiction").fill("BR")

    page.locator("#assets-0-key").fill("a1")
    page.locator("#assets-0-iban").fill(nl_iban())
    page.locator("#assets-0-country").fill("NL")
    page.locator("#assets-0-value_amount").fill("480000.00")
    page.get_by_role("button", name="Add an asset").click()
    page.locator("#assets-1-key").fill("a2")
    page.locator("#assets-1-type").select_option("vessel")
    expect(page.locator("#assets-1-imo")).to_be_visible()
    expect(page.locator("#assets-1-iban")).to_be_hidden()
    page.locator("#assets-1-imo").fill(imo())
    page.locator("#assets-1-name").fill("Blue Heron")
    page.locator("#assets-1-country").fill("BR")

    page.locator("#holdings-0-subject").fill("s1")
    page.locator("#holdings-0-asset").fill("a1")
    page.get_by_role("button", name="Add a holding").click()
    page.locator("#holdings-1-subject").fill("o1")
    page.locator("#holdings-1-relation").select_option("owns")
    page.locator("#holdings-1-asset").fill("a2")
    page.locator("#relations-0-from").fill("s1")
    page.locator("#relations-0-to").fill("o1")

    # A row added by mistake is removed again.
    page.get_by_role("button", name="Add a relation").click()
    expect(page.locator("#relations-1-from")).to_be_visible()
    page.locator("#relations-1").get_by_role("button", name="Remove this relation").click()
    expect(page.locator("#relations-1-from")).to_have_count(0)


def open_in_queue(journey: Journey, number: str) -> None:
    """The screener finds the case in the queue: oldest first, so it is on the last page."""
    page = journey.page
    journey.go("/screening")
    expect(page.get_by_role("heading", name="Screening queue")).to_be_visible()
    last = page.get_by_role("link", name="Last page")
    if last.count():
        last.click()
    row = page.locator(f'tr[data-case="{number}"]')
    expect(row).to_be_visible()
    journey.shot("screener-queue")
    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=re.compile(f"Screening {number}"))).to_be_visible()


def test_a_case_goes_from_the_form_through_four_eyes_to_an_answer_and_the_report(
    journey: Journey, live_server: LiveServer, artifacts: Path
) -> None:
    page = journey.page
    tag = uuid.uuid4().hex[:6]
    caseworker = new_user(live_server, "caseworker", "FIOD")
    screener, second_screener = new_user(live_server, "screener"), new_user(live_server, "screener")
    evaluator = new_user(live_server, "evaluator")

    # 1. The caseworker proposes the case through the form and submits it.
    journey.log_in(caseworker)
    expect(page.locator(".user-role")).to_have_text("caseworker")
    expect(page.locator(".user-agency")).to_have_text("FIOD")
    journey.shot("caseworker-cases")
    page.get_by_role("link", name="New case").first.click()
    fill_case_form(page, tag)
    journey.shot("caseworker-case-form")
    page.get_by_role("button", name="Save the case").click()
    expect(page.locator(".flash")).to_contain_text("was created as a draft")
    number = page.locator("h1 .case-number").inner_text()
    assert re.fullmatch(r"NL-SN-\d{4}-\d{4,}", number)
    expect(page.locator("table.subjects")).to_contain_text("Browservos")
    expect(page.locator("table.assets")).to_contain_text("Blue Heron")
    expect(page.locator("#case-graph")).to_have_attribute("data-state", "drawn")
    # The case, two subjects, two assets and the countries NL and BR.
    expect(page.locator("#case-graph")).to_have_attribute("data-nodes", "7")
    journey.shot("caseworker-case-created")
    page.get_by_role("button", name="Submit for screening").click()
    expect(page.locator("#case-status")).to_have_text("submitted")
    journey.shot("caseworker-case-submitted")
    journey.log_out()

    # 2. The first screener approves a diffusion to Brazil, a high-risk country: four eyes.
    journey.log_in(screener)
    open_in_queue(journey, number)
    br = page.locator('tr[data-country="BR"]')
    expect(br.locator(".risk")).to_have_text("high")
    expect(page.locator("#quota")).to_contain_text("notices and diffusions used")
    page.get_by_label("approve").check()
    expect(page.get_by_label("diffusion", exact=True)).to_be_checked()
    expect(page.get_by_label("Send to BR")).to_be_checked()
    expect(page.get_by_label("Transfer basis for BR")).to_have_value("appropriate_safeguards")
    page.get_by_label("Justification", exact=True).fill("Assets in Brazil; safeguards agreed.")
    journey.shot("screener-decision-form")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".flash")).to_contain_text("a second screener must now confirm")
    expect(page.locator("#four-eyes-state")).to_contain_text(f"the first approval is by {screener}")
    journey.shot("screener-awaiting-second-approval")
    journey.log_out()

    # 3. A second screener confirms it.
    journey.log_in(second_screener)
    open_in_queue(journey, number)
    expect(page.locator("#four-eyes-state")).to_contain_text(f"first approval is by {screener}")
    expect(page.get_by_label("approve")).to_be_checked()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".flash")).to_contain_text("the dissemination is on its way")
    expect(page.locator("#case-status")).to_have_text("approved")
    journey.shot("second-screener-approved")
    journey.log_out()

    # 4. The jobs send the signed message to Brazil.
    run_jobs(live_server)

    # 5. The caseworker sees the dissemination with its due date and records the answer.
    journey.log_in(caseworker)
    page.get_by_label("Search by number, title or status").fill(f"browservos {tag}")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=number).click()
    expect(page.locator("#case-status")).to_have_text("disseminated")
    notice = page.locator('tr[data-recipient="BR"]')
    expect(notice.locator(".notice-status")).to_have_text("sent")
    expect(notice.locator(".due-by time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    journey.shot("caseworker-disseminated")
    form = page.locator("#outcome-form")
    form.get_by_label("Country that answered").select_option("BR")
    form.get_by_label("Result").select_option("frozen")
    form.get_by_label("Asset concerned").select_option("a1")
    form.get_by_label("Value", exact=True).fill("250000.00")
    form.get_by_label("Notes").fill("Frozen by order of a court in Sao Paulo.")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.locator(".flash")).to_contain_text("The answer of BR was recorded")
    outcomes = page.locator("table.outcomes")
    expect(outcomes).to_contain_text("frozen")
    expect(outcomes).to_contain_text("€250,000.00")
    expect(notice.locator(".notice-status")).to_have_text("acknowledged")
    journey.shot("caseworker-answer-recorded")
    journey.log_out()

    # 6. The evaluator reads the report with its charts and downloads the CSV.
    journey.log_in(evaluator)
    expect(page.get_by_role("heading", name="Pilot report")).to_be_visible()
    expect(page.locator("#chart-funnel img")).to_be_visible()
    expect(page.locator("#chart-asset_results img")).to_be_visible()
    expect(page.locator("#chart-countries img")).to_have_attribute(
        "src", re.compile(r"^data:image/svg\+xml;base64,")
    )
    journey.shot("evaluator-report")
    # An evaluator's report is the public one unless they ask for the internal figures, which
    # show the single answer this journey recorded.
    journey.go("/report?audience=internal")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the figures (CSV)").click()
    saved = artifacts / "pilot-stats.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0] == ["section", "dimension", "key", "metric", "value"]
    figures = {tuple(r[:4]): r[4] for r in rows[1:]}
    assert int(figures[("countries", "country", "BR", "received")]) >= 1
    assert int(figures[("countries", "country", "BR", "responded")]) >= 1

    # 7. The same page in Dutch; the choice is remembered.
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Rapportage van de pilot")).to_be_visible()
    journey.go("/report")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    journey.shot("evaluator-report-dutch")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # 8. The accessibility statement, linked from every page's footer.
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Accessibility statement")).to_be_visible()
    journey.shot("accessibility-statement")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", name="Toegankelijkheidsverklaring")).to_be_visible()
    journey.shot("accessibility-statement-dutch")
    page.get_by_role("button", name="English").click()
    journey.log_out()

    # 9. The privacy officer finds the suspect by name and date of birth (the name written
    # another way) and reads what is held and where it went.
    journey.log_in(new_user(live_server, "privacy_officer"))
    expect(page.get_by_role("heading", name="Data-subject requests")).to_be_visible()
    page.get_by_label("Full name").fill(f"BROWSERPERSOON {tag}, Jan")
    page.get_by_label("Date of birth").fill("1968-03-14")
    page.get_by_label("Request reference").fill(f"AVG-{tag}")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#subject-hits")).to_contain_text(number)
    journey.shot("privacy-officer-search")
    page.get_by_role("link", name=number).click()
    expect(page.locator("h1 .case-number")).to_have_text(number)
    subject_page = page.url.removeprefix(live_server.url).split("?")[0]
    expect(page.locator("#subject-held")).to_contain_text(f"Jan Browserpersoon {tag}")
    expect(page.locator("#subject-transfers")).to_contain_text("Brazil (BR)")
    journey.shot("privacy-officer-subject")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", name="Wat wordt verwerkt")).to_be_visible()
    expect(page.locator("#subject-transfers")).to_contain_text("Brazilië (BR)")
    journey.shot("privacy-officer-subject-dutch")
    page.get_by_role("button", name="English").click()

    # Nothing the pages did was refused by the Content-Security-Policy, nor failed in a script;
    # axe-core found no serious or critical violation on any page the journey visited.
    assert journey.console_errors == []
    assert len(list(artifacts.glob("*.png"))) == journey.step
    assert journey.violations == []
    assert {
        "/login",
        "/cases",
        "/cases/new",
        "/screening",
        "/report",
        "/toegankelijkheid",
        "/privacy",
        subject_page,
    } <= journey.audited


def test_the_case_form_is_completed_with_the_keyboard_alone(
    journey: Journey, live_server: LiveServer
) -> None:
    page = journey.page
    tag = uuid.uuid4().hex[:6]
    journey.log_in(new_user(live_server, "caseworker", "FIOD"))
    journey.tab_to("a.side-nav__link >> text=New case")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New case")).to_be_visible()
    keys = page.keyboard

    journey.tab_to("#title")
    keys.type(f"Operatie Toetsenbord {tag}")
    journey.tab_to("#national_reference")
    keys.type(f"FIOD-K-{tag}")
    journey.tab_to("#max_penalty_years")
    keys.type("6")
    journey.tab_to("#requested_instrument")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(page.locator("#requested_instrument")).to_have_value("diffusion")
    journey.tab_to("#crime_types-fraud")
    keys.press("Space")
    expect(page.locator("#crime_types-fraud")).to_be_checked()
    journey.tab_to("#offence_summary")
    keys.type("Invoice fraud; the proceeds went to Spain.")
    journey.tab_to("#legal_basis_type")
    keys.press("ArrowDown")
    expect(page.locator("#legal_basis_type")).not_to_have_value("")
    journey.tab_to("#legal_basis_reference")
    keys.type("RC 2026/77")
    journey.tab_to("#target_countries")
    keys.type("ES")
    journey.tab_to("#subjects-0-key")
    keys.type("s1")
    journey.tab_to("#subjects-0-full_name")
    keys.type(f"Karel Toetsenbord {tag}")
    journey.tab_to("#subjects-0-nationalities")
    keys.type("NL")
    journey.tab_to("#assets-0-key")
    keys.type("a1")
    journey.tab_to("#assets-0-iban")
    keys.type(nl_iban())
    journey.tab_to("#assets-0-country")
    keys.type("ES")
    journey.shot("keyboard-case-form")
    journey.tab_to("#save-case")
    keys.press("Enter")

    expect(page.locator(".flash")).to_contain_text("was created as a draft")
    expect(page.locator("h1 .case-title")).to_have_text(f"Operatie Toetsenbord {tag}")
    expect(page.locator("table.subjects")).to_contain_text(f"Karel Toetsenbord {tag}")
    journey.shot("keyboard-case-created")
    assert journey.console_errors == []
    assert journey.violations == []


@pytest.mark.parametrize(
    "role", ["caseworker", "screener", "evaluator", "admin", "privacy_officer"]
)
def test_every_page_in_a_role_s_menu_passes_axe(
    journey: Journey, live_server: LiveServer, role: str
) -> None:
    """Each role's menu, page by page, and the password page: a screenshot and axe-core."""
    page = journey.page
    journey.log_in(new_user(live_server, role, "FIOD" if role == "caseworker" else None))
    links = page.locator("nav.side-nav a.side-nav__link")
    targets = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert len(targets) >= 2
    for path in targets:
        journey.go(path)
        expect(page.locator("h1")).to_be_visible()
        journey.shot(f"{role}-menu-{path.strip('/').replace('/', '-') or 'home'}")
    assert journey.console_errors == []
    assert journey.violations == []
