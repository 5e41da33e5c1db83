"""Receivables and credit in a real browser (RSK-S2, SAL-4): finance sees the ageing chart and
table, records an invoice, and records money against one overdue invoice from the invoices list;
the salesperson sees late deliveries flagged."""

from decimal import Decimal

from selenium.webdriver.support.ui import Select

from conftest import (DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_new_page,
                      wait_for_path)

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


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_invoices_list_and_a_payment_against_one(driver, base_url):
    """Changes data: one yuan is paid on an overdue demo invoice each run, so it stays overdue."""
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, FINANCE, DEMO_PASSWORD)
    driver.get(f"{base_url}/receivables")
    find(driver, "a#to-invoices").click()
    wait_for_path(driver, "/receivables/invoices")
    html = find(driver, "html")
    Select(find(driver, "select#filter-status")).select_by_value("overdue")
    wait_for_new_page(driver, html, "choosing a status did not filter the list")
    assert "status=overdue" in driver.current_url
    rows = find_all(driver, "#invoice-list tbody tr")
    assert rows, "the demo has overdue invoices"
    assert all("late" in (r.get_attribute("class") or "") for r in rows)
    row_id = rows[0].get_attribute("id")
    cells = [text_of(c) for c in find_all(rows[0], "td")]
    paid_before, owed_before = _yuan(cells[6]), _yuan(cells[7])
    assert owed_before > 1

    row = rows[0]
    find(row, "details.pay summary").click()
    amount = find(row, "input[name=amount]")
    assert _yuan(amount.get_attribute("value")) == owed_before, "the payment form starts at what is owed"
    amount.clear()
    amount.send_keys("abc")
    find(row, "input[name=reference]").send_keys("BR-0921")
    submit_and_wait(driver, find(row, "button[type=submit]"))
    row = find(driver, f"tr[id='{row_id}']")
    assert find(row, ".field-error").is_displayed(), "the message sits beside the amount"
    assert find(row, "input[name=amount]").get_attribute("value") == "abc"
    assert find(row, "input[name=reference]").get_attribute("value") == "BR-0921", "what was typed is kept"

    amount = find(row, "input[name=amount]")
    amount.clear()
    amount.send_keys("1")
    submit_and_wait(driver, find(row, "button[type=submit]"))
    assert "status=overdue" in driver.current_url, "back on the same filtered list"
    row = find(driver, f"tr[id='{row_id}']")
    cells = [text_of(c) for c in find_all(row, "td")]
    assert _yuan(cells[6]) == paid_before + 1 and _yuan(cells[7]) == owed_before - 1

    # The payments journal lists it against that invoice, found by its reference.
    find(driver, "a#to-payments").click()
    wait_for_path(driver, "/receivables/payments")
    search = find(driver, "input#payment-search")
    search.send_keys("BR-0921")
    submit_and_wait(driver, find(driver, "form.filters button[type=submit]"))
    found = [[text_of(c) for c in find_all(r, "td")] for r in find_all(driver, "#payment-list tbody tr")]
    number = row_id.removeprefix("invoice-")
    assert any(f[3] == number and f[2] == "1.00" and f[4] == "BR-0921" for f in found), found


def test_late_deliveries_are_flagged(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(f"{base_url}/orders")
    assert find_all(driver, "#order-list tbody tr"), "the demo rep has orders"
    find(driver, "a#late-orders").click()
    rows = find_all(driver, "#order-list tbody tr")
    assert all("late" in (r.get_attribute("class") or "") for r in rows)
