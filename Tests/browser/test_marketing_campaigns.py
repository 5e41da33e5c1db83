"""Campaigns in a real browser (MKT-1, MKT-4, MP-2 … MP-4): a planner plans one and is shown
what is wrong beside the fields with the typed plan kept; the promotion group's lead approves it;
a visitor signs up on a running campaign's public form (consent required) and turns up as the
campaign's lead; the evaluation draws its charts."""

import re
import time

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_path

PLANNER = "zhao.yiming@demo.vanguard.cn"
PROMOTION_LEAD = "grace.lin@demo.vanguard.cn"
LEAD = "chen.zhiyuan@demo.vanguard.cn"
CAMPAIGN_PATH = re.compile(r"^/market/campaigns/[0-9a-fA-F-]{36}$")


def fill(form, name, value):
    field = find(form, f"#{name}")
    field.clear()
    field.send_keys(value)


def test_planner_plans_and_the_group_lead_approves(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, PLANNER, DEMO_PASSWORD)
    driver.get(f"{base_url}/market/campaigns")
    assert find_all(driver, "#campaign-list tbody tr"), "the demo quarter has campaigns"
    find(driver, "a#new-campaign").click()
    form = find(driver, "form#campaign-form")
    name = f"浏览器测试路演 {int(time.time())}"
    fill(form, "name", name)
    Select(find(form, "select#type")).select_by_value("offlineEvent")
    Select(find(form, "select#goalMetric")).select_by_value("leads")
    fill(form, "goalTarget", "40")
    fill(form, "audience", "苏州工业园区的设备采购")
    fill(form, "contentPlan", "路演 + 现场扫码报名")
    fill(form, "budget", "20000")
    driver.execute_script("arguments[0].value='2027-03-12'", find(form, "#startOn"))
    driver.execute_script("arguments[0].value='2027-03-10'", find(form, "#endOn"))
    find(form, "input[name='channels[]'][value='offline']").click()
    submit_and_wait(driver, find(form, "button#save"))
    assert find(driver, "#e-endOn").is_displayed(), "the end before the start is named beside the field"
    assert find(driver, "#name").get_attribute("value") == name, "what was typed is kept"
    assert find(driver, "input[name='channels[]'][value='offline']").is_selected()
    driver.execute_script("arguments[0].value='2027-03-13'", find(driver, "#endOn"))
    submit_and_wait(driver, find(driver, "button#save"))
    wait_for_path(driver, CAMPAIGN_PATH)
    campaign = driver.current_url
    submit_and_wait(driver, find(driver, "button#move-submitted"))
    assert "campaign-submitted" in (find(driver, "#campaign-status").get_attribute("class") or "")
    assert not find_all(driver, "button#move-approved"), "a planner does not approve plans"

    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, PROMOTION_LEAD, DEMO_PASSWORD)
    driver.get(campaign)
    submit_and_wait(driver, find(driver, "button#move-approved"))
    assert "campaign-approved" in (find(driver, "#campaign-status").get_attribute("class") or "")
    assert "/forms/" in find(driver, "a#form-link").get_attribute("href"), "approved: the sign-up form is open"


def test_visitor_signs_up_on_the_public_form(driver, base_url):
    sign_out_locally(driver, base_url)
    driver.delete_all_cookies()
    driver.get(f"{base_url}/forms/trade-in?utm_source=wechat")
    form = find(driver, "form#lead-form")
    mobile = "139" + str(int(time.time()))[-8:]
    fill(form, "name", "浏览器访客")
    fill(form, "mobile", mobile)
    fill(form, "company", "浏览器测试机械有限公司")
    submit_and_wait(driver, find(form, "button#send-lead"))
    assert find(driver, "#e-consent").is_displayed(), "no consent, nothing kept"
    assert find(driver, "#mobile").get_attribute("value") == mobile
    find(driver, "#consent").click()
    submit_and_wait(driver, find(driver, "button#send-lead"))
    assert find(driver, "#lead-thanks").is_displayed()

    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/market/campaigns?q=以旧换新")
    find(driver, "#campaign-list tbody tr a").click()
    wait_for_path(driver, CAMPAIGN_PATH)
    assert "浏览器测试机械有限公司" in text_of(find(driver, "#lead-list")), "the sign-up is the campaign's lead"
    assert find_all(driver, "#evaluation-figures .card"), "the figures beside the plan"
    assert find_all(driver, "svg.bar-chart"), "leads and spend by week"


def test_period_evaluation_draws_and_exports(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/market/evaluation")
    assert find_all(driver, "#evaluation-table tbody tr"), "this quarter's campaigns"
    assert find_all(driver, "svg.bar-chart")
    assert "format=xlsx" in find(driver, "a#export-xlsx").get_attribute("href")
