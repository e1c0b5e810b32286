"""The rate limit (held in PostgreSQL) and full syncs that seek instead of offsetting."""

import pytest
from sqlalchemy import text

from lp_events import ect_registration

PARTICIPANTS = "/api/v3/participants/ecf"


@pytest.fixture
def limit(svc):
    ctx = svc.app.extensions["ecf"]
    original = ctx.settings

    def set_limit(requests: int):
        ctx.settings = original.with_overrides(lp_rate_limit=requests)

    yield set_limit
    ctx.settings = original


def test_over_the_limit_is_a_429_with_retry_after_per_token(svc, make_provider, limit):
    limit(3)
    provider, other = make_provider(), make_provider()
    assert [provider.get(PARTICIPANTS).status_code for _ in range(3)] == [200, 200, 200]
    refused = provider.get(PARTICIPANTS)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 300
    assert refused.json["errors"][0]["title"] == "Too many requests"
    assert other.get(PARTICIPANTS).status_code == 200  # each token has its own allowance
    with svc.db.engine.connect() as conn:  # shared by every worker and replica: it is in the database
        counts = dict(conn.execute(text("select token_id::text, count from rate_limit_windows")).all())
    assert counts == {provider.token_id: 4, other.token_id: 1}


def test_a_full_sync_seeks_from_remembered_cursors_and_matches_offset_pages(svc, make_provider):
    provider = make_provider()
    for _ in range(7):
        svc.send("registrations.ect.registered", ect_registration(lead_provider_id=provider.id))
    svc.consume()
    everything = [p["id"] for p in provider.get(PARTICIPANTS).json["data"]]
    for sort in (None, "-created_at", "updated_at", "-updated_at"):
        query = {"page[per_page]": "3", **({"sort": sort} if sort else {})}
        expected = everything[::-1] if sort and sort.startswith("-") else everything
        cold = [p["id"] for p in provider.get(PARTICIPANTS, {**query, "page[page]": "3"}).json["data"]]
        synced = []
        for page in range(1, 5):
            synced += [p["id"] for p in provider.get(PARTICIPANTS, {**query, "page[page]": str(page)}).json["data"]]
        assert synced == expected and cold == expected[6:], sort
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from page_cursors")).scalar() > 0


def test_the_worker_clears_expired_page_positions_and_ended_windows(svc, make_provider):
    from lp_api.definition import DEFINITION

    provider = make_provider()
    for _ in range(3):
        svc.send("registrations.ect.registered", ect_registration(lead_provider_id=provider.id))
    svc.consume()
    assert provider.get(PARTICIPANTS, {"page[per_page]": 1}).status_code == 200  # saves page 1's position
    with svc.db.engine.begin() as conn:  # a sync abandoned an hour ago, and a window that ended then
        conn.execute(text("insert into page_cursors (token_id, query_key, page, sort_value, last_id, saved_at) "
                          "select token_id, 'old', 1, sort_value, last_id, now() - interval '1 hour' from page_cursors"))
        conn.execute(text("insert into rate_limit_windows (token_id, window_start, count) "
                          "values (:token, now() - interval '1 hour', 5)"), {"token": provider.token_id})
    assert DEFINITION.background(svc.settings.with_overrides(lp_housekeeping_interval_seconds=0,
                                                             lp_statement_check_interval_seconds=0), svc.db) == []
    runners = dict(DEFINITION.background(svc.settings, svc.db))
    assert set(runners) == {"housekeeping", "statement-cut-offs"}
    housekeeping = runners["housekeeping"]
    assert housekeeping.run() == {"page_cursors": 1, "rate_limit_windows": 1}
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select query_key <> 'old' from page_cursors")).scalars().all() == [True]
        assert conn.execute(text("select count from rate_limit_windows")).scalars().all() == [1]
    assert provider.get(PARTICIPANTS, {"page[per_page]": 1, "page[page]": 2}).status_code == 200
