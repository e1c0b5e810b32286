"""How a school's lists are searched and what counts as current (plain functions, no database)."""
from datetime import date

import pytest

from registrations.domain.listing import Listing, Search, parse_search, registration_status

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("q, expected", [
    ("1234567", Search("trn", "1234567")), (" 1234567 ", Search("trn", "1234567")),
    ("123", Search("trn_prefix", "123")), ("1", Search("trn_prefix", "1")),
    ("12345678", Search("trn_prefix", "12345678")),  # longer than a TRN: matches none
    ("ada", Search("name", "ada")), ("Ada   Lovelace", Search("name", "Ada Lovelace")),
    ("Ada 123", Search("name", "Ada 123")), ("١٢٣", Search("name", "١٢٣")),  # only ASCII digits make a TRN
    ("", None), ("   ", None), (None, None)])
def test_digits_search_trns_and_anything_else_names(q, expected):
    assert parse_search(q) == expected


@pytest.mark.parametrize("finished_on, status", [
    (None, "current"), (date(2026, 12, 3), "current"), (date(2026, 12, 2), "left"), (date(2025, 7, 31), "left")])
def test_a_registration_is_current_until_its_last_day_has_passed(finished_on, status):
    assert registration_status(finished_on, TODAY) == status


def test_pages_start_at_one():
    assert (Listing(page=1, page_size=20).offset, Listing(page=3, page_size=20).offset) == (0, 40)
