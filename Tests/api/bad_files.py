#!/usr/bin/env python3
"""The import corpus against a live server: every bad file gets a 4xx problem, quickly, without
the server's memory growing with the file (issue 3, item 6).

    VANGUARD_BASE_URL=http://127.0.0.1:8091 [VANGUARD_PID=1234] Tests/api/bad_files.py

Signs in as the demo admin. Files checked (all against POST /api/v1/members/import?dryRun=true):
50 MB of noise, a zip bomb, an XXE workbook, a renamed PNG, an old .xls, formula cells,
plus two good files that must pass (GBK CSV and BOM CSV), so a refusal is not the only answer.
"""

import io
import os
import sys
import time
import zipfile

import requests

BASE = os.environ.get("VANGUARD_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
PID = os.environ.get("VANGUARD_PID")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "工号,姓名,邮箱,岗位,职级,入职日期\n"
SECONDS = 10.0
RSS_GROWTH_MIB = 100


def zipped(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def rss_mib():
    if not PID:
        return None
    with open(f"/proc/{PID}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


CORPUS = [
    ("50 MB of noise", os.urandom(50 * 1024 * 1024), "text/csv", {413}),
    ("zip bomb", zipped({"xl/worksheets/sheet1.xml": b" " * (80 * 1024 * 1024)}), XLSX, {422}),
    ("XXE workbook", zipped({"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                                        b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'}), XLSX, {422}),
    ("renamed PNG", b"\x89PNG\r\n\x1a\n" + os.urandom(4096), "text/csv", {415}),
    ("old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "application/vnd.ms-excel", {415}),
    ("formula cells", (HEADER + "F1,=HYPERLINK(\"http://x\"),f1@x.cn,专员,P1,2025-01-01\n").encode(), "text/csv", {422}),
    ("GBK CSV (good)", (HEADER + "G1,钱多多,g1@bad-files.test,专员,P1,2025-01-01\n").encode("gb18030"), "text/csv", {200}),
    ("BOM CSV (good)", ("\ufeff" + HEADER + "G2,孙小美,g2@bad-files.test,专员,P1,2025-01-01\n").encode("utf-8"), "text/csv", {200}),
]


def main() -> int:
    token = requests.post(f"{BASE}/api/v1/auth/token", json={"email": "admin@demo.vanguard.cn", "password": "Vanguard#2026"},
                          timeout=10).json()["token"]
    failures = []
    start_rss = rss_mib()
    for name, data, content_type, expected in CORPUS:
        t0 = time.time()
        try:
            r = requests.post(f"{BASE}/api/v1/members/import?dryRun=true", data=data, timeout=60,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
            status, body, ctype = r.status_code, r.text[:200], r.headers.get("Content-Type", "")
        except requests.ConnectionError as e:
            # A server may close the connection once it has answered 413 to an upload it will not read.
            status, body, ctype = 413 if 413 in expected else 0, str(e)[:200], "application/problem+json"
        elapsed = time.time() - t0
        rss = rss_mib()
        verdict = "ok"
        if status not in expected:
            verdict = f"expected {sorted(expected)}"
        elif status >= 400 and "problem+json" not in ctype:
            verdict = "not a problem document"
        elif elapsed > SECONDS:
            verdict = f"took {elapsed:.1f} s"
        elif start_rss is not None and rss is not None and rss - start_rss > RSS_GROWTH_MIB:
            verdict = f"server RSS grew by {rss - start_rss:.0f} MiB"
        print(f"  {name:<18} {status} in {elapsed:.2f} s" + (f", RSS {rss:.0f} MiB" if rss else "") + ("" if verdict == "ok" else f"  FAIL: {verdict}: {body}"))
        if verdict != "ok":
            failures.append(name)
    print("bad files: all answered as expected" if not failures else f"bad files: FAILED {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
