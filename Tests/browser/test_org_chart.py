"""The org chart (/org): team lead, the three groups and their duties, departments,
the language switch, and the navigation on a phone-sized screen."""

import re

import pytest
from selenium.webdriver.support.ui import Select

from conftest import (
    DESKTOP_SIZE,
    find,
    find_all,
    member_id_from_href,
    text_of,
    wait_for_page,
    wait_for_path,
    wait_until,
)

CLAUSE_RE = re.compile(r"^[A-Z]{2,}-[A-Z]*\d+$")
GROUP_CLAUSE_PREFIXES = {"MKT", "SAL", "SVC"}
HEADINGS = {
    "zh-Hans": ["市场推广组", "销售组", "客户服务组"],
    "en": ["Market Promotion", "Sales", "Customer Service"],
}


def group_headings(driver):
    return [text_of(h) for h in find_all(driver, "section.orgchart article.org-group h2")]


def choose_locale(driver, value):
    """Pick a language in the top bar's switch; it must submit itself and reload."""
    select = Select(find(driver, "form.locale-switch select[name=locale]"))
    select.select_by_value(value)
    wait_until(
        driver,
        lambda d: d.find_element("tag name", "html").get_attribute("lang") == value,
        f"choosing {value!r} in the language switch did not reload the page as <html lang={value!r}>",
    )
    wait_for_page(driver)


def test_org_chart_shows_the_team_lead(admin):
    find(admin, "section.orgchart")
    cards = find_all(admin, "section.orgchart div.org-lead .person-card")
    assert len(cards) == 1, f"expected one team-lead card, found {len(cards)}"
    text = text_of(cards[0])
    assert "陈志远" in text or "Chen Zhiyuan" in text, f"the team lead card shows {text!r}"


def test_org_chart_has_three_groups_with_duties_and_members(admin):
    groups = find_all(admin, "section.orgchart article.org-group")
    assert len(groups) == 3, f"expected exactly three groups, found {len(groups)}"
    prefixes_seen = set()
    for group in groups:
        heading = text_of(find(group, "h2"))
        assert heading, "every group needs a heading"
        duties = find_all(group, "ul.duties li")
        assert duties, f"group {heading!r} lists no duties"
        for duty in duties:
            clause = text_of(find(duty, "span.clause"))
            assert CLAUSE_RE.match(clause), f"duty {text_of(duty)!r} in {heading!r} has clause {clause!r}"
            prefixes_seen.add(clause.split("-")[0])
        cards = find_all(group, ".person-card")
        assert cards, f"group {heading!r} shows no members"
        for card in cards:
            link = find(card, "a.name")
            assert text_of(link), f"a member card in {heading!r} has an empty name"
            member_id_from_href(link.get_attribute("href"))
    assert GROUP_CLAUSE_PREFIXES <= prefixes_seen, f"duties cite clauses {sorted(prefixes_seen)}"
    clauses = {text_of(c) for c in find_all(admin, "section.orgchart article.org-group span.clause")}
    assert {"MKT-1", "SAL-1", "SVC-1"} <= clauses, f"clauses shown: {sorted(clauses)}"


def test_org_chart_member_name_opens_their_profile(admin):
    link = find(admin, "section.orgchart article.org-group .person-card a.name")
    name = text_of(link)
    member_id = member_id_from_href(link.get_attribute("href"))
    link.click()
    wait_for_path(admin, f"/members/{member_id}")
    title = text_of(find(admin, "h1.page-title"))
    assert name in title or title in name, f"profile title {title!r} for card {name!r}"


def test_org_chart_lists_the_other_departments(admin):
    departments = [text_of(li) for li in find_all(admin, "section.departments ul.dept-list li")]
    assert len(departments) >= 5, f"expected at least 5 departments, found {departments}"
    assert all(departments), "a department entry is empty"


def test_language_switch_offers_three_languages(admin):
    select = find(admin, "form.locale-switch select[name=locale]")
    values = {o.get_attribute("value") for o in find_all(select, "option")}
    assert {"en", "zh-Hans", "zh-Hant"} <= values, f"locale options: {sorted(values)}"


@pytest.fixture
def restore_english(admin):
    yield admin
    # The choice may be remembered for the account: put English back for the other tests.
    try:
        if admin.find_element("tag name", "html").get_attribute("lang") != "en":
            choose_locale(admin, "en")
    except Exception:
        pass


def test_language_switch_translates_the_org_chart(restore_english):
    driver = restore_english
    if driver.find_element("tag name", "html").get_attribute("lang") == "zh-Hans":
        choose_locale(driver, "en")  # so that choosing zh-Hans is a change

    choose_locale(driver, "zh-Hans")
    wait_for_path(driver, "/org")
    headings = group_headings(driver)
    for expected in HEADINGS["zh-Hans"]:
        assert any(expected in h for h in headings), f"{expected!r} missing from headings {headings}"

    choose_locale(driver, "en")
    wait_for_path(driver, "/org")
    headings = group_headings(driver)
    for expected in HEADINGS["en"]:
        assert any(expected in h for h in headings), f"{expected!r} missing from headings {headings}"


def test_language_choice_is_kept_across_pages(restore_english, base_url):
    driver = restore_english
    if driver.find_element("tag name", "html").get_attribute("lang") == "zh-Hant":
        choose_locale(driver, "en")
    choose_locale(driver, "zh-Hant")
    driver.get(f"{base_url}/members")
    find(driver, "table.data")
    assert driver.find_element("tag name", "html").get_attribute("lang") == "zh-Hant"


def test_phone_width_navigation_opens_from_the_toggle(admin, base_url):
    driver = admin
    try:
        driver.set_window_size(390, 844)
        driver.get(f"{base_url}/org")
        wait_for_page(driver)
        toggle = find(driver, "button.nav-toggle")
        assert toggle.is_displayed(), "at 390 px the navigation toggle must be visible"
        links = find_all(driver, "nav.chapters a")
        assert links, "nav.chapters has no links"
        assert not any(a.is_displayed() for a in links), "at 390 px the chapter links start hidden"
        toggle.click()
        wait_until(
            driver,
            lambda d: any(a.is_displayed() for a in find_all(d, "nav.chapters a")),
            "clicking the toggle did not reveal the chapter links",
        )
    finally:
        driver.set_window_size(*DESKTOP_SIZE)
