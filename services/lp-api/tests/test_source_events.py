"""Every source event lp-api consumes: what a lead provider then sees, and that updated_at moved with it
(so an updated_since poll never misses a change)."""
import uuid
from datetime import date, datetime, UTC

import pytest

from lp_events import ect_registration, mentor_registration, organisation, training_change
from test_participants_read_model import participant_rows

PARTICIPANTS = "/api/v3/participants/ecf"


@pytest.fixture
def registered(svc, make_provider):
    """An ECT of one provider: (provider, the registration, get the provider's view of them)."""
    provider = make_provider()
    data = ect_registration(lead_provider_id=provider.id)
    svc.send("registrations.ect.registered", data)
    svc.consume()

    def view():
        response = provider.get(f"{PARTICIPANTS}/{data['teacher_id']}")
        return response.json["data"] if response.status_code == 200 else None

    return provider, data, view


def send(svc, event_type, data):
    svc.send(event_type, data)
    svc.consume()


def moved(before: dict, after: dict) -> bool:
    return after["attributes"]["updated_at"] > before["attributes"]["updated_at"]


def test_mentor_registered_with_training_is_a_mentor_participant(svc, make_provider):
    provider = make_provider()
    data = mentor_registration(lead_provider_id=provider.id, school_id=str(uuid.uuid4()))
    send(svc, "registrations.mentor.registered", data)
    [mentor] = provider.get(PARTICIPANTS).json["data"]
    assert mentor["id"] == data["teacher_id"]
    [item] = mentor["attributes"]["ecf_enrolments"]
    assert item["participant_type"] == "mentor" and item["training_record_id"] == data["training"]["training_period_id"]


def test_mentorship_started_and_ended_set_and_clear_the_mentor_id(svc, registered):
    _, data, view = registered
    before = view()
    mentorship = {"mentorship_id": str(uuid.uuid4()), "school_id": data["school_id"],
                  "ect_period_id": data["ect_period_id"], "ect_teacher_id": data["teacher_id"],
                  "mentor_period_id": str(uuid.uuid4()), "mentor_teacher_id": str(uuid.uuid4()),
                  "started_on": date(2025, 9, 1)}
    send(svc, "registrations.mentorship.started", mentorship)
    started = view()
    assert started["attributes"]["ecf_enrolments"][0]["mentor_id"] == mentorship["mentor_teacher_id"]
    assert moved(before, started)
    send(svc, "registrations.mentorship.ended", {**mentorship, "finished_on": date(2025, 12, 1)})
    ended = view()
    assert ended["attributes"]["ecf_enrolments"][0]["mentor_id"] is None and moved(started, ended)


def test_left_school_marks_the_enrolment_left(svc, registered):
    _, data, view = registered
    before = view()
    send(svc, "registrations.teacher.left_school", {
        "teacher_id": data["teacher_id"], "trn": data["trn"], "participant_type": "ect",
        "period_id": data["ect_period_id"], "school_id": data["school_id"], "finished_on": date(2025, 12, 1)})
    after = view()
    assert after["attributes"]["ecf_enrolments"][0]["participant_status"] == "left" and moved(before, after)


def moved_school(data: dict, *, lead_provider_id: str) -> dict:
    return {"teacher_id": data["teacher_id"], "trn": data["trn"], "from_period_id": data["ect_period_id"],
            "from_school_id": data["school_id"], "to_period_id": str(uuid.uuid4()), "to_school_id": str(uuid.uuid4()),
            "to_school_urn": "200002", "moved_on": date(2026, 1, 5), "email": "ada@new.example",
            "working_pattern": "full_time",
            "training": {**data["training"], "training_period_id": str(uuid.uuid4()), "lead_provider_id": lead_provider_id},
            "registered_by": {"email": "new@school.example", "name": "New Head"}}


def test_moving_school_with_the_same_provider_keeps_the_enrolment_and_records_a_transfer(svc, registered):
    provider, data, view = registered
    before = view()
    send(svc, "registrations.teacher.moved_school", moved_school(data, lead_provider_id=provider.id))
    after = view()
    [item] = after["attributes"]["ecf_enrolments"]
    assert item["school_urn"] == "200002" and item["email"] == "ada@new.example" and moved(before, after)
    assert item["training_record_id"] == data["training"]["training_period_id"]  # the same enrolment
    [transfer] = provider.get(f"{PARTICIPANTS}/{data['teacher_id']}/transfers").json["data"]["attributes"]["transfers"]
    assert transfer["transfer_type"] == "new_school" and transfer["joining"]["school_urn"] == "200002"


def test_moving_to_another_provider_leaves_the_old_one_a_left_enrolment_and_both_see_the_transfer(
        svc, registered, make_provider):
    old, data, view = registered
    new = make_provider()
    send(svc, "registrations.teacher.moved_school", moved_school(data, lead_provider_id=new.id))
    assert view()["attributes"]["ecf_enrolments"][0]["participant_status"] == "left"
    [joined] = new.get(PARTICIPANTS).json["data"]
    assert joined["attributes"]["ecf_enrolments"][0]["participant_status"] == "active"
    for provider in (old, new):
        [listed] = provider.get(f"{PARTICIPANTS}/transfers").json["data"]
        assert listed["id"] == data["teacher_id"]
        assert listed["attributes"]["transfers"][0]["transfer_type"] == "new_provider"


@pytest.mark.parametrize("change, training, check", [
    ("withdrawn", {"status": "withdrawn", "reason": "moved_school"},
     lambda e: e["training_status"] == "withdrawn" and e["withdrawal"]["reason"] == "moved-school"),
    ("deferred", {"status": "deferred", "reason": "parental leave"},
     lambda e: e["training_status"] == "deferred" and e["deferral"]["reason"] == "parental-leave"),
    ("schedule_changed", {"schedule": "ecf-extended-january"},
     lambda e: e["schedule_identifier"] == "ecf-extended-january"),
    ("partnership_linked", {"delivery_partner_id": "11111111-2222-3333-4444-555555555555"},
     lambda e: e["delivery_partner_id"] == "11111111-2222-3333-4444-555555555555"),
])
def test_training_changes_show_and_move_updated_at(svc, registered, change, training, check):
    _, data, view = registered
    before = view()
    send(svc, "registrations.training.changed", training_change(data, change=change, **training))
    after = view()
    [item] = after["attributes"]["ecf_enrolments"]
    assert check(item) and moved(before, after)
    assert item["training_record_id"] == data["training"]["training_period_id"]


def test_a_change_of_lead_provider_removes_the_participant_from_the_old_providers_view(svc, registered, make_provider):
    old, data, view = registered
    new = make_provider()
    send(svc, "registrations.training.changed", training_change(data, change="lead_provider_changed",
                                                                lead_provider_id=new.id))
    assert view() is None and old.get(PARTICIPANTS).json == {"data": []}
    assert [p["id"] for p in new.get(PARTICIPANTS).json["data"]] == [data["teacher_id"]]


def test_details_changed_updates_name_and_email(svc, registered):
    _, data, view = registered
    before = view()
    send(svc, "registrations.teacher.details_changed", {
        "teacher_id": data["teacher_id"], "trn": data["trn"], "first_name": "Augusta", "last_name": "King",
        "participant_type": "ect", "period_id": data["ect_period_id"], "email": "augusta@example.com"})
    after = view()
    assert after["attributes"]["full_name"] == "Augusta King" and moved(before, after)
    assert after["attributes"]["ecf_enrolments"][0]["email"] == "augusta@example.com"


def test_induction_status_and_closed_period_give_the_induction_end_date(svc, registered):
    _, data, view = registered
    before = view()
    send(svc, "inductions.induction.status_changed", {  # ends nothing: nothing visible changes
        "induction_id": str(uuid.uuid4()), "trn": data["trn"], "old_status": "RequiredToComplete",
        "new_status": "InProgress", "start_date": date(2025, 9, 1), "completed_date": None,
        "changed_at": datetime.now(UTC), "source": "cpd"})
    assert view() == before
    send(svc, "inductions.induction.status_changed", {
        "induction_id": str(uuid.uuid4()), "trn": data["trn"], "old_status": "InProgress", "new_status": "Passed",
        "start_date": date(2025, 9, 1), "completed_date": date(2027, 7, 20),
        "changed_at": datetime.now(UTC), "source": "cpd"})
    passed = view()
    assert passed["attributes"]["ecf_enrolments"][0]["induction_end_date"] == "2027-07-20" and moved(before, passed)
    send(svc, "inductions.period.closed", {
        "period_id": str(uuid.uuid4()), "induction_id": str(uuid.uuid4()), "trn": data["trn"],
        "appropriate_body_id": str(uuid.uuid4()), "started_on": date(2025, 9, 1), "finished_on": date(2027, 7, 21),
        "number_of_terms": "6.0", "outcome": "pass"})
    closed = view()
    assert closed["attributes"]["ecf_enrolments"][0]["induction_end_date"] == "2027-07-21" and moved(passed, closed)


def test_a_school_urn_change_moves_updated_at(svc, registered):
    _, data, view = registered
    before = view()
    send(svc, "accounts.organisation.updated", organisation(organisation_id=data["school_id"], urn="100001"))
    assert view() == before  # the same URN the registration gave: nothing visible changed
    data_without_urn = {**data, "school_urn": None}
    send(svc, "registrations.ect.registered", data_without_urn)
    send(svc, "accounts.organisation.updated", organisation(organisation_id=data["school_id"], urn="100009"))
    after = view()
    assert after["attributes"]["ecf_enrolments"][0]["school_urn"] == "100009" and moved(before, after)


def test_every_consumed_event_is_in_the_event_log(svc, registered):
    rows = participant_rows(svc)
    assert len(rows) == 1
    from sqlalchemy import text

    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select type from event_log")).scalars().all() == ["registrations.ect.registered"]
