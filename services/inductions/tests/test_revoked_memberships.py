"""An appropriate body's user removed in accounts cannot claim or record anything with the token they hold, once
inductions has the event (the check is the shared auth layer's: ecf_shared.auth.revocation)."""
import uuid

from conftest import AB, Api, ab_token

CLAIM = {"trn": "1234567", "date_of_birth": "1995-04-01", "started_on": "2026-09-01", "training_programme": "provider_led"}


def test_a_removed_users_claim_is_refused_while_their_reads_still_answer(svc, fake_trs_sync, token_issuer, consume):
    fake_trs_sync.add("1234567")
    user_id = str(uuid.uuid4())
    removed = Api(svc.client, ab_token(token_issuer, AB, user_id=user_id))
    svc.send("accounts.membership.removed", {"membership_id": str(uuid.uuid4()), "user_id": user_id,
                                             "organisation_id": AB, "role": "end_user", "email": "ab@user.example"})
    consume()
    refused = removed.post("/claims", CLAIM)
    assert refused.status_code == 403 and refused.json["code"] == "membership_changed"
    assert svc.outbox_events("inductions.period.opened") == []
    assert removed.get("/ects").status_code == 200
    # Another user of the same appropriate body is not affected.
    assert Api(svc.client, ab_token(token_issuer, AB)).post("/claims", CLAIM).status_code == 201
