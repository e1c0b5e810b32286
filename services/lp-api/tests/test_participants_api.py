"""GET /api/v3/participants/ecf[/<id>]: v3's envelope, paging, filters, sort and errors, per lead provider."""
import time
import uuid
from datetime import datetime, timedelta, UTC

import pytest

from lp_events import bearer, ect_registration, publish_raw
from v3_schema import assert_valid

PARTICIPANTS = "/api/v3/participants/ecf"
BAD_PAGE = {"errors": [{"title": "Bad request", "detail": (
    "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number (equal and more than 1)")}]}
BAD_UPDATED_SINCE = {"errors": [{"title": "Bad request",
                                 "detail": "The filter '#/updated_since' must be a valid RCF3339 date"}]}
NOT_FOUND = {"errors": [{"title": "The requested resource was not found",
                         "detail": "Nothing could be found for the provided details"}]}


def register(svc, lead_provider_id, count=1, **kw) -> list[dict]:
    sent = [svc.send("registrations.ect.registered", ect_registration(lead_provider_id=lead_provider_id, **kw))
            for _ in range(count)]
    svc.consume()
    return sent


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [p["id"] for p in response.json["data"]]


@pytest.fixture
def provider(svc, issue_token):
    """A lead provider with a token: (lead provider id, get(path, **query))."""
    lead_provider_id = str(uuid.uuid4())
    _, token = issue_token(lead_provider_id)

    def get(path=PARTICIPANTS, query=None):
        return svc.client.get(path, query_string=query or {}, headers=bearer(token))

    return lead_provider_id, get


def test_each_lead_provider_sees_only_its_own_participants(svc, issue_token):
    ambition, teach_first = str(uuid.uuid4()), str(uuid.uuid4())
    ambition_sent = register(svc, ambition, count=2)
    teach_first_sent = register(svc, teach_first, count=1)
    register(svc, None, programme="school_led")
    _, ambition_token = issue_token(ambition)
    _, teach_first_token = issue_token(teach_first)

    ambition_ids = ids(svc.client.get(PARTICIPANTS, headers=bearer(ambition_token)))
    assert ambition_ids == [b["data"]["teacher_id"] for b in ambition_sent]
    assert ids(svc.client.get(PARTICIPANTS, headers=bearer(teach_first_token))) == [teach_first_sent[0]["data"]["teacher_id"]]

    theirs = teach_first_sent[0]["data"]["teacher_id"]
    response = svc.client.get(f"{PARTICIPANTS}/{theirs}", headers=bearer(ambition_token))
    assert response.status_code == 404 and response.json == NOT_FOUND
    mine = svc.client.get(f"{PARTICIPANTS}/{ambition_ids[0]}", headers=bearer(ambition_token))
    assert mine.status_code == 200 and mine.json["data"]["id"] == ambition_ids[0]


def test_unknown_or_malformed_ids_are_v3_404s(provider):
    _, get = provider
    for participant_id in (uuid.uuid4(), "not-a-uuid", "'; drop table participants; --"):
        response = get(f"{PARTICIPANTS}/{participant_id}")
        assert response.status_code == 404 and response.json == NOT_FOUND


def test_every_participant_response_is_a_valid_v3_participant(svc, provider):
    lead_provider_id, get = provider
    register(svc, lead_provider_id, count=2)
    register(svc, lead_provider_id, cohort=2024, delivery_partner_id=str(uuid.uuid4()))
    listing = get()
    assert listing.status_code == 200 and listing.mimetype == "application/json"
    assert set(listing.json) == {"data"}
    assert_valid(listing.json, "MultipleECFParticipantsResponse")
    for participant in listing.json["data"]:
        single = get(f"{PARTICIPANTS}/{participant['id']}")
        assert_valid(single.json, "ECFParticipantResponse")
        assert single.json["data"] == participant


def test_a_participant_whose_school_urn_is_not_known_yet_is_not_listed_so_every_answer_is_valid_v3(svc, provider):
    lead_provider_id, get = provider
    [known] = register(svc, lead_provider_id)
    register(svc, lead_provider_id, school_urn=None)  # the school's organisation event has not arrived yet
    listing = get().json
    assert_valid(listing, "MultipleECFParticipantsResponse")
    assert [p["id"] for p in listing["data"]] == [known["data"]["teacher_id"]]


def test_pagination_defaults_caps_and_ends(svc, provider):
    lead_provider_id, get = provider
    sent = [b["data"]["teacher_id"] for b in register(svc, lead_provider_id, count=5)]
    assert ids(get()) == sent  # default: page 1 of 100, created_at ascending
    assert ids(get(query={"page[per_page]": "2"})) == sent[:2]
    assert ids(get(query={"page[per_page]": "2", "page[page]": "2"})) == sent[2:4]
    assert ids(get(query={"page[per_page]": "2", "page[page]": "3"})) == sent[4:]
    assert get(query={"page[per_page]": "2", "page[page]": "4"}).json == {"data": []}
    assert get(query={"page[page]": "99999999999999999999999"}).json == {"data": []}
    assert ids(get(query={"page[per_page]": "100000"})) == sent  # silently capped at 3000


def test_the_per_page_cap_is_3000():
    from lp_api.v3_params import parse_list_params
    from werkzeug.datastructures import MultiDict

    assert parse_list_params(MultiDict({"page[per_page]": "5000"})).per_page == 3000
    assert parse_list_params(MultiDict()).per_page == 100 and parse_list_params(MultiDict()).page == 1


@pytest.mark.parametrize("query", [{"page[page]": "0"}, {"page[page]": "abc"}, {"page[per_page]": "0"},
                                   {"page[per_page]": "-5"}, {"page[page]": "1.5"}, {"page[page]": "²"}])
def test_bad_page_values_are_400s(provider, query):
    _, get = provider
    response = get(query=query)
    assert response.status_code == 400 and response.json == BAD_PAGE


def test_updated_since_filter(svc, provider):
    lead_provider_id, get = provider
    register(svc, lead_provider_id)
    time.sleep(0.01)
    cut = datetime.now(UTC)
    [newer] = register(svc, lead_provider_id)
    newer_id = newer["data"]["teacher_id"]

    assert ids(get(query={"filter[updated_since]": cut.isoformat().replace("+00:00", "Z")})) == [newer_id]
    # The updated_at a client saw is a valid watermark: that record is included again.
    watermark = next(p for p in get().json["data"] if p["id"] == newer_id)["attributes"]["updated_at"]
    assert ids(get(query={"filter[updated_since]": watermark})) == [newer_id]
    # An unencoded "+" arrives as a space; v3 accepts it.
    plus = (cut + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%f 01:00")
    assert ids(get(query={"filter[updated_since]": plus})) == [newer_id]
    assert len(ids(get(query={"filter[updated_since]": "2020-01-01"}))) == 2


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "1700000000",
                                   "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_bad_updated_since_is_a_400(provider, value):
    _, get = provider
    response = get(query={"filter[updated_since]": value})
    assert response.status_code == 400 and response.json == BAD_UPDATED_SINCE


def test_cohort_filter_takes_a_comma_list(svc, provider):
    lead_provider_id, get = provider
    [c2024] = register(svc, lead_provider_id, cohort=2024)
    [c2025] = register(svc, lead_provider_id, cohort=2025)
    [c2026] = register(svc, lead_provider_id, cohort=2026)
    assert ids(get(query={"filter[cohort]": "2025"})) == [c2025["data"]["teacher_id"]]
    assert ids(get(query={"filter[cohort]": "2024,2026"})) == [c2024["data"]["teacher_id"], c2026["data"]["teacher_id"]]
    assert ids(get(query={"filter[cohort]": "1999"})) == []
    assert ids(get(query={"filter[cohort]": "nonsense"})) == []


def test_sort_on_created_at_and_updated_at(svc, provider):
    lead_provider_id, get = provider
    start = datetime.now(UTC)
    # Created in order a, b, c; updated in order c, a, b.
    a, b, c = (ect_registration(lead_provider_id=lead_provider_id, registered_at=start + timedelta(seconds=i))
               for i in range(3))
    for data, minutes in ((c, 1), (a, 2), (b, 3)):
        body = svc.send("registrations.ect.registered", data)
        svc.consume()
        body.update(event_id=str(uuid.uuid4()), occurred_at=(start + timedelta(minutes=minutes)).isoformat())
        body["data"]["email"] = f"moved{minutes}@example.com"
        publish_raw(svc, body)
        svc.consume()
    created = [d["teacher_id"] for d in (a, b, c)]
    updated = [d["teacher_id"] for d in (c, a, b)]
    assert ids(get()) == created
    assert ids(get(query={"sort": "created_at"})) == created
    assert ids(get(query={"sort": "-created_at"})) == created[::-1]
    assert ids(get(query={"sort": "updated_at"})) == updated
    assert ids(get(query={"sort": "-updated_at,created_at"})) == updated[::-1]
    assert ids(get(query={"sort": "+updated_at"})) == updated


def test_an_unknown_sort_is_a_400(provider):
    _, get = provider
    response = get(query={"sort": "full_name"})
    assert response.status_code == 400
    assert response.json["errors"][0]["title"] == "Bad request" and "'#/sort'" in response.json["errors"][0]["detail"]


def test_the_v3_document_is_served_publicly_beside_the_platform_one(svc):
    response = svc.client.get("/api/v3/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "/api/v3/participants/ecf" in response.json["paths"] and response.json["openapi"].startswith("3.0")
    platform = svc.client.get("/openapi.json")
    assert platform.status_code == 200 and "/api/v3/participants/ecf" in platform.json["paths"]
    assert svc.client.get("/health").status_code == 200
