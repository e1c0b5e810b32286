"""Every read copy inductions keeps takes a late older event without going back in time (ecf_shared.ordering)."""
import uuid
from datetime import date


from ecf_shared.testing import ordering
from ecf_shared.testing.ordering import OrderingCase
from test_in_flight_inductions import registered

TRN = "1234567"
REGISTERED = registered(TRN)
TEACHER = {"teacher_id": REGISTERED["teacher_id"], "trn": TRN}
PERIOD = REGISTERED["ect_period_id"]


def renamed(first_name, last_name):
    return ("registrations.teacher.details_changed", {**TEACHER, "first_name": first_name, "last_name": last_name})


def left(finished_on):
    return ("registrations.teacher.left_school", {**TEACHER, "participant_type": "ect", "period_id": PERIOD,
                                                  "school_id": REGISTERED["school_id"], "finished_on": finished_on})


def moved(moved_on):
    return ("registrations.teacher.moved_school", {
        **TEACHER, "from_period_id": PERIOD, "from_school_id": REGISTERED["school_id"],
        "to_period_id": str(uuid.uuid4()), "to_school_id": str(uuid.uuid4()), "moved_on": moved_on,
        "email": "ada@example.com", "working_pattern": "full_time", "training": REGISTERED["training"],
        "registered_by": REGISTERED["registered_by"]})


def names_shown(svc):
    return ordering.one(svc, "select first_name, last_name from inductions where trn = :trn", trn=TRN)


def registration_finishes_on(svc):
    return ordering.one(svc, "select finished_on from school_ects where ect_period_id = :period", period=PERIOD)[0]


ORGANISATION = str(uuid.uuid4())


def organisation(event_type, name):
    return (event_type, {"organisation_id": ORGANISATION, "type": "school", "name": name, "urn": "100001",
                         "status": "open"})


def organisation_name(svc):
    return ordering.one(svc, "select name from organisations where id = :id", id=ORGANISATION)[0]


CASES = {
    "accounts.organisation.created": OrderingCase(
        newer=organisation("accounts.organisation.updated", "Oakfield Primary School"),
        older=organisation("accounts.organisation.created", "Oakfield Primary"),
        shown=organisation_name, expected="Oakfield Primary School"),
    "accounts.organisation.updated": OrderingCase(
        newer=organisation("accounts.organisation.updated", "Oakfield Primary School"),
        older=organisation("accounts.organisation.updated", "Oakfield Primary"),
        given=[organisation("accounts.organisation.created", "Oakfield")],
        shown=organisation_name, expected="Oakfield Primary School"),
    "accounts.organisation.closed": OrderingCase(
        newer=organisation("accounts.organisation.updated", "Oakfield Primary School"),
        older=organisation("accounts.organisation.closed", "Oakfield Primary"),
        shown=organisation_name, expected="Oakfield Primary School"),
    "registrations.ect.registered": OrderingCase(
        newer=renamed("Augusta", "King"), older=("registrations.ect.registered", REGISTERED),
        shown=names_shown, expected=("Augusta", "King")),
    "registrations.teacher.details_changed": OrderingCase(
        newer=renamed("Augusta", "King"), older=renamed("Ada", "Byron"),
        given=[("registrations.ect.registered", REGISTERED)], shown=names_shown, expected=("Augusta", "King")),
    "registrations.teacher.left_school": OrderingCase(
        newer=left(date(2026, 12, 1)), older=left(date(2026, 10, 1)),
        given=[("registrations.ect.registered", REGISTERED)], shown=registration_finishes_on,
        expected=date(2026, 12, 1)),
    "registrations.teacher.moved_school": OrderingCase(
        newer=left(date(2026, 12, 1)), older=moved(date(2026, 10, 1)),
        given=[("registrations.ect.registered", REGISTERED)], shown=registration_finishes_on,
        expected=date(2026, 12, 1)),
}
NOT_READ_COPIES = {
    "trs-sync.induction.changed_in_trs": "a TRS console change applied to inductions' own record, checked against "
                                         "the record as it stands, or raised for manual review (test_events_consumed)",
}


test_every_consumed_event_has_an_ordering_case, test_a_late_older_event_leaves_the_newer_change_standing = \
    ordering.tests("inductions", CASES, NOT_READ_COPIES, consume_fixture="consume")
