"""GET /edit-rules and POST /edit-rules/evaluate: what the admin consoles ask before offering an edit."""
import pytest

from ecf_shared.edit_rules import RULES_VERSION


def evaluate(svc, headers, **body):
    return svc.client.post("/edit-rules/evaluate", json=body, headers=headers)


def test_the_table_is_published_with_its_version(svc, user_headers):
    response = svc.client.get("/edit-rules", headers=user_headers)
    assert response.status_code == 200
    table = response.json
    assert table["version"] == RULES_VERSION and table["cpd_managed_years"] == 7
    exempt = [r for r in table["rules"] if (r["field"], r["state"], r["change"]) == ("status", "InProgress", "Exempt")]
    assert exempt and "trs_console" in exempt[0]["actors"]
    reversal = next(r for r in table["rules"] if (r["state"], r["change"]) == ("Passed", "Failed"))
    assert reversal["windows"] == [{"anchor": "outcome", "days": 30}]
    assert set(table["reasons"]) >= {"allowed", "managed_by_cpd", "outside_window", "passed_needs_cpd_record"}


def test_the_console_may_exempt_an_induction_in_progress(svc, user_headers):
    response = evaluate(svc, user_headers, field="status", actor="trs_console", **{"from": "InProgress"},
                        to="Exempt")
    assert response.status_code == 200
    assert response.json == {"outcome": "allowed", "reason_code": "allowed", "message": "Allowed.",
                             "rule": "exempt_in_progress", "rules_version": RULES_VERSION}


def test_the_console_may_not_pass_an_induction_in_progress(svc, user_headers):
    response = evaluate(svc, user_headers, field="status", actor="trs_console", **{"from": "InProgress"},
                        to="Passed")
    assert response.json["outcome"] == "denied" and response.json["reason_code"] == "passed_needs_cpd_record"


def test_a_late_reversal_goes_to_manual_handling(svc, user_headers):
    body = {"field": "status", "actor": "cpd_console", "from": "Passed", "to": "Failed", "today": "2027-03-01"}
    assert evaluate(svc, user_headers, **body, outcome_on="2027-02-01").json["outcome"] == "allowed"
    late = evaluate(svc, user_headers, **body, outcome_on="2027-01-01").json
    assert (late["outcome"], late["reason_code"]) == ("manual_handling", "outside_window")
    assert late["message"].startswith("This must happen within 30 days of the outcome")


def test_a_date_correction_is_judged_in_the_inductions_status(svc, user_headers):
    body = {"field": "completed_date", "actor": "appropriate_body", "from": "2027-01-10", "to": "2027-01-12",
            "status": "Passed", "today": "2027-01-20", "completed_date": "2027-01-10"}
    assert evaluate(svc, user_headers, **body).json["outcome"] == "allowed"
    assert evaluate(svc, user_headers, **{**body, "status": "RequiredToComplete"}).json["outcome"] == "denied"


def test_the_seven_year_rule_hands_an_old_induction_to_trs(svc, user_headers):
    body = {"field": "status", "from": "Passed", "to": "Failed", "today": "2027-03-01", "completed_date": "2019-06-01"}
    assert evaluate(svc, user_headers, actor="trs_console", **body).json["reason_code"] == "not_managed_by_cpd"
    assert evaluate(svc, user_headers, actor="cpd_console", **body).json["outcome"] == "manual_handling"


@pytest.mark.parametrize("body, field", [
    ({"actor": "trs_console", "from": "InProgress", "to": "Exempt"}, "field"),
    ({"field": "colour", "actor": "trs_console", "from": "InProgress", "to": "Exempt"}, "field"),
    ({"field": "status", "actor": "lead_provider", "from": "InProgress", "to": "Exempt"}, "actor"),
    ({"field": "status", "actor": "trs_console", "from": "InProgress", "to": "Graduated"}, "to"),
    ({"field": "status", "actor": "trs_console", "to": "Exempt"}, "from"),
    ({"field": "start_date", "actor": "cpd_console", "from": None, "to": "2026-13-01", "status": "InProgress"}, "to"),
    ({"field": "start_date", "actor": "cpd_console", "from": None, "to": "2026-09-01"}, "status"),
    ({"field": "exemption", "actor": "cpd_console", "from": False, "to": "yes", "status": "InProgress"}, "to"),
    ({"field": "status", "actor": "cpd_console", "from": "Passed", "to": "Failed", "today": "soon"}, "today"),
])
def test_malformed_proposals_are_422(svc, user_headers, body, field):
    response = evaluate(svc, user_headers, **body)
    assert response.status_code == 422, response.json
    assert field in response.json["fields"]


def test_rules_need_a_token(svc):
    assert svc.client.get("/edit-rules").status_code == 401
