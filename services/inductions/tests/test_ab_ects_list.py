"""An appropriate body's teachers list: open and closed inductions, search by name or TRN, pages, and in blended
mode all of the user's appropriate bodies or one of them, never another's."""
import json

from conftest import AB, OTHER_AB, Api

from test_claims import CLAIM


def _claim(api, trn, first, last, **body):
    api.post("/claims", {**CLAIM, "trn": trn, **body})


def _trns(response):
    assert response.status_code == 200, response.json
    return [e["trn"] for e in response.json]


def _people(svc, fake_trs_sync, ab, other_ab):
    for trn, first, last in (("1000001", "Ada", "Lovelace"), ("1000002", "Charles", "Babbage"),
                             ("1000003", "Grace", "Hopper"), ("1000004", "Alan", "Turing")):
        fake_trs_sync.add(trn, first=first, last=last)
    for trn in ("1000001", "1000002", "1000003"):
        _claim(ab, trn, None, None)
    _claim(other_ab, "1000004", None, None)
    ab.post("/ects/1000002/outcome", {"outcome": "pass", "finished_on": "2026-11-01", "number_of_terms": 6})


def test_open_and_closed_lists_ordered_by_name_and_only_mine(svc, fake_trs_sync, ab, other_ab):
    _people(svc, fake_trs_sync, ab, other_ab)
    assert _trns(ab.get("/ects")) == ["1000002", "1000003", "1000001"]  # Babbage, Hopper, Lovelace
    assert _trns(ab.get("/ects?status=open")) == ["1000003", "1000001"]
    assert _trns(ab.get("/ects?status=closed")) == ["1000002"]
    assert _trns(other_ab.get("/ects?status=open")) == ["1000004"]
    assert ab.get("/ects?status=finished").status_code == 422


def test_search_by_part_of_the_name_or_the_trn(svc, fake_trs_sync, ab, other_ab):
    _people(svc, fake_trs_sync, ab, other_ab)
    assert _trns(ab.get("/ects?q=grace hop")) == ["1000003"]
    assert _trns(ab.get("/ects?q=LOVE")) == ["1000001"]
    assert _trns(ab.get("/ects?q=1000002")) == ["1000002"]
    assert _trns(ab.get("/ects?q=1000004")) == []  # another AB's ECT
    assert _trns(ab.get("/ects?q=%25")) == []  # a wildcard is a character, not everything


def test_pages_with_the_total_in_the_header(svc, fake_trs_sync, ab, other_ab):
    _people(svc, fake_trs_sync, ab, other_ab)
    first = ab.get("/ects?page_size=2")
    assert _trns(first) == ["1000002", "1000003"]
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 3 and pagination["total_pages"] == 2
    assert _trns(ab.get("/ects?page_size=2&page=2")) == ["1000001"]
    assert _trns(ab.get("/ects?page_size=2&page=9")) == []


def test_blended_user_sees_both_appropriate_bodies_or_one_and_never_a_third(svc, fake_trs_sync, token_issuer, ab,
                                                                             other_ab):
    _people(svc, fake_trs_sync, ab, other_ab)
    both = Api(svc.client, token_issuer.issue(memberships=[
        {"organisation_id": AB, "organisation_type": "appropriate_body", "role": "end_user"},
        {"organisation_id": OTHER_AB, "organisation_type": "appropriate_body", "role": "end_user"}], mode="blended"))
    assert sorted(_trns(both.get("/ects"))) == ["1000001", "1000002", "1000003", "1000004"]
    assert _trns(both.get(f"/ects?appropriate_body_id={OTHER_AB}")) == ["1000004"]
    assert both.get("/ects?appropriate_body_id=00000000-0000-0000-0000-000000000001").status_code == 403
