"""Members: the list and its search, a profile, editing (valid and invalid), history.

Edits touch distinct members (picked by sorted id, never the team lead except for a
refused change) and put the old value back, so the tests can run in any order and
again against the same server."""

import time
import uuid

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import (
    find,
    find_all,
    input_value,
    member_id_from_href,
    member_ids_in_list,
    open_edit_form,
    profile_position,
    selected_value,
    set_input,
    submit_and_wait,
    text_of,
    wait_for_new_page,
    wait_for_path,
)

TEXT_FIELDS = ["name", "nameEn", "employeeNo", "email", "mobile", "position", "grade", "hireDate"]
SELECT_FIELDS = ["groupId", "supervisorId", "status"]


def lead_member_id(driver, base_url):
    driver.get(f"{base_url}/org")
    links = find_all(driver, "section.orgchart div.org-lead .person-card a.name")
    if links:
        return member_id_from_href(links[0].get_attribute("href"))
    ids = member_ids_in_list(driver, base_url, "陈志远")
    assert len(ids) == 1, f"searching 陈志远 should find the team lead once, found {ids}"
    return ids[0]


def editable_members(driver, base_url):
    """Members other than the team lead, in a stable order (sorted ids)."""
    lead = lead_member_id(driver, base_url)
    ids = sorted(set(member_ids_in_list(driver, base_url)) - {lead})
    assert len(ids) >= 2, f"the demo data should list several members, found {len(ids)}"
    return ids


def form_values(form):
    values = {name: input_value(form, name) for name in TEXT_FIELDS}
    values.update({name: selected_value(form, name) for name in SELECT_FIELDS})
    return values


def field_error(driver, field):
    errors = find_all(driver, f"form#member-form div.field.has-error[data-field={field}] p.field-error")
    return errors[0].text.strip() if errors else ""


def save_position(driver, base_url, member_id, position):
    form = open_edit_form(driver, base_url, member_id)
    set_input(form, "position", position)
    submit_and_wait(driver, find(form, "button#save"))
    wait_for_path(driver, f"/members/{member_id}")


# --------------------------------------------------------------------------- the list


def test_member_list_links_every_row_to_a_profile(admin, base_url):
    admin.get(f"{base_url}/members")
    rows = find_all(admin, "table.data tbody tr")
    assert len(rows) >= 5, f"expected the demo members, found {len(rows)} rows"
    for row in rows:
        link = find(row, "a.member-link")
        assert text_of(link), f"row {text_of(row)!r} links an empty name"
        member_id_from_href(link.get_attribute("href"))


def search(driver, base_url, fragment):
    driver.get(f"{base_url}/members")
    box = find(driver, "form.filters input[type=search][name=q]")
    box.clear()
    box.send_keys(fragment)
    html = driver.find_element("tag name", "html")
    box.send_keys(Keys.ENTER)
    wait_for_new_page(driver, html, "pressing Enter in the search box did not submit the filters")
    find(driver, "form.filters")  # no table at all is a fine answer to a search without matches
    return find_all(driver, "table.data tbody tr")


def linked_rows(rows):
    return [r for r in rows if find_all(r, "a.member-link")]


def test_search_by_chinese_surname_shows_only_matching_members(admin, base_url):
    admin.get(f"{base_url}/members")
    all_rows = linked_rows(find_all(admin, "table.data tbody tr"))
    assert any("陈" not in text_of(r) for r in all_rows), "the demo data should include members not named 陈"
    rows = linked_rows(search(admin, base_url, "陈"))
    assert rows, "searching 陈 found nobody, but the team lead is 陈志远"
    for row in rows:
        assert "陈" in text_of(row), f"row {text_of(row)!r} does not match 陈"
    assert any("陈志远" in text_of(r) for r in rows)
    assert find(admin, "form.filters input[name=q]").get_attribute("value") == "陈"


def test_search_by_latin_fragment_of_the_english_name(admin, base_url):
    lead = lead_member_id(admin, base_url)
    english = input_value(open_edit_form(admin, base_url, lead), "nameEn")
    assert english, "the team lead has no English name"
    fragment = english.split()[-1]  # e.g. "Zhiyuan"
    rows = linked_rows(search(admin, base_url, fragment))
    ids = [member_id_from_href(find(r, "a.member-link").get_attribute("href")) for r in rows]
    assert lead in ids, f"searching {fragment!r} did not find {english}"
    for row in rows:
        assert fragment.lower() in text_of(row).lower(), f"row {text_of(row)!r} does not match {fragment!r}"


def test_search_without_match_shows_no_members(admin, base_url):
    rows = search(admin, base_url, "zz-no-such-member-" + uuid.uuid4().hex[:6])
    assert not linked_rows(rows), "a search that matches nobody must list nobody"


# --------------------------------------------------------------------------- profile


def test_profile_shows_name_position_and_edit_link(admin, base_url):
    admin.get(f"{base_url}/members")
    link = find(admin, "table.data tbody tr a.member-link")
    name = text_of(link)
    member_id = member_id_from_href(link.get_attribute("href"))
    link.click()
    wait_for_path(admin, f"/members/{member_id}")
    title = text_of(find(admin, "h1.page-title"))
    assert name in title or title in name, f"profile title {title!r}, list said {name!r}"
    assert text_of(find(admin, "dl.profile dd[data-field=position]")), "the profile shows no position"
    edit = find(admin, "a#edit")
    edit.click()
    wait_for_path(admin, f"/members/{member_id}/edit")
    form = find(admin, "form#member-form")
    for name in TEXT_FIELDS:
        find(form, f"input[name='{name}']")
    assert find(form, "input[name='hireDate']").get_attribute("type") == "date"
    for name in SELECT_FIELDS:
        find(form, f"select[name='{name}']")
    find(form, "button#save")


# --------------------------------------------------------------------------- editing


def test_changing_the_position_saves_it_and_records_history(admin, base_url):
    member_id = editable_members(admin, base_url)[0]
    old = profile_position(admin, base_url, member_id)
    new = f"Regional Promotion Specialist {uuid.uuid4().hex[:6]}"
    try:
        save_position(admin, base_url, member_id, new)
        assert text_of(find(admin, "dl.profile dd[data-field=position]")) == new
        admin.get(f"{base_url}/members/{member_id}/history")
        events = find_all(admin, "ol.timeline li.event")
        assert events, "the history has no events"
        assert any(new in text_of(e) for e in events), f"no history event mentions {new!r}"
    finally:
        if profile_position(admin, base_url, member_id) != old:
            save_position(admin, base_url, member_id, old)
    assert profile_position(admin, base_url, member_id) == old


def test_invalid_email_is_refused_and_the_form_keeps_what_was_typed(admin, base_url):
    member_id = editable_members(admin, base_url)[1]
    form = open_edit_form(admin, base_url, member_id)
    before = form_values(form)
    typed_position = f"Typed but not saved {uuid.uuid4().hex[:6]}"
    set_input(form, "email", "not-an-email")
    set_input(form, "position", typed_position)
    submit_and_wait(admin, find(form, "button#save"))

    form = find(admin, "form#member-form")
    assert field_error(admin, "email"), "no error is shown beside the e-mail field"
    flagged = [d.get_attribute("data-field") for d in find_all(form, "div.field.has-error")]
    assert flagged == ["email"], f"only the e-mail should be flagged, got {flagged}"
    after = form_values(form)
    assert after["email"] == "not-an-email"
    assert after["position"] == typed_position
    for field in TEXT_FIELDS + SELECT_FIELDS:
        if field not in ("email", "position"):
            assert after[field] == before[field], f"{field} changed from {before[field]!r} to {after[field]!r}"

    assert profile_position(admin, base_url, member_id) == before["position"], "the refused edit was saved"
    form = open_edit_form(admin, base_url, member_id)
    assert input_value(form, "email") == before["email"]


def test_team_lead_cannot_report_to_one_of_his_reports(admin, base_url):
    lead = lead_member_id(admin, base_url)
    report = find_report_of(admin, base_url, lead)
    form = open_edit_form(admin, base_url, lead)
    original = selected_value(form, "supervisorId")
    Select(find(form, "select[name=supervisorId]")).select_by_value(report)
    submit_and_wait(admin, find(form, "button#save"))

    find(admin, "form#member-form")
    assert field_error(admin, "supervisorId"), "no error is shown beside the supervisor field"
    form = open_edit_form(admin, base_url, lead)
    assert selected_value(form, "supervisorId") == original, "the reporting loop was saved"


def find_report_of(driver, base_url, lead):
    """A member who reports directly to the lead (else anyone below him in the chart)."""
    driver.get(f"{base_url}/org")
    candidates = []
    for link in find_all(driver, "section.orgchart article.org-group .person-card a.name"):
        candidates.append(member_id_from_href(link.get_attribute("href")))
    assert candidates, "the org chart shows nobody under the team lead"
    deadline = time.monotonic() + 60
    for member_id in candidates[:12]:
        if time.monotonic() > deadline:
            break
        if selected_value(open_edit_form(driver, base_url, member_id), "supervisorId") == lead:
            return member_id
    return candidates[0]
