"""What the declaration and statement tests share: a fixed finance clock, participants, bodies and finance calls."""
from __future__ import annotations

import uuid
from datetime import datetime, UTC

from sqlalchemy import text

from lp_api.declarations.clock import FinanceClock
from lp_api.statements.payments import close_due_statements
from lp_events import ect_registration, mentor_registration

DECLARATIONS = "/api/v3/participant-declarations"
STATEMENTS = "/api/v3/statements"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)  # the 2025 cohort's next open output statement: January 2027


def set_now(svc, when: datetime) -> None:
    svc.app.extensions["ecf"].extras["finance_clock"] = FinanceClock(when)


def ect(svc, provider, *, cohort: int = 2025, **kw) -> dict:
    data = ect_registration(lead_provider_id=provider.id, cohort=cohort, **kw)
    svc.send("registrations.ect.registered", data)
    svc.consume()
    return data


def mentor(svc, provider, *, cohort: int = 2025) -> dict:
    data = mentor_registration(lead_provider_id=provider.id, school_id=str(uuid.uuid4()), cohort=cohort)
    svc.send("registrations.mentor.registered", data)
    svc.consume()
    return data


def body(participant_id, *, declaration_type="started", declaration_date="2025-10-01T10:00:00Z",
         course_identifier="ecf-induction", **attributes) -> dict:
    values = {"participant_id": participant_id, "declaration_type": declaration_type,
              "declaration_date": declaration_date, "course_identifier": course_identifier, **attributes}
    return {"data": {"type": "participant-declaration", "attributes": {k: v for k, v in values.items() if v is not None}}}


def declare(provider, participant_id, **kw):
    return provider.post(DECLARATIONS, body(participant_id, **kw))


def staff_headers(token_issuer, staff_role="finance", **kw) -> dict:
    return {"Authorization": "Bearer " + token_issuer.issue(staff_role=staff_role, email="fiona@education.gov.uk",
                                                            name="Fiona Finance", **kw)}


def pay(svc, token_issuer, statement_id, **kw):
    return svc.client.post(f"/finance/statements/{statement_id}/paid", headers=staff_headers(token_issuer, **kw))


def pass_cut_offs(svc, today) -> int:
    with svc.app.extensions["ecf"].uow() as uow:
        closed = close_due_statements(uow, today)
        uow.commit()
    return closed


def statement_for(provider, cohort: int, month: str, year: str) -> dict:
    [found] = [s for s in provider.get(STATEMENTS, {"filter[cohort]": str(cohort)}).json["data"]
               if (s["attributes"]["month"], s["attributes"]["year"]) == (month, year)]
    return found


def count(svc, sql: str, **params) -> int:
    with svc.db.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()
