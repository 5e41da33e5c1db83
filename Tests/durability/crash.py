#!/usr/bin/env python3
"""Durability under SIGKILL: acknowledged writes survive, retries never duplicate.

Starts `vanguard serve` on a fresh SQLite data directory (or the empty PostgreSQL database in
DATABASE_URL), sends WRITES member creations from CLIENTS threads, each with its own
Idempotency-Key and retried with that same key until the server acknowledges it, and SIGN_UPS
visitors through a running campaign's public form (written a batch per transaction; retried
until thanked), and DEALS deals and TICKETS tickets each opened and moved along its path (stage
and status changes with If-Match; see pipeline.py), while a killer thread SIGKILLs the server
KILLS times at random moments and restarts it. Then checks:

  * every acknowledged write is present exactly once (and nothing unacknowledged appears twice);
  * every member has exactly one "create" entry in the history (write and history are atomic);
  * no idempotency key lacks its member, none is claimed twice;
  * every thanked visitor is kept, as exactly one prospect however often they were retried, each
    visit with its history entry, and the campaign's lead roll-up counts each prospect once;
  * every acknowledged deal and ticket is there once, at its last acknowledged stage or status, each
    move logged once with its history entry; the funnel's totals equal the deals (pipeline.py);
  * `vanguard check`: SQLite's integrity_check is ok and every roll-up equals a rebuild from its
    records (the funnel's stage days, the service report's days, the campaign roll-ups).

    Tests/durability/crash.py [--writes 10000] [--sign-ups 2000] [--deals 1000] [--tickets 1000] [--kills 50] [--clients 8] [--seed N]

Needs the debug or release binary (VANGUARD_BIN, default .build/debug/vanguard), Python 3
with `requests`, and `psql` for PostgreSQL. Exit 0 when every check holds.
"""

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

from pipeline import DealsAndTickets, check as check_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN = ("durability@vanguard.test", "Durable#Pass2026")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=10_000)
    ap.add_argument("--sign-ups", type=int, default=None, help="public form sign-ups (default: a fifth of --writes)")
    ap.add_argument("--deals", type=int, default=None, help="deals opened and moved (default: a tenth of --writes)")
    ap.add_argument("--tickets", type=int, default=None, help="tickets opened and moved (default: a tenth of --writes)")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--port", type=int, default=8097)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("DURABILITY_SEED", time.time())))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    sign_ups = args.writes // 5 if args.sign_ups is None else args.sign_ups
    deals = args.writes // 10 if args.deals is None else args.deals
    tickets = args.writes // 10 if args.tickets is None else args.tickets
    print(f"durability: {args.writes} writes, {sign_ups} sign-ups, {deals} deals, {tickets} tickets, {args.kills} kills, "
          f"{args.clients} clients, seed {args.seed}", flush=True)

    binary = os.environ.get("VANGUARD_BIN", os.path.join(ROOT, ".build/debug/vanguard"))
    data_dir = tempfile.mkdtemp(prefix="vanguard-durability.")
    database_url = os.environ.get("DATABASE_URL")
    env = dict(os.environ, VANGUARD_DATA_DIR=data_dir, VANGUARD_ADMIN_EMAIL=ADMIN[0], VANGUARD_ADMIN_PASSWORD=ADMIN[1],
               VANGUARD_BCRYPT_COST="4", LOG_LEVEL="warning",
               VANGUARD_TRUST_PROXY="1")
    base = f"http://127.0.0.1:{args.port}"
    server = Server(binary, env, args.port, data_dir)
    failed, problems = False, []
    try:
        server.start()
        token = requests.post(f"{base}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}, timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        add_running_campaign(database_url, data_dir)
        pipeline = DealsAndTickets(base, headers, lambda send, retry: until_answered(send, retry), random.Random(args.seed + 1))
        pipeline.add_customers(requests.Session())

        next_index = iter(range(args.writes))
        index_lock = threading.Lock()
        acknowledged: dict[str, str] = {}  # employeeNo -> how it was acknowledged
        ack_lock = threading.Lock()
        retries = [0]
        done = threading.Event()
        failures: list[str] = []

        def worker(what: str, items, one) -> threading.Thread:
            """A thread that takes items until none are left, each with `one(session, item)`. Its
            SystemExit (an unexpected answer, a server that did not come back) would end only that
            thread, silently: it is kept for the report instead."""
            def run() -> None:
                session = requests.Session()
                try:
                    while True:
                        with index_lock:
                            i = next(items, None)
                        if i is None:
                            return
                        one(session, i)
                except BaseException as e:  # noqa: BLE001 - reported below, never swallowed
                    failures.append(f"a {what} client stopped: {e}")
            return threading.Thread(target=run)

        def until_answered(send, retry) -> requests.Response:
            """Sends until the server answers with something `retry` does not ask to send again,
            waiting for a killed server to come back."""
            while True:
                try:
                    r = send()
                except requests.RequestException:
                    retries[0] += 1
                    server.wait_healthy(30)
                    continue
                if not retry(r):
                    return r
                retries[0] += 1
                time.sleep(0.05)

        def add_member(session, i) -> None:
            no = f"D{i:06d}"
            key = str(uuid.uuid4())
            body = {"employeeNo": no, "name": f"耐久{i}", "email": f"d{i}@durability.test", "position": "专员",
                    "grade": "P1", "hireDate": "2025-01-01"}
            applied = lambda r: r.status_code == 409 and "idempotent-request-applied" in r.text  # noqa: E731
            r = until_answered(lambda: session.post(f"{base}/api/v1/members", json=body, timeout=10, headers={**headers, "Idempotency-Key": key}),
                               lambda r: r.status_code >= 500 or (r.status_code == 409 and not applied(r)))
            if r.status_code == 201:
                with ack_lock:
                    acknowledged[no] = "replayed" if r.headers.get("Idempotent-Replayed") else "first"
            elif applied(r):
                with ack_lock:
                    acknowledged[no] = "applied"
            else:
                raise SystemExit(f"unexpected answer {r.status_code} for {no}: {r.text[:300]}")

        next_visitor = iter(range(sign_ups))
        thanked: set[str] = set()

        def sign_up(session, i) -> None:
            mobile = f"137{i:08d}"
            form = {"_csrf": "durable", "name": f"访客{i}", "mobile": mobile, "consent": "true"}
            # Each visitor from their own address, so the rate limit slows none of them.
            form_headers = {"Cookie": "vg_csrf=durable", "X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}
            r = until_answered(lambda: session.post(f"{base}/forms/{CAMPAIGN_SLUG}", data=form, headers=form_headers, timeout=10),
                               lambda r: r.status_code >= 500)
            if r.status_code != 200 or 'id="lead-thanks"' not in r.text:
                raise SystemExit(f"unexpected answer {r.status_code} for visitor {i}: {r.text[:300]}")
            with ack_lock:
                thanked.add(mobile)

        def killer() -> None:
            for n in range(args.kills):
                if done.wait(rng.uniform(0.05, 0.6)):
                    return
                server.kill()
                server.start()
                print(f"  kill {n + 1}/{args.kills}: {len(acknowledged)} acknowledged so far", flush=True)

        started = time.time()
        next_deal, next_ticket = iter(range(deals)), iter(range(tickets))
        threads = ([worker("member", next_index, add_member) for _ in range(args.clients)] + [worker("visitor", next_visitor, sign_up) for _ in range(2)]
                   + [worker("deal", next_deal, pipeline.deal) for _ in range(2)] + [worker("ticket", next_ticket, pipeline.ticket) for _ in range(2)])
        kill_thread = threading.Thread(target=killer)
        for t in threads:
            t.start()
        kill_thread.start()
        for t in threads:
            t.join()
        done.set()
        kill_thread.join()
        elapsed = time.time() - started
        print(f"durability: {len(acknowledged)} writes acknowledged in {elapsed:.1f} s, {retries[0]} retries, "
              f"{server.kills} kills, {sum(1 for v in acknowledged.values() if v != 'first')} answered from the key store; "
              f"{len(thanked)} of {sign_ups} visitors thanked, {sum(1 for k in pipeline.acknowledged if k[0] == 'deal')} deals and "
              f"{sum(1 for k in pipeline.acknowledged if k[0] == 'ticket')} tickets moved", flush=True)

        year = time.strftime("%Y", time.gmtime(time.time() + 8 * 3600))  # the report's year, China time
        report = until_answered(lambda: requests.get(f"{base}/api/v1/reports/sales?period={year}", headers=headers, timeout=30),
                                lambda r: r.status_code >= 500).json()
        server.stop()
        problems = (failures + check(database_url, data_dir, set(acknowledged), args.writes) + check_sign_ups(database_url, data_dir, thanked, sign_ups)
                    + check_pipeline(run_query, database_url, data_dir, pipeline, deals, tickets, report) + vanguard_check(binary, env))
        for p in problems:
            print(f"FAIL: {p}", flush=True)
        if not problems:
            print("durability: every check holds", flush=True)
        return 1 if problems else 0
    except BaseException:
        failed = True
        raise
    finally:
        server.stop()
        if failed or problems:
            # CI removes nothing else of ours: the log's tail is the only trace of what went wrong.
            show_tail(os.path.join(data_dir, "server.log"))
        if os.environ.get("VANGUARD_KEEP_DATA") and (failed or problems):
            print(f"durability: data kept in {data_dir}", flush=True)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def show_tail(path, lines=60) -> None:
    try:
        with open(path, errors="replace") as f:
            tail = f.readlines()[-lines:]
    except OSError:
        return
    print(f"---- last {len(tail)} lines of the server's log ----", flush=True)
    for line in tail:
        print(line.rstrip()[:400], flush=True)
    print("---- end of the server's log ----", flush=True)


def check(database_url, data_dir, acknowledged, writes) -> list[str]:
    queries = {
        "members": "SELECT employee_no, COUNT(*) FROM members WHERE employee_no LIKE 'D%' GROUP BY employee_no",
        "history": "SELECT COUNT(*) FROM members m WHERE m.employee_no LIKE 'D%' AND "
                   "(SELECT COUNT(*) FROM audit_events a WHERE a.entity_id = m.id AND a.action = 'create') <> 1",
        "orphan keys": "SELECT COUNT(*) FROM idempotency_keys k WHERE k.entity_type = 'member' AND NOT EXISTS "
                       "(SELECT 1 FROM members m WHERE m.id = k.entity_id)",
        "keys": "SELECT COUNT(*) FROM idempotency_keys WHERE entity_type = 'member'",
    }
    rows = {name: run_query(database_url, data_dir, sql) for name, sql in queries.items()}
    counts = {r[0]: int(r[1]) for r in rows["members"]}
    problems = []
    missing = sorted(acknowledged - set(counts))
    if missing:
        problems.append(f"{len(missing)} acknowledged writes are missing, e.g. {missing[:5]}")
    doubled = sorted(no for no, c in counts.items() if c != 1)
    if doubled:
        problems.append(f"{len(doubled)} members were written more than once, e.g. {doubled[:5]}")
    if len(acknowledged) != writes:
        problems.append(f"only {len(acknowledged)} of {writes} writes were acknowledged")
    if int(rows["history"][0][0]) != 0:
        problems.append(f"{rows['history'][0][0]} members lack exactly one history entry")
    if int(rows["orphan keys"][0][0]) != 0:
        problems.append(f"{rows['orphan keys'][0][0]} idempotency keys point at no member")
    if int(rows["keys"][0][0]) != len(counts):
        problems.append(f"{rows['keys'][0][0]} keys for {len(counts)} members")
    return problems


def vanguard_check(binary, env) -> list[str]:
    """`vanguard check` on the stopped server's database: SQLite's integrity_check, and every
    roll-up against a rebuild from its records."""
    result = subprocess.run([binary, "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(result.stdout.strip(), flush=True)
    if result.returncode != 0:
        return [f"vanguard check failed (exit {result.returncode}): {(result.stdout + result.stderr).strip()[-2000:]}"]
    return []


CAMPAIGN_SLUG = "durability"


def add_running_campaign(database_url, data_dir) -> None:
    """A running campaign whose form is open, written straight into the migrated database."""
    campaign = str(uuid.uuid4()).upper()
    if database_url:
        stamp, yes = "now()", "true"
    else:
        stamp, yes = str(time.time()), "1"
    run_query(database_url, data_dir, f"""
        INSERT INTO campaigns (id, code, slug, name, type, status, goal_note, audience, channels, content_plan, budget_fen,
                               start_on, end_on, lessons, follow_up, form_open, created_at, version)
        VALUES ('{campaign}', 'DUR-1', '{CAMPAIGN_SLUG}', '耐久展会', 'exhibition', 'running', '', '', 'offline', '', 1000000,
                '2026-01-01', '2030-12-31', '', '', {yes}, {stamp}, 1)""")


def check_sign_ups(database_url, data_dir, thanked, sign_ups) -> list[str]:
    queries = {
        "kept": "SELECT c.phone_key, COUNT(DISTINCT c.customer_id), COUNT(DISTINCT t.id) FROM contacts c "
                "JOIN campaign_touches t ON t.customer_id = c.customer_id WHERE c.phone_key LIKE '137%' GROUP BY c.phone_key",
        "unlogged": "SELECT COUNT(*) FROM campaign_touches t WHERE NOT EXISTS "
                    "(SELECT 1 FROM audit_events a WHERE a.entity_id = t.id AND a.entity_type = 'campaignLead')",
        "roll-up": "SELECT (SELECT COUNT(*) FROM campaign_leads), (SELECT COUNT(DISTINCT customer_id) FROM campaign_touches)",
    }
    rows = {name: run_query(database_url, data_dir, sql) for name, sql in queries.items()}
    kept = {r[0]: (int(r[1]), int(r[2])) for r in rows["kept"]}
    problems = []
    lost = sorted(thanked - set(kept))
    if lost:
        problems.append(f"{len(lost)} thanked visitors were not kept, e.g. {lost[:5]}")
    split = sorted(m for m, (customers, _) in kept.items() if customers != 1)
    if split:
        problems.append(f"{len(split)} visitors became more than one prospect, e.g. {split[:5]}")
    if len(thanked) != sign_ups:
        problems.append(f"only {len(thanked)} of {sign_ups} visitors were thanked")
    if int(rows["unlogged"][0][0]) != 0:
        problems.append(f"{rows['unlogged'][0][0]} visits lack their history entry")
    leads, prospects = (int(v) for v in rows["roll-up"][0])
    if leads != prospects:
        problems.append(f"the lead roll-up counts {leads} prospects, the visits {prospects}")
    return problems


def run_query(database_url, data_dir, sql):
    if database_url:
        out = subprocess.run(["psql", database_url, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    with sqlite3.connect(os.path.join(data_dir, "vanguard.sqlite")) as db:
        return db.execute(sql).fetchall()


class Server:
    def __init__(self, binary, env, port, data_dir):
        self.binary, self.env, self.port, self.data_dir = binary, env, port, data_dir
        self.process = None
        self.kills = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            log = open(os.path.join(self.data_dir, "server.log"), "a")
            self.process = subprocess.Popen([self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                            env=self.env, cwd=ROOT, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.wait_healthy(60)

    def wait_healthy(self, timeout) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise SystemExit(f"the server did not come back within {timeout} s; see {self.data_dir}/server.log")

    def kill(self) -> None:
        with self.lock:
            if self.process and self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait()
                self.kills += 1

    def stop(self) -> None:
        with self.lock:
            if self.process and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()


if __name__ == "__main__":
    sys.exit(main())
