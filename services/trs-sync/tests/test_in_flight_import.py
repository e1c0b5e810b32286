"""What the in-flight import needs of trs-sync: many teachers found in TRS 500 at a time, and no PUT for an imported
induction TRS already holds."""
import uuid
from datetime import date, datetime, UTC

from sqlalchemy import text

EVENT = "inductions.induction.status_changed"
AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
IMPORT = {"type": "system", "name": "In-flight import"}


def find(svc, headers, teachers):
    return svc.client.post("/teachers/find", headers=headers, json={"teachers": teachers})


def test_staff_find_many_teachers_500_at_a_time(svc, trs_standin, staff_headers):
    for n in range(1, 1203):
        trs_standin.seed(f"{n:07d}", inductionStatus="InProgress", inductionStartDate="2024-09-01")
    wanted = [{"trn": f"{n:07d}", "date_of_birth": "1990-05-17"} for n in range(1, 1206)]
    wanted[0]["date_of_birth"] = "1990-05-18"  # TRS knows the TRN, not with this date of birth
    response = find(svc, staff_headers, wanted)
    assert response.status_code == 200, response.json
    assert response.json["trs_requests"] == 3
    assert sorted(response.json["not_found"]) == ["0000001", "0001203", "0001204", "0001205"]
    teachers = {t["trn"]: t for t in response.json["teachers"]}
    assert len(teachers) == 1201
    assert teachers["0000002"] == {
        "trn": "0000002", "first_name": "Ada", "middle_name": "", "last_name": "Lovelace",
        "date_of_birth": "1990-05-17", "qts_awarded_on": "2023-07-01",
        "induction": {"status": "InProgress", "start_date": "2024-09-01", "completed_date": None},
        "prohibited_from_teaching": False, "merged_from": None}
    finds = trs_standin.received("find")
    assert [len(f["body"]["persons"]) for f in finds] == [500, 500, 205]
    with svc.db.engine.connect() as conn:  # drift detection can ask TRS about them once CPD sends something
        remembered = conn.execute(text("select count(*) from watched_teachers where date_of_birth is not null")).scalar()
    assert remembered == 1201


def test_finding_many_is_for_staff_and_checks_its_input(svc, user_headers, staff_headers):
    assert find(svc, user_headers, [{"trn": "1234567", "date_of_birth": "1990-05-17"}]).status_code == 403
    bad = find(svc, staff_headers, [{"trn": "12345", "date_of_birth": "17/05/1990"}])
    assert bad.status_code == 422
    assert find(svc, staff_headers, []).status_code == 422


def test_finding_many_counts_in_the_shared_rate_limit(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    assert find(svc, staff_headers, [{"trn": "1234567", "date_of_birth": "1990-05-17"}]).status_code == 200
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select coalesce(sum(used), 0) from trs_rate_windows")).scalar() == 1


def imported(status, start, completed=None, held=None, trn="1234567"):
    return {"induction_id": str(uuid.uuid4()), "trn": trn, "old_status": None, "new_status": status,
            "start_date": start, "completed_date": completed, "changed_at": AT, "source": "cpd",
            "reason": "Imported from the legacy service", "imported": True, "trs_induction": held}


def test_an_imported_induction_trs_already_holds_is_not_sent(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567", inductionStatus="InProgress", inductionStartDate="2024-09-01")
    svc.send(EVENT, imported("InProgress", date(2024, 9, 1),
                             held={"status": "InProgress", "start_date": date(2024, 9, 1), "completed_date": None}),
             actor=IMPORT)
    svc.consume()
    assert trs_standin.received("put") == []
    [entry] = svc.client.get("/sync-log?trn=1234567", headers=staff_headers).json
    assert entry["outcome"] == "already_in_trs" and entry["request_body"] is None
    with svc.db.engine.connect() as conn:  # watched for drift from now on
        watched = conn.execute(text("select cpd_status, watch_until from watched_teachers where trn = '1234567'")).one()
    assert watched.cpd_status == "InProgress" and watched.watch_until is not None


def test_an_imported_induction_trs_holds_otherwise_is_sent_as_an_appropriate_body_change(svc, trs_standin):
    trs_standin.seed("1234567", inductionStatus="InProgress", inductionStartDate="2024-09-01")
    svc.send(EVENT, imported("Passed", date(2024, 9, 1), date(2026, 7, 20),
                             held={"status": "InProgress", "start_date": date(2024, 9, 1), "completed_date": None}),
             actor=IMPORT)
    svc.consume()
    [put] = trs_standin.received("put")
    assert put["status"] == 204
    assert put["body"]["status"] == "Passed" and put["body"]["completedDate"] == "2026-07-20"
