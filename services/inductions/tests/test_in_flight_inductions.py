"""Every ECT registration opens an in-flight induction record, once."""
import uuid
from datetime import date, datetime, UTC


def registered(trn="1234567"):
    return {
        "ect_period_id": str(uuid.uuid4()), "teacher_id": str(uuid.uuid4()), "trn": trn,
        "first_name": "Ada", "last_name": "Lovelace", "school_id": str(uuid.uuid4()), "school_urn": "100001",
        "started_on": date(2026, 9, 1), "email": "ada@example.com", "working_pattern": "full_time",
        "training": {"training_period_id": str(uuid.uuid4()), "programme": "school_led", "cohort": 2026,
                     "started_on": date(2026, 9, 1)},
        "registered_by": {"user_id": "u1", "email": "head@school.example", "name": "Head"},
        "registered_at": datetime.now(UTC),
    }


def test_registration_opens_induction_and_announces_required_to_complete(svc, token_issuer):
    svc.send("registrations.ect.registered", registered("1234567"))
    svc.consume()
    [event] = svc.outbox_events("inductions.induction.status_changed")
    assert event["data"]["trn"] == "1234567"
    assert event["data"]["old_status"] is None and event["data"]["new_status"] == "RequiredToComplete"
    assert event["data"]["source"] == "cpd"
    staff = token_issuer.issue(staff_role="admin")
    response = svc.client.get("/teachers/1234567/induction", headers={"Authorization": f"Bearer {staff}"})
    assert response.status_code == 200
    assert response.json["status"] == "RequiredToComplete"


def test_a_second_registration_of_the_same_teacher_does_not_open_another(svc):
    svc.send("registrations.ect.registered", registered("7654321"))
    svc.send("registrations.ect.registered", registered("7654321"))
    svc.consume()
    assert len(svc.outbox_events("inductions.induction.status_changed")) == 1


def test_induction_reads_need_a_token_and_staff(svc, token_issuer):
    assert svc.client.get("/teachers/1234567/induction").status_code == 401
    school_user = token_issuer.school_user(str(uuid.uuid4()))
    response = svc.client.get("/teachers/1234567/induction", headers={"Authorization": f"Bearer {school_user}"})
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_health_ready_and_openapi_are_public(svc):
    assert svc.client.get("/health").status_code == 200
    ready = svc.client.get("/ready")
    assert ready.status_code == 200, ready.json
    spec = svc.client.get("/openapi.json")
    assert spec.status_code == 200 and "/teachers/{trn}/induction" in spec.json["paths"]
