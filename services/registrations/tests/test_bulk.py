"""Bulk CSV registration: every row checked first (TRS included), errors by line, all or nothing."""
import io

from conftest import AB, LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, staff_acting_for

HEADER = "trn,date_of_birth,started_on,email,working_pattern,appropriate_body_id,training_programme,lead_provider_id,cohort\n"


def row(trn, dob="1995-04-01", programme="provider_led", lead_provider=LEAD_PROVIDER, email=None):
    return f"{trn},{dob},2026-09-01,{email or f'ect{trn}@school.example'},full_time,{AB},{programme},{lead_provider},2026\n"


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
