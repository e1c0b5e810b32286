"""lp-api full-sync benchmark (a script, not a test).

    .venv/bin/python bench/lp_api_sync.py [--n 10000 100000 1000000] [--big] [--workers 4] [--client http]

For each size: creates a scratch database on DATABASE_URL's server, migrates lp-api's schema, loads N
participant documents straight into the read model with one INSERT ... SELECT (a document made by lp-api's own
resource builder, with each row's ids, names, TRN, email and timestamps filled in by PostgreSQL), starts
lp-api under gunicorn (directly, not through the gateway) on a free port, then, at per_page 100 and 3000:
- full-sync rows/s through lp-api (paging until an empty page, as clients do);
- the ceiling: the same rows read and joined into one JSON body per page by a bare psycopg query (one
  server-side cursor, per_page rows per fetch);
- the HTTP floor: the same paging against a bare WSGI app under the same gunicorn settings that answers every
  page with real pages' bytes from memory (no database): what HTTP alone allows on this machine;
  the three are interleaved page by page (who goes first alternating), each timed on its own requests, so
  the machine's changing load (2 shared cores) hits them alike and the ratio is comparable between runs;
- first-page against last-page latency (medians of pairs asked for alternately after the sync: the last page
  by the syncing token, seeking from its saved cursor; page 1 by the provider's second token), and the last
  page asked for cold (a sort the sync did not use: no cursor, found by an offset over the index).
The bound: no HTTP service can answer a page faster than the floor's HTTP work plus the ceiling's read of the
same rows (a page is read before it is sent), so with paging done one request after another the best any
service reaches is floor / (floor + ceiling) of the ceiling's rows/s. lp-api's ratio is also shown as a share
of that bound (what is left to lp-api's own code and SQL).
The client is a plain keep-alive http.client connection (--client requests for the requests library, whose
own cost per request is about a millisecond here: more than a whole page of the ceiling at per_page 100).
Prints a table and writes bench/results/lp_api_sync.json (one object for one size, a list for several).
--big adds N = 1,000,000.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "services" / "lp-api"), str(ROOT / "shared")]

from ecf_shared.migrations import upgrade  # noqa: E402
from lp_api.domain.ecf_participant import ecf_participant_resource  # noqa: E402
from lp_api.domain.tokens import new_token, token_hash  # noqa: E402

SCHEMA = "lp_api"
HASH_KEY = "bench-key"
RESULTS = ROOT / "bench" / "results" / "lp_api_sync.json"
PATH = "/api/v3/participants/ecf"
EDGE_PAGES = 5  # first and last pages' latency: the median of this many


@dataclass(frozen=True)
class Listing:
    """A v3 list a full sync pages through: its path, the table of its stored documents (ordered by created_at, id),
    how a resource is counted in a body (not parsed), and the query of a cold last page (a sort the sync did not
    use: no cursor; None: the other token, which has no cursor for that page)."""
    path: str
    table: str
    marker: bytes
    cold_query: dict | None


PARTICIPANTS = Listing(PATH, "participants", b'"type":"participant"', {"sort": "created_at"})
# Sentinels in the template document, replaced per row by PostgreSQL.
SENTINEL_AT = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_database(server_url: str) -> tuple[str, str]:
    name = f"lp_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def template_document() -> str:
    """One participant as lp-api builds it, with sentinels where each row differs."""
    teacher = {"id": "@TEACHER@", "first_name": "Ada", "last_name": "Lovelace @I@", "trn": "@TRN@"}
    enrolment = {"id": "@ENROLMENT@", "email": "ada@I@@example.com", "participant_type": "ect",
                 "period_id": str(uuid.uuid4()), "school_id": str(uuid.uuid4()), "school_urn": "100001",
                 "cohort": 2025, "training_status": "active", "participant_status": "active",
                 "schedule": "ecf-standard-september", "delivery_partner_id": "@PARTNER@",
                 "withdrawal": None, "deferral": None, "created_at": SENTINEL_AT,
                 "registered_by": {"name": "Grace Head", "email": "head@school.example"}}
    document = ecf_participant_resource(teacher, [enrolment], school_urns={}, mentors={}, induction_end_date=None,
                                        updated_at=SENTINEL_AT)
    text = json.dumps(document, separators=(",", ":"))
    stamp = SENTINEL_AT.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert text.count(stamp) == 2, text
    return text.replace(stamp, "@AT@")


LOAD = """
insert into participants (lead_provider_id, id, created_at, updated_at, cohorts, training_statuses, document)
select %(lead_provider_id)s, id, at, at, '{2025}', '{active}',
       replace(replace(replace(replace(replace(replace(%(template)s::text,
           '@TEACHER@', id::text), '@ENROLMENT@', gen_random_uuid()::text), '@PARTNER@', gen_random_uuid()::text),
           '@TRN@', (1000000 + i %% 9000000)::text), '@AT@', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           '@I@', i::text)
from (select i, gen_random_uuid() as id, %(start)s::timestamptz + i * interval '1 millisecond' as at
      from generate_series(%(first)s::bigint, %(last)s::bigint) i) rows
"""


def load(url: str, n: int, lead_provider_id: str) -> list[str]:
    """n participants of one lead provider, made by PostgreSQL from one template; returns two tokens for it."""
    template = template_document()
    start = datetime(2025, 9, 1, tzinfo=UTC)
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        for first in range(0, n, 250_000):  # a few statements, so a 1M load shows progress and spares memory
            conn.execute(LOAD, {"lead_provider_id": lead_provider_id, "template": template, "start": start,
                                "first": first, "last": min(n, first + 250_000) - 1})
            conn.commit()
        tokens = [new_token(), new_token()]
        for number, token in enumerate(tokens):
            conn.execute("insert into lead_provider_tokens (id, lead_provider_id, name, token_hash) "
                         "values (%s, %s, %s, %s)",
                         (str(uuid.uuid4()), lead_provider_id, f"bench {number}", token_hash(HASH_KEY, token)))
        conn.commit()
    with psycopg.connect(url, autocommit=True, options=f"-csearch_path={SCHEMA}") as conn:
        conn.execute("vacuum analyze participants")  # index-only scans need the visibility map
        sample = conn.execute("select document from participants order by created_at desc limit 1").fetchone()[0]
    json.loads(sample)  # every row is valid JSON
    return tokens


def wait_until_up(port: int, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"nothing answered on port {port}")


def start_lp_api(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "BIND_HOST": "127.0.0.1",
           "WEB_CONCURRENCY": str(workers), "LP_TOKEN_HASH_KEY": HASH_KEY, "ENVIRONMENT": "local", "LP_RATE_LIMIT": str(10**9),
           "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "lp_api", "web"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_until_up(port, "/health", process)
    return process


FLOOR_APP = """
import json, os
from urllib.parse import parse_qs

PAGES = json.load(open(os.environ["FLOOR_PAGES"]))  # per_page -> one page's documents, joined
ROWS = int(os.environ["FLOOR_ROWS"])


def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    per_page = query.get("page[per_page]", ["100"])[0]
    page = int(query.get("page[page]", ["1"])[0])
    body = (PAGES.get(per_page, PAGES["100"]) if (page - 1) * int(per_page) < ROWS else '{"data":[]}').encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
"""


def start_floor(url: str, lead_provider_id: str, n: int, port: int, workers: int, directory: Path,
                listing: Listing = PARTICIPANTS) -> subprocess.Popen:
    """A bare WSGI app under lp-api's gunicorn settings, answering real pages' bytes from memory."""
    pages = {}
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        for per_page in (100, 3000):
            documents = [r[0] for r in conn.execute(
                f"select document from {listing.table} where lead_provider_id = %s order by created_at, id limit %s",
                (lead_provider_id, per_page))]
            pages[str(per_page)] = '{"data":[' + ",".join(documents) + "]}"
    (directory / "floor_pages.json").write_text(json.dumps(pages))
    (directory / "floor_app.py").write_text(textwrap.dedent(FLOOR_APP))
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers),
           "FLOOR_PAGES": str(directory / "floor_pages.json"), "FLOOR_ROWS": str(n), "PYTHONPATH": str(directory)}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn, "--config", "python:ecf_shared.web.gunicorn_conf", "floor_app:app"],
                               env={**env, "PYTHONPATH": f"{directory}:{ROOT / 'shared'}"}, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=directory)
    wait_until_up(port, listing.path, process)
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


class Client:
    """GET with a bearer token over one keep-alive connection: http.client (lean) or requests."""

    def __init__(self, port: int, token: str, kind: str, path: str = PATH):
        self.headers = {"Authorization": f"Bearer {token}"}
        self.kind, self.port, self.path = kind, port, path
        if kind == "requests":
            self.session = requests.Session()
            self.session.headers.update(self.headers)
        else:
            self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, query: dict) -> bytes:
        target = f"{self.path}?{urlencode(query)}"
        if self.kind == "requests":
            response = self.session.get(f"http://127.0.0.1:{self.port}{target}")
            response.raise_for_status()
            return response.content
        self.connection.request("GET", target, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {target}: {response.status} {body[:300]!r}")
        return body


def interleaved_sync(url: str, lead_provider_id: str, port: int, floor_port: int | None, tokens: list[str],
                     per_page: int, client_kind: str, listing: Listing = PARTICIPANTS) -> dict:
    """A full sync through lp-api, page by page, interleaved with the ceiling's fetches of the same rows (and the
    HTTP floor's pages), who goes first alternating, so the machine's load changes hit all of them alike. Each
    is timed on its own work: lp-api and the floor from request to last byte, the ceiling from fetch to bytes."""
    api = Client(port, tokens[0], client_kind, listing.path)
    floor = Client(floor_port, tokens[0], client_kind, listing.path) if floor_port else None
    for _ in range(20):  # warm the worker (its connection and prepared statements) before timing
        api.get({"page[per_page]": 1})
        if floor:
            floor.get({"page[per_page]": 1})
    spent = {"lp_api": 0.0, "ceiling": 0.0, "http_floor": 0.0}
    rows = {"lp_api": 0, "ceiling": 0, "http_floor": 0}
    latencies: list[float] = []
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn, conn.cursor(name="ceiling") as cursor:
        def through_api(page):
            t0 = time.perf_counter()
            body = api.get({"page[page]": page, "page[per_page]": per_page})
            latencies.append(time.perf_counter() - t0)
            spent["lp_api"] += latencies[-1]
            # Counted, not parsed: the client's JSON decoding is not lp-api's cost (nor the ceiling's).
            count = body.count(listing.marker)
            rows["lp_api"] += count
            return count

        def through_ceiling(_page):
            t0 = time.perf_counter()
            batch = cursor.fetchmany(per_page)
            ('{"data":[' + ",".join(r[0] for r in batch) + "]}").encode()
            spent["ceiling"] += time.perf_counter() - t0
            rows["ceiling"] += len(batch)
            return len(batch)

        def through_floor(page):
            t0 = time.perf_counter()
            body = floor.get({"page[page]": page, "page[per_page]": per_page})
            spent["http_floor"] += time.perf_counter() - t0
            count = body.count(listing.marker)
            rows["http_floor"] += count
            return count

        t0 = time.perf_counter()
        cursor.execute(f"select document from {listing.table} where lead_provider_id = %s order by created_at, id",
                       (lead_provider_id,))
        spent["ceiling"] += time.perf_counter() - t0
        page = 1
        while True:
            steps = [through_api, through_ceiling] + ([through_floor] if floor else [])
            if page % 2 == 0:
                steps.reverse()
            counts = [step(page) for step in steps]
            if not any(counts):
                break
            page += 1
    pages = page - 1
    result = {}
    for name in ("lp_api", "ceiling") + (("http_floor",) if floor else ()):
        result[name] = {"rows": rows[name], "seconds": round(spent[name], 2),
                        "rows_per_second": round(rows[name] / spent[name])}
    result["lp_api"].update(pages=pages, median_page_ms=round(statistics.median(latencies[:pages]) * 1000, 1))
    last_full_page = rows["lp_api"] // per_page or pages
    result["lp_api"].update(edges(port, tokens, last_full_page, per_page, client_kind, listing))
    return result


def edges(port: int, tokens: list[str], last: int, per_page: int, client_kind: str, listing: Listing = PARTICIPANTS,
          pairs: int = 15) -> dict:
    """The first page against the last full one, asked for alternately after the sync: the last page by the syncing token
    (which seeks from its saved cursor), page 1 by the provider's other token (page 1 forgets its token's
    cursors, so the syncing token must not ask for it). Then the last page cold: with a sort the sync did not
    use (or by the other token, when the list has no other sort), so no cursor, found by an offset over the index."""
    syncing, other = Client(port, tokens[0], client_kind, listing.path), Client(port, tokens[1], client_kind, listing.path)
    for _ in range(5):
        other.get({"page[per_page]": 1})
    first, last_times, cold = [], [], []
    for _ in range(pairs):
        for client, page, into in ((other, 1, first), (syncing, last, last_times)):
            t0 = time.perf_counter()
            client.get({"page[page]": page, "page[per_page]": per_page})
            into.append(time.perf_counter() - t0)
    for _ in range(5):
        t0 = time.perf_counter()
        if listing.cold_query is not None:
            syncing.get({"page[page]": last, "page[per_page]": per_page, **listing.cold_query})
        else:  # the other token has no cursor for the page before it (it only ever asks for page 1 and this one)
            other.get({"page[page]": last, "page[per_page]": per_page})
        cold.append(time.perf_counter() - t0)
    return {"first_page_ms": round(statistics.median(first) * 1000, 1),
            "last_page": last, "last_page_ms": round(statistics.median(last_times) * 1000, 1),
            "cold_last_page_ms": round(statistics.median(cold) * 1000, 1)}


def measure(server_url: str, n: int, workers: int, client_kind: str, floor: bool) -> dict:
    name, url = scratch_database(server_url)
    processes = []
    try:
        upgrade(url, SCHEMA, ROOT / "services" / "lp-api" / "lp_api" / "migrations")
        lead_provider_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        tokens = load(url, n, lead_provider_id)
        load_seconds = time.perf_counter() - t0
        print(f"N = {n:,}: loaded in {load_seconds:.1f} s", file=sys.stderr, flush=True)
        port = free_port()
        processes.append(start_lp_api(url, port, workers))
        floor_port = None
        if floor:
            floor_port = free_port()
            processes.append(start_floor(url, lead_provider_id, n, floor_port, workers, Path(tempfile.mkdtemp())))
        result = {"n": n, "load_seconds": round(load_seconds, 1), "workers": workers, "client": client_kind,
                  "per_page": {}}
        for per_page in (100, 3000):
            entry = interleaved_sync(url, lead_provider_id, port, floor_port, tokens, per_page, client_kind)
            entry["ratio"] = round(entry["lp_api"]["rows_per_second"] / entry["ceiling"]["rows_per_second"], 2)
            if "http_floor" in entry:
                floor_rate, ceiling_rate = entry["http_floor"]["rows_per_second"], entry["ceiling"]["rows_per_second"]
                entry["bound"] = round(floor_rate / (floor_rate + ceiling_rate), 2)
            result["per_page"][str(per_page)] = entry
            print(f"N = {n:,}, per_page {per_page}: ratio {entry['ratio']}, bound {entry.get('bound', '-')}", file=sys.stderr, flush=True)
        return result
    finally:
        for process in processes:
            stop(process)
        drop_database(server_url, name)


def print_table(results: list[dict]) -> None:
    client = results[0]["client"]
    table = Table(title=f"lp-api full sync (GET /api/v3/participants/ecf, gunicorn, {client} client)")
    for column in ("N", "per_page", "lp-api rows/s", "ceiling rows/s", "ratio", "HTTP floor rows/s", "bound",
                   "ratio/bound", "first page ms", "last page ms", "last/first", "last page cold ms"):
        table.add_column(column, justify="right")
    for result in results:
        for per_page, r in result["per_page"].items():
            api = r["lp_api"]
            floor = r.get("http_floor")
            table.add_row(f"{result['n']:,}", per_page, f"{api['rows_per_second']:,}",
                          f"{r['ceiling']['rows_per_second']:,}", f"{r['ratio']:.2f}",
                          f"{floor['rows_per_second']:,}" if floor else "-",
                          f"{r['bound']:.2f}" if floor else "-", f"{r['ratio'] / r['bound']:.2f}" if floor else "-",
                          str(api["first_page_ms"]),
                          str(api["last_page_ms"]), f"{api['last_page_ms'] / api['first_page_ms']:.2f}",
                          str(api["cold_last_page_ms"]))
    Console(width=180).print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000], help="participant counts, e.g. 10000 100000")
    parser.add_argument("--big", action="store_true", help="also measure N = 1,000,000")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--client", choices=("http", "requests"), default="http")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-WSGI HTTP floor")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    sizes = list(dict.fromkeys(args.n + ([1_000_000] if args.big else [])))
    results = [measure(server_url, n, args.workers, args.client, not args.no_floor) for n in sizes]
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
