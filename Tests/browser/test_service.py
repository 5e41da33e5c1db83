"""Customer service in a real browser (SVC-1, SVC-2, CP-1, CP-2, CP-4): an agent works the
queue, opens a ticket for a customer, moves it on, tells the customer, and sees the clocks; the
care list and the service report draw."""

import re

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_page, wait_for_path, wait_until

AGENT = "yang.fan@demo.vanguard.cn"
SERVICE_LEAD = "ma.lijuan@demo.vanguard.cn"
LEAD = "chen.zhiyuan@demo.vanguard.cn"


def test_agent_opens_and_works_a_ticket(driver, base_url, tmp_path):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, AGENT, DEMO_PASSWORD)
    driver.get(f"{base_url}/tickets")
    assert find_all(driver, "#ticket-list tbody tr"), "the demo month has open tickets"
    find(driver, "a#new-ticket").click()
    form = find(driver, "form#ticket-form")
    customers = Select(find(form, "select#customerId"))
    assert len(customers.options) > 1
    customers.select_by_index(1)
    find(form, "#subject").send_keys("浏览器测试：包装破损")
    Select(find(form, "select#type")).select_by_value("complaint")
    submit_and_wait(driver, find(form, "button#open-ticket"))
    wait_for_path(driver, re.compile(r"^/tickets/[0-9a-fA-F-]{36}$"))
    clocks = find_all(driver, "#clocks .clock")
    assert len(clocks) == 2, "first-response and resolution clocks"
    assert "clock-running" in (clocks[0].get_attribute("class") or "")

    move = find(driver, "form#move-form")
    Select(find(move, "select#status")).select_by_value("acknowledged")
    submit_and_wait(driver, find(move, "button#move-ticket"))
    assert "ticket-acknowledged" in (find(driver, "#ticket-status").get_attribute("class") or "")
    assert "clock-met" in (find_all(driver, "#clocks .clock")[0].get_attribute("class") or ""), "acknowledging answers the customer"

    # Resolving without a cause is refused beside the field, the typed resolution kept.
    move = find(driver, "form#move-form")
    Select(find(move, "select#status")).select_by_value("resolved")
    find(move, "#resolution-text").send_keys("已换货")
    submit_and_wait(driver, find(move, "button#move-ticket"))
    assert find(driver, "#e-cause").is_displayed()
    assert find(driver, "#resolution-text").get_attribute("value") == "已换货"

    update = find(driver, "form#update-form")
    find(update, "#update-body").send_keys("已安排换货，预计周五送达")
    find(update, "#customer-visible").click()
    submit_and_wait(driver, find(update, "button#add-update"))
    assert "已安排换货，预计周五送达" in text_of(find(driver, "#ticket-timeline"))

    # A photo of the damage, attached through the browser's file picker, is listed for download.
    photo = tmp_path / "damage.png"
    photo.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    upload = find(driver, "form#attachment-form")
    find(upload, "#attachment-file").send_keys(str(photo))
    submit_and_wait(driver, find(upload, "button#upload-attachment"))
    listed = find(driver, "#attachment-list")
    assert "damage.png" in text_of(listed)
    assert re.search(r"/attachments/[0-9a-fA-F-]{36}$", find(listed, "a[download]").get_attribute("href") or ""), "a download link to the stored file"


def test_care_list_and_service_report(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, SERVICE_LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/care")
    assert find_all(driver, "#care-list") or find_all(driver, ".empty-state"), "the care list or its empty state"
    driver.get(f"{base_url}/reports/service")
    assert find_all(driver, "svg.bar-chart"), "tickets by type and channel, satisfaction"
    assert text_of(find(driver, "#opened")).strip() != "0", "the demo month's tickets are counted"


def test_feedback_digest(driver, base_url):
    """SVC-3, CP-3: the lead reads the month's feedback per department and switches months."""
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    driver.get(f"{base_url}/feedback/digest")
    months = Select(find(driver, "select#month"))
    shown = [find_all(driver, ".digest-department")]
    this_month = months.options[0].get_attribute("value")
    months.select_by_value(this_month)   # the select submits itself
    wait_until(driver, lambda d: f"month={this_month}" in d.current_url, "the month select submits itself")
    wait_for_page(driver)
    shown.append(find_all(driver, ".digest-department"))
    assert any(shown), "the demo's two months of feedback show in this month's or last month's digest"
    if shown[-1]:
        assert find_all(driver, "svg.bar-chart"), "received and waiting per department, drawn"
