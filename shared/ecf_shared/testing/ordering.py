"""Ordering cases: for every event a service consumes (the catalogue's consumers), a newer change delivered before an
older one through the real broker, and what the service shows afterwards: the newer change must stand.

Each consuming service's tests/test_ordering.py names a case for each event type it consumes, or says why the event
keeps no read copy, and takes its tests from `tests(...)`: one fails for a catalogue event it does neither for, so a
new consumer cannot skip it.
"""
from __future__ import annotations

import uuid

from dataclasses import dataclass, field
from datetime import datetime, timedelta, UTC
from typing import Any
from collections.abc import Callable

import pytest
from sqlalchemy import text

from ecf_shared.contracts import consumed_by

Delivery = tuple  # (event type, data) or (event type, data, actor)


@dataclass(frozen=True)
class OrderingCase:
    newer: Delivery
    older: Delivery  # of the event type the case is for
    shown: Callable[[Any], Any]  # what the service shows, read from the service under test
    expected: Any  # what the newer change shows
    given: list[Delivery] = field(default_factory=list)  # handled first, before both


def consumed_event_types(service: str) -> list[str]:
    return sorted(c.type for c in consumed_by(service))


def check_complete(service: str, cases: dict[str, OrderingCase], not_read_copies: dict[str, str]) -> None:
    missing = [t for t in consumed_event_types(service) if t not in cases and not not_read_copies.get(t)]
    assert not missing, f"{service} consumes {missing} with no ordering case (tests/test_ordering.py) or reason"
    unknown = set(cases) - set(consumed_event_types(service))
    assert not unknown, f"ordering cases for events {service} does not consume: {sorted(unknown)}"


def run(svc, case: OrderingCase, consume: Callable[[], None] | None = None) -> Any:
    """Deliver the case's events (the given ones, the newer, then the older), each handled before the next is sent;
    returns what the service then shows."""
    consume = consume or svc.consume
    newer_at = datetime.now(UTC)
    older_at = newer_at - timedelta(minutes=1)
    deliveries = [*((d, older_at - timedelta(minutes=len(case.given) - i)) for i, d in enumerate(case.given)),
                  (case.newer, newer_at), (case.older, older_at)]
    for (event_type, data, *actor), occurred_at in deliveries:
        svc.send(event_type, data, actor=actor[0] if actor else None, occurred_at=occurred_at)
        consume()
    return case.shown(svc)


def one(svc, sql: str, **params) -> tuple:
    """One row of the service's database, uuids as strings (as events carry them)."""
    with svc.db.engine.connect() as conn:
        row = conn.execute(text(sql), params).one()
    return tuple(str(v) if isinstance(v, uuid.UUID) else v for v in row)


def membership_cases() -> dict[str, OrderingCase]:
    """The shared copy of memberships (ecf_shared.auth.revocation), the same in every service that keeps it."""
    from ecf_shared.auth.revocation import ADDED, REMOVED, ROLE_CHANGED

    membership = {"membership_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4()),
                  "organisation_id": str(uuid.uuid4()), "email": "member@school.example"}

    def role(svc):
        return one(svc, "select role from membership_copies where user_id = :u and organisation_id = :o",
                   u=membership["user_id"], o=membership["organisation_id"])

    def event(role_now: str) -> dict:
        return {**membership, "role": role_now}

    return {
        ADDED: OrderingCase(newer=(REMOVED, event("end_user")), older=(ADDED, event("end_user")),
                            shown=role, expected=(None,)),
        ROLE_CHANGED: OrderingCase(newer=(ROLE_CHANGED, event("end_user")), older=(ROLE_CHANGED, event("approver")),
                                   shown=role, expected=("end_user",)),
        REMOVED: OrderingCase(newer=(ADDED, event("approver")), older=(REMOVED, event("approver")),
                              shown=role, expected=("approver",)),
    }


def tests(service: str, cases: dict[str, OrderingCase], not_read_copies: dict[str, str], *,
          consume_fixture: str | None = None):
    """The two tests of a service's ordering cases, for its tests/test_ordering.py to bind at module level (they use
    its `svc` fixture, and `consume_fixture` when its handlers need one). A service that consumes the membership
    events gets their cases too."""
    consumed = set(consumed_event_types(service))
    cases = {**{t: c for t, c in membership_cases().items() if t in consumed}, **cases}

    def test_every_consumed_event_has_an_ordering_case():
        check_complete(service, cases, not_read_copies)

    @pytest.mark.parametrize("event_type", sorted(cases))
    def test_a_late_older_event_leaves_the_newer_change_standing(svc, request, event_type):
        case = cases[event_type]
        consume = request.getfixturevalue(consume_fixture) if consume_fixture else None
        assert run(svc, case, consume) == case.expected

    return test_every_consumed_event_has_an_ordering_case, test_a_late_older_event_leaves_the_newer_change_standing
