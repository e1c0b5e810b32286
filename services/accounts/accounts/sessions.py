"""Signing in, refreshing and signing out: short-lived access tokens, refresh tokens stored hashed.

Claims are rebuilt from the database whenever a token is issued, so a removed membership or a
deactivated user loses access at the next refresh (access tokens live only minutes).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, UTC

from accounts.domain.model import Membership, Organisation, Session, User
from accounts.settings import AccountsSettings
from accounts.signing import SigningKey
from ecf_shared.auth.claims import access_claims
from ecf_shared.errors import Forbidden, Invalid, Unauthorised


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def memberships_of(db_session, user_id: str) -> list[tuple[Membership, Organisation]]:
    return (db_session.query(Membership, Organisation)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .filter(Membership.user_id == user_id).order_by(Organisation.name).all())


def issue(db_session, settings: AccountsSettings, key: SigningKey, user: User, sess: Session,
          refresh_token: str | None = None) -> dict:
    pairs = memberships_of(db_session, user.id)
    if not pairs and not user.staff_role:
        # Removed from their last organisation: refused from the next refresh on.
        raise Unauthorised("You no longer belong to any organisation.", code="no_organisations")
    if not user.staff_role and sess.acting_for_organisation_id:
        sess.acting_for_organisation_id = sess.acting_for_reason = sess.acting_for_started_at = None
    member_of = {m.organisation_id for m, _ in pairs}
    if sess.acting_organisation_id not in member_of:
        sess.acting_organisation_id = None
    if sess.acting_organisation_id is None and len(pairs) == 1:
        sess.acting_organisation_id = pairs[0][0].organisation_id  # only one organisation: nothing to choose
    claims = access_claims(
        issuer=settings.jwt_issuer, audience=settings.jwt_audience, user_id=user.id, email=user.email, name=user.name,
        memberships=[{"organisation_id": m.organisation_id, "organisation_type": o.type, "role": m.role} for m, o in pairs],
        mode=sess.mode, acting_organisation_id=sess.acting_organisation_id, staff_role=user.staff_role,
        ttl_seconds=settings.access_token_ttl_seconds,
        acting_for=({"organisation_id": sess.acting_for_organisation_id, "reason": sess.acting_for_reason}
                    if sess.acting_for_organisation_id else None),
    )
    claims["sid"] = sess.id
    tokens = {"access_token": key.sign(claims), "token_type": "Bearer", "expires_in": settings.access_token_ttl_seconds,
              "mode": sess.mode, "acting_organisation_id": sess.acting_organisation_id}
    if sess.acting_for_organisation_id:
        tokens["acting_for"] = {"organisation_id": sess.acting_for_organisation_id, "reason": sess.acting_for_reason}
    if refresh_token:
        tokens["refresh_token"] = refresh_token
    return tokens


def open_session(db_session, settings, user: User, *, acting_organisation_id: str | None = None) -> tuple[Session, str]:
    """A new signed-in session and its refresh token (stored only as a hash)."""
    if not user.active:
        raise Forbidden("This account is deactivated.", code="user_deactivated")
    refresh_token = secrets.token_urlsafe(32)
    sess = Session(user_id=user.id, token_hash=hash_token(refresh_token), mode=user.default_mode,
                   acting_organisation_id=acting_organisation_id,
                   expires_at=_now() + timedelta(seconds=settings.refresh_token_ttl_seconds))
    db_session.add(sess)
    db_session.flush()
    return sess, refresh_token


def start(db_session, settings, key, user: User, *, acting_organisation_id: str | None = None) -> dict:
    sess, refresh_token = open_session(db_session, settings, user, acting_organisation_id=acting_organisation_id)
    return issue(db_session, settings, key, user, sess, refresh_token)


def _user_for(db_session, sess: Session | None) -> User:
    if sess is None or sess.revoked_at is not None or sess.expires_at <= _now():
        raise Unauthorised("Your session has ended; sign in again.", code="session_ended")
    user = db_session.get(User, sess.user_id)
    if user is None or not user.active:
        raise Unauthorised("This account is no longer active.", code="user_deactivated")
    return user


def refresh(db_session, settings, key, refresh_token: str) -> dict:
    """Rotate the refresh token; the old one stops working at once."""
    sess = db_session.query(Session).filter_by(token_hash=hash_token(refresh_token)).with_for_update().first()
    return rotate(db_session, settings, key, sess)


def rotate(db_session, settings, key, sess: Session | None) -> dict:
    """A new refresh token for the session (the previous one stops working) and a fresh access token."""
    user = _user_for(db_session, sess)
    new_token = secrets.token_urlsafe(32)
    sess.token_hash = hash_token(new_token)
    return issue(db_session, settings, key, user, sess, new_token)


def _own_session(db_session, session_id: str | None, user_id: str) -> tuple[Session, User]:
    sess = db_session.get(Session, session_id, with_for_update=True) if session_id else None
    if sess is not None and sess.user_id != user_id:
        sess = None
    return sess, _user_for(db_session, sess)


def choose_acting_organisation(db_session, settings, key, session_id: str, user_id: str, organisation_id: str) -> dict:
    sess, user = _own_session(db_session, session_id, user_id)
    if organisation_id not in {m.organisation_id for m, _ in memberships_of(db_session, user.id)}:
        raise Forbidden("You can only act for an organisation you belong to.", code="not_your_organisation")
    sess.acting_organisation_id = organisation_id
    return issue(db_session, settings, key, user, sess)


def switch_mode(db_session, settings, key, session_id: str, user_id: str, mode: str, *, make_default: bool,
                principal=None) -> dict:
    if mode not in ("hat", "blended"):
        raise Invalid("Mode must be hat or blended.", fields={"mode": ["Must be one of: hat, blended."]})
    sess, user = _own_session(db_session, session_id, user_id)
    sess.mode = mode
    if make_default and user.default_mode != mode:
        before = user.default_mode
        user.default_mode = mode
        if principal is not None:
            from accounts import audit

            audit.record_by(db_session, principal, None, action="default_mode_changed", subject_type="user",
                            subject_id=user.id, before={"default_mode": before}, after={"default_mode": mode})
    return issue(db_session, settings, key, user, sess)


def end(db_session, session_id: str, user_id: str) -> None:
    sess = db_session.get(Session, session_id) if session_id else None
    if sess is not None and sess.user_id == user_id and sess.revoked_at is None:
        sess.revoked_at = _now()
