"""Appropriate bodies claim ECTs: TRS checks through trs-sync, start-date rules, one open period."""
from conftest import AB, OTHER_AB, TODAY

CLAIM = {"trn": "1234567", "date_of_birth": "1995-04-01", "started_on": "2026-09-01", "training_programme": "provider_led"}


def test_claim_opens_a_period_creates_the_record_and_announces_in_progress(svc, fake_trs_sync, ab):
    fake_trs_sync.add("1234567")
    response = ab.post("/claims", CLAIM)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "InProgress" and response.json["start_date"] == "2026-09-01"
    [period] = response.json["periods"]
    assert period["appropriate_body_id"] == AB and period["finished_on"] is None and period["number_of_terms"] is None
    [opened] = svc.outbox_events("inductions.period.opened")
    assert opened["data"]["period_id"] == period["id"] and opened["actor"]["type"] == "appropriate_body_user"
    [changed] = svc.outbox_events("inductions.induction.status_changed")
    # From the record's own status, a change the edit rules know (from None only a registration may start)
    assert (changed["data"]["old_status"], changed["data"]["new_status"]) == ("RequiredToComplete", "InProgress")
    assert changed["data"]["start_date"] == "2026-09-01" and changed["actor"]["organisation_id"] == AB


def test_claim_of_a_registered_ect_moves_required_to_complete_to_in_progress(svc, fake_trs_sync, ab, consume):
    from test_in_flight_inductions import registered

    svc.send("registrations.ect.registered", registered("1234567"))
    consume()
    fake_trs_sync.add("1234567")
    assert ab.post("/claims", CLAIM).status_code == 201
    statuses = [(e["data"]["old_status"], e["data"]["new_status"]) for e in svc.outbox_events("inductions.induction.status_changed")]
    assert statuses == [(None, "RequiredToComplete"), ("RequiredToComplete", "InProgress")]


def test_another_ab_cannot_claim_while_a_period_is_open_but_can_after_release(svc, fake_trs_sync, ab, other_ab):
    fake_trs_sync.add("1234567")
    ab.post("/claims", CLAIM)
    refused = other_ab.post("/claims", {**CLAIM, "started_on": "2026-10-01"})
    assert refused.status_code == 409 and refused.json["code"] == "claimed_by_another_appropriate_body"
    released = ab.post("/ects/1234567/outcome", {"outcome": "release", "finished_on": "2026-09-30", "number_of_terms": 0.5})
    assert released.status_code == 200 and released.json["status"] == "InProgress"
    claimed = other_ab.post("/claims", {**CLAIM, "started_on": "2026-10-01"})
    assert claimed.status_code == 201
    assert [p["appropriate_body_id"] for p in claimed.json["periods"]] == [OTHER_AB]  # never the other AB's period
    # neither release nor the second claim changed the status or its dates: one status_changed only
    assert len(svc.outbox_events("inductions.induction.status_changed")) == 1
    assert [e["data"]["outcome"] for e in svc.outbox_events("inductions.period.closed")] == [None]


def test_claims_refused_by_what_trs_says(svc, fake_trs_sync, ab):
    fake_trs_sync.add("1000001", status="Passed")
    fake_trs_sync.add("1000002", status="FailedInWales")
    fake_trs_sync.add("1000003", status="Exempt")
    fake_trs_sync.add("1000004", prohibited=True)
    fake_trs_sync.add("1000005", qts=None)
    for trn, code in (("1000001", "induction_already_completed"), ("1000002", "induction_already_completed"),
                      ("1000003", "induction_already_completed"), ("1000004", "prohibited_from_teaching"),
                      ("1000005", "no_qts")):
        response = ab.post("/claims", {**CLAIM, "trn": trn})
        assert (response.status_code, response.json["code"]) == (422, code), trn
    wrong_dob = ab.post("/claims", {**CLAIM, "date_of_birth": "1990-01-01"})
    assert wrong_dob.status_code == 422 and wrong_dob.json["code"] == "teacher_not_found"
    assert svc.outbox_events() == []


def test_claim_start_date_rules_answer_422_and_change_nothing(svc, fake_trs_sync, ab):
    fake_trs_sync.add("1234567", qts="2026-07-20")
    for started_on in ("2026-07-19", str(TODAY.replace(day=21)), "1999-08-31"):
        response = ab.post("/claims", {**CLAIM, "started_on": started_on})
        assert response.status_code == 422 and "started_on" in response.json["fields"], started_on
    assert ab.get("/ects").json == [] and svc.outbox_events() == []


def test_bad_input_is_422_never_500(svc, ab):
    for body in ({}, {**CLAIM, "trn": "12"}, {**CLAIM, "started_on": "yesterday"}, {**CLAIM, "training_programme": "x"}):
        assert ab.post("/claims", body).status_code == 422
    assert ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": "2026-10-01",
                                             "number_of_terms": "NaN"}).status_code == 422


def test_claims_need_an_appropriate_body_with_the_permission(svc, fake_trs_sync, token_issuer, support):
    import uuid
    fake_trs_sync.add("1234567")
    school = token_issuer.school_user(str(uuid.uuid4()))
    response = svc.client.post("/claims", json=CLAIM, headers={"Authorization": f"Bearer {school}"})
    assert response.status_code == 403
    assert support.post("/claims", {**CLAIM, "appropriate_body_id": AB}).status_code == 403
    blended = token_issuer.issue(memberships=[{"organisation_id": AB, "organisation_type": "appropriate_body",
                                               "role": "end_user"}], mode="blended")
    missing = svc.client.post("/claims", json=CLAIM, headers={"Authorization": f"Bearer {blended}"})
    assert missing.status_code == 422 and "appropriate_body_id" in missing.json["fields"]
    ok = svc.client.post("/claims", json={**CLAIM, "appropriate_body_id": AB}, headers={"Authorization": f"Bearer {blended}"})
    assert ok.status_code == 201


def test_a_claim_racing_the_registration_event_waits_for_it_and_claims_the_same_record(svc, fake_trs_sync, ab):
    """The registration event's handler and a claim both find no induction and would create one: the claim waits
    for the handler's commit and then claims that record (no duplicate, no 500)."""
    import threading

    from ecf_shared.events.envelope import SYSTEM, new_event
    from ecf_shared.uow import UnitOfWork
    from inductions.handlers import open_in_flight_induction
    from test_in_flight_inductions import registered

    handler_inside, let_handler_commit = threading.Event(), threading.Event()

    class CommitWhenTold(UnitOfWork):
        def commit(self):
            handler_inside.set()
            let_handler_commit.wait(10)
            super().commit()

    event = new_event("registrations.ect.registered", registered("1234567"), producer="registrations", actor=SYSTEM)

    def handle():
        with CommitWhenTold(svc.db, producer="inductions") as uow:
            open_in_flight_induction(uow, event)

    handler = threading.Thread(target=handle)
    handler.start()
    assert handler_inside.wait(10)
    fake_trs_sync.add("1234567")
    claimed = {}
    claim = threading.Thread(target=lambda: claimed.update(response=ab.post("/claims", CLAIM)))
    claim.start()
    claim.join(0.5)
    assert claim.is_alive(), "the claim must wait for the handler's transaction"
    let_handler_commit.set()
    handler.join(10)
    claim.join(10)
    assert claimed["response"].status_code == 201, claimed["response"].json
    statuses = [(e["data"]["old_status"], e["data"]["new_status"]) for e in svc.outbox_events("inductions.induction.status_changed")]
    assert statuses == [(None, "RequiredToComplete"), ("RequiredToComplete", "InProgress")]


def test_checking_a_claim_answers_the_teacher_or_the_refusal_a_claim_would_get_and_changes_nothing(
        svc, fake_trs_sync, ab, other_ab):
    check = {"trn": "1234567", "date_of_birth": "1995-04-01"}
    fake_trs_sync.add("1234567", first="Ada", last="Lovelace")
    found = ab.post("/claims/check", check)
    assert found.status_code == 200, found.json
    assert (found.json["first_name"], found.json["qts_awarded_on"], found.json["induction_status"]) == (
        "Ada", "2025-07-20", "RequiredToComplete")
    assert ab.get("/ects").json == [] and svc.outbox_events() == []
    assert ab.post("/claims/check", {**check, "date_of_birth": "1990-01-01"}).json["code"] == "teacher_not_found"
    ab.post("/claims", CLAIM)
    assert ab.post("/claims/check", check).json["code"] == "already_claimed"
    refused = other_ab.post("/claims/check", check)
    assert (refused.status_code, refused.json["code"]) == (409, "claimed_by_another_appropriate_body")
    for trn, kwargs, code in (("2000001", {"status": "Passed"}, "induction_already_completed"),
                              ("2000002", {"prohibited": True}, "prohibited_from_teaching"),
                              ("2000003", {"qts": None}, "no_qts")):
        fake_trs_sync.add(trn, **kwargs)
        assert ab.post("/claims/check", {**check, "trn": trn}).json["code"] == code
    assert ab.post("/claims/check", {"trn": "12", "date_of_birth": "x"}).status_code == 422
