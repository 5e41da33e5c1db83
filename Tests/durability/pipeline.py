"""Deals and tickets for the durability run (Tests/durability/crash.py).

Each deal is opened with an Idempotency-Key and moved along a path through the pipeline, each
ticket opened and moved through the service machine; every stage or status change goes with the
ETag of the record as last read (If-Match), so a retried change that was already applied is
answered 412 and read back instead of being applied twice. What was acknowledged is kept, and
checked after the run:

  * every acknowledged deal and ticket exists exactly once, at the stage or status last acknowledged;
  * each one's log (the deal's stage changes, the ticket's status timeline) holds every acknowledged
    move exactly once, in order, with one history entry per change;
  * the sales report's funnel for the year equals the deals that reached each stage, with the
    amounts they had, and its lost count equals the lost deals: the pipeline's totals are the
    sum of its deals;
  * every closed ticket sent exactly one satisfaction survey;
  * `vanguard check` finds every roll-up (the funnel's stage days, the service report's days, the
    campaign roll-ups) equal to a rebuild from the records.
"""

import re
import uuid

CUSTOMERS = 12
# Paths through the pipeline that need no quote or contract (negotiation needs a quote, won a
# signed contract): the visit, the proposal once needs are known, a loss with its reason.
DEAL_PATHS = [["visited", "proposal"], ["visited", "proposal", "lost"], ["visited"], ["lost"], ["visited", "lost"]]
TICKET_PATHS = [["acknowledged", "inProgress", "resolved", "closed"], ["inProgress", "resolved"], ["acknowledged"],
                ["resolved", "closed", "inProgress"]]
APPLIED_ID = re.compile(r"It was \w+ ([0-9A-Fa-f-]{36})")


class DealsAndTickets:
    def __init__(self, base, headers, until_answered, rng):
        self.base, self.headers, self.until_answered = base, headers, until_answered
        self.customers: list[str] = []
        self.paths = {}  # ("deal"|"ticket", i) -> the path chosen up front, so the run is the seed's
        self.rng = rng
        self.acknowledged: dict[tuple[str, int], tuple[str, list[str]]] = {}  # -> (id, moves acknowledged)

    def add_customers(self, session) -> None:
        """The customers the deals and tickets are for, written before the first kill."""
        for n in range(CUSTOMERS):
            r = session.post(f"{self.base}/api/v1/customers", headers=self.headers, timeout=10,
                             json={"name": f"耐久客户{n}有限公司", "kind": "company", "source": "visit"})
            if r.status_code != 201:
                raise SystemExit(f"could not add a customer: {r.status_code} {r.text[:300]}")
            self.customers.append(r.json()["id"])

    def path(self, kind: str, i: int) -> list[str]:
        return self.paths.setdefault((kind, i), self.rng.choice(DEAL_PATHS if kind == "deal" else TICKET_PATHS))

    def deal(self, session, i) -> None:
        body = {"customerId": self.customers[i % CUSTOMERS], "title": f"耐久商机{i}", "amount": 1000 + i,
                "needs": "需要一套演示系统"}
        deal_id = self.create(session, "opportunities", body)
        moves = []
        for stage in self.path("deal", i):
            change = {"stage": stage}
            if stage == "lost":
                change["lossReason"] = "预算取消"
            self.move(session, "opportunities", deal_id, "stage", stage, change)
            moves.append(stage)
        self.acknowledged[("deal", i)] = (deal_id, moves)

    def ticket(self, session, i) -> None:
        body = {"customerId": self.customers[i % CUSTOMERS], "type": "inquiry", "channel": "phone", "priority": "normal",
                "subject": f"耐久工单{i}", "description": "客户来电询问交付时间"}
        ticket_id = self.create(session, "tickets", body)
        moves = []
        for status in self.path("ticket", i):
            change = {"status": status}
            if status == "resolved":
                change.update(cause="delivery", resolution="已告知交付时间")
            self.move(session, "tickets", ticket_id, "status", status, change)
            moves.append(status)
        self.acknowledged[("ticket", i)] = (ticket_id, moves)

    def create(self, session, collection, body) -> str:
        key = str(uuid.uuid4())
        r = self.until_answered(
            lambda: session.post(f"{self.base}/api/v1/{collection}", json=body, timeout=10, headers={**self.headers, "Idempotency-Key": key}),
            lambda r: r.status_code >= 500 or (r.status_code == 409 and "idempotent-request-applied" not in r.text))
        if r.status_code == 201:
            return r.json()["id"]
        found = APPLIED_ID.search(r.text) if r.status_code == 409 else None
        if found:  # saved, its answer lost in a crash: the problem names the record
            return found.group(1)
        raise SystemExit(f"unexpected answer {r.status_code} creating {collection}: {r.text[:300]}")

    def move(self, session, collection, record_id, field, target, change) -> None:
        """One change, sent with the ETag last read; a 412 means it (or nothing else: only this
        client writes the record) was applied already, which a read shows."""
        url = f"{self.base}/api/v1/{collection}/{record_id}"
        while True:
            current = self.until_answered(lambda: session.get(url, headers=self.headers, timeout=10), lambda r: r.status_code >= 500)
            if current.status_code != 200:
                raise SystemExit(f"cannot read {url}: {current.status_code} {current.text[:300]}")
            if record(current)[field] == target:
                return
            etag = current.headers["ETag"]
            r = self.until_answered(lambda: session.patch(url, json=change, timeout=10, headers={**self.headers, "If-Match": etag}),
                                    lambda r: r.status_code >= 500)
            if r.status_code == 200 and record(r)[field] == target:
                return
            if r.status_code != 412:
                raise SystemExit(f"unexpected answer {r.status_code} moving {url} to {target}: {r.text[:300]}")


def record(r) -> dict:
    """The record in an answer: a ticket's page wraps it with its clocks and timeline."""
    body = r.json()
    return body.get("ticket", body)


def check(run_query, database_url, data_dir, work: DealsAndTickets, deals: int, tickets: int, report: dict) -> list[str]:
    problems = []
    acknowledged_deals = {v[0].upper(): v[1] for k, v in work.acknowledged.items() if k[0] == "deal"}
    acknowledged_tickets = {v[0].upper(): v[1] for k, v in work.acknowledged.items() if k[0] == "ticket"}
    if len(acknowledged_deals) != deals:
        problems.append(f"only {len(acknowledged_deals)} of {deals} deals were acknowledged")
    if len(acknowledged_tickets) != tickets:
        problems.append(f"only {len(acknowledged_tickets)} of {tickets} tickets were acknowledged")

    # Deals and tickets: one row each, at the last acknowledged stage or status; their logs hold
    # the moves in order (a deal's starts with its first stage), one history entry per change.
    rows = upper(run_query(database_url, data_dir, "SELECT id, stage, amount_fen FROM opportunities WHERE title LIKE '耐久商机%' AND deleted_at IS NULL"))
    amount_of = {r[0]: int(r[2]) for r in rows}
    problems += check_moves(run_query, database_url, data_dir, "deal", acknowledged_deals, rows, first="prospect", creation_logged=True,
                            log_sql="SELECT opportunity_id, to_stage FROM opportunity_stage_changes ORDER BY changed_at, id", entity="opportunity")
    rows = upper(run_query(database_url, data_dir, "SELECT id, status FROM tickets WHERE subject LIKE '耐久工单%' AND deleted_at IS NULL"))
    problems += check_moves(run_query, database_url, data_dir, "ticket", acknowledged_tickets, rows, first="new", creation_logged=False,
                            log_sql="SELECT ticket_id, to_status FROM ticket_updates WHERE kind = 'status' ORDER BY at, id", entity="ticket")

    # The funnel equals the deals: every deal reached "prospect", then each stage on its path.
    reached: dict[str, tuple[int, int]] = {}
    for d, moves in acknowledged_deals.items():
        for stage in {"prospect", *moves}:
            n, fen = reached.get(stage, (0, 0))
            reached[stage] = (n + 1, fen + amount_of.get(d, 0))
    if not report.get("funnel"):
        problems.append(f"the sales report has no funnel: {str(report)[:300]}")
    for step in report.get("funnel", []):
        n, fen = reached.get(step["stage"], (0, 0))
        if step["deals"] != n or round(step["amount"] * 100) != fen:
            problems.append(f"the funnel's {step['stage']} shows {step['deals']} deals, ¥{step['amount']}; the deals: {n}, ¥{fen / 100}")
    lost = sum(1 for moves in acknowledged_deals.values() if moves and moves[-1] == "lost")
    if report.get("lost") != lost:
        problems.append(f"the report counts {report.get('lost')} lost deals, the deals {lost}")

    surveys = {r[0]: int(r[1]) for r in upper(run_query(database_url, data_dir, "SELECT ticket_id, COUNT(*) FROM satisfaction_surveys GROUP BY ticket_id"))}
    closed = {t for t, moves in acknowledged_tickets.items() if "closed" in moves}
    wrong_surveys = [t for t in acknowledged_tickets if surveys.get(t, 0) != (1 if t in closed else 0)]
    if wrong_surveys:
        problems.append(f"{len(wrong_surveys)} tickets have not exactly one survey per closing, e.g. {wrong_surveys[0]}: {surveys.get(wrong_surveys[0], 0)}")
    return problems


def upper(rows):
    return [(str(r[0]).upper(),) + tuple(r[1:]) for r in rows]


def check_moves(run_query, database_url, data_dir, what, acknowledged, rows, first, creation_logged, log_sql, entity) -> list[str]:
    """Each acknowledged record (id -> moves) once in `rows` (id, where it is now), at its last
    move (or `first`); its log (`log_sql`: id, where it went) the moves in order, after `first`
    when the creation is logged too; one history entry for its creation and one per move."""
    problems = []
    now_at = {r[0]: r[1] for r in rows}
    if len(rows) != len(now_at) or set(now_at) != set(acknowledged):
        missing, extra = set(acknowledged) - set(now_at), set(now_at) - set(acknowledged)
        problems.append(f"{what}s: {len(rows)} rows for {len(acknowledged)} acknowledged; missing {sorted(missing)[:3]}, unexpected {sorted(extra)[:3]}")
    wrong = [r for r, moves in acknowledged.items() if now_at.get(r) != (moves[-1] if moves else first)]
    if wrong:
        problems.append(f"{len(wrong)} {what}s are not where their last acknowledged move put them, e.g. {wrong[:3]}")
    log: dict[str, list[str]] = {}
    for record_id, to in upper(run_query(database_url, data_dir, log_sql)):
        log.setdefault(record_id, []).append(to)
    wrong = [r for r, moves in acknowledged.items() if log.get(r, []) != ([first] if creation_logged else []) + moves]
    if wrong:
        r = wrong[0]
        problems.append(f"{len(wrong)} {what}s' logs differ from their acknowledged moves, e.g. {r}: {log.get(r)} for {acknowledged[r]}")
    history = {r[0]: int(r[1]) for r in upper(run_query(database_url, data_dir,
               f"SELECT entity_id, COUNT(*) FROM audit_events WHERE entity_type = '{entity}' GROUP BY entity_id"))}
    unlogged = [r for r, moves in acknowledged.items() if history.get(r, 0) != 1 + len(moves)]
    if unlogged:
        r = unlogged[0]
        problems.append(f"{len(unlogged)} {what}s lack one history entry per change, e.g. {r}: {history.get(r, 0)} for {1 + len(acknowledged[r])}")
    return problems
