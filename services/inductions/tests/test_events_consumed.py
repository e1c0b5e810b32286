"""Events inductions consumes: TRS console changes from trs-sync, and teachers' changes from registrations."""
import uuid
from datetime import datetime, UTC

from conftest import TODAY

from test_claims import CLAIM
from test_in_flight_inductions import registered


def changed_in_trs(trs_status, classification="permitted", cpd_status="InProgress"):
    return {"trn": "1234567", "cpd": {"status": cpd_status, "start_date": "2026-09-01"},
            "trs": {"status": trs_status, "start_date": "2026-09-01"}, "classification": classification,
            "rule": "exempt_in_progress" if classification == "permitted" else "not_permitted",
            "detected_at": datetime.now(UTC)}


def _claimed(ab, fake_trs_sync):
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201


def test_permitted_console_exemption_closes_the_cpd_record(svc, fake_trs_sync, ab, admin, consume):
    _claimed(ab, fake_trs_sync)
    svc.send("trs-sync.induction.changed_in_trs", changed_in_trs("Exempt"))
    consume()
    record = admin.get("/teachers/1234567/induction").json
    assert record["status"] == "Exempt" and record["exemption"]["source"] == "trs"
    assert record["periods"][0]["finished_on"] == str(TODAY)
    last = svc.outbox_events("inductions.induction.status_changed")[-1]
    assert (last["data"]["new_status"], last["data"]["source"], last["actor"]["type"]) == ("Exempt", "trs", "trs_console")
    assert admin.get("/manual-handling").json == []


def test_any_other_console_change_goes_to_manual_review_with_both_versions(svc, fake_trs_sync, ab, admin, consume):
    _claimed(ab, fake_trs_sync)
    svc.send("trs-sync.induction.changed_in_trs", changed_in_trs("Passed", classification="manual_review"))
    svc.send("trs-sync.induction.changed_in_trs", {**changed_in_trs("Exempt"), "trn": "7777777"})  # no CPD record
    consume()
    assert admin.get("/teachers/1234567/induction").json["status"] == "InProgress"
    items = admin.get("/manual-handling").json
    assert [(i["trn"], i["kind"]) for i in items] == [("1234567", "trs_console_change"), ("7777777", "trs_console_change")]
    assert items[0]["details"]["trs"]["status"] == "Passed" and items[0]["details"]["cpd"]["status"] == "InProgress"
    assert items[1]["details"]["cpd"] is None
    assert len(svc.outbox_events("inductions.induction.status_changed")) == 1


def test_details_changed_updates_names_and_moves_change_no_status(svc, admin, consume):
    svc.send("registrations.ect.registered", registered("1234567"))
    consume()
    teacher = {"teacher_id": str(uuid.uuid4()), "trn": "1234567"}
    svc.send("registrations.teacher.details_changed", {**teacher, "first_name": "Augusta", "last_name": "King"})
    svc.send("registrations.teacher.left_school", {**teacher, "participant_type": "ect", "period_id": str(uuid.uuid4()),
                                                   "school_id": str(uuid.uuid4()), "finished_on": "2026-10-01"})
    consume()
    record = admin.get("/teachers/1234567/induction").json
    assert (record["first_name"], record["last_name"], record["status"]) == ("Augusta", "King", "RequiredToComplete")
    assert len(svc.outbox_events("inductions.induction.status_changed")) == 1
