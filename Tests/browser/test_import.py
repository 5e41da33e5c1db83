"""Importing members from a spreadsheet through the web page, and the XLSX export read by a
third-party reader (openpyxl), as Excel users will open it.

Each run imports members under fresh employee numbers, so the tests can run again against
the same server."""

import io
import os
import tempfile
import uuid

import openpyxl
import requests

from conftest import find, find_all, member_ids_in_list, submit_and_wait, text_of, wait_for_path

HEADER = ["工号", "姓名", "邮箱", "岗位", "职级", "入职日期", "小组", "直属上级"]


def upload(driver, base_url, path, check_only=False):
    driver.get(f"{base_url}/members/import")
    form = find(driver, "form#import-form")
    find(form, "input#file[type=file]").send_keys(path)
    box = find(form, "input#dryRun")
    if box.is_selected() != check_only:
        box.click()
    submit_and_wait(driver, find(form, "button#import-submit"))


def workbook(rows, suffix=".xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    wb.save(path)
    return path


def test_a_workbook_from_excel_adds_members_with_their_supervisor(admin, base_url):
    tag = uuid.uuid4().hex[:6].upper()
    path = workbook([
        [f"B{tag}1", f"导入主管{tag}", f"b{tag}1@import.test".lower(), "销售主管", "M1", "2025-04-01", "销售组", "M001"],
        [f"B{tag}2", f"导入组员{tag}", f"b{tag}2@import.test".lower(), "销售代表", "P2", "2025-04-02", "Sales", f"B{tag}1"],
    ])
    upload(admin, base_url, path, check_only=True)
    assert "2" in text_of(find(admin, "#import-checked")), "a check of a good file says how many rows are ready"
    assert member_ids_in_list(admin, base_url, f"导入组员{tag}") == [], "a check saves nothing"

    upload(admin, base_url, path)
    wait_for_path(admin, "/members")
    assert len(member_ids_in_list(admin, base_url, tag)) == 2


def test_a_bad_file_lists_each_problem_by_row_and_column(admin, base_url):
    tag = uuid.uuid4().hex[:6].upper()
    handle, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8-sig") as fh:
        fh.write(",".join(HEADER) + "\n")
        fh.write(f"C{tag}1,好行{tag},c{tag}1@import.test,销售代表,P1,2025-01-01,销售组,\n".lower())
        fh.write(f"C{tag}2,坏行{tag},not-an-email,销售代表,P1,2025-13-01,火星组,\n")
    upload(admin, base_url, path)
    table = find(admin, "table#import-problems")
    rows = [[text_of(td) for td in find_all(tr, "td")] for tr in find_all(table, "tbody tr")]
    assert ["3", "E-mail"] in [r[:2] for r in rows], rows
    assert {r[0] for r in rows} == {"3"}, "only the bad row is named"
    assert member_ids_in_list(admin, base_url, tag) == [], "all or nothing: the good row is not saved either"


def test_the_xlsx_export_opens_in_a_spreadsheet_reader(admin, base_url):
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    for c in admin.get_cookies():
        session.cookies.set(c["name"], c["value"])
    answer = session.get(f"{base_url}/members/export?format=xlsx", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Employee no.", "Name"]
    assert ws.freeze_panes == "A2"
    names = {row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "陈志远" in names
