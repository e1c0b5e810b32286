"""How a school's lists are searched and paged (plain functions, no database)."""
import pytest

from registrations.domain.listing import Listing, Search, parse_search


@pytest.mark.parametrize("q, expected", [
    ("1234567", Search("trn", "1234567")), (" 1234567 ", Search("trn", "1234567")),
    ("123", Search("trn_prefix", "123")), ("1", Search("trn_prefix", "1")),
    ("12345678", Search("trn_prefix", "12345678")),  # longer than a TRN: matches none
    ("ada", Search("name", "ada")), ("Ada   Lovelace", Search("name", "Ada Lovelace")),
    ("Ada 123", Search("name", "Ada 123")), ("١٢٣", Search("name", "١٢٣")),  # only ASCII digits make a TRN
    ("", None), ("   ", None), (None, None)])
def test_digits_search_trns_and_anything_else_names(q, expected):
    assert parse_search(q) == expected


def test_pages_start_at_one():
    assert (Listing(page=1, page_size=20).offset, Listing(page=3, page_size=20).offset) == (0, 40)
