"""Receivables and credit in a real browser (RSK-S2, SAL-4): finance sees the ageing chart and
table and records an invoice; the salesperson sees late deliveries flagged."""

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of

FINANCE = "finance@demo.vanguard.cn"
REP = "huang.lijun@demo.vanguard.cn"


def test_ageing_chart_and_invoice(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, FINANCE, DEMO_PASSWORD)
    driver.get(f"{base_url}/receivables")
    bars = find_all(driver, "svg.bar-chart g.bar")
    assert len(bars) == 5, "one bar per ageing bucket"
    rows_before = len(find_all(driver, "#ageing-table tbody tr"))
    assert rows_before > 0, "the demo has customers who owe money"
    form = find(driver, "form#invoice-form")
    find(form, "#inv-amount").send_keys("12,345.60")
    driver.execute_script("arguments[0].value = '2026-01-05'", find(form, "#inv-issued"))
    driver.execute_script("arguments[0].value = '2026-02-04'", find(form, "#inv-due"))
    submit_and_wait(driver, find(form, "button#save-invoice"))
    assert "flash success" in driver.page_source or find(driver, ".flash").is_displayed()
    assert "12,345.60" in text_of(find(driver, "#ageing-table")) or len(find_all(driver, "#ageing-table tbody tr")) >= rows_before


def test_late_deliveries_are_flagged(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(f"{base_url}/orders")
    assert find_all(driver, "#order-list tbody tr"), "the demo rep has orders"
    find(driver, "a#late-orders").click()
    rows = find_all(driver, "#order-list tbody tr")
    assert all("late" in (r.get_attribute("class") or "") for r in rows)
