"""An appropriate body's page for a teacher names, for context, the school that registered them and the appropriate
body that school reports: copied from accounts' organisation events and registrations' ECT events."""
import uuid
from datetime import datetime, timedelta, UTC

from conftest import TODAY
from test_claims import CLAIM
from test_school_ects import ect_at, left, moved

SCHOOL, OTHER_SCHOOL = str(uuid.uuid4()), str(uuid.uuid4())
REPORTED, OTHER_REPORTED = str(uuid.uuid4()), str(uuid.uuid4())
T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)


def organisation(org_id, type_, name, urn=None):
    return {"organisation_id": org_id, "type": type_, "name": name, "urn": urn, "status": "open"}


def schools_seen(api, trn="1234567"):
    response = api.get(f"/ects/{trn}")
    assert response.status_code == 200, response.json
    return [(s["name"], s["urn"], (s["reported_appropriate_body"] or {}).get("name")) for s in response.json["schools"]]


def given_named_organisations(svc):
    svc.send("accounts.organisation.created", organisation(SCHOOL, "school", "Oakfield Primary", "100001"))
    svc.send("accounts.organisation.created", organisation(OTHER_SCHOOL, "school", "Riverside Academy", "100002"))
    svc.send("accounts.organisation.created", organisation(REPORTED, "appropriate_body", "Kingsbridge Hub"))
    svc.send("accounts.organisation.created", organisation(OTHER_REPORTED, "appropriate_body", "Westmoor Council"))


def test_the_teacher_page_names_the_registering_school_and_the_appropriate_body_it_reports(
        svc, fake_trs_sync, ab, consume):
    given_named_organisations(svc)
    ect = ect_at(SCHOOL, appropriate_body_id=REPORTED)
    svc.send("registrations.ect.registered", ect)
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    assert schools_seen(ab) == [("Oakfield Primary", "100001", "Kingsbridge Hub")]

    svc.send("accounts.organisation.updated", organisation(SCHOOL, "school", "Oakfield Primary School", "100001"))
    svc.send("registrations.teacher.details_changed", {
        "teacher_id": ect["teacher_id"], "trn": "1234567", "first_name": "Ada", "last_name": "Lovelace",
        "participant_type": "ect", "period_id": ect["ect_period_id"], "appropriate_body_id": OTHER_REPORTED})
    consume()
    assert schools_seen(ab) == [("Oakfield Primary School", "100001", "Westmoor Council")]


def test_a_name_change_that_does_not_mention_the_appropriate_body_keeps_it(svc, fake_trs_sync, ab, consume):
    given_named_organisations(svc)
    ect = ect_at(SCHOOL, appropriate_body_id=REPORTED)
    svc.send("registrations.ect.registered", ect)
    svc.send("registrations.teacher.details_changed", {
        "teacher_id": ect["teacher_id"], "trn": "1234567", "first_name": "Ada", "last_name": "King"})
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    assert schools_seen(ab) == [("Oakfield Primary", "100001", "Kingsbridge Hub")]


def test_moving_school_shows_the_new_school_and_its_reported_body_and_leaving_shows_none(
        svc, fake_trs_sync, ab, consume):
    given_named_organisations(svc)
    ect = ect_at(SCHOOL, appropriate_body_id=REPORTED)
    svc.send("registrations.ect.registered", ect, occurred_at=T0)
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    move = {**moved(ect, OTHER_SCHOOL, TODAY - timedelta(days=1)), "appropriate_body_id": OTHER_REPORTED}
    svc.send("registrations.teacher.moved_school", move, occurred_at=T0 + timedelta(days=1))
    consume()
    assert schools_seen(ab) == [("Riverside Academy", "100002", "Westmoor Council")]
    svc.send("registrations.teacher.left_school",
             left({**ect, "ect_period_id": move["to_period_id"], "school_id": OTHER_SCHOOL}, TODAY - timedelta(days=1)),
             occurred_at=T0 + timedelta(days=2))
    consume()
    assert schools_seen(ab) == []


def test_a_school_not_yet_known_from_accounts_is_shown_without_a_name(svc, fake_trs_sync, ab, consume):
    svc.send("registrations.ect.registered", ect_at(SCHOOL))
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    [shown] = ab.get("/ects/1234567").json["schools"]
    assert (shown["school_id"], shown["name"], shown["reported_appropriate_body"]) == (SCHOOL, None, None)


def test_a_late_older_report_leaves_the_later_appropriate_body_standing(svc, fake_trs_sync, ab, consume):
    given_named_organisations(svc)
    ect = ect_at(SCHOOL, appropriate_body_id=REPORTED)
    svc.send("registrations.ect.registered", ect, occurred_at=T0)
    changed = {"teacher_id": ect["teacher_id"], "trn": "1234567", "first_name": "Ada", "last_name": "Lovelace",
               "participant_type": "ect", "period_id": ect["ect_period_id"]}
    svc.send("registrations.teacher.details_changed", {**changed, "appropriate_body_id": OTHER_REPORTED},
             occurred_at=T0 + timedelta(days=2))
    consume()
    svc.send("registrations.teacher.details_changed", {**changed, "appropriate_body_id": REPORTED},
             occurred_at=T0 + timedelta(days=1))
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    assert schools_seen(ab) == [("Oakfield Primary", "100001", "Westmoor Council")]
