"""PUT withdraw / defer / resume / change-schedule: v3's rules, an event for registrations, the updated answer."""
import uuid

import pytest
from sqlalchemy import text

from lp_events import ect_registration
from v3_schema import assert_valid

PARTICIPANTS = "/api/v3/participants/ecf"


def body(kind: str, **attributes) -> dict:
    return {"data": {"type": f"participant-{kind}", "attributes": {"course_identifier": "ecf-induction", **attributes}}}


@pytest.fixture
def participant(svc, make_provider):
    provider = make_provider()
    data = ect_registration(lead_provider_id=provider.id)
    svc.send("registrations.ect.registered", data)
    svc.consume()
    return provider, data["teacher_id"]


def test_withdraw_answers_the_updated_participant_publishes_and_audits(svc, participant):
    provider, teacher_id = participant
    response = provider.put(f"{PARTICIPANTS}/{teacher_id}/withdraw", body("withdraw", reason="left-teaching-profession"))
    assert response.status_code == 200, response.json
    assert_valid(response.json, "ECFParticipantResponse")
    [item] = response.json["data"]["attributes"]["ecf_enrolments"]
    assert item["training_status"] == "withdrawn" and item["withdrawal"]["reason"] == "left-teaching-profession"
    assert provider.get(f"{PARTICIPANTS}/{teacher_id}").json == response.json  # later reads agree
    [event] = svc.outbox_events("lp-api.participant.action_requested")
    assert event["data"]["action"] == "withdraw" and event["data"]["participant_id"] == teacher_id
    assert event["actor"]["type"] == "lead_provider" and event["actor"]["organisation_id"] == provider.id
    with svc.db.engine.connect() as conn:
        [audit] = conn.execute(text("select * from api_audit")).mappings().all()
    assert audit["action"] == "participant_withdraw" and str(audit["token_id"]) == provider.token_id

    again = provider.put(f"{PARTICIPANTS}/{teacher_id}/withdraw", body("withdraw", reason="other"))
    assert again.status_code == 422 and again.json["errors"][0]["detail"] == "The participant is already withdrawn"


def test_defer_then_resume_then_resuming_an_active_participant_is_a_422(participant):
    provider, teacher_id = participant
    deferred = provider.put(f"{PARTICIPANTS}/{teacher_id}/defer", body("defer", reason="career-break"))
    assert deferred.json["data"]["attributes"]["ecf_enrolments"][0]["deferral"]["reason"] == "career-break"
    resumed = provider.put(f"{PARTICIPANTS}/{teacher_id}/resume", body("resume"))
    [item] = resumed.json["data"]["attributes"]["ecf_enrolments"]
    assert item["training_status"] == "active" and item["deferral"] is None
    again = provider.put(f"{PARTICIPANTS}/{teacher_id}/resume", body("resume"))
    assert again.status_code == 422
    assert again.json == {"errors": [{"title": "participant_id", "detail": "The participant is already active"}]}


def test_change_schedule(participant):
    provider, teacher_id = participant
    path = f"{PARTICIPANTS}/{teacher_id}/change-schedule"
    changed = provider.put(path, body("change-schedule", schedule_identifier="ecf-extended-april", cohort="2025"))
    assert changed.json["data"]["attributes"]["ecf_enrolments"][0]["schedule_identifier"] == "ecf-extended-april"
    assert provider.put(path, body("change-schedule", schedule_identifier="ecf-whenever")).status_code == 422
    cohort = provider.put(path, body("change-schedule", schedule_identifier="ecf-standard-april", cohort="2024"))
    assert cohort.status_code == 422 and cohort.json["errors"][0]["title"] == "cohort"


@pytest.mark.parametrize("payload, status, title", [
    (None, 400, "Bad parameter"), ({"data": []}, 400, "Bad parameter"),
    ({"data": {"type": "participant-defer", "attributes": {"reason": "other", "course_identifier": "ecf-induction"}}},
     400, "Bad parameter"),
    (body("withdraw", reason="bored"), 422, "reason"),
    (body("withdraw", reason="other", course_identifier="ecf-mentor"), 422, "course_identifier"),
    (body("withdraw", reason="other", course_identifier="npq-leading"), 422, "course_identifier"),
])
def test_bad_bodies_change_nothing(svc, participant, payload, status, title):
    provider, teacher_id = participant
    before = provider.get(f"{PARTICIPANTS}/{teacher_id}").json
    response = provider.put(f"{PARTICIPANTS}/{teacher_id}/withdraw", payload)
    assert response.status_code == status and response.json["errors"][0]["title"] == title
    assert provider.get(f"{PARTICIPANTS}/{teacher_id}").json == before and svc.outbox_events() == []


def test_another_providers_participant_is_a_404(svc, participant, make_provider):
    _, teacher_id = participant
    other = make_provider()
    for target in (teacher_id, str(uuid.uuid4()), "nope"):
        response = other.put(f"{PARTICIPANTS}/{target}/withdraw", body("withdraw", reason="other"))
        assert response.status_code == 404
    assert svc.outbox_events() == []


def test_registrations_applying_the_request_changes_nothing_more(svc, participant):
    provider, teacher_id = participant
    answer = provider.put(f"{PARTICIPANTS}/{teacher_id}/withdraw", body("withdraw", reason="other")).json
    with svc.db.engine.connect() as conn:
        registration = conn.execute(text("select data from event_log where type = 'registrations.ect.registered'")).scalar()
    from lp_events import training_change

    change = training_change(registration, change="withdrawn", status="withdrawn", reason="other")
    change["training"]["training_period_id"] = registration["training"]["training_period_id"]
    svc.send("registrations.training.changed", change)
    svc.consume()
    assert provider.get(f"{PARTICIPANTS}/{teacher_id}").json == answer


def test_the_echo_of_an_earlier_request_does_not_undo_a_later_one(svc, participant):
    """Defer, then resume; registrations' echo of the defer arrives after the resume: the lead provider keeps
    seeing the participant active (the echo is ordered by when the defer was asked for)."""
    from lp_events import training_change

    provider, teacher_id = participant
    provider.put(f"{PARTICIPANTS}/{teacher_id}/defer", body("defer", reason="career-break"))
    [deferral] = svc.outbox_events("lp-api.participant.action_requested")
    resumed = provider.put(f"{PARTICIPANTS}/{teacher_id}/resume", body("resume")).json
    with svc.db.engine.connect() as conn:
        registration = conn.execute(text("select data from event_log where type = 'registrations.ect.registered'")).scalar()
    echo = training_change(registration, change="deferred", status="deferred", reason="career-break")
    echo["training"]["training_period_id"] = registration["training"]["training_period_id"]
    echo["requested_at"] = deferral["occurred_at"]
    svc.send("registrations.training.changed", echo)
    svc.consume()
    assert provider.get(f"{PARTICIPANTS}/{teacher_id}").json == resumed

    # Without requested_at (a change the school made), the later event is applied as before.
    del echo["requested_at"]
    svc.send("registrations.training.changed", echo)
    svc.consume()
    [item] = provider.get(f"{PARTICIPANTS}/{teacher_id}").json["data"]["attributes"]["ecf_enrolments"]
    assert item["training_status"] == "deferred"
