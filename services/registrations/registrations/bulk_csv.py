"""The bulk CSV files registrations takes (read and checked by ecf_shared.bulk_csv: all or nothing, errors by line)."""
from __future__ import annotations

from ecf_shared.bulk_csv import ROW_LIMIT, FileFormat, check_every_row, read_rows

__all__ = ["ECT_REGISTRATIONS", "LEAVERS", "MENTOR_REGISTRATIONS", "ROW_LIMIT", "check_every_row", "read_rows"]

ECT_REGISTRATIONS = FileFormat(
    columns=("trn", "date_of_birth", "started_on", "email", "working_pattern", "appropriate_body_id",
             "training_programme", "lead_provider_id", "cohort", "moving_from_another_school"),
    optional=("appropriate_body_id", "lead_provider_id", "moving_from_another_school"))

MENTOR_REGISTRATIONS = FileFormat(
    columns=("trn", "date_of_birth", "started_on", "email", "lead_provider_id", "cohort", "training_programme"),
    optional=("training_programme",))

LEAVERS = FileFormat(columns=("trn", "participant_type", "finished_on", "reason"),
                     optional=("participant_type", "reason"))
