"""Statements (v3 /api/v3/statements) and a declaration's life on them: eligible → payable when the cut-off passes →
paid when DfE finance pays the statement; voided; a paid one awaiting clawback on the next statement → clawed back.
Every change moves updated_at, so an updated_since poll sees each."""
from dataclasses import replace
from datetime import datetime, UTC

import pytest
from sqlalchemy import text

from declaration_kit import (DECLARATIONS, NOW, STATEMENTS, count, declare, ect, mentor, pass_cut_offs, pay, set_now,
                             staff_headers, statement_for)
from lp_api.declarations import rules
from lp_api.definition import DEFINITION
from lp_api.statements.payments import StatementCutOffs
from lp_api.declarations.clock import FinanceClock
from v3_schema import assert_valid, response_schema_name


@pytest.fixture(autouse=True)
def clock(svc):
    set_now(svc, NOW)


def test_statements_as_v3_shapes_them(svc, make_provider):
    provider, other = make_provider(), make_provider()
    declare(provider, ect(svc, provider)["teacher_id"])
    listed = provider.get(STATEMENTS)
    assert_valid(listed.json, response_schema_name(STATEMENTS, "get", 200))
    attributes = [s["attributes"] for s in listed.json["data"]]
    assert [(a["month"], a["year"]) for a in attributes] == [
        ("January", "2026"), ("April", "2026"), ("August", "2026"), ("October", "2026"), ("January", "2027"),
        ("April", "2027"), ("August", "2027"), ("October", "2027"), ("January", "2028"), ("April", "2028")]
    assert attributes[4] | {"created_at": None, "updated_at": None} == {
        "month": "January", "year": "2027", "type": "ecf", "cohort": "2025", "cut_off_date": "2026-12-31",
        "payment_date": "2027-01-25", "paid": False, "created_at": None, "updated_at": None}
    one = provider.get(f"{STATEMENTS}/{listed.json['data'][0]['id']}")
    assert one.json == {"data": listed.json["data"][0]}
    assert_valid(one.json, response_schema_name(f"{STATEMENTS}/{{id}}", "get", 200))
    for query, expected in (({"filter[cohort]": "2026"}, 0), ({"filter[cohort]": "2025,2026"}, 10),
                            ({"filter[type]": "npq"}, 0), ({"filter[type]": "ecf"}, 10),
                            ({"page[per_page]": "3", "page[page]": "4"}, 1)):
        assert len(provider.get(STATEMENTS, query).json["data"]) == expected, query
    assert other.get(STATEMENTS).json == {"data": []}
    missing = other.get(f"{STATEMENTS}/{listed.json['data'][0]['id']}")
    assert missing.status_code == 404
    assert_valid(missing.json, response_schema_name(f"{STATEMENTS}/{{id}}", "get", 404))
    assert_valid(svc.client.get(STATEMENTS).json, response_schema_name(STATEMENTS, "get", 401))


def test_working_in_a_cohort_gives_the_provider_its_statements(svc, make_provider):
    provider = make_provider()
    argv = ["--lead-provider-id", provider.id, "--delivery-partner-id", "0b6f0f38-8a4e-4d0c-a4a6-1d0b6c1f8e77",
            "--cohort", "2026"]
    assert DEFINITION.commands["add-delivery-partner"](svc.settings, argv) == 0
    assert DEFINITION.commands["add-delivery-partner"](svc.settings, argv) == 0  # again: nothing more
    data = provider.get(STATEMENTS).json["data"]
    assert len(data) == 10 and {s["attributes"]["cohort"] for s in data} == {"2026"}


class Poller:
    """A lead provider's integration polling declarations and statements with updated_since."""

    def __init__(self, provider):
        self.provider = provider
        self.since = {DECLARATIONS: "2000-01-01T00:00:00Z", STATEMENTS: "2000-01-01T00:00:00Z"}
        self.copy: dict[str, dict] = {}

    def poll(self, path: str) -> dict[str, dict]:
        """What changed since the last poll (updated_since is inclusive: the latest version seen comes again)."""
        data = self.provider.get(path, {"filter[updated_since]": self.since[path]}).json["data"]
        if data:
            self.since[path] = max(d["attributes"]["updated_at"] for d in data)
        changed = {d["id"]: d["attributes"] for d in data if self.copy.get(d["id"]) != d["attributes"]}
        self.copy.update(changed)
        return changed


def test_a_declarations_life_is_seen_by_updated_since_at_every_step(svc, make_provider, token_issuer):
    provider = make_provider()
    poller = Poller(provider)
    declared = declare(provider, ect(svc, provider)["teacher_id"]).json["data"]
    seen = [poller.poll(DECLARATIONS)[declared["id"]]]
    january = statement_for(provider, 2025, "January", "2027")
    april = statement_for(provider, 2025, "April", "2027")
    poller.poll(STATEMENTS)

    def step(expected_state: str) -> dict:
        changed = poller.poll(DECLARATIONS)
        assert list(changed) == [declared["id"]], f"updated_since did not see {expected_state}"
        attributes = changed[declared["id"]]
        assert attributes["state"] == expected_state and attributes["updated_at"] > seen[-1]["updated_at"]
        assert_valid({"data": {"id": declared["id"], "type": "participant-declaration", "attributes": attributes}},
                     "SingleParticipantDeclarationResponse")
        seen.append(attributes)
        return attributes

    assert seen[0]["state"] == "eligible" and seen[0]["statement_id"] == january["id"]
    # Before the cut-off, finance cannot pay the statement; the worker's round changes nothing.
    refused = pay(svc, token_issuer, january["id"])
    assert refused.status_code == 409 and refused.json["code"] == "cut_off_not_passed"
    assert pass_cut_offs(svc, NOW.date()) == 4  # the 2025 cohort's four statements already past their cut-off
    assert poller.poll(DECLARATIONS) == {}

    assert pass_cut_offs(svc, datetime(2027, 1, 1).date()) == 1
    step("payable")
    assert poller.poll(STATEMENTS)[january["id"]]["paid"] is False

    set_now(svc, datetime(2027, 1, 20, 9, tzinfo=UTC))
    paid = pay(svc, token_issuer, january["id"])
    assert paid.status_code == 200, paid.json
    assert (paid.json["status"], paid.json["declarations"], paid.json["paid_by"]["email"]) == (
        "paid", {"paid": 1}, "fiona@education.gov.uk")
    assert step("paid")["statement_id"] == january["id"]
    assert poller.poll(STATEMENTS)[january["id"]]["paid"] is True
    again = pay(svc, token_issuer, january["id"])  # a repeat changes nothing
    assert again.status_code == 200 and poller.poll(DECLARATIONS) == {} and poller.poll(STATEMENTS) == {}

    voided = provider.put(f"{DECLARATIONS}/{declared['id']}/void")
    assert voided.status_code == 200, voided.json
    assert_valid(voided.json, response_schema_name(f"{DECLARATIONS}/{{id}}/void", "put", 200))
    clawback = step("awaiting-clawback")
    assert (clawback["statement_id"], clawback["clawback_statement_id"]) == (january["id"], april["id"])
    refused = provider.put(f"{DECLARATIONS}/{declared['id']}/void")
    assert refused.status_code == 422
    assert refused.json == {"errors": [{"title": rules.INVALID_ACTION, "detail": rules.NOT_VOIDABLE}]}

    set_now(svc, datetime(2027, 4, 2, 9, tzinfo=UTC))
    assert pay(svc, token_issuer, april["id"]).json["declarations"] == {"clawback_clawed_back": 1}  # passes its cut-off
    assert step("clawed-back")["clawback_statement_id"] == april["id"]
    assert poller.poll(STATEMENTS)[april["id"]]["paid"] is True

    changes = [e["data"]["state"] for e in svc.outbox_events("lp-api.declaration.state_changed")]
    assert changes == ["payable", "paid", "awaiting_clawback", "clawed_back"]
    assert [e["type"] for e in svc.outbox_events() if e["type"].startswith("lp-api.statement.")] == [
        "lp-api.statement.payable"] * 5 + ["lp-api.statement.paid", "lp-api.statement.payable", "lp-api.statement.paid"]
    with svc.db.engine.connect() as conn:
        trail = conn.execute(text("select action, token_id, performed_by, details->'author'->>'type' as author "
                                  "from api_audit where subject_id = :id order by id"), {"id": declared["id"]}).all()
    assert [(a, str(t) if t else None, p, k) for a, t, p, k in trail] == [
        ("declaration_recorded", provider.token_id, None, "lead_provider"),
        ("declaration_payable", None, "lp-api: statement cut-off passed", "system"),
        ("declaration_paid", None, "fiona@education.gov.uk", "staff"),
        ("declaration_awaiting_clawback", provider.token_id, None, "lead_provider"),
        ("declaration_clawed_back", None, "fiona@education.gov.uk", "staff")]


def test_a_declaration_not_yet_paid_is_voided_off_its_statement(svc, make_provider):
    provider = make_provider()
    declared = declare(provider, ect(svc, provider)["teacher_id"]).json["data"]
    voided = provider.put(f"{DECLARATIONS}/{declared['id']}/void").json["data"]["attributes"]
    assert (voided["state"], voided["statement_id"], voided["clawback_statement_id"]) == ("voided", None, None)
    assert voided["updated_at"] > declared["attributes"]["updated_at"]
    again = provider.put(f"{DECLARATIONS}/{declared['id']}/void")
    assert again.status_code == 422
    assert again.json == {"errors": [{"title": rules.INVALID_ACTION, "detail": rules.ALREADY_VOIDED}]}
    assert provider.put(f"{DECLARATIONS}/not-an-id/void").status_code == 404


def test_only_dfe_finance_staff_pay_statements(svc, make_provider, token_issuer):
    """DfE finance staff (and admins, whose role holds every staff permission) pay statements; other staff read them."""
    provider = make_provider()
    declare(provider, ect(svc, provider)["teacher_id"])
    october = statement_for(provider, 2025, "October", "2026")["id"]
    august = statement_for(provider, 2025, "August", "2026")["id"]
    member = {"Authorization": "Bearer " + token_issuer.issue(memberships=[{
        "organisation_id": provider.id, "organisation_type": "lead_provider", "role": "approver"}],
        acting_organisation_id=provider.id)}
    school = "5f0e1c1e-7d4f-4b55-9c87-1f1b3c0a2d10"
    undecided = {"Authorization": "Bearer " + token_issuer.issue(memberships=[  # in hat mode, none chosen yet
        {"organisation_id": provider.id, "organisation_type": "lead_provider", "role": "approver"},
        {"organisation_id": school, "organisation_type": "school", "role": "approver"}])}
    for headers, status, code in (
            (member, 403, "staff_only"), (undecided, 403, "staff_only"),
            (staff_headers(token_issuer, "read_only"), 403, "staff_role_forbids"),
            (staff_headers(token_issuer, "support"), 403, "staff_role_forbids"),
            (staff_headers(token_issuer, acting_for={"organisation_id": school, "reason": "ticket 12"}), 403,
             "not_acting_organisation"),
            (provider.headers(), 401, None), ({}, 401, None)):
        answer = svc.client.post(f"/finance/statements/{october}/paid", headers=headers)
        assert answer.status_code == status, (headers, answer.json)
        assert code is None or answer.json["code"] == code
    assert svc.client.get("/finance/statements", headers=member).status_code == 403
    assert provider.get(f"{STATEMENTS}/{october}").json["data"]["attributes"]["paid"] is False
    unknown = pay(svc, token_issuer, "0e7d1c8a-1111-4a7e-8f6b-0c2b1d9e3f44")
    assert unknown.status_code == 404
    listed = svc.client.get("/finance/statements", query_string={"lead_provider_id": provider.id, "status": "open"},
                            headers=staff_headers(token_issuer, "read_only"))
    assert listed.status_code == 200 and len(listed.json) == 10  # the worker has not passed any cut-off yet
    paid = pay(svc, token_issuer, october)  # finance staff; its cut-off passed in September: payable first, then paid
    assert paid.status_code == 200 and paid.json["status"] == "paid"
    assert paid.json["paid_by"]["email"] == "fiona@education.gov.uk"
    by_admin = pay(svc, token_issuer, august, staff_role="admin")
    assert by_admin.status_code == 200 and by_admin.json["status"] == "paid"
    read = svc.client.get(f"/finance/statements/{october}", headers=staff_headers(token_issuer, "support"))
    assert read.status_code == 200 and read.json["status"] == "paid"


def test_the_worker_passes_cut_offs_and_the_command_rehearses_them(svc, make_provider):
    provider = make_provider()
    declared = declare(provider, ect(svc, provider)["teacher_id"]).json["data"]
    runner = StatementCutOffs(svc.db, interval_seconds=60, clock=FinanceClock(NOW))
    assert runner.run() == 4 and runner.run() == 0
    with pytest.raises(SystemExit):  # in production, no cut-off passes early
        DEFINITION.commands["close-statements"](replace(svc.settings, environment="production"),
                                                ["--as-of", "2099-01-01"])
    rehearsal = replace(svc.settings, environment="test")
    assert DEFINITION.commands["close-statements"](rehearsal, ["--as-of", "2027-01-01", "--by", "pytest"]) == 0
    state = provider.get(f"{DECLARATIONS}/{declared['id']}").json["data"]["attributes"]["state"]
    assert state == "payable"
    assert count(svc, "select count(*) from api_audit where action = 'statement_payable' "
                      "and performed_by = 'pytest (close-statements)'") == 1


def test_a_mentors_completed_declaration_ends_their_funding_in_the_participant_resource(svc, make_provider):
    provider = make_provider()
    teacher_id = mentor(svc, provider)["teacher_id"]
    path = f"/api/v3/participants/ecf/{teacher_id}"
    before = provider.get(path).json["data"]["attributes"]
    completed = declare(provider, teacher_id, course_identifier="ecf-mentor", declaration_type="completed",
                        declaration_date="2026-07-20T10:00:00Z", evidence_held="75-percent-engagement-met")
    assert completed.status_code == 200, completed.json
    after = provider.get(path).json
    assert_valid(after, "ECFParticipantResponse")
    [enrolment] = after["data"]["attributes"]["ecf_enrolments"]
    assert (enrolment["mentor_funding_end_date"], enrolment["mentor_ineligible_for_funding_reason"]) == (
        "2026-07-20", "completed_declaration_received")
    assert after["data"]["attributes"]["updated_at"] > before["updated_at"]
    provider.put(f"{DECLARATIONS}/{completed.json['data']['id']}/void")
    [enrolment] = provider.get(path).json["data"]["attributes"]["ecf_enrolments"]
    assert (enrolment["mentor_funding_end_date"], enrolment["mentor_ineligible_for_funding_reason"]) == (None, None)
