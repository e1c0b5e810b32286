"""The TRS client's mapping of TRS's answers, and the small pieces it is built from."""
from datetime import date

import pytest

from trs_sync import trs_client as trs
from trs_sync.rate_limit import SharedRateLimit
from trs_sync.ttl_cache import TtlCache

TRS_KEY = "dev-trs-key"


def client(standin, db, *, key=TRS_KEY, version="20250203", timeout=2.0):
    return trs.TrsClient(standin.url, api_key=key, api_version=version, timeout=timeout,
                         bucket=SharedRateLimit(db, 6000))


@pytest.fixture
def standin(trs_standin, svc):
    trs_standin.reset()
    trs_standin.seed("1234567")
    trs_standin.db = svc.db
    return trs_standin


def test_a_slow_trs_is_transient(standin):
    standin.fault({"mode": "slow", "seconds": 1, "paths": "put"})
    with pytest.raises(trs.Transient):
        client(standin, standin.db, timeout=0.2).set_cpd_induction("1234567", {"status": "RequiredToComplete",
                                                                   "modifiedOn": "2026-09-01T09:00:00Z"})


def test_trs_unreachable_is_transient(svc):
    unreachable = trs.TrsClient("http://127.0.0.1:9", api_key="k", api_version="20250203", timeout=0.5,
                                bucket=SharedRateLimit(svc.db, 6000))
    with pytest.raises(trs.Transient):
        unreachable.find_teacher("1234567", date(1990, 5, 17))


@pytest.mark.parametrize("key, version", [("wrong-key", "20250203"), (TRS_KEY, "20990101")])
def test_a_wrong_key_or_version_is_misconfiguration_not_a_missing_teacher(standin, key, version):
    with pytest.raises(trs.Misconfigured):
        client(standin, standin.db, key=key, version=version).find_teacher("1234567", date(1990, 5, 17))


def test_rate_limit_answer_carries_retry_after_and_holds_off_every_process(standin):
    standin.fault({"mode": "429", "count": 1, "seconds": 7, "paths": "get"})
    c = client(standin, standin.db)
    with pytest.raises(trs.RateLimited) as raised:
        c.find_teacher("1234567", date(1990, 5, 17))
    assert raised.value.retry_after == 7
    another_process = client(standin, standin.db)  # its own client and limit object, the same database
    with pytest.raises(trs.RateLimited):  # not sent: every process waits for Retry-After
        another_process.find_teacher("1234567", date(1990, 5, 17))
    assert len(standin.received("get")) == 1


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_ttl_cache_forgets_after_its_time():
    clock = FakeClock()
    cache = TtlCache(60, clock=clock)
    cache.put("k", "v")
    clock.now = 59.9
    assert cache.get("k") == "v"
    clock.now = 60
    assert cache.get("k") is None


def test_ttl_cache_stays_bounded():
    cache = TtlCache(60, max_entries=2)
    for key in "abc":
        cache.put(key, key)
    assert cache.get("a") is None and cache.get("c") == "c"
