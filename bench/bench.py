"""Benchmarks, measured side by side in one run on a private copy of the running system.

    make bench            (or: .venv/bin/python bench/bench.py [--big])

Prints a table and writes bench/results/bench.json:
- request rate through the gateway: a read and a write endpoint, against a bare Flask + gunicorn hello
  endpoint behind the same gateway config (the ceiling);
- event propagation latency (registration commit → visible in lp-api) under steady load;
- trs-sync throughput: status changes delivered to the TRS stand-in per second;
- lp-api full sync rows/s against a raw psycopg read, and how cost grows with 10k, 100k (and, with
  --big, 1M) participants — from bench/lp_api_sync.py.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pika
import requests

from harness import ROOT, now, registration, running_system, seed_teachers, wrk, write_json
from system import eventually
from propagation import register_and_watch

RESULTS = Path(__file__).parent / "results"


def hello_behind_the_gateway(port_base: int):
    """gunicorn serving the hello app, and an nginx from the same gateway template in front of it."""
    from render import UPSTREAMS, render

    env = {"PYTHONPATH": str(Path(__file__).parent), "PATH": f"{Path(sys.executable).parent}:/usr/sbin:/usr/bin:/bin"}
    hello = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--config",
                              "python:ecf_shared.web.gunicorn_conf", "hello_app:create_app()"],
                             env={**env, "PORT": str(port_base + 1), "BIND_HOST": "127.0.0.1", "WEB_CONCURRENCY": "2"},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = Path(tempfile.mkdtemp(prefix="hello-gw-"))
    upstream = f"127.0.0.1:{port_base + 1}"
    conf = render(out, port_base, {name: upstream for name in UPSTREAMS})  # every upstream, the portal's too
    gateway = subprocess.Popen(["nginx", "-p", str(out), "-c", str(conf), "-g", "daemon off;"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port_base}/registrations/hello"
    for _ in range(100):
        try:
            if requests.get(url, timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    return url, (hello, gateway)


def request_rates(system, seconds: int) -> dict:
    token = system.sign_in("alice@oakfield.example")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    seed_teachers(system, ["6000000"])
    system.partner("school-1", 2026)  # so the ECT is a v3 participant of the lead provider
    ect = requests.post(f"{system.gateway}/registrations/ects", json=registration(system, "6000000"),
                        headers=headers, timeout=10).json()
    lp_headers = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}
    participant = f"{system.gateway}/api/v3/participants/ecf/{ect['teacher_id']}"
    eventually(lambda: requests.get(participant, headers=lp_headers, timeout=10).status_code == 200)
    hello_url, processes = hello_behind_the_gateway(39000)
    try:
        results = {
            "ceiling: bare Flask hello via gateway": wrk(hello_url, seconds=seconds),
            "read: GET /registrations/ects/{id}": wrk(f"{system.gateway}/registrations/ects/{ect['id']}",
                                                      seconds=seconds, headers=headers),
            "read: GET /api/v3/participants/ecf/{id}": wrk(participant, seconds=seconds, headers=lp_headers),
        }
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)
    trns = [f"61{n:05d}" for n in range(20000)]
    seed_teachers(system, trns)
    write = register_and_watch(system, trns, users=8, seconds=seconds)
    results["write: POST /registrations/ects (8 clients)"] = {
        "requests_per_second": write["registrations_per_second"], "non_2xx": write["errors"]}
    return results


def propagation_under_load(system, seconds: int, rate: float) -> dict:
    trns = [f"62{n:05d}" for n in range(int(seconds * rate) + 10)]
    seed_teachers(system, trns)
    return register_and_watch(system, trns, users=4, seconds=seconds, rate_per_second=rate)


def trs_sync_throughput(system, count: int) -> dict:
    """Status changes put straight onto the inductions exchange; time until TRS has accepted them all."""
    from ecf_shared.events.envelope import new_event

    trns = [f"63{n:05d}" for n in range(count)]
    seed_teachers(system, trns)
    requests.post(f"{system.trs}/_test/reset", timeout=5)  # only the request log matters; re-seed persons
    seed_teachers(system, trns)
    connection = pika.BlockingConnection(pika.URLParameters(system.cfg.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    started = now()
    for trn in trns:
        event = new_event("inductions.induction.status_changed", {
            "induction_id": str(uuid.uuid4()), "trn": trn, "old_status": None, "new_status": "RequiredToComplete",
            "changed_at": datetime.now(timezone.utc), "source": "cpd"}, producer="inductions")
        channel.basic_publish("inductions.events", event.type, json.dumps(event.to_message()).encode(),
                              pika.BasicProperties(message_id=event.event_id, delivery_mode=2))
    connection.close()
    while True:
        accepted = [r for r in requests.get(f"{system.trs}/_test/requests", timeout=30).json()["requests"]
                    if r["status"] == 204 and r["trn"] in set(trns)]
        if len(accepted) >= count or now() - started > 300:
            break
        time.sleep(0.2)
    elapsed = now() - started
    return {"changes": count, "accepted_by_trs": len(accepted), "seconds": round(elapsed, 2),
            "per_second": round(len(accepted) / elapsed, 1)}


def lp_api_full_sync(big: bool) -> list | dict:
    """bench/lp_api_sync.py at 10k and 100k participants (and 1M with --big), in one run: how cost grows with data."""
    sizes = ["10000", "100000"] + (["1000000"] if big else [])
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "lp_api_sync.py"), "--n", *sizes],
                         capture_output=True, text=True, timeout=3600)
    print(out.stdout)
    path = RESULTS / "lp_api_sync.json"
    return json.loads(path.read_text()) if out.returncode == 0 and path.exists() else {"error": out.stderr[-2000:]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--big", action="store_true", help="also measure lp-api at 1M participants")
    args = parser.parse_args()
    report: dict = {"machine": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() + " cores"}
    with running_system("bench", extra_env={"TRS_RATE_LIMIT_PER_MINUTE": "600000"}) as system:
        report["request_rate"] = request_rates(system, args.seconds)
        report["propagation"] = propagation_under_load(system, seconds=20, rate=10)
        report["trs_sync"] = trs_sync_throughput(system, 500)
    report["lp_api_full_sync"] = lp_api_full_sync(args.big)
    write_json(RESULTS / "bench.json", report)
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    print("\n== request rate through the gateway (wrk, 2 threads, 16 connections) ==")
    print(f"{'endpoint':<48} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
    for name, r in report["request_rate"].items():
        print(f"{name:<48} {r['requests_per_second']:>9} {r.get('latency_p50') or '':>9} {r.get('latency_p99') or '':>9} {r['non_2xx']:>8}")
    p = report["propagation"]
    print(f"\n== propagation: registration commit → visible in lp-api, {p['registrations']} registrations at "
          f"{p['registrations_per_second']}/s ==")
    print("   ms: " + "  ".join(f"{k} {v}" for k, v in p["propagation_ms"].items()) + f"   errors {p['errors']}")
    t = report["trs_sync"]
    print(f"\n== trs-sync → TRS stand-in: {t['accepted_by_trs']}/{t['changes']} changes in {t['seconds']}s = "
          f"{t['per_second']}/s (client rate limit raised for the measurement; production default 1000/min) ==")
    sync = report["lp_api_full_sync"]
    print("\n== lp-api full sync (rows/s through gunicorn vs a raw psycopg read of the same rows; pages in ms) ==")
    if isinstance(sync, dict):
        print(f"   failed: {sync.get('error', '')[-500:]}")
        return
    print("   (bound: the most any HTTP service paging one request after another reaches here, from the HTTP floor)")
    print(f"{'N':>9} {'per_page':>8} {'lp-api rows/s':>14} {'ceiling rows/s':>15} {'ratio':>6} {'bound':>6} {'first':>7} "
          f"{'last':>7} {'cold last':>9}")
    for run in sync:
        for per_page, r in run["per_page"].items():
            api = r["lp_api"]
            print(f"{run['n']:>9} {per_page:>8} {api['rows_per_second']:>14} {r['ceiling']['rows_per_second']:>15} "
                  f"{r['ratio']:>6} {r.get('bound', '-'):>6} {api['first_page_ms']:>7} {api['last_page_ms']:>7} "
                  f"{api['cold_last_page_ms']:>9}")


if __name__ == "__main__":
    raise SystemExit(main())
