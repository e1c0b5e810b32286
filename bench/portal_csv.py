"""A delivery partner's CSV download of 100,000 participants through the portal: rows/s, and the peak memory of the
portal's process (and lp-api's) while it streams, at two sizes, to show it stays flat as the download grows.

    .venv/bin/python bench/portal_csv.py [--sizes 10000 100000] [--port-base 39000]
    (or, with the other rows: .venv/bin/python bench/bench.py --only portal_csv)

On a private copy of the whole system (bench/harness.running_system, as `make up` runs it: gunicorn, the gateway),
lp-api's read model is loaded straight from SQL with the largest size's participants of Delta Partners: the smaller
size's through Brightside Learning, the rest through Northern Lights Teaching. The delivery partner's persona
(dana@deltapartners.example) signs in through the personas page, and downloads
/delivery-partner/participants.csv through the gateway: filtered by Brightside Learning (the smaller size), then
unfiltered (every participant), after a warm-up download. The bytes go browser ← gateway ← portal ← gateway ← lp-api,
each hop streaming; the ceiling is the same file straight from lp-api through the gateway, without the portal.

Memory: every process of the portal's web (the gunicorn master and its workers) and of lp-api's web is found by its
PORT in /proc/<pid>/environ; their VmRSS is sampled every 10 ms while a download runs. A row's figures are the peak
RSS of the worker that served it (the one that used most CPU meanwhile), its RSS just before, the growth, and VmHWM
(the high-water mark since the worker started). Flat: the growth does not rise with the number of rows.
Writes bench/results/portal_csv.json.
"""
from __future__ import annotations

import argparse
import csv
import io
import threading
import time
from pathlib import Path

import psycopg
import requests

from harness import ROOT, running_system, write_json
from portal_pages import sign_in
from system import eventually

RESULTS = Path(__file__).parent / "results" / "portal_csv.json"
PERSONA = "dana@deltapartners.example"
PATH = "/delivery-partner/participants.csv"
SAMPLE_SECONDS = 0.01

SEED = """
insert into teachers (id, trn, first_name, last_name, email, created_at, updated_at, source_at)
select md5('teacher' || i)::uuid, (5000000 + i)::text, 'Bench', 'Participant ' || lpad(i::text, 7, '0'),
       'p' || i || '@school.example', now(), now(), now()
  from generate_series(0, %(n)s - 1) i;
insert into enrolments (id, training_period_id, teacher_id, participant_type, period_id, school_id, school_urn,
                        lead_provider_id, delivery_partner_id, cohort, schedule, training_status, participant_status,
                        email, registered_by, created_at, source_at)
select md5('enrolment' || i)::uuid, md5('training' || i)::uuid, md5('teacher' || i)::uuid,
       case when i %% 5 = 0 then 'mentor' else 'ect' end, md5('period' || i)::uuid,
       case when i %% 2 = 0 then %(school_1)s::uuid else %(school_2)s::uuid end,
       case when i %% 2 = 0 then '100001' else '100002' end,
       case when i < %(small)s then %(lp_2)s::uuid else %(lp_1)s::uuid end, %(dp_1)s::uuid, 2026,
       'ecf-standard-september', case when i %% 17 = 0 then 'deferred' else 'active' end, 'active',
       'p' || i || '@school.example', '{}'::jsonb, now(), now()
  from generate_series(0, %(n)s - 1) i;
insert into induction_statuses (trn, status, source_at)
select (5000000 + i)::text, 'InProgress', now() from generate_series(0, %(n)s - 1) i where i %% 5 <> 0
"""


def seed(system, n: int, small: int) -> None:
    """n participants of Delta Partners in lp-api's read model, the first `small` through Brightside Learning."""
    ids = {key.replace("-", "_"): system.org(key) for key in ("school-1", "school-2", "lp-1", "lp-2", "dp-1")}
    with psycopg.connect(_libpq(system), options="-csearch_path=lp_api") as conn:
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(statement, {"n": n, "small": small, **ids})
        conn.commit()
    with psycopg.connect(_libpq(system), autocommit=True, options="-csearch_path=lp_api") as conn:
        conn.execute("vacuum analyze teachers, enrolments, induction_statuses")


def _libpq(system) -> str:
    from ecf_shared.db import libpq_url

    return libpq_url(system.cfg.database_url)


def processes_on_port(port: int) -> list[int]:
    """The pids whose environment says PORT=<port> (a web's gunicorn master and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PORT={port}".encode() in environ:
            found.append(int(entry.name))
    return sorted(found)


def status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


class Sampler:
    """VmRSS of some processes every SAMPLE_SECONDS, in a thread: each one's RSS before, and its peak; and the CPU
    each used meanwhile (the one that used most served the request)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.cpu = {pid: cpu_ticks(pid) for pid in pids}
        self.before = {pid: status_kib(pid, "VmRSS") for pid in pids}
        self.peak = dict(self.before)
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.cpu = {pid: cpu_ticks(pid) - ticks for pid, ticks in self.cpu.items()}

    def _run(self):
        while not self._stop.is_set():
            for pid in self.pids:
                rss = status_kib(pid, "VmRSS")
                if rss is not None and rss > (self.peak.get(pid) or 0):
                    self.peak[pid] = rss
            self.samples += 1
            time.sleep(SAMPLE_SECONDS)

    def busiest(self) -> dict:
        """The process that served the download: the one that used most CPU while it ran."""
        pid = max(self.pids, key=lambda p: self.cpu[p])
        before, peak = self.before.get(pid) or 0, self.peak.get(pid) or 0
        return {"pid": pid, "rss_before_mib": round(before / 1024, 1), "rss_peak_mib": round(peak / 1024, 1),
                "growth_mib": round((peak - before) / 1024, 1),
                "vm_hwm_mib": round((status_kib(pid, "VmHWM") or 0) / 1024, 1)}


def download(user: requests.Session, url: str, portal_pids: list[int], lp_api_pids: list[int],
             headers: dict | None = None) -> dict:
    """One download, read as a browser would (64 KiB at a time, nothing kept but a count of lines)."""
    lines = size = 0
    first_line = b""
    with Sampler(portal_pids) as portal, Sampler(lp_api_pids) as lp_api:
        started = time.perf_counter()
        with user.get(url, stream=True, timeout=600, headers=headers) as response:
            response.raise_for_status()
            assert response.headers["Content-Type"].startswith("text/csv"), response.headers
            first_byte = time.perf_counter() - started
            for chunk in response.iter_content(64 * 1024):
                if not first_line:
                    first_line = chunk.split(b"\n", 1)[0]
                lines += chunk.count(b"\n")
                size += len(chunk)
        seconds = time.perf_counter() - started
    rows = lines - 1  # the header
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "first_byte_ms": round(first_byte * 1000, 1), "mib": round(size / 2**20, 1),
            "header": first_line.decode(), "portal": portal.busiest(), "lp_api": lp_api.busiest(),
            "rss_samples": portal.samples}


def measure(system, sizes: tuple[int, int] = (10_000, 100_000)) -> dict:
    small, n = min(sizes), max(sizes)
    seed(system, n, small)
    user = sign_in(system, PERSONA)
    g = system.gateway
    lp_1, lp_2 = system.org("lp-1"), system.org("lp-2")

    def lp_api_has_them():
        answer = user.get(f"{g}/delivery-partner/participants?lead_provider={lp_2}", timeout=30)
        return answer.status_code == 200 and f"{small} participants" in answer.text

    eventually(lp_api_has_them, timeout=60, interval=1)  # the demo organisations and relationships are in lp-api
    portal_pids = processes_on_port(system.cfg.port(6))
    lp_api_pids = processes_on_port(system.cfg.port(5))
    assert portal_pids and lp_api_pids, (portal_pids, lp_api_pids)
    warm_up = download(user, f"{g}{PATH}?lead_provider={lp_2}&q=Participant%200000001", portal_pids, lp_api_pids)
    assert warm_up["rows"] == 1, warm_up
    runs = {}
    for size, query in ((small, f"?lead_provider={lp_2}"), (n, "")):  # Brightside's, then everyone
        runs[str(size)] = download(user, f"{g}{PATH}{query}", portal_pids, lp_api_pids)
        assert runs[str(size)]["rows"] == size, runs[str(size)]
    # The ceiling: the same file straight from lp-api through the gateway (the user's access token, no portal).
    token = system.sign_in(PERSONA)["access_token"]
    direct = download(requests.Session(), f"{g}/lp-api{PATH}", portal_pids, lp_api_pids,
                      headers={"Authorization": f"Bearer {token}"})
    assert direct["rows"] == n, direct
    last = user.get(f"{g}{PATH}?lead_provider={lp_1}&q=Participant%20{n - 1:07d}", timeout=60).text
    assert [r["trn"] for r in csv.DictReader(io.StringIO(last))] == [str(5000000 + n - 1)]
    growth = [r["portal"]["growth_mib"] for r in runs.values()]
    for run in runs.values():
        run["ratio_to_lp_api_direct"] = round(run["rows_per_second"] / direct["rows_per_second"], 2)
    return {"persona": PERSONA, "path": PATH, "portal_web_processes": len(portal_pids), "runs": runs,
            "lp_api_direct": direct,
            "flat": max(growth) - min(growth) < 10,
            "note": "growth: the serving portal worker's peak VmRSS during the download minus its VmRSS just before"}


def print_rows(result: dict) -> None:
    print(f"\n== the CSV download through the portal ({result['persona']}, {result['path']}; streamed "
          "browser <- gateway <- portal <- gateway <- lp-api) ==")
    print(f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'MiB':>6} {'1st byte':>9} {'portal RSS before':>18} "
          f"{'peak':>6} {'growth':>7} {'VmHWM':>6} {'lp-api growth':>14}")
    for run in result["runs"].values():
        p = run["portal"]
        print(f"{run['rows']:>8} {run['seconds']:>8} {run['rows_per_second']:>8} {run['mib']:>6} "
              f"{run['first_byte_ms']:>7}ms {p['rss_before_mib']:>16}Mi {p['rss_peak_mib']:>6} {p['growth_mib']:>7} "
              f"{p['vm_hwm_mib']:>6} {run['lp_api']['growth_mib']:>12}Mi")
    d = result["lp_api_direct"]
    print(f"   ceiling: the same {d['rows']} rows straight from lp-api through the gateway (no portal): "
          f"{d['rows_per_second']} rows/s, lp-api worker +{d['lp_api']['growth_mib']} MiB; the portal's rows reach "
          + ", ".join(f"{r['ratio_to_lp_api_direct']}" for r in result["runs"].values()) + " of it")
    print(f"   memory {'stays flat' if result['flat'] else 'GROWS'} as the download grows (MiB; the serving worker's "
          "VmRSS sampled every 10 ms)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000], metavar=("SMALL", "N"))
    parser.add_argument("--port-base", type=int, default=39000,
                        help="the private copy's ports: services from N, gateway N+80")
    args = parser.parse_args()
    with running_system("portal_csv", port_base=args.port_base, gateway_port=args.port_base + 80) as system:
        result = measure(system, tuple(args.sizes))
    write_json(RESULTS, result)
    print_rows(result)
    print(f"   written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
