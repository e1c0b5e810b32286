"""in_flight_uploads: the in-flight import through a staff-only upload, processed by the worker

Revision ID: 0008_in_flight_uploads

`in_flight_uploads` holds each upload (queued → running → finished | failed), its progress and, once finished, the
summary the CLI prints; `in_flight_upload_chunks` the file itself in 1 MB chunks until it has been processed;
`in_flight_upload_rejects` its rejected rows (line, reason, the row's cells) for the rejects CSV.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0008_in_flight_uploads"
down_revision = "0007_schools_shown"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "in_flight_uploads",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_bytes", sa.BigInteger, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("mapping", sa.JSON),
        sa.Column("mapping_file_name", sa.String(255)),
        sa.Column("uploaded_by", sa.JSON, nullable=False),
        sa.Column("access_token", sa.Text),
        sa.Column("correlation_id", sa.String(200), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("phase", sa.String(10)),
        sa.Column("bytes_read", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("teachers_checked", sa.Integer, nullable=False, server_default="0"),
        sa.Column("teachers_total", sa.Integer),
        sa.Column("summary", sa.JSON),
        sa.Column("error_code", sa.String(50)),
        sa.Column("error_message", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("in_flight_uploads_by_status", "in_flight_uploads", ["status", "created_at"])
    op.create_index("in_flight_uploads_newest_first", "in_flight_uploads", ["created_at", "id"])
    op.create_table(
        "in_flight_upload_chunks",
        sa.Column("upload_id", UUID(as_uuid=False), sa.ForeignKey("in_flight_uploads.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "in_flight_upload_rejects",
        sa.Column("upload_id", UUID(as_uuid=False), sa.ForeignKey("in_flight_uploads.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("cells", sa.JSON, nullable=False),
    )


def downgrade():
    op.drop_table("in_flight_upload_rejects")
    op.drop_table("in_flight_upload_chunks")
    op.drop_table("in_flight_uploads")
