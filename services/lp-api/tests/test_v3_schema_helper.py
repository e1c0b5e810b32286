"""The v3 schema helper must reject what v3 rejects, or the validity tests prove nothing."""
import copy
import uuid

from v3_schema import errors

VALID = {
    "id": str(uuid.uuid4()), "type": "participant",
    "attributes": {
        "full_name": "Ada Lovelace", "teacher_reference_number": "1234567", "updated_at": "2025-09-01T10:00:00.000Z",
        "participant_id_changes": [],
        "ecf_enrolments": [{
            "training_record_id": str(uuid.uuid4()), "email": "ada@example.com", "mentor_id": None,
            "school_urn": "100001", "participant_type": "ect", "cohort": "2025", "training_status": "active",
            "participant_status": "active", "teacher_reference_number_validated": True, "eligible_for_funding": None,
            "pupil_premium_uplift": False, "sparsity_uplift": False, "schedule_identifier": "ecf-standard-september",
            "delivery_partner_id": str(uuid.uuid4()), "withdrawal": None, "deferral": None,
            "created_at": "2025-09-01T10:00:00.000Z", "induction_end_date": None, "mentor_funding_end_date": None,
            "cohort_changed_after_payments_frozen": False, "mentor_ineligible_for_funding_reason": None,
        }],
    },
}


def with_enrolment(**changes):
    resource = copy.deepcopy(VALID)
    resource["attributes"]["ecf_enrolments"][0].update(changes)
    return resource


def test_a_complete_participant_is_valid_and_nullable_fields_accept_null():
    assert errors(VALID, "ECFParticipant") == []


def test_wrong_enums_types_formats_and_missing_fields_are_caught():
    assert errors(with_enrolment(training_status="paused"), "ECFParticipant")
    assert errors(with_enrolment(schedule_identifier="ecf-whenever"), "ECFParticipant")
    assert errors(with_enrolment(cohort=2025), "ECFParticipant")
    assert errors(with_enrolment(delivery_partner_id="not-a-uuid"), "ECFParticipant")
    assert errors(with_enrolment(created_at="yesterday"), "ECFParticipant")
    assert errors(with_enrolment(withdrawal={"reason": "bored", "date": "2025-09-01T10:00:00Z"}), "ECFParticipant")
    missing = copy.deepcopy(VALID)
    del missing["attributes"]["full_name"]
    assert errors(missing, "ECFParticipant")
