"""TRS's rate limit and the circuit breaker hold across every trs-sync process, not per process."""
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, UTC

import pytest
import requests
from sqlalchemy import text

from trs_sync.circuit_breaker import CircuitBreaker
from trs_sync.domain import limits
from trs_sync.rate_limit import SharedRateLimit, Throttled

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
COOL, PROBE = timedelta(seconds=10), timedelta(seconds=60)


def test_the_windows_share_out_the_minute_so_no_trs_minute_sees_more():
    assert limits.window(1000) == (6, 100)
    assert limits.window(30) == (6, 3)
    assert limits.window(5) == (60, 5)
    with pytest.raises(ValueError):
        limits.window(0)


def test_the_circuit_opens_after_repeated_failures_and_probes_once_after_the_cool_down():
    c = limits.failed(limits.Circuit(), T0, threshold=2)
    assert limits.allow(c, T0, COOL, PROBE)[0] and c.state == "closed"
    c = limits.failed(c, T0, threshold=2)
    assert not limits.allow(c, T0, COOL, PROBE)[0] and limits.retry_in(c, T0, COOL) == 10
    allowed, c = limits.allow(c, T0 + COOL, COOL, PROBE)
    assert allowed and c.state == "half_open"
    assert not limits.allow(c, T0 + COOL, COOL, PROBE)[0]  # one probe at a time
    assert limits.allow(c, T0 + COOL + PROBE, COOL, PROBE)[0]  # a probe never heard of is given up
    c = limits.failed(c, T0 + COOL, threshold=2)
    assert c.state == "open" and not limits.allow(c, T0 + COOL, COOL, PROBE)[0]
    assert limits.succeeded(c).state == "closed"


def _in_a_fresh_window(db, seconds: int = 6) -> None:
    """Start a counting test well inside a window, so its requests do not straddle two."""
    with db.engine.connect() as conn:
        into = conn.execute(text("select extract(epoch from now())::numeric % :s"), {"s": seconds}).scalar()
    if float(into) > seconds - 2.5:
        time.sleep(seconds - float(into) + 0.05)


def test_processes_share_one_rate_limit_and_a_pause(svc):
    _in_a_fresh_window(svc.db)
    first, second = SharedRateLimit(svc.db, 30), SharedRateLimit(svc.db, 30)  # two processes: 3 per 6 s together
    first.acquire(0)
    second.acquire(0)
    first.acquire(0)
    with pytest.raises(Throttled) as raised:
        second.acquire(0)
    assert 0 < raised.value.retry_after <= 6
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("delete from trs_rate_windows")
    second.hold_off(5)
    with pytest.raises(Throttled) as paused:
        first.acquire(0)
    assert 4 < paused.value.retry_after <= 5


def test_no_request_starts_in_the_last_moment_of_a_window(svc):
    """One taken there would reach TRS in TRS's next window, on top of that window's share."""
    limit = SharedRateLimit(svc.db, 30)
    with svc.db.engine.connect() as conn:
        into = float(conn.execute(text("select extract(epoch from now())::numeric % 6")).scalar())
    time.sleep((6 - limits.GUARD_SECONDS / 2 - into) % 6)
    with pytest.raises(Throttled) as raised:
        limit.acquire(0)
    assert 0 < raised.value.retry_after <= limits.GUARD_SECONDS
    limit.acquire(1)  # taken at the start of the next window


def test_processes_share_one_circuit(svc):
    first, second = CircuitBreaker(svc.db, 2, 0.5), CircuitBreaker(svc.db, 2, 0.5)
    first.failed()
    second.failed()
    assert not first.allow() and not second.allow() and first.state == "open"
    time.sleep(0.6)
    assert [first.allow(), second.allow()] == [True, False]  # one probe among all the processes
    second.succeeded()
    assert first.allow() and second.allow() and first.state == "closed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_three_busy_processes_together_stay_under_trs_limit(svc, trs_standin, token_issuer):
    """Three trs-sync web processes, each asked for far more lookups than the limit allows: what reaches TRS,
    counted by TRS's own clock, stays within the limit in every window and every minute, and each process gets
    its share."""
    per_minute, seconds, capacity = 60, *limits.window(60)
    trns = [f"{4000000 + i}" for i in range(400)]
    for trn in trns:
        trs_standin.seed(trn)
    env = {**os.environ, "DATABASE_URL": svc.settings.database_url, "AMQP_URL": svc.settings.amqp_url,
           "JWKS_JSON": token_issuer.jwks_json, "TRS_API_URL": trs_standin.url, "TRS_API_KEY": "dev-trs-key", "ENVIRONMENT": "test",
           "TRS_RATE_LIMIT_PER_MINUTE": str(per_minute), "LOOKUP_CACHE_SECONDS": "0", "WEB_CONCURRENCY": "1",
           "WEB_THREADS": "4", "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "WARNING", "TRS_TIMEOUT_SECONDS": "2"}
    ports = [_free_port() for _ in range(3)]
    processes = [subprocess.Popen([sys.executable, "-m", "trs_sync", "web"], env={**env, "PORT": str(port)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    headers = {"Authorization": f"Bearer {token_issuer.issue()}"}
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while not _up(port):
                if time.monotonic() > deadline:
                    raise AssertionError(f"trs-sync on {port} did not start")
                time.sleep(0.2)
        trs_standin.reset()
        for trn in trns:
            trs_standin.seed(trn)
        answered = Counter()
        stop = time.monotonic() + 2.5 * seconds

        def ask(port, offset):
            i = offset
            while time.monotonic() < stop:
                trn = trns[i % len(trns)]
                i += 7
                r = requests.get(f"http://127.0.0.1:{port}/teachers/{trn}", params={"date_of_birth": "1990-05-17"},
                                 headers=headers, timeout=10)
                answered[(port, r.status_code)] += 1

        threads = [threading.Thread(target=ask, args=(port, n * 50 + k)) for n, port in enumerate(ports) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(10)
    arrivals = [datetime.fromisoformat(r["receivedAt"].replace("Z", "+00:00"))
                for r in trs_standin.received("get")]
    per_window = Counter(int(a.timestamp()) // seconds for a in arrivals)
    per_minute_seen = Counter(int(a.timestamp()) // 60 for a in arrivals)
    assert arrivals and max(per_window.values()) <= capacity, per_window
    assert max(per_minute_seen.values()) <= per_minute
    assert all(answered[(port, 200)] > 0 for port in ports), answered  # every process was served
    refused = sum(n for (port, status), n in answered.items() if status != 200)
    assert refused > len(arrivals), answered  # each was busy: asked for far more than TRS was sent


def _up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False
