"""Event payloads and delivery helpers for lp-api's tests."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, UTC

import pika

from ecf_shared.bus import amqp
from ecf_shared.contracts import exchange_for


def ect_registration(*, lead_provider_id: str | None, teacher_id: str | None = None, cohort: int = 2025,
                     school_id: str | None = None, school_urn: str | None = "100001", programme: str = "provider_led",
                     trn: str = "1234567", email: str = "ada@example.com", delivery_partner_id: str | None = None,
                     registered_at: datetime | None = None) -> dict:
    return {
        "ect_period_id": str(uuid.uuid4()), "teacher_id": teacher_id or str(uuid.uuid4()), "trn": trn,
        "first_name": "Ada", "last_name": "Lovelace", "school_id": school_id or str(uuid.uuid4()),
        "school_urn": school_urn, "started_on": date(cohort, 9, 1), "email": email, "working_pattern": "full_time",
        "training": {
            "training_period_id": str(uuid.uuid4()), "programme": programme, "lead_provider_id": lead_provider_id,
            "delivery_partner_id": delivery_partner_id or (str(uuid.uuid4()) if lead_provider_id else None),
            "cohort": cohort, "started_on": date(cohort, 9, 1),
        },
        "registered_by": {"user_id": "u1", "email": "head@school.example", "name": "Grace Head"},
        "registered_at": registered_at or datetime.now(UTC),
    }


def organisation(*, organisation_id: str, type: str = "school", name: str = "Hopper Primary", urn: str | None = "100001",
                 status: str = "open") -> dict:
    return {"organisation_id": organisation_id, "type": type, "name": name, "urn": urn, "status": status}


def publish_raw(svc, body: dict) -> None:
    """Put an exact envelope on the broker: a redelivery, or an event whose occurred_at a test chooses."""
    with amqp.connect(svc.settings.amqp_url, name="test-raw") as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange_for(body["producer"]), body["type"], json.dumps(body).encode(),
                              pika.BasicProperties(message_id=body["event_id"], delivery_mode=2), mandatory=True)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def send_at(svc, event_type: str, data: dict, occurred_at: datetime) -> dict:
    """Send an event that says it happened at `occurred_at` (a lagging or replaying producer)."""
    from ecf_shared.contracts import contract_for
    from ecf_shared.events.envelope import new_event

    body = new_event(event_type, data, producer=contract_for(event_type).producer).to_message()
    body["occurred_at"] = occurred_at.isoformat()
    publish_raw(svc, json.loads(json.dumps(body, default=str)))
    svc.consume()
    return body


def mentor_registration(*, lead_provider_id: str | None, school_id: str, teacher_id: str | None = None,
                        cohort: int = 2025) -> dict:
    training = None if lead_provider_id is None else {
        "training_period_id": str(uuid.uuid4()), "programme": "provider_led", "lead_provider_id": lead_provider_id,
        "delivery_partner_id": str(uuid.uuid4()), "cohort": cohort, "started_on": date(cohort, 9, 1)}
    return {
        "mentor_period_id": str(uuid.uuid4()), "teacher_id": teacher_id or str(uuid.uuid4()), "trn": "7654321",
        "first_name": "Mary", "last_name": "Mentor", "school_id": school_id, "school_urn": "100001",
        "started_on": date(cohort, 9, 1), "email": "mary@example.com", "training": training,
        "registered_by": {"user_id": "u1", "email": "head@school.example", "name": "Grace Head"},
        "registered_at": datetime.now(UTC),
    }


def training_change(registration: dict, *, change: str, participant_type: str = "ect", **training) -> dict:
    previous = registration["training"]
    return {
        "teacher_id": registration["teacher_id"], "trn": registration["trn"], "participant_type": participant_type,
        "period_id": registration.get("ect_period_id") or registration.get("mentor_period_id"),
        "school_id": registration["school_id"], "change": change, "reason": training.pop("reason", None),
        "effective_on": date(2025, 10, 1), "previous_training_period_id": previous["training_period_id"],
        "training": {**previous, "training_period_id": str(uuid.uuid4()), **training},
    }
