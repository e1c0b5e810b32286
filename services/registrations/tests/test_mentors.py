"""Mentors: registered with a TRS check, may mentor at several schools; mentorships follow the rules."""
import uuid

from sqlalchemy import text

from conftest import LEAD_PROVIDER, OTHER_LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, ect_body, mentor_body


def register_ect(svc, fake_trs_sync, token, trn="1234567", **kw):
    fake_trs_sync.add(trn)
    response = svc.client.post("/ects", json=ect_body(trn=trn, **kw), headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json


def register_mentor(svc, fake_trs_sync, token, trn="8000001", **kw):
    fake_trs_sync.add(trn, first="Max", last="Mentor")
    response = svc.client.post("/mentors", json=mentor_body(trn=trn, **kw), headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json


def test_a_mentor_is_registered_with_provider_led_training_and_may_mentor_at_two_schools(svc, fake_trs_sync, token_issuer):
    here, there = token_issuer.school_user(SCHOOL, email="bob@oakfield.example"), token_issuer.school_user(OTHER_SCHOOL)
    mentor = register_mentor(svc, fake_trs_sync, here)
    assert mentor["training_programme"] == "provider_led" and mentor["lead_provider_id"] == LEAD_PROVIDER
    assert mentor["registered_by"]["email"] == "bob@oakfield.example"
    assert register_mentor(svc, fake_trs_sync, there)["teacher_id"] == mentor["teacher_id"]
    [event, _] = svc.outbox_events("registrations.mentor.registered")
    assert event["data"]["training"]["expression_of_interest"] is True
    assert event["data"]["registered_by"]["email"] == "bob@oakfield.example"
    assert [m["id"] for m in svc.client.get("/mentors", headers=auth(here)).json] == [mentor["id"]]
    assert svc.client.get(f"/mentors/{mentor['id']}", headers=auth(there)).status_code == 404
    [entry] = svc.client.get(f"/audit?subject={mentor['id']}", headers=auth(here)).json
    assert entry["action"] == "mentor_registered"


def test_mentor_refusals(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    register_mentor(svc, fake_trs_sync, token)
    again = svc.client.post("/mentors", json=mentor_body(), headers=auth(token))
    assert again.status_code == 409 and again.json["code"] == "already_mentoring_here"
    school_led = svc.client.post("/mentors", json=mentor_body(trn="8000002", training_programme="school_led"),
                                 headers=auth(token))
    assert school_led.status_code == 422 and "training_programme" in school_led.json["fields"]
    fake_trs_sync.add("8000003", prohibited=True)
    prohibited = svc.client.post("/mentors", json=mentor_body(trn="8000003"), headers=auth(token))
    assert prohibited.json["code"] == "prohibited_from_teaching"
    unknown = svc.client.post("/mentors", json=mentor_body(trn="8000009"), headers=auth(token))
    assert unknown.json["code"] == "teacher_not_found"
    assert len(svc.outbox_events("registrations.mentor.registered")) == 1


def test_overlapping_mentor_periods_at_one_school_are_refused_by_the_database(svc, fake_trs_sync, token_issuer):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    mentor = register_mentor(svc, fake_trs_sync, token_issuer.school_user(SCHOOL))
    with svc.db.engine.connect() as conn:
        try:
            conn.execute(text(
                "INSERT INTO mentor_at_school_periods (id, teacher_id, school_id, started_on, email, registered_by_user_id, "
                "registered_for_organisation_id) VALUES (gen_random_uuid(), :t, :s, '2027-01-01', 'x@y.example', 'u', :s)"),
                {"t": mentor["teacher_id"], "s": SCHOOL})
            raise AssertionError("overlap accepted")
        except IntegrityError as refused:
            assert "mentor_periods_never_overlap_at_a_school" in str(refused)


def test_assigning_and_changing_a_mentor(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    first = register_mentor(svc, fake_trs_sync, token, trn="8000001")
    second = register_mentor(svc, fake_trs_sync, token, trn="8000002")
    assigned = svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": first["id"], "started_on": "2026-09-01"},
                               headers=auth(token))
    assert assigned.status_code == 201, assigned.json
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["mentor_id"] == first["id"]
    changed = svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": second["id"], "started_on": "2026-11-01"},
                              headers=auth(token))
    assert changed.status_code == 201
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["mentor_id"] == second["id"]
    started = svc.outbox_events("registrations.mentorship.started")
    [ended] = svc.outbox_events("registrations.mentorship.ended")
    assert [e["data"]["mentor_period_id"] for e in started] == [first["id"], second["id"]]
    assert ended["data"]["mentor_period_id"] == first["id"] and ended["data"]["finished_on"] == "2026-10-31"
    backdated = svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": first["id"], "started_on": "2026-10-01"},
                                headers=auth(token))
    assert backdated.status_code == 422


def test_mentorship_refusals(svc, fake_trs_sync, token_issuer):
    token, other = token_issuer.school_user(SCHOOL), token_issuer.school_user(OTHER_SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    elsewhere = register_mentor(svc, fake_trs_sync, other, trn="8000001")
    late = register_mentor(svc, fake_trs_sync, token, trn="8000002", started_on="2026-10-01")
    self_mentor = register_mentor(svc, fake_trs_sync, token, trn="1234567")

    def assign(mentor, started_on="2026-10-15", as_token=token):
        return svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": started_on},
                               headers=auth(as_token))

    assert assign(elsewhere).json["code"] == "mentor_at_another_school"
    assert assign(self_mentor).json["code"] == "self_mentoring"
    assert assign(late, started_on="2026-09-15").json["code"] == "mentorship_outside_periods"
    assert assign(elsewhere, as_token=other).status_code == 404
    assert svc.outbox_events("registrations.mentorship.started") == []


def test_a_mentors_lead_provider_changes_from_a_date_with_history_kept(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    mentor = register_mentor(svc, fake_trs_sync, token)
    [registered] = svc.outbox_events("registrations.mentor.registered")
    changed = svc.client.post(f"/mentors/{mentor['id']}/training",
                              json={"lead_provider_id": OTHER_LEAD_PROVIDER, "started_on": "2026-11-01"}, headers=auth(token))
    assert changed.status_code == 200, changed.json
    assert (changed.json["lead_provider_id"], changed.json["training_programme"]) == (OTHER_LEAD_PROVIDER, "provider_led")
    assert changed.json["expression_of_interest"] is True and changed.json["cohort"] == 2026
    [event] = svc.outbox_events("registrations.training.changed")
    assert event["data"]["participant_type"] == "mentor" and event["data"]["period_id"] == mentor["id"]
    assert event["data"]["change"] == "lead_provider_changed" and event["data"]["effective_on"] == "2026-11-01"
    assert event["data"]["previous_training_period_id"] == registered["data"]["training"]["training_period_id"]
    assert event["data"]["training"]["lead_provider_id"] == OTHER_LEAD_PROVIDER
    assert event["actor"]["type"] == "school_user" and event["actor"]["email"] == "bob@oakfield.example"
    with svc.db.engine.connect() as conn:
        history = conn.execute(text("SELECT lead_provider_id::text, started_on::text, finished_on::text FROM training_periods "
                                    "WHERE mentor_period_id = :m ORDER BY started_on"), {"m": mentor["id"]}).all()
    assert [tuple(r) for r in history] == [(LEAD_PROVIDER, "2026-09-01", "2026-10-31"), (OTHER_LEAD_PROVIDER, "2026-11-01", None)]
    entry = svc.client.get(f"/audit?subject={mentor['id']}", headers=auth(token)).json[-1]
    assert entry["action"] == "training_lead_provider_changed" and entry["actor"]["email"] == "bob@oakfield.example"


def test_mentor_training_change_refusals(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    mentor = register_mentor(svc, fake_trs_sync, token)

    def change(as_token=token, **body):
        return svc.client.post(f"/mentors/{mentor['id']}/training",
                               json={"lead_provider_id": OTHER_LEAD_PROVIDER, "started_on": "2026-11-01", **body},
                               headers=auth(as_token))

    school_led = change(training_programme="school_led")
    assert school_led.status_code == 422 and "training_programme" in school_led.json["fields"]
    no_provider = svc.client.post(f"/mentors/{mentor['id']}/training", json={"started_on": "2026-11-01"}, headers=auth(token))
    assert no_provider.status_code == 422 and "lead_provider_id" in no_provider.json["fields"]
    assert change(lead_provider_id=LEAD_PROVIDER).json["code"] == "no_change"
    assert change(lead_provider_id=str(uuid.uuid4())).json["fields"] == {"lead_provider_id": ["Not a known lead provider."]}
    assert change(started_on="2026-09-01").status_code == 422  # must start after the current training did
    assert change(as_token=token_issuer.school_user(OTHER_SCHOOL)).status_code == 404
    read_only = token_issuer.issue(staff_role="read_only", acting_for={"organisation_id": SCHOOL, "reason": "look"})
    assert change(as_token=read_only).status_code == 403
    assert svc.client.post(f"/mentors/{mentor['id']}/leave", json={"finished_on": "2026-10-15"}, headers=auth(token)).status_code == 200
    assert change().json["code"] == "already_left"
    assert svc.outbox_events("registrations.training.changed") == []
