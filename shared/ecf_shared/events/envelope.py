"""The event envelope every service publishes and consumes."""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, UTC
from decimal import Decimal
from functools import cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ecf_shared import correlation

ACTOR_TYPES = ("school_user", "appropriate_body_user", "lead_provider_user", "delivery_partner_user",
               "provider_user", "staff", "system", "lead_provider", "trs_console")


@dataclass(frozen=True)
class Actor:
    """Who caused an event. A staff user acting for an organisation names both."""

    type: str
    user_id: str | None = None
    email: str | None = None
    name: str | None = None
    organisation_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


SYSTEM = Actor(type="system", name="system")


@dataclass(frozen=True)
class Event:
    event_id: str
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: str
    actor: Actor
    data: dict = field(default_factory=dict)

    def to_message(self) -> dict:
        return _schema(EnvelopeSchema).dump(self)


class ActorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=validate.OneOf(ACTOR_TYPES))
    user_id = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    name = fields.String(allow_none=True, load_default=None)
    organisation_id = fields.String(allow_none=True, load_default=None)


class EnvelopeSchema(Schema):
    """Envelope fields; `data` is validated separately against the event type's contract."""

    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*\.[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso")
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    data = fields.Dict(required=True)


@cache
def _schema(schema: type[Schema]) -> Schema:
    """One instance per envelope schema, as `Contract.validator` is for payloads."""
    return schema()


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def jsonable(value):
    """The JSON form of a value holding dates, datetimes, uuids or decimals."""
    return json.loads(json.dumps(value, default=_json_default))


def _actor(value: Actor | dict | None) -> Actor:
    if value is None:
        return SYSTEM
    if isinstance(value, Actor):
        return value
    return Actor(**_schema(ActorSchema).load(value))


def new_event(event_type: str, data: dict, *, producer: str, actor: Actor | dict | None = None,
              occurred_at: datetime | None = None) -> Event:
    """Build an event whose data is checked (and normalised) by its contract schema."""
    from ecf_shared.contracts import contract_for

    contract = contract_for(event_type)
    if contract.producer != producer:
        raise ValueError(f"{producer} may not publish {event_type}; its producer is {contract.producer}")
    schema = contract.validator
    normalised = schema.dump(schema.load(jsonable(data)))
    return Event(
        event_id=str(uuid.uuid4()),
        type=event_type,
        version=contract.version,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=producer,
        correlation_id=correlation.current(),
        actor=_actor(actor),
        data=normalised,
    )


class DecodeError(Exception):
    """A message that is not a valid event of a known type. It is dead-lettered, never dropped."""


def decode(body: bytes | str | dict) -> Event:
    from ecf_shared.contracts import UnknownEventType, contract_for

    try:
        raw = json.loads(body) if isinstance(body, (bytes, str)) else body
    except (ValueError, UnicodeDecodeError) as exc:
        raise DecodeError(f"body is not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise DecodeError("body is not a JSON object")
    try:
        envelope = _schema(EnvelopeSchema).load(raw, unknown=EXCLUDE)
    except ValidationError as exc:
        raise DecodeError(f"invalid envelope: {exc.messages}") from exc
    try:
        contract = contract_for(envelope["type"])
    except UnknownEventType as exc:
        raise DecodeError(str(exc)) from exc
    if envelope["version"] > contract.version:
        raise DecodeError(f"{envelope['type']} version {envelope['version']} is newer than this consumer knows ({contract.version})")
    try:
        data = contract.validator.load(envelope["data"])
    except ValidationError as exc:
        raise DecodeError(f"invalid data for {envelope['type']}: {exc.messages}") from exc
    return Event(
        event_id=str(envelope["event_id"]),
        type=envelope["type"],
        version=envelope["version"],
        occurred_at=envelope["occurred_at"],
        producer=envelope["producer"],
        correlation_id=envelope["correlation_id"],
        actor=Actor(**envelope["actor"]),
        data=data,
    )
