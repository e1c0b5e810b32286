"""An appropriate body never reads or changes another's periods, even by passing their ids: 404 everywhere."""
from conftest import AB, OTHER_AB

from test_claims import CLAIM


def _claimed_and_failed(ab, fake_trs_sync):
    fake_trs_sync.add("1234567")
    ab.post("/claims", CLAIM)
    extension = ab.post("/ects/1234567/extensions", {"terms": 1}).json
    ab.post("/ects/1234567/outcome", {"outcome": "fail", "finished_on": "2026-11-01", "number_of_terms": 1,
                                      "appeal_notice_confirmed": True, "appeal_notice_confirmed_on": "2026-11-01"})
    appeal = ab.post("/ects/1234567/appeals").json
    return extension, appeal


def test_other_ab_gets_404_on_every_endpoint_and_changes_nothing(svc, fake_trs_sync, ab, other_ab):
    extension, appeal = _claimed_and_failed(ab, fake_trs_sync)
    before = len(svc.outbox_events())
    assert other_ab.get("/ects").json == []
    attempts = [
        other_ab.get("/ects/1234567"),
        other_ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": "2026-11-01", "number_of_terms": 1}),
        other_ab.post("/ects/1234567/extensions", {"terms": 1}),
        other_ab.patch(f"/ects/1234567/extensions/{extension['id']}", {"terms": 3}),
        other_ab.post("/ects/1234567/appeals"),
        other_ab.post(f"/appeals/{appeal['id']}/decision", {"decision": "upheld_replace"}),
        other_ab.post("/ects/1234567/outcome", {"outcome": "release", "finished_on": "2026-11-01",
                                                "number_of_terms": 1, "appropriate_body_id": OTHER_AB}),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts), [r.json for r in attempts]
    # naming the other AB's id as one's own is refused, not obeyed
    assert other_ab.post("/ects/1234567/extensions", {"terms": 1, "appropriate_body_id": AB}).status_code == 403
    assert len(svc.outbox_events()) == before
    mine = ab.get("/ects/1234567").json
    assert mine["status"] == "Failed" and mine["terms_required"] == "7.0"


def test_an_ab_sees_only_its_own_periods_of_a_shared_ect(svc, fake_trs_sync, ab, other_ab):
    fake_trs_sync.add("1234567")
    ab.post("/claims", CLAIM)
    ab.post("/ects/1234567/outcome", {"outcome": "release", "finished_on": "2026-09-30", "number_of_terms": 0.5})
    other_ab.post("/claims", {**CLAIM, "started_on": "2026-10-01"})
    assert [p["appropriate_body_id"] for p in ab.get("/ects/1234567").json["periods"]] == [AB]
    assert [p["appropriate_body_id"] for p in other_ab.get("/ects/1234567").json["periods"]] == [OTHER_AB]
    assert [e["trn"] for e in ab.get("/ects").json] == ["1234567"]
    # the releasing AB may no longer close the other AB's open period
    closing = ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": "2026-11-01", "number_of_terms": 6})
    assert closing.status_code == 409 and closing.json["code"] == "no_open_period"


def test_staff_read_everything_and_appropriate_bodies_may_not_decide_appeals(svc, fake_trs_sync, ab, admin, support):
    _, appeal = _claimed_and_failed(ab, fake_trs_sync)
    assert [p["appropriate_body_id"] for p in support.get("/ects/1234567").json["periods"]] == [AB]
    assert support.get("/teachers/1234567/induction").json["status"] == "Failed"
    refused = ab.post(f"/appeals/{appeal['id']}/decision", {"decision": "upheld_replace"})
    assert refused.status_code == 409 and refused.json["code"] == "actor_not_allowed"
    assert support.post(f"/appeals/{appeal['id']}/decision", {"decision": "dismissed"}).status_code == 403
    assert support.post("/admin/ects/1234567/reopen", {"note": "x"}).status_code == 403
    assert ab.post("/admin/ects/1234567/exemption", {"reason": "overseas_trained_teacher"}).status_code == 403
    assert ab.get("/manual-handling").status_code == 403
