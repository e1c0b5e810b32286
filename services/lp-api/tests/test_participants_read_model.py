"""The participants read model: built from events, idempotent, updated only by real changes."""
import copy
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from lp_events import ect_registration, organisation, publish_raw


def participant_rows(svc):
    with svc.db.engine.connect() as conn:
        return conn.execute(text("select * from participants order by created_at")).mappings().all()


def test_a_provider_led_registration_becomes_a_v3_participant(svc):
    lead_provider_id, delivery_partner_id = str(uuid.uuid4()), str(uuid.uuid4())
    data = ect_registration(lead_provider_id=lead_provider_id, delivery_partner_id=delivery_partner_id,
                            cohort=2025, school_urn="123456")
    svc.send("registrations.ect.registered", data)
    svc.consume()
    [row] = participant_rows(svc)
    assert str(row["id"]) == data["teacher_id"] and str(row["lead_provider_id"]) == lead_provider_id
    assert row["cohort"] == 2025 and row["training_status"] == "active" and str(row["school_id"]) == data["school_id"]
    document = row["document"]
    assert document["id"] == data["teacher_id"] and document["type"] == "participant"
    attributes = document["attributes"]
    assert attributes["full_name"] == "Ada Lovelace" and attributes["teacher_reference_number"] == "1234567"
    assert attributes["participant_id_changes"] == []
    [enrolment] = attributes["ecf_enrolments"]
    assert enrolment["training_record_id"] == data["training"]["training_period_id"]
    assert enrolment["school_urn"] == "123456" and enrolment["cohort"] == "2025"
    assert enrolment["delivery_partner_id"] == delivery_partner_id
    assert enrolment["schedule_identifier"] == "ecf-standard-september"
    assert enrolment["registered_by"] == {"name": "Grace Head", "email": "head@school.example"}


def test_the_same_registration_again_changes_nothing(svc):
    data = ect_registration(lead_provider_id=str(uuid.uuid4()))
    body = svc.send("registrations.ect.registered", data)
    svc.consume()
    [before] = participant_rows(svc)

    publish_raw(svc, body)  # the same event redelivered: the inbox drops it
    svc.send("registrations.ect.registered", data)  # the same facts in a new, later event
    svc.consume()
    [after] = participant_rows(svc)
    assert after["updated_at"] == before["updated_at"]
    assert after["document"] == before["document"]


def test_a_later_change_moves_updated_at_forward_and_a_late_older_event_is_ignored(svc):
    data = ect_registration(lead_provider_id=str(uuid.uuid4()))
    body = svc.send("registrations.ect.registered", data)
    svc.consume()
    [first] = participant_rows(svc)

    later = copy.deepcopy(body)
    later.update(event_id=str(uuid.uuid4()),
                 occurred_at=(datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat())
    later["data"]["email"] = "ada.l@example.com"
    publish_raw(svc, later)
    svc.consume()
    [changed] = participant_rows(svc)
    assert changed["updated_at"] > first["updated_at"]
    assert changed["document"]["attributes"]["ecf_enrolments"][0]["email"] == "ada.l@example.com"

    older = copy.deepcopy(body)
    older.update(event_id=str(uuid.uuid4()),
                 occurred_at=(datetime.now(timezone.utc) - timedelta(days=1)).isoformat())
    older["data"]["email"] = "stale@example.com"
    publish_raw(svc, older)
    svc.consume()
    [unchanged] = participant_rows(svc)
    assert unchanged["document"] == changed["document"] and unchanged["updated_at"] == changed["updated_at"]


def test_school_led_ects_are_kept_but_belong_to_no_lead_provider(svc):
    svc.send("registrations.ect.registered", ect_registration(lead_provider_id=None, programme="school_led"))
    svc.consume()
    [row] = participant_rows(svc)
    assert row["lead_provider_id"] is None


def test_a_missing_urn_is_taken_from_the_school_organisation_when_it_arrives(svc):
    school_id = str(uuid.uuid4())
    svc.send("registrations.ect.registered",
             ect_registration(lead_provider_id=str(uuid.uuid4()), school_id=school_id, school_urn=None))
    svc.consume()
    [before] = participant_rows(svc)
    assert before["document"]["attributes"]["ecf_enrolments"][0]["school_urn"] is None

    svc.send("accounts.organisation.created", organisation(organisation_id=school_id, urn="654321"))
    svc.consume()
    [after] = participant_rows(svc)
    assert after["document"]["attributes"]["ecf_enrolments"][0]["school_urn"] == "654321"
    assert after["updated_at"] > before["updated_at"]

    svc.send("accounts.organisation.updated", organisation(organisation_id=school_id, urn="654321", name="Renamed"))
    svc.consume()
    [same] = participant_rows(svc)
    assert same["updated_at"] == after["updated_at"]  # nothing a lead provider sees changed


def test_organisations_and_school_contacts_are_upserted_latest_first(svc):
    school_id = str(uuid.uuid4())
    svc.send("accounts.organisation.created", organisation(organisation_id=school_id, urn="111111"))
    svc.send("accounts.organisation.closed", organisation(organisation_id=school_id, urn="111111", status="closed"))
    svc.send("accounts.school_contacts.changed", {
        "organisation_id": school_id, "contact_email": "office@school.example",
        "induction_tutors": [{"name": "Tess Tutor", "email": "tutor@school.example"}]})
    svc.consume()
    with svc.db.engine.connect() as conn:
        [org] = conn.execute(text("select * from organisations")).mappings().all()
        [contacts] = conn.execute(text("select * from school_contacts")).mappings().all()
        dead = conn.execute(text("select count(*) from inbox")).scalar()
    assert org["status"] == "closed" and org["urn"] == "111111" and org["type"] == "school"
    assert contacts["induction_tutors"] == [{"name": "Tess Tutor", "email": "tutor@school.example"}]
    assert dead == 3
