"""A school's lists of ECTs and mentors: search, current or left, pages, the names a page shows, and who sees what."""
import json
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from conftest import AB, LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, ect_body, mentor_body, staff_acting_for
from test_bulk import HEADER, MENTORS_HEADER, mentor_row, post_csv, row
from test_partnerships import DELIVERY_PARTNER, partnered

YESTERDAY, TOMORROW = date.today() - timedelta(days=1), date.today() + timedelta(days=1)


def register(svc, fake_trs_sync, token, trn, first, last, path="/ects", **kw):
    fake_trs_sync.add(trn, first=first, last=last)
    body = (ect_body if path == "/ects" else mentor_body)(trn=trn, email=f"{first.lower()}@school.example", **kw)
    response = svc.client.post(path, json=body, headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json


def listed(svc, token, path="/ects", **query):
    response = svc.client.get(path, query_string=query, headers=auth(token))
    assert response.status_code == 200, response.json
    return response


def trns(response) -> list[str]:
    return [e["trn"] for e in response.json]


def pagination(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def leave(svc, token, kind, period_id, finished_on):
    response = svc.client.post(f"/{kind}/{period_id}/leave", json={"finished_on": finished_on.isoformat()},
                               headers=auth(token))
    assert response.status_code == 200, response.json


def test_a_school_searches_its_ects_by_name_or_trn(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    register(svc, fake_trs_sync, token, "1000001", "Ada", "Lovelace")
    register(svc, fake_trs_sync, token, "1000002", "Grace", "Hopper")
    register(svc, fake_trs_sync, token, "2000003", "Adam", "Smith_Jones")
    assert trns(listed(svc, token, q="ada")) == ["1000001", "2000003"]  # substring of a first name, any case
    assert trns(listed(svc, token, q="HOPP")) == ["1000002"]
    assert trns(listed(svc, token, q="ada  lovelace")) == ["1000001"]  # "first last"
    assert trns(listed(svc, token, q="a lov")) == ["1000001"]
    assert trns(listed(svc, token, q="1000002")) == ["1000002"]  # a TRN exactly
    assert trns(listed(svc, token, q="100")) == ["1000001", "1000002"]  # a TRN's first digits
    assert trns(listed(svc, token, q="000")) == []  # digits are a prefix, not anywhere in the TRN
    assert trns(listed(svc, token, q="%")) == [] and trns(listed(svc, token, q="_")) == ["2000003"]  # no wildcards
    assert trns(listed(svc, token, q="  ")) == ["1000001", "1000002", "2000003"]
    refused = svc.client.get("/ects", query_string={"q": "a\x00b"}, headers=auth(token))
    assert refused.status_code == 422 and "q" in refused.json["fields"]


def test_current_and_left_ects_and_mentors_are_told_apart(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    gone = register(svc, fake_trs_sync, token, "1000001", "Ada", "Lovelace", started_on="2026-09-01")
    going = register(svc, fake_trs_sync, token, "1000002", "Grace", "Hopper", started_on="2026-09-01")
    register(svc, fake_trs_sync, token, "1000003", "Emmy", "Noether")
    mentor = register(svc, fake_trs_sync, token, "8000001", "Max", "Mentor", path="/mentors", started_on="2026-09-01")
    leave(svc, token, "ects", gone["id"], YESTERDAY)
    leave(svc, token, "ects", going["id"], TOMORROW)
    leave(svc, token, "mentors", mentor["id"], date.today())
    assert trns(listed(svc, token, status="current")) == ["1000002", "1000003"]
    assert trns(listed(svc, token, status="left")) == ["1000001"]
    assert {e["trn"]: e["status"] for e in listed(svc, token).json} == {
        "1000001": "left", "1000002": "current", "1000003": "current"}
    assert trns(listed(svc, token, "/mentors", status="left")) == ["8000001"]
    assert listed(svc, token, "/mentors", status="current").json == []
    assert svc.client.get("/ects", query_string={"status": "gone"}, headers=auth(token)).status_code == 422


def test_lists_come_a_page_at_a_time_in_a_stable_order(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    names = [("1000001", "Zoe", "Adams"), ("1000002", "Ada", "Byron"), ("1000003", "Bea", "adams"),
             ("1000004", "Cy", "Clark"), ("1000005", "Ada", "Byron")]
    for trn, first, last in names:
        register(svc, fake_trs_sync, token, trn, first, last)
    everything = listed(svc, token)
    assert trns(everything) == ["1000001", "1000002", "1000003", "1000004", "1000005"]  # registration order
    assert pagination(everything) == {"total": 5, "total_pages": 1, "first_page": 1, "last_page": 1, "page": 1}
    by_name = [trns(listed(svc, token, sort="name", page=page, page_size=2)) for page in (1, 2, 3)]
    assert by_name == [["1000003", "1000001"], ["1000002", "1000005"], ["1000004"]]  # last, first name, TRN; any case
    second = listed(svc, token, sort="name", page=2, page_size=2)
    assert pagination(second) == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2,
                                  "previous_page": 1, "next_page": 3}
    searched = listed(svc, token, q="byron", page_size=1)
    assert trns(searched) == ["1000002"] and pagination(searched)["total"] == 2
    beyond = listed(svc, token, page=10 ** 30, page_size=1000)
    assert beyond.json == [] and pagination(beyond)["total"] == 5
    for bad in ({"page": 0}, {"page_size": 1001}, {"page_size": 0}, {"sort": "trn"}):
        assert svc.client.get("/ects", query_string=bad, headers=auth(token)).status_code == 422, bad


def test_each_ect_shows_its_school_providers_appropriate_body_and_mentor_by_name(svc, fake_trs_sync, token_issuer):
    svc.send("accounts.organisation.created", {"organisation_id": DELIVERY_PARTNER, "type": "delivery_partner",
                                               "name": "Delta Partners", "status": "open"})
    partnered(svc)
    token = token_issuer.school_user(SCHOOL)
    ect = register(svc, fake_trs_sync, token, "1000001", "Ada", "Lovelace")
    school_led = register(svc, fake_trs_sync, token, "1000002", "Grace", "Hopper", training_programme="school_led",
                          lead_provider_id=None, appropriate_body_id=None)
    mentor = register(svc, fake_trs_sync, token, "8000001", "Max", "Mentor", path="/mentors")
    assert svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                           headers=auth(token)).status_code == 201
    shown = {e["trn"]: e for e in listed(svc, token).json}
    names = ("school_name", "lead_provider_name", "delivery_partner_name", "appropriate_body_name", "mentor_name")
    assert {k: shown["1000001"][k] for k in names} == {
        "school_name": "Oakfield Primary", "lead_provider_name": "Northern Lights",
        "delivery_partner_name": "Delta Partners", "appropriate_body_name": "Kingsbridge TSH", "mentor_name": "Max Mentor"}
    assert shown["1000001"]["mentor_id"] == mentor["id"] and shown["1000001"]["status"] == "current"
    assert {k: shown["1000002"][k] for k in names} == {
        "school_name": "Oakfield Primary", "lead_provider_name": None, "delivery_partner_name": None,
        "appropriate_body_name": None, "mentor_name": None}
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["mentor_name"] == "Max Mentor"
    # When the current training and mentorship began: a change takes effect the day after, at the earliest.
    assert (shown["1000001"]["training_started_on"], shown["1000001"]["mentorship_started_on"]) == (
        ect["started_on"], "2026-09-01")
    assert shown["1000002"]["mentorship_started_on"] is None
    [listed_mentor] = listed(svc, token, "/mentors").json
    assert listed_mentor["mentees"] == [{"id": ect["id"], "teacher_id": ect["teacher_id"], "first_name": "Ada",
                                         "last_name": "Lovelace"}]
    assert (listed_mentor["school_name"], listed_mentor["lead_provider_name"], listed_mentor["status"]) == (
        "Oakfield Primary", "Northern Lights", "current")
    leave(svc, token, "ects", ect["id"], YESTERDAY)  # the mentorship ends with the registration
    assert listed(svc, token, "/mentors").json[0]["mentees"] == []
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["mentor_name"] is None
    assert school_led["id"] in {e["id"] for e in listed(svc, token, status="current").json}


def test_hat_blended_other_schools_and_staff(svc, fake_trs_sync, token_issuer):
    here, there = token_issuer.school_user(SCHOOL), token_issuer.school_user(OTHER_SCHOOL)
    register(svc, fake_trs_sync, here, "1000001", "Ada", "Lovelace")
    register(svc, fake_trs_sync, there, "1000002", "Grace", "Hopper")
    register(svc, fake_trs_sync, there, "8000001", "Max", "Mentor", path="/mentors")
    assert trns(listed(svc, here)) == ["1000001"]
    assert trns(listed(svc, here, q="1000002")) == [] and trns(listed(svc, here, q="grace")) == []
    assert listed(svc, here, "/mentors", q="max").json == []
    for path in ("/ects", "/mentors"):
        refused = svc.client.get(path, query_string={"school_id": OTHER_SCHOOL}, headers=auth(here))
        assert refused.status_code == 403 and refused.json["code"] == "not_acting_organisation"
    both = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": s, "organisation_type": "school", "role": "end_user"} for s in (SCHOOL, OTHER_SCHOOL)])
    assert trns(listed(svc, both)) == ["1000001", "1000002"]
    assert trns(listed(svc, both, school_id=OTHER_SCHOOL, q="hopper")) == ["1000002"]
    assert pagination(listed(svc, both, school_id=SCHOOL))["total"] == 1
    one = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"}])
    assert svc.client.get("/ects", query_string={"school_id": OTHER_SCHOOL}, headers=auth(one)).status_code == 403
    staff = token_issuer.issue(staff_role="read_only")
    assert trns(listed(svc, staff)) == ["1000001", "1000002"] and trns(listed(svc, staff, "/mentors")) == ["8000001"]
    assert trns(listed(svc, staff_acting_for(token_issuer, OTHER_SCHOOL))) == ["1000002"]


def _statements(svc):
    @contextmanager
    def counting():
        seen = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(svc.db.engine, "before_cursor_execute", count)
        try:
            yield seen
        finally:
            event.remove(svc.db.engine, "before_cursor_execute", count)
    return counting()


def test_a_page_takes_the_same_few_queries_however_many_rows_it_has(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register(svc, fake_trs_sync, token, "1000001", "Ada", "Lovelace")
    mentor = register(svc, fake_trs_sync, token, "8000001", "Max", "Mentor", path="/mentors")
    svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                    headers=auth(token))

    def statements(path):
        with _statements(svc) as seen:
            listed(svc, token, path)
        return len(seen)

    few = {path: statements(path) for path in ("/ects", "/mentors")}
    ect_trns, mentor_trns = [str(2000000 + n) for n in range(500)], [str(8100000 + n) for n in range(100)]
    for trn in ect_trns + mentor_trns:
        fake_trs_sync.add(trn)
    ects = post_csv(svc, token, HEADER + "".join(row(trn) for trn in ect_trns))
    mentors = svc.client.post("/mentors/bulk", data=(MENTORS_HEADER + "".join(mentor_row(t) for t in mentor_trns)).encode(),
                              headers={**auth(token), "Content-Type": "text/csv"})
    assert (ects.status_code, mentors.status_code) == (201, 201)
    for e, m in zip(ects.json[:10], mentors.json[:10], strict=False):
        assert svc.client.post(f"/ects/{e['id']}/mentorship", json={"mentor_id": m["id"], "started_on": "2026-09-01"},
                               headers=auth(token)).status_code == 201
    assert len(listed(svc, token).json) == 501 and len(listed(svc, token, "/mentors").json) == 101
    many = {path: statements(path) for path in ("/ects", "/mentors")}
    assert many == few and max(few.values()) <= 6, (few, many)


def test_existing_callers_get_every_row_in_one_page_by_default(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    for trn in ("1000001", "1000002", "1000003"):
        register(svc, fake_trs_sync, token, trn, "Ada", "Lovelace")
    response = listed(svc, token)
    assert len(response.json) == 3 and pagination(response)["total_pages"] == 1
    assert {e["lead_provider_id"] for e in response.json} == {LEAD_PROVIDER} and {
        e["appropriate_body_id"] for e in response.json} == {AB}
    assert str(uuid.UUID(response.json[0]["id"]))
