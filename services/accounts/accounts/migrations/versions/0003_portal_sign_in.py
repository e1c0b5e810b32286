"""sign-in for registered clients (the portal): the client's redirect, state and PKCE challenge kept with the
DfE Sign-in request, and one-time codes the client exchanges for tokens on its back channel

Revision ID: 0003_portal_sign_in
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003_portal_sign_in"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("oidc_requests", sa.Column("client_id", sa.String(100)))
    op.add_column("oidc_requests", sa.Column("client_redirect_uri", sa.String(500)))
    op.add_column("oidc_requests", sa.Column("client_state", sa.String(200)))
    op.add_column("oidc_requests", sa.Column("client_code_challenge", sa.String(200)))
    op.create_table(
        "sign_in_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        sa.Column("code_challenge", sa.String(200), nullable=False),
        sa.Column("session_id", UUID(as_uuid=False), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("sign_in_codes_expiry", "sign_in_codes", ["expires_at"])


def downgrade():
    op.drop_table("sign_in_codes")
    for column in ("client_code_challenge", "client_state", "client_redirect_uri", "client_id"):
        op.drop_column("oidc_requests", column)
