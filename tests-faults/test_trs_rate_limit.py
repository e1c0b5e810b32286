"""TRS rate limit, three workers: registrations at a steady pace while three trs-sync workers (and its web process)
compete to deliver; what reaches TRS stays within TRS's limit in every window and minute, and every change still
arrives exactly once.

Run by `make faults` (and CI) with the rest of the faults suite."""
import os
import threading
import time
from collections import Counter
from datetime import datetime

import pytest
import requests

from system import stack, start_system

PER_MINUTE = 120  # windows of 6 s allowing 12 requests each
COUNT = 30
DOB = "1990-01-01"


@pytest.fixture(scope="module")
def limited_system(make_database, make_vhost, tmp_path_factory):
    if not (os.environ.get("CI") or os.environ.get("FAULTS_ALLOWED")):
        pytest.skip("part of the faults suite: run with `make faults`")
    system, process, log = start_system(make_database, make_vhost, tmp_path_factory.mktemp("limited"),
                                        gateway_port=28180, port_base=28100, scale={"trs-sync-worker": 3},
                                        env={"TRS_RATE_LIMIT_PER_MINUTE": str(PER_MINUTE)})
    try:
        yield system
    finally:
        stack.stop(process)


def test_three_workers_together_stay_within_trs_rate_limit(limited_system):
    system = limited_system
    trns = [f"5{n:06d}" for n in range(COUNT)]
    system.seed_trs(*[{"trn": t, "firstName": "Limit", "lastName": f"Tester{i}", "dateOfBirth": DOB,
                       "qtsDate": "2026-07-15"} for i, t in enumerate(trns)])
    token = system.sign_in_retrying("alice@oakfield.example")
    accepted, lock = set(), threading.Lock()

    def register(trn):
        body = {"trn": trn, "date_of_birth": DOB, "started_on": "2026-09-01", "email": f"{trn}@oakfield.example",
                "working_pattern": "full_time", "training_programme": "school_led", "cohort": 2026}
        for _ in range(90):  # the lookup may wait for the limit, or be refused while it is used up: try again
            r = requests.post(f"{system.gateway}/registrations/ects", json=body, timeout=30,
                              headers={"Authorization": f"Bearer {token}"})
            if r.status_code == 201 or (r.status_code == 409 and r.json().get("code") == "already_registered_here"):
                with lock:
                    accepted.add(trn)
                return
            time.sleep(1)

    threads = [threading.Thread(target=register, args=(t,)) for t in trns]
    for t in threads:
        t.start()
        time.sleep(0.3)
    for t in threads:
        t.join()
    assert accepted == set(trns)

    def delivered():
        puts = [r for r in system.trs_puts() if r["status"] == 204]
        return len({r["trn"] for r in puts}) == COUNT and puts
    deadline = time.monotonic() + 180
    while not delivered() and time.monotonic() < deadline:
        time.sleep(2)
    puts = [r for r in system.trs_puts() if r["status"] == 204]
    calls = requests.get(f"{system.trs}/_test/requests", params={"kind": "all"}, timeout=5).json()["requests"]
    arrivals = [datetime.fromisoformat(c["receivedAt"].replace("Z", "+00:00")).timestamp() for c in calls]
    per_window = Counter(int(a) // 6 for a in arrivals)
    per_minute = Counter(int(a) // 60 for a in arrivals)
    print(f"\nTRS rate limit, three workers: {len(calls)} requests reached TRS; at most {max(per_window.values())} "
          f"in a 6 s window (limit {PER_MINUTE // 10}), {max(per_minute.values())} in a minute (limit {PER_MINUTE})")
    assert {r["trn"] for r in puts} == set(trns) and len(puts) == COUNT  # each change delivered exactly once
    assert max(per_window.values()) <= PER_MINUTE // 10 and max(per_minute.values()) <= PER_MINUTE
