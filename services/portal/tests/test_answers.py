"""Reading what people typed, with GOV.UK's error messages."""
from datetime import date

import pytest

from portal.domain import answers


@pytest.mark.parametrize("typed, message, parts", [
    ({}, "Enter the start date", ["day", "month", "year"]),
    ({"day": "1", "year": "2026"}, "Start date must include a month", ["month"]),
    ({"day": "31", "month": "2", "year": "2026"}, "Start date must be a real date", ["day", "month", "year"]),
    ({"day": "1", "month": "9", "year": "26"}, "Year must include 4 numbers", ["year"]),
    ({"day": "x", "month": "9", "year": "2026"}, "Start date must be a real date", ["day", "month", "year"]),
    ({"day": "1", "month": "9", "year": "99999999999999999999"}, "Year must include 4 numbers", ["year"]),
])
def test_a_wrong_date_says_what_is_wrong(typed, message, parts):
    form = {f"started_on-{k}": v for k, v in typed.items()}
    assert answers.date_parts(form, "started_on", "Start date") == (None, message, parts)


def test_a_date_reads_with_month_names_and_spaces():
    form = {"d-day": " 1 ", "d-month": "sept", "d-year": "2026"}
    assert answers.date_parts(form, "d", "Date")[0] == date(2026, 9, 1)


def test_a_trn_is_seven_digits_and_spaces_are_ignored():
    assert answers.trn("300 0001") == ("3000001", None)
    assert answers.trn("") == (None, "Enter the teacher reference number (TRN)")
    assert answers.trn("12345") == (None, "Teacher reference number must include 7 digits")


def test_text_loses_control_characters_and_lone_surrogates():
    assert answers.clean("a\x00b\ud800c  ") == "abc"
    assert answers.email("nobody")[1] == "Enter an email address in the correct format, like name@example.com"
    assert answers.email(" ada@school.example ") == ("ada@school.example", None)
