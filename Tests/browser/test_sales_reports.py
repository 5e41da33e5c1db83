"""Targets, reports and feedback in a real browser (SAL-1, SAL-5, RSK-M3): the lead's breakdown
that does not add up is refused with what was typed kept; the sales report draws its funnel; a
salesperson records a customer's feedback and routes it to a department.

Each run names what it creates uniquely, so the tests can run again against the same server."""

import uuid

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of

LEAD = "chen.zhiyuan@demo.vanguard.cn"
REP = "huang.lijun@demo.vanguard.cn"


def yuan(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() else 0.0


def test_a_breakdown_that_does_not_add_up_keeps_what_was_typed(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/targets")
    form = find(driver, "form#targets-form")
    groups = [i for i in find_all(form, "tr.level-group input")]
    assert groups, "the lead edits each group's target"
    if not any(g.get_attribute("value").strip() for g in groups):
        groups[0].send_keys("1000")
    group_sum = sum(yuan(g.get_attribute("value")) for g in groups)
    typed = f"{group_sum + 12345:.2f}"
    team = find(form, "input#target_team")
    team.clear()
    team.send_keys(typed)
    submit_and_wait(driver, find(form, "button#save-targets"))
    assert "12,345" in text_of(find(driver, "#targets-error")) or find(driver, "#targets-error").is_displayed(), "the gap is explained"
    assert find(driver, "input#target_team").get_attribute("value") == typed, "the typed target is kept"


def test_sales_report_draws_the_funnel(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/reports/sales")
    assert find_all(driver, "#funnel tbody tr"), "one row per stage"
    assert find_all(driver, "svg.bar-chart"), "the funnel and time in stage, drawn"


def test_rep_records_feedback_and_routes_it(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(f"{base_url}/feedback")
    summary = f"希望增加英文版说明书 {uuid.uuid4().hex[:6]}"
    find(driver, "details.inline-form summary").click()
    form = find(driver, "form#feedback-form")
    find(form, "#summary").send_keys(summary)
    Select(find(form, "select#category")).select_by_value("product")
    find(form, "#tags").send_keys("说明书，出口")
    submit_and_wait(driver, find(form, "button#add-feedback"))
    item = next(li for li in find_all(driver, "#feedback-list li.event") if summary in text_of(li))
    assert "说明书" in text_of(item) and "出口" in text_of(item), "the tags are shown"
    route = find(item, "form.inline-route")
    departments = Select(find(route, "select"))
    departments.select_by_index(1)
    submit_and_wait(driver, find(route, "button"))
    item = next(li for li in find_all(driver, "#feedback-list li.event") if summary in text_of(li))
    assert find(item, ".tag.feedback-routed"), "routed to the department"
