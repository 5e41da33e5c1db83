"""Shared set-up for Vanguard's browser tests.

Runs Debian's Chromium through Debian's chromedriver (no downloads):

    apt-get install -y --no-install-recommends chromium chromium-driver
    python3 -m venv .venv-ci && .venv-ci/bin/pip install -r Tests/browser/requirements.txt
    VANGUARD_BASE_URL=http://127.0.0.1:8091 .venv-ci/bin/pytest -q Tests/browser

The server must run with `serve --demo` (freshly seeded demo data). Every test signs in
afresh, and tests that change data restore it, so the order does not matter and the suite
can be run twice against the same server.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlparse

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

DEMO_PASSWORD = "Vanguard#2026"
ADMIN_EMAIL = "admin@demo.vanguard.cn"
LEAD_EMAIL = "chen.zhiyuan@demo.vanguard.cn"
HR_EMAIL = "hr@demo.vanguard.cn"

DESKTOP_SIZE = (1280, 800)
WAIT_SECONDS = float(os.environ.get("VANGUARD_BROWSER_WAIT", "15"))

UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
MEMBER_PATH_RE = re.compile(rf"^/members/({UUID_RE})/?$")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def base_url() -> str:
    return os.environ.get("VANGUARD_BASE_URL", "http://127.0.0.1:8080").rstrip("/")


@pytest.fixture(scope="session")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("VANGUARD_CHROMIUM", "/usr/bin/chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={DESKTOP_SIZE[0]},{DESKTOP_SIZE[1]}",
    ):
        options.add_argument(arg)
    # English UI by default, whatever the machine's locale; the app may still pick a
    # language from a cookie or the user's settings.
    options.add_argument("--lang=en-US")
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    service = Service(executable_path=os.environ.get("VANGUARD_CHROMEDRIVER", "/usr/bin/chromedriver"))
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(30)
    drv.implicitly_wait(0)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture
def admin(driver: WebDriver, base_url: str) -> WebDriver:
    """The shared browser, signed in afresh as the demo admin, desktop-sized."""
    driver.set_window_size(*DESKTOP_SIZE)
    sign_in(driver, base_url, ADMIN_EMAIL, DEMO_PASSWORD)
    wait_for_path(driver, "/org")
    return driver


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.when not in ("setup", "call"):
        return
    drv = item.funcargs.get("driver") or item.funcargs.get("admin")
    if drv is None:
        return
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")
    path = f"/tmp/vanguard-browser-{name}.png"
    try:
        drv.save_screenshot(path)
        with open(f"/tmp/vanguard-browser-{name}.html", "w", encoding="utf-8") as fh:
            fh.write(f"<!-- {drv.current_url} -->\n{drv.page_source}")
        report.sections.append(("browser", f"URL {drv.current_url}\nscreenshot {path}"))
    except Exception as exc:  # the browser may be the thing that broke
        report.sections.append(("browser", f"could not save a screenshot: {exc}"))


# --------------------------------------------------------------------------- helpers


def wait_until(driver: WebDriver, condition, message: str, timeout: float = WAIT_SECONDS):
    """WebDriverWait that retries through the transient errors Chromium raises while a
    page is being replaced ("Node ... does not belong to the document", "document
    unloaded"), and fails as an assertion with `message`."""
    try:
        return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(condition)
    except TimeoutException:
        raise AssertionError(f"{message} (at {driver.current_url})") from None


def path_of(driver: WebDriver) -> str:
    return urlparse(driver.current_url).path


def wait_for_path(driver: WebDriver, path: str | re.Pattern, timeout: float = WAIT_SECONDS) -> str:
    """Wait until the current URL's path equals `path` (or fully matches a regex)."""

    def matches(d: WebDriver) -> bool:
        current = path_of(d)
        if isinstance(path, re.Pattern):
            return bool(path.fullmatch(current))
        return current.rstrip("/") == path.rstrip("/") or current == path

    wait_until(driver, matches, f"expected to be at {path!r}", timeout)
    wait_for_page(driver)
    return path_of(driver)


def wait_for_page(driver: WebDriver, timeout: float = WAIT_SECONDS) -> None:
    wait_until(
        driver,
        lambda d: d.execute_script("return document.readyState") == "complete",
        "the page did not finish loading",
        timeout,
    )


def find(driver: WebDriver | WebElement, css: str, timeout: float = WAIT_SECONDS) -> WebElement:
    """The first element matching `css`, waiting for it; fails with the selector's name."""
    if isinstance(driver, WebElement):
        try:
            return driver.find_element(By.CSS_SELECTOR, css)
        except NoSuchElementException:
            raise AssertionError(f"no element matches {css!r} inside {driver.tag_name}") from None
    return wait_until(driver, EC.presence_of_element_located((By.CSS_SELECTOR, css)), f"no element matches {css!r}", timeout)


def find_all(context: WebDriver | WebElement, css: str) -> list[WebElement]:
    return context.find_elements(By.CSS_SELECTOR, css)


def submit_and_wait(driver: WebDriver, button: WebElement, timeout: float = WAIT_SECONDS) -> None:
    """Click a submit button and wait for the next page to replace this one.

    Turns off the browser's own form validation first, so that the server's validation is
    what gets tested (an `<input type=email>` would otherwise block `not-an-email`).
    """
    html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("for (const f of document.forms) { f.noValidate = true; }")
    button.click()
    wait_for_new_page(driver, html, "submitting the form did not load a new page", timeout)


def wait_for_new_page(driver: WebDriver, old_html: WebElement, message: str, timeout: float = WAIT_SECONDS) -> None:
    """Wait until `old_html` (the previous page's root element) has been replaced."""
    wait_until(driver, EC.staleness_of(old_html), message, timeout)
    wait_for_page(driver, timeout)


def sign_out_locally(driver: WebDriver, base_url: str) -> None:
    """Forget any session: drop the cookies of the app's origin."""
    driver.get(f"{base_url}/login")
    driver.delete_all_cookies()


def sign_in(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    """Sign in through the login form, starting from no session.

    Returns once the page after the form's submission has loaded, wherever it is
    (callers assert /org or an error)."""
    sign_out_locally(driver, base_url)
    driver.get(f"{base_url}/login")
    form = find(driver, "form#login-form")
    email_input = find(form, "input#email[name=email]")
    password_input = find(form, "input#password[name=password]")
    email_input.clear()
    email_input.send_keys(email)
    password_input.clear()
    password_input.send_keys(password)
    submit_and_wait(driver, find(form, "button#sign-in"))


def member_id_from_href(href: str | None) -> str:
    path = urlparse(href or "").path
    match = MEMBER_PATH_RE.match(path)
    assert match, f"expected a link to /members/<uuid>, got {href!r}"
    return match.group(1)


def member_ids_in_list(driver: WebDriver, base_url: str, query: str | None = None) -> list[str]:
    """Member ids linked from the rows of /members (optionally filtered with ?q=)."""
    url = f"{base_url}/members"
    if query is not None:
        url += f"?q={quote(query)}"
    driver.get(url)
    find(driver, "form.filters")  # the table itself may be absent when nothing matches
    return [member_id_from_href(a.get_attribute("href")) for a in find_all(driver, "table.data tbody tr a.member-link")]


def text_of(element: WebElement) -> str:
    """An element's text content, whitespace collapsed, visible or not (WebElement.text
    leaves out what is hidden, e.g. inside a closed <details>)."""
    return " ".join((element.get_attribute("textContent") or "").split())


def input_value(form: WebElement, name: str) -> str:
    return find(form, f"[name='{name}']").get_attribute("value") or ""


def selected_value(form: WebElement, name: str) -> str:
    select = find(form, f"select[name='{name}']")
    chosen = [o for o in find_all(select, "option") if o.is_selected()]
    return (chosen[0].get_attribute("value") or "") if chosen else ""


def set_input(form: WebElement, name: str, value: str) -> None:
    element = find(form, f"input[name='{name}']")
    element.clear()
    element.send_keys(value)


def open_edit_form(driver: WebDriver, base_url: str, member_id: str) -> WebElement:
    driver.get(f"{base_url}/members/{member_id}/edit")
    return find(driver, "form#member-form")


def profile_position(driver: WebDriver, base_url: str, member_id: str) -> str:
    driver.get(f"{base_url}/members/{member_id}")
    return text_of(find(driver, "dl.profile dd[data-field=position]"))
