"""Schools register ECTs: TRS checks, refusals, scoping and who registered whom."""
import threading

from conftest import (AB, INDEPENDENT_SCHOOL, LA_AB, LEAD_PROVIDER, NATIONAL_AB, OTHER_SCHOOL, SCHOOL, auth,
                      staff_acting_for)
from conftest import ect_body as body


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
    recorded = {k: event["data"][k] for k in ("started_on", "email", "working_pattern", "appropriate_body_id")}
    assert recorded == {"started_on": "2026-09-01", "email": "ada@school.example", "working_pattern": "full_time",
                        "appropriate_body_id": AB}
    assert {k: event["data"]["training"][k] for k in ("programme", "cohort", "schedule", "partnership_id")} == {
        "programme": "provider_led", "cohort": 2026, "schedule": "ecf-standard-september", "partnership_id": None}
    [listed] = svc.client.get("/ects", headers=auth(token)).json
    assert listed["trn"] == "1234567"
    assert {k: listed[k] for k in (*recorded, "training_programme", "lead_provider_id", "cohort", "expression_of_interest")} == {
        **recorded, "training_programme": "provider_led", "lead_provider_id": LEAD_PROVIDER, "cohort": 2026,
        "expression_of_interest": True}


def test_school_led_training_is_recorded_without_a_lead_provider(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = token_issuer.school_user(SCHOOL)
    response = svc.client.post("/ects", json=body(training_programme="school_led", lead_provider_id=None,
                                                  working_pattern="part_time"), headers=auth(token))
    assert response.status_code == 201, response.json
    shown = svc.client.get(f"/ects/{response.json['id']}", headers=auth(token)).json
    assert (shown["training_programme"], shown["lead_provider_id"], shown["expression_of_interest"], shown["schedule"],
            shown["working_pattern"]) == ("school_led", None, False, None, "part_time")
    [event] = svc.outbox_events("registrations.ect.registered")
    assert event["data"]["training"]["programme"] == "school_led" and event["data"]["training"]["lead_provider_id"] is None


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
    fake_trs_sync.add("3000005", status="Failed")
    fake_trs_sync.add("3000006", status="FailedInWales")
    codes = {trn: svc.client.post("/ects", json=body(trn=trn), headers=auth(token)).json["code"]
             for trn in ("3000001", "3000002", "3000003", "3000004", "3000005", "3000006")}
    assert codes == {"3000001": "teacher_deactivated", "3000002": "induction_already_completed",
                     "3000003": "induction_already_completed", "3000004": "prohibited_from_teaching",
                     "3000005": "induction_already_completed", "3000006": "induction_already_completed"}
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
    assert "moving_from_another_school" in elsewhere.json["message"] and "left" in elsewhere.json["message"]  # what to do


def test_a_registration_never_overlaps_an_earlier_one_at_any_school(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("5000001")
    here, there = token_issuer.school_user(SCHOOL), token_issuer.school_user(OTHER_SCHOOL)
    ect = svc.client.post("/ects", json=body(trn="5000001"), headers=auth(here)).json
    assert svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": "2026-12-31"}, headers=auth(here)).status_code == 200
    for token in (there, here):
        overlapping = svc.client.post("/ects", json=body(trn="5000001", started_on="2026-11-01"), headers=auth(token))
        assert overlapping.status_code == 422 and overlapping.json["code"] == "overlaps_earlier_registration"
        assert overlapping.json["fields"] == {"started_on": ["Must be after 2026-12-31."]}
    later = svc.client.post("/ects", json=body(trn="5000001", started_on="2027-01-04"), headers=auth(there))
    assert later.status_code == 201, later.json
    assert len(svc.outbox_events("registrations.ect.registered")) == 2


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


def test_who_registered_an_ect_is_answered_from_the_audit_trail(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example", name="Bob Teacher")
    ect = svc.client.post("/ects", json=body(), headers=auth(token)).json
    [entry] = svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json
    assert entry["action"] == "ect_registered" and entry["outcome"] == "applied"
    assert entry["actor"] == {"type": "school_user", "user_id": ect["registered_by"]["user_id"],
                              "email": "bob@oakfield.example", "name": "Bob Teacher", "organisation_id": SCHOOL}
    assert svc.client.get(f"/audit?subject={ect['teacher_id']}", headers=auth(token)).json == [entry]
    outsider = token_issuer.school_user(OTHER_SCHOOL)
    assert svc.client.get(f"/audit?subject={ect['id']}", headers=auth(outsider)).json == []


def test_staff_acting_for_a_school_register_with_the_reason_audited(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    staff = staff_acting_for(token_issuer, SCHOOL)
    created = svc.client.post("/ects", json=body(), headers=auth(staff))
    assert created.status_code == 201 and created.json["school_id"] == SCHOOL
    [entry] = svc.client.get(f"/audit?subject={created.json['id']}", headers=auth(staff)).json
    assert entry["actor"]["type"] == "staff" and entry["actor"]["email"] == "sam.staff@education.gov.uk"
    assert entry["actor"]["organisation_id"] == SCHOOL
    assert entry["acting_for_reason"] == "Support ticket 4821: school asked for help"
    [event] = svc.outbox_events("registrations.ect.registered")
    assert event["actor"]["type"] == "staff" and event["data"]["registered_by"]["organisation_id"] == SCHOOL
    read_only = token_issuer.issue(staff_role="read_only", acting_for={"organisation_id": SCHOOL, "reason": "look"})
    assert svc.client.post("/ects", json=body(trn="1111111"), headers=auth(read_only)).status_code == 403


def test_appropriate_body_must_suit_the_school_type(svc, fake_trs_sync, token_issuer):
    for trn in ("1000001", "1000002", "1000003", "1000004"):
        fake_trs_sync.add(trn)
    state = token_issuer.school_user(SCHOOL)
    independent = token_issuer.school_user(INDEPENDENT_SCHOOL)
    la_at_state = svc.client.post("/ects", json=body(trn="1000001", appropriate_body_id=LA_AB), headers=auth(state))
    national_at_state = svc.client.post("/ects", json=body(trn="1000001", appropriate_body_id=NATIONAL_AB), headers=auth(state))
    la_at_independent = svc.client.post("/ects", json=body(trn="1000002", appropriate_body_id=LA_AB), headers=auth(independent))
    for refused in (la_at_state, national_at_state, la_at_independent):
        assert refused.status_code == 422 and refused.json["code"] == "appropriate_body_not_allowed"
        assert "appropriate_body_id" in refused.json["fields"]
    assert "teaching school hub" in la_at_state.json["message"]
    assert "independent" in la_at_independent.json["message"].lower()
    assert svc.outbox_events() == []
    assert svc.client.post("/ects", json=body(trn="1000003", appropriate_body_id=NATIONAL_AB),
                           headers=auth(independent)).status_code == 201
    assert svc.client.post("/ects", json=body(trn="1000004", appropriate_body_id=AB), headers=auth(independent)).status_code == 201


def test_cohort_must_match_the_start_date(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = token_issuer.school_user(SCHOOL)
    wrong = svc.client.post("/ects", json=body(cohort=2024), headers=auth(token))
    assert wrong.status_code == 422 and wrong.json["code"] == "cohort_mismatch" and "2026" in wrong.json["fields"]["cohort"][0]
    assert svc.outbox_events() == []


def test_every_endpoint_is_in_the_openapi_document(svc):
    paths = svc.client.get("/openapi.json").json["paths"]
    assert {"/ects", "/ects/bulk", "/ects/{ect_id}", "/ects/{ect_id}/leave", "/ects/{ect_id}/training",
            "/ects/{ect_id}/mentorship", "/mentors", "/mentors/{mentor_id}", "/mentors/{mentor_id}/leave",
            "/mentors/{mentor_id}/training", "/mentors/bulk", "/leavers/bulk", "/teachers/{teacher_id}", "/audit"} <= set(paths)
