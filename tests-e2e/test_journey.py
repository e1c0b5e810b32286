"""One journey through the gateway, from sign-in onwards, asserting what the people in it would notice:

1. Two users of one school both register ECTs; neither is assumed to be the induction tutor.
2. A lead provider partners with the school through its delivery partner. Until the school nominates a tutor,
   the partnership's tutor email is the school's contact email; then one of the school's users nominates one,
   and the partnership shows the tutor and the school's contacts.
3. The lead provider defers the ECT; the school registers a mentor and assigns them; the lead provider resumes.
4. An appropriate body claims the ECT and fails her; the appeal is upheld and she passes. TRS receives exactly
   the expected changes, in order.
5. All along, the lead provider polls with `updated_since` (from the latest `updated_at` it has seen) and sees
   the participants, who registered them, the partnership with the school's contacts, and every change as a
   new version with a later `updated_at`; a fresh full sync at the end agrees.
6. A provider user with memberships in several organisations works in hat mode (what she creates lands only in
   the organisation she acts for, and naming another is refused), then in blended mode (she sees all her
   organisations' records and filters them; a create that does not name the organisation is refused).
7. (Its own test, at a school of its own.) The lead provider declares that its ECT started; the declaration is paid
   on its statement, voided, and clawed back on the next, each step seen by its updated_since polls.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

import requests

from system import eventually

DOB = "1995-03-14"
ADA, CHARLES, MARGARET, EMMY, SOPHIE, HEDY = "2200001", "2200002", "2200003", "2200004", "2200005", "2200006"
GRACE = "2200007"
TEACHERS = {ADA: ("Ada", "Byron"), CHARLES: ("Charles", "Babbage"), MARGARET: ("Margaret", "Hamilton"),
            EMMY: ("Emmy", "Noether"), SOPHIE: ("Sophie", "Germain"), HEDY: ("Hedy", "Lamarr")}
COHORT, STARTED = 2026, "2026-09-01"
TUTOR = {"name": "Tess Tutor", "email": "tess@oakfield.example"}  # has no account: tutors need not have one


def test_journey_from_sign_in_to_trs_and_the_lead_providers_sync(system):
    system.seed_trs(*({"trn": trn, "firstName": first, "lastName": last, "dateOfBirth": DOB, "qtsDate": "2026-07-15"}
                      for trn, (first, last) in TEACHERS.items()))
    oakfield, lead_provider, delivery_partner = system.org("school-1"), system.org("lp-1"), system.org("dp-1")
    lp = LeadProvider(system, "Northern Lights Teaching", since=datetime.now(UTC) - timedelta(seconds=1))
    journey_started = lp.watermark["participants"]

    # 1. Two users of the same school both register teachers; neither is assumed to be the induction tutor.
    alice, bob = User(system, "alice@oakfield.example"), User(system, "bob@oakfield.example")
    # Earlier tests (the fuzzer) may have nominated tutors at Oakfield: the school starts this story without one.
    for tutor in alice.get(f"/accounts/organisations/{oakfield}/contacts")["induction_tutors"]:
        expect(alice.request("DELETE", f"/accounts/organisations/{oakfield}/contacts/induction-tutors/{tutor['id']}"), 200)
    ada = alice.post("/registrations/ects", ect(system, ADA, "ada@oakfield.example", school_id=oakfield,
                                                appropriate_body_id=system.org("ab-1")))
    charles = bob.post("/registrations/ects", ect(system, CHARLES, "charles@oakfield.example", school_id=oakfield,
                                                  appropriate_body_id=system.org("ab-1")))
    registered_by = {e["trn"]: e["registered_by"]["email"] for e in bob.get("/registrations/ects")}
    assert registered_by[ADA] == "alice@oakfield.example" and registered_by[CHARLES] == "bob@oakfield.example"
    contacts = alice.get(f"/accounts/organisations/{oakfield}/contacts")
    assert contacts["induction_tutors"] == [], "registering teachers must not make anyone the induction tutor"
    assert {"alice@oakfield.example", "bob@oakfield.example"} <= set(contacts["user_emails"])
    school_email = contacts["contact_email"]
    assert school_email

    # The lead provider sees that the school chose it (an expression of interest), before any partnership.
    school = lambda: lp.request("GET", f"/schools/ecf/{oakfield}", params={"filter[cohort]": COHORT})["data"]  # noqa: E731
    interest = eventually(lambda: (lambda a: a if a["expression_of_interest"] else None)(school()["attributes"]))
    assert (interest["in_partnership"], interest["induction_programme_choice"]) == (False, "provider_led")
    coming = lambda: {p["id"] for p in lp.request("GET", "/participants/ecf/expressions-of-interest")["data"]}  # noqa: E731
    eventually(lambda: {ada["teacher_id"], charles["teacher_id"]} <= coming())

    # 2. The lead provider partners with the school through its delivery partner. Nobody has been nominated, so
    #    the partnership's tutor email is the school's contact email.
    system.add_delivery_partner("lp-1", "dp-1", COHORT)
    partnership = lp.post("/partnerships/ecf", {"data": {"type": "ecf-partnership", "attributes": {
        "cohort": str(COHORT), "school_id": oakfield, "delivery_partner_id": delivery_partner}}})["data"]
    created = partnership["attributes"]
    assert created["urn"] == "100001" and created["delivery_partner_name"] == "Delta Partners"
    assert (created["induction_tutor_name"], created["induction_tutor_email"]) == (None, school_email)
    assert {"name": None, "email": school_email, "role": "school_contact"} in created["school_contacts"]
    partnered = school()["attributes"]
    eventually(lambda: not {ada["teacher_id"], charles["teacher_id"]} & coming())  # now participants (below)
    assert (partnered["in_partnership"], partnered["updated_at"] > interest["updated_at"]) == (True, True)
    lp.sees("partnerships", partnership["id"], "the new partnership", lambda a: a["school_id"] == oakfield)
    # The ECTs' training moves onto the partnership: the lead provider now sees them (v3 participants come through
    # partnerships, each with its delivery partner), with who registered them; the school sees the delivery partner.
    seen = [lp.sees("participants", teacher["teacher_id"],
                    f"{teacher['first_name']}'s training on the partnership, registered by {registrar}",
                    lambda a, registrar=registrar: ect_enrolment(a)["delivery_partner_id"] == delivery_partner
                    and ect_enrolment(a)["registered_by"]["email"] == registrar)
            for teacher, registrar in ((ada, "alice@oakfield.example"), (charles, "bob@oakfield.example"))]
    assert seen[0]["full_name"] == "Ada Byron" and ect_enrolment(seen[0])["email"] == "ada@oakfield.example"
    assert ect_enrolment(seen[0])["school_urn"] == "100001"
    eventually(lambda: alice.get(f"/registrations/ects/{ada['id']}")["delivery_partner_id"] == delivery_partner)

    # One of the school's users (not the approver) nominates an induction tutor; the lead provider sees the tutor
    # and the school's contacts on the partnership, which moved.
    nominated = bob.post(f"/accounts/organisations/{oakfield}/contacts/induction-tutors", TUTOR)
    assert [(t["name"], t["email"]) for t in nominated["induction_tutors"]] == [(TUTOR["name"], TUTOR["email"])]
    seen = lp.sees("partnerships", partnership["id"], "the nominated induction tutor",
                   lambda a: a["induction_tutor_email"] == TUTOR["email"])
    assert seen["induction_tutor_name"] == TUTOR["name"]
    listed = {(c["role"], c["email"]) for c in seen["school_contacts"]}
    assert {("induction_tutor", TUTOR["email"]), ("school_contact", school_email),
            ("school_user", "alice@oakfield.example"), ("school_user", "bob@oakfield.example")} <= listed, listed

    # 3. The lead provider defers Ada; the school sees it.
    deferred = lp.put(f"/participants/ecf/{ada['teacher_id']}/defer", {"data": {
        "type": "participant-defer", "attributes": {"reason": "career-break", "course_identifier": "ecf-induction"}}})
    deferred = deferred["data"]["attributes"]
    assert ect_enrolment(deferred)["training_status"] == "deferred"
    seen = lp.sees("participants", ada["teacher_id"], "Ada deferred",
                   lambda a: ect_enrolment(a)["training_status"] == "deferred")
    assert ect_enrolment(seen)["deferral"]["reason"] == "career-break"
    eventually(lambda: alice.get(f"/registrations/ects/{ada['id']}")["training_status"] == "deferred")

    # The school registers a mentor and assigns her to Ada; the lead provider sees the mentor and Ada's mentor.
    margaret = bob.post("/registrations/mentors", {
        "school_id": oakfield, "trn": MARGARET, "date_of_birth": DOB, "started_on": STARTED,
        "email": "margaret@oakfield.example", "lead_provider_id": lead_provider, "cohort": COHORT})
    # Registered after the school's partnership with her lead provider, she trains through it from the start.
    assert (margaret["delivery_partner_id"], margaret["expression_of_interest"]) == (delivery_partner, False)
    bob.post(f"/registrations/ects/{ada['id']}/mentorship", {"mentor_id": margaret["id"], "started_on": STARTED})
    assert alice.get(f"/registrations/ects/{ada['id']}")["mentor_id"] == margaret["id"]
    seen = lp.sees("participants", margaret["teacher_id"], "Margaret, a mentor",
                   lambda a: [e["participant_type"] for e in a["ecf_enrolments"]] == ["mentor"])
    assert seen["ecf_enrolments"][0]["registered_by"]["email"] == "bob@oakfield.example"
    assert seen["ecf_enrolments"][0]["delivery_partner_id"] == delivery_partner
    lp.sees("participants", ada["teacher_id"], "Ada's mentor",
            lambda a: ect_enrolment(a)["mentor_id"] == margaret["teacher_id"])

    # The lead provider resumes Ada's training.
    lp.put(f"/participants/ecf/{ada['teacher_id']}/resume", {"data": {"type": "participant-resume", "attributes": {
        "course_identifier": "ecf-induction"}}})
    lp.sees("participants", ada["teacher_id"], "Ada resumed",
            lambda a: ect_enrolment(a)["training_status"] == "active" and ect_enrolment(a)["deferral"] is None)
    eventually(lambda: alice.get(f"/registrations/ects/{ada['id']}")["training_status"] == "active")

    # 4. The appropriate body claims Ada and fails her; the appeal is upheld, then she passes. Each change to her
    #    induction's end date reaches the lead provider.
    abby, sam = User(system, "abby@kingsbridge.example"), User(system, "sam@education.gov.uk")
    today = date.today().isoformat()
    abby.post("/inductions/claims", {"trn": ADA, "date_of_birth": DOB, "started_on": STARTED})
    eventually(lambda: trs_statuses(system, ADA) == ["RequiredToComplete", "InProgress"])
    abby.post(f"/inductions/ects/{ADA}/outcome", {"outcome": "fail", "finished_on": today, "number_of_terms": "2.0",
                                                  "appeal_notice_confirmed": True, "appeal_notice_confirmed_on": today},
              status=200)
    lp.sees("participants", ada["teacher_id"], "the end of Ada's failed induction",
            lambda a: ect_enrolment(a)["induction_end_date"] == today)
    appeal = abby.post(f"/inductions/ects/{ADA}/appeals", {})
    decided = sam.post(f"/inductions/appeals/{appeal['id']}/decision",
                       {"decision": "upheld_continue", "note": "Appeal panel upheld the appeal."}, status=200)
    assert decided["decision"] == "upheld_continue"
    assert abby.get(f"/inductions/ects/{ADA}")["status"] == "InProgress"
    lp.sees("participants", ada["teacher_id"], "Ada's induction continuing after the appeal",
            lambda a: ect_enrolment(a)["induction_end_date"] is None)
    passed = abby.post(f"/inductions/ects/{ADA}/outcome", {"outcome": "pass", "finished_on": today,
                                                           "number_of_terms": "6.0"}, status=200)
    assert passed["status"] == "Passed"
    lp.sees("participants", ada["teacher_id"], "the end of Ada's passed induction",
            lambda a: ect_enrolment(a)["induction_end_date"] == today)

    # TRS receives exactly the expected changes, in order.
    expected = ["RequiredToComplete", "InProgress", "Failed", "InProgress", "Passed"]
    eventually(lambda: trs_statuses(system, ADA) == expected, timeout=30)
    puts = [p for p in system.trs_puts(ADA) if p["status"] == 204]
    assert [p["body"].get("startDate") for p in puts] == [None, STARTED, STARTED, STARTED, STARTED]
    assert [p["body"].get("completedDate") for p in puts] == [None, None, today, None, today]
    modified = [p["body"]["modifiedOn"] for p in puts]
    assert modified == sorted(modified)
    assert requests.get(f"{system.trs}/_test/persons/{ADA}", timeout=5).json()["induction"]["status"] == "Passed"

    # 5. A fresh updated_since sync from the journey's start agrees with what the polling lead provider saw.
    fresh = LeadProvider(system, "Northern Lights Teaching", since=journey_started)
    for kind in ("participants", "partnerships"):
        fresh.poll(kind)
        lp.poll(kind)
    for teacher_id in (ada["teacher_id"], charles["teacher_id"], margaret["teacher_id"]):
        assert fresh.mirror["participants"][teacher_id] == lp.mirror["participants"][teacher_id]
    final = ect_enrolment(fresh.mirror["participants"][ada["teacher_id"]]["attributes"])
    assert (final["registered_by"]["email"], final["mentor_id"], final["delivery_partner_id"],
            final["training_status"], final["induction_end_date"]) == (
        "alice@oakfield.example", margaret["teacher_id"], delivery_partner, "active", today)
    assert fresh.mirror["partnerships"][partnership["id"]] == lp.mirror["partnerships"][partnership["id"]]
    assert fresh.mirror["partnerships"][partnership["id"]]["attributes"]["induction_tutor_email"] == TUTOR["email"]

    # 6. A provider user with memberships in several organisations: hat mode, then blended mode.
    hat_then_blended(system, alice)


def hat_then_blended(system, alice: User) -> None:
    riverside, kingsbridge, westmoor = system.org("school-2"), system.org("ab-1"), system.org("ab-2")
    priya = User(system, "priya@providers.example")
    priya.work_in("hat")
    me = priya.get("/accounts/me")
    assert {riverside, kingsbridge, westmoor} <= {m["organisation_id"] for m in me["memberships"]}
    assert me["mode"] == "hat" and me["acting_organisation_id"] is None
    assert refusal(priya.request("GET", "/registrations/ects"), 409) == "choose_organisation"

    # Hat mode: wearing Riverside's hat, the ECT she registers lands at Riverside, and only there.
    priya.act_for(riverside)
    assert priya.get("/accounts/me")["acting_organisation_id"] == riverside
    emmy = priya.post("/registrations/ects", ect(system, EMMY, "emmy@riverside.example"))
    assert emmy["school_id"] == riverside and emmy["registered_by"]["email"] == "priya@providers.example"
    assert EMMY in {e["trn"] for e in priya.get("/registrations/ects")}
    assert {e["school_id"] for e in priya.get("/registrations/ects")} == {riverside}
    assert EMMY not in {e["trn"] for e in alice.get("/registrations/ects")}
    assert refusal(priya.request("POST", "/registrations/ects", json=ect(system, SOPHIE, "sophie@riverside.example",
                                                                         school_id=system.org("school-1"))),
                   403) == "not_acting_organisation"

    # Wearing Westmoor's hat, her claim opens a period for Westmoor; asking for Kingsbridge while wearing it is refused.
    eventually(lambda: trs_statuses(system, EMMY))  # inductions knows the registration
    priya.act_for(westmoor)
    claimed = priya.post("/inductions/claims", {"trn": EMMY, "date_of_birth": DOB, "started_on": STARTED})
    assert [p["appropriate_body_id"] for p in claimed["periods"]] == [westmoor]
    assert EMMY in trns(priya.get("/inductions/ects"))
    assert refusal(priya.request("POST", "/inductions/claims", json={
        "trn": SOPHIE, "date_of_birth": DOB, "started_on": STARTED, "appropriate_body_id": kingsbridge}),
        403) == "not_acting_organisation"

    # Swapping to Kingsbridge's hat, Westmoor's claim is out of sight.
    priya.act_for(kingsbridge)
    kingsbridge_ects = trns(priya.get("/inductions/ects"))
    assert ADA in kingsbridge_ects and EMMY not in kingsbridge_ects
    assert priya.request("GET", f"/inductions/ects/{EMMY}").status_code == 404

    # Blended mode: she sees every organisation's records at once and can filter by organisation.
    priya.work_in("blended")
    assert priya.get("/accounts/me")["mode"] == "blended"
    assert {ADA, EMMY} <= trns(priya.get("/inductions/ects"))
    assert EMMY in trns(priya.get("/inductions/ects", appropriate_body_id=westmoor))
    assert ADA not in trns(priya.get("/inductions/ects", appropriate_body_id=westmoor))
    assert ADA in trns(priya.get("/inductions/ects", appropriate_body_id=kingsbridge))
    assert EMMY not in trns(priya.get("/inductions/ects", appropriate_body_id=kingsbridge))
    assert EMMY in {e["trn"] for e in priya.get("/registrations/ects", school_id=riverside)}

    # A create that does not name the organisation is refused with a message on the missing field; nothing lands.
    missing = priya.request("POST", "/registrations/ects", json=ect(system, SOPHIE, "sophie@riverside.example"))
    assert missing.status_code == 422, missing.text
    assert missing.json()["fields"]["school_id"] == ["Name the organisation this is for."]
    missing = priya.request("POST", "/inductions/claims",
                            json={"trn": SOPHIE, "date_of_birth": DOB, "started_on": STARTED})
    assert missing.status_code == 422, missing.text
    assert missing.json()["fields"]["appropriate_body_id"] == ["Name the organisation this is for."]
    assert refusal(priya.request("POST", "/registrations/ects", json=ect(system, SOPHIE, "sophie@riverside.example",
                                                                         school_id=system.org("school-1"))),
                   403) == "not_your_organisation"
    assert SOPHIE not in {e["trn"] for e in priya.get("/registrations/ects")}

    # Naming the organisation, the create lands in the one she named.
    sophie = priya.post("/registrations/ects", ect(system, SOPHIE, "sophie@riverside.example", school_id=riverside))
    assert sophie["school_id"] == riverside
    eventually(lambda: trs_statuses(system, SOPHIE))
    claimed = priya.post("/inductions/claims", {"trn": SOPHIE, "date_of_birth": DOB, "started_on": STARTED,
                                                "appropriate_body_id": kingsbridge})
    assert [p["appropriate_body_id"] for p in claimed["periods"]] == [kingsbridge]
    assert SOPHIE in trns(priya.get("/inductions/ects", appropriate_body_id=kingsbridge))
    assert SOPHIE not in trns(priya.get("/inductions/ects", appropriate_body_id=westmoor))


def test_a_teacher_registered_after_the_schools_partnership_trains_through_it(system):
    """The journey registers its mentor after the partnership; this is what the lead provider should then see.
    A fresh school (a demo scenario) keeps it apart from the journey's."""
    approver, registered, _ = ect_at_a_partnered_school(system, HEDY, "Hedy", "Lamarr")
    at_school = approver.get(f"/registrations/ects/{registered['id']}")
    assert (at_school["delivery_partner_id"], at_school["expression_of_interest"]) == (system.org("dp-1"), False)


def test_a_declaration_is_paid_on_its_statement_then_voided_and_clawed_back(system):
    """7. The lead provider declares that its ECT started; the declaration is eligible on the next open output
    statement, payable once that statement's cut-off passes (rehearsed with `close-statements --as-of`), paid when
    DfE finance pays the statement through the gateway; voided, it awaits clawback on the next statement and is
    clawed back when finance pays that one. The lead provider's updated_since polls see every step."""
    _, grace, lp = ect_at_a_partnered_school(system, GRACE, "Grace", "Hopper")
    teacher_id = grace["teacher_id"]

    started = {"data": {"type": "participant-declaration", "attributes": {
        "participant_id": teacher_id, "declaration_type": "started", "declaration_date": "2026-09-15T09:00:00Z",
        "course_identifier": "ecf-induction"}}}
    declaration = lp.post("/participant-declarations", started)["data"]
    assert lp.post("/participant-declarations", started)["data"]["id"] == declaration["id"]  # a repeat: the same one
    first = lp.sees("declarations", declaration["id"], "the declaration, eligible", lambda a: a["state"] == "eligible")
    assert first["delivery_partner_id"] == system.org("dp-1")
    statement = lp.request("GET", f"/statements/{first['statement_id']}")["data"]["attributes"]
    assert (statement["cohort"], statement["paid"]) == (str(COHORT), False)

    finance = User(system, "fiona@education.gov.uk")  # DfE finance staff
    early = finance.request("POST", f"/lp-api/finance/statements/{first['statement_id']}/paid")
    assert refusal(early, 409) == "cut_off_not_passed"
    pass_cut_off(system, statement["cut_off_date"])
    lp.sees("declarations", declaration["id"], "the declaration payable after its statement's cut-off",
            lambda a: a["state"] == "payable")
    paid = finance.post(f"/lp-api/finance/statements/{first['statement_id']}/paid", {}, status=200)
    assert (paid["status"], paid["declarations"], paid["paid_by"]["email"]) == (
        "paid", {"paid": 1}, "fiona@education.gov.uk")
    lp.sees("declarations", declaration["id"], "the declaration paid", lambda a: a["state"] == "paid")
    lp.sees("statements", first["statement_id"], "the statement paid", lambda a: a["paid"] is True)

    voided = lp.put(f"/participant-declarations/{declaration['id']}/void", {})["data"]["attributes"]
    assert voided["state"] == "awaiting-clawback" and voided["clawback_statement_id"] not in (None, first["statement_id"])
    clawback = lp.sees("declarations", declaration["id"], "the paid declaration awaiting clawback",
                       lambda a: a["state"] == "awaiting-clawback")
    next_statement = lp.request("GET", f"/statements/{clawback['clawback_statement_id']}")["data"]["attributes"]
    pass_cut_off(system, next_statement["cut_off_date"])
    finance.post(f"/lp-api/finance/statements/{clawback['clawback_statement_id']}/paid", {}, status=200)
    final = lp.sees("declarations", declaration["id"], "the declaration clawed back",
                    lambda a: a["state"] == "clawed-back")
    assert (final["statement_id"], final["clawback_statement_id"]) == (first["statement_id"],
                                                                        clawback["clawback_statement_id"])
    # Another lead provider sees none of it.
    other = LeadProvider(system, "Brightside Learning", since=datetime.now(UTC) - timedelta(days=1))
    assert requests.get(f"{other.api}/participant-declarations/{declaration['id']}", headers=other.headers,
                        timeout=10).status_code == 404
    assert declaration["id"] not in {d["id"] for d in other.request("GET", "/participant-declarations")["data"]}


def ect_at_a_partnered_school(system, trn: str, first: str, last: str):
    """A fresh school (a demo scenario, apart from the journey's) that the demo lead provider partners for the cohort,
    and an ECT its approver registers after the partnership: (approver, registration, the lead provider), once the
    lead provider sees them training through the partnership."""
    system.seed_trs({"trn": trn, "firstName": first, "lastName": last, "dateOfBirth": DOB, "qtsDate": "2026-07-15"})
    scenario = User(system, "sam@education.gov.uk").post("/accounts/scenarios", {"name": "school-with-3-users"})
    [school] = scenario["organisations"]
    approver = User(system, scenario["personas"][0]["email"])
    system.add_delivery_partner("lp-1", "dp-1", COHORT)
    lp = LeadProvider(system, "Northern Lights Teaching", since=datetime.now(UTC) - timedelta(seconds=1))
    partnership = {"data": {"type": "ecf-partnership", "attributes": {
        "cohort": str(COHORT), "school_id": school["id"], "delivery_partner_id": system.org("dp-1")}}}
    # lp-api and registrations learn of the new school from accounts' events.
    eventually(lambda: requests.post(f"{lp.api}/partnerships/ecf", headers=lp.headers, json=partnership,
                                     timeout=10).status_code == 200)
    registered = eventually(lambda: (lambda r: r.json() if r.status_code == 201 else None)(approver.request(
        "POST", "/registrations/ects", json=ect(system, trn, f"{first.lower()}@elm-grove.example"))))
    lp.sees("participants", registered["teacher_id"], f"{first} training through the partnership",
            lambda a: ect_enrolment(a)["delivery_partner_id"] == system.org("dp-1"), timeout=15)
    return approver, registered, lp


def pass_cut_off(system, cut_off_date: str) -> None:
    """Rehearse the day after a statement's cut-off (the worker passes it on the day; the tests cannot wait)."""
    import subprocess
    import sys

    after = (date.fromisoformat(cut_off_date) + timedelta(days=1)).isoformat()
    subprocess.run([sys.executable, "-m", "lp_api", "close-statements", "--as-of", after, "--by", "e2e"],
                   env=system.env, check=True, capture_output=True)


# --- the people and the lead provider ----------------------------------------------------------------------------
def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def expect(response: requests.Response, status: int):
    assert response.status_code == status, (f"{response.request.method} {response.url}: "
                                            f"{response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


def refusal(response: requests.Response, status: int) -> str:
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    return response.json()["code"]


class User:
    """Someone signed in through the gateway (persona sign-in stands in for DfE Sign-in). Like a browser
    session, it refreshes its access token when it expires."""

    def __init__(self, system, email: str):
        self.gateway = system.gateway
        self.refresh_token = None
        self._keep(system.sign_in(email))

    def _keep(self, tokens: dict) -> dict:
        self.token = tokens["access_token"]
        self.refresh_token = tokens.get("refresh_token") or self.refresh_token
        return tokens

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.gateway}{path}", headers=bearer(self.token), timeout=15, **kwargs)
        if response.status_code == 401 and self.refresh_token:
            self._keep(expect(requests.post(f"{self.gateway}/accounts/tokens/refresh", timeout=10,
                                            json={"refresh_token": self.refresh_token}), 200))
            response = requests.request(method, f"{self.gateway}{path}", headers=bearer(self.token), timeout=15,
                                        **kwargs)
        return response

    def get(self, path: str, **params):
        return expect(self.request("GET", path, params=params), 200)

    def post(self, path: str, body: dict, status: int = 201):
        return expect(self.request("POST", path, json=body), status)

    def work_in(self, mode: str) -> None:
        self._keep(self.post("/accounts/me/mode", {"mode": mode}, status=200))

    def act_for(self, organisation_id: str) -> None:
        self._keep(self.post("/accounts/me/acting-organisation", {"organisation_id": organisation_id}, status=200))


class LeadProvider:
    """A lead provider's integration: it keeps a copy of its participants and partnerships, and polls each with
    `filter[updated_since]` set to the latest `updated_at` it has seen (v3's guidance: several polls a day)."""

    PATHS = {"participants": "/participants/ecf", "partnerships": "/partnerships/ecf",
             "declarations": "/participant-declarations", "statements": "/statements"}

    def __init__(self, system, name: str, since: datetime):
        self.api = f"{system.gateway}/api/v3"
        self.headers = bearer(system.lp_token(name))
        self.watermark = {kind: since for kind in self.PATHS}
        self.mirror: dict[str, dict[str, dict]] = {kind: {} for kind in self.PATHS}
        self.noticed: dict[tuple[str, str], dict] = {}  # the version of a resource the last `sees` looked at

    def request(self, method: str, path: str, body: dict | None = None, params: dict | None = None):
        return expect(requests.request(method, f"{self.api}{path}", headers=self.headers, json=body, params=params,
                                       timeout=15), 200)

    def post(self, path: str, body: dict):
        return self.request("POST", path, body)

    def put(self, path: str, body: dict):
        return self.request("PUT", path, body)

    def poll(self, kind: str) -> None:
        """One `updated_since` sync, paged until a page comes back empty, into the local copy."""
        since, latest, page = self.watermark[kind], self.watermark[kind], 1
        while data := self.request("GET", self.PATHS[kind], params={
                "filter[updated_since]": since.isoformat(), "page[page]": page, "page[per_page]": 100})["data"]:
            for resource in data:
                self.mirror[kind][resource["id"]] = resource
                latest = max(latest, datetime.fromisoformat(resource["attributes"]["updated_at"]))
            page += 1
        self.watermark[kind] = latest

    def sees(self, kind: str, resource_id: str, what: str, check, timeout: float = 30) -> dict:
        """Poll until the copy holds a version of the resource newer than the one noticed before, for which
        `check(attributes)` holds; its updated_at must have moved past that one's. Returns the attributes."""
        before = self.noticed.get((kind, resource_id))

        def arrived():
            self.poll(kind)
            now = self.mirror[kind].get(resource_id)
            return now if now is not None and now != before and check(now["attributes"]) else None

        try:
            resource = eventually(arrived, timeout=timeout, interval=0.3)
        except AssertionError:
            raise AssertionError(f"the lead provider's updated_since sync did not see {what} within {timeout}s; "
                                 f"its copy: {self.mirror[kind].get(resource_id)}") from None
        self.noticed[(kind, resource_id)] = resource
        attributes = resource["attributes"]
        if before is not None:
            assert attributes["updated_at"] > before["attributes"]["updated_at"], (
                f"{what}: updated_at did not move ({before['attributes']['updated_at']} → {attributes['updated_at']})")
        return attributes


# --- small helpers -----------------------------------------------------------------------------------------------
def ect(system, trn: str, email: str, **extra) -> dict:
    """An ECT registration at the school the caller acts for (or the one `school_id` names), with the demo lead
    provider's provider-led training."""
    return {"trn": trn, "date_of_birth": DOB, "started_on": STARTED, "email": email, "working_pattern": "full_time",
            "training_programme": "provider_led", "lead_provider_id": system.org("lp-1"), "cohort": COHORT, **extra}


def ect_enrolment(attributes: dict) -> dict:
    [enrolment] = [e for e in attributes["ecf_enrolments"] if e["participant_type"] == "ect"]
    return enrolment


def trns(inductions: list[dict]) -> set[str]:
    return {i["trn"] for i in inductions}


def trs_statuses(system, trn: str) -> list[str]:
    return [p["body"]["status"] for p in system.trs_puts(trn) if p["status"] == 204]
