"""Targets, reports and feedback in a real browser (SAL-1, SAL-5, RSK-M3): the lead's breakdown
that does not add up is refused with what was typed kept; the sales report draws its funnel; a
salesperson records a customer's feedback and routes it to a department.

Each run names what it creates uniquely, so the tests can run again against the same server."""

import uuid

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_until

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


def test_a_large_import_shows_its_progress_then_the_outcome(driver, base_url, tmp_path):
    """Issue 4, item 11: progress shown for large files, then how many customers were added."""
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    run = uuid.uuid4().hex[:6]
    rows = "\n".join(f"进度{run}客户{i}有限公司,展会" for i in range(1, 2001))
    path = tmp_path / "customers.csv"
    path.write_text("客户名称,来源渠道\n" + rows + "\n", encoding="utf-8")
    driver.get(f"{base_url}/customers/import")
    # What the progress bar said, recorded as it changes: the import of 2,000 rows takes about a
    # second here, quicker than polling could catch.
    driver.execute_script("""
        window.importProgress = [];
        const box = document.getElementById("import-progress");
        new MutationObserver(() => { if (!box.hidden) window.importProgress.push(box.querySelector("[data-progress-label]").textContent); })
            .observe(box, {attributes: true, childList: true, subtree: true, characterData: true});""")
    form = find(driver, "form#import-form")
    check_only = find(form, "#dryRun")
    if check_only.is_selected():
        check_only.click()
    find(form, "#file").send_keys(str(path))
    find(form, "button#import-submit").click()
    done = find(driver, "#import-done", timeout=120)
    assert "2000" in text_of(done), "the page says how many customers were added"
    seen = driver.execute_script("return window.importProgress || []")
    assert any("2000 / 2000" in label for label in seen), f"the bar counted the rows checked and saved: {seen}"
