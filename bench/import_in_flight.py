"""The in-flight import's figures: rows/s, peak memory at two file sizes (flat: the file is streamed, grouped on
disk), and TRS calls made against the shared rate limit's bound.

    .venv/bin/python bench/import_in_flight.py [--rows 100000 --small 25000]

Runs on a private database (on DATABASE_URL's server) with the real trs-sync web app and the TRS stand-in on loopback
ports chosen by the OS (BENCH_PROFILE="-m cProfile -o FILE" profiles the import); each import is
`python -m inductions import-in-flight` in its own process, which reports its own peak resident memory (VmHWM;
not wait4's ru_maxrss, which for a child includes the parent's memory at exec). Writes bench/results/import_in_flight.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).parent))
from in_flight_file import generate, write_mapping  # noqa: E402

from ecf_shared import logging as ecf_logging  # noqa: E402
from ecf_shared.db import libpq_url  # noqa: E402
from ecf_shared.migrations import upgrade  # noqa: E402
from ecf_shared.testing.tokens import TokenIssuer  # noqa: E402
from trs_standin.app import create_app as create_trs_standin  # noqa: E402
from trs_sync.app import create_app as create_trs_sync  # noqa: E402
from trs_sync.domain.limits import window  # noqa: E402
from trs_sync.settings import TrsSyncSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TRS_KEY = "bench-trs-key"
SEED_CHUNK = 5000


def serve(app) -> tuple[str, object]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def private_database(server_url: str) -> tuple[str, str]:
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def run_import(env: dict, path: str, mapping: str) -> tuple[dict, float, int, datetime]:
    """(summary, seconds, peak RSS in KiB, when it started) of one import in its own process. The peak is the
    import's own, read by the process itself (bench/own_peak_memory.py): wait4's ru_maxrss would report this (large)
    parent's instead."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        started, started_at = time.perf_counter(), datetime.now(UTC)
        profile = os.environ.get("BENCH_PROFILE", "").split()
        proc = subprocess.run([sys.executable, *profile, str(ROOT / "bench/own_peak_memory.py"), peak.name,
                               "inductions", "import-in-flight", path, "--mapping", mapping, "--json"],
                              env=env, stdout=out, stderr=err, text=True)
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"import failed ({proc.returncode}): {err.read()[-2000:]}")
        return json.loads(out.read()), seconds, int(peak.read()), started_at


def trs_phase(finds: list[dict], started_at: datetime) -> tuple[float, float]:
    """(seconds from the first persons/find to the last, seconds from the import's start to the last): the second is
    how long the access token must last (the file read, then every TRS call; the writing phase calls none)."""
    at = sorted(datetime.fromisoformat(f["receivedAt"].replace("Z", "+00:00")) for f in finds)
    return (at[-1] - at[0]).total_seconds(), (at[-1] - started_at).total_seconds()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--small", type=int, default=25_000)
    args = p.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    database_url, name = private_database(server_url)
    issuer = TokenIssuer()
    standin_url, standin = serve(create_trs_standin({"api_keys": [TRS_KEY]}))
    settings = TrsSyncSettings.from_env({}, database_url=database_url, trs_api_url=standin_url, trs_api_key=TRS_KEY,
                                        jwks_json=issuer.jwks_json, trs_timeout_seconds=10.0)
    results = {}
    try:
        upgrade(database_url, settings.db_schema, ROOT / "services/trs-sync/trs_sync/migrations")
        upgrade(database_url, "inductions", ROOT / "services/inductions/inductions/migrations")
        ecf_logging.configure("trs-sync-bench", "WARNING", "console")
        trs_sync_url, trs_sync = serve(create_trs_sync(settings))
        env = {**os.environ, "DATABASE_URL": database_url, "DB_SCHEMA": "inductions", "TRS_SYNC_URL": trs_sync_url,
               "IMPORT_ACCESS_TOKEN": issuer.issue(staff_role="admin", ttl_seconds=3600), "LOG_LEVEL": "WARNING"}
        seconds_per_window, capacity = window(settings.trs_rate_limit_per_minute)
        with tempfile.TemporaryDirectory() as tmp:
            mapping = f"{tmp}/mapping.csv"
            write_mapping(mapping)
            for rows in (args.small, args.rows):
                requests.post(f"{standin_url}/_test/reset", json={}, timeout=10).raise_for_status()
                with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
                    conn.execute("truncate inductions.inductions, inductions.induction_periods, "
                                 "inductions.audit_entries, inductions.in_flight_imports, inductions.outbox cascade")
                    conn.execute("truncate trs_sync.trs_rate_windows")
                path = f"{tmp}/legacy-{rows}.csv"
                expected, persons = generate(path, rows)
                for start in range(0, len(persons), SEED_CHUNK):
                    requests.post(f"{standin_url}/_test/persons", json={"persons": persons[start:start + SEED_CHUNK]},
                                  timeout=60).raise_for_status()
                summary, seconds, peak_kib, started_at = run_import(env, path, mapping)
                finds = requests.get(f"{standin_url}/_test/requests", params={"kind": "find"}, timeout=10).json()
                trs_seconds, token_seconds = trs_phase(finds["requests"], started_at)
                with psycopg.connect(libpq_url(database_url)) as conn:
                    busiest = conn.execute("select coalesce(max(used), 0) from trs_sync.trs_rate_windows").fetchone()[0]
                    puts = 0  # the import itself never writes to TRS; trs-sync does, from the outbox
                assert summary["teachers_imported"] == expected["imported"], (summary, expected)
                assert summary["periods_imported"] == expected["periods"], (summary, expected)
                assert summary["trs_mismatches"] == expected["trs_mismatches"], (summary, expected)
                results[rows] = {
                    "rows": summary["rows_read"], "seconds": round(seconds, 1),
                    "trs_phase_seconds": round(trs_seconds, 1), "last_trs_call_after_seconds": round(token_seconds, 1),
                    "rows_per_second": round(summary["rows_read"] / seconds),
                    "peak_rss_mib": round(peak_kib / 1024, 1),
                    "teachers_imported": summary["teachers_imported"], "periods_imported": summary["periods_imported"],
                    "rejected_rows": summary["rejected_rows"], "trs_mismatches": summary["trs_mismatches"],
                    "trs_find_calls": len(finds["requests"]), "trs_find_calls_expected": expected["trs_requests"],
                    "busiest_rate_window": busiest, "rate_window": f"{capacity} per {seconds_per_window}s",
                    "trs_puts_by_import": puts,
                }
                print(json.dumps({rows: results[rows]}, indent=2), flush=True)
        trs_sync.shutdown()
    finally:
        standin.shutdown()
        drop_database(server_url, name)
    out = ROOT / "bench/results/import_in_flight.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    small, big = results[args.small], results[args.rows]
    print(f"\n{big['rows']} rows: {big['seconds']} s, {big['rows_per_second']} rows/s; TRS phase "
          f"{big['trs_phase_seconds']} s (last TRS call {big['last_trs_call_after_seconds']} s after the start); "
          f"peak memory {small['peak_rss_mib']} MiB at "
          f"{small['rows']} rows, {big['peak_rss_mib']} MiB at {big['rows']} rows; TRS persons/find calls "
          f"{big['trs_find_calls']} (busiest window {big['busiest_rate_window']} of {big['rate_window']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
