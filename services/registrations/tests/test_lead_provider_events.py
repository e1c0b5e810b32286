"""lp-api's events: partnerships link provider-led training; lead providers' participant actions are applied."""
import uuid

from conftest import LEAD_PROVIDER, OTHER_LEAD_PROVIDER, SCHOOL, auth
from test_mentors import register_ect, register_mentor

PARTNERSHIP, DELIVERY_PARTNER = str(uuid.uuid4()), str(uuid.uuid4())


def partnership(**overrides):
    return {"partnership_id": PARTNERSHIP, "lead_provider_id": LEAD_PROVIDER, "delivery_partner_id": DELIVERY_PARTNER,
            "school_id": SCHOOL, "cohort": 2026, **overrides}


def action(teacher_id, action_name, **overrides):
    return {"participant_id": teacher_id, "lead_provider_id": LEAD_PROVIDER, "participant_type": "ect",
            "course_identifier": "ecf-induction", "action": action_name, "effective_on": "2026-11-01", **overrides}


def test_a_partnership_moves_expressions_of_interest_onto_it(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    other_lp = register_ect(svc, fake_trs_sync, token, trn="2222222", lead_provider_id=OTHER_LEAD_PROVIDER)
    svc.send("lp-api.partnership.created", partnership())
    svc.consume()
    shown = svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json
    assert shown["expression_of_interest"] is False and shown["delivery_partner_id"] == DELIVERY_PARTNER
    assert svc.client.get(f"/mentors/{mentor['id']}", headers=auth(token)).json["delivery_partner_id"] == DELIVERY_PARTNER
    assert svc.client.get(f"/ects/{other_lp['id']}", headers=auth(token)).json["expression_of_interest"] is True
    events = svc.outbox_events("registrations.training.changed")
    assert sorted(e["data"]["participant_type"] for e in events) == ["ect", "mentor"]
    assert {e["data"]["change"] for e in events} == {"partnership_linked"}
    assert events[0]["data"]["training"]["partnership_id"] == PARTNERSHIP
    assert events[0]["actor"] == {"type": "lead_provider", "user_id": None, "email": None, "name": "Northern Lights",
                                  "organisation_id": LEAD_PROVIDER}
    new_partner = str(uuid.uuid4())
    svc.send("lp-api.partnership.updated", partnership(delivery_partner_id=new_partner, previous_delivery_partner_id=DELIVERY_PARTNER))
    svc.consume()
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["delivery_partner_id"] == new_partner


def test_lead_provider_actions_are_applied_with_the_lead_provider_as_actor(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    deferral = svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "defer", reason="bereavement"))
    svc.consume()
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["training_status"] == "deferred"
    # When the lead provider asked travels on, so lp-api can order this echo against its own later requests.
    [echo] = svc.outbox_events("registrations.training.changed")
    assert echo["data"]["requested_at"] == deferral["occurred_at"]
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "resume"))
    svc.send("lp-api.participant.action_requested",
             action(ect["teacher_id"], "change_schedule", schedule_identifier="ecf-extended-september"))
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "withdraw", reason="left teaching"))
    svc.consume()
    shown = svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json
    assert (shown["training_status"], shown["schedule"]) == ("withdrawn", "ecf-extended-september")
    events = svc.outbox_events("registrations.training.changed")
    assert [e["data"]["change"] for e in events] == ["deferred", "resumed", "schedule_changed", "withdrawn"]
    assert events[-1]["data"]["reason"] == "left teaching" and events[-1]["actor"]["type"] == "lead_provider"
    trail = svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json
    assert [e["actor"]["organisation_id"] for e in trail[1:]] == [LEAD_PROVIDER] * 4


def test_invalid_lead_provider_requests_are_audited_as_refused_not_applied(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "withdraw"))  # no reason
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "resume"))  # already active
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "defer", reason="x",
                                                           lead_provider_id=OTHER_LEAD_PROVIDER))  # not their participant
    svc.consume()
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["training_status"] == "active"
    assert svc.outbox_events("registrations.training.changed") == []
    trail = svc.client.get(f"/audit?subject={ect['teacher_id']}", headers=auth(token_issuer.issue(staff_role="read_only"))).json
    refused = [e for e in trail if e["outcome"] == "refused"]
    assert sorted(e["details"]["action"] for e in refused) == ["defer", "resume", "withdraw"]
    assert all(e["details"]["refusal"] for e in refused)
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "withdraw", reason="moved abroad"))
    svc.send("lp-api.participant.action_requested", action(ect["teacher_id"], "resume"))  # withdrawn: nothing more
    svc.consume()
    assert svc.client.get(f"/ects/{ect['id']}", headers=auth(token)).json["training_status"] == "withdrawn"
    assert [e["data"]["change"] for e in svc.outbox_events("registrations.training.changed")] == ["withdrawn"]
    with svc.db.engine.connect() as conn:
        from sqlalchemy import text
        assert conn.execute(text("select count(*) from inbox")).scalar() == 5 + 8  # none dead-lettered
