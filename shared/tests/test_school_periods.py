"""When a registration at a school is current (a plain function)."""
from datetime import date

import pytest

from ecf_shared.school_periods import registration_status

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("finished_on, status", [
    (None, "current"), (date(2026, 12, 3), "current"), (date(2026, 12, 2), "left"), (date(2025, 7, 31), "left")])
def test_a_registration_is_current_until_its_last_day_has_passed(finished_on, status):
    assert registration_status(finished_on, TODAY) == status
