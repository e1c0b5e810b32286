"""What trs-sync keeps from inductions' events takes a late older one without going back in time: the newest change
settled for a teacher stands and no older one reaches TRS after it (delivery_rules, ordered by `changed_at`)."""
from datetime import date, timedelta

import pytest

from ecf_shared.testing import ordering
from ecf_shared.testing.ordering import OrderingCase
from test_delivery import AB, EVENT, T0, change


@pytest.fixture(autouse=True)
def teacher_in_trs(svc, trs_standin):
    trs_standin.seed("1234567")


def settled(svc):
    return ordering.one(svc, "select status, outcome from deliveries where trn = '1234567'")


CASES = {
    EVENT: OrderingCase(
        newer=(EVENT, change(status="InProgress", at=T0 + timedelta(days=1), start=date(2026, 9, 1),
                             old="RequiredToComplete"), AB),
        older=(EVENT, change(status="RequiredToComplete", at=T0)),
        shown=settled, expected=("InProgress", "delivered")),
}

test_every_consumed_event_has_an_ordering_case, test_a_late_older_event_leaves_the_newer_change_standing = \
    ordering.tests("trs-sync", CASES, {})
