"""What the DfE admin console asks of inductions: the manual-handling queue by state, one item, closing it with a
note (audited against the teacher), a teacher's audit trail, and that staff acting for an appropriate body are
recorded as both, with their reason. Everyone else is refused."""
from datetime import timedelta

from conftest import AB, TODAY, Api, ab_token

from test_outcomes_appeals_admin import FAIL, _claim


def _queued(svc, fake_trs_sync, ab, admin, clock) -> dict:
    """An appeal lodged on day 31: refused and queued for manual handling."""
    _claim(ab, fake_trs_sync)
    ab.post("/ects/1234567/outcome", FAIL)
    clock.fixed = TODAY + timedelta(days=31)
    assert ab.post("/ects/1234567/appeals").json["code"] == "manual_handling_required"
    [item] = admin.get("/manual-handling", query_string={"state": "open"}).json
    return item


def test_staff_read_an_item_and_close_it_with_a_note_once(svc, fake_trs_sync, ab, admin, support, clock):
    item = _queued(svc, fake_trs_sync, ab, admin, clock)
    one = admin.get(f"/manual-handling/{item['id']}")
    assert one.status_code == 200 and one.json["action"] == "lodge_appeal" and one.json["state"] == "open"
    assert one.json["resolution"] is None and one.json["actor"]["type"] == "appropriate_body_user"
    assert admin.post(f"/manual-handling/{item['id']}/close", {"note": ""}).status_code == 422
    assert admin.post(f"/manual-handling/{item['id']}/close", {}).status_code == 422
    assert admin.get(f"/manual-handling/{item['id']}").json["state"] == "open"  # a refused close changes nothing
    closed = support.post(f"/manual-handling/{item['id']}/close", {"note": "  Appeal accepted late: ticket SUP-7  "})
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    assert closed.json["resolution"] == "Appeal accepted late: ticket SUP-7" and closed.json["resolved_at"]
    again = admin.post(f"/manual-handling/{item['id']}/close", {"note": "Twice"})
    assert again.status_code == 409 and again.json["code"] == "item_not_open"
    assert admin.get("/manual-handling", query_string={"state": "open"}).json == []
    assert [i["id"] for i in admin.get("/manual-handling", query_string={"state": "closed"}).json] == [item["id"]]
    assert len(admin.get("/manual-handling").json) == 1
    trail = admin.get("/teachers/1234567/audit").json
    assert [e["action"] for e in trail] == ["claim", "fail", "manual_handling_closed"]
    assert trail[-1]["note"] == "Appeal accepted late: ticket SUP-7" and trail[-1]["details"]["item_id"] == item["id"]
    assert svc.outbox_events("inductions.appeal.lodged") == []  # closing records what was done; it changes nothing


def test_only_staff_who_handle_the_queue_read_and_close_it(svc, fake_trs_sync, ab, admin, token_issuer, clock):
    item = _queued(svc, fake_trs_sync, ab, admin, clock)
    read_only = Api(svc.client, token_issuer.issue(staff_role="read_only"))
    for caller, status in ((ab, 403), (read_only, 403)):
        assert caller.post(f"/manual-handling/{item['id']}/close", {"note": "Not mine"}).status_code == status
    assert read_only.get(f"/manual-handling/{item['id']}").status_code == 200  # staff may read
    for path in (f"/manual-handling/{item['id']}", "/teachers/1234567/audit"):
        assert ab.get(path).status_code == 403, path
        assert svc.client.get(path).status_code == 401, path
    assert admin.get("/manual-handling/00000000-0000-0000-0000-000000000001").status_code == 404
    assert admin.post("/manual-handling/00000000-0000-0000-0000-000000000001/close", {"note": "None"}).status_code == 404
    assert admin.get(f"/manual-handling/{item['id']}").json["state"] == "open"
    assert admin.get("/teachers/12345/audit").status_code == 404


def test_an_exemption_recorded_by_staff_needs_a_note_or_a_ticket(svc, fake_trs_sync, ab, admin):
    _claim(ab, fake_trs_sync)
    body = {"reason": "overseas_trained_teacher", "number_of_terms": 2}
    refused = admin.post("/admin/ects/1234567/exemption", body)
    assert refused.status_code == 422 and set(refused.json["fields"]) == {"note", "support_ticket"}
    assert admin.get("/teachers/1234567/induction").json["status"] == "InProgress"
    assert admin.post("/admin/ects/1234567/exemption", {**body, "support_ticket": "SUP-9"}).json["status"] == "Exempt"
    [entry] = [e for e in admin.get("/teachers/1234567/audit").json if e["action"] == "exemption"]
    assert entry["support_ticket"] == "SUP-9" and entry["actor"]["email"] == "admin@education.gov.uk"


def test_staff_acting_for_an_appropriate_body_are_audited_as_both_with_their_reason(svc, fake_trs_sync, admin,
                                                                                    token_issuer):
    acting = Api(svc.client, token_issuer.issue(staff_role="admin", email="sam@education.gov.uk",
                                                acting_for={"organisation_id": AB, "reason": "Ticket 77: AB asked us"}))
    _claim(acting, fake_trs_sync)
    [entry] = admin.get("/teachers/1234567/audit").json
    assert entry["actor"]["type"] == "staff" and entry["actor"]["email"] == "sam@education.gov.uk"
    assert entry["actor"]["organisation_id"] == AB and entry["actor"]["acting_for_reason"] == "Ticket 77: AB asked us"
    assert Api(svc.client, ab_token(token_issuer, AB)).get("/ects/1234567").json["periods"][0]["appropriate_body_id"] == AB
