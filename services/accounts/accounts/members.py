"""Who belongs to an organisation: invitations, role changes, removals and the last-approver guard.

Approvers (permission `manage_users`) invite by email with a single-use expiring token (stored only
as a hash; the invitee gets it in the invitation email's link, the inviter never sees it), resend or cancel
invitations, change roles and remove members. An organisation never
loses its last approver: every change to its memberships first locks the organisation and its
membership rows, so two concurrent changes cannot both pass the guard.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, UTC

from sqlalchemy import func

from accounts import audit, caller, contacts
from accounts.domain.model import Invitation, Membership, Organisation, Session, User
from ecf_shared.auth.actor import ORGANISATION_ACTOR_TYPES, Principal
from ecf_shared.auth.authorisation import writable
from ecf_shared.emails.outbox import long_date, queue_email
from ecf_shared.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from ecf_shared.events.envelope import Actor


class Gone(AppError):
    status = 410
    code = "gone"


def _now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def organisation(db_session, organisation_id: str, *, lock: bool = False) -> Organisation:
    org = db_session.get(Organisation, str(organisation_id), with_for_update=lock) if organisation_id else None
    if org is None:
        raise NotFound("No such organisation.", code="organisation_not_found")
    return org


def lock_memberships(db_session, organisation_id: str) -> tuple[Organisation, list[Membership]]:
    """Lock the organisation and all its membership rows (in that order, always) until commit."""
    org = organisation(db_session, organisation_id, lock=True)
    rows = (db_session.query(Membership).filter_by(organisation_id=org.id)
            .order_by(Membership.id).with_for_update().all())
    return org, rows


def member_actor(user: User, org: Organisation) -> Actor:
    return Actor(type=ORGANISATION_ACTOR_TYPES.get(org.type, "provider_user"), user_id=user.id, email=user.email,
                 name=user.name, organisation_id=org.id)


def membership_data(m: Membership, user: User, previous_role: str | None = None) -> dict:
    return {"membership_id": m.id, "user_id": user.id, "organisation_id": m.organisation_id, "role": m.role,
            "email": user.email, "name": user.name, "previous_role": previous_role}


def membership_view(m: Membership, user: User) -> dict:
    return {"membership_id": m.id, "user_id": user.id, "organisation_id": m.organisation_id, "role": m.role,
            "email": user.email, "name": user.name, "joined_at": m.created_at}


def members(db_session, organisation_id: str) -> list[dict]:
    rows = (db_session.query(Membership, User).join(User, User.id == Membership.user_id)
            .filter(Membership.organisation_id == str(organisation_id))
            .order_by(User.last_name, User.first_name, User.email).all())
    return [membership_view(m, u) for m, u in rows]


def invitation_view(inv: Invitation) -> dict:
    now = _now()
    state = inv.state if inv.state != "pending" or inv.expires_at > now else "expired"
    return {"invitation_id": inv.id, "organisation_id": inv.organisation_id, "email": inv.email, "role": inv.role,
            "state": state, "expires_at": inv.expires_at, "sent_count": inv.sent_count, "created_at": inv.created_at,
            "accepted_at": inv.accepted_at, "cancelled_at": inv.cancelled_at}


def _invitation_data(inv: Invitation, user_id: str | None) -> dict:
    return {"invitation_id": inv.id, "organisation_id": inv.organisation_id, "email": inv.email, "role": inv.role,
            "expires_at": inv.expires_at, "user_id": user_id}


def _active_user_by_email(db_session, email: str) -> User | None:
    return (db_session.query(User).filter(User.active.is_(True), func.lower(User.email) == email.lower()).first())


def _manage(principal: Principal, organisation_id: str) -> str:
    return writable(principal, organisation_id=organisation_id, permission="manage_users")


def _lock_to_manage(uow, principal: Principal, organisation_id: str) -> tuple[Organisation, list[Membership]]:
    """Lock the organisation's memberships, then check the caller may manage users there as they stand now."""
    org, rows = lock_memberships(uow.session, _manage(principal, organisation_id))
    caller.authorise(uow.session, principal, org, "manage_users")
    return org, rows


def _republish_contacts(uow, org: Organisation, actor: Actor) -> None:
    if org.is_school:
        contacts.publish(uow, org, actor)


# Invitations -----------------------------------------------------------------------------------------------------

def list_invitations(db_session, organisation_id: str, *, include_finished: bool = False) -> list[dict]:
    q = db_session.query(Invitation).filter_by(organisation_id=str(organisation_id))
    if not include_finished:
        q = q.filter(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
    return [invitation_view(i) for i in q.order_by(Invitation.created_at.desc()).all()]


ROLE_IN_A_SENTENCE = {"approver": "an approver", "end_user": "a user"}


def _email_invitation(uow, settings, principal: Principal, org: Organisation, inv: Invitation, token: str) -> None:
    """The invitation email, queued in this transaction; its link carries the token, removed once Notify has it."""
    queue_email(uow, template="invitation", to=inv.email, reference=f"invitation-{inv.id}-{inv.sent_count}",
                secret_fields=("accept_url",), personalisation={
                    "organisation_name": org.name, "inviter_name": principal.name or principal.email,
                    "role": ROLE_IN_A_SENTENCE.get(inv.role, inv.role), "expires_on": long_date(inv.expires_at),
                    "accept_url": settings.portal_link(f"invitations/{token}")})


def invite(uow, settings, principal: Principal, organisation_id: str, email: str, role: str) -> dict:
    """Invite someone by email: the token goes only into the invitation email (and is stored only hashed)."""
    org, rows = _lock_to_manage(uow, principal, organisation_id)
    if org.status == "closed":
        raise Conflict("This organisation is closed.", code="organisation_closed")
    email = email.strip()
    existing_user = _active_user_by_email(uow.session, email)
    if existing_user is not None and any(m.user_id == existing_user.id for m in rows):
        raise Conflict("That person is already a member of this organisation.", code="already_member")
    pending = (uow.session.query(Invitation)
               .filter(Invitation.organisation_id == org.id, func.lower(Invitation.email) == email.lower(),
                       Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
               .with_for_update().first())
    if pending is not None:
        if pending.expires_at > _now():
            raise Conflict("That person already has an invitation waiting; resend it instead.", code="already_invited",
                           details={"invitation_id": pending.id})
        pending.cancelled_at = _now()  # an expired invitation gives way to the new one
        uow.session.flush()
    token = secrets.token_urlsafe(32)
    inv = Invitation(organisation_id=org.id, email=email, role=role, token_hash=hash_token(token),
                     expires_at=_now() + timedelta(seconds=settings.invitation_ttl_seconds),
                     invited_by_user_id=principal.user_id)
    uow.session.add(inv)
    uow.session.flush()
    actor = audit.record_by(uow.session, principal, org.id, action="invitation_sent", subject_type="invitation",
                            subject_id=inv.id, after={"email": email, "role": role, "expires_at": inv.expires_at})
    uow.publish("accounts.invitation.sent", _invitation_data(inv, existing_user.id if existing_user else None), actor=actor)
    _email_invitation(uow, settings, principal, org, inv, token)
    return invitation_view(inv)


def _pending_invitation(db_session, organisation_id: str, invitation_id: str) -> Invitation:
    inv = (db_session.query(Invitation).filter_by(id=str(invitation_id), organisation_id=organisation_id)
           .with_for_update().first())
    if inv is None:
        raise NotFound("No such invitation for this organisation.", code="invitation_not_found")
    if inv.state != "pending":
        raise Conflict(f"This invitation was already {inv.state}.", code="invitation_not_pending")
    return inv


def resend(uow, settings, principal: Principal, organisation_id: str, invitation_id: str) -> dict:
    """A new email with a new token and a new expiry: the previous link stops working."""
    org, _ = _lock_to_manage(uow, principal, organisation_id)
    target = org.id
    inv = _pending_invitation(uow.session, target, invitation_id)
    before = {"expires_at": inv.expires_at, "sent_count": inv.sent_count}
    inv.invited_by_user_id = principal.user_id  # it now carries the resender's right to invite
    token = secrets.token_urlsafe(32)
    inv.token_hash = hash_token(token)
    inv.expires_at = _now() + timedelta(seconds=settings.invitation_ttl_seconds)
    inv.sent_count += 1
    actor = audit.record_by(uow.session, principal, target, action="invitation_resent", subject_type="invitation",
                            subject_id=inv.id, before=before,
                            after={"expires_at": inv.expires_at, "sent_count": inv.sent_count})
    user = _active_user_by_email(uow.session, inv.email)
    uow.publish("accounts.invitation.sent", _invitation_data(inv, user.id if user else None), actor=actor)
    _email_invitation(uow, settings, principal, org, inv, token)
    return invitation_view(inv)


def cancel(uow, principal: Principal, organisation_id: str, invitation_id: str) -> None:
    target = _lock_to_manage(uow, principal, organisation_id)[0].id
    inv = _pending_invitation(uow.session, target, invitation_id)
    inv.cancelled_at = _now()
    audit.record_by(uow.session, principal, target, action="invitation_cancelled", subject_type="invitation",
                    subject_id=inv.id, before={"state": "pending"}, after={"state": "cancelled"})


def invitation_for_invitee(db_session, token: str) -> dict:
    """What the invitation link's page shows the invitee: the organisation's name and type, the invited email and
    role, the state and expiry, and whether an account with that email exists (if not, accepting asks for names)."""
    inv = db_session.query(Invitation).filter_by(token_hash=hash_token(token)).first()
    if inv is None:
        raise NotFound("This invitation link is not valid.", code="invitation_not_found")
    org = organisation(db_session, inv.organisation_id)
    return {"organisation_name": org.name, "organisation_type": org.type, "email": inv.email, "role": inv.role,
            "state": invitation_view(inv)["state"], "expires_at": inv.expires_at,
            "account_exists": _active_user_by_email(db_session, inv.email) is not None}


def accept(uow, token: str, principal: Principal | None, *, first_name: str | None = None,
           last_name: str | None = None) -> dict:
    """Use an invitation (once, before it expires) to join its organisation.

    Signed in, the invitation must be for my email. Not signed in, it joins the active user with the
    invited email, or creates one (names then required); they then sign in with DfE Sign-in.
    """
    inv = uow.session.query(Invitation).filter_by(token_hash=hash_token(token)).first()
    if inv is None:
        raise NotFound("This invitation link is not valid.", code="invitation_not_found")
    org, rows = lock_memberships(uow.session, inv.organisation_id)  # the organisation first, as everywhere
    uow.session.refresh(inv, with_for_update=True)
    if inv.token_hash != hash_token(token):
        raise NotFound("This invitation link is not valid.", code="invitation_not_found")  # resent meanwhile
    if inv.accepted_at is not None:
        raise Gone("This invitation has already been used.", code="invitation_used")
    if inv.cancelled_at is not None:
        raise Gone("This invitation was cancelled.", code="invitation_cancelled")
    if inv.expires_at <= _now():
        raise Gone("This invitation has expired; ask for it to be sent again.", code="invitation_expired")
    if inv.invited_by_user_id and not caller.may(uow.session, inv.invited_by_user_id, org, "manage_users"):
        # An invitation is only as good as its sender's right to invite, now: one sent by an approver since
        # demoted or removed (or by themself, with their old token) joins nobody until an approver resends it.
        raise Gone("The person who sent this invitation may no longer invite people here; ask an approver to send "
                   "it again.", code="invitation_withdrawn")
    if principal is not None:
        user = uow.session.get(User, principal.user_id)
        if user is None or not user.active:
            raise Forbidden("This account is not active.", code="user_deactivated")
        if user.email.lower() != inv.email.lower():
            raise Forbidden("This invitation was sent to another email address.", code="invitation_for_another_email")
    else:
        user = _active_user_by_email(uow.session, inv.email)
        if user is None:
            missing = {f: ["Give your name to create your account."]
                       for f, v in (("first_name", first_name), ("last_name", last_name)) if not (v and v.strip())}
            if missing:
                raise Invalid("Give your name to create your account.", fields=missing)
            user = User(email=inv.email, first_name=first_name.strip(), last_name=last_name.strip())
            uow.session.add(user)
            uow.session.flush()
            audit.record(uow.session, actor=member_actor(user, org), action="user_created", subject_type="user",
                         subject_id=user.id, organisation_id=org.id,
                         after={"email": user.email, "first_name": user.first_name, "last_name": user.last_name})
    inv.accepted_at = _now()
    inv.accepted_by_user_id = user.id
    actor = member_actor(user, org)
    audit.record(uow.session, actor=actor, action="invitation_accepted", subject_type="invitation", subject_id=inv.id,
                 organisation_id=org.id, before={"state": "pending"}, after={"state": "accepted", "user_id": user.id})
    uow.publish("accounts.invitation.accepted", _invitation_data(inv, user.id), actor=actor)
    membership = next((m for m in rows if m.user_id == user.id), None)
    if membership is None:
        membership = add_membership(uow, org, user, inv.role, actor, via="invitation")
    return membership_view(membership, user)


# Memberships -----------------------------------------------------------------------------------------------------

def add_membership(uow, org: Organisation, user: User, role: str, actor: Actor, *, via: str) -> Membership:
    """Add a membership (the caller holds the lock from lock_memberships) and publish it."""
    m = Membership(user_id=user.id, organisation_id=org.id, role=role)
    uow.session.add(m)
    uow.session.flush()
    audit.record(uow.session, actor=actor, action="membership_added", subject_type="membership", subject_id=m.id,
                 organisation_id=org.id, after={"user_id": user.id, "email": user.email, "role": role, "via": via})
    uow.publish("accounts.membership.added", membership_data(m, user), actor=actor)
    _republish_contacts(uow, org, actor)
    return m


def _approvers(rows: list[Membership]) -> int:
    return sum(1 for m in rows if m.role == "approver")


def _target(rows: list[Membership], user_id: str) -> Membership:
    m = next((m for m in rows if m.user_id == str(user_id)), None)
    if m is None:
        raise NotFound("That person is not a member of this organisation.", code="member_not_found")
    return m


def _guard_last_approver(rows: list[Membership], m: Membership) -> None:
    if m.role == "approver" and _approvers(rows) <= 1:
        raise Conflict("An organisation must keep at least one approver; make someone else an approver first.",
                       code="last_approver")


def set_role(uow, org: Organisation, rows: list[Membership], m: Membership, role: str, actor: Actor,
             staff_reason: str | None = None) -> bool:
    """Change a member's role under the lock; False when it was already that role."""
    if m.role == role:
        return False
    if role != "approver":
        _guard_last_approver(rows, m)
    user = uow.session.get(User, m.user_id)
    previous, m.role = m.role, role
    audit.record(uow.session, actor=actor, action="membership_role_changed", subject_type="membership",
                 subject_id=m.id, organisation_id=org.id, staff_reason=staff_reason,
                 before={"user_id": user.id, "role": previous}, after={"user_id": user.id, "role": role})
    uow.publish("accounts.membership.role_changed", membership_data(m, user, previous_role=previous), actor=actor)
    return True


def change_role(uow, principal: Principal, organisation_id: str, user_id: str, role: str) -> dict:
    org, rows = _lock_to_manage(uow, principal, organisation_id)
    m = _target(rows, user_id)
    set_role(uow, org, rows, m, role, audit.actor_of(principal, org.id), principal.acting_for_reason)
    return membership_view(m, uow.session.get(User, m.user_id))


def remove(uow, principal: Principal, organisation_id: str, user_id: str) -> None:
    """Remove a member (approvers), or leave (any member, for themself). They lose access at their next refresh."""
    leaving = str(user_id) == principal.user_id and not principal.is_staff
    permission = "read" if leaving else "manage_users"
    org, rows = lock_memberships(uow.session, writable(principal, organisation_id=organisation_id, permission=permission))
    caller.authorise(uow.session, principal, org, permission)
    m = _target(rows, user_id)
    _guard_last_approver(rows, m)
    user = uow.session.get(User, m.user_id)
    uow.session.delete(m)
    # Sessions acting for this organisation stop doing so (their next token drops it anyway).
    (uow.session.query(Session).filter(Session.user_id == user.id, Session.acting_organisation_id == org.id)
     .update({Session.acting_organisation_id: None}, synchronize_session=False))
    actor = audit.record_by(uow.session, principal, org.id, action="membership_left" if leaving else "membership_removed",
                            subject_type="membership", subject_id=m.id,
                            before={"user_id": user.id, "email": user.email, "role": m.role})
    uow.publish("accounts.membership.removed", membership_data(m, user), actor=actor)
    _republish_contacts(uow, org, actor)
