"""An appropriate body's bulk files: claims and outcomes (pass or release), all or nothing, every bad row listed."""
import io

from conftest import OTHER_AB

CLAIMS = "trn,date_of_birth,training_programme,started_on\n"


def _send(api, path, text):
    return api.client.post(path, data={"file": (io.BytesIO(text.encode()), "file.csv")},
                           headers=api.headers, content_type="multipart/form-data")


def test_claims_from_a_file_all_or_nothing_with_every_bad_row_listed(svc, fake_trs_sync, ab, other_ab):
    for trn in ("1000001", "1000002", "1000003"):
        fake_trs_sync.add(trn)
    fake_trs_sync.add("1000004", status="Passed")
    other_ab.post("/claims", {"trn": "1000003", "date_of_birth": "1995-04-01", "started_on": "2026-09-01"})
    before = len(svc.outbox_events())
    refused = _send(ab, "/claims/bulk", CLAIMS + "1000001,1995-04-01,school_led,2026-09-01\n"
                    "1000002,1995-04-01,elsewhere,2026-09-01\n1000003,1995-04-01,,2026-09-01\n"
                    "1000004,1995-04-01,,2026-09-01\n1000001,1995-04-01,,2026-09-01\n")
    assert refused.status_code == 422, refused.json
    rows = refused.json["details"]["rows"]
    assert [r["line"] for r in rows] == [3, 4, 5, 6]
    assert "training_programme" in rows[0]["fields"]
    assert [r["code"] for r in rows[1:]] == ["claimed_by_another_appropriate_body", "induction_already_completed",
                                             "duplicate_row"]
    assert ab.get("/ects").json == [] and len(svc.outbox_events()) == before
    claimed = _send(ab, "/claims/bulk", CLAIMS + "1000001,1995-04-01,school_led,2026-09-01\n"
                    "1000002,1995-04-01,,2026-09-01\n")
    assert claimed.status_code == 201, claimed.json
    assert sorted(e["trn"] for e in ab.get("/ects?status=open").json) == ["1000001", "1000002"]


def test_passes_and_releases_from_a_file_never_a_fail_and_nothing_when_a_row_is_wrong(svc, fake_trs_sync, ab):
    for trn in ("1000001", "1000002"):
        fake_trs_sync.add(trn)
        ab.post("/claims", {"trn": trn, "date_of_birth": "1995-04-01", "started_on": "2026-09-01"})
    header = "trn,date_of_birth,finished_on,number_of_terms,outcome\n"
    refused = _send(ab, "/outcomes/bulk", header + "1000001,,2026-11-01,6,pass\n1000002,,2026-11-01,2,fail\n"
                    "1000009,,2026-11-01,2,release\n")
    assert refused.status_code == 422
    rows = {r["line"]: r for r in refused.json["details"]["rows"]}
    assert set(rows) == {3, 4} and "outcome" in rows[3]["fields"]
    assert {e["status"] for e in ab.get("/ects").json} == {"InProgress"}
    done = _send(ab, "/outcomes/bulk", header + "1000001,,2026-11-01,6,pass\n1000002,,2026-11-01,2,release\n")
    assert done.status_code == 200, done.json
    assert [e["trn"] for e in ab.get("/ects?status=closed").json] == ["1000001", "1000002"]
    assert ab.get("/ects/1000001").json["status"] == "Passed"


def test_a_file_of_more_than_1000_rows_is_refused_whole(svc, ab):
    text = CLAIMS + "".join(f"{1000000 + i},1995-04-01,,2026-09-01\n" for i in range(1001))
    refused = _send(ab, "/claims/bulk", text)
    assert refused.status_code == 422 and refused.json["code"] == "too_many_rows"


def test_another_appropriate_body_named_for_the_file_is_refused(svc, ab):
    refused = ab.client.post(f"/claims/bulk?appropriate_body_id={OTHER_AB}", data=CLAIMS + "1000001,1995-04-01,,2026-09-01\n",
                             headers={**ab.headers, "Content-Type": "text/csv"})
    assert refused.status_code == 403
