"""Schools register ECTs: TRS checks, refusals, scoping and who registered whom."""
import threading

from conftest import AB, LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL


def body(**overrides):
    data = {"trn": "1234567", "date_of_birth": "1995-04-01", "started_on": "2026-09-01", "email": "ada@school.example",
            "working_pattern": "full_time", "appropriate_body_id": AB, "training_programme": "provider_led",
            "lead_provider_id": LEAD_PROVIDER, "cohort": 2026}
    data.update(overrides)
    return data


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_school_user_registers_an_ect_and_the_event_names_who_did_it(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example", name="Bob Teacher")
    response = svc.client.post("/ects", json=body(), headers=auth(token))
    assert response.status_code == 201, response.json
    assert response.json["trn"] == "1234567" and response.json["school_id"] == SCHOOL
    assert response.json["registered_by"]["email"] == "bob@oakfield.example"
    [event] = svc.outbox_events("registrations.ect.registered")
    assert event["data"]["registered_by"] == {"user_id": event["actor"]["user_id"], "email": "bob@oakfield.example",
                                              "name": "Bob Teacher", "organisation_id": SCHOOL}
    assert event["actor"]["type"] == "school_user" and event["actor"]["organisation_id"] == SCHOOL
    assert event["data"]["training"]["lead_provider_id"] == LEAD_PROVIDER
    assert event["data"]["training"]["expression_of_interest"] is True
    listed = svc.client.get("/ects", headers=auth(token)).json
    assert [e["trn"] for e in listed] == ["1234567"]


def test_two_users_of_a_school_both_register_teachers(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1111111")
    fake_trs_sync.add("2222222")
    alice = token_issuer.school_user(SCHOOL, role="approver", email="alice@oakfield.example")
    bob = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    assert svc.client.post("/ects", json=body(trn="1111111"), headers=auth(alice)).status_code == 201
    assert svc.client.post("/ects", json=body(trn="2222222"), headers=auth(bob)).status_code == 201
    registered_by = {e["trn"]: e["registered_by"]["email"] for e in svc.client.get("/ects", headers=auth(bob)).json}
    assert registered_by == {"1111111": "alice@oakfield.example", "2222222": "bob@oakfield.example"}


def test_unknown_teacher_or_wrong_date_of_birth_is_refused(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567", dob="1990-01-01")
    response = svc.client.post("/ects", json=body(), headers=auth(token_issuer.school_user(SCHOOL)))
    assert response.status_code == 422 and response.json["code"] == "teacher_not_found"
    assert set(response.json["fields"]) == {"trn", "date_of_birth"}
    assert svc.outbox_events() == []


def test_deactivated_completed_and_prohibited_teachers_are_refused(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    fake_trs_sync.deactivated.add("3000001")
    fake_trs_sync.add("3000002", status="Passed")
    fake_trs_sync.add("3000003", status="Exempt")
    fake_trs_sync.add("3000004", prohibited=True)
    codes = {trn: svc.client.post("/ects", json=body(trn=trn), headers=auth(token)).json["code"]
             for trn in ("3000001", "3000002", "3000003", "3000004")}
    assert codes == {"3000001": "teacher_deactivated", "3000002": "induction_already_completed",
                     "3000003": "induction_already_completed", "3000004": "prohibited_from_teaching"}
    assert svc.outbox_events() == []


def test_no_qts_is_allowed_with_a_warning_and_merged_trn_is_followed(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("4000001", qts=None)
    fake_trs_sync.add("4000002", current_trn="4999999")
    token = token_issuer.school_user(SCHOOL)
    no_qts = svc.client.post("/ects", json=body(trn="4000001"), headers=auth(token))
    assert no_qts.status_code == 201 and "QTS" in no_qts.json["warnings"][0]
    merged = svc.client.post("/ects", json=body(trn="4000002"), headers=auth(token))
    assert merged.status_code == 201 and merged.json["trn"] == "4999999"


def test_already_registered_here_or_elsewhere_is_a_conflict(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("5000001")
    here = token_issuer.school_user(SCHOOL)
    assert svc.client.post("/ects", json=body(trn="5000001"), headers=auth(here)).status_code == 201
    again = svc.client.post("/ects", json=body(trn="5000001"), headers=auth(here))
    assert again.status_code == 409 and again.json["code"] == "already_registered_here"
    elsewhere = svc.client.post("/ects", json=body(trn="5000001"), headers=auth(token_issuer.school_user(OTHER_SCHOOL)))
    assert elsewhere.status_code == 409 and elsewhere.json["code"] == "registered_elsewhere"


def test_trs_unavailable_is_a_clear_503(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.down = True
    response = svc.client.post("/ects", json=body(), headers=auth(token_issuer.school_user(SCHOOL)))
    assert response.status_code == 503 and response.json["code"] == "trs_unavailable"
    assert response.headers["Retry-After"]


def test_invalid_input_gets_field_messages_and_changes_nothing(svc, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    response = svc.client.post("/ects", json=body(trn="12", email="nope", working_pattern="sometimes", cohort=1900),
                               headers=auth(token))
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"trn", "email", "working_pattern", "cohort"}
    school_led = svc.client.post("/ects", json=body(training_programme="school_led"), headers=auth(token))
    assert school_led.status_code == 422 and "lead_provider_id" in school_led.json["fields"]
    assert svc.outbox_events() == []


def test_hat_mode_scoping_and_blended_mode_must_name_the_school(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("6000001")
    both = [{"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"},
            {"organisation_id": OTHER_SCHOOL, "organisation_type": "school", "role": "end_user"}]
    no_choice = token_issuer.issue(memberships=both, mode="hat")
    assert svc.client.post("/ects", json=body(trn="6000001"), headers=auth(no_choice)).json["code"] == "choose_organisation"
    hat = token_issuer.issue(memberships=both, mode="hat", acting_organisation_id=OTHER_SCHOOL)
    wrong = svc.client.post("/ects", json=body(trn="6000001", school_id=SCHOOL), headers=auth(hat))
    assert wrong.status_code == 403
    blended = token_issuer.issue(memberships=both, mode="blended")
    missing = svc.client.post("/ects", json=body(trn="6000001"), headers=auth(blended))
    assert missing.status_code == 422 and "school_id" in missing.json["fields"]
    created = svc.client.post("/ects", json=body(trn="6000001", school_id=SCHOOL), headers=auth(blended))
    assert created.status_code == 201 and created.json["school_id"] == SCHOOL
    outsider = token_issuer.school_user(OTHER_SCHOOL)
    assert svc.client.get("/ects", headers=auth(outsider)).json == []
    assert svc.client.get(f"/ects/{created.json['id']}", headers=auth(outsider)).status_code == 404
    assert len(svc.client.get(f"/ects?school_id={SCHOOL}", headers=auth(blended)).json) == 1
    assert svc.client.get(f"/ects?school_id={SCHOOL}", headers=auth(outsider)).status_code == 403


def test_same_trn_registered_at_the_same_moment_by_two_users_one_wins(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("7000001")
    tokens = [token_issuer.school_user(SCHOOL, email=f"user{i}@oakfield.example") for i in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def register(token):
        client = svc.app.test_client()
        barrier.wait()
        results.append(client.post("/ects", json=body(trn="7000001"), headers=auth(token)))

    threads = [threading.Thread(target=register, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(r.status_code for r in results) == [201, 409]
    assert [r for r in results if r.status_code == 409][0].json["code"] == "already_registered_here"
    assert len(svc.outbox_events("registrations.ect.registered")) == 1
