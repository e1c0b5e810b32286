"""Partnerships (created and changed here), schools, delivery partners and unfunded mentors, per lead provider."""
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from lp_api.definition import DEFINITION
from lp_events import ect_registration, organisation, training_change
from v3_schema import assert_valid

PARTNERSHIPS = "/api/v3/partnerships/ecf"
INTERESTS = "/api/v3/participants/ecf/expressions-of-interest"


def org(svc, type_="school", **kw) -> str:
    organisation_id = str(uuid.uuid4())
    data = organisation(organisation_id=organisation_id, type=type_, urn=kw.pop("urn", None), **kw)
    svc.send("accounts.organisation.created", {**data, "eligible": type_ == "school" and kw.get("status") != "closed"})
    svc.consume()
    return organisation_id


def relate(svc, provider, delivery_partner_id, *cohorts):
    argv = ["--lead-provider-id", provider.id, "--delivery-partner-id", delivery_partner_id]
    for cohort in cohorts:
        argv += ["--cohort", str(cohort)]
    assert DEFINITION.commands["add-delivery-partner"](svc.settings, argv) == 0


def create(provider, school_id, delivery_partner_id, cohort="2025"):
    return provider.post(PARTNERSHIPS, {"data": {"type": "ecf-partnership", "attributes": {
        "cohort": cohort, "school_id": school_id, "delivery_partner_id": delivery_partner_id}}})


@pytest.fixture
def world(svc, make_provider):
    provider, other = make_provider(), make_provider()
    school = org(svc, urn="300003")
    partner = org(svc, "delivery_partner", name="Delta Partners")
    relate(svc, provider, partner, 2025, 2026)
    return provider, other, school, partner


def test_create_a_partnership_with_the_schools_contacts(svc, world):
    provider, other, school, partner = world
    svc.send("accounts.school_contacts.changed", {"organisation_id": school, "contact_email": "office@s.example",
                                                  "induction_tutors": [{"name": "Tess Tutor", "email": "tess@s.example"}],
                                                  "user_emails": ["head@s.example"]})
    svc.consume()
    response = create(provider, school, partner)
    assert response.status_code == 200, response.json
    assert_valid(response.json, "ECFPartnershipResponse")
    attributes = response.json["data"]["attributes"]
    assert attributes["urn"] == "300003" and attributes["delivery_partner_name"] == "Delta Partners"
    assert (attributes["induction_tutor_name"], attributes["induction_tutor_email"]) == ("Tess Tutor", "tess@s.example")
    assert {c["email"] for c in attributes["school_contacts"]} == {"tess@s.example", "office@s.example", "head@s.example"}
    [event] = svc.outbox_events("lp-api.partnership.created")
    assert event["data"]["school_id"] == school and event["data"]["cohort"] == 2025
    partnership_id = response.json["data"]["id"]
    assert provider.get(f"{PARTNERSHIPS}/{partnership_id}").json == response.json
    assert other.get(f"{PARTNERSHIPS}/{partnership_id}").status_code == 404
    assert other.get(PARTNERSHIPS).json == {"data": []}

    # The tutor leaves: the school's contact email stands in, and updated_at moves.
    svc.send("accounts.school_contacts.changed", {"organisation_id": school, "contact_email": "office@s.example",
                                                  "induction_tutors": []})
    svc.consume()
    after = provider.get(f"{PARTNERSHIPS}/{partnership_id}").json["data"]["attributes"]
    assert (after["induction_tutor_name"], after["induction_tutor_email"]) == (None, "office@s.example")
    assert after["updated_at"] > attributes["updated_at"]


def test_v3_validation_errors(svc, world, make_provider):
    provider, other, school, partner = world
    stranger = org(svc, "delivery_partner", name="Stranger")
    closed = org(svc, urn="400004", status="closed")
    cases = [
        (create(provider, school, stranger), "Not a delivery partner you have a relationship with for this cohort"),
        (create(provider, school, partner, cohort="2024"),
         "Not a delivery partner you have a relationship with for this cohort"),
        (create(provider, closed, partner), "The school you have entered has not registered to deliver DfE-funded "
                                            "training. Contact the school for more information."),
        (create(provider, str(uuid.uuid4()), partner), "school_id"),
        (create(provider, school, "nope"), "delivery_partner_id"),
        (create(provider, school, partner, cohort="next year"), "cohort"),
    ]
    for response, title in cases:
        assert response.status_code == 422 and response.json["errors"][0]["title"] == title, response.json
    assert create(provider, school, partner).status_code == 200
    again = create(provider, school, partner)
    assert again.status_code == 422 and again.json["errors"][0]["title"] == "Partnership already exists"
    relate(svc, other, partner, 2025)
    theirs = create(other, school, partner)
    assert theirs.status_code == 422 and theirs.json["errors"][0]["title"] == "Recruited by other provider"
    assert len(svc.outbox_events()) == 1
    bad = provider.post(PARTNERSHIPS, {"nope": 1})
    assert bad.status_code == 400 and bad.json["errors"][0]["title"] == "Bad parameter"


def test_change_the_delivery_partner_and_filter(svc, world):
    provider, other, school, partner = world
    created = create(provider, school, partner).json["data"]
    second = org(svc, "delivery_partner", name="Echo Partners")
    path = f"{PARTNERSHIPS}/{created['id']}"
    update = {"data": {"type": "ecf-partnership-update", "attributes": {"delivery_partner_id": second}}}
    assert provider.put(path, update).status_code == 422  # no relationship with Echo yet
    relate(svc, provider, second, 2025)
    response = provider.put(path, update)
    assert response.status_code == 200 and response.json["data"]["attributes"]["delivery_partner_name"] == "Echo Partners"
    [event] = svc.outbox_events("lp-api.partnership.updated")
    assert event["data"]["previous_delivery_partner_id"] == partner
    assert other.put(path, update).status_code == 404
    listed = lambda **f: [p["id"] for p in provider.get(PARTNERSHIPS, {f"filter[{k}]": v for k, v in f.items()}).json["data"]]  # noqa: E731
    assert listed(delivery_partner_id=second) == [created["id"]] and listed(delivery_partner_id=partner) == []
    assert listed(cohort="2025,2026") == [created["id"]] and listed(cohort="2026") == []
    with svc.db.engine.connect() as conn:
        actions = conn.execute(text("select action from api_audit order by id")).scalars().all()
    assert "partnership_created" in actions and "partnership_delivery_partner_changed" in actions


def test_schools_need_a_cohort_and_show_partnerships(svc, world):
    provider, other, school, partner = world
    missing = provider.get("/api/v3/schools/ecf")
    assert missing.status_code == 400 and "'#/cohort'" in missing.json["errors"][0]["detail"]
    before = provider.get("/api/v3/schools/ecf", {"filter[cohort]": "2025"}).json
    assert_valid(before, "MultipleECFSchoolsResponse")
    assert [s["attributes"]["in_partnership"] for s in before["data"]] == [False]
    create(provider, school, partner)
    after = other.get(f"/api/v3/schools/ecf/{school}", {"filter[cohort]": "2025"}).json
    assert_valid(after, "ECFSchoolResponse")
    assert after["data"]["attributes"]["in_partnership"] is True
    assert after["data"]["attributes"]["updated_at"] > before["data"][0]["attributes"]["updated_at"]
    by_urn = provider.get("/api/v3/schools/ecf", {"filter[cohort]": "2025", "filter[urn]": "999999"}).json
    assert by_urn == {"data": []}


def test_delivery_partners_are_the_providers_own(svc, world):
    provider, other, school, partner = world
    listed = provider.get("/api/v3/delivery-partners").json
    assert_valid(listed, "DeliveryPartnersResponse")
    assert [(d["id"], d["attributes"]["cohort"]) for d in listed["data"]] == [(partner, ["2025", "2026"])]
    assert_valid(provider.get(f"/api/v3/delivery-partners/{partner}").json, "DeliveryPartnerResponse")
    assert provider.get("/api/v3/delivery-partners", {"filter[cohort]": "2024"}).json == {"data": []}
    assert other.get("/api/v3/delivery-partners").json == {"data": []}
    assert other.get(f"/api/v3/delivery-partners/{partner}").status_code == 404


def test_unfunded_mentors_are_mentors_of_the_providers_ects_it_does_not_train(svc, make_provider):
    provider, other = make_provider(), make_provider()
    ect = ect_registration(lead_provider_id=provider.id)
    mentor_id = str(uuid.uuid4())
    svc.send("registrations.ect.registered", ect)
    svc.send("registrations.mentor.registered", {
        "mentor_period_id": str(uuid.uuid4()), "teacher_id": mentor_id, "trn": "7654321", "first_name": "Mary",
        "last_name": "Mentor", "school_id": ect["school_id"], "started_on": date(2025, 9, 1),
        "email": "mary@example.com", "registered_by": {"name": "Grace Head"}, "registered_at": ect["registered_at"]})
    svc.consume()
    svc.send("registrations.mentorship.started", {
        "mentorship_id": str(uuid.uuid4()), "school_id": ect["school_id"], "ect_period_id": ect["ect_period_id"],
        "ect_teacher_id": ect["teacher_id"], "mentor_period_id": str(uuid.uuid4()), "mentor_teacher_id": mentor_id,
        "started_on": date(2025, 9, 1)})
    svc.consume()
    listed = provider.get("/api/v3/unfunded-mentors/ecf").json
    assert_valid(listed, "MultipleUnfundedMentorsResponse")
    assert [(m["id"], m["attributes"]["email"]) for m in listed["data"]] == [(mentor_id, "mary@example.com")]
    assert_valid(provider.get(f"/api/v3/unfunded-mentors/ecf/{mentor_id}").json, "UnfundedMentorResponse")
    assert other.get("/api/v3/unfunded-mentors/ecf").json == {"data": []}
    assert other.get(f"/api/v3/unfunded-mentors/ecf/{mentor_id}").status_code == 404


def register_interest(svc, provider, school) -> dict:
    """An ECT the school chose the provider for before any partnership: an expression of interest."""
    registration = ect_registration(lead_provider_id=provider.id, school_id=school, school_urn="300003")
    registration["training"]["delivery_partner_id"] = None
    svc.send("registrations.ect.registered", registration)
    svc.consume()
    return registration


def test_schools_show_the_expressions_of_interest_they_gave_each_provider(svc, world):
    """A school that chose a provider for a teacher before any partnership: that provider sees the interest on
    the school (beyond v3; every provider sees the school's choice is provider-led), updated_at moves with it,
    and it ends when the teacher's training comes through the provider's partnership."""
    provider, other, school, partner = world
    schools = lambda who: who.get(f"/api/v3/schools/ecf/{school}", {"filter[cohort]": "2025"}).json  # noqa: E731
    before = schools(provider)["data"]["attributes"]
    assert (before["expression_of_interest"], before["induction_programme_choice"]) == (False, "not_yet_known")

    registration = register_interest(svc, provider, school)
    interested, seen_by_other = schools(provider), schools(other)
    assert_valid(interested, "ECFSchoolResponse")
    attributes = interested["data"]["attributes"]
    assert attributes["expression_of_interest"] is True and attributes["in_partnership"] is False
    assert attributes["induction_programme_choice"] == "provider_led" and attributes["updated_at"] > before["updated_at"]
    assert seen_by_other["data"]["attributes"]["expression_of_interest"] is False
    assert seen_by_other["data"]["attributes"]["induction_programme_choice"] == "provider_led"
    since = provider.get("/api/v3/schools/ecf", {"filter[cohort]": "2025", "filter[updated_since]": before["updated_at"]})
    assert [s["id"] for s in since.json["data"]] == [school]
    assert schools(provider) == interested  # nothing changed: nothing moves
    assert provider.get("/api/v3/participants/ecf").json == {"data": []}  # v3 has no shape for it yet
    # Beyond v3, the provider can see who is coming: participant resources without a delivery partner.
    [coming] = provider.get(INTERESTS).json["data"]
    [enrolment] = coming["attributes"]["ecf_enrolments"]
    assert coming["id"] == registration["teacher_id"] and coming["attributes"]["teacher_reference_number"] == "1234567"
    assert (enrolment["delivery_partner_id"], enrolment["school_urn"]) == (None, "300003")
    assert enrolment["registered_by"]["email"] == "head@school.example"
    assert other.get(INTERESTS).json == {"data": []}
    assert provider.get(INTERESTS, {"filter[updated_since]": coming["attributes"]["updated_at"]}).json["data"] == [coming]
    assert provider.get(INTERESTS, {"filter[cohort]": "2026"}).json == {"data": []}
    assert provider.get("/api/v3/schools/ecf", {"filter[cohort]": "2026"}).json["data"][0]["attributes"][
        "expression_of_interest"] is False

    # The provider partners the school; registrations links the training to the partnership.
    create(provider, school, partner)
    svc.send("registrations.training.changed", training_change(registration, change="partnership_linked",
                                                               delivery_partner_id=partner))
    svc.consume()
    partnered = schools(provider)["data"]["attributes"]
    assert (partnered["expression_of_interest"], partnered["in_partnership"]) == (False, True)
    assert partnered["updated_at"] > attributes["updated_at"]
    assert [p["id"] for p in provider.get("/api/v3/participants/ecf").json["data"]] == [registration["teacher_id"]]
    assert provider.get(INTERESTS).json == {"data": []}

    # Rebuilt from the event log, the schools and the partnership read the same (same updated_at).
    partnership = provider.get(PARTNERSHIPS).json
    assert DEFINITION.commands["rebuild-read-models"](svc.settings, []) == 0
    assert provider.get(PARTNERSHIPS).json == partnership
    assert schools(provider)["data"]["attributes"] == partnered


def test_an_interest_ends_when_the_teacher_leaves_or_moves(svc, world):
    provider, other, school, partner = world
    registration = register_interest(svc, provider, school)
    interest = lambda: provider.get(f"/api/v3/schools/ecf/{school}", {"filter[cohort]": "2025"}).json[  # noqa: E731
        "data"]["attributes"]["expression_of_interest"]
    assert interest() is True
    new_school = org(svc, urn="500005")
    moved = {
        "teacher_id": registration["teacher_id"], "trn": registration["trn"],
        "from_period_id": registration["ect_period_id"], "from_school_id": school, "to_period_id": str(uuid.uuid4()),
        "to_school_id": new_school, "to_school_urn": "500005", "moved_on": date(2026, 1, 5), "email": "ada@new.example",
        "working_pattern": "full_time", "appropriate_body_id": None,
        "training": {**registration["training"], "training_period_id": str(uuid.uuid4())},
        "registered_by": {"email": "new@school.example", "name": "New Head"}}
    svc.send("registrations.teacher.moved_school", moved)
    svc.consume()
    assert interest() is False
    moved_to = provider.get(f"/api/v3/schools/ecf/{new_school}", {"filter[cohort]": "2025"}).json
    assert moved_to["data"]["attributes"]["expression_of_interest"] is True
    [coming] = provider.get(INTERESTS).json["data"]
    assert coming["attributes"]["ecf_enrolments"][0]["school_urn"] == "500005"

    # Withdrawn, the teacher is no longer coming; rebuilt from the event log, the list reads the same.
    assert DEFINITION.commands["rebuild-read-models"](svc.settings, []) == 0
    assert provider.get(INTERESTS).json["data"] == [coming]
    svc.send("registrations.training.changed", {
        "teacher_id": registration["teacher_id"], "trn": registration["trn"], "participant_type": "ect",
        "period_id": moved["to_period_id"], "school_id": new_school, "change": "withdrawn", "reason": "other",
        "effective_on": date(2026, 2, 1), "training": {**moved["training"], "status": "withdrawn"}})
    svc.consume()
    assert provider.get(INTERESTS).json == {"data": []}
    assert provider.get(f"/api/v3/schools/ecf/{new_school}", {"filter[cohort]": "2025"}).json[
        "data"]["attributes"]["expression_of_interest"] is False


def test_an_interest_ends_when_the_school_chooses_another_provider(svc, world):
    provider, other, school, partner = world
    registration = register_interest(svc, provider, school)
    interest = lambda who: who.get(f"/api/v3/schools/ecf/{school}", {"filter[cohort]": "2025"}).json[  # noqa: E731
        "data"]["attributes"]["expression_of_interest"]
    assert (interest(provider), interest(other)) == (True, False)
    svc.send("registrations.training.changed", training_change(registration, change="lead_provider_changed",
                                                               lead_provider_id=other.id, delivery_partner_id=None))
    svc.consume()
    assert (interest(provider), interest(other)) == (False, True)
    assert provider.get(INTERESTS).json == {"data": []}
    assert [p["id"] for p in other.get(INTERESTS).json["data"]] == [registration["teacher_id"]]


def test_school_pages_read_the_same_in_creation_order_and_sorted_by_updated_at(svc, world):
    """Creation order gathers partnerships and interests for the page's schools only; the other orders for all."""
    provider, other, school, partner = world
    more = [org(svc, urn=f"60000{n}") for n in range(4)]
    create(provider, more[1], partner)
    register_interest(svc, provider, more[2])
    schools = lambda **q: provider.get("/api/v3/schools/ecf", {"filter[cohort]": "2025", **q}).json["data"]  # noqa: E731
    everything = schools()
    assert [s["id"] for s in everything][-5:] == [school, *more]
    paged, page = [], 1
    while data := schools(**{"page[per_page]": 2, "page[page]": page}):
        paged, page = paged + data, page + 1
    assert paged == everything
    newest_first = schools(sort="-updated_at")
    assert sorted(newest_first, key=lambda s: s["id"]) == sorted(everything, key=lambda s: s["id"])
    stamps = [s["attributes"]["updated_at"] for s in newest_first]
    assert stamps == sorted(stamps, reverse=True)
    by_id = {s["id"]: s["attributes"] for s in everything}
    assert (by_id[more[1]]["in_partnership"], by_id[more[2]]["expression_of_interest"]) == (True, True)
    assert not any(by_id[s]["in_partnership"] or by_id[s]["expression_of_interest"] for s in (more[0], more[3]))
