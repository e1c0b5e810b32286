"""End to end at service level: registered → claimed → extended → failed → appeal on day 29 → upheld (continue) → passed."""
from datetime import timedelta

from conftest import TODAY

from test_in_flight_inductions import registered


def test_the_whole_journey_leaves_the_right_status_and_events(svc, fake_trs_sync, ab, admin, consume, clock):
    seen = 0

    def new_events():
        nonlocal seen
        events = svc.outbox_events()
        fresh, seen = [(e["type"], e["data"]) for e in events[seen:]], len(events)
        return fresh

    def statuses(events):
        return [(d["old_status"], d["new_status"], d["start_date"], d["completed_date"])
                for t, d in events if t == "inductions.induction.status_changed"]

    svc.send("registrations.ect.registered", registered("1234567"))
    consume()
    assert statuses(new_events()) == [(None, "RequiredToComplete", None, None)]

    fake_trs_sync.add("1234567")
    claim = ab.post("/claims", {"trn": "1234567", "date_of_birth": "1995-04-01", "started_on": "2025-09-01"})
    assert claim.json["status"] == "InProgress"
    events = new_events()
    assert [t for t, _ in events] == ["inductions.period.opened", "inductions.induction.status_changed"]
    assert statuses(events) == [("RequiredToComplete", "InProgress", "2025-09-01", None)]

    assert ab.post("/ects/1234567/extensions", {"terms": 2}).status_code == 201
    events = new_events()
    assert [t for t, _ in events] == ["inductions.extension.recorded"] and events[0][1]["terms_required"] == "8.0"

    fail = ab.post("/ects/1234567/outcome", {"outcome": "fail", "finished_on": str(TODAY), "number_of_terms": 8,
                                             "appeal_notice_confirmed": True, "appeal_notice_confirmed_on": str(TODAY)})
    assert fail.json["status"] == "Failed"
    events = new_events()
    assert [t for t, _ in events] == ["inductions.period.closed", "inductions.induction.status_changed"]
    assert statuses(events) == [("InProgress", "Failed", "2025-09-01", str(TODAY))]

    clock.fixed = TODAY + timedelta(days=29)
    appeal = ab.post("/ects/1234567/appeals")
    assert appeal.status_code == 201 and appeal.json["lodged_on"] == str(clock.fixed)
    assert [t for t, _ in new_events()] == ["inductions.appeal.lodged"]

    clock.fixed = TODAY + timedelta(days=90)
    upheld = admin.post(f"/appeals/{appeal.json['id']}/decision", {"decision": "upheld_continue", "note": "Panel upheld"})
    assert upheld.status_code == 200
    events = new_events()
    assert [t for t, _ in events] == ["inductions.appeal.decided", "inductions.period.updated",
                                      "inductions.induction.status_changed"]
    assert statuses(events) == [("Failed", "InProgress", "2025-09-01", None)]
    assert ab.get("/ects/1234567").json["periods"][0]["finished_on"] is None

    passed_on = str(TODAY + timedelta(days=80))
    passed = ab.post("/ects/1234567/outcome", {"outcome": "pass", "finished_on": passed_on, "number_of_terms": 9})
    assert passed.json["status"] == "Passed"
    events = new_events()
    assert [t for t, _ in events] == ["inductions.period.closed", "inductions.induction.status_changed"]
    assert statuses(events) == [("InProgress", "Passed", "2025-09-01", passed_on)]
    assert admin.get("/manual-handling").json == []
