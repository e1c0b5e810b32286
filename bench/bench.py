"""Benchmarks, measured side by side in one run on a private copy of the running system.

    make bench            (or: .venv/bin/python bench/bench.py [--big] [--only PART ...] [--port-base N])

Prints a table and writes bench/results/bench.json:
- request rate through the gateway: a read and a write endpoint, against a bare Flask + gunicorn hello
  endpoint behind the same gateway config (the ceiling);
- the portal through the gateway at 8 signed-in users (bench/portal_pages.py): the ECT list of a school with 500
  ECTs, an ECT's page, a register-an-ECT wizard step POST and an appropriate body's teachers list with 5,000
  inductions, each with its ratio to the hello ceiling and its target,
  and where a page's time goes;
- a delivery partner's CSV download of 100,000 participants through the portal (bench/portal_csv.py): rows/s and
  the portal process's peak memory at 10k and 100k rows (flat: the file is streamed end to end);
- event propagation latency (registration commit → visible in lp-api) under steady load;
- trs-sync throughput: status changes delivered to the TRS stand-in per second;
- lp-api full sync rows/s against a raw psycopg read, and how cost grows with 10k, 100k (and, with
  --big, 1M) participants — from bench/lp_api_sync.py;
- lp-api declarations at 100k: their full sync against the same ceiling and bound, and the POST rate (each POST a
  new declaration) — from bench/lp_api_declarations.py.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, UTC
from pathlib import Path

import pika
import requests

import portal_csv
import portal_pages
from harness import ROOT, now, registration, running_system, seed_teachers, wrk, write_json
from system import eventually
from propagation import register_and_watch

RESULTS = Path(__file__).parent / "results"
PARTS = ("request_rate", "portal", "portal_csv", "propagation", "trs_sync", "lp_api", "lp_api_declarations")
CEILING = "ceiling: bare Flask hello via gateway"


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


def hello_ceiling(seconds: int, port: int) -> dict:
    hello_url, processes = hello_behind_the_gateway(port)
    try:
        return wrk(hello_url, seconds=seconds)
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)


def request_rates(system, seconds: int, hello_port: int) -> dict:
    token = system.sign_in("alice@oakfield.example")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    seed_teachers(system, ["6000000"])
    system.partner("school-1", 2026)  # so the ECT is a v3 participant of the lead provider
    ect = requests.post(f"{system.gateway}/registrations/ects", json=registration(system, "6000000"),
                        headers=headers, timeout=10).json()
    lp_headers = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}
    participant = f"{system.gateway}/api/v3/participants/ecf/{ect['teacher_id']}"
    eventually(lambda: requests.get(participant, headers=lp_headers, timeout=10).status_code == 200)
    results = {
        CEILING: hello_ceiling(seconds, hello_port),
        "read: GET /registrations/ects/{id}": wrk(f"{system.gateway}/registrations/ects/{ect['id']}",
                                                  seconds=seconds, headers=headers),
        "read: GET /api/v3/participants/ecf/{id}": wrk(participant, seconds=seconds, headers=lp_headers),
    }
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
            "changed_at": datetime.now(UTC), "source": "cpd"}, producer="inductions")
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


def lp_api_declarations() -> dict:
    """bench/lp_api_declarations.py at 100k declarations: their full sync and the POST rate."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "lp_api_declarations.py"), "--n", "100000"],
                         capture_output=True, text=True, timeout=3600)
    print(out.stdout)
    path = RESULTS / "lp_api_declarations.json"
    return json.loads(path.read_text()) if out.returncode == 0 and path.exists() else {"error": out.stderr[-2000:]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--big", action="store_true", help="also measure lp-api at 1M participants")
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help=f"run only this part (repeatable; one of {', '.join(PARTS)}); portal measures the hello "
                             "ceiling too, not the other request-rate rows")
    parser.add_argument("--port-base", type=int, default=38000,
                        help="the private copy's ports: services from N, gateway N+80, hello ceiling N+90 and N+91")
    args = parser.parse_args()
    parts = set(args.only or PARTS)
    base = args.port_base
    report: dict = {"machine": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() + " cores"}
    with running_system("bench", port_base=base, gateway_port=base + 80,
                        extra_env={"TRS_RATE_LIMIT_PER_MINUTE": "600000"}) as system:
        if "portal" in parts:  # first: later parts register more ECTs at the same school
            portal = portal_pages.measure(system, args.seconds)
        if "request_rate" in parts:
            report["request_rate"] = request_rates(system, args.seconds, hello_port=base + 90)
        elif "portal" in parts:
            report["request_rate"] = {CEILING: hello_ceiling(args.seconds, base + 90)}
        if "portal" in parts:
            report["portal"] = portal_pages.with_ceiling(portal, report["request_rate"][CEILING])
            report["targets"] = portal_pages.targets(report["portal"])
        if "portal_csv" in parts:
            report["portal_csv"] = portal_csv.measure(system)
        if "propagation" in parts:
            report["propagation"] = propagation_under_load(system, seconds=20, rate=10)
        if "trs_sync" in parts:
            report["trs_sync"] = trs_sync_throughput(system, 500)
    if "lp_api" in parts:
        report["lp_api_full_sync"] = lp_api_full_sync(args.big)
    if "lp_api_declarations" in parts:
        report["lp_api_declarations"] = lp_api_declarations()
    report["summary"] = summary(report)
    write_json(RESULTS / "bench.json", report)
    print_table(report)
    return 0


def summary(report: dict) -> list[str]:
    """One line per headline figure of the parts that ran."""
    lines = [f"{name}: {r['requests_per_second']} req/s" for name, r in report.get("request_rate", {}).items()]
    for name, r in report.get("portal", {}).get("rows", {}).items():
        target = f"target >= {r['target']:.2f}: {'holds' if r['holds'] else 'misses'}" if r["target"] else "no target"
        lines.append(f"{name} ({report['portal']['users']} users): {r['requests_per_second']} req/s, p50 "
                     f"{r['latency_p50']}, p95 {r['latency_p95']}, {r['errors']} errors, {r['ratio_to_ceiling']} of "
                     f"hello ({target})")
    for size, run in report.get("portal_csv", {}).get("runs", {}).items():
        lines.append(f"portal CSV download of {size} participants: {run['rows_per_second']} rows/s, portal worker peak "
                     f"{run['portal']['rss_peak_mib']} MiB (+{run['portal']['growth_mib']} MiB while streaming)")
    if "propagation" in report:
        p = report["propagation"]["propagation_ms"]
        lines.append(f"propagation commit -> lp-api: p50 {p['p50']} ms, p95 {p['p95']} ms")
    if "trs_sync" in report:
        lines.append(f"trs-sync -> TRS stand-in: {report['trs_sync']['per_second']} changes/s")
    declared = report.get("lp_api_declarations", {})
    if "post" in declared:
        lines.append(f"lp-api declarations POST: {declared['post']['requests_per_second']} declarations/s, "
                     f"{declared['post']['errors']} errors")
        for per_page, r in declared["per_page"].items():
            lines.append(f"lp-api declarations full sync at {declared['n']:,}, per_page {per_page}: "
                         f"{r['lp_api']['rows_per_second']} rows/s, ratio {r['ratio']}, bound {r.get('bound', '-')}")
    return lines


def print_table(report: dict) -> None:
    if "request_rate" in report:
        print("\n== request rate through the gateway (wrk, 2 threads, 16 connections) ==")
        print(f"{'endpoint':<48} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
        for name, r in report["request_rate"].items():
            p50, p99 = r.get('latency_p50') or '', r.get('latency_p99') or ''
            print(f"{name:<48} {r['requests_per_second']:>9} {p50:>9} {p99:>9} {r['non_2xx']:>8}")
    if "portal" in report:
        print_portal(report["portal"])
    if "portal_csv" in report:
        portal_csv.print_rows(report["portal_csv"])
    if "propagation" in report:
        p = report["propagation"]
        print(f"\n== propagation: registration commit → visible in lp-api, {p['registrations']} registrations at "
              f"{p['registrations_per_second']}/s ==")
        print("   ms: " + "  ".join(f"{k} {v}" for k, v in p["propagation_ms"].items()) + f"   errors {p['errors']}")
    if "trs_sync" in report:
        t = report["trs_sync"]
        print(f"\n== trs-sync → TRS stand-in: {t['accepted_by_trs']}/{t['changes']} changes in {t['seconds']}s = "
              f"{t['per_second']}/s (client rate limit raised for the measurement; production default 1000/min) ==")
    if "lp_api_full_sync" in report:
        print_lp_api(report["lp_api_full_sync"])
    if "lp_api_declarations" in report:
        print_lp_api_declarations(report["lp_api_declarations"])


def print_portal(portal: dict) -> None:
    print(f"\n== the portal through the gateway: {portal['users']} users ({', '.join(portal['personas'])}), each its own "
          f"signed-in session (wrk, 8 threads, 1 connection each); the school has {portal['ects_at_school']} ECTs ==")
    print(f"{'endpoint':<48} {'req/s':>9} {'p50':>9} {'p95':>9} {'errors':>7} {'ratio':>6}  target")
    print(f"{CEILING + ' (16 conn.)':<48} {portal['ceiling_requests_per_second']:>9} {'':>9} {'':>9} {'':>7} {1:>6.3f}")
    for name, r in portal["rows"].items():
        target = f">= {r['target']:.2f} {'holds' if r['holds'] else 'MISSES'}" if r["target"] else "none"
        print(f"{name:<48} {r['requests_per_second']:>9} {r['latency_p50'] or '':>9} {r['latency_p95'] or '':>9} "
              f"{r['errors']:>7} {r['ratio_to_ceiling']:>6.3f}  {target}")
    print("   where a request's time goes (one at a time, in-process; mean ms per request, calls per request):")
    for name, t in portal["where_time_goes"].items():
        parts = ", ".join(f"{label} {p['ms_per_request']} ({p['calls_per_request']}x)" for label, p in t["parts"].items())
        print(f"   {name}: {t['ms_per_request']} ms = {parts}, other (Flask, forms, werkzeug) {t['other_ms']}")
    post = portal["rows"][portal_pages.WIZARD_POST]
    chain = portal["where_time_goes"][portal_pages.WIZARD_POST]["the eligibility check"]
    print("   the wizard step's eligibility check, each hop alone: " + ", ".join(f"{k} {v} ms" for k, v in chain.items()))
    dominated = post["trs_standin_lookups"] >= post["requests"] / 2
    print(f"   the TRS stand-in answered {post['trs_standin_lookups']} lookups during the {post['requests']} POSTs "
          f"(trs-sync keeps a lookup 60 s): the step is {'' if dominated else 'not '}dominated by the TRS stand-in")


def print_lp_api(sync) -> None:
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


def print_lp_api_declarations(declared: dict) -> None:
    print("\n== lp-api declarations (bench/lp_api_declarations.py): full sync against the participants' ceiling and "
          "bound, and the POST rate ==")
    if "error" in declared:
        print(f"   failed: {declared['error'][-500:]}")
        return
    print_lp_api([declared])
    p = declared["post"]
    print(f"   POST /api/v3/participant-declarations ({p['connections']} connections, each a new declaration): "
          f"{p['requests_per_second']}/s, p50 {p['latency_p50']}, p99 {p['latency_p99']}, {p['errors']} errors")


if __name__ == "__main__":
    raise SystemExit(main())
