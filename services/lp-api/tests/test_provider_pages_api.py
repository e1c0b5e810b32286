"""The delivery partner and lead provider pages' endpoints (/delivery-partner/..., /lead-provider/...): authorised by
the caller's membership (a platform access token), never by a lead provider API token. A delivery partner's users see
its partnerships and participants across every lead provider it works with; a lead provider's users only their own;
another organisation's id is refused or not found; a school user is refused; DfE staff see everything. The CSV file
holds exactly what the filters select, and is streamed."""
import csv
import io
import json
import uuid
from dataclasses import dataclass

import pytest

from lp_events import ect_registration, mentor_registration, organisation, training_change
from test_partnerships_and_reference import PARTNERSHIPS, create, relate

DP, LP = "/delivery-partner", "/lead-provider"
ROUTES = ["/lead-providers", "/partnerships", "/participants", "/participants.csv"]


def named_org(svc, type_: str, name: str, organisation_id: str | None = None, urn: str | None = None) -> str:
    organisation_id = organisation_id or str(uuid.uuid4())
    svc.send("accounts.organisation.created", {**organisation(organisation_id=organisation_id, type=type_, name=name,
                                                              urn=urn), "eligible": type_ == "school"})
    return organisation_id


@dataclass
class World:
    delta: str
    echo: str
    northern: object
    brightside: object
    stranger: object
    oakfield: str
    riverside: str
    hillside: str
    partnerships: dict
    trns: dict


def register(svc, provider, school, partner, *, trn, first, last, cohort=2026, urn="100001", mentor=False):
    if mentor:
        data = mentor_registration(lead_provider_id=provider.id, school_id=school, cohort=cohort)
        data["training"]["delivery_partner_id"] = partner
        data.update(trn=trn, first_name=first, last_name=last, school_urn=urn)
        svc.send("registrations.mentor.registered", data)
    else:
        data = ect_registration(lead_provider_id=provider.id, school_id=school, school_urn=urn, cohort=cohort, trn=trn,
                                delivery_partner_id=partner)
        data.update(first_name=first, last_name=last)
        svc.send("registrations.ect.registered", data)
    return data


@pytest.fixture
def world(svc, make_provider) -> World:
    northern, brightside, stranger = make_provider(), make_provider(), make_provider()
    named_org(svc, "lead_provider", "Northern Lights Teaching", northern.id)
    named_org(svc, "lead_provider", "Brightside Learning", brightside.id)
    named_org(svc, "lead_provider", "Stranger Training", stranger.id)
    delta, echo = named_org(svc, "delivery_partner", "Delta Partners"), named_org(svc, "delivery_partner", "Echo Partners")
    oakfield = named_org(svc, "school", "Oakfield Primary School", urn="100001")
    riverside = named_org(svc, "school", "Riverside Academy", urn="100002")
    hillside = named_org(svc, "school", "Hillside Primary School", urn="100003")
    svc.send("accounts.school_contacts.changed", {"organisation_id": oakfield, "contact_email": "office@oakfield.example",
                                                  "induction_tutors": [{"name": "Tess Tutor", "email": "tess@oakfield.example"}],
                                                  "user_emails": ["alice@oakfield.example"]})
    svc.consume()
    relate(svc, northern, delta, 2025, 2026)
    relate(svc, brightside, delta, 2026)
    relate(svc, stranger, echo, 2026)
    made = {key: create(provider, school, partner, cohort=cohort).json["data"]["id"] for key, provider, school, partner, cohort
            in [("oakfield-2026", northern, oakfield, delta, "2026"), ("oakfield-2025", northern, oakfield, delta, "2025"),
                ("riverside-2026", brightside, riverside, delta, "2026"), ("hillside-2026", stranger, hillside, echo, "2026")]}
    ada = register(svc, northern, oakfield, delta, trn="1000001", first="Ada", last="Lovelace")
    register(svc, northern, oakfield, delta, trn="1000002", first="Mary", last="Mentor", mentor=True)
    bea = register(svc, brightside, riverside, delta, trn="1000003", first="=Bea", last="Brown", urn="100002")
    register(svc, stranger, hillside, echo, trn="1000004", first="Carl", last="Stranger", urn="100003")
    register(svc, northern, oakfield, delta, trn="1000005", first="Ed", last="Early", cohort=2025)
    svc.consume()
    svc.send("registrations.training.changed", training_change(bea, change="withdrawn", status="withdrawn",
                                                               reason="moved-school"))
    svc.send("inductions.induction.status_changed", {
        "induction_id": str(uuid.uuid4()), "trn": ada["trn"], "new_status": "InProgress", "changed_at": "2026-09-02T10:00:00Z",
        "source": "cpd"})
    svc.consume()
    return World(delta, echo, northern, brightside, stranger, oakfield, riverside, hillside, made,
                 {"ada": "1000001", "mary": "1000002", "bea": "1000003", "carl": "1000004", "ed": "1000005"})


class User:
    def __init__(self, svc, token):
        self.svc, self.token = svc, token

    def get(self, path, **query):
        return self.svc.client.get(path, query_string={k: v for k, v in query.items() if v is not None},
                                   headers={"Authorization": f"Bearer {self.token}"})

    def trns(self, path, **query):
        response = self.get(path, **query)
        assert response.status_code == 200, response.json
        return sorted(p["trn"] for p in response.json)

    def schools(self, path, **query):
        response = self.get(path, **query)
        assert response.status_code == 200, response.json
        return sorted((p["school_name"], p["cohort"]) for p in response.json)


def member(token_issuer, svc, *orgs, mode="hat", acting=None, role="end_user"):
    memberships = [{"organisation_id": o, "organisation_type": t, "role": role} for o, t in orgs]
    return User(svc, token_issuer.issue(memberships=memberships, mode=mode,
                                        acting_organisation_id=acting or (orgs[0][0] if mode == "hat" else None)))


def test_a_delivery_partner_sees_its_schools_and_participants_across_its_lead_providers(svc, world, token_issuer):
    dana = member(token_issuer, svc, (world.delta, "delivery_partner"))
    assert dana.schools(f"{DP}/partnerships") == [("Oakfield Primary School", 2025), ("Oakfield Primary School", 2026),
                                                  ("Riverside Academy", 2026)]
    assert dana.schools(f"{DP}/partnerships", cohort=2026, lead_provider_id=world.brightside.id) == [
        ("Riverside Academy", 2026)]
    assert dana.trns(f"{DP}/participants") == ["1000001", "1000002", "1000003", "1000005"]
    assert dana.trns(f"{DP}/participants", lead_provider_id=world.northern.id) == ["1000001", "1000002", "1000005"]
    others = dana.get(f"{DP}/lead-providers").json
    assert [(o["name"], o["cohorts"]) for o in others] == [("Brightside Learning", [2026]),
                                                           ("Northern Lights Teaching", [2025, 2026])]
    # A lead provider the delivery partner does not work with: nothing of theirs, whatever the filter says.
    assert dana.trns(f"{DP}/participants", lead_provider_id=world.stranger.id) == []


def test_each_school_shows_its_contacts_exactly_as_the_lead_provider_api_sends_them(svc, world, token_issuer):
    dana = member(token_issuer, svc, (world.delta, "delivery_partner"))
    partnership_id = world.partnerships["oakfield-2026"]
    shown = dana.get(f"{DP}/partnerships/{partnership_id}").json
    sent = world.northern.get(f"{PARTNERSHIPS}/{partnership_id}").json["data"]["attributes"]
    assert shown["contacts"] == {k: sent[k] for k in ("induction_tutor_name", "induction_tutor_email", "school_contacts")}
    assert shown["contacts"]["induction_tutor_name"] == "Tess Tutor"
    assert (shown["school_urn"], shown["lead_provider_name"], shown["participants"]) == ("100001",
                                                                                         "Northern Lights Teaching", 2)
    listed = {p["id"]: p for p in dana.get(f"{DP}/partnerships").json}
    assert listed[partnership_id] == shown


def test_a_lead_provider_user_sees_only_their_own_lead_providers_data(svc, world, token_issuer):
    nora = member(token_issuer, svc, (world.northern.id, "lead_provider"))
    assert nora.schools(f"{LP}/partnerships") == [("Oakfield Primary School", 2025), ("Oakfield Primary School", 2026)]
    assert nora.trns(f"{LP}/participants") == ["1000001", "1000002", "1000005"]
    assert [o["name"] for o in nora.get(f"{LP}/delivery-partners").json] == ["Delta Partners"]
    # Another lead provider's id in the URL: refused; another's partnership: not found.
    for path in ROUTES[1:] + ["/delivery-partners"]:
        refused = nora.get(f"{LP}{path}", lead_provider_id=world.brightside.id)
        assert refused.status_code == 403 and refused.json["code"] == "not_acting_organisation", path
    assert nora.get(f"{LP}/partnerships/{world.partnerships['riverside-2026']}").status_code == 404
    assert nora.get(f"{LP}/partnerships/{uuid.uuid4()}").status_code == 404
    # Their own lead provider's partnership through the delivery partner's side is not theirs to read.
    assert nora.get(f"{DP}/partnerships").status_code == 403


def test_another_delivery_partners_id_is_refused_and_its_partnerships_are_not_found(svc, world, token_issuer):
    blended = member(token_issuer, svc, (world.delta, "delivery_partner"), mode="blended")
    for path in ROUTES:
        refused = blended.get(f"{DP}{path}", delivery_partner_id=world.echo)
        assert refused.status_code == 403 and refused.json["code"] == "not_your_organisation", path
        assert "1000004" not in refused.text
    assert blended.get(f"{DP}/partnerships/{world.partnerships['hillside-2026']}").status_code == 404
    assert blended.get(f"{DP}/partnerships/not-an-id").status_code == 404


def test_school_users_are_refused_and_staff_see_everything(svc, world, token_issuer):
    school = User(svc, token_issuer.school_user(world.oakfield))
    blended_school = member(token_issuer, svc, (world.oakfield, "school"), mode="blended")
    for user in (school, blended_school):
        for side, paths in ((DP, ROUTES), (LP, ["/delivery-partners", *ROUTES[1:]])):
            for path in paths:
                refused = user.get(f"{side}{path}")
                assert refused.status_code == 403 and "Ada" not in refused.text, (side, path)
        assert user.get(f"{DP}/partnerships/{world.partnerships['oakfield-2026']}").status_code == 403
    assert svc.client.get(f"{DP}/participants").status_code == 401
    # A lead provider API token is not a way in.
    assert svc.client.get(f"{LP}/participants", headers=world.northern.headers()).status_code == 401

    staff = User(svc, token_issuer.issue(staff_role="read_only"))
    assert staff.trns(f"{DP}/participants") == sorted(world.trns.values())
    assert staff.trns(f"{DP}/participants", delivery_partner_id=world.echo) == ["1000004"]
    assert staff.trns(f"{LP}/participants", lead_provider_id=world.stranger.id) == ["1000004"]
    assert staff.get(f"{LP}/partnerships/{world.partnerships['hillside-2026']}").status_code == 200


def test_hat_mode_shows_the_acting_delivery_partner_and_blended_mode_all_of_them(svc, world, token_issuer):
    both = ((world.delta, "delivery_partner"), (world.echo, "delivery_partner"))
    as_echo = member(token_issuer, svc, *both, acting=world.echo)
    assert as_echo.trns(f"{DP}/participants") == ["1000004"]
    assert as_echo.schools(f"{DP}/partnerships") == [("Hillside Primary School", 2026)]
    assert as_echo.get(f"{DP}/participants", delivery_partner_id=world.delta).status_code == 403
    blended = member(token_issuer, svc, *both, mode="blended")
    assert blended.trns(f"{DP}/participants") == sorted(world.trns.values())
    assert blended.trns(f"{DP}/participants", delivery_partner_id=world.echo) == ["1000004"]
    assert [o["name"] for o in blended.get(f"{DP}/lead-providers").json] == [
        "Brightside Learning", "Northern Lights Teaching", "Stranger Training"]
    acting_school = member(token_issuer, svc, (world.oakfield, "school"), *both)
    refused = acting_school.get(f"{DP}/participants")
    assert refused.status_code == 403 and refused.json["code"] == "wrong_organisation_type"


def test_participants_filters_search_and_pages(svc, world, token_issuer):
    dana = member(token_issuer, svc, (world.delta, "delivery_partner"))
    path = f"{DP}/participants"
    assert dana.trns(path, cohort=2025) == ["1000005"]
    assert dana.trns(path, school_id=world.riverside) == ["1000003"]
    assert dana.trns(path, participant_type="mentor") == ["1000002"]
    assert dana.trns(path, training_status="withdrawn") == ["1000003"]
    assert dana.trns(path, q="love") == ["1000001"] and dana.trns(path, q="1000002") == ["1000002"]
    assert dana.trns(path, q="100%") == []
    ada = next(p for p in dana.get(path, q="Ada").json)
    assert (ada["full_name"], ada["participant_type"], ada["induction_status"], ada["school_name"],
            ada["lead_provider_name"], ada["delivery_partner_name"]) == (
        "Ada Lovelace", "ect", "InProgress", "Oakfield Primary School", "Northern Lights Teaching", "Delta Partners")
    mary = dana.get(path, q="Mary").json[0]
    assert mary["participant_type"] == "mentor" and mary["induction_status"] is None
    first = dana.get(path, page_size=2)
    assert json.loads(first.headers["X-Pagination"])["total"] == 4
    names = [p["last_name"] for p in first.json] + [p["last_name"] for p in dana.get(path, page_size=2, page=2).json]
    assert names == ["Brown", "Early", "Lovelace", "Mentor"]
    for bad in ({"cohort": "next"}, {"participant_type": "teacher"}, {"training_status": "x"}, {"q": "a\x00b"},
                {"school_id": "1 OR 1=1"}, {"lead_provider_id": "nope"}):
        response = dana.get(path, **bad)
        assert response.status_code == 422 and set(response.json["fields"]) == set(bad), bad


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_file_holds_exactly_the_filtered_participants(svc, world, token_issuer):
    dana = member(token_issuer, svc, (world.delta, "delivery_partner"))
    response = dana.get(f"{DP}/participants.csv", lead_provider_id=world.northern.id, cohort=2026)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Accel-Buffering"] == "no"
    rows = read_csv(response)
    assert [(r["full_name"], r["trn"], r["participant_type"], r["induction_status"]) for r in rows] == [
        ("Ada Lovelace", "1000001", "ect", "InProgress"), ("Mary Mentor", "1000002", "mentor", "")]
    assert rows[0]["school_name"] == "Oakfield Primary School" and rows[0]["lead_provider_name"] == "Northern Lights Teaching"
    everyone = read_csv(dana.get(f"{DP}/participants.csv"))
    assert [r["trn"] for r in everyone] == [p["trn"] for p in dana.get(f"{DP}/participants").json]
    bea = next(r for r in everyone if r["trn"] == "1000003")
    assert bea["full_name"] == "'=Bea Brown" and bea["training_status"] == "withdrawn"  # never a formula
    for nobody in ("nobody", "x' OR '1'='1", "%", "Ada'); DROP TABLE teachers; --"):
        assert len(dana.get(f"{DP}/participants.csv", q=nobody).get_data(as_text=True).splitlines()) == 1, nobody
    assert [r["trn"] for r in read_csv(dana.get(f"{DP}/participants.csv", q="1000003"))] == ["1000003"]
    empty = dana.get(f"{DP}/participants.csv", q="nobody")
    assert empty.get_data(as_text=True).splitlines() == [",".join(("full_name", "trn", "school_name", "school_urn",
        "participant_type", "cohort", "lead_provider_name", "delivery_partner_name", "training_status",
        "participant_status", "induction_status"))]
    nora = member(token_issuer, svc, (world.northern.id, "lead_provider"))
    assert [r["trn"] for r in read_csv(nora.get(f"{LP}/participants.csv"))] == ["1000005", "1000001", "1000002"]


def test_the_csv_file_is_streamed_as_it_is_read(svc, world, token_issuer, monkeypatch):
    from lp_api import provider_reads

    monkeypatch.setattr(provider_reads, "CSV_CHUNK", 1)
    dana = member(token_issuer, svc, (world.delta, "delivery_partner"))
    response = svc.client.get(f"{DP}/participants.csv", headers={"Authorization": f"Bearer {dana.token}"},
                              buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) == 1 + 4  # the header, then each participant as PostgreSQL sends it
    assert "Brown" in chunks[1].decode() and "Mentor" in chunks[-1].decode()
