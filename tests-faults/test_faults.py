"""Break things during a burst of registrations, with lp-api and trs-sync workers running as two replicas each, then
check that nothing was lost or doubled.

Run by `make faults` (and CI): it restarts this machine's RabbitMQ and PostgreSQL, so it is kept out
of `make test`. Loopback only; bounded in count and time. It prints the counts it checks.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pika
import pytest
import requests

from system import stack, start_system

BURST = int(os.environ.get("FAULTS_BURST", "120"))
DOB = "1990-01-01"
MANAGED = ("inductions-worker", "registrations-worker")  # run by this test, so it can kill -9 them


class Worker:
    """A worker process this test owns: started, killed with SIGKILL, started again."""

    def __init__(self, package: str, env: dict, log: Path):
        self.package, self.env, self.log = package, env, log
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", self.package, "worker"], env=self.env,
                                        stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)

    def kill9(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wait_for(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return False


def trs_faults(system, *faults):
    requests.post(f"{system.trs}/_test/faults", json={"faults": list(faults)}, timeout=5).raise_for_status()


def restart_rabbitmq():
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=60)
    time.sleep(2)
    subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=60)


def restart_postgresql():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, timeout=60)


@pytest.fixture(scope="module")
def broken_system(make_database, make_vhost, tmp_path_factory):
    if not (os.environ.get("CI") or os.environ.get("FAULTS_ALLOWED")):
        pytest.skip("restarts this machine's RabbitMQ and PostgreSQL: run with `make faults`")
    run_dir = tmp_path_factory.mktemp("faults")
    # Replicas as deployed: competing consumers deliver events out of order; the read copies must not care.
    system, process, log = start_system(make_database, make_vhost, run_dir, gateway_port=28080, port_base=28000,
                                        without=MANAGED, scale={"lp-api-worker": 2, "trs-sync-worker": 2})
    workers = {name: Worker(name.split("-")[0], system.env, run_dir / f"{name}.log") for name in MANAGED}
    for w in workers.values():
        w.start()
    system.wait_for_demo_organisations()
    system.partner("school-1", 2026)  # the burst's ECTs train through it, so lp-api lists them
    try:
        yield system, workers
    finally:
        for w in workers.values():
            w.stop()
        stack.stop(process)


def test_nothing_is_lost_or_doubled_when_things_break(broken_system):
    system, workers = broken_system
    trns = [f"4{n:06d}" for n in range(BURST)]
    system.seed_trs(*[{"trn": t, "firstName": "Fault", "lastName": f"Tester{i}", "dateOfBirth": DOB,
                       "qtsDate": "2026-07-15"} for i, t in enumerate(trns)])
    accepted, errors, lock = set(), [], threading.Lock()

    def register(trn):
        token = system.sign_in_retrying("alice@oakfield.example")
        body = {"trn": trn, "date_of_birth": DOB, "started_on": "2026-09-01", "email": f"{trn}@oakfield.example",
                "working_pattern": "full_time", "training_programme": "provider_led",
                "lead_provider_id": system.org("lp-1"), "cohort": 2026}
        for _ in range(60):  # a client that retries while the system is broken, as a browser user would
            try:
                r = requests.post(f"{system.gateway}/registrations/ects", json=body, timeout=15,
                                  headers={"Authorization": f"Bearer {token}"})
            except requests.RequestException:
                time.sleep(1)
                continue
            if r.status_code == 201 or (r.status_code == 409 and r.json().get("code") == "already_registered_here"):
                with lock:
                    accepted.add(trn)
                return
            if r.status_code in (502, 503, 504, 500):
                time.sleep(1)
                continue
            with lock:
                errors.append((trn, r.status_code, r.text[:200]))
            return

    def burst():
        for i in range(0, BURST, 4):
            threads = [threading.Thread(target=register, args=(t,)) for t in trns[i:i + 4]]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(0.15)

    traffic = threading.Thread(target=burst)
    traffic.start()
    timeline = []

    def step(name, action):
        timeline.append((round(time.monotonic() - started, 1), name))
        action()

    started = time.monotonic()
    time.sleep(3)
    step("kill -9 inductions consumer", workers["inductions-worker"].kill9)
    time.sleep(2)
    step("restart inductions consumer", workers["inductions-worker"].start)
    step("TRS down: answers 500 to every PUT", lambda: trs_faults(system, {"mode": "500", "paths": "put"}))
    time.sleep(2)
    step("kill -9 registrations relay", workers["registrations-worker"].kill9)
    time.sleep(1)
    step("restart registrations relay", workers["registrations-worker"].start)
    time.sleep(2)
    step("TRS back but busy: 429 (10 times), then slow beyond our timeout (2 times)",
         lambda: trs_faults(system, {"mode": "429", "count": 10, "seconds": 1, "paths": "put"},
                            {"mode": "timeout", "count": 2, "seconds": 7, "paths": "put"}))
    step("restart RabbitMQ", restart_rabbitmq)
    time.sleep(3)
    step("restart PostgreSQL", restart_postgresql)
    traffic.join(300)
    assert not errors, errors[:5]

    lp = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}

    def lp_trns():
        try:
            data = requests.get(f"{system.gateway}/api/v3/participants/ecf", params={"page[per_page]": 3000},
                                headers=lp, timeout=15).json()["data"]
        except (requests.RequestException, ValueError, KeyError):
            return None
        return [p["attributes"]["teacher_reference_number"] for p in data]

    wait_for(lambda: (lambda seen: seen is not None and set(trns) <= set(seen))(lp_trns()), timeout=180)
    seen = lp_trns() or []

    def delivered():
        puts = [p for p in system.trs_puts() if p["trn"] in set(trns)]
        return puts if {p["trn"] for p in puts if p["status"] == 204} >= set(trns) else None

    wait_for(delivered, timeout=240)
    puts = [p for p in system.trs_puts() if p["trn"] in set(trns)]
    ok_puts = {}
    for p in puts:
        if p["status"] == 204:
            ok_puts.setdefault(p["trn"], []).append(p["body"]["status"])
    dlq = dead_letter_depths(system)

    print("\n--- faults timeline (s) ---")
    for at, name in timeline:
        print(f"  {at:6}  {name}")
    print("--- counts ---")
    print(f"  registrations accepted              {len(accepted)} / {BURST}")
    print(f"  visible in lp-api                   {len(set(seen) & set(trns))} (duplicates: {len(seen) - len(set(seen))})")
    print(f"  TRS PUT attempts / accepted         {len(puts)} / {sum(len(v) for v in ok_puts.values())}")
    print(f"  teachers with exactly one accepted  {sum(1 for v in ok_puts.values() if v == ['RequiredToComplete'])}")
    print(f"  dead-letter queues                  {dlq}")

    assert accepted == set(trns)
    assert sorted(t for t in seen if t in set(trns)) == sorted(trns)  # each exactly once
    assert all(v == ["RequiredToComplete"] for v in ok_puts.values()) and set(ok_puts) == set(trns)
    assert all(depth == 0 for depth in dlq.values()), dlq


def dead_letter_depths(system) -> dict:
    from ecf_shared import contracts

    connection = pika.BlockingConnection(pika.URLParameters(system.cfg.amqp_url))
    try:
        channel = connection.channel()
        return {f"{c}.dlq": channel.queue_declare(f"{c}.dlq", passive=True).method.message_count
                for c in contracts.consumers()}
    finally:
        connection.close()
