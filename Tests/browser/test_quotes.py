"""A quote from the price list in a real browser (SP-3, RSK-S1): the salesperson builds a quote
with a discount above the policy's line, asks for approval, the team lead approves it, the
salesperson sends it, and the deal may then move to negotiation on the board."""

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_new_page, wait_for_path

REP = "huang.lijun@demo.vanguard.cn"
LEAD = "chen.zhiyuan@demo.vanguard.cn"


def click_status(driver, status):
    submit_and_wait(driver, find(driver, f"button#to-{status}"))


def test_quote_approval_and_negotiation(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(f"{base_url}/pipeline")
    cards = find_all(driver, '.column[data-stage="proposal"] .deal-card')
    assert cards, "the demo pipeline has deals at the proposal stage"
    deal = cards[0].get_attribute("data-id")
    driver.get(f"{base_url}/quotes/new?opportunityId={deal}")
    form = find(driver, "form#quote-form")
    product = find(form, "select#line0_product")
    options = [o for o in find_all(product, "option") if o.get_attribute("value")]
    options[0].click()
    find(form, "input#line0_quantity").send_keys("2")
    find(form, "input#line0_discount").send_keys("15")
    submit_and_wait(driver, find(form, "button#save"))
    wait_for_path(driver, __import__("re").compile(r"/quotes/[0-9A-Fa-f-]{36}"))
    quote_path = driver.current_url
    assert find(driver, "#approval-note").is_displayed(), "a 15 % discount needs the lead"
    assert not find_all(driver, "button#to-sent"), "it cannot be sent yet"
    click_status(driver, "pendingApproval")
    assert "待审批" in text_of(find(driver, "#quote-status")) or "approval" in text_of(find(driver, "#quote-status")).lower()

    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, LEAD, DEMO_PASSWORD)
    # The lead finds it through the sales menu's quotes list, filtered to those awaiting approval.
    driver.get(f"{base_url}/pipeline")
    find(driver, "li.nav-more summary").click()
    submit_and_wait(driver, find(driver, 'li.nav-more a[href="/quotes"]'))
    wait_for_path(driver, "/quotes")
    old_html = find(driver, "html")
    Select(find(driver, "select#filter-status")).select_by_value("pendingApproval")
    wait_for_new_page(driver, old_html, "choosing a status reloads the list")
    quote_id = quote_path.rstrip("/").split("/")[-1]
    rows = find_all(driver, f'#quote-list a[href="/quotes/{quote_id}"]')
    assert rows, "the quote awaiting approval is on the list"
    assert all("pendingApproval" in (t.get_attribute("class") or "") for t in find_all(driver, "#quote-list .tag")), "only those awaiting approval"
    submit_and_wait(driver, rows[0])
    wait_for_path(driver, f"/quotes/{quote_id}")
    click_status(driver, "approved")

    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(quote_path)
    click_status(driver, "sent")
    driver.get(f"{base_url}/pipeline")
    card = find(driver, f"#deal-{deal}")
    find(card, "details.move-menu summary").click()
    form = find(card, "form.move")
    driver.execute_script("arguments[0].value = 'negotiation'", find(form, "select[name=stage]"))
    submit_and_wait(driver, find(form, "button[type=submit]"))
    assert find(driver, f'.column[data-stage="negotiation"] #deal-{deal}'), "with a quote sent, negotiation opens"
