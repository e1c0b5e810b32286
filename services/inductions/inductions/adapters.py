"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        Numeric, String, Table, Text, func)
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
    # closed by DfE staff (migration 0009_manual_handling_closing): how it was settled, by whom, when
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

# Read copy of accounts' organisations (migration 0007_schools_shown): the names an appropriate body sees for the
# school that registered a teacher and the appropriate body that school reports.
organisations = Table(
    "organisations", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("type", String(30), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6)),
    Column("status", String(30), nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

# The appropriate body a school reports for each ECT registration (migration 0007_schools_shown), as registrations
# last changed it (ect.registered, teacher.moved_school, teacher.details_changed).
reported_appropriate_bodies = Table(
    "reported_appropriate_bodies", metadata,
    Column("ect_period_id", UUID(as_uuid=False), primary_key=True),
    Column("appropriate_body_id", UUID(as_uuid=False)),
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

# The in-flight import's uploads (migration 0008_in_flight_uploads): each upload, queued until a worker takes it, with
# its progress and, once finished, the CLI's summary; the file itself in chunks until it is processed; its rejected rows.
in_flight_uploads = Table(
    "in_flight_uploads", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("status", String(10), nullable=False),  # queued | running | finished | failed
    Column("dry_run", Boolean, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_bytes", BigInteger, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("mapping", JSON),  # legacy name → appropriate body id; null: the column holds our ids
    Column("mapping_file_name", String(255)),
    Column("uploaded_by", JSON, nullable=False),  # the staff member's actor
    Column("access_token", Text),  # the uploader's, forwarded to trs-sync; erased when the import ends
    Column("correlation_id", String(200), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("phase", String(10)),  # reading | checking | writing
    Column("bytes_read", BigInteger, nullable=False, server_default="0"),
    Column("rows_read", Integer, nullable=False, server_default="0"),
    Column("teachers_checked", Integer, nullable=False, server_default="0"),
    Column("teachers_total", Integer),
    Column("teachers_to_write", Integer),  # known once checking ends
    Column("teachers_written", Integer, nullable=False, server_default="0"),
    Column("summary", JSON),
    Column("error_code", String(50)),
    Column("error_message", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("in_flight_uploads_by_status", "status", "created_at"),
    Index("in_flight_uploads_newest_first", "created_at", "id"),
)

in_flight_upload_chunks = Table(
    "in_flight_upload_chunks", metadata,
    Column("upload_id", UUID(as_uuid=False), ForeignKey("in_flight_uploads.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

in_flight_upload_rejects = Table(
    "in_flight_upload_rejects", metadata,
    Column("upload_id", UUID(as_uuid=False), ForeignKey("in_flight_uploads.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # the CLI's order: by line, then reason
    Column("line", Integer, nullable=False),
    Column("reason", String(50), nullable=False),
    Column("detail", Text, nullable=False),
    Column("cells", JSON, nullable=False),
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
