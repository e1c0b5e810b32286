"""DfE staff acting for an organisation, with a stated reason.

The choice is kept on the session; every access token issued for it then carries
`acting_for: {organisation_id, reason}`, so the shared authorisation helper scopes the staff user to
that organisation and every event's actor names both the staff user and the organisation.
"""
from __future__ import annotations

from datetime import datetime, UTC

from accounts import audit, sessions
from accounts.domain.model import Organisation, Session, User
from ecf_shared.auth.actor import Principal
from ecf_shared.errors import Conflict, Forbidden, NotFound
from ecf_shared.events.envelope import Actor


def _staff_session(db_session, principal: Principal) -> tuple[Session, User]:
    sess, user = sessions._own_session(db_session, principal.session_id, principal.user_id)
    if not user.staff_role:
        raise Forbidden("Only DfE staff can act for an organisation.", code="not_staff")
    return sess, user


def _actor(user: User, organisation_id: str) -> Actor:
    return Actor(type="staff", user_id=user.id, email=user.email, name=user.name, organisation_id=organisation_id)


def _end(uow, sess: Session, user: User) -> None:
    org_id, reason = sess.acting_for_organisation_id, sess.acting_for_reason
    actor = _actor(user, org_id)
    audit.record(uow.session, actor=actor, action="staff_acting_ended", subject_type="user", subject_id=user.id,
                 organisation_id=org_id, staff_reason=reason,
                 before={"acting_for": {"organisation_id": org_id, "reason": reason,
                                        "started_at": sess.acting_for_started_at}},
                 after={"acting_for": None})
    uow.publish("accounts.staff_acting.ended", {"user_id": user.id, "organisation_id": org_id, "reason": reason},
                actor=actor)
    sess.acting_for_organisation_id = sess.acting_for_reason = sess.acting_for_started_at = None


def start(uow, settings, key, principal: Principal, organisation_id: str, reason: str) -> dict:
    sess, user = _staff_session(uow.session, principal)
    org = uow.session.get(Organisation, str(organisation_id))
    if org is None:
        raise NotFound("No such organisation.", code="organisation_not_found")
    reason = reason.strip()
    if sess.acting_for_organisation_id == org.id and sess.acting_for_reason == reason:
        return sessions.issue(uow.session, settings, key, user, sess)
    if sess.acting_for_organisation_id:
        _end(uow, sess, user)
    sess.acting_for_organisation_id, sess.acting_for_reason = org.id, reason
    sess.acting_for_started_at = datetime.now(UTC)
    actor = _actor(user, org.id)
    audit.record(uow.session, actor=actor, action="staff_acting_started", subject_type="user", subject_id=user.id,
                 organisation_id=org.id, staff_reason=reason, before={"acting_for": None},
                 after={"acting_for": {"organisation_id": org.id, "reason": reason}})
    uow.publish("accounts.staff_acting.started", {"user_id": user.id, "organisation_id": org.id, "reason": reason},
                actor=actor)
    return sessions.issue(uow.session, settings, key, user, sess)


def end(uow, settings, key, principal: Principal) -> dict:
    sess, user = _staff_session(uow.session, principal)
    if not sess.acting_for_organisation_id:
        raise Conflict("You are not acting for an organisation.", code="not_acting")
    _end(uow, sess, user)
    return sessions.issue(uow.session, settings, key, user, sess)
