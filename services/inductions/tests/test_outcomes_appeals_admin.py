"""Outcomes, extensions, appeals and DfE staff changes through the API, with their events and the manual-handling queue."""
from datetime import timedelta

from conftest import TODAY

from test_claims import CLAIM

FAIL = {"outcome": "fail", "finished_on": str(TODAY), "number_of_terms": 6, "appeal_notice_confirmed": True,
        "appeal_notice_confirmed_on": str(TODAY)}


def _claim(ab, fake_trs_sync):
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201


def test_transitions_are_published_to_any_signed_in_user(svc, ab):
    assert svc.client.get("/transitions").status_code == 401
    table = ab.get("/transitions").json
    lodge = next(t for t in table if t["action"] == "lodge_appeal")
    assert lodge["window"] == {"anchor": "outcome", "days": 30} and lodge["from_status"] == "Failed"
    assert {t["action"] for t in table} >= {"claim", "pass", "fail", "release", "exempt_in_progress"}


def test_pass_closes_the_period_and_announces_passed_with_the_completed_date(svc, fake_trs_sync, ab):
    _claim(ab, fake_trs_sync)
    response = ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": "2026-11-01", "number_of_terms": 6.5})
    assert response.status_code == 200
    assert response.json["periods"][0]["number_of_terms"] == "6.5"
    [closed] = svc.outbox_events("inductions.period.closed")
    assert closed["data"]["outcome"] == "pass"
    changed = svc.outbox_events("inductions.induction.status_changed")[-1]["data"]
    assert (changed["old_status"], changed["new_status"], changed["completed_date"]) == ("InProgress", "Passed", "2026-11-01")
    again = ab.post("/ects/1234567/outcome", {"outcome": "fail", **{k: v for k, v in FAIL.items() if k != "outcome"}})
    assert again.status_code == 409


def test_fail_needs_the_appeal_notice_confirmed_with_its_date(svc, fake_trs_sync, ab):
    _claim(ab, fake_trs_sync)
    unconfirmed = ab.post("/ects/1234567/outcome", {**FAIL, "appeal_notice_confirmed": False})
    assert unconfirmed.status_code == 422 and unconfirmed.json["code"] == "appeal_notice_required"
    undated = ab.post("/ects/1234567/outcome", {**FAIL, "appeal_notice_confirmed_on": None})
    assert undated.status_code == 422
    assert ab.get("/ects/1234567").json["status"] == "InProgress"
    assert ab.post("/ects/1234567/outcome", FAIL).json["periods"][0]["appeal_notice_on"] == str(TODAY)


def test_outcome_end_date_and_terms_rules_answer_422(svc, fake_trs_sync, ab):
    _claim(ab, fake_trs_sync)
    for body in ({"finished_on": str(TODAY + timedelta(days=1)), "number_of_terms": 1},
                 {"finished_on": "2026-08-31", "number_of_terms": 1},
                 {"finished_on": str(TODAY), "number_of_terms": 16.1},
                 {"finished_on": str(TODAY), "number_of_terms": 1.25}):
        assert ab.post("/ects/1234567/outcome", {"outcome": "pass", **body}).status_code == 422, body
    assert len(svc.outbox_events()) == 2  # the claim's only


def test_extensions_add_and_edit(svc, fake_trs_sync, ab):
    _claim(ab, fake_trs_sync)
    added = ab.post("/ects/1234567/extensions", {"terms": 1.5})
    assert added.status_code == 201
    edited = ab.patch(f"/ects/1234567/extensions/{added.json['id']}", {"terms": 2})
    assert edited.status_code == 200 and edited.json["terms"] == "2.0"
    assert ab.get("/ects/1234567").json["terms_required"] == "8.0"
    assert [e["data"]["terms_required"] for e in svc.outbox_events("inductions.extension.recorded")] == ["7.5", "8.0"]
    assert ab.post("/ects/1234567/extensions", {"terms": 0}).status_code == 422


def test_appeal_on_day_31_is_refused_for_manual_handling_and_queued(svc, fake_trs_sync, ab, admin, clock):
    _claim(ab, fake_trs_sync)
    ab.post("/ects/1234567/outcome", FAIL)
    clock.fixed = TODAY + timedelta(days=31)
    late = ab.post("/ects/1234567/appeals")
    assert late.status_code == 409 and late.json["code"] == "manual_handling_required"
    assert svc.outbox_events("inductions.appeal.lodged") == []
    [item] = admin.get("/manual-handling").json
    assert (item["trn"], item["action"], item["reason_code"], item["kind"]) == ("1234567", "lodge_appeal", "outside_window",
                                                                                 "outside_window")
    assert item["actor"]["type"] == "appropriate_body_user"
    assert ab.get("/ects/1234567").json["appeals"] == []


def test_upheld_replace_turns_the_fail_into_a_pass(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    ab.post("/ects/1234567/outcome", FAIL)
    appeal = ab.post("/ects/1234567/appeals").json
    decided = admin.post(f"/appeals/{appeal['id']}/decision", {"decision": "upheld_replace"})
    assert decided.status_code == 200 and decided.json["decision"] == "upheld_replace"
    assert ab.get("/ects/1234567").json["status"] == "Passed"
    [event] = svc.outbox_events("inductions.appeal.decided")
    assert event["data"]["replacement_outcome"] == "pass" and event["actor"]["type"] == "staff"
    last = svc.outbox_events("inductions.induction.status_changed")[-1]["data"]
    assert (last["old_status"], last["new_status"], last["completed_date"]) == ("Failed", "Passed", str(TODAY))
    # trs-sync times the decision from the day the appeal was lodged.
    assert last["appeal_lodged_on"] == event["data"]["lodged_on"]
    assert svc.outbox_events("inductions.induction.status_changed")[-2]["data"]["appeal_lodged_on"] is None


def test_dismissed_appeal_changes_no_status(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    ab.post("/ects/1234567/outcome", FAIL)
    appeal = ab.post("/ects/1234567/appeals").json
    count = len(svc.outbox_events("inductions.induction.status_changed"))
    assert admin.post(f"/appeals/{appeal['id']}/decision", {"decision": "dismissed"}).status_code == 200
    assert len(svc.outbox_events("inductions.induction.status_changed")) == count
    again = admin.post(f"/appeals/{appeal['id']}/decision", {"decision": "upheld_replace"})
    assert again.status_code == 409


def test_admin_reopen_needs_note_or_ticket_and_keeps_it_in_the_audit(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    assert admin.post("/admin/ects/1234567/reopen", {"note": "x"}).json["code"] == "not_reopenable"
    ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": str(TODAY), "number_of_terms": 6})
    assert admin.post("/admin/ects/1234567/reopen", {}).status_code == 422
    reopened = admin.post("/admin/ects/1234567/reopen", {"support_ticket": "SUP-42"})
    assert reopened.status_code == 200 and reopened.json["status"] == "InProgress"
    assert reopened.json["completed_date"] is None and reopened.json["periods"][0]["finished_on"] is None
    last = svc.outbox_events("inductions.induction.status_changed")[-1]
    assert (last["data"]["new_status"], last["data"]["completed_date"], last["actor"]["email"]) == (
        "InProgress", None, "admin@education.gov.uk")
    from sqlalchemy import text
    with svc.db.engine.connect() as conn:
        row = conn.execute(text("select support_ticket, actor from audit_entries where action = 'admin_reopen'")).one()
    assert row.support_ticket == "SUP-42" and row.actor["type"] == "staff"


def test_admin_exemption_closes_the_record(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    assert admin.post("/admin/ects/1234567/exemption", {"reason": "made_up"}).status_code == 422
    assert admin.post("/admin/ects/1234567/exemption", {"reason": "overseas_trained_teacher"}).status_code == 422
    done = admin.post("/admin/ects/1234567/exemption", {"reason": "overseas_trained_teacher", "number_of_terms": 2,
                                                        "note": "Evidence in ticket"})
    assert done.status_code == 200 and done.json["status"] == "Exempt"
    assert done.json["periods"][0]["finished_on"] == str(TODAY)
    [exemption] = svc.outbox_events("inductions.exemption.recorded")
    assert exemption["data"]["source"] == "cpd"
    assert svc.outbox_events("inductions.induction.status_changed")[-1]["data"]["new_status"] == "Exempt"
    assert ab.post("/ects/1234567/extensions", {"terms": 1}).json["code"] == "wrong_status"


def test_hostile_input_is_refused_without_a_server_error(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": str(TODAY), "number_of_terms": 6})
    assert admin.get("/teachers/12%0045/induction").status_code == 404
    assert admin.post("/admin/ects/1234567/reopen", {"note": "a\x00b"}).status_code == 422
    assert admin.post("/ects/1234567/appeals", {"appropriate_body_id": "not-a-uuid"}).status_code == 422
    assert admin.get("/teachers/1234567/induction").json["status"] == "Passed"
