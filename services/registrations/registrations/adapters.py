"""Tables and the imperative mapping of the domain model onto them (the migrations create them)."""
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import registry

from ecf_shared.mapping import Mappers

from registrations.domain.model import (AuditEntry, EctPeriod, MentorPeriod, Mentorship, PartnershipCopy, SchoolCopy,
                                        Teacher, TrainingPeriod)

metadata = MetaData()


def _uuid(name, *args, **kw):
    return Column(name, UUID(as_uuid=False), *args, **kw)


def _created_at(name="created_at"):
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


def _registered_by():
    return [Column("registered_by_user_id", String(100), nullable=False), Column("registered_by_email", String(320)),
            Column("registered_by_name", String(300)), _uuid("registered_for_organisation_id", nullable=False)]


organisations = Table(
    "organisations", metadata,
    _uuid("id", primary_key=True),
    Column("type", String(30), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6)),
    Column("status", String(30), nullable=False),
    Column("state_funded", Boolean),
    Column("eligible", Boolean),
    Column("establishment_type", String(100)),
    Column("source_at", DateTime(timezone=True), nullable=False),  # occurred_at of the event last taken (migration 0006)
)

# Read copy of lp-api's partnerships (migration 0004), one per school, lead provider and cohort.
partnerships = Table(
    "partnerships", metadata,
    _uuid("school_id", primary_key=True),
    _uuid("lead_provider_id", primary_key=True),
    Column("cohort", Integer, primary_key=True),
    _uuid("partnership_id", nullable=False),
    _uuid("delivery_partner_id", nullable=False),
    Column("as_of", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()),
)

teachers = Table(
    "teachers", metadata,
    _uuid("id", primary_key=True),
    Column("trn", String(7), nullable=False, unique=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    _created_at(),
)

ect_periods = Table(
    "ect_at_school_periods", metadata,
    _uuid("id", primary_key=True),
    _uuid("teacher_id", ForeignKey("teachers.id"), nullable=False),
    _uuid("school_id", nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    Column("email", String(320), nullable=False),
    Column("working_pattern", String(20), nullable=False),
    _uuid("appropriate_body_id"),
    *_registered_by(),
    _created_at(),
)

mentor_periods = Table(
    "mentor_at_school_periods", metadata,
    _uuid("id", primary_key=True),
    _uuid("teacher_id", ForeignKey("teachers.id"), nullable=False),
    _uuid("school_id", nullable=False),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    Column("email", String(320), nullable=False),
    *_registered_by(),
    _created_at(),
)

training_periods = Table(
    "training_periods", metadata,
    _uuid("id", primary_key=True),
    _uuid("ect_period_id", ForeignKey("ect_at_school_periods.id")),
    _uuid("mentor_period_id", ForeignKey("mentor_at_school_periods.id")),
    Column("programme", String(20), nullable=False),
    _uuid("lead_provider_id"),
    _uuid("delivery_partner_id"),
    _uuid("partnership_id"),
    Column("expression_of_interest", Boolean, nullable=False),
    Column("cohort", Integer, nullable=False),
    Column("schedule", String(50)),
    Column("status", String(20), nullable=False),
    Column("status_reason", String(200)),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    _created_at(),
)

mentorships = Table(
    "mentorships", metadata,
    _uuid("id", primary_key=True),
    _uuid("ect_period_id", ForeignKey("ect_at_school_periods.id"), nullable=False),
    _uuid("mentor_period_id", ForeignKey("mentor_at_school_periods.id"), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    _created_at(),
)

audit_entries = Table(
    "audit_entries", metadata,
    _uuid("id", primary_key=True),
    _uuid("teacher_id"),
    _uuid("subject_id", nullable=False),
    _uuid("school_id"),
    Column("action", String(50), nullable=False),
    Column("actor", JSONB, nullable=False),
    Column("acting_for_reason", Text),
    Column("outcome", String(10), nullable=False),
    Column("details", JSONB, nullable=False),
    _created_at("at"),
)


def _map(mapper_registry: registry) -> None:
    for cls, table in ((SchoolCopy, organisations), (PartnershipCopy, partnerships), (Teacher, teachers),
                       (EctPeriod, ect_periods), (MentorPeriod, mentor_periods), (TrainingPeriod, training_periods),
                       (Mentorship, mentorships), (AuditEntry, audit_entries)):
        mapper_registry.map_imperatively(cls, table)


start_mappers = Mappers(_map).start
