"""The content calendar in a real browser (MKT-3): a promotion member plans a post, finds it on
the month view coloured by its status, moves it on from the post's page, and reads the month on a
phone as a list of days."""

import re
import time

from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, DESKTOP_SIZE, find, find_all, sign_in, sign_out_locally, submit_and_wait, text_of, wait_for_path

PROMOTER = "kevin.zhou@demo.vanguard.cn"


def test_a_post_on_the_month_view_moves_on(driver, base_url):
    driver.set_window_size(*DESKTOP_SIZE)
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, PROMOTER, DEMO_PASSWORD)
    driver.get(f"{base_url}/market/content")
    assert find_all(driver, "#content-calendar .post-chip"), "the demo month has posts"
    month = find(driver, "#month-label").get_attribute("data-month")

    # A post for the 15th of the month shown, written in the form (China time).
    title = f"浏览器测试 {int(time.time())}"
    find(driver, "a#new-post").click()
    form = find(driver, "form#post-form")
    find(form, "#title").send_keys(title)
    Select(find(form, "select#channelAccountId")).select_by_index(1)
    when = find(form, "#scheduledAt")
    driver.execute_script("arguments[0].value = arguments[1]", when, f"{month}-15T20:00")
    submit_and_wait(driver, find(form, "button#save-post"))
    wait_for_path(driver, re.compile(r"^/market/content/[0-9a-fA-F-]{36}$"))
    post_path = driver.current_url

    driver.get(f"{base_url}/market/content?month={month}")
    day = find(driver, f"#day-{month}-15")
    chip = next(c for c in find_all(day, ".post-chip") if title in text_of(c))
    assert "post-idea" in (chip.get_attribute("class") or ""), "coloured by its status"

    # Idea → draft → review: one button per move on the post's page.
    driver.get(post_path)
    for move in ("draft", "review"):
        submit_and_wait(driver, find(driver, f"button#move-{move}"))
        assert f"post-{move}" in (find(driver, "#post-status").get_attribute("class") or "")
    assert find(driver, "button#move-scheduled").is_displayed()

    driver.get(f"{base_url}/market/content?month={month}")
    chip = next(c for c in find_all(find(driver, f"#day-{month}-15"), ".post-chip") if title in text_of(c))
    assert "post-review" in (chip.get_attribute("class") or "")


def test_the_month_reads_as_a_list_on_a_phone(driver, base_url):
    sign_out_locally(driver, base_url)
    sign_in(driver, base_url, PROMOTER, DEMO_PASSWORD)
    driver.set_window_size(390, 844)
    try:
        driver.get(f"{base_url}/market/content")
        assert not find(driver, ".month-head").is_displayed(), "no weekday header row on a phone"
        days = [d for d in find_all(driver, "#content-calendar .month-day") if d.is_displayed()]
        assert days and all(find_all(d, ".post-chip") for d in days), "only the days that have posts"
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "nothing wider than the phone"
    finally:
        driver.set_window_size(*DESKTOP_SIZE)
