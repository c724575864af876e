"""The admin happy path in headless Chromium: log in, add a page, select it, see it Complete
and its contacts.

Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them); skipped without them.
Selenium is pointed at /usr/bin/chromedriver, so Selenium Manager never downloads a driver.
Set BROWSER_SCREENSHOTS=DIR to keep screenshots of the pages it saw (the dashboard included);
on a failure a screenshot is always saved to a temporary directory, named in the error.
"""

import os
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from contacts.workflow import page_extraction
from curation.runner import tick

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, chromedriver)",
    ),
]

TEAM_PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Harbor &amp; Finch LLP - Our team</title></head>
<body>
<h1>Our team</h1>
<div class="person">
  <h3>Jane Harbor</h3><p>Managing Partner</p>
  <a href="mailto:jane.harbor@harborfinch-law.com">jane.harbor@harborfinch-law.com</a>
  <a href="tel:+14158675309">(415) 867-5309</a>
</div>
<div class="person">
  <h3>Omar Finch</h3><p>Senior Associate</p>
  <a href="mailto:omar.finch@harborfinch-law.com">omar.finch@harborfinch-law.com</a>
</div>
<footer>Harbor &amp; Finch LLP, 100 Pine Street, San Francisco</footer>
</body></html>
"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/team":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(TEAM_PAGE)))
        self.end_headers()
        self.wfile.write(TEAM_PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def fixture_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="scrapersky-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1300",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str, directory: str | None = None) -> Path | None:
    directory = directory or os.environ.get("BROWSER_SCREENSHOTS")
    if not directory:
        return None
    Path(directory).mkdir(parents=True, exist_ok=True)
    path = Path(directory) / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_admin_happy_path(browser, live_server, staff, fixture_site, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    try:
        happy_path(browser, live_server.url, fixture_site)
    except BaseException as exc:
        path = screenshot(browser, "failure", tempfile.mkdtemp(prefix="scrapersky-browser-"))
        raise AssertionError(f"{exc} (screenshot of the page: {path})") from exc


def happy_path(driver, base: str, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def click_and_load(element) -> None:
        """Click something that loads a new page, and wait until the old one is gone."""
        old = driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old))

    def status_cells() -> tuple[str, str]:
        row = driver.find_element(By.CSS_SELECTOR, "#result_list tbody tr")
        return (
            row.find_element(By.CSS_SELECTOR, "td.field-curation_status").text,
            row.find_element(By.CSS_SELECTOR, "td.field-processing_status").text,
        )

    driver.get(f"{base}/admin/login/?next=/admin/")
    driver.find_element(By.NAME, "username").send_keys("staff")
    driver.find_element(By.NAME, "password").send_keys("pw")
    click_and_load(driver.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    assert driver.find_element(By.LINK_TEXT, "Dashboard")

    driver.get(f"{base}/admin/pages/page/add/")
    driver.find_element(By.NAME, "url").send_keys(f"{site}/team")
    click_and_load(driver.find_element(By.NAME, "_save"))
    assert "was added successfully" in driver.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert status_cells() == ("New", "-")

    driver.find_element(By.CSS_SELECTOR, "input[name=_selected_action]").click()
    Select(driver.find_element(By.NAME, "action")).select_by_value("select_for_extraction")
    click_and_load(driver.find_element(By.CSS_SELECTOR, "button[name=index]"))
    message = driver.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert "1 page updated, 1 queued for processing" in message
    assert status_cells() == ("Selected", "Queued")
    screenshot(driver, "pages-queued")

    result = tick(page_extraction, wait_seconds=0)  # what the worker does on the kick
    assert result.completed == 1, result

    driver.refresh()
    assert status_cells() == ("Selected", "Complete")
    row = driver.find_element(By.CSS_SELECTOR, "#result_list tbody tr")
    assert row.find_element(By.CSS_SELECTOR, "td.field-contacts_found").text == "2"
    screenshot(driver, "pages-complete")

    driver.get(f"{base}/admin/contacts/contact/")
    table = driver.find_element(By.ID, "result_list").text
    assert "jane.harbor@harborfinch-law.com" in table
    assert "omar.finch@harborfinch-law.com" in table
    assert "Jane Harbor" in table
    assert "+14158675309" in table
    screenshot(driver, "contacts")

    driver.get(f"{base}/admin/")
    click_and_load(driver.find_element(By.LINK_TEXT, "Dashboard"))
    assert driver.find_element(By.ID, "pages-total").text == "1"
    assert driver.find_element(By.ID, "throughput-hour").text == "1"
    assert driver.find_elements(By.CSS_SELECTOR, "#dash-contacts svg rect")
    screenshot(driver, "dashboard")
