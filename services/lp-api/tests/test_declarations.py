"""POST, GET and void /api/v3/participant-declarations: v3's rules and messages, one declaration however often or
however concurrently it is sent, and nothing of another lead provider's."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from declaration_kit import DECLARATIONS, NOW, body, count, declare, ect, mentor, set_now, statement_for

from lp_api.declarations import rules
from lp_events import bearer, training_change
from v3_schema import assert_valid, response_schema_name


@pytest.fixture(autouse=True)
def clock(svc):
    set_now(svc, NOW)


def test_a_declaration_is_eligible_on_the_next_open_statement_and_reads_back(svc, make_provider):
    provider = make_provider()
    participant = ect(svc, provider)
    response = declare(provider, participant["teacher_id"], declaration_date="2025-10-01T10:00:00+01:00")
    assert response.status_code == 200, response.json
    assert_valid(response.json, response_schema_name(DECLARATIONS, "post", 200))
    declaration = response.json["data"]
    attributes = declaration["attributes"]
    january = statement_for(provider, 2025, "January", "2027")
    assert attributes == {
        "participant_id": participant["teacher_id"], "declaration_type": "started",
        "declaration_date": "2025-10-01T09:00:00.000Z", "course_identifier": "ecf-induction", "state": "eligible",
        "updated_at": attributes["updated_at"], "created_at": attributes["created_at"],
        "delivery_partner_id": participant["training"]["delivery_partner_id"], "statement_id": january["id"],
        "clawback_statement_id": None, "ineligible_for_funding_reason": None, "mentor_id": None, "uplift_paid": False,
        "evidence_held": None, "has_passed": None, "lead_provider_name": ""}
    assert january["attributes"]["cut_off_date"] == "2026-12-31" and january["attributes"]["paid"] is False
    one = provider.get(f"{DECLARATIONS}/{declaration['id']}")
    assert one.json == response.json
    assert_valid(one.json, response_schema_name(f"{DECLARATIONS}/{{id}}", "get", 200))
    listed = provider.get(DECLARATIONS)
    assert listed.json == {"data": [declaration]}
    assert_valid(listed.json, response_schema_name(DECLARATIONS, "get", 200))
    [event] = svc.outbox_events("lp-api.declaration.recorded")  # submitted, and judged at once
    assert (event["data"]["previous_state"], event["data"]["state"], event["data"]["statement_id"]) == (
        "submitted", "eligible", january["id"])
    assert event["actor"] == {"type": "lead_provider", "user_id": provider.token_id, "email": None, "name": None,
                              "organisation_id": provider.id}
    assert count(svc, "select count(*) from api_audit where subject_id = :id and token_id = :token "
                      "and details->>'from' = 'submitted' and details->>'to' = 'eligible'",
                 id=declaration["id"], token=provider.token_id) == 1


def test_a_mentors_declaration_names_their_course_and_an_ects_names_their_mentor(svc, make_provider):
    provider = make_provider()
    teacher = mentor(svc, provider)
    response = declare(provider, teacher["teacher_id"], course_identifier="ecf-mentor")
    assert response.status_code == 200, response.json
    assert response.json["data"]["attributes"]["course_identifier"] == "ecf-mentor"
    mentee = ect(svc, provider, trn="2000001")
    svc.send("registrations.mentorship.started", {
        "mentorship_id": "8d7bd2c6-4bbd-4f5e-9e37-9f5a3a7d0e11", "school_id": mentee["school_id"],
        "ect_period_id": mentee["ect_period_id"], "ect_teacher_id": mentee["teacher_id"],
        "mentor_period_id": teacher["mentor_period_id"], "mentor_teacher_id": teacher["teacher_id"],
        "started_on": date(2025, 9, 1)})
    svc.consume()
    declared = declare(provider, mentee["teacher_id"]).json["data"]["attributes"]
    assert declared["mentor_id"] == teacher["teacher_id"]


# --- every refusal, in v3's words ----------------------------------------------------------------------------------
def refusal(response, title: str, detail: str) -> None:
    assert response.status_code == 422, response.json
    assert response.json == {"errors": [{"title": title, "detail": detail}]}
    assert_valid(response.json, response_schema_name(DECLARATIONS, "post", 422))


@pytest.fixture
def provider_and_ect(svc, make_provider):
    provider = make_provider()
    return provider, ect(svc, provider)["teacher_id"]


@pytest.mark.parametrize("attributes, title, detail", [
    ({"participant_id": None}, "participant_id", rules.PARTICIPANT_MISSING),
    ({"participant_id": "not-a-uuid"}, "participant_id", rules.PARTICIPANT_UNKNOWN),
    ({"participant_id": "5e3b8c44-5d0b-4df7-8a3c-52b3a3bb0c0e"}, "participant_id", rules.PARTICIPANT_UNKNOWN),
    ({"course_identifier": "ecf-mentor"}, "course_identifier", rules.COURSE_UNKNOWN),
    ({"course_identifier": "npq-leading-teaching"}, "course_identifier", rules.COURSE_UNKNOWN),
    ({"declaration_date": None}, "declaration_date", rules.DATE_MISSING),
    ({"declaration_date": "2025-10-01"}, "declaration_date", rules.DATE_INVALID),
    ({"declaration_date": "2025-02-30T10:00:00Z"}, "declaration_date", rules.DATE_INVALID),
    ({"declaration_date": 20251001}, "declaration_date", rules.DATE_INVALID),
    ({"declaration_date": "2026-11-15T12:00:01Z"}, "declaration_date", rules.DATE_FUTURE),
    ({"declaration_type": None}, "declaration_type", rules.TYPE_MISSING),
    ({"declaration_type": "extended-1"}, "declaration_type", rules.TYPE_NOT_IN_SCHEDULE),
    ({"declaration_type": "finished"}, "declaration_type", rules.TYPE_NOT_IN_SCHEDULE),
    ({"declaration_date": "2025-06-30T22:59:59Z"}, "declaration_date", rules.BEFORE_MILESTONE),  # 23:59 in London
    ({"declaration_type": "retained-1"}, "evidence_held", rules.EVIDENCE_MISSING),
    ({"declaration_type": "retained-2", "evidence_held": "other"}, "evidence_held", rules.EVIDENCE_INVALID),
    ({"declaration_type": "completed", "evidence_held": "training-event-attended"}, "evidence_held",
     rules.EVIDENCE_INVALID),
    ({"evidence_held": "75-percent-engagement-met"}, "evidence_held", rules.EVIDENCE_INVALID),
])
def test_each_refusal_answers_with_v3s_message(svc, provider_and_ect, attributes, title, detail):
    provider, teacher_id = provider_and_ect
    sent = body(teacher_id, **{k: v for k, v in attributes.items() if k != "participant_id"})
    if "participant_id" in attributes:
        sent["data"]["attributes"]["participant_id"] = attributes["participant_id"]
    refusal(provider.post(DECLARATIONS, sent), title, detail)
    assert count(svc, "select count(*) from declarations") == 0


def test_several_refusals_come_together(provider_and_ect):
    provider, _ = provider_and_ect
    response = provider.post(DECLARATIONS, body(None, declaration_date="yesterday", declaration_type=None))
    assert response.status_code == 422
    assert response.json == {"errors": [{"title": "participant_id", "detail": rules.PARTICIPANT_MISSING},
                                        {"title": "declaration_type", "detail": rules.TYPE_MISSING},
                                        {"title": "declaration_date", "detail": rules.DATE_INVALID}]}


def test_another_providers_participant_is_not_recognised(svc, make_provider):
    provider, other = make_provider(), make_provider()
    theirs = ect(svc, other)["teacher_id"]
    refusal(declare(provider, theirs), "participant_id", rules.PARTICIPANT_UNKNOWN)


def test_a_malformed_body_is_a_bad_request(provider_and_ect):
    provider, _ = provider_and_ect
    for sent in ({}, {"data": []}, {"data": {"type": "participant-withdraw", "attributes": {}}}, None):
        response = provider.post(DECLARATIONS, sent)
        assert response.status_code == 400, sent
        assert response.json["errors"][0]["detail"] == "correct json data structure required. See API docs for reference."


def test_outside_a_published_milestone_window(svc, make_provider):
    provider = make_provider()
    teacher_id = ect(svc, provider, cohort=2024)["teacher_id"]
    # 2024, ecf-standard-september: started from 1 June to 31 December 2024; retained-1 from 1 January 2025.
    refusal(declare(provider, teacher_id, declaration_date="2025-01-01T00:00:00Z"), "declaration_date",
            rules.AFTER_MILESTONE)
    refusal(declare(provider, teacher_id, declaration_date="2024-05-31T12:00:00Z"), "declaration_date",
            rules.BEFORE_MILESTONE)
    refusal(declare(provider, teacher_id, declaration_type="retained-1", declaration_date="2025-02-01T00:00:00Z",
                    evidence_held="materials-engaged-with-offline"), "evidence_held", rules.EVIDENCE_INVALID)
    started = declare(provider, teacher_id, declaration_date="2024-12-31T23:59:00Z", evidence_held="other")
    assert started.status_code == 200, started.json
    assert started.json["data"]["attributes"]["evidence_held"] is None  # not recorded for a started one before 2025
    retained = declare(provider, teacher_id, declaration_type="retained-1", declaration_date="2025-02-01T00:00:00Z",
                       evidence_held="self-study-material-completed")
    assert retained.status_code == 200, retained.json


def test_mentors_from_2025_declare_started_and_completed_only(svc, make_provider):
    provider = make_provider()
    teacher_id = mentor(svc, provider)["teacher_id"]
    refusal(declare(provider, teacher_id, course_identifier="ecf-mentor", declaration_type="retained-1",
                    evidence_held="other"), "declaration_type", rules.MENTOR_ONLY_STARTED_OR_COMPLETED)
    refusal(declare(provider, teacher_id, course_identifier="ecf-induction"), "course_identifier", rules.COURSE_UNKNOWN)


def test_a_second_declaration_of_the_same_milestone_is_refused_until_the_first_is_voided(svc, provider_and_ect):
    provider, teacher_id = provider_and_ect
    first = declare(provider, teacher_id).json["data"]
    refusal(declare(provider, teacher_id, declaration_date="2025-10-02T10:00:00Z"), "base", rules.ALREADY_DECLARED)
    assert provider.put(f"{DECLARATIONS}/{first['id']}/void").status_code == 200
    again = declare(provider, teacher_id, declaration_date="2025-10-02T10:00:00Z")
    assert again.status_code == 200 and again.json["data"]["id"] != first["id"]


def test_a_withdrawn_participant_cannot_be_declared_after_the_withdrawal(svc, make_provider):
    provider = make_provider()
    participant = ect(svc, provider)
    svc.send("registrations.training.changed", training_change(participant, change="withdrawn", status="withdrawn",
                                                               reason="other"))  # effective 1 October 2025
    svc.consume()
    refusal(declare(provider, participant["teacher_id"], declaration_date="2025-10-01T00:00:00Z"), "participant_id",
            rules.WITHDRAWN.format(date="2025-10-01T00:00:00Z"))
    assert declare(provider, participant["teacher_id"], declaration_date="2025-09-30T23:59:59Z").status_code == 200


def test_no_open_statement_left_for_the_cohort(svc, make_provider):
    provider = make_provider()
    teacher_id = ect(svc, provider, cohort=2021)["teacher_id"]
    refusal(declare(provider, teacher_id, declaration_date="2021-10-01T10:00:00Z"), "cohort",
            rules.NO_OPEN_STATEMENT.format(cohort=2021))


# --- once, however often or however concurrently ---------------------------------------------------------------------
def test_an_identical_repeat_answers_the_declaration_it_made(svc, provider_and_ect):
    provider, teacher_id = provider_and_ect
    first = declare(provider, teacher_id, declaration_date="2025-10-01T11:00:00+01:00")
    again = declare(provider, teacher_id, declaration_date="2025-10-01T10:00:00Z")  # the same instant
    assert again.status_code == 200 and again.json == first.json
    assert count(svc, "select count(*) from declarations") == 1
    assert len(svc.outbox_events("lp-api.declaration.recorded")) == 1


def test_concurrent_identical_declarations_make_one(svc, make_provider):
    provider = make_provider()
    teacher_id = ect(svc, provider)["teacher_id"]

    def send(_):
        return svc.app.test_client().post(DECLARATIONS, json=body(teacher_id), headers=provider.headers())

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(send, range(12)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json["data"]["id"] for a in answers}) == 1
    assert count(svc, "select count(*) from declarations") == 1


# --- lead providers apart ---------------------------------------------------------------------------------------------
def test_two_lead_providers_never_see_each_others_declarations(svc, make_provider, issue_token):
    provider, other = make_provider(), make_provider()
    mine = declare(provider, ect(svc, provider)["teacher_id"]).json["data"]
    theirs = declare(other, ect(svc, other, trn="2000002")["teacher_id"]).json["data"]
    assert [d["id"] for d in provider.get(DECLARATIONS).json["data"]] == [mine["id"]]
    assert [d["id"] for d in other.get(DECLARATIONS).json["data"]] == [theirs["id"]]
    missing = provider.get(f"{DECLARATIONS}/{theirs['id']}")
    assert missing.status_code == 404
    assert_valid(missing.json, response_schema_name(f"{DECLARATIONS}/{{id}}", "get", 404))
    assert provider.put(f"{DECLARATIONS}/{theirs['id']}/void").status_code == 404
    assert other.get(DECLARATIONS, {"filter[participant_id]": mine["attributes"]["participant_id"]}).json == {"data": []}
    assert other.get(f"/api/v3/statements/{mine['attributes']['statement_id']}").status_code == 404
    # A second token of the same provider sees the same declarations.
    _, token = issue_token(provider.id)
    assert svc.client.get(DECLARATIONS, headers=bearer(token)).json["data"] == provider.get(DECLARATIONS).json["data"]


def test_a_milestone_another_provider_holds_is_ineligible_for_the_next(svc, make_provider):
    provider, other = make_provider(), make_provider()
    participant = ect(svc, provider)
    first = declare(provider, participant["teacher_id"]).json["data"]
    svc.send("registrations.training.changed", training_change(participant, change="lead_provider_changed",
                                                               lead_provider_id=other.id))
    svc.consume()
    second = declare(other, participant["teacher_id"], declaration_date="2025-10-05T10:00:00Z")
    assert second.status_code == 200, second.json
    attributes = second.json["data"]["attributes"]
    assert (attributes["state"], attributes["ineligible_for_funding_reason"], attributes["statement_id"]) == (
        "ineligible", "duplicate_declaration", None)
    assert [d["id"] for d in other.get(DECLARATIONS).json["data"]] == [second.json["data"]["id"]]
    assert [d["id"] for d in provider.get(DECLARATIONS).json["data"]] == [first["id"]]
    retained = declare(other, participant["teacher_id"], declaration_type="retained-1",
                       declaration_date="2026-01-10T10:00:00Z", evidence_held="other")
    assert retained.json["data"]["attributes"]["state"] == "eligible"


def test_filters_and_pages(svc, make_provider):
    provider = make_provider()
    first, second = ect(svc, provider), ect(svc, provider, trn="2000003", cohort=2026)
    a = declare(provider, first["teacher_id"]).json["data"]
    b = declare(provider, second["teacher_id"], declaration_date="2026-09-10T10:00:00Z").json["data"]

    def ids(**query):
        return [d["id"] for d in provider.get(DECLARATIONS, {f"filter[{k}]": v for k, v in query.items()}).json["data"]]

    assert ids() == [a["id"], b["id"]]
    assert ids(cohort="2026") == [b["id"]] and ids(cohort="2025,2026") == [a["id"], b["id"]] and ids(cohort="x") == []
    assert ids(participant_id=f"{first['teacher_id']},nonsense") == [a["id"]]
    assert ids(delivery_partner_id=second["training"]["delivery_partner_id"]) == [b["id"]]
    assert ids(updated_since=b["attributes"]["updated_at"]) == [b["id"]]
    assert [d["id"] for d in provider.get(DECLARATIONS, {"page[per_page]": "1", "page[page]": "2"}).json["data"]] == [
        b["id"]]
    assert provider.get(DECLARATIONS, {"page[per_page]": "1", "page[page]": "3"}).json == {"data": []}
    assert provider.get(DECLARATIONS, {"filter[updated_since]": "soon"}).status_code == 400
