"""Revocation at once for writes: each service's read copy of memberships, and the check every write passes.

An access token lives up to five minutes and names its holder's memberships and roles as they were at its issue
time (`iat`). Every service that takes user writes keeps `membership_copies`, built from accounts' membership
events (one row per user and organisation: the role, or none once removed, and when that last changed). Before any
request other than GET/HEAD/OPTIONS, the shared auth layer asks `enforce`: an organisation the token claims a role
in is *stale* when the copy learnt, at or after the token was issued, that the membership was removed or now allows
less than the claimed role. A stale acting organisation refuses the request (403 `membership_changed`); in blended
mode the stale organisations are dropped from the principal, so `writable` refuses changes for them.

Only what the copy knows to be newer than the token refuses: a membership the copy has not heard of (a new member
whose event is still on its way) or a change older than the token (which the token already reflects) never does.
Reads keep working on the token until it expires.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, UTC

from sqlalchemy import Column, DateTime, MetaData, String, Table, select

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import permissions_for
from ecf_shared.errors import Forbidden
from ecf_shared.events.envelope import Event
from ecf_shared.ordering import upsert_if_newer

ADDED, ROLE_CHANGED, REMOVED = ("accounts.membership.added", "accounts.membership.role_changed",
                                "accounts.membership.removed")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A change that committed while a token was being issued can carry an occurred_at a little before the token's
# whole-second iat: changes this close to iat still count. It never refuses a token whose claims match the copy.
ISSUE_LEEWAY = timedelta(seconds=30)

metadata = MetaData()

membership_copies = Table(
    "membership_copies", metadata,
    Column("user_id", String(100), primary_key=True),
    Column("organisation_id", String(100), primary_key=True),
    Column("role", String(20)),  # None: removed
    Column("source_at", DateTime(timezone=True), nullable=False),  # the applied event's occurred_at
)  # created by each service's migration, with ecf_shared.auth.revocation_migration


def record_membership(uow, event: Event) -> None:
    """Apply one membership event; one older than what the copy holds (events arrive out of order) changes nothing."""
    data = event.data
    upsert_if_newer(uow.session, membership_copies,
                    {"user_id": str(data["user_id"]), "organisation_id": str(data["organisation_id"])},
                    {"role": None if event.type == REMOVED else data["role"]}, event.occurred_at)


def handlers() -> dict:
    """The membership events' handlers, for a service's `handlers()`."""
    return {ADDED: record_membership, ROLE_CHANGED: record_membership, REMOVED: record_membership}


def _weaker(claimed_role: str, role_now: str | None) -> bool:
    return role_now is None or not permissions_for(claimed_role) <= permissions_for(role_now)


def stale_organisations(connection, principal: Principal, issued_at: int | float) -> frozenset[str]:
    """The organisations whose claim in the token the copy knows to have been removed or weakened since its issue."""
    claimed = {m.organisation_id: m.role for m in principal.memberships}
    if not claimed:
        return frozenset()
    since = datetime.fromtimestamp(issued_at, UTC) - ISSUE_LEEWAY
    rows = connection.execute(
        select(membership_copies.c.organisation_id, membership_copies.c.role)
        .where(membership_copies.c.user_id == principal.user_id,
               membership_copies.c.organisation_id.in_(list(claimed)),
               membership_copies.c.source_at >= since))
    return frozenset(org for org, role in rows if _weaker(claimed[org], role))


def enforce(db, principal: Principal, issued_at: int | float) -> Principal:
    """The principal a write may act as: refused outright when its acting organisation is stale; otherwise
    without its stale memberships."""
    with db.engine.connect() as connection:
        stale = stale_organisations(connection, principal, issued_at)
    if not stale:
        return principal
    if principal.acting_organisation_id in stale:
        raise Forbidden("Your membership of this organisation was removed or changed after you signed in; "
                        "sign in again to continue.", code="membership_changed")
    return replace(principal, memberships=tuple(m for m in principal.memberships if m.organisation_id not in stale))
