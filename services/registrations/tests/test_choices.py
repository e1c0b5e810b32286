"""The choices the registration wizard offers a school: appropriate bodies it may name, open lead providers, and the
choices made for its last ECT."""
from conftest import (AB, INDEPENDENT_SCHOOL, LA_AB, LEAD_PROVIDER, NATIONAL_AB, OTHER_LEAD_PROVIDER, OTHER_SCHOOL,
                      SCHOOL, auth, staff_acting_for)
from test_mentors import register_ect


def choices(svc, token, school_id=SCHOOL):
    return svc.client.get(f"/schools/{school_id}/choices", headers=auth(token))


def test_a_school_is_offered_the_appropriate_bodies_it_may_name_and_the_open_lead_providers(svc, token_issuer):
    state_funded = choices(svc, token_issuer.school_user(SCHOOL))
    assert state_funded.status_code == 200, state_funded.json
    assert state_funded.json["appropriate_bodies"] == [{"id": AB, "name": "Kingsbridge TSH", "kind": "teaching_school_hub"}]
    assert state_funded.json["lead_providers"] == [{"id": LEAD_PROVIDER, "name": "Northern Lights"},
                                                   {"id": OTHER_LEAD_PROVIDER, "name": "Southern Stars"}]
    assert state_funded.json["last_ect_choices"] is None
    independent = choices(svc, token_issuer.school_user(INDEPENDENT_SCHOOL), INDEPENDENT_SCHOOL).json
    assert [(ab["name"], ab["kind"]) for ab in independent["appropriate_bodies"]] == [
        ("Kingsbridge TSH", "teaching_school_hub"), ("National AB", "national")]
    assert LA_AB not in {ab["id"] for ab in independent["appropriate_bodies"]}
    unknown_funding = choices(svc, token_issuer.school_user(OTHER_SCHOOL), OTHER_SCHOOL).json
    assert [ab["id"] for ab in unknown_funding["appropriate_bodies"]] == [AB]
    svc.send("accounts.organisation.closed", {"organisation_id": OTHER_LEAD_PROVIDER, "type": "lead_provider",
                                              "name": "Southern Stars", "status": "closed"})
    svc.send("accounts.organisation.closed", {"organisation_id": AB, "type": "appropriate_body",
                                              "name": "Kingsbridge TSH", "status": "closed"})
    svc.consume()
    now = choices(svc, token_issuer.school_user(INDEPENDENT_SCHOOL), INDEPENDENT_SCHOOL).json
    assert [lp["id"] for lp in now["lead_providers"]] == [LEAD_PROVIDER]
    assert [ab["id"] for ab in now["appropriate_bodies"]] == [NATIONAL_AB]


def test_the_choices_of_the_last_ect_registered_are_offered_again(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    register_ect(svc, fake_trs_sync, token, trn="1000001")
    register_ect(svc, fake_trs_sync, token, trn="1000002", training_programme="school_led", lead_provider_id=None)
    register_ect(svc, fake_trs_sync, token_issuer.school_user(OTHER_SCHOOL), trn="1000003",
                 lead_provider_id=OTHER_LEAD_PROVIDER, appropriate_body_id=None)
    assert choices(svc, token).json["last_ect_choices"] == {"appropriate_body_id": AB, "training_programme": "school_led",
                                                           "lead_provider_id": None}
    assert choices(svc, token_issuer.school_user(OTHER_SCHOOL), OTHER_SCHOOL).json["last_ect_choices"] == {
        "appropriate_body_id": None, "training_programme": "provider_led", "lead_provider_id": OTHER_LEAD_PROVIDER}


def test_choices_are_read_as_the_school_is(svc, token_issuer):
    hat = token_issuer.school_user(SCHOOL)
    assert choices(svc, hat, OTHER_SCHOOL).json["code"] == "not_acting_organisation"
    blended = token_issuer.issue(mode="blended", memberships=[
        {"organisation_id": s, "organisation_type": "school", "role": "end_user"} for s in (SCHOOL, OTHER_SCHOOL)])
    assert choices(svc, blended, OTHER_SCHOOL).status_code == 200
    assert choices(svc, blended, INDEPENDENT_SCHOOL).json["code"] == "not_your_organisation"
    staff = token_issuer.issue(staff_role="read_only")
    assert choices(svc, staff, INDEPENDENT_SCHOOL).status_code == 200
    assert choices(svc, staff, LEAD_PROVIDER).status_code == 404  # not a school
    assert choices(svc, staff_acting_for(token_issuer, SCHOOL), OTHER_SCHOOL).status_code == 403
    ab_user = token_issuer.issue(memberships=[{"organisation_id": AB, "organisation_type": "appropriate_body",
                                               "role": "approver"}], acting_organisation_id=AB)
    assert choices(svc, ab_user, SCHOOL).status_code == 403
    assert svc.client.get(f"/schools/{SCHOOL}/choices").status_code == 401
