"""lp-api full-sync benchmark (a script, not a test).

    .venv/bin/python bench/lp_api_sync.py [--n 100000] [--big] [--workers 4]

For each size: creates a scratch database on DATABASE_URL's server, migrates lp-api's schema, loads N
participant documents straight into the read model with COPY, starts lp-api under gunicorn on a free
port, then measures
- full-sync rows/s through lp-api at per_page 100 and 3000 (paging until an empty page, as clients do);
- the ceiling: the same rows read and joined into one JSON body by a bare psycopg query;
- first-page and last-page latency during the sync (cursors warm), and the last page asked for cold.
Prints a table and writes bench/results/lp_api_sync.json. --big adds N = 1,000,000.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

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


def load(url: str, n: int, lead_provider_id: str) -> str:
    """COPY n participants of one lead provider; returns a token for it."""
    start = datetime(2025, 9, 1, tzinfo=timezone.utc)
    school_id = str(uuid.uuid4())
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        with conn.cursor().copy("copy participants (lead_provider_id, id, created_at, updated_at, cohorts, "
                                "training_statuses, document) from stdin") as copy:
            for i in range(n):
                at = start + timedelta(milliseconds=i)
                teacher = {"id": str(uuid.uuid4()), "first_name": "Ada", "last_name": f"Lovelace {i}",
                           "trn": f"{1000000 + i % 9000000}"}
                enrolment = {"id": str(uuid.uuid4()), "email": f"ada{i}@example.com", "participant_type": "ect",
                             "period_id": str(uuid.uuid4()), "school_id": school_id, "school_urn": "100001",
                             "cohort": 2025, "training_status": "active", "participant_status": "active",
                             "schedule": "ecf-standard-september", "delivery_partner_id": str(uuid.uuid4()),
                             "withdrawal": None, "deferral": None, "created_at": at,
                             "registered_by": {"name": "Grace Head", "email": "head@school.example"}}
                document = ecf_participant_resource(teacher, [enrolment], school_urns={}, mentors={},
                                                    induction_end_date=None, updated_at=at)
                copy.write_row((lead_provider_id, teacher["id"], at, at, [2025], ["active"],
                                json.dumps(document, separators=(",", ":"))))
        token = new_token()
        conn.execute("insert into lead_provider_tokens (id, lead_provider_id, name, token_hash) values (%s, %s, %s, %s)",
                     (str(uuid.uuid4()), lead_provider_id, "bench", token_hash(HASH_KEY, token)))
        conn.commit()
    with psycopg.connect(url, autocommit=True, options=f"-csearch_path={SCHEMA}") as conn:
        conn.execute("vacuum analyze participants")  # index-only scans need the visibility map
    return token


def start_lp_api(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "BIND_HOST": "127.0.0.1",
           "WEB_CONCURRENCY": str(workers), "LP_TOKEN_HASH_KEY": HASH_KEY, "LP_RATE_LIMIT": str(10**9),
           "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "lp_api", "web"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                return process
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit("lp-api did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def full_sync(base: str, token: str, per_page: int) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for _ in range(20):  # warm every worker's connection pool before timing
        session.get(f"{base}/api/v3/participants/ecf", params={"page[per_page]": 1}).raise_for_status()
    rows, latencies, page = 0, [], 1
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        response = session.get(f"{base}/api/v3/participants/ecf", params={"page[page]": page, "page[per_page]": per_page})
        response.raise_for_status()
        latencies.append(time.perf_counter() - t0)
        # Counted, not parsed: the client's JSON decoding is not lp-api's cost (nor the ceiling's).
        count = response.content.count(b'"type":"participant"')
        if not count:
            break
        rows += count
        page += 1
    elapsed = time.perf_counter() - started
    cold = []
    for _ in range(5):  # the last page asked for directly: no cursor from the page before it
        t0 = time.perf_counter()
        session.get(f"{base}/api/v3/participants/ecf",
                    params={"page[page]": page - 1, "page[per_page]": per_page, "sort": "created_at"}).raise_for_status()
        cold.append(time.perf_counter() - t0)
    return {"rows": rows, "pages": page - 1, "seconds": round(elapsed, 2), "rows_per_second": round(rows / elapsed),
            "first_page_ms": round(latencies[0] * 1000, 1), "last_page_ms": round(latencies[-2] * 1000, 1),
            "median_page_ms": round(statistics.median(latencies[:-1]) * 1000, 1),
            "cold_last_page_ms": round(statistics.median(cold) * 1000, 1)}


def ceiling(url: str, lead_provider_id: str, per_page: int) -> dict:
    """The same rows read by one server-side cursor and joined into JSON bodies of per_page rows."""
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(url, options=f"-csearch_path={SCHEMA}") as conn:
        with conn.cursor(name="ceiling") as cursor:
            cursor.execute("select document from participants where lead_provider_id = %s order by created_at, id",
                           (lead_provider_id,))
            while batch := cursor.fetchmany(per_page):
                ('{"data":[' + ",".join(r[0] for r in batch) + "]}").encode()
                rows += len(batch)
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": round(elapsed, 2), "rows_per_second": round(rows / elapsed)}


def measure(server_url: str, n: int, workers: int) -> dict:
    name, url = scratch_database(server_url)
    process = None
    try:
        upgrade(url, SCHEMA, ROOT / "services" / "lp-api" / "lp_api" / "migrations")
        lead_provider_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        token = load(url, n, lead_provider_id)
        load_seconds = time.perf_counter() - t0
        port = free_port()
        process = start_lp_api(url, port, workers)
        result = {"n": n, "load_seconds": round(load_seconds, 1), "workers": workers, "per_page": {}}
        for per_page in (100, 3000):
            api = full_sync(f"http://127.0.0.1:{port}", token, per_page)
            bare = ceiling(url, lead_provider_id, per_page)
            result["per_page"][str(per_page)] = {"lp_api": api, "ceiling": bare,
                                                 "ratio": round(api["rows_per_second"] / bare["rows_per_second"], 2)}
        return result
    finally:
        if process:
            stop(process)
        drop_database(server_url, name)


def print_table(results: list[dict]) -> None:
    table = Table(title="lp-api full sync (GET /api/v3/participants/ecf, gunicorn)")
    for column in ("N", "per_page", "lp-api rows/s", "ceiling rows/s", "ratio", "first page ms", "last page ms",
                   "last page cold ms"):
        table.add_column(column, justify="right")
    for result in results:
        for per_page, r in result["per_page"].items():
            api = r["lp_api"]
            table.add_row(f"{result['n']:,}", per_page, f"{api['rows_per_second']:,}",
                          f"{r['ceiling']['rows_per_second']:,}", f"{r['ratio']:.2f}", str(api["first_page_ms"]),
                          str(api["last_page_ms"]), str(api["cold_last_page_ms"]))
    Console(width=140).print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--big", action="store_true", help="also measure N = 1,000,000")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    sizes = [args.n] + ([1_000_000] if args.big and args.n != 1_000_000 else [])
    results = [measure(server_url, n, args.workers) for n in sizes]
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
