"""the email outbox: invitation emails queued in the invitation's transaction, sent by the worker through GOV.UK Notify

Revision ID: 0004_email_outbox
"""
from alembic import op

from ecf_shared.emails.tables import create_email_outbox, drop_email_outbox

revision = "0004_email_outbox"
down_revision = "0003_portal_sign_in"
branch_labels = None
depends_on = None


def upgrade():
    create_email_outbox(op)


def downgrade():
    drop_email_outbox(op)
