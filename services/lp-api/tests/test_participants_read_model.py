"""The participants read model: built from events, idempotent, updated only by real changes, rebuildable."""
import json
import uuid
from datetime import datetime, timedelta, UTC

from sqlalchemy import text

from lp_events import ect_registration, organisation, publish_raw, send_at


def participant_rows(svc):
    with svc.db.engine.connect() as conn:
        rows = conn.execute(text("select * from participants order by created_at, lead_provider_id")).mappings().all()
    return [{**r, "document": json.loads(r["document"])} for r in rows]


def enrolment(row) -> dict:
    [only] = row["document"]["attributes"]["ecf_enrolments"]
    return only


def test_a_provider_led_registration_becomes_a_v3_participant(svc):
    lead_provider_id, delivery_partner_id = str(uuid.uuid4()), str(uuid.uuid4())
    data = ect_registration(lead_provider_id=lead_provider_id, delivery_partner_id=delivery_partner_id,
                            cohort=2025, school_urn="123456")
    svc.send("registrations.ect.registered", data)
    svc.consume()
    [row] = participant_rows(svc)
    assert str(row["id"]) == data["teacher_id"] and str(row["lead_provider_id"]) == lead_provider_id
    assert row["cohorts"] == [2025] and row["training_statuses"] == ["active"]
    document = row["document"]
    assert document["id"] == data["teacher_id"] and document["type"] == "participant"
    attributes = document["attributes"]
    assert attributes["full_name"] == "Ada Lovelace" and attributes["teacher_reference_number"] == "1234567"
    assert attributes["participant_id_changes"] == []
    item = enrolment(row)
    assert item["training_record_id"] == data["training"]["training_period_id"]
    assert item["school_urn"] == "123456" and item["cohort"] == "2025" and item["participant_type"] == "ect"
    assert item["delivery_partner_id"] == delivery_partner_id
    assert item["schedule_identifier"] == "ecf-standard-september"
    assert item["registered_by"] == {"name": "Grace Head", "email": "head@school.example"}


def test_the_same_registration_again_changes_nothing(svc):
    data = ect_registration(lead_provider_id=str(uuid.uuid4()))
    body = svc.send("registrations.ect.registered", data)
    svc.consume()
    [before] = participant_rows(svc)

    publish_raw(svc, body)  # the same event redelivered: the inbox drops it
    svc.send("registrations.ect.registered", data)  # the same facts in a new, later event
    svc.consume()
    [after] = participant_rows(svc)
    assert after["updated_at"] == before["updated_at"] and after["document"] == before["document"]


def test_updated_at_is_when_lp_api_changed_the_row_not_when_the_event_happened(svc):
    """A lagging consumer applies an old event now: a client polling updated_since must still see it."""
    data = ect_registration(lead_provider_id=str(uuid.uuid4()))
    send_at(svc, "registrations.ect.registered", data, datetime.now(UTC) - timedelta(hours=2))
    [first] = participant_rows(svc)

    lagging = {**data, "email": "ada.l@example.com"}
    before_apply = datetime.now(UTC) - timedelta(milliseconds=5)
    send_at(svc, "registrations.ect.registered", lagging, datetime.now(UTC) - timedelta(hours=1))
    [changed] = participant_rows(svc)
    assert enrolment(changed)["email"] == "ada.l@example.com"
    assert changed["updated_at"] > first["updated_at"] and changed["updated_at"] >= before_apply
    assert changed["document"]["attributes"]["updated_at"].startswith(changed["updated_at"].strftime("%Y-%m-%dT%H:%M:%S"))

    older = {**data, "email": "stale@example.com"}
    send_at(svc, "registrations.ect.registered", older, datetime.now(UTC) - timedelta(days=1))
    [unchanged] = participant_rows(svc)
    assert unchanged["document"] == changed["document"] and unchanged["updated_at"] == changed["updated_at"]


def test_school_led_ects_belong_to_no_lead_provider(svc):
    svc.send("registrations.ect.registered", ect_registration(lead_provider_id=None, programme="school_led"))
    svc.consume()
    assert participant_rows(svc) == []


def test_an_expression_of_interest_is_not_a_v3_participant_until_the_partnership_links_it(svc):
    """v3 participants always carry their delivery partner (a required uuid), so a lead provider sees a teacher once
    their training is through its partnership, not while the school has only expressed interest."""
    from lp_events import training_change

    registration = ect_registration(lead_provider_id=str(uuid.uuid4()))
    registration["training"]["delivery_partner_id"] = None
    svc.send("registrations.ect.registered", registration)
    svc.consume()
    assert participant_rows(svc) == []

    partner = str(uuid.uuid4())
    linked = training_change(registration, change="partnership_linked", delivery_partner_id=partner)
    linked["training"]["training_period_id"] = registration["training"]["training_period_id"]
    svc.send("registrations.training.changed", linked)
    svc.consume()
    [row] = participant_rows(svc)
    assert enrolment(row)["delivery_partner_id"] == partner and str(row["id"]) == registration["teacher_id"]


def test_a_missing_urn_is_taken_from_the_school_organisation_when_it_arrives(svc):
    school_id = str(uuid.uuid4())
    svc.send("registrations.ect.registered",
             ect_registration(lead_provider_id=str(uuid.uuid4()), school_id=school_id, school_urn=None))
    svc.consume()
    assert participant_rows(svc) == []  # v3 requires the school's URN: not listed until it is known

    svc.send("accounts.organisation.created", organisation(organisation_id=school_id, urn="654321"))
    svc.consume()
    [after] = participant_rows(svc)
    assert enrolment(after)["school_urn"] == "654321"

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
        handled = conn.execute(text("select count(*) from inbox")).scalar()
        logged = conn.execute(text("select type from event_log order by id")).scalars().all()
    assert org["status"] == "closed" and org["urn"] == "111111" and org["type"] == "school"
    assert contacts["induction_tutors"] == [{"name": "Tess Tutor", "email": "tutor@school.example"}]
    assert handled == 3 and len(logged) == 3 and "accounts.school_contacts.changed" in logged


def test_rebuild_replays_the_event_log_to_the_same_documents_and_timestamps(svc, capsys):
    from lp_api.definition import DEFINITION

    school_id = str(uuid.uuid4())
    svc.send("accounts.organisation.created", organisation(organisation_id=school_id, urn="222222"))
    for _ in range(3):
        svc.send("registrations.ect.registered",
                 ect_registration(lead_provider_id=str(uuid.uuid4()), school_id=school_id, school_urn=None))
    svc.consume()
    before = participant_rows(svc)
    assert DEFINITION.commands["rebuild-read-models"](svc.settings, []) == 0
    assert "from 4 events" in capsys.readouterr().err
    after = participant_rows(svc)
    assert [(r["id"], r["updated_at"], r["document"]) for r in after] == \
           [(r["id"], r["updated_at"], r["document"]) for r in before]
    assert all(enrolment(r)["school_urn"] == "222222" for r in after)
