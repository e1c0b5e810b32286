"""The caller as the database has them now, not as their access token remembers them.

An access token names the memberships and roles its holder had when it was issued, and lives up to five minutes.
Every change accounts makes decides from the caller's membership as it stands: with the organisation locked (every
membership change locks it first), the caller's membership row is read FOR UPDATE and `writable` asked again with
it, so a demoted or removed member's old token changes nothing here, however quickly they try.
"""
from __future__ import annotations

from dataclasses import replace

from accounts.domain.model import Membership, Organisation, User
from ecf_shared.auth.actor import Membership as Claimed
from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import STAFF_PERMISSIONS, permissions_for, writable
from ecf_shared.errors import Forbidden


def _membership(db_session, user_id: str, org: Organisation) -> Membership | None:
    return (db_session.query(Membership).filter_by(user_id=str(user_id), organisation_id=org.id)
            .with_for_update().one_or_none())


def as_it_stands(db_session, principal: Principal, org: Organisation) -> Principal:
    """The principal with their staff role and their membership of `org` read from the database (the caller
    holds the organisation's lock)."""
    user = db_session.get(User, principal.user_id)
    if user is None or not user.active:
        raise Forbidden("This account is not active.", code="user_deactivated")
    row = _membership(db_session, user.id, org)
    others = tuple(m for m in principal.memberships if m.organisation_id != org.id)
    here = (Claimed(org.id, org.type, row.role),) if row is not None else ()
    return replace(principal, staff_role=user.staff_role, memberships=others + here)


def authorise(db_session, principal: Principal, org: Organisation, permission: str,
              organisation_types: tuple[str, ...] | None = None) -> None:
    """`writable` for `org` again, as the caller's membership stands now (call it with the organisation locked)."""
    writable(as_it_stands(db_session, principal, org), organisation_id=org.id, permission=permission,
             organisation_types=organisation_types)


def may(db_session, user_id: str, org: Organisation, permission: str) -> bool:
    """Whether a user (say, an invitation's sender) holds `permission` in `org` now (organisation locked)."""
    user = db_session.get(User, str(user_id))
    if user is None or not user.active:
        return False
    if permission in STAFF_PERMISSIONS.get(user.staff_role, frozenset()):
        return True
    row = _membership(db_session, user.id, org)
    return row is not None and permission in permissions_for(row.role)
