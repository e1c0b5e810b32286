"""Registrations through the gateway, and how long each takes to become visible to the lead provider."""
from __future__ import annotations

import queue
import threading
import time
from datetime import datetime, timedelta, UTC

import requests

from harness import percentiles, registration


def register_and_watch(system, trns: list[str], *, users: int, seconds: float | None = None,
                       rate_per_second: float | None = None) -> dict:
    """`users` clients register TRNs (as fast as they can, or at `rate_per_second` in total) for
    `seconds` or until the TRNs run out; a watcher polls lp-api and notes when each first appears."""
    system.partner("school-1", 2026)  # the ECTs registered below train through it, so they are v3 participants
    token = system.sign_in("alice@oakfield.example")["access_token"]
    lp_headers = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}
    todo: queue.Queue = queue.Queue()
    for t in trns:
        todo.put(t)
    committed: dict[str, float] = {}
    seen: dict[str, float] = {}
    errors: list[tuple] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds if seconds else None
    interval = users / rate_per_second if rate_per_second else 0.0
    started_wall = datetime.now(UTC) - timedelta(seconds=2)
    done_registering = threading.Event()

    def client():
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        while not (stop_at and time.perf_counter() > stop_at):
            try:
                trn = todo.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            r = session.post(f"{system.gateway}/registrations/ects", json=registration(system, trn), headers=headers,
                             timeout=30)
            finished = time.perf_counter()
            with lock:
                if r.status_code == 201:
                    committed[trn] = finished
                else:
                    errors.append((trn, r.status_code, r.text[:200]))
            if interval:
                time.sleep(max(0.0, interval - (finished - began)))

    def watcher():
        session = requests.Session()
        since = started_wall
        while True:
            r = session.get(f"{system.gateway}/api/v3/participants/ecf", headers=lp_headers, timeout=30,
                            params={"filter[updated_since]": since.isoformat(), "page[per_page]": 3000})
            at = time.perf_counter()
            if r.status_code != 200:
                with lock:
                    errors.append(("watcher", r.status_code, r.text[:200]))
            else:
                for p in r.json()["data"]:
                    trn = p["attributes"]["teacher_reference_number"]
                    with lock:
                        seen.setdefault(trn, at)
                    updated = datetime.fromisoformat(p["attributes"]["updated_at"].replace("Z", "+00:00"))
                    # a moving watermark, with overlap, so each poll stays small as the run goes on
                    since = max(since, updated - timedelta(seconds=2))
            with lock:
                all_seen = done_registering.is_set() and set(committed) <= set(seen)
            if all_seen or (done_registering.is_set() and time.perf_counter() - finished_at[0] > 60):
                return
            time.sleep(0.02)

    finished_at = [0.0]
    clients = [threading.Thread(target=client) for _ in range(users)]
    watch = threading.Thread(target=watcher)
    t0 = time.perf_counter()
    watch.start()
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    finished_at[0] = time.perf_counter()
    elapsed = finished_at[0] - t0
    done_registering.set()
    watch.join(120)
    latencies = [(seen[t] - committed[t]) * 1000 for t in committed if t in seen]
    return {
        "users": users,
        "registrations": len(committed),
        "errors": len(errors),
        "error_samples": errors[:3],
        "seconds": round(elapsed, 1),
        "registrations_per_second": round(len(committed) / elapsed, 1) if elapsed else None,
        "not_visible_after_60s": len(set(committed) - set(seen)),
        "propagation_ms": percentiles(latencies),
    }
