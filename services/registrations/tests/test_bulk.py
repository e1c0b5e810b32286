"""Bulk CSV registration: every row checked first (TRS included), errors by line, all or nothing."""
import io

from conftest import AB, LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, ect_body, mentor_body, staff_acting_for
from test_mentors import register_ect, register_mentor

HEADER = "trn,date_of_birth,started_on,email,working_pattern,appropriate_body_id,training_programme,lead_provider_id,cohort\n"


def row(trn, dob="1995-04-01", programme="provider_led", lead_provider=LEAD_PROVIDER, email=None, started_on="2026-09-01"):
    return (f"{trn},{dob},{started_on},{email or f'ect{trn}@school.example'},full_time,{AB},{programme},{lead_provider},"
            "2026\n")


def post_csv(svc, token, text, query=""):
    return svc.client.post(f"/ects/bulk{query}", data=text.encode(), headers={**auth(token), "Content-Type": "text/csv"})


def test_a_school_registers_ects_from_a_csv(svc, fake_trs_sync, token_issuer):
    for trn in ("1000001", "1000002"):
        fake_trs_sync.add(trn)
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    response = post_csv(svc, token, HEADER + row("1000001") + row("1000002", programme="school_led", lead_provider=""))
    assert response.status_code == 201, response.json
    assert [e["trn"] for e in response.json] == ["1000001", "1000002"]
    events = svc.outbox_events("registrations.ect.registered")
    assert [e["data"]["registered_by"]["email"] for e in events] == ["bob@oakfield.example"] * 2


def test_any_bad_row_is_reported_by_line_and_nothing_is_written(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1000001")
    fake_trs_sync.add("1000003", status="Passed")
    token = token_issuer.school_user(SCHOOL)
    text = (HEADER + row("1000001") + row("1000002") + row("1000003") + row("12", email="nope") + row("1000001"))
    response = post_csv(svc, token, text)
    assert response.status_code == 422 and response.json["code"] == "rows_invalid"
    errors = {e["line"]: e for e in response.json["details"]["rows"]}
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3]["code"] == "teacher_not_found"
    assert errors[4]["code"] == "induction_already_completed"
    assert set(errors[5]["fields"]) == {"trn", "email"}
    assert errors[6]["code"] == "duplicate_row" and "line 2" in errors[6]["message"]
    assert svc.outbox_events() == []
    assert svc.client.get("/ects", headers=auth(token)).json == []


def test_the_row_limit_is_stated_and_the_header_checked(svc, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    too_many = post_csv(svc, token, HEADER + "".join(row(f"{1000000 + i}") for i in range(1001)))
    assert too_many.status_code == 422 and "1,000" in too_many.json["message"]
    bad_header = post_csv(svc, token, "trn,email\n1234567,a@b.example\n")
    assert bad_header.status_code == 422 and bad_header.json["code"] == "bad_header"
    not_utf8 = svc.client.post("/ects/bulk", data=HEADER.encode() + b"\xff\xfe\n", headers={**auth(token), "Content-Type": "text/csv"})
    assert not_utf8.status_code == 422
    assert post_csv(svc, token, HEADER + "1" * 200_000 + "\n").json["code"] == "bad_csv"
    assert svc.outbox_events() == []


def test_staff_upload_a_multipart_file_for_a_school(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1000001")
    staff = staff_acting_for(token_issuer, SCHOOL)
    response = svc.client.post("/ects/bulk", data={"file": (io.BytesIO((HEADER + row("1000001")).encode()), "ects.csv")},
                               headers=auth(staff), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    [entry] = svc.client.get(f"/audit?subject={response.json[0]['id']}", headers=auth(staff)).json
    assert entry["acting_for_reason"].startswith("Support ticket")
    blended = token_issuer.issue(memberships=[{"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"}],
                                 mode="blended")
    assert post_csv(svc, blended, HEADER + row("1000002")).status_code == 422  # must name the school
    assert post_csv(svc, blended, HEADER + row("1000002"), f"?school_id={OTHER_SCHOOL}").status_code == 403


MOVING_HEADER = HEADER.replace("cohort\n", "cohort,moving_from_another_school\n")


def test_a_csv_records_ects_moving_in_from_another_school(svc, fake_trs_sync, token_issuer):
    elsewhere = token_issuer.school_user(OTHER_SCHOOL)
    fake_trs_sync.add("1000001")
    fake_trs_sync.add("1000002")
    for trn in ("1000001", "1000002"):
        assert svc.client.post("/ects", json=ect_body(trn=trn), headers=auth(elsewhere)).status_code == 201
    token = token_issuer.school_user(SCHOOL)

    def moving(trn, flag):
        return row(trn, started_on="2027-01-04").replace("\n", f",{flag}\n")

    unconfirmed = post_csv(svc, token, MOVING_HEADER + moving("1000001", "true") + moving("1000002", ""))
    assert unconfirmed.status_code == 422
    assert [(e["line"], e["code"]) for e in unconfirmed.json["details"]["rows"]] == [(3, "registered_elsewhere")]
    assert svc.outbox_events("registrations.teacher.moved_school") == []
    too_early = post_csv(svc, token, MOVING_HEADER + row("1000001", started_on="2026-09-01").replace("\n", ",yes\n"))
    assert too_early.json["details"]["rows"][0]["fields"] == {"started_on": ["Must be on or after 2026-09-01."]}
    moved = post_csv(svc, token, MOVING_HEADER + moving("1000001", "true") + moving("1000002", "yes"))
    assert moved.status_code == 201, moved.json
    events = svc.outbox_events("registrations.teacher.moved_school")
    assert [(e["data"]["from_school_id"], e["data"]["to_school_id"], e["data"]["moved_on"]) for e in events] == [
        (OTHER_SCHOOL, SCHOOL, "2027-01-04")] * 2
    assert {e["finished_on"] for e in svc.client.get("/ects", headers=auth(elsewhere)).json} == {"2027-01-03"}


LEAVERS_HEADER = "trn,participant_type,finished_on,reason\n"


def post_leavers(svc, token, text, query=""):
    return svc.client.post(f"/leavers/bulk{query}", data=text.encode(), headers={**auth(token), "Content-Type": "text/csv"})


def test_a_school_records_leavers_from_a_csv_and_what_depends_on_them_ends(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    ect = register_ect(svc, fake_trs_sync, token)
    other_ect = register_ect(svc, fake_trs_sync, token, trn="2222222")
    mentor = register_mentor(svc, fake_trs_sync, token)
    svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                    headers=auth(token))
    text = LEAVERS_HEADER + "1234567,ect,2026-12-31,resigned\n8000001,mentor,2026-12-15,\n"
    response = post_leavers(svc, token, text)
    assert response.status_code == 200, response.json
    assert [(r["id"], r["participant_type"], r["finished_on"]) for r in response.json] == [
        (ect["id"], "ect", "2026-12-31"), (mentor["id"], "mentor", "2026-12-15")]
    left = svc.outbox_events("registrations.teacher.left_school")
    assert [(e["data"]["period_id"], e["data"]["reason"]) for e in left] == [(ect["id"], "resigned"), (mentor["id"], None)]
    assert left[0]["actor"]["email"] == "bob@oakfield.example"
    # The ECT's leaving ended the mentorship on 31 Dec; the mentor's earlier last day then shortened it.
    ended = svc.outbox_events("registrations.mentorship.ended")
    assert [e["data"]["finished_on"] for e in ended] == ["2026-12-31", "2026-12-15"]
    assert svc.client.get(f"/ects/{other_ect['id']}", headers=auth(token)).json["finished_on"] is None
    actions = [e["action"] for e in svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json]
    assert actions[-1] == "ect_left"
    no_type_column = post_leavers(svc, token, "trn,finished_on\n2222222,2027-03-31\n")  # ECT by default
    assert no_type_column.status_code == 200 and no_type_column.json[0]["id"] == other_ect["id"]


def test_bad_leaver_rows_are_reported_by_line_and_field_and_nothing_is_written(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    register_ect(svc, fake_trs_sync, token_issuer.school_user(OTHER_SCHOOL), trn="2222222")
    register_mentor(svc, fake_trs_sync, token)
    text = (LEAVERS_HEADER
            + "1234567,ect,2026-12-31,\n"      # 2: fine
            + "2222222,ect,2026-12-31,\n"      # 3: at another school
            + "8000001,mentor,2026-08-01,\n"   # 4: before the mentor started
            + "1234567,ect,2027-01-31,\n"      # 5: repeats line 2
            + "12,teacher,31/12/2026,\n"       # 6: not a TRN, type or date
            + "8000001,,,\n")                  # 7: no date
    response = post_leavers(svc, token, text)
    assert response.status_code == 422 and response.json["code"] == "rows_invalid"
    assert "nobody was recorded as leaving" in response.json["message"]
    errors = {e["line"]: e for e in response.json["details"]["rows"]}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert errors[3]["code"] == "not_registered_here" and list(errors[3]["fields"]) == ["trn"]
    assert errors[4]["code"] == "finishes_before_start" and list(errors[4]["fields"]) == ["finished_on"]
    assert errors[5]["code"] == "duplicate_row" and "line 2" in errors[5]["message"]
    assert set(errors[6]["fields"]) == {"trn", "participant_type", "finished_on"}
    assert set(errors[7]["fields"]) == {"finished_on"}
    assert svc.outbox_events("registrations.teacher.left_school") == []
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["finished_on"] is None


def test_leavers_file_checks_header_school_and_who_may_upload(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    register_ect(svc, fake_trs_sync, token)
    assert post_leavers(svc, token, "trn,reason\n1234567,x\n").json["code"] == "bad_header"
    assert post_leavers(svc, token, LEAVERS_HEADER).json["code"] == "empty_file"
    outsider = token_issuer.school_user(OTHER_SCHOOL)
    assert post_leavers(svc, outsider, LEAVERS_HEADER + "1234567,ect,2026-12-31,\n").json["details"]["rows"][0]["code"] == \
        "not_registered_here"
    blended = token_issuer.issue(memberships=[{"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"}],
                                 mode="blended")
    assert post_leavers(svc, blended, LEAVERS_HEADER + "1234567,ect,2026-12-31,\n").status_code == 422  # name the school
    assert post_leavers(svc, blended, LEAVERS_HEADER + "1234567,ect,2026-12-31,\n", f"?school_id={OTHER_SCHOOL}").status_code == 403
    read_only = token_issuer.issue(staff_role="read_only", acting_for={"organisation_id": SCHOOL, "reason": "look"})
    assert post_leavers(svc, read_only, LEAVERS_HEADER + "1234567,ect,2026-12-31,\n").status_code == 403
    assert svc.outbox_events("registrations.teacher.left_school") == []
    done = post_leavers(svc, blended, LEAVERS_HEADER + "1234567,ect,2026-12-31,\n", f"?school_id={SCHOOL}")
    assert done.status_code == 200, done.json
    again = post_leavers(svc, blended, LEAVERS_HEADER + "1234567,ect,2027-01-31,\n", f"?school_id={SCHOOL}")
    assert again.json["details"]["rows"][0]["code"] == "not_registered_here"


MENTORS_HEADER = "trn,date_of_birth,started_on,email,lead_provider_id,cohort\n"


def mentor_row(trn, dob="1995-04-01", lead_provider=LEAD_PROVIDER):
    return f"{trn},{dob},2026-09-01,mentor{trn}@school.example,{lead_provider},2026\n"


def test_a_school_registers_mentors_from_a_csv(svc, fake_trs_sync, token_issuer):
    for trn in ("8000001", "8000002"):
        fake_trs_sync.add(trn)
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    response = svc.client.post("/mentors/bulk", data=(MENTORS_HEADER + mentor_row("8000001") + mentor_row("8000002")).encode(),
                               headers={**auth(token), "Content-Type": "text/csv"})
    assert response.status_code == 201, response.json
    assert [(m["trn"], m["training_programme"], m["lead_provider_id"]) for m in response.json] == [
        ("8000001", "provider_led", LEAD_PROVIDER), ("8000002", "provider_led", LEAD_PROVIDER)]
    events = svc.outbox_events("registrations.mentor.registered")
    assert [e["data"]["registered_by"]["email"] for e in events] == ["bob@oakfield.example"] * 2
    assert [e["action"] for e in svc.client.get(f"/audit?subject={response.json[0]['id']}", headers=auth(token)).json] == [
        "mentor_registered"]


def test_bad_mentor_rows_are_reported_by_line_and_nothing_is_written(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    fake_trs_sync.add("8000001")
    fake_trs_sync.add("8000003", prohibited=True)
    fake_trs_sync.add("8000004")
    assert svc.client.post("/mentors", json=mentor_body(trn="8000004"), headers=auth(token)).status_code == 201
    text = (MENTORS_HEADER + mentor_row("8000001") + mentor_row("8000002") + mentor_row("8000003") + mentor_row("8000004")
            + mentor_row("8000001") + mentor_row("8000005", lead_provider="") + "8000006,1995-04-01,2026-09-01,x@y.example,,\n")
    response = svc.client.post("/mentors/bulk", data=text.encode(), headers={**auth(token), "Content-Type": "text/csv"})
    assert response.status_code == 422 and response.json["code"] == "rows_invalid"
    errors = {e["line"]: e for e in response.json["details"]["rows"]}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3]["code"] == "teacher_not_found"
    assert errors[4]["code"] == "prohibited_from_teaching"
    assert errors[5]["code"] == "already_mentoring_here"
    assert errors[6]["code"] == "duplicate_row"
    assert set(errors[7]["fields"]) == {"lead_provider_id"}
    assert set(errors[8]["fields"]) == {"lead_provider_id", "cohort"}
    assert len(svc.outbox_events("registrations.mentor.registered")) == 1
    blended = token_issuer.issue(memberships=[{"organisation_id": SCHOOL, "organisation_type": "school", "role": "end_user"}],
                                 mode="blended")
    forbidden = svc.client.post(f"/mentors/bulk?school_id={OTHER_SCHOOL}", data=(MENTORS_HEADER + mentor_row("8000001")).encode(),
                                headers={**auth(blended), "Content-Type": "text/csv"})
    assert forbidden.status_code == 403


def test_two_rows_for_one_teacher_under_merged_trns_are_reported_not_half_written(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("4000002", current_trn="4999999")
    fake_trs_sync.add("4999999")
    token = token_issuer.school_user(SCHOOL)
    response = post_csv(svc, token, HEADER + row("4000002") + row("4999999"))
    assert response.status_code == 422, response.json
    [error] = response.json["details"]["rows"]
    assert error["line"] == 3 and error["code"] == "duplicate_row" and "line 2" in error["message"]
    assert svc.outbox_events() == []
