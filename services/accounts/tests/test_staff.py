"""DfE staff: read across organisations, writes by staff role, acting for an organisation with a reason."""
import json

from accounts.demo import ORGANISATIONS

from ecf_shared.auth.tokens import TokenVerifier
from conftest import contacts_events, audit_rows, bearer, sign_in


def _verify(svc, token):
    jwks = svc.client.get("/.well-known/jwks.json").json
    return TokenVerifier(issuer="ecf-accounts", audience="ecf", jwks_json=json.dumps(jwks)).verify(token)


def test_staff_read_everything_until_they_act_for_an_organisation(svc, demo):
    sam = sign_in(svc.client, "sam@education.gov.uk")
    assert len(svc.client.get("/organisations", headers=bearer(sam)).json) == len(ORGANISATIONS)
    school = demo("school-1")
    short = svc.client.post("/staff/acting", json={"organisation_id": school, "reason": "x"}, headers=bearer(sam))
    assert short.status_code == 422 and "reason" in short.json["fields"]
    acting = svc.client.post("/staff/acting", json={"organisation_id": school, "reason": "Ticket 4711: fix contacts"},
                             headers=bearer(sam))
    assert acting.status_code == 200, acting.json
    assert acting.json["acting_for"] == {"organisation_id": school, "reason": "Ticket 4711: fix contacts"}
    claims = _verify(svc, acting.json["access_token"])
    assert claims["acting_for"] == {"organisation_id": school, "reason": "Ticket 4711: fix contacts"}
    assert claims["sid"]
    me = svc.client.get("/me", headers=bearer(acting.json)).json
    assert me["acting_organisation_id"] == school and me["acting_for_reason"] == "Ticket 4711: fix contacts"
    assert [o["id"] for o in svc.client.get("/organisations", headers=bearer(acting.json)).json] == [school]
    assert svc.client.get(f"/organisations/{demo('school-2')}", headers=bearer(acting.json)).status_code == 403

    # The acting state is on the session: it survives a refresh.
    refreshed = svc.client.post("/tokens/refresh", json={"refresh_token": sam["refresh_token"]}).json
    assert _verify(svc, refreshed["access_token"])["acting_for"]["organisation_id"] == school

    # A change made while acting names the staff user and the organisation, and the reason is audited.
    changed = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                              json={"name": "Tess Tutor", "email": "tess@oakfield.example"}, headers=bearer(refreshed))
    assert changed.status_code == 201
    event = contacts_events(svc)[-1]
    assert event["actor"] == {"type": "staff", "user_id": claims["sub"], "email": "sam@education.gov.uk",
                              "name": "Sam Staff", "organisation_id": school}
    entry = [r for r in audit_rows(svc) if r["action"] == "induction_tutor_nominated"][0]
    assert entry["actor_type"] == "staff" and entry["staff_reason"] == "Ticket 4711: fix contacts"
    assert str(entry["acting_for_organisation_id"]) == school

    ended = svc.client.post("/staff/acting/end", headers=bearer(refreshed))
    assert ended.status_code == 200 and "acting_for" not in _verify(svc, ended.json["access_token"])
    assert svc.client.post("/staff/acting/end", headers=bearer(ended.json)).json["code"] == "not_acting"
    started, = svc.outbox_events("accounts.staff_acting.started")
    stopped, = svc.outbox_events("accounts.staff_acting.ended")
    assert started["data"]["reason"] == stopped["data"]["reason"] == "Ticket 4711: fix contacts"
    assert started["actor"]["organisation_id"] == school and started["actor"]["type"] == "staff"
    assert [r["action"] for r in audit_rows(svc) if r["action"].startswith("staff_acting")] == [
        "staff_acting_started", "staff_acting_ended"]


def test_switching_organisation_ends_the_previous_one(svc, demo):
    sam = sign_in(svc.client, "sam@education.gov.uk")
    first = svc.client.post("/staff/acting", json={"organisation_id": demo("school-1"), "reason": "Ticket 1 check"},
                            headers=bearer(sam)).json
    second = svc.client.post("/staff/acting", json={"organisation_id": demo("lp-1"), "reason": "Ticket 2 check"},
                             headers=bearer(first))
    assert second.json["acting_for"]["organisation_id"] == demo("lp-1")
    assert [e["data"]["organisation_id"] for e in svc.outbox_events("accounts.staff_acting.ended")] == [demo("school-1")]


def test_only_staff_act_for_organisations_and_staff_roles_limit_writes(svc, demo, token_issuer):
    alice = sign_in(svc.client, "alice@oakfield.example")
    refused = svc.client.post("/staff/acting", json={"organisation_id": demo("school-2"), "reason": "I want to"},
                              headers=bearer(alice))
    assert refused.status_code == 403 and refused.json["code"] == "not_staff"
    # A read-only staff user may read but not invite (the role, not the acting state, decides).
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update users set staff_role = 'read_only' where email = 'sam@education.gov.uk'")
    sam = sign_in(svc.client, "sam@education.gov.uk")
    school = demo("school-1")
    assert svc.client.get(f"/organisations/{school}/members", headers=bearer(sam)).status_code == 200
    invite = svc.client.post(f"/organisations/{school}/invitations", json={"email": "x@y.example"}, headers=bearer(sam))
    assert invite.status_code == 403 and invite.json["code"] == "staff_role_forbids"


def test_dfe_finance_staff_read_everything_and_change_nothing_but_finance(svc, demo):
    """The finance persona's token says staff_role finance (what lp-api's finance endpoints allow to pay statements);
    the role reads across organisations and may change nothing accounts owns."""
    fiona = sign_in(svc.client, "fiona@education.gov.uk")
    assert _verify(svc, fiona["access_token"])["staff_role"] == "finance"
    assert svc.client.get("/me", headers=bearer(fiona)).json["staff_role"] == "finance"
    school = demo("school-1")
    assert len(svc.client.get("/organisations", headers=bearer(fiona)).json) == len(ORGANISATIONS)
    assert svc.client.get(f"/organisations/{school}/members", headers=bearer(fiona)).status_code == 200
    invite = svc.client.post(f"/organisations/{school}/invitations", json={"email": "x@y.example"},
                             headers=bearer(fiona))
    assert invite.status_code == 403 and invite.json["code"] == "staff_role_forbids"
    tutors = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                             json={"name": "Tina Tutor", "email": "tina@oakfield.example"}, headers=bearer(fiona))
    assert tutors.status_code == 403 and tutors.json["code"] == "staff_role_forbids"


def test_staff_find_organisations_by_part_of_the_name_or_a_urn_and_others_only_their_own(svc, demo):
    sam = sign_in(svc.client, "sam@education.gov.uk")

    def names(user, **query):
        answer = svc.client.get("/organisations", query_string=query, headers=bearer(user))
        assert answer.status_code == 200, answer.json
        return [o["name"] for o in answer.json]

    assert names(sam, q="100002") == ["Riverside Academy"]
    assert names(sam, q="primary", type="school") == ["Hillside Primary School", "Oakfield Primary School"]
    assert names(sam, q="10000001") == ["Northern Lights Teaching"]  # a UKPRN
    assert names(sam, q="100_0%") == []  # LIKE's wildcards are only text
    assert names(sam, q="hub", type="school") == []
    alice = sign_in(svc.client, "alice@oakfield.example")
    assert names(alice, q="primary") == ["Oakfield Primary School"]  # never another school's
    assert names(alice, q="100002") == []
    assert svc.client.get("/organisations", query_string={"q": "x" * 201}, headers=bearer(sam)).status_code == 422
