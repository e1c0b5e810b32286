"""Every reason the in-flight import rejects a row for, one rule at a time (no database, no TRS)."""
import io
import uuid
from datetime import date
from decimal import Decimal

import pytest

from inductions.domain import in_flight as rules
from inductions.in_flight.legacy_file import Grouped, MappingError, load_mapping

TODAY = date(2026, 11, 20)
AB = str(uuid.uuid4())
MAPPING = {"kingsbridge teaching school hub": AB}
HEADER = ",".join(rules.COLUMNS)


def row(**changes):
    cells = {"trn": "1234567", "dob": "17/05/1990", "ab": "Kingsbridge Teaching School Hub", "start": "01/09/2024",
             "end": "", "terms": "", "programme": "Full induction programme", "outcome": ""}
    cells.update(changes)
    return list(cells.values())


def problem_of(cells):
    with pytest.raises(rules.Problem) as raised:
        rules.read_row(2, cells, MAPPING, TODAY)
    return raised.value.reason


def test_a_good_row_is_read_in_either_date_format():
    period = rules.read_row(2, row(start="2024-09-01", end="20/07/2026", terms="6", outcome="Passed"), MAPPING, TODAY)
    assert (period.appropriate_body_id, period.started_on, period.finished_on) == (AB, date(2024, 9, 1), date(2026, 7, 20))
    assert (period.number_of_terms, period.training_programme, period.outcome) == (Decimal("6.0"), "provider_led", "pass")


@pytest.mark.parametrize("cells, reason", [
    (row()[:7], "wrong_column_count"),
    (row(trn="123456"), "invalid_trn"),
    (row(dob=""), "invalid_date_of_birth"),
    (row(dob="31/02/1990"), "invalid_date_of_birth"),
    (row(ab="Nowhere Hub"), "unknown_appropriate_body"),
    (row(start=""), "invalid_start_date"),
    (row(end="sometime"), "invalid_end_date"),
    (row(end="01/07/2025", terms="6.25"), "invalid_number_of_terms"),
    (row(end="01/07/2025", terms="17"), "invalid_number_of_terms"),
    (row(programme="Hybrid"), "invalid_programme"),
    (row(outcome="Distinction"), "invalid_outcome"),
    (row(start="01/01/2027"), "start_in_future"),
    (row(start="31/08/1999"), "start_before_1999"),
    (row(end="01/01/2027", terms="3"), "end_in_future"),
    (row(end="31/08/2024", terms="1"), "end_before_start"),
    (row(end="01/07/2025"), "terms_missing"),
    (row(terms="3"), "terms_on_open_period"),
    (row(outcome="Pass"), "outcome_on_open_period"),
])
def test_a_row_breaking_a_period_rule_is_rejected_with_its_reason(cells, reason):
    assert problem_of(cells) == reason


def periods(*rows_):
    return [rules.read_row(line, cells, MAPPING, TODAY) for line, cells in enumerate(rows_, start=2)]


@pytest.mark.parametrize("rows_, reason, lines", [
    ((row(), row(dob="18/05/1990", start="01/09/2025")), "date_of_birth_differs", [2, 3]),
    ((row(end="01/07/2025", terms="3"), row(start="01/07/2025")), "overlapping_periods", [3]),
    ((row(), row(start="01/10/2024")), "overlapping_periods", [3]),
    ((row(end="01/07/2025", terms="3", outcome="fail"), row(start="02/07/2025", end="01/07/2026", terms="3",
                                                            outcome="pass")), "several_outcomes", [3]),
    ((row(end="01/07/2025", terms="6", outcome="pass"), row(start="02/07/2025")), "period_after_outcome", [3]),
])
def test_periods_of_one_teacher_that_break_a_rule_together_are_rejected(rows_, reason, lines):
    problems = rules.check_periods(periods(*rows_))
    assert [(line, p.reason) for line, p in problems] == [(line, reason) for line in lines]


def test_periods_one_after_another_pass():
    assert rules.check_periods(periods(row(end="01/07/2025", terms="3"), row(start="02/07/2025"))) == []


def trs(**changes):
    fields = dict(trn="1234567", first_name="Ada", last_name="Lovelace", qts_awarded_on=date(2023, 7, 1),
                  prohibited_from_teaching=False, status="InProgress", start_date=date(2024, 9, 1), completed_date=None)
    return rules.TrsTeacher(**{**fields, **changes})


@pytest.mark.parametrize("teacher, reason", [
    (None, "trs_not_found"),
    (trs(status="Passed"), "trs_completed"),
    (trs(status="Failed"), "trs_completed"),
    (trs(status="Exempt"), "trs_completed"),
    (trs(status="FailedInWales"), "trs_completed"),
    (trs(prohibited_from_teaching=True), "prohibited_from_teaching"),
    (trs(qts_awarded_on=None), "no_qts"),
    (trs(qts_awarded_on=date(2024, 9, 2)), "start_before_qts"),
])
def test_a_teacher_trs_disagrees_about_is_reported(teacher, reason):
    assert rules.check_against_trs(periods(row()), teacher).reason == reason


def test_a_pass_trs_already_holds_is_not_a_mismatch():
    assert rules.check_against_trs(periods(row(end="01/07/2026", terms="6", outcome="pass")),
                                   trs(status="Passed")) is None


def test_rows_without_a_teacher_are_rejected_as_they_are_read():
    data = "\n".join([HEADER, ",".join(row()), ",".join(row(trn="12")), ",".join(row()[:5])]).encode()
    data += b"\n1234568,17/05/1990,Caf\xe9 Hub,01/09/2024,,,,\n"
    grouped = Grouped()
    try:
        grouped.load(io.BytesIO(data))
        assert grouped.rows_read == 4
        assert [(line, reason) for line, reason, _, _ in grouped.rejects()] == [
            (3, "invalid_trn"), (4, "wrong_column_count"), (5, "undecodable")]
        [(trn, [(line, _)])] = list(grouped.teachers())
        assert (trn, line) == ("1234567", 2)
    finally:
        grouped.close()


def test_the_mapping_file_matches_names_ignoring_case_and_spaces(tmp_path):
    path = tmp_path / "mapping.csv"
    path.write_text(f"legacy name,appropriate body id\n  Kingsbridge   TSH ,{AB}\n")
    assert load_mapping(str(path)).get("kingsbridge tsh") == AB
    path.write_text(f"legacy name,appropriate body id\nA,{AB}\nA,{uuid.uuid4()}\n")
    with pytest.raises(MappingError):
        load_mapping(str(path))
    path.write_text("name,id\nA,not-a-uuid\n")
    with pytest.raises(MappingError):
        load_mapping(str(path))
