"""The registration wizard checks a teacher before asking the remaining questions: the refusals registering would
give, writing nothing."""
import pytest
from sqlalchemy import text

from conftest import AB, INDEPENDENT_SCHOOL, OTHER_SCHOOL, SCHOOL, auth, ect_body, mentor_body, staff_acting_for
from test_mentors import register_ect, register_mentor

DOB = "1995-04-01"


def check(svc, token, trn, path="/ects/check", **kw):
    return svc.client.post(path, json={"trn": trn, "date_of_birth": DOB, **kw}, headers=auth(token))


def written(svc) -> dict:
    with svc.db.engine.connect() as conn:
        return {table: conn.execute(text(f"select count(*) from {table}")).scalar()
                for table in ("teachers", "ect_at_school_periods", "mentor_at_school_periods", "audit_entries", "outbox")}


def test_an_eligible_ect_is_answered_with_their_trs_record(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567", first="Ada", last="Lovelace")
    fake_trs_sync.add("4000001", qts=None)
    fake_trs_sync.add("4000002", current_trn="4999999")
    token = token_issuer.school_user(SCHOOL)
    before = written(svc)
    answer = check(svc, token, "1234567")
    assert answer.status_code == 200, answer.json
    assert answer.json == {"trn": "1234567", "first_name": "Ada", "last_name": "Lovelace", "date_of_birth": DOB,
                           "qts_awarded_on": "2025-07-20", "induction_status": "RequiredToComplete", "warnings": [],
                           "registered_elsewhere": None}
    no_qts = check(svc, token, "4000001").json
    assert no_qts["qts_awarded_on"] is None and "QTS" in no_qts["warnings"][0]
    assert check(svc, token, "4000002").json["trn"] == "4999999"  # a merged TRN is followed
    assert written(svc) == before


REFUSED = [("not_in_trs", {}, 422, "teacher_not_found"), ("deactivated", {}, 422, "teacher_deactivated"),
           ("3000002", {"status": "Passed"}, 422, "induction_already_completed"),
           ("3000003", {"status": "Failed"}, 422, "induction_already_completed"),
           ("3000004", {"status": "Exempt"}, 422, "induction_already_completed"),
           ("3000005", {"prohibited": True}, 422, "prohibited_from_teaching")]


@pytest.mark.parametrize("case, teacher, status, code", REFUSED, ids=[c[3] + "-" + c[0] for c in REFUSED])
def test_the_check_refuses_as_registering_does(svc, fake_trs_sync, token_issuer, case, teacher, status, code):
    trn = {"not_in_trs": "3000000", "deactivated": "3000001"}.get(case, case)
    if case == "deactivated":
        fake_trs_sync.deactivated.add(trn)
    elif case != "not_in_trs":
        fake_trs_sync.add(trn, **teacher)
    token = token_issuer.school_user(SCHOOL)
    checked = check(svc, token, trn)
    registering = svc.client.post("/ects", json=ect_body(trn=trn), headers=auth(token))
    assert (checked.status_code, checked.json["code"]) == (registering.status_code, registering.json["code"]) == (
        status, code)
    assert checked.json["fields"] == registering.json["fields"]


def test_already_registered_here_or_elsewhere_and_a_confirmed_move(svc, fake_trs_sync, token_issuer):
    here, there = token_issuer.school_user(SCHOOL), token_issuer.school_user(OTHER_SCHOOL)
    register_ect(svc, fake_trs_sync, there, trn="5000001", started_on="2026-09-01")
    again = check(svc, there, "5000001")
    assert again.status_code == 409 and again.json["code"] == "already_registered_here"
    before = written(svc)
    elsewhere = check(svc, here, "5000001")
    assert elsewhere.status_code == 409 and elsewhere.json["code"] == "registered_elsewhere"
    assert elsewhere.json["details"] == {"registered_elsewhere": {"school_name": "Riverside Academy",
                                                                  "started_on": "2026-09-01"}}
    registering = svc.client.post("/ects", json=ect_body(trn="5000001"), headers=auth(here))
    assert (registering.status_code, registering.json["code"], registering.json["details"]) == (
        409, "registered_elsewhere", elsewhere.json["details"])
    moving = check(svc, here, "5000001", moving_from_another_school=True)
    assert moving.status_code == 200, moving.json
    assert moving.json["registered_elsewhere"] == {"school_name": "Riverside Academy", "started_on": "2026-09-01"}
    assert check(svc, there, "5000001", moving_from_another_school=True).json["code"] == "already_registered_here"
    assert written(svc) == before


def test_trs_being_down_is_a_503_and_bad_input_a_422(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    fake_trs_sync.down = True
    down = check(svc, token, "1234567")
    assert down.status_code == 503 and down.json["code"] == "trs_unavailable"
    bad = svc.client.post("/ects/check", json={"trn": "12", "date_of_birth": "yesterday"}, headers=auth(token))
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"trn", "date_of_birth"}


def test_the_check_is_authorised_as_registering_is(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    hat = token_issuer.school_user(SCHOOL)
    assert check(svc, hat, "1234567", school_id=SCHOOL).status_code == 200
    other = check(svc, hat, "1234567", school_id=OTHER_SCHOOL)
    assert other.status_code == 403 and other.json["code"] == "not_acting_organisation"
    blended = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": s, "organisation_type": "school", "role": "end_user"} for s in (SCHOOL, INDEPENDENT_SCHOOL)])
    unnamed = check(svc, blended, "1234567")
    assert unnamed.status_code == 422 and "school_id" in unnamed.json["fields"]
    assert check(svc, blended, "1234567", school_id=INDEPENDENT_SCHOOL).status_code == 200
    assert check(svc, blended, "1234567", school_id=OTHER_SCHOOL).json["code"] == "not_your_organisation"
    read_only = token_issuer.issue(staff_role="read_only")
    assert check(svc, read_only, "1234567", school_id=SCHOOL).json["code"] == "staff_role_forbids"
    assert check(svc, staff_acting_for(token_issuer, SCHOOL), "1234567").status_code == 200
    ab_user = token_issuer.issue(memberships=[{"organisation_id": AB, "organisation_type": "appropriate_body",
                                               "role": "approver"}], acting_organisation_id=AB)
    assert check(svc, ab_user, "1234567", school_id=SCHOOL).status_code == 403
    for path in ("/ects/check", "/mentors/check"):
        assert check(svc, None, "1234567", path=path).status_code == 401


def test_mentor_check(svc, fake_trs_sync, token_issuer):
    here, there = token_issuer.school_user(SCHOOL), token_issuer.school_user(OTHER_SCHOOL)
    register_mentor(svc, fake_trs_sync, there)  # Max Mentor, 8000001: may mentor at another school too
    before = written(svc)
    answer = check(svc, here, "8000001", path="/mentors/check")
    assert answer.status_code == 200, answer.json
    assert answer.json == {"trn": "8000001", "first_name": "Max", "last_name": "Mentor", "date_of_birth": DOB,
                           "qts_awarded_on": "2025-07-20", "induction_status": "RequiredToComplete", "warnings": [],
                           "registered_elsewhere": None}
    already = check(svc, there, "8000001", path="/mentors/check")
    assert already.status_code == 409 and already.json["code"] == "already_mentoring_here"
    fake_trs_sync.add("8000003", prohibited=True)
    assert check(svc, here, "8000003", path="/mentors/check").json["code"] == "prohibited_from_teaching"
    unknown = check(svc, here, "8000009", path="/mentors/check")
    assert (unknown.status_code, unknown.json["code"]) == (422, "teacher_not_found")
    registering = svc.client.post("/mentors", json=mentor_body(trn="8000001"), headers=auth(there))
    assert registering.json["code"] == already.json["code"]
    assert check(svc, here, "8000001", path="/mentors/check", school_id=OTHER_SCHOOL).status_code == 403
    assert written(svc) == before
