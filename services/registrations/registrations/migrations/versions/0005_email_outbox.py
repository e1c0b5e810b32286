"""the email outbox: registration confirmations queued with the registration, sent by the worker through GOV.UK Notify

Revision ID: 0005_email_outbox
"""
from alembic import op

from ecf_shared.emails.tables import create_email_outbox, drop_email_outbox

revision = "0005_email_outbox"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    create_email_outbox(op)


def downgrade():
    drop_email_outbox(op)
