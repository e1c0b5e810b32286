"""GET /teachers/<trn>?date_of_birth=: a teacher as TRS holds them, normalised."""
import pytest

PROHIBITION = {"alertId": "0c1f4e43-5c8f-4c89-9a55-5c5e1f0b9a11",
               "alertType": {"alertTypeId": "ed0cd700-3fb2-4db0-9403-ba57126090ed",
                             "alertCategory": {"alertCategoryId": "b2b19019-b165-47a3-8745-3297ff152581",
                                               "name": "Prohibition from teaching"},
                             "name": "Prohibition by the Secretary of State - misconduct"},
               "details": None, "startDate": "2020-09-01", "endDate": None}


def lookup(svc, headers, trn="1234567", dob="1990-05-17"):
    return svc.client.get(f"/teachers/{trn}?date_of_birth={dob}", headers=headers)


def test_found_teacher_is_normalised(svc, trs_standin, user_headers):
    trs_standin.seed("1234567", middleName="Augusta", inductionStatus="InProgress", inductionStartDate="2024-09-01")
    response = lookup(svc, user_headers)
    assert response.status_code == 200, response.json
    assert response.json == {
        "trn": "1234567", "first_name": "Ada", "middle_name": "Augusta", "last_name": "Lovelace",
        "date_of_birth": "1990-05-17", "qts_awarded_on": "2023-07-01",
        "induction": {"status": "InProgress", "start_date": "2024-09-01", "completed_date": None},
        "prohibited_from_teaching": False, "merged_from": None,
    }
    [get] = trs_standin.received("get")
    assert get["status"] == 200 and "include=Induction" in get["path"] and "dateOfBirth=1990-05-17" in get["path"]


def test_no_qts_is_null(svc, trs_standin, user_headers):
    trs_standin.seed("1234567", qtsDate=None)
    assert lookup(svc, user_headers).json["qts_awarded_on"] is None


@pytest.mark.parametrize("trn, dob", [("1234567", "1990-05-18"), ("7654321", "1990-05-17")])
def test_date_of_birth_mismatch_or_unknown_trn_is_404(svc, trs_standin, user_headers, trn, dob):
    trs_standin.seed("1234567")
    response = lookup(svc, user_headers, trn=trn, dob=dob)
    assert response.status_code == 404
    assert response.json["code"] == "teacher_not_found"
    assert response.json["message"] == "No teacher with that TRN and date of birth"


def test_deactivated_teacher_is_410(svc, trs_standin, user_headers):
    trs_standin.seed("1234567", deactivated=True)
    response = lookup(svc, user_headers)
    assert response.status_code == 410 and response.json["code"] == "teacher_deactivated"


def test_merged_trn_is_followed_to_the_current_record(svc, trs_standin, user_headers):
    trs_standin.seed("7654321", firstName="Augusta")
    trs_standin.seed("1234567", mergedInto="7654321")
    response = lookup(svc, user_headers, trn="1234567")
    assert response.status_code == 200, response.json
    assert response.json["trn"] == "7654321" and response.json["merged_from"] == "1234567"
    assert response.json["first_name"] == "Augusta"


def test_prohibition_alert_sets_the_flag(svc, trs_standin, user_headers):
    trs_standin.seed("1234567", prohibited=True)
    trs_standin.seed("2345678", alerts=[{**PROHIBITION, "endDate": "2022-01-01"}])
    assert lookup(svc, user_headers).json["prohibited_from_teaching"] is True
    assert lookup(svc, user_headers, trn="2345678").json["prohibited_from_teaching"] is False  # ended


def test_trs_down_is_503_with_retry_after(svc, trs_standin, user_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "500", "paths": "get"})
    response = lookup(svc, user_headers)
    assert response.status_code == 503
    assert response.json["code"] == "trs_unavailable" and int(response.headers["Retry-After"]) >= 1
    assert len(trs_standin.received("get")) == 3  # a few quick retries, then give up


def test_a_passing_trs_failure_is_retried_within_the_lookup(svc, trs_standin, user_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "500", "count": 1, "paths": "get"})
    assert lookup(svc, user_headers).status_code == 200


def test_trs_rate_limit_is_503_with_its_retry_after(svc, trs_standin, user_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "429", "count": 1, "seconds": 0, "paths": "get"})
    response = lookup(svc, user_headers)
    assert response.status_code == 503 and response.json["code"] == "trs_unavailable"
    assert response.headers["Retry-After"] == "1"


def test_lookups_are_cached_briefly(svc, trs_standin, user_headers):
    trs_standin.seed("1234567")
    assert lookup(svc, user_headers).status_code == 200
    assert lookup(svc, user_headers).status_code == 200
    assert len(trs_standin.received("get")) == 1
    assert lookup(svc, user_headers, dob="1990-05-18").status_code == 404  # another key: asked again
    assert len(trs_standin.received("get")) == 2


@pytest.mark.parametrize("path, field, message", [
    ("/teachers/123?date_of_birth=1990-05-17", "trn", "A TRN is 7 digits."),
    ("/teachers/12345678?date_of_birth=1990-05-17", "trn", "A TRN is 7 digits."),
    ("/teachers/abcdefg?date_of_birth=1990-05-17", "trn", "A TRN is 7 digits."),
    ("/teachers/1234567", "date_of_birth", "Missing data for required field."),
    ("/teachers/1234567?date_of_birth=17-05-1990", "date_of_birth", "Not a valid date."),
    ("/teachers/1234567?date_of_birth=1990-02-30", "date_of_birth", "Not a valid date."),
])
def test_bad_input_is_422_with_field_messages(svc, trs_standin, user_headers, path, field, message):
    response = svc.client.get(path, headers=user_headers)
    assert response.status_code == 422
    assert response.json["code"] == "invalid_input"
    assert response.json["fields"] == {field: [message]}
    assert trs_standin.received("get") == []


def test_lookup_needs_a_token(svc):
    response = svc.client.get("/teachers/1234567?date_of_birth=1990-05-17")
    assert response.status_code == 401 and response.json["code"] == "missing_token"


def test_openapi_documents_the_endpoints(svc):
    paths = svc.client.get("/openapi.json").json["paths"]
    assert {"/teachers/{trn}", "/sync-log", "/manual-handling"} <= set(paths)
