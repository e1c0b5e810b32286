"""membership copies: writes of a member removed or demoted since their access token was issued are refused at once

Revision ID: 0006_membership_copies
"""
from ecf_shared.auth.revocation_migration import downgrade, upgrade  # noqa: F401

revision = "0006_membership_copies"
down_revision = "0005_shared_trs_limits"
branch_labels = None
depends_on = None
