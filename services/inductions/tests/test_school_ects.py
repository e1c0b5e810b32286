"""A school reads its ECTs' induction status: inductions keeps which school each ECT registration is at from
registrations' events (in any order, any number of times), and shows a school only its current ECTs."""
import json
import uuid
from datetime import datetime, timedelta, UTC

import pika

from conftest import AB, TODAY, Api
from ecf_shared.bus import amqp
from ecf_shared.contracts import exchange_for
from ecf_shared.events.envelope import new_event
from test_claims import CLAIM
from test_in_flight_inductions import registered

SCHOOL, OTHER_SCHOOL, THIRD_SCHOOL = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)


def send_at(svc, event_type, data, occurred_at):
    """Publish an event registrations made at `occurred_at` (a new event id each time: not the inbox's duplicate)."""
    event = new_event(event_type, data, producer="registrations", occurred_at=occurred_at)
    with amqp.connect(svc.settings.amqp_url, name="test-send") as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange_for("registrations"), event_type, json.dumps(event.to_message()).encode(),
                              pika.BasicProperties(message_id=event.event_id, delivery_mode=2), mandatory=True)


def ect_at(school_id, trn="1234567", **kw):
    return {**registered(trn), "school_id": school_id, **kw}


def left(ect, finished_on):
    return {"teacher_id": ect["teacher_id"], "trn": ect["trn"], "participant_type": "ect",
            "period_id": ect["ect_period_id"], "school_id": ect["school_id"], "finished_on": finished_on}


def moved(ect, to_school_id, moved_on):
    return {"teacher_id": ect["teacher_id"], "trn": ect["trn"], "from_period_id": ect["ect_period_id"],
            "from_school_id": ect["school_id"], "to_period_id": str(uuid.uuid4()), "to_school_id": to_school_id,
            "moved_on": moved_on, "email": "ada@example.com", "working_pattern": "full_time",
            "training": ect["training"], "registered_by": ect["registered_by"]}


def school_user(token_issuer, svc, school_id):
    return Api(svc.client, token_issuer.school_user(school_id))


def seen(api, **query):
    response = api.get("/schools/ects", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_a_school_sees_its_ects_induction_status_as_it_changes(svc, fake_trs_sync, token_issuer, ab, consume):
    ect = ect_at(SCHOOL)
    svc.send("registrations.ect.registered", ect)
    consume()
    school = school_user(token_issuer, svc, SCHOOL)
    assert seen(school) == [{"ect_period_id": ect["ect_period_id"], "trn": "1234567", "school_id": SCHOOL,
                             "status": "RequiredToComplete", "start_date": None, "completed_date": None,
                             "appropriate_body_id": None}]
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    [claimed] = seen(school)
    assert (claimed["status"], claimed["start_date"], claimed["appropriate_body_id"]) == ("InProgress", "2026-09-01", AB)
    assert ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": "2026-11-01",
                                             "number_of_terms": 6}).status_code == 200
    [passed] = seen(school)
    assert (passed["status"], passed["completed_date"], passed["appropriate_body_id"]) == ("Passed", "2026-11-01", AB)
    response = school.get("/schools/ects")
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


def test_moving_and_leaving_change_which_school_sees_the_ect(svc, token_issuer, consume):
    ect = ect_at(SCHOOL)
    svc.send("registrations.ect.registered", ect)
    consume()
    svc.send("registrations.teacher.moved_school", moved(ect, OTHER_SCHOOL, TODAY))
    going = ect_at(THIRD_SCHOOL, trn="7654321")
    svc.send("registrations.ect.registered", going)
    consume()
    svc.send("registrations.teacher.left_school", left(going, TODAY + timedelta(days=1)))
    consume()
    assert seen(school_user(token_issuer, svc, SCHOOL)) == []  # their last day there was yesterday
    [there] = seen(school_user(token_issuer, svc, OTHER_SCHOOL))
    assert (there["trn"], there["school_id"], there["status"]) == ("1234567", OTHER_SCHOOL, "RequiredToComplete")
    assert [e["trn"] for e in seen(school_user(token_issuer, svc, THIRD_SCHOOL))] == ["7654321"]  # leaving tomorrow
    svc.send("registrations.teacher.left_school", left(going, TODAY))
    consume()
    assert seen(school_user(token_issuer, svc, THIRD_SCHOOL)) == []


def test_the_copy_never_goes_back_in_time_on_redelivery_or_reordering(svc, token_issuer, consume):
    ect = ect_at(SCHOOL)
    send_at(svc, "registrations.teacher.left_school", left(ect, "2026-10-09"), T0 + timedelta(days=40))
    consume()
    send_at(svc, "registrations.ect.registered", ect, T0)  # the registration arrives after the leaving
    consume()
    send_at(svc, "registrations.ect.registered", ect, T0)  # and again
    consume()
    school = school_user(token_issuer, svc, SCHOOL)
    assert seen(school) == []
    with svc.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("select started_on, finished_on from school_ects").all()
    assert [(str(s), str(f)) for s, f in rows] == [("2026-09-01", "2026-10-09")]  # the start filled in, still left
    staff = Api(svc.client, token_issuer.issue(staff_role="admin"))
    assert staff.get("/teachers/1234567/induction").json["status"] == "RequiredToComplete"  # the induction opened once
    assert len(svc.outbox_events("inductions.induction.status_changed")) == 1
    other = ect_at(OTHER_SCHOOL, trn="7654321")
    send_at(svc, "registrations.ect.registered", other, T0)
    send_at(svc, "registrations.teacher.left_school", left(other, "2026-10-09"), T0 + timedelta(days=40))
    consume()
    send_at(svc, "registrations.teacher.left_school", left(other, "2026-10-09"), T0 + timedelta(days=40))
    consume()
    assert seen(school_user(token_issuer, svc, OTHER_SCHOOL)) == []


def test_a_mentor_leaving_is_not_an_ect_leaving(svc, token_issuer, consume):
    ect = ect_at(SCHOOL)
    svc.send("registrations.ect.registered", ect)
    consume()
    svc.send("registrations.teacher.left_school", {**left(ect, "2026-10-09"), "participant_type": "mentor",
                                                   "period_id": str(uuid.uuid4())})
    consume()
    assert [e["trn"] for e in seen(school_user(token_issuer, svc, SCHOOL))] == ["1234567"]


def test_each_school_sees_only_its_own_ects(svc, token_issuer, consume):
    for school_id, trn in ((SCHOOL, "1000001"), (OTHER_SCHOOL, "1000002"), (OTHER_SCHOOL, "1000003")):
        svc.send("registrations.ect.registered", ect_at(school_id, trn=trn))
    consume()
    here = school_user(token_issuer, svc, SCHOOL)
    assert [e["trn"] for e in seen(here)] == ["1000001"]
    assert seen(here, trn="1000002") == []
    refused = here.get("/schools/ects", query_string={"school_id": OTHER_SCHOOL})
    assert refused.status_code == 403 and refused.json["code"] == "not_acting_organisation"
    blended = Api(svc.client, token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": s, "organisation_type": "school", "role": "end_user"} for s in (SCHOOL, OTHER_SCHOOL)]))
    assert [e["trn"] for e in seen(blended)] == ["1000001", "1000002", "1000003"]
    assert [e["trn"] for e in seen(blended, school_id=OTHER_SCHOOL)] == ["1000002", "1000003"]
    assert [e["trn"] for e in seen(blended, trn="1000003")] == ["1000003"]
    page = blended.get("/schools/ects", query_string={"page": 2, "page_size": 2})
    assert [e["trn"] for e in page.json] == ["1000003"]
    assert json.loads(page.headers["X-Pagination"]) == {"total": 3, "total_pages": 2, "first_page": 1,
                                                        "last_page": 2, "page": 2, "previous_page": 1}
    assert blended.get("/schools/ects", query_string={"school_id": THIRD_SCHOOL}).status_code == 403
    assert [e["trn"] for e in seen(Api(svc.client, token_issuer.issue(staff_role="read_only")))] == [
        "1000001", "1000002", "1000003"]
    acting = Api(svc.client, token_issuer.issue(staff_role="support", acting_for={"organisation_id": OTHER_SCHOOL,
                                                                                 "reason": "ticket 1"}))
    assert [e["trn"] for e in seen(acting)] == ["1000002", "1000003"]
    ab_user = Api(svc.client, token_issuer.issue(memberships=[
        {"organisation_id": AB, "organisation_type": "appropriate_body", "role": "approver"}], acting_organisation_id=AB))
    assert ab_user.get("/schools/ects").status_code == 403
    assert ab_user.get("/schools/ects", query_string={"school_id": SCHOOL}).status_code == 403
    assert svc.client.get("/schools/ects").status_code == 401
    for bad in ({"trn": "12"}, {"school_id": "x"}, {"page": 0}, {"page_size": 1001}):
        assert here.get("/schools/ects", query_string=bad).status_code == 422, bad
    assert here.get("/schools/ects", query_string={"page": 10 ** 30}).json == []
