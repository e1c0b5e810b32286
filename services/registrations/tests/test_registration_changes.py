"""A school changes what it holds about a registration: an ECT's email, working pattern or appropriate body, a
mentor's email. Audited; published when another service keeps the field (the email, the appropriate body); never once
they have left."""
from datetime import date, timedelta

from conftest import (AB, INDEPENDENT_SCHOOL, LA_AB, NATIONAL_AB, OTHER_SCHOOL, SCHOOL, auth, staff_acting_for)
from test_mentors import register_ect, register_mentor


def patch(svc, token, path, body):
    return svc.client.patch(path, json=body, headers=auth(token))


def audit(svc, token, subject):
    return svc.client.get(f"/audit?subject={subject}", headers=auth(token)).json


def test_an_ects_email_working_pattern_and_appropriate_body_change(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    ect = register_ect(svc, fake_trs_sync, token, appropriate_body_id=None)
    changed = patch(svc, token, f"/ects/{ect['id']}", {"email": "ada.l@school.example", "working_pattern": "part_time",
                                                        "appropriate_body_id": AB})
    assert changed.status_code == 200, changed.json
    assert (changed.json["email"], changed.json["working_pattern"], changed.json["appropriate_body_id"],
            changed.json["appropriate_body_name"]) == ("ada.l@school.example", "part_time", AB, "Kingsbridge TSH")
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["working_pattern"] == "part_time"
    entry = audit(svc, token, ect["id"])[-1]
    assert entry["action"] == "ect_registration_changed" and entry["actor"]["email"] == "bob@oakfield.example"
    assert entry["details"] == {"email": "ada.l@school.example", "working_pattern": "part_time",
                                "appropriate_body_id": AB,
                                "previous": {"email": "ada@school.example", "working_pattern": "full_time",
                                             "appropriate_body_id": None}}
    # lp-api keeps the email, inductions the reported appropriate body
    [event] = svc.outbox_events("registrations.teacher.details_changed")
    assert {k: event["data"][k] for k in ("participant_type", "period_id", "email", "first_name",
                                          "appropriate_body_id")} == {
        "participant_type": "ect", "period_id": ect["id"], "email": "ada.l@school.example", "first_name": "Ada",
        "appropriate_body_id": AB}
    assert event["actor"]["organisation_id"] == SCHOOL


def test_an_appropriate_body_change_alone_is_published_for_inductions(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token, appropriate_body_id=None)
    assert patch(svc, token, f"/ects/{ect['id']}", {"appropriate_body_id": AB}).status_code == 200
    [event] = svc.outbox_events("registrations.teacher.details_changed")
    assert (event["data"]["period_id"], event["data"]["appropriate_body_id"]) == (ect["id"], AB)


def test_only_an_email_or_appropriate_body_change_is_published(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    assert patch(svc, token, f"/ects/{ect['id']}", {"working_pattern": "part_time"}).status_code == 200
    assert svc.outbox_events("registrations.teacher.details_changed") == []
    assert audit(svc, token, ect["id"])[-1]["details"] == {"working_pattern": "part_time",
                                                           "previous": {"working_pattern": "full_time"}}


def test_the_appropriate_body_rule_and_bad_input_are_refused_and_change_nothing(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    attempts = {
        "national": {"appropriate_body_id": NATIONAL_AB}, "local authority": {"appropriate_body_id": LA_AB},
        "unknown": {"appropriate_body_id": OTHER_SCHOOL}, "bad email": {"email": "not-an-email"},
        "pattern": {"working_pattern": "weekends"}, "null": {"email": None}, "other field": {"first_name": "Augusta"}}
    answers = {name: patch(svc, token, f"/ects/{ect['id']}", body) for name, body in attempts.items()}
    assert {name: (r.status_code, list(r.json.get("fields", {}))) for name, r in answers.items()} == {
        "national": (422, ["appropriate_body_id"]), "local authority": (422, ["appropriate_body_id"]),
        "unknown": (422, ["appropriate_body_id"]), "bad email": (422, ["email"]),
        "pattern": (422, ["working_pattern"]), "null": (422, ["email"]), "other field": (422, ["first_name"])}
    assert answers["national"].json["code"] == "appropriate_body_not_allowed"
    independent = token_issuer.school_user(INDEPENDENT_SCHOOL)
    theirs = register_ect(svc, fake_trs_sync, independent, trn="1234568", appropriate_body_id=None)
    assert patch(svc, independent, f"/ects/{theirs['id']}", {"appropriate_body_id": NATIONAL_AB}).status_code == 200
    assert patch(svc, independent, f"/ects/{theirs['id']}", {"appropriate_body_id": LA_AB}).status_code == 422
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["appropriate_body_id"] == AB
    assert [e["action"] for e in audit(svc, token, ect["id"])] == ["ect_registered"]


def test_no_change_is_said_clearly(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    same = patch(svc, token, f"/ects/{ect['id']}", {"email": "ada@school.example", "working_pattern": "full_time",
                                                     "appropriate_body_id": AB})
    empty = patch(svc, token, f"/ects/{ect['id']}", {})
    assert (same.status_code, same.json["code"], empty.status_code, empty.json["code"]) == (
        422, "no_change", 422, "no_change")
    assert "already has these details" in same.json["message"] and "email" in empty.json["message"]
    assert [e["action"] for e in audit(svc, token, ect["id"])] == ["ect_registered"]


def test_an_ended_registration_cannot_change(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    gone = register_ect(svc, fake_trs_sync, token, trn="1000001")
    going = register_ect(svc, fake_trs_sync, token, trn="1000002")
    for ect, last_day in ((gone, date.today() - timedelta(days=1)), (going, date.today() + timedelta(days=30))):
        assert svc.client.post(f"/ects/{ect['id']}/leave", json={"finished_on": last_day.isoformat()},
                               headers=auth(token)).status_code == 200
    ended = patch(svc, token, f"/ects/{gone['id']}", {"email": "new@school.example"})
    assert ended.status_code == 409 and ended.json["code"] == "already_left"
    assert patch(svc, token, f"/ects/{going['id']}", {"email": "new@school.example"}).status_code == 200  # not yet


def test_a_mentors_email_changes(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    mentor = register_mentor(svc, fake_trs_sync, token)
    changed = patch(svc, token, f"/mentors/{mentor['id']}", {"email": "max.m@school.example"})
    assert changed.status_code == 200 and changed.json["email"] == "max.m@school.example"
    [event] = svc.outbox_events("registrations.teacher.details_changed")
    assert (event["data"]["participant_type"], event["data"]["period_id"]) == ("mentor", mentor["id"])
    assert audit(svc, token, mentor["id"])[-1]["action"] == "mentor_registration_changed"
    assert patch(svc, token, f"/mentors/{mentor['id']}", {"working_pattern": "part_time"}).status_code == 422
    assert patch(svc, token, f"/mentors/{mentor['id']}", {"email": "max.m@school.example"}).json["code"] == "no_change"


def test_only_the_school_changes_its_registrations(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    body = {"email": "x@school.example"}
    outsider = token_issuer.school_user(OTHER_SCHOOL)
    assert patch(svc, outsider, f"/ects/{ect['id']}", body).status_code == 404
    assert patch(svc, outsider, f"/mentors/{mentor['id']}", body).status_code == 404
    blended_elsewhere = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": OTHER_SCHOOL, "organisation_type": "school", "role": "approver"}])
    assert patch(svc, blended_elsewhere, f"/ects/{ect['id']}", body).status_code == 404
    assert patch(svc, token_issuer.issue(staff_role="read_only"), f"/ects/{ect['id']}", body).status_code == 403
    assert patch(svc, staff_acting_for(token_issuer, OTHER_SCHOOL), f"/ects/{ect['id']}", body).status_code == 404
    assert svc.outbox_events("registrations.teacher.details_changed") == []
    blended = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": s, "organisation_type": "school", "role": "end_user"} for s in (SCHOOL, OTHER_SCHOOL)])
    assert patch(svc, blended, f"/ects/{ect['id']}", body).status_code == 200
    staff = staff_acting_for(token_issuer, SCHOOL, reason="Ticket 99: the school asked")
    assert patch(svc, staff, f"/mentors/{mentor['id']}", body).status_code == 200
    entry = audit(svc, token, mentor["id"])[-1]
    assert (entry["actor"]["type"], entry["acting_for_reason"]) == ("staff", "Ticket 99: the school asked")
