"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import registry

from registrations.domain.model import EctPeriod, SchoolCopy, Teacher, TrainingPeriod

metadata = MetaData()

organisations = Table(
    "organisations", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("type", String(30), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6)),
    Column("status", String(30), nullable=False),
    Column("state_funded", Boolean),
    Column("eligible", Boolean),
)

teachers = Table(
    "teachers", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, unique=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

ect_periods = Table(
    "ect_at_school_periods", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("teacher_id", UUID(as_uuid=False), ForeignKey("teachers.id"), nullable=False),
    Column("school_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    Column("email", String(320), nullable=False),
    Column("working_pattern", String(20), nullable=False),
    Column("appropriate_body_id", UUID(as_uuid=False)),
    Column("registered_by_user_id", String(100), nullable=False),
    Column("registered_by_email", String(320)),
    Column("registered_by_name", String(300)),
    Column("registered_for_organisation_id", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

training_periods = Table(
    "training_periods", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("ect_period_id", UUID(as_uuid=False), ForeignKey("ect_at_school_periods.id"), nullable=False, index=True),
    Column("programme", String(20), nullable=False),
    Column("lead_provider_id", UUID(as_uuid=False)),
    Column("delivery_partner_id", UUID(as_uuid=False)),
    Column("partnership_id", UUID(as_uuid=False)),
    Column("expression_of_interest", Boolean, nullable=False),
    Column("cohort", Integer, nullable=False),
    Column("schedule", String(50)),
    Column("status", String(20), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

mapper_registry = registry()
_mapped = False


def start_mappers() -> None:
    global _mapped
    if not _mapped:
        mapper_registry.map_imperatively(SchoolCopy, organisations)
        mapper_registry.map_imperatively(Teacher, teachers)
        mapper_registry.map_imperatively(EctPeriod, ect_periods)
        mapper_registry.map_imperatively(TrainingPeriod, training_periods)
        _mapped = True
