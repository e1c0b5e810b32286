"""Every read model lp-api keeps takes a late older event without going back in time (ecf_shared.ordering)."""
import uuid
from datetime import date, datetime, UTC


from ecf_shared.testing import ordering
from ecf_shared.testing.ordering import OrderingCase
from lp_events import ect_registration, mentor_registration, organisation, training_change

SCHOOL, LEAD_PROVIDER, MENTORSHIP = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
ECT = ect_registration(lead_provider_id=LEAD_PROVIDER, school_id=SCHOOL)
MENTOR = mentor_registration(lead_provider_id=LEAD_PROVIDER, school_id=SCHOOL)
ECT_PERIOD, ECT_TEACHER, TRN = ECT["ect_period_id"], ECT["teacher_id"], ECT["trn"]
REGISTERED = ("registrations.ect.registered", ECT)


def school(name, status="open"):
    return organisation(organisation_id=SCHOOL, name=name, status=status)


def contacts(email):
    return ("accounts.school_contacts.changed", {"organisation_id": SCHOOL, "contact_email": email,
                                                 "induction_tutors": [{"name": "Tutor", "email": email}]})


def renamed(registration, first_name):
    return ("registrations.teacher.details_changed", {"teacher_id": registration["teacher_id"],
                                                      "trn": registration["trn"], "first_name": first_name,
                                                      "last_name": "King"})


def mentorship(event_type):
    return (event_type, {"mentorship_id": MENTORSHIP, "school_id": SCHOOL, "ect_period_id": ECT_PERIOD,
                         "ect_teacher_id": ECT_TEACHER, "mentor_period_id": MENTOR["mentor_period_id"],
                         "mentor_teacher_id": MENTOR["teacher_id"], "started_on": date(2025, 10, 1)})


def left():
    return ("registrations.teacher.left_school", {"teacher_id": ECT_TEACHER, "trn": TRN, "participant_type": "ect",
                                                  "period_id": ECT_PERIOD, "school_id": SCHOOL,
                                                  "finished_on": date(2026, 3, 1)})


def moved():
    return ("registrations.teacher.moved_school", {
        "teacher_id": ECT_TEACHER, "trn": TRN, "from_period_id": ECT_PERIOD, "from_school_id": SCHOOL,
        "to_period_id": str(uuid.uuid4()), "to_school_id": str(uuid.uuid4()), "moved_on": date(2026, 1, 5),
        "email": ECT["email"], "working_pattern": "full_time", "registered_by": ECT["registered_by"],
        "training": {**ECT["training"], "training_period_id": str(uuid.uuid4()), "lead_provider_id": str(uuid.uuid4())}})


def changed_training(status):
    return ("registrations.training.changed", training_change(ECT, change=status, status=status))


def induction_status(new_status, completed_date=None):
    return ("inductions.induction.status_changed", {
        "induction_id": str(uuid.uuid4()), "trn": TRN, "new_status": new_status, "start_date": date(2025, 9, 1),
        "completed_date": completed_date, "changed_at": datetime.now(UTC), "source": "cpd"})


def period_closed(outcome, finished_on):
    return ("inductions.period.closed", {
        "period_id": str(uuid.uuid4()), "induction_id": str(uuid.uuid4()), "trn": TRN,
        "appropriate_body_id": str(uuid.uuid4()), "started_on": date(2025, 9, 1), "finished_on": finished_on,
        "number_of_terms": "6.0", "outcome": outcome})


def school_shown(svc):
    return ordering.one(svc, "select name, status from organisations where id = :id", id=SCHOOL)


def contact_shown(svc):
    return ordering.one(svc, "select contact_email from school_contacts where school_id = :id", id=SCHOOL)


def first_name_shown(registration):
    return lambda svc: ordering.one(svc, "select first_name from teachers where id = :id", id=registration["teacher_id"])


def mentorship_ended(svc):
    return ordering.one(svc, "select ended from mentorships where id = :id", id=MENTORSHIP)


def enrolment_shown(svc):
    return ordering.one(svc, "select participant_status, training_status from enrolments where period_id = :p", p=ECT_PERIOD)


def induction_end_shown(svc):
    return ordering.one(svc, "select end_date from induction_ends where trn = :trn", trn=TRN)


def induction_shown(svc):
    """The end date participants show, and the status the delivery partner and lead provider pages show."""
    return induction_end_shown(svc) + ordering.one(svc, "select status from induction_statuses where trn = :trn", trn=TRN)


RENAMED_SCHOOL = ("accounts.organisation.updated", school("Hopper Academy"))
CASES = {
    "accounts.organisation.created": OrderingCase(
        newer=RENAMED_SCHOOL, older=("accounts.organisation.created", school("Hopper Primary")),
        shown=school_shown, expected=("Hopper Academy", "open")),
    "accounts.organisation.updated": OrderingCase(
        newer=RENAMED_SCHOOL, older=("accounts.organisation.updated", school("Hopper Junior")),
        given=[("accounts.organisation.created", school("Hopper Primary"))],
        shown=school_shown, expected=("Hopper Academy", "open")),
    "accounts.organisation.closed": OrderingCase(
        newer=RENAMED_SCHOOL, older=("accounts.organisation.closed", school("Hopper Primary", status="closed")),
        shown=school_shown, expected=("Hopper Academy", "open")),
    "accounts.school_contacts.changed": OrderingCase(
        newer=contacts("new@school.example"), older=contacts("old@school.example"),
        shown=contact_shown, expected=("new@school.example",)),
    "registrations.ect.registered": OrderingCase(
        newer=renamed(ECT, "Augusta"), older=REGISTERED, shown=first_name_shown(ECT), expected=("Augusta",)),
    "registrations.mentor.registered": OrderingCase(
        newer=renamed(MENTOR, "Augusta"), older=("registrations.mentor.registered", MENTOR),
        shown=first_name_shown(MENTOR), expected=("Augusta",)),
    "registrations.teacher.details_changed": OrderingCase(
        newer=renamed(ECT, "Augusta"), older=renamed(ECT, "Ada"), given=[REGISTERED],
        shown=first_name_shown(ECT), expected=("Augusta",)),
    "registrations.mentorship.started": OrderingCase(
        newer=mentorship("registrations.mentorship.ended"), older=mentorship("registrations.mentorship.started"),
        given=[REGISTERED], shown=mentorship_ended, expected=(True,)),
    "registrations.mentorship.ended": OrderingCase(
        newer=mentorship("registrations.mentorship.ended"), older=mentorship("registrations.mentorship.ended"),
        given=[REGISTERED, mentorship("registrations.mentorship.started")], shown=mentorship_ended, expected=(True,)),
    "registrations.teacher.left_school": OrderingCase(
        newer=changed_training("deferred"), older=left(), given=[REGISTERED],
        shown=enrolment_shown, expected=("active", "deferred")),
    "registrations.teacher.moved_school": OrderingCase(
        newer=left(), older=moved(), given=[REGISTERED], shown=enrolment_shown, expected=("left", "active")),
    "registrations.training.changed": OrderingCase(
        newer=changed_training("deferred"), older=changed_training("withdrawn"), given=[REGISTERED],
        shown=enrolment_shown, expected=("active", "deferred")),
    "inductions.induction.status_changed": OrderingCase(
        newer=induction_status("Passed", date(2027, 7, 1)), older=induction_status("InProgress"),
        shown=induction_shown, expected=(date(2027, 7, 1), "Passed")),
    "inductions.period.closed": OrderingCase(
        newer=period_closed("pass", date(2027, 7, 1)), older=period_closed("fail", date(2027, 6, 1)),
        shown=induction_end_shown, expected=(date(2027, 7, 1),)),
}


test_every_consumed_event_has_an_ordering_case, test_a_late_older_event_leaves_the_newer_change_standing = \
    ordering.tests("lp-api", CASES, {})
