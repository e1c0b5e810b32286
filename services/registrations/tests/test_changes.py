"""Changes a school records: leaving, moving school, training changes, corrections; all audited."""
from conftest import AB, LEAD_PROVIDER, OTHER_LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, ect_body
from test_mentors import register_ect, register_mentor


def test_an_ect_leaves_and_their_training_and_mentorship_end(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                    headers=auth(token))
    early = svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": "2026-08-01"}, headers=auth(token))
    assert early.status_code == 422 and "finished_on" in early.json["fields"]
    left = svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": "2026-10-31", "reason": "resigned"},
                           headers=auth(token))
    assert left.status_code == 200, left.json
    shown = svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json
    assert shown["finished_on"] == "2026-10-31" and shown["mentor_id"] is None
    [event] = svc.outbox_events("registrations.teacher.left_school")
    assert event["data"]["participant_type"] == "ect" and event["data"]["reason"] == "resigned"
    [ended] = svc.outbox_events("registrations.mentorship.ended")
    assert ended["data"]["finished_on"] == "2026-10-31"
    again = svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": "2026-11-01"}, headers=auth(token))
    assert again.status_code == 409
    actions = [e["action"] for e in svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json]
    assert actions == ["ect_registered", "mentor_assigned", "ect_left"]


def test_a_mentor_leaves_and_their_mentorships_end(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                    headers=auth(token))
    left = svc.client.post(f"/mentors/{mentor['id']}/leave", json={"finished_on": "2026-10-15"}, headers=auth(token))
    assert left.status_code == 200
    [event] = svc.outbox_events("registrations.teacher.left_school")
    assert event["data"]["participant_type"] == "mentor" and event["data"]["period_id"] == mentor["id"]
    assert len(svc.outbox_events("registrations.mentorship.ended")) == 1
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["mentor_id"] is None
    outsider = token_issuer.school_user(OTHER_SCHOOL)
    assert svc.client.post(f"/mentors/{mentor['id']}/leave", json={"finished_on": "2026-10-15"},
                           headers=auth(outsider)).status_code == 404


def test_an_ect_moves_school_and_history_is_kept(svc, fake_trs_sync, token_issuer):
    old_school = token_issuer.school_user(SCHOOL)
    new_school = token_issuer.school_user(OTHER_SCHOOL, email="rita@riverside.example")
    old = register_ect(svc, fake_trs_sync, old_school)
    without_confirming = svc.client.post("/ects", json=ect_body(started_on="2027-01-04"), headers=auth(new_school))
    assert without_confirming.status_code == 409 and without_confirming.json["code"] == "registered_elsewhere"
    moved = svc.client.post("/ects", json=ect_body(started_on="2027-01-04", moving_from_another_school=True),
                            headers=auth(new_school))
    assert moved.status_code == 201, moved.json
    assert svc.client.get(f"/ects/{old['id']}", headers=auth(old_school)).json["finished_on"] == "2027-01-03"
    assert svc.client.get(f"/ects/{moved.json['id']}", headers=auth(old_school)).status_code == 404
    [event] = svc.outbox_events("registrations.teacher.moved_school")
    assert event["data"]["from_period_id"] == old["id"] and event["data"]["to_period_id"] == moved.json["id"]
    assert event["data"]["moved_on"] == "2027-01-04" and event["data"]["registered_by"]["email"] == "rita@riverside.example"
    assert len(svc.outbox_events("registrations.ect.registered")) == 1
    trail = svc.client.get(f"/audit?subject={old['teacher_id']}", headers=auth(token_issuer.issue(staff_role="read_only"))).json
    assert [e["action"] for e in trail] == ["ect_registered", "ect_moved_in"]


def test_training_programme_and_lead_provider_changes_keep_history(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    changed = svc.client.post(f"/ects/{ect['id']}/training", json={"training_programme": "provider_led",
                                                                   "lead_provider_id": OTHER_LEAD_PROVIDER,
                                                                   "started_on": "2026-11-01"}, headers=auth(token))
    assert changed.status_code == 200, changed.json
    assert changed.json["lead_provider_id"] == OTHER_LEAD_PROVIDER
    school_led = svc.client.post(f"/ects/{ect['id']}/training", json={"training_programme": "school_led",
                                                                      "started_on": "2027-01-04"}, headers=auth(token))
    assert school_led.json["training_programme"] == "school_led" and school_led.json["lead_provider_id"] is None
    events = svc.outbox_events("registrations.training.changed")
    assert [e["data"]["change"] for e in events] == ["lead_provider_changed", "programme_changed"]
    assert events[0]["data"]["previous_training_period_id"] == ect_training_id(svc)
    same = svc.client.post(f"/ects/{ect['id']}/training", json={"training_programme": "school_led",
                                                                "started_on": "2027-02-01"}, headers=auth(token))
    assert same.status_code == 422 and same.json["code"] == "no_change"
    before_current = svc.client.post(f"/ects/{ect['id']}/training", json={
        "training_programme": "provider_led", "lead_provider_id": LEAD_PROVIDER, "started_on": "2026-12-01"},
        headers=auth(token))
    assert before_current.status_code == 422


def ect_training_id(svc):
    [registered] = svc.outbox_events("registrations.ect.registered")
    return registered["data"]["training"]["training_period_id"]


def test_name_and_email_corrections(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    corrected = svc.client.patch(f"/teachers/{ect['teacher_id']}", json={"last_name": "King", "email": "ada.king@school.example"},
                                 headers=auth(token))
    assert corrected.status_code == 200, corrected.json
    shown = svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json
    assert (shown["last_name"], shown["email"]) == ("King", "ada.king@school.example")
    [event] = svc.outbox_events("registrations.teacher.details_changed")
    assert event["data"]["last_name"] == "King" and event["data"]["email"] == "ada.king@school.example"
    assert event["data"]["participant_type"] == "ect" and event["data"]["period_id"] == ect["id"]
    nothing = svc.client.patch(f"/teachers/{ect['teacher_id']}", json={}, headers=auth(token))
    assert nothing.status_code == 422
    bad = svc.client.patch(f"/teachers/{ect['teacher_id']}", json={"email": "nope"}, headers=auth(token))
    assert bad.status_code == 422 and "email" in bad.json["fields"]
    outsider = svc.client.patch(f"/teachers/{ect['teacher_id']}", json={"last_name": "X"},
                                headers=auth(token_issuer.school_user(OTHER_SCHOOL)))
    assert outsider.status_code == 404
    assert len(svc.outbox_events("registrations.teacher.details_changed")) == 1
    [entry] = [e for e in svc.client.get(f"/audit?subject={ect['teacher_id']}", headers=auth(token)).json
               if e["action"] == "details_corrected"]
    assert entry["details"] == {"last_name": "King", "email": "ada.king@school.example"}


def test_blended_users_change_only_their_schools_records(svc, fake_trs_sync, token_issuer):
    mine = [{"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"}]
    blended = token_issuer.issue(memberships=mine, mode="blended")
    ect = register_ect(svc, fake_trs_sync, blended, school_id=SCHOOL, appropriate_body_id=AB)
    other = register_ect(svc, fake_trs_sync, token_issuer.school_user(OTHER_SCHOOL), trn="2222222")
    assert svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": "2026-10-01"}, headers=auth(blended)).status_code == 200
    assert svc.client.post(f"/ects/{other['id']}/leave", json={"finished_on": "2026-10-01"}, headers=auth(blended)).status_code == 404
    assert [e["id"] for e in svc.client.get("/ects", headers=auth(blended)).json] == [ect["id"]]
