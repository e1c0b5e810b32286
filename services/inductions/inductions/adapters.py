"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, MetaData, Numeric, String, Table, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import registry, relationship

from ecf_shared.mapping import Mappers

from inductions.domain.audit import AuditEntry, ManualHandlingItem
from inductions.domain.model import Appeal, Exemption, Extension, Induction, InductionPeriod
from inductions.domain.school_ects import SchoolEct

metadata = MetaData()


def _induction_fk():
    return Column("induction_id", UUID(as_uuid=False), ForeignKey("inductions.id"), nullable=False, index=True)


inductions = Table(
    "inductions",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, unique=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("qts_awarded_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

induction_periods = Table(
    "induction_periods", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    _induction_fk(),
    Column("appropriate_body_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("finished_on", Date),
    Column("number_of_terms", Numeric(3, 1)),
    Column("training_programme", String(20)),
    Column("outcome", String(10)),
    Column("appeal_notice_on", Date),
)

extensions = Table(
    "extensions", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    _induction_fk(),
    Column("terms", Numeric(3, 1), nullable=False),
    Column("appropriate_body_id", UUID(as_uuid=False)),
)

appeals = Table(
    "appeals", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    _induction_fk(),
    Column("period_id", UUID(as_uuid=False), ForeignKey("induction_periods.id"), nullable=False),
    Column("lodged_on", Date, nullable=False),
    Column("decision", String(20)),
    Column("decided_on", Date),
)

exemptions = Table(
    "exemptions", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("induction_id", UUID(as_uuid=False), ForeignKey("inductions.id"), nullable=False, unique=True),
    Column("reason", String(100), nullable=False),
    Column("source", String(10), nullable=False),
    Column("exempted_on", Date, nullable=False),
)

audit_entries = Table(
    "audit_entries", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, index=True),
    Column("action", String(50), nullable=False),
    Column("actor", JSON, nullable=False),
    Column("note", Text),
    Column("support_ticket", String(100)),
    Column("details", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

manual_handling = Table(
    "manual_handling", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("action", String(50)),
    Column("reason_code", String(50), nullable=False),
    Column("message", Text, nullable=False),
    Column("actor", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # closed by DfE staff (migration 0007_manual_handling_closing): how it was settled, by whom, when
    Column("resolution", Text),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", JSON),
)

# Read copy of ECT registrations' schools (migration 0003_school_ects), one row per ECT period.
school_ects = Table(
    "school_ects", metadata,
    Column("ect_period_id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, index=True),
    Column("school_id", UUID(as_uuid=False), nullable=False),
    Column("started_on", Date),
    Column("finished_on", Date),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

# Read copy of teachers' names as registrations last changed them (migration 0004_ordering).
teacher_names = Table(
    "teacher_names", metadata,
    Column("trn", String(7), primary_key=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

# What the in-flight import last wrote for a teacher (migration 0005_in_flight_imports): the fingerprint of the
# periods it left, so the same file again changes nothing and a record changed in CPD since is not overwritten.
in_flight_imports = Table(
    "in_flight_imports", metadata,
    Column("trn", String(7), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def _map(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(InductionPeriod, induction_periods)
    mapper_registry.map_imperatively(Extension, extensions)
    mapper_registry.map_imperatively(Appeal, appeals)
    mapper_registry.map_imperatively(Exemption, exemptions)
    mapper_registry.map_imperatively(Induction, inductions, properties={
        "periods": relationship(InductionPeriod, order_by=induction_periods.c.started_on, lazy="selectin"),
        "extensions": relationship(Extension, lazy="selectin"),
        "appeals": relationship(Appeal, order_by=appeals.c.lodged_on, lazy="selectin"),
        "exemption": relationship(Exemption, uselist=False, lazy="selectin"),
    })
    mapper_registry.map_imperatively(AuditEntry, audit_entries)
    mapper_registry.map_imperatively(ManualHandlingItem, manual_handling)
    mapper_registry.map_imperatively(SchoolEct, school_ects)


start_mappers = Mappers(_map).start
