"""GET /api/v3/participants/ecf answered in front of Flask (fast_lists: one statement per request) says
byte for byte what the general path says, keeps the platform's correlation id, and counts each request once."""
import uuid
from datetime import datetime, timedelta, UTC

from sqlalchemy import text

from lp_api import fast_lists
from lp_events import ect_registration

PARTICIPANTS = "/api/v3/participants/ecf"
QUERIES = [
    {}, {"page[per_page]": "2"}, {"page[per_page]": "2", "page[page]": "2"}, {"page[per_page]": "2", "page[page]": "3"},
    {"page[per_page]": "2", "page[page]": "4"}, {"page[per_page]": "2", "page[page]": "99"},
    {"sort": "-created_at", "page[per_page]": "2", "page[page]": "2"}, {"sort": "updated_at"},
    {"sort": "-updated_at", "page[per_page]": "3"}, {"filter[cohort]": "2025"},
    {"filter[cohort]": "2024,2026", "sort": "-updated_at"}, {"filter[cohort]": "nonsense"},
    {"filter[training_status]": "active"}, {"filter[training_status]": "withdrawn,deferred"},
    {"filter[updated_since]": "2020-01-01T00:00:00Z", "page[per_page]": "2", "page[page]": "2"},
    {"filter[updated_since]": "2020-01-01", "sort": "updated_at", "page[per_page]": "2", "page[page]": "3"},
    {"filter[updated_since]": "2999-01-01T00:00:00Z"},
]


def register(svc, lead_provider_id, cohorts):
    start = datetime.now(UTC) - timedelta(minutes=10)
    for i, cohort in enumerate(cohorts):
        data = ect_registration(lead_provider_id=lead_provider_id, cohort=cohort, registered_at=start + timedelta(seconds=i))
        data["first_name"], data["last_name"] = "Zoë", f"Ñúñez-{i} \"quoted\" ☃"
        svc.send("registrations.ect.registered", data)
    svc.consume()


def test_the_fast_path_answers_exactly_as_the_general_path(svc, make_provider, monkeypatch):
    provider, other = make_provider(), make_provider()
    register(svc, provider.id, [2024, 2025, 2025, 2026, 2025, 2024, 2026])
    register(svc, other.id, [2025, 2025])
    served = []
    page_from = fast_lists.page_from
    monkeypatch.setattr(fast_lists, "page_from", lambda rows: served.append(1) or page_from(rows))

    fast = [provider.get(PARTICIPANTS, query) for query in QUERIES]
    assert len(served) == len(QUERIES)  # every one of them took the fast path
    monkeypatch.setattr(fast_lists, "served_by_one_statement", lambda params: False)
    general = [provider.get(PARTICIPANTS, query) for query in QUERIES]
    assert len(served) == len(QUERIES)

    for query, fast_response, general_response in zip(QUERIES, fast, general, strict=False):
        assert fast_response.status_code == general_response.status_code == 200, query
        assert fast_response.mimetype == "application/json"
        assert fast_response.get_data() == general_response.get_data(), query
    assert len(fast[0].json["data"]) == 7 and fast[0].json["data"][0]["attributes"]["full_name"].startswith("Zoë Ñúñez")
    assert fast[5].json == {"data": []}


def test_a_sync_through_the_fast_path_seeks_from_saved_cursors(svc, make_provider):
    provider = make_provider()
    register(svc, provider.id, [2025] * 5)
    pages = [provider.get(PARTICIPANTS, {"page[per_page]": "2", "page[page]": str(n)}).json["data"] for n in (1, 2, 3, 4)]
    everything = provider.get(PARTICIPANTS).json["data"]
    assert [p["id"] for page in pages for p in page] == [p["id"] for p in everything] and pages[3] == []
    with svc.db.engine.connect() as conn:
        saved = conn.execute(text("select page from page_cursors where token_id = :t order by page"),
                             {"t": provider.token_id}).scalars().all()
    assert saved == [1, 2]  # full pages only; page 3 had one participant
    # A new sync from page 1 forgets the old sync's later cursors.
    provider.get(PARTICIPANTS, {"page[per_page]": "2", "page[page]": "1"})
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select page from page_cursors where token_id = :t"),
                            {"t": provider.token_id}).scalars().all() == [1]


def test_the_correlation_id_is_kept_and_returned(svc, make_provider):
    provider = make_provider()
    given = str(uuid.uuid4())
    response = svc.client.get(PARTICIPANTS, headers={**provider.headers(), "X-Correlation-Id": given})
    assert response.status_code == 200 and response.headers["X-Correlation-Id"] == given
    assert provider.get(PARTICIPANTS).headers["X-Correlation-Id"]


def test_requests_the_fast_path_passes_on_are_counted_once(svc, make_provider):
    provider = make_provider()
    assert provider.get(PARTICIPANTS, {"page[page]": "0"}).status_code == 400  # Flask answers, and counts it
    assert provider.get(PARTICIPANTS, {"sort": "updated_at,created_at"}).status_code == 200  # two keys: Flask
    assert provider.get(PARTICIPANTS).status_code == 200  # fast path
    assert svc.client.get(PARTICIPANTS, headers={"Authorization": "Bearer nope"}).status_code == 401
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select count from rate_limit_windows where token_id = :t"),
                            {"t": provider.token_id}).scalar() == 3


def test_postgresql_out_of_reach_is_the_platforms_503(svc, make_provider, monkeypatch):
    from lp_api.statement_connections import StatementConnections

    provider = make_provider()
    unreachable = StatementConnections("postgresql://postgres@127.0.0.1:1/nowhere", "lp_api", connect_timeout=1)
    extras = svc.app.extensions["ecf"].extras
    monkeypatch.setitem(extras, "statement_connections_generic", unreachable)
    for query in ({}, {"page[page]": "0"}):  # the fast path's statement, and Flask's own authentication
        response = provider.get(PARTICIPANTS, query)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5", response.json


def test_text_postgresql_cannot_store_is_a_v3_422_without_trying_the_fast_path(svc, make_provider, monkeypatch):
    provider = make_provider()
    tried = []
    monkeypatch.setattr(fast_lists, "page_statement", lambda params: tried.append(params))
    response = provider.get(PARTICIPANTS, {"filter[training_status]": "active\x00"})
    assert response.status_code == 422 and tried == []
    assert response.json == {"errors": [{"title": "Unprocessable entity", "detail": "filter[training_status]: Must not "
                                         "contain NUL characters or unpaired surrogates."}]}


def test_a_body_nested_thousands_deep_is_a_v3_400(svc, make_provider):
    provider = make_provider()
    response = svc.client.post("/api/v3/partnerships/ecf", data='{"data":' * 5000 + "1" + "}" * 5000,
                               headers={**provider.headers(), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json == {"errors": [{"title": "Bad request", "detail": "The JSON body is nested more than 64 "
                                                                          "levels deep."}]}
