"""The rules of the two limits on calling TRS, free of storage: the rate windows and the circuit breaker's states.

Rate: TRS counts requests per client in fixed minutes. We count in shorter windows aligned to the minute, each
allowing its share of the minute's limit, so no TRS minute ever sees more than the limit and a burst is at most
one window's share. No request starts in a window's last GUARD_SECONDS: one taken there would reach TRS after
TRS's clock has moved into the next window and be counted there, on top of that window's share.

Circuit: closed → (N transient failures in a row) → open → (cool-down) → half-open: one probe request at a time
(a probe not heard of within `probe_timeout` is given up, so a process that died while probing cannot hold the
circuit half-open for ever) → success closes it, failure opens it again for another cool-down.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


GUARD_SECONDS = 0.5


def window(per_minute: int) -> tuple[int, int]:
    """(window length in seconds, requests each window allows) for a limit per minute."""
    if per_minute < 1:
        raise ValueError("the TRS rate limit must allow at least one request a minute")
    seconds = 6 if per_minute >= 10 else 60
    return seconds, per_minute * seconds // 60


@dataclass(frozen=True)
class Circuit:
    state: str = "closed"  # closed | open | half_open
    failures: int = 0
    opened_at: datetime | None = None
    probe_started_at: datetime | None = None


def allow(circuit: Circuit, now: datetime, cool_down: timedelta, probe_timeout: timedelta) -> tuple[bool, Circuit]:
    """May a request go to TRS now, and the circuit after the question."""
    if circuit.state == "open" and now - circuit.opened_at >= cool_down:
        circuit = replace(circuit, state="half_open", probe_started_at=None)
    if circuit.state == "half_open":
        if circuit.probe_started_at is None or now - circuit.probe_started_at >= probe_timeout:
            return True, replace(circuit, probe_started_at=now)
        return False, circuit
    return circuit.state == "closed", circuit


def retry_in(circuit: Circuit, now: datetime, cool_down: timedelta) -> float:
    if circuit.state != "open":
        return 0.0
    return max(0.0, (circuit.opened_at + cool_down - now).total_seconds())


def succeeded(circuit: Circuit) -> Circuit:
    return Circuit()


def failed(circuit: Circuit, now: datetime, threshold: int) -> Circuit:
    failures = circuit.failures + 1
    if circuit.state == "half_open" or failures >= threshold:
        return Circuit(state="open", failures=failures, opened_at=now)
    return replace(circuit, failures=failures)
