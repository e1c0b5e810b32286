"""A member removed or demoted in accounts cannot write here with the token they already hold, from the moment
registrations has the event; their reads work until the token expires. A new member the copy has not heard of,
and a change their token already reflects, refuse nothing."""
import uuid
from datetime import datetime, timedelta, UTC

from conftest import OTHER_SCHOOL, SCHOOL, auth
from conftest import ect_body as body

USER = str(uuid.uuid4())


def _membership(role="end_user", organisation_id=SCHOOL, **extra):
    return {"membership_id": str(uuid.uuid4()), "user_id": USER, "organisation_id": organisation_id, "role": role,
            "email": "bob@oakfield.example", **extra}


def _told(svc, event_type, data, **kw):
    svc.send(event_type, data, **kw)
    svc.consume()


def _token(token_issuer, role="end_user"):
    return token_issuer.school_user(SCHOOL, role=role, user_id=USER, email="bob@oakfield.example")


def _register(svc, token, trn="1234567", **kw):
    return svc.client.post("/ects", json=body(trn=trn, **kw), headers=auth(token))


def test_a_removed_members_writes_are_refused_at_once_while_reads_last_until_expiry(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    fake_trs_sync.add("7654321")
    token = _token(token_issuer)
    assert _register(svc, token).status_code == 201
    _told(svc, "accounts.membership.removed", _membership())
    refused = _register(svc, token, trn="7654321", email="eve@school.example")
    assert refused.status_code == 403 and refused.json["code"] == "membership_changed"
    listed = svc.client.get("/ects", headers=auth(token))
    assert listed.status_code == 200 and [e["trn"] for e in listed.json] == ["1234567"]
    assert len(svc.outbox_events("registrations.ect.registered")) == 1


def test_a_demoted_approvers_old_token_writes_nothing(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = _token(token_issuer, role="approver")
    _told(svc, "accounts.membership.role_changed", _membership(role="end_user", previous_role="approver"))
    refused = _register(svc, token)
    assert refused.status_code == 403 and refused.json["code"] == "membership_changed"
    # A token issued after the change (as an end user) writes again.
    assert _register(svc, _token(token_issuer, role="end_user")).status_code == 201


def test_a_new_member_the_copy_has_not_heard_of_yet_writes(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    assert _register(svc, _token(token_issuer)).status_code == 201  # accounts.membership.added still on its way


def test_a_change_the_token_already_reflects_refuses_nothing(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    fake_trs_sync.add("7654321")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    # Removed an hour ago, then invited back: the copy has the removal, the re-adding is still on its way.
    _told(svc, "accounts.membership.removed", _membership(), occurred_at=an_hour_ago)
    assert _register(svc, _token(token_issuer)).status_code == 201
    # Promoted since the token was issued: the token claims less than the copy, so nothing is refused.
    token = _token(token_issuer, role="end_user")
    _told(svc, "accounts.membership.role_changed", _membership(role="approver", previous_role="end_user"))
    assert _register(svc, token, trn="7654321", email="eve@school.example").status_code == 201


def test_an_older_event_arriving_late_does_not_undo_a_removal(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    token = _token(token_issuer)
    _told(svc, "accounts.membership.removed", _membership())
    _told(svc, "accounts.membership.added", _membership(), occurred_at=datetime.now(UTC) - timedelta(seconds=2))
    refused = _register(svc, token)
    assert refused.status_code == 403 and refused.json["code"] == "membership_changed"


def test_in_blended_mode_only_the_organisation_left_is_refused(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("1234567")
    fake_trs_sync.add("7654321")
    memberships = [{"organisation_id": org, "organisation_type": "school", "role": "end_user"}
                   for org in (SCHOOL, OTHER_SCHOOL)]
    token = token_issuer.issue(user_id=USER, memberships=memberships, mode="blended", email="bob@oakfield.example")
    _told(svc, "accounts.membership.removed", _membership(organisation_id=OTHER_SCHOOL))
    refused = _register(svc, token, school_id=OTHER_SCHOOL)
    assert refused.status_code == 403 and refused.json["code"] == "not_your_organisation"
    assert _register(svc, token, trn="7654321", email="eve@school.example", school_id=SCHOOL).status_code == 201
