"""From an accepted quote to a signed contract in a real browser (SP-4, RSK-S3): the salesperson
makes the contract and reviews it against the checklist, the group lead approves it, the signed
copy is uploaded, and signing it wins the deal on the pipeline board."""

import os
import re
import tempfile

from conftest import DEMO_PASSWORD, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_path

REP = "huang.lijun@demo.vanguard.cn"
GROUP_LEAD = "liu.jianguo@demo.vanguard.cn"


def click(driver, css):
    submit_and_wait(driver, find(driver, css))


def test_contract_review_approval_and_signing(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(f"{base_url}/pipeline")
    cards = find_all(driver, '.column[data-stage="proposal"] .deal-card')
    assert cards, "the demo pipeline has deals at the proposal stage"
    deal = cards[-1].get_attribute("data-id")
    driver.get(f"{base_url}/quotes/new?opportunityId={deal}")
    form = find(driver, "form#quote-form")
    [o for o in find_all(find(form, "select#line0_product"), "option") if o.get_attribute("value")][1].click()
    find(form, "input#line0_quantity").send_keys("1")
    submit_and_wait(driver, find(form, "button#save"))
    wait_for_path(driver, re.compile(r"/quotes/[0-9A-Fa-f-]{36}"))
    click(driver, "button#to-sent")
    click(driver, "button#to-accepted")
    driver.get(find(driver, "a#make-contract").get_attribute("href"))
    form = find(driver, "form#contract-form")
    find(form, "textarea#paymentTerms").send_keys("30%预付，验收后付清")
    submit_and_wait(driver, find(form, "button#save"))
    wait_for_path(driver, re.compile(r"/contracts/[0-9A-Fa-f-]{36}"))
    contract_url = driver.current_url
    assert find(driver, "#contract-missing").is_displayed(), "what stands before signing is shown"
    review = find(driver, "form#review-form")
    for select in find_all(review, "select[name^=verdict_]"):
        driver.execute_script("arguments[0].value = 'passed'", select)
    submit_and_wait(driver, find(review, "button#save-review"))
    assert "passed" in text_of(find(driver, "#review")).lower() or "通过" in text_of(find(driver, "#review"))
    assert not find_all(driver, "button#approve"), "the owner does not approve their own contract"

    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, GROUP_LEAD, DEMO_PASSWORD)
    driver.get(contract_url)
    click(driver, "button#approve")
    assert find(driver, "#contract-status").text

    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, REP, DEMO_PASSWORD)
    driver.get(contract_url)
    handle, path = tempfile.mkstemp(suffix=".pdf")
    os.write(handle, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    os.close(handle)
    find(driver, "form#upload-form input#file").send_keys(path)
    click(driver, "button#upload")
    assert find(driver, "a#signed-file")
    click(driver, "button#to-signed")
    driver.get(f"{base_url}/pipeline")
    assert find(driver, f'.column[data-stage="won"] #deal-{deal}'), "signing the contract won the deal"
