"""The sync log and the manual-handling queue are for DfE staff, a page at a time."""
import uuid
from datetime import datetime, timedelta, UTC

import pytest


def test_reads_need_staff(svc, token_issuer, user_headers):
    school_user = {"Authorization": f"Bearer {token_issuer.school_user(str(uuid.uuid4()))}"}
    for path in ("/sync-log", "/manual-handling"):
        assert svc.client.get(path).status_code == 401
        for headers in (user_headers, school_user):
            response = svc.client.get(path, headers=headers)
            assert response.status_code == 403 and response.json["code"] == "forbidden"


def test_sync_log_pages_newest_first_and_filters_by_trn(svc, trs_standin, staff_headers):
    at = datetime(2026, 9, 1, tzinfo=UTC)
    for trn in ("1234567", "2345678", "3456789"):
        trs_standin.seed(trn)
        svc.send("inductions.induction.status_changed", {
            "induction_id": str(uuid.uuid4()), "trn": trn, "new_status": "RequiredToComplete",
            "changed_at": at + timedelta(minutes=int(trn[0])), "source": "cpd"})
    svc.consume()
    everything = svc.client.get("/sync-log", headers=staff_headers).json
    assert len(everything) == 3 and everything[0]["id"] > everything[-1]["id"]
    page = svc.client.get("/sync-log?limit=1&offset=1", headers=staff_headers).json
    assert [e["id"] for e in page] == [everything[1]["id"]]
    [only] = svc.client.get("/sync-log?trn=2345678", headers=staff_headers).json
    assert only["trn"] == "2345678"


@pytest.mark.parametrize("query, field", [("limit=501", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"),
                                          ("limit=ten", "limit"), ("trn=12", "trn")])
def test_bad_paging_is_422(svc, staff_headers, query, field):
    for path in ("/sync-log", "/manual-handling"):
        response = svc.client.get(f"{path}?{query}", headers=staff_headers)
        assert response.status_code == 422 and field in response.json["fields"]
