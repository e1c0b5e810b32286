"""What the school frontend reads, through the gateway: the registration wizard's eligibility check (each refusal,
and a teacher registered at another school who is moving), the school's list of ECTs with names, searched and
paged, and its ECTs' induction statuses in inductions once the registration's event has reached it."""
import json

from system import eventually
from test_journey import User, expect, refusal

DOB = "1994-06-02"
ELIGIBLE, PASSED, PROHIBITED, AT_RIVERSIDE, UNKNOWN = "2400001", "2400002", "2400003", "2400004", "2400009"


def test_a_school_checks_registers_and_reads_its_ects(system):
    system.seed_trs(
        {"trn": ELIGIBLE, "firstName": "Lise", "lastName": "Meitner", "dateOfBirth": DOB, "qtsDate": "2026-07-15"},
        {"trn": PASSED, "firstName": "Emmy", "lastName": "Noetherly", "dateOfBirth": DOB, "qtsDate": "2020-07-15",
         "inductionStatus": "Passed", "inductionStartDate": "2020-09-01", "inductionCompletedDate": "2021-07-20"},
        {"trn": PROHIBITED, "firstName": "Pat", "lastName": "Barred", "dateOfBirth": DOB, "qtsDate": "2026-07-15",
         "prohibited": True},
        {"trn": AT_RIVERSIDE, "firstName": "Chien-Shiung", "lastName": "Wu", "dateOfBirth": DOB,
         "qtsDate": "2026-07-15"})
    oakfield, riverside = system.org("school-1"), system.org("school-2")
    carol = User(system, "carol@oakfield.example")
    priya = User(system, "priya@providers.example")
    priya.act_for(riverside)
    priya.post("/registrations/ects", {"trn": AT_RIVERSIDE, "date_of_birth": DOB, "started_on": "2026-09-01",
                                       "email": "wu@riverside.example", "working_pattern": "full_time",
                                       "training_programme": "school_led", "cohort": 2026})

    # The wizard's first page: each refusal is its own answer, and nothing is written.
    def check(trn, **extra):
        return carol.request("POST", "/registrations/ects/check", json={"trn": trn, "date_of_birth": DOB, **extra})

    assert refusal(check(UNKNOWN), 422) == "teacher_not_found"
    assert refusal(check(PASSED), 422) == "induction_already_completed"
    assert refusal(check(PROHIBITED), 422) == "prohibited_from_teaching"
    elsewhere = check(AT_RIVERSIDE)
    assert refusal(elsewhere, 409) == "registered_elsewhere"
    assert elsewhere.json()["details"]["registered_elsewhere"] == {"school_name": "Riverside Academy",
                                                                   "started_on": "2026-09-01"}
    moving = expect(check(AT_RIVERSIDE, moving_from_another_school=True), 200)
    assert moving["registered_elsewhere"]["school_name"] == "Riverside Academy"
    eligible = expect(check(ELIGIBLE), 200)
    assert (eligible["first_name"], eligible["last_name"], eligible["induction_status"], eligible["warnings"]) == (
        "Lise", "Meitner", "RequiredToComplete", [])
    assert carol.get("/registrations/ects", q=ELIGIBLE) == []

    # The wizard's choices, then the registration.
    choices = carol.get(f"/registrations/schools/{oakfield}/choices")
    assert system.org("ab-1") in {ab["id"] for ab in choices["appropriate_bodies"]}
    assert system.org("lp-1") in {lp["id"] for lp in choices["lead_providers"]}
    lise = carol.post("/registrations/ects", {
        "trn": ELIGIBLE, "date_of_birth": DOB, "started_on": "2026-09-01", "email": "lise@oakfield.example",
        "working_pattern": "full_time", "appropriate_body_id": system.org("ab-1"), "training_programme": "provider_led",
        "lead_provider_id": system.org("lp-1"), "cohort": 2026})
    assert refusal(check(ELIGIBLE), 409) == "already_registered_here"
    assert carol.get(f"/registrations/schools/{oakfield}/choices")["last_ect_choices"] == {
        "appropriate_body_id": system.org("ab-1"), "training_programme": "provider_led",
        "lead_provider_id": system.org("lp-1")}

    # The school's list: searched by name, current, a page at a time, with the names the page shows.
    listed = carol.request("GET", "/registrations/ects", params={"q": "meitner", "status": "current", "page": 1,
                                                                  "page_size": 1})
    [shown] = expect(listed, 200)
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    assert (shown["id"], shown["status"], shown["school_name"], shown["lead_provider_name"],
            shown["appropriate_body_name"], shown["mentor_name"]) == (
        lise["id"], "current", "Oakfield Primary School", "Northern Lights Teaching", "Kingsbridge Teaching School Hub",
        None)
    assert carol.get("/registrations/ects", q="2400", status="left") == []
    assert carol.get("/registrations/ects", q=AT_RIVERSIDE) == []  # Riverside's ECT is not Oakfield's to see
    assert [e["trn"] for e in priya.get("/registrations/ects", q="240000")] == [AT_RIVERSIDE]

    # Inductions learns of the registration from its event: the school reads its ECT's induction status there.
    def induction_seen():
        return carol.get("/inductions/schools/ects", trn=ELIGIBLE)

    [induction] = eventually(induction_seen)
    assert induction == {"ect_period_id": lise["id"], "trn": ELIGIBLE, "school_id": oakfield,
                         "status": "RequiredToComplete", "start_date": None, "completed_date": None,
                         "appropriate_body_id": None}
    assert priya.get("/inductions/schools/ects", trn=ELIGIBLE) == []
    assert [i["trn"] for i in eventually(lambda: priya.get("/inductions/schools/ects", trn=AT_RIVERSIDE))] == [
        AT_RIVERSIDE]
    assert refusal(carol.request("GET", "/inductions/schools/ects", params={"school_id": riverside}), 403) == \
        "not_acting_organisation"
