"""Every endpoint's answers validate against the schema the v3 document gives for that operation;
the document is served, and a readable page is rendered from it."""
import uuid
from datetime import date

from lp_events import ect_registration, organisation
from test_partnerships_and_reference import create, org, relate
from test_source_events import moved_school
from v3_schema import assert_valid, response_schema_name


def test_every_endpoint_answers_as_the_v3_document_says(svc, make_provider):
    provider, other = make_provider(), make_provider()
    school = org(svc, urn="500005")
    partner = org(svc, "delivery_partner", name="Delta Partners")
    relate(svc, provider, partner, 2025)
    partnership = create(provider, school, partner).json["data"]["id"]
    ect = ect_registration(lead_provider_id=provider.id, school_id=school, school_urn="500005")
    mover = ect_registration(lead_provider_id=provider.id, school_id=school, school_urn="500005", trn="2345678")
    mentor_id = str(uuid.uuid4())
    for event_type, data in [("registrations.ect.registered", ect), ("registrations.ect.registered", mover)]:
        svc.send(event_type, data)
    svc.consume()
    svc.send("accounts.organisation.created", organisation(organisation_id=other.id, type="lead_provider", urn=None,
                                                           name="Other Provider"))
    svc.send("registrations.teacher.moved_school", moved_school(mover, lead_provider_id=other.id))
    svc.send("registrations.mentorship.started", {
        "mentorship_id": str(uuid.uuid4()), "school_id": school, "ect_period_id": ect["ect_period_id"],
        "ect_teacher_id": ect["teacher_id"], "mentor_period_id": str(uuid.uuid4()), "mentor_teacher_id": mentor_id,
        "started_on": date(2025, 9, 1)})
    svc.send("registrations.mentor.registered", {
        "mentor_period_id": str(uuid.uuid4()), "teacher_id": mentor_id, "trn": "7654321", "first_name": "Mary",
        "last_name": "Mentor", "school_id": school, "started_on": date(2025, 9, 1), "email": "mary@example.com",
        "registered_by": {"name": "Grace Head"}, "registered_at": ect["registered_at"]})
    svc.consume()

    participant = ect["teacher_id"]
    cohort = {"filter[cohort]": "2025"}
    reads = [
        ("/api/v3/participants/ecf", "/api/v3/participants/ecf", {}),
        ("/api/v3/participants/ecf/{id}", f"/api/v3/participants/ecf/{participant}", {}),
        ("/api/v3/participants/ecf/transfers", "/api/v3/participants/ecf/transfers", {}),
        ("/api/v3/participants/ecf/{id}/transfers", f"/api/v3/participants/ecf/{mover['teacher_id']}/transfers", {}),
        ("/api/v3/partnerships/ecf", "/api/v3/partnerships/ecf", {}),
        ("/api/v3/partnerships/ecf/{id}", f"/api/v3/partnerships/ecf/{partnership}", {}),
        ("/api/v3/schools/ecf", "/api/v3/schools/ecf", cohort),
        ("/api/v3/schools/ecf/{id}", f"/api/v3/schools/ecf/{school}", cohort),
        ("/api/v3/delivery-partners", "/api/v3/delivery-partners", {}),
        ("/api/v3/delivery-partners/{id}", f"/api/v3/delivery-partners/{partner}", {}),
        ("/api/v3/unfunded-mentors/ecf", "/api/v3/unfunded-mentors/ecf", {}),
        ("/api/v3/unfunded-mentors/ecf/{id}", f"/api/v3/unfunded-mentors/ecf/{mentor_id}", {}),
    ]
    for template, path, query in reads:
        response = provider.get(path, query)
        assert response.status_code == 200, (path, response.json)
        assert response.json["data"], path  # something real was validated
        assert_valid(response.json, response_schema_name(template, "get", 200))
        assert_valid(svc.client.get(path).json, response_schema_name(template, "get", 401))
        if "{id}" in template:
            missing = provider.get(template.replace("{id}", str(uuid.uuid4())), query)
            assert missing.status_code == 404
            assert_valid(missing.json, response_schema_name(template, "get", 404))

    writes = [
        ("/api/v3/participants/ecf/{id}/change-schedule", {"data": {"type": "participant-change-schedule", "attributes": {
            "schedule_identifier": "ecf-standard-january", "course_identifier": "ecf-induction"}}}),
        ("/api/v3/participants/ecf/{id}/defer", {"data": {"type": "participant-defer", "attributes": {
            "reason": "bereavement", "course_identifier": "ecf-induction"}}}),
        ("/api/v3/participants/ecf/{id}/resume", {"data": {"type": "participant-resume", "attributes": {
            "course_identifier": "ecf-induction"}}}),
        ("/api/v3/participants/ecf/{id}/withdraw", {"data": {"type": "participant-withdraw", "attributes": {
            "reason": "other", "course_identifier": "ecf-induction"}}}),
    ]
    for template, body in writes:
        response = provider.put(template.replace("{id}", participant), body)
        assert response.status_code == 200, (template, response.json)
        assert_valid(response.json, response_schema_name(template, "put", 200))
    update = provider.put(f"/api/v3/partnerships/ecf/{partnership}", {"data": {
        "type": "ecf-partnership-update", "attributes": {"delivery_partner_id": partner}}})
    assert_valid(update.json, response_schema_name("/api/v3/partnerships/ecf/{id}", "put", 200))
    refused = create(provider, school, partner)
    assert refused.status_code == 422
    assert_valid(refused.json, response_schema_name("/api/v3/partnerships/ecf", "post", 422))


def test_the_docs_page_lists_paths_parameters_and_schemas_without_outside_assets(svc):
    response = svc.client.get("/api/v3/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for expected in ("/api/v3/participants/ecf/{id}/withdraw", "filter[cohort]", 'id="schema-ECFEnrolment"',
                     "induction_tutor_email", "Beyond v3", "<code>expression_of_interest</code>",
                     "<code>school_contacts</code>", "<code>registered_by</code>",
                     "GET /api/v3/participants/ecf/expressions-of-interest"):
        assert expected in page
    assert "<script" not in page and "http://" not in page.replace('href="openapi.json"', "")


def test_declarations_and_statements_answer_as_the_v3_document_says(svc, make_provider):
    from declaration_kit import NOW, body, ect, set_now

    set_now(svc, NOW)
    provider = make_provider()
    teacher_id = ect(svc, provider)["teacher_id"]
    declared = provider.post("/api/v3/participant-declarations", body(teacher_id))
    assert declared.status_code == 200, declared.json
    assert_valid(declared.json, response_schema_name("/api/v3/participant-declarations", "post", 200))
    declaration = declared.json["data"]["id"]
    statement = declared.json["data"]["attributes"]["statement_id"]
    reads = [
        ("/api/v3/participant-declarations", "/api/v3/participant-declarations"),
        ("/api/v3/participant-declarations/{id}", f"/api/v3/participant-declarations/{declaration}"),
        ("/api/v3/statements", "/api/v3/statements"),
        ("/api/v3/statements/{id}", f"/api/v3/statements/{statement}"),
    ]
    for template, path in reads:
        response = provider.get(path)
        assert response.status_code == 200, (path, response.json)
        assert response.json["data"], path
        assert_valid(response.json, response_schema_name(template, "get", 200))
        assert_valid(svc.client.get(path).json, response_schema_name(template, "get", 401))
        if "{id}" in template:
            missing = provider.get(template.replace("{id}", str(uuid.uuid4())))
            assert missing.status_code == 404
            assert_valid(missing.json, response_schema_name(template, "get", 404))
    refused = provider.post("/api/v3/participant-declarations", body(teacher_id, declaration_date="2025-10-02T10:00:00Z"))
    assert refused.status_code == 422
    assert_valid(refused.json, response_schema_name("/api/v3/participant-declarations", "post", 422))
    bad = provider.post("/api/v3/participant-declarations", {"data": "nothing"})
    assert bad.status_code == 400
    assert_valid(bad.json, response_schema_name("/api/v3/participant-declarations", "post", 400))
    assert_valid(svc.client.post("/api/v3/participant-declarations", json={}).json,
                 response_schema_name("/api/v3/participant-declarations", "post", 401))
    voided = provider.put(f"/api/v3/participant-declarations/{declaration}/void")
    assert voided.status_code == 200 and voided.json["data"]["attributes"]["state"] == "voided"
    assert_valid(voided.json, response_schema_name("/api/v3/participant-declarations/{id}/void", "put", 200))
