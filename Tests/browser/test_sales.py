"""The sales chapter in a real browser, as a salesperson of the demo team uses it: find a
customer, add a contact (then find them on the contacts list) and log a visit on the customer page, then move a deal on the pipeline
board, both with the card's own form and by dragging it, and see a refused move explained
(SAL-2, SAL-3, SP-1 … SP-4).

Each run names what it creates uniquely, so the tests can run again against the same server."""

import uuid

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_path, wait_until

REP = "huang.lijun@demo.vanguard.cn"


def as_rep(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)


def test_customer_page_contact_and_visit(driver, base_url):
    as_rep(driver, base_url)
    driver.get(f"{base_url}/customers")
    rows = find_all(driver, "#customer-list tbody tr")
    assert rows, "the demo rep has customers"
    first = find(rows[0], "a.customer-link")
    name = text_of(first)
    # Search by a fragment of the name finds it.
    search = find(driver, "input#q")
    search.clear()
    search.send_keys(name[2:6])
    submit_and_wait(driver, find(driver, "form.filters button[type=submit]"))
    assert name in [text_of(a) for a in find_all(driver, "#customer-list a.customer-link")]
    driver.get(find(driver, "#customer-list a.customer-link").get_attribute("href"))
    tag = uuid.uuid4().hex[:6]
    find(driver, "#contacts details.inline-form summary").click()
    form = find(driver, "form#contact-form")
    find(form, "input#name").send_keys(f"联系人{tag}")
    find(form, "input#mobile").send_keys("123")
    submit_and_wait(driver, find(form, "button#add-contact"))
    form = find(driver, "form#contact-form")
    assert find(form, "input#name").get_attribute("value") == f"联系人{tag}", "the input is kept"
    assert "mainland" in text_of(find(form, "#e-mobile")) or text_of(find(form, "#e-mobile")), "the message sits beside the mobile field"
    mobile = find(form, "input#mobile")
    mobile.clear()
    mobile.send_keys("13912345678")
    submit_and_wait(driver, find(form, "button#add-contact"))
    assert f"联系人{tag}" in text_of(find(driver, "#contact-list"))
    customer_path = driver.current_url.split(base_url, 1)[1].split("#")[0]
    # The contacts list finds the new contact by name and by digits of the mobile, with their customer.
    # (A tag of digits alone would be looked for in mobiles only, so the name is searched whole.)
    for query in (f"联系人{tag}", "9123 4567"):
        driver.get(f"{base_url}/contacts")
        search = find(driver, "input#q")
        search.send_keys(query)
        submit_and_wait(driver, find(driver, "form.filters button[type=submit]"))
        rows = [r for r in find_all(driver, "#contact-list tbody tr") if f"联系人{tag}" in text_of(r)]
        assert len(rows) == 1, f"found by {query!r}"
        assert find(rows[0], "a.customer-link").get_attribute("href").endswith(f"{customer_path}#contacts")
    driver.get(f"{base_url}{customer_path}")
    find(driver, "#activities details.inline-form summary").click()
    form = find(driver, "form#activity-form")
    find(form, "textarea#summary").send_keys(f"拜访{tag}")
    find(form, "input#nextStep").send_keys("发送报价")
    submit_and_wait(driver, find(form, "button#log-activity"))
    assert f"拜访{tag}" in text_of(find(driver, "#activity-list"))


def card_in_column(driver, stage):
    return find_all(driver, f'.column[data-stage="{stage}"] .deal-card')


def test_board_moves_and_refusals(driver, base_url):
    as_rep(driver, base_url)
    driver.get(f"{base_url}/pipeline")
    prospects = card_in_column(driver, "prospect")
    assert prospects, "the demo pipeline has prospects"
    card = prospects[0]
    deal = card.get_attribute("data-id")
    # The card's own form (works without JavaScript), folded until asked for: prospect → visited.
    assert not find(card, "form.move").is_displayed(), "cards stay compact"
    find(card, "details.move-menu summary").click()
    form = find(card, "form.move")
    reason = find(form, "input[name=lossReason]")
    assert not reason.is_displayed(), "no loss reason asked for an open stage"
    Select(find(form, "select[name=stage]")).select_by_value("lost")
    assert reason.is_displayed(), "choosing lost asks why"
    Select(find(form, "select[name=stage]")).select_by_value("visited")
    assert not reason.is_displayed()
    submit_and_wait(driver, find(form, "button[type=submit]"))
    wait_for_path(driver, "/pipeline")
    assert find(driver, f'.column[data-stage="visited"] #deal-{deal}')
    # Dragging it onto "proposal" is refused: the customer's needs are not known yet (SP-2, SP-3).
    driver.execute_script(
        """
        const card = document.getElementById(arguments[0]);
        const target = document.querySelector('.column[data-stage="proposal"]');
        const data = new DataTransfer();
        card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
        target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
        target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
        """,
        f"deal-{deal}",
    )
    flash = find(driver, ".flash.error")
    wait_until(driver, lambda d: find(d, ".flash.error").is_displayed(), "the refusal is shown")
    assert text_of(flash), "the reason is given"
    assert find(driver, f'.column[data-stage="visited"] #deal-{deal}'), "the deal stays where it was"


def test_customer_found_by_typing_on_the_deal_form(driver, base_url):
    """The deal form's customer select lists the first customers; typing asks for the rest."""
    as_rep(driver, base_url)
    driver.get(f"{base_url}/opportunities/new")
    select = find(driver, "select#customerId[data-picker]")
    options = [o for o in find_all(select, "option") if o.get_attribute("value")]
    assert options, "the rep has customers to choose from"
    wanted = options[-1]
    value, name = wanted.get_attribute("value"), text_of(wanted)
    search = find(driver, "input.picker-search")
    assert search.get_attribute("placeholder"), "the box says what to type"
    search.send_keys(name)
    wait_until(driver, lambda d: select.get_attribute("data-picker-results") is not None, "the search did not answer")
    assert select.get_attribute("value") == value, "a single match is chosen"
    assert len([o for o in find_all(select, "option") if o.get_attribute("value")]) == 1
    search.clear()
    search.send_keys("没有这样的客户名称")
    wait_until(driver, lambda d: select.get_attribute("data-picker-results") == "0", "the empty search did not answer")
    assert select.get_attribute("value") == value, "nothing found keeps the choice made"
    assert any(o.get_attribute("disabled") is not None and text_of(o) for o in find_all(select, "option")), "and says nothing matched"
