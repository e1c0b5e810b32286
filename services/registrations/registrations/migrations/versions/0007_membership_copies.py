"""membership copies: writes of a member removed or demoted since their access token was issued are refused at once

Revision ID: 0007_membership_copies
"""
from ecf_shared.auth.revocation_migration import downgrade, upgrade  # noqa: F401

revision = "0007_membership_copies"
down_revision = "0006"
branch_labels = None
depends_on = None
