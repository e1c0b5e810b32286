"""lp-api declarations benchmark (a script, not a test).

    .venv/bin/python bench/lp_api_declarations.py [--n 100000] [--workers 4] [--connections 8] [--seconds 10]

At N declarations (100,000 by default): creates a scratch database on DATABASE_URL's server, migrates lp-api's
schema and loads, with a few INSERT ... SELECTs:
- N participants of one lead provider (bench/lp_api_sync.py's load: documents from lp-api's own resource builder),
  each with its enrolment (ECT, 2025 cohort, standard September schedule) as the read model keeps it;
- the lead provider's 2025 output statements (lp-api's own `ensure_statements`);
- N eligible `started` declarations, one per participant, on the next open statement: each row's document is
  lp-api's own (`declarations.store.document_of`, the serialiser every change goes through) made once with
  sentinels that PostgreSQL replaces per row (ids, partner, timestamps).
Then, against lp-api under gunicorn (directly, not through the gateway):
- the declarations full sync (GET /api/v3/participant-declarations), at per_page 100 and 3000: rows/s against the
  same ceiling (a bare psycopg read of the same documents) and the same bound (floor / (floor + ceiling), the HTTP
  floor a bare WSGI app answering real pages' bytes) as the participants' sync, interleaved page by page
  (bench/lp_api_sync.py's interleaved_sync); first, last and cold last page;
- the POST rate: wrk, one connection per thread, each POST a new `retained-1` declaration of a different
  participant (with evidence), so every request does the whole work (rules, locks, the statement, the insert, its
  audit and outbox event); every answer is checked (200), and the declarations made are counted in the database.
Prints a table and writes bench/results/lp_api_declarations.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, UTC
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

import lp_api_sync as sync
from harness import wrk, write_json
from lp_api_sync import ROOT, SCHEMA, SENTINEL_AT, Listing

from ecf_shared.migrations import upgrade  # noqa: E402  (lp_api_sync put shared/ and lp-api on the path)
from lp_api.declarations.clock import FinanceClock  # noqa: E402
from lp_api.declarations.store import document_of  # noqa: E402
from lp_api.statements.store import ensure_statements, next_open_statement  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "lp_api_declarations.json"
DECLARATIONS = Listing("/api/v3/participant-declarations", "declarations", b'"type":"participant-declaration"', None)
LEAD_PROVIDER_NAME = "Bench Lead Provider"
COHORT = 2025
DECLARED_AT = datetime(2025, 10, 1, 10, 0, tzinfo=UTC)  # started (the 2025 standard schedules open on 1 July)
POST_DATE = "2026-02-02T10:00:00Z"  # retained-1, in the past


def template_document(statement_id: str) -> str:
    """One declaration as lp-api stores and serves it, with sentinels where each row differs."""
    row = {"id": "@ID@", "teacher_id": "@TEACHER@", "declaration_type": "started", "declaration_date": DECLARED_AT,
           "course_identifier": "ecf-induction", "state": "eligible", "created_at": SENTINEL_AT,
           "updated_at": SENTINEL_AT, "delivery_partner_id": "@PARTNER@", "statement_id": statement_id,
           "clawback_statement_id": None, "ineligible_reason": None, "mentor_id": None,
           "evidence_held": "training-event-attended"}
    text = document_of(row, LEAD_PROVIDER_NAME)
    stamp = SENTINEL_AT.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert text.count(stamp) == 2, text
    return text.replace(stamp, "@AT@")


ENROLMENTS = """
insert into enrolments (id, training_period_id, teacher_id, participant_type, period_id, school_id, school_urn,
                        lead_provider_id, delivery_partner_id, cohort, schedule, training_status, withdrawal, deferral,
                        participant_status, email, registered_by, created_at, source_at)
select gen_random_uuid(), gen_random_uuid(), id, 'ect', gen_random_uuid(), gen_random_uuid(), '100001',
       lead_provider_id, gen_random_uuid(), %(cohort)s, 'ecf-standard-september', 'active', null, null, 'active',
       'ect-' || id || '@example.com', '{"name": "Grace Head", "email": "head@school.example"}', created_at, created_at
from participants where lead_provider_id = %(lead_provider_id)s
"""

DECLARATION_ROWS = """
insert into declarations (id, lead_provider_id, teacher_id, enrolment_id, participant_type, course_identifier,
                          declaration_type, declaration_date, evidence_held, cohort, schedule, delivery_partner_id,
                          state, statement_id, created_at, updated_at, document)
select id, %(lead_provider_id)s, teacher_id, enrolment_id, 'ect', 'ecf-induction', 'started', %(declared_at)s,
       'training-event-attended', %(cohort)s, 'ecf-standard-september', partner, 'eligible', %(statement_id)s, at, at,
       replace(replace(replace(replace(%(template)s::text, '@ID@', id::text), '@TEACHER@', teacher_id::text),
               '@PARTNER@', partner::text), '@AT@', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
from (select gen_random_uuid() as id, e.teacher_id, e.id as enrolment_id, e.delivery_partner_id as partner,
             %(start)s::timestamptz + (row_number() over (order by e.created_at, e.teacher_id)) * interval '1 millisecond' as at
      from enrolments e where e.lead_provider_id = %(lead_provider_id)s) rows
"""


def load(url: str, n: int, lead_provider_id: str) -> tuple[list[str], list[str]]:
    """n participants with enrolments and n declarations of one lead provider; its two tokens and the participants."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    tokens = sync.load(url, n, lead_provider_id)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           connect_args={"options": f"-csearch_path={SCHEMA}"})
    with Session(engine) as session:  # the statements as lp-api makes them, and the one declarations attach to
        ensure_statements(session, lead_provider_id, COHORT)
        statement = next_open_statement(session, lead_provider_id, COHORT, FinanceClock().today())
        session.commit()
    engine.dispose()
    if statement is None:
        raise SystemExit(f"no open {COHORT} statement today: the POSTs would be refused")
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        conn.execute("insert into organisations (id, type, name, status, source_at) values "
                     "(%s, 'lead_provider', %s, 'open', now())", (lead_provider_id, LEAD_PROVIDER_NAME))
        conn.execute(ENROLMENTS, {"lead_provider_id": lead_provider_id, "cohort": COHORT})
        conn.execute(DECLARATION_ROWS, {"lead_provider_id": lead_provider_id, "cohort": COHORT,
                                        "declared_at": DECLARED_AT, "statement_id": statement["id"],
                                        "template": template_document(statement["id"]),
                                        "start": datetime(2025, 10, 1, tzinfo=UTC)})
        conn.commit()
        participant_ids = [str(r[0]) for r in conn.execute(
            "select id from participants where lead_provider_id = %s order by random()", (lead_provider_id,))]
    with psycopg.connect(url, autocommit=True, options=f"-csearch_path={SCHEMA}") as conn:
        for table in ("enrolments", "declarations", "statements"):
            conn.execute(f"vacuum analyze {table}")
        sample = conn.execute("select document from declarations order by created_at desc limit 1").fetchone()[0]
    assert json.loads(sample)["type"] == "participant-declaration"
    return tokens, participant_ids


POST_LUA = """-- written by bench/lp_api_declarations.py: thread k (of T) declares participants k, k+T, k+2T, ...
local token = {token}
local ids_file = {ids_file}
local threads = {{}}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  thread:set("threads_total", {threads})
  table.insert(threads, thread)
end

function init(args)
  ids, sent, unexpected = {{}}, 0, 0
  for line in io.lines(ids_file) do ids[#ids + 1] = line end
end

function request()
  local participant = ids[(sent * threads_total + id - 1) % #ids + 1]
  sent = sent + 1
  local body = '{{"data":{{"type":"participant-declaration","attributes":{{"participant_id":"' .. participant ..
    '","declaration_type":"retained-1","declaration_date":"{date}","course_identifier":"ecf-induction",' ..
    '"evidence_held":"training-event-attended"}}}}}}'
  return wrk.format("POST", "{path}", {{["Authorization"] = "Bearer " .. token,
                                       ["Content-Type"] = "application/json"}}, body)
end

function response(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do n = n + thread:get("unexpected") end
  io.write(string.format("  95%%  %.2fms\\n", latency:percentile(95) / 1000))
  io.write(string.format("Unexpected responses: %d\\n", n))
end
"""


def post_rate(url: str, port: int, token: str, participant_ids: list[str], connections: int, seconds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="declarations-wrk-") as scratch:
        ids_file = Path(scratch) / "participants.txt"
        ids_file.write_text("\n".join(participant_ids) + "\n")
        script = Path(scratch) / "declare.lua"
        script.write_text(POST_LUA.format(token=json.dumps(token), ids_file=json.dumps(str(ids_file)),
                                          threads=connections, date=POST_DATE, path=DECLARATIONS.path))
        result = wrk(f"http://127.0.0.1:{port}{DECLARATIONS.path}", seconds=seconds, connections=connections,
                     threads=connections, script=script)
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        made = conn.execute("select count(*) from declarations where declaration_type = 'retained-1'").fetchone()[0]
        events = conn.execute("select count(*) from outbox").fetchone()[0] if conn.execute(
            "select to_regclass('outbox')").fetchone()[0] else None
    result.update(connections=connections, seconds=seconds, declarations_made=made, outbox_rows=events,
                  errors=result["non_2xx"] + result["socket_errors"] + (result["unexpected"] or 0))
    if made > len(participant_ids):
        raise SystemExit("more declarations than participants: a repeat was not answered as the same declaration")
    return result


def measure(server_url: str, n: int, workers: int, connections: int, seconds: int, floor: bool) -> dict:
    name, url = sync.scratch_database(server_url)
    processes = []
    try:
        upgrade(url, SCHEMA, ROOT / "services" / "lp-api" / "lp_api" / "migrations")
        lead_provider_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        tokens, participant_ids = load(url, n, lead_provider_id)
        load_seconds = time.perf_counter() - t0
        print(f"N = {n:,}: participants, enrolments and declarations loaded in {load_seconds:.1f} s", file=sys.stderr,
              flush=True)
        port = sync.free_port()
        processes.append(sync.start_lp_api(url, port, workers))
        floor_port = None
        if floor:
            floor_port = sync.free_port()
            processes.append(sync.start_floor(url, lead_provider_id, n, floor_port, workers, Path(tempfile.mkdtemp()),
                                              DECLARATIONS))
        result = {"n": n, "load_seconds": round(load_seconds, 1), "workers": workers, "client": "http",
                  "per_page": {}}
        for per_page in (100, 3000):
            entry = sync.interleaved_sync(url, lead_provider_id, port, floor_port, tokens, per_page, "http",
                                          DECLARATIONS)
            if entry["lp_api"]["rows"] != n:
                raise SystemExit(f"the sync saw {entry['lp_api']['rows']} declarations of {n}")
            entry["ratio"] = round(entry["lp_api"]["rows_per_second"] / entry["ceiling"]["rows_per_second"], 2)
            if "http_floor" in entry:
                floor_rate, ceiling_rate = entry["http_floor"]["rows_per_second"], entry["ceiling"]["rows_per_second"]
                entry["bound"] = round(floor_rate / (floor_rate + ceiling_rate), 2)
            result["per_page"][str(per_page)] = entry
            print(f"N = {n:,}, per_page {per_page}: ratio {entry['ratio']}, bound {entry.get('bound', '-')}",
                  file=sys.stderr, flush=True)
        result["post"] = post_rate(url, port, tokens[0], participant_ids, connections, seconds)
        return result
    finally:
        for process in processes:
            sync.stop(process)
        sync.drop_database(server_url, name)


def print_table(result: dict) -> None:
    table = Table(title=f"lp-api declarations full sync (GET {DECLARATIONS.path}, gunicorn, http client), "
                        f"N = {result['n']:,}")
    for column in ("per_page", "lp-api rows/s", "ceiling rows/s", "ratio", "HTTP floor rows/s", "bound",
                   "ratio/bound", "first page ms", "last page ms", "last page cold ms"):
        table.add_column(column, justify="right")
    for per_page, r in result["per_page"].items():
        api, floor = r["lp_api"], r.get("http_floor")
        table.add_row(per_page, f"{api['rows_per_second']:,}", f"{r['ceiling']['rows_per_second']:,}",
                      f"{r['ratio']:.2f}", f"{floor['rows_per_second']:,}" if floor else "-",
                      f"{r['bound']:.2f}" if floor else "-", f"{r['ratio'] / r['bound']:.2f}" if floor else "-",
                      str(api["first_page_ms"]), str(api["last_page_ms"]), str(api["cold_last_page_ms"]))
    console = Console(width=180)
    console.print(table)
    p = result["post"]
    console.print(f"POST {DECLARATIONS.path} (wrk, {p['connections']} connections, {p['seconds']} s, each a new "
                  f"declaration, {result['workers']} gunicorn workers): {p['requests_per_second']} declarations/s, "
                  f"p50 {p['latency_p50']}, p95 {p['latency_p95']}, p99 {p['latency_p99']}; {p['declarations_made']} "
                  f"made, {p['errors']} errors")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="declarations (and participants)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (one thread each) for the POSTs")
    parser.add_argument("--seconds", type=int, default=10, help="how long the POSTs run")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-WSGI HTTP floor")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    result = measure(server_url, args.n, args.workers, args.connections, args.seconds, not args.no_floor)
    print_table(result)
    write_json(RESULTS, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
