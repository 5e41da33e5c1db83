"""Market research and risk warnings in a real browser (MKT-2, LEAD-4, RSK-M2): the lead lands
on the org chart and sees the demo's open price-cut warning; a refused resolution keeps the
typed plan; a promotion member searches the research notes by tag, reads a competitor's prices
and timeline, and gets refused forms back with the message beside the field. Nothing is saved,
so the suite can run twice against the same server."""

import re

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_path

LEAD = "chen.zhiyuan@demo.vanguard.cn"
PROMOTER = "kevin.zhou@demo.vanguard.cn"


def test_lead_sees_the_price_cut_warning(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    wait_for_path(driver, "/org")
    assert find(driver, "#open-warnings-panel").is_displayed(), "open warnings on the lead's landing page"
    assert find(driver, "#open-warnings").get_attribute("textContent").strip() != "0"
    # The demo has other warnings too (campaigns over budget or over their cost per lead): find the price cut's.
    driver.get(f"{base_url}/warnings")
    link = next(a for a in find_all(driver, "#warning-list tbody a[href^='/warnings/']") if "MC-R6" in text_of(a))
    link.click()
    wait_for_path(driver, re.compile(r"^/warnings/[0-9a-fA-F-]{36}$"))
    assert "MC-R6" in text_of(find(driver, "#warning-message"))
    form = find(driver, "form#warning-form")
    plan = find(form, "#responsePlan")
    plan.clear()
    plan.send_keys("浏览器测试：先核实渠道价")
    submit_and_wait(driver, find(form, "button#resolve"))
    assert find(driver, "#e-resolutionNote").is_displayed(), "resolving needs a note, told beside the field"
    assert find(driver, "#responsePlan").get_attribute("value") == "浏览器测试：先核实渠道价", "the typed plan is kept"
    driver.get(f"{base_url}/warnings")
    assert find_all(driver, "#warning-list tbody tr"), "the open warnings list"


def test_promoter_reads_research_and_competitors(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, PROMOTER, DEMO_PASSWORD)
    driver.get(f"{base_url}/market/research?tag=机器人")
    notes = find_all(driver, "#research-list > li")
    assert notes and all("机器人" in text_of(n) for n in notes), "the tag filter"

    find(driver, "a#new-research").click()
    form = find(driver, "form#research-form")
    find(form, "#title").send_keys("浏览器测试笔记")
    find(form, "#sources").send_keys("http://")
    find(form, "#findings").send_keys("只是测试")
    submit_and_wait(driver, find(form, "button#save-research"))
    assert find(driver, "#e-sources").is_displayed(), "a broken link is told beside the sources"
    assert find(driver, "#title").get_attribute("value") == "浏览器测试笔记"

    driver.get(f"{base_url}/market/competitors")
    rows = find_all(driver, "#competitor-list tbody tr")
    assert len(rows) >= 3
    link = next(a for a in find_all(driver, "#competitor-list a") if "迈驰" in a.text)
    link.click()
    wait_for_path(driver, re.compile(r"^/market/competitors/[0-9a-fA-F-]{36}$"))
    assert "79,800.00" in text_of(find(driver, "#product-prices")), "the price cut set the robot's price"
    dates = [e.text.split()[0] for e in find_all(driver, "#event-timeline > li")]
    assert dates == sorted(dates, reverse=True), "the timeline is newest first"

    form = find(driver, "form#event-form")
    Select(find(form, "select#kind")).select_by_value("priceChange")
    find(form, "#title").send_keys("浏览器测试调价")
    find(form, "#productName").send_keys("MC-R6 六轴机器人")
    submit_and_wait(driver, find(form, "button#record-event"))
    assert find(driver, "#e-newPrice").is_displayed(), "a price change needs the new price"
    assert find(driver, "form#event-form #title").get_attribute("value") == "浏览器测试调价"
