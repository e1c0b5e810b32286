"""Signing in with DfE Sign-in: start (redirect to DSI) and complete (the callback).

The callback verifies the ID token, reads the `organisation` claim, asks DSI's roles API for the
user's roles there, then creates or updates the user (matched by DSI subject first, by email only
on their first DSI sign-in), the organisation (by DSI organisation id, then URN or UKPRN) and the
membership (a role code ending "Approver" makes an approver, any other an end user), and answers
tokens as persona sign-in does, acting for the organisation picked at DSI.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, UTC

from sqlalchemy import func

from accounts import audit, members, sessions
from accounts.domain.model import OidcRequest, Organisation, User
from accounts.dsi import DsiClient
from ecf_shared.errors import Conflict, Forbidden, Unauthorised
from ecf_shared.events.envelope import Actor

DSI_STATUSES = {1: "open", 2: "closed", 3: "proposed_to_close"}
ROLE_PREFIX_TYPES = (("AppropriateBody", "appropriate_body"), ("LeadProvider", "lead_provider"),
                     ("DeliveryPartner", "delivery_partner"), ("TrainingProvider", "training_provider"),
                     ("School", "school"))
STAFF_ROLE_CODES = {"dfeadmin": "admin", "dfesupport": "support", "dfefinance": "finance", "dfereadonly": "read_only",
                    "dfeuser": "read_only"}
DSI_ACTOR = Actor(type="system", name="DfE Sign-in")


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def begin(db_session, settings, client: DsiClient, for_client: dict | None = None) -> str:
    """Keep a new state, nonce and PKCE verifier server-side; answer DSI's authorization URL. `for_client` is a
    registered client's request (client_id, redirect_uri, state, code_challenge), already checked."""
    db_session.query(OidcRequest).filter(OidcRequest.expires_at < _now()).delete(synchronize_session=False)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(24), secrets.token_urlsafe(64)
    url = client.authorization_url(state=state, nonce=nonce, code_verifier=verifier)
    db_session.add(OidcRequest(state_hash=_hash(state), nonce=nonce, code_verifier=verifier,
                               redirect_uri=client.redirect_uri,
                               client_id=(for_client or {}).get("client_id"),
                               client_redirect_uri=(for_client or {}).get("redirect_uri"),
                               client_state=(for_client or {}).get("state"),
                               client_code_challenge=(for_client or {}).get("code_challenge"),
                               expires_at=_now() + timedelta(seconds=settings.oidc_request_ttl_seconds)))
    return url


def take_request(db_session, state: str | None) -> OidcRequest:
    """The request this callback answers, removed so it can never be used again."""
    req = (db_session.query(OidcRequest).filter_by(state_hash=_hash(state)).with_for_update().first()
           if state else None)
    if req is None:
        raise Unauthorised("This sign-in was not started here, or was already used; start again.",
                           code="invalid_state")
    db_session.delete(req)
    if req.expires_at <= _now():
        raise Unauthorised("This sign-in took too long; start again.", code="state_expired")
    return req


def role_from_codes(codes: list[str]) -> str:
    return "approver" if any(c.lower().endswith("approver") for c in codes) else "end_user"


def _organisation_type(claim: dict, codes: list[str]) -> str | None:
    for prefix, org_type in ROLE_PREFIX_TYPES:
        if any(c.startswith(prefix) for c in codes):
            return org_type
    category = (claim.get("category") or {}).get("id")
    return {"001": "school", "011": "dfe"}.get(category)


def _status(claim: dict) -> str:
    status = claim.get("status")
    status_id = status.get("id") if isinstance(status, dict) else status
    return DSI_STATUSES.get(status_id, "open")


def _organisation(uow, claim: dict, codes: list[str]) -> Organisation:
    q = uow.session.query(Organisation)
    org = q.filter_by(dsi_organisation_id=str(claim["id"])).first()
    if org is None and claim.get("urn"):
        org = q.filter_by(urn=str(claim["urn"])).first()
    org_type = _organisation_type(claim, codes)
    if org is None and claim.get("ukprn") and org_type and org_type != "school":
        org = q.filter_by(ukprn=str(claim["ukprn"]), type=org_type).first()
    if org is not None:
        if org.dsi_organisation_id != str(claim["id"]):
            before = {"dsi_organisation_id": org.dsi_organisation_id}
            org.dsi_organisation_id = str(claim["id"])
            audit.record(uow.session, actor=DSI_ACTOR, action="organisation_updated", subject_type="organisation",
                         subject_id=org.id, organisation_id=org.id, before=before,
                         after={"dsi_organisation_id": org.dsi_organisation_id})
            uow.publish("accounts.organisation.updated", org.event_data(), actor=DSI_ACTOR)
        return org
    if org_type is None:
        raise Forbidden("This service does not recognise your organisation.", code="organisation_not_recognised")
    org = Organisation(type=org_type, name=claim.get("name") or "Unnamed organisation",
                       urn=claim.get("urn") if org_type == "school" else None, ukprn=claim.get("ukprn"),
                       dsi_organisation_id=str(claim["id"]), status=_status(claim))
    uow.session.add(org)
    uow.session.flush()
    audit.record(uow.session, actor=DSI_ACTOR, action="organisation_created", subject_type="organisation",
                 subject_id=org.id, organisation_id=org.id, after=org.event_data())
    uow.publish("accounts.organisation.created", org.event_data(), actor=DSI_ACTOR)
    return org


def _user(uow, claims: dict, org: Organisation | None) -> User:
    sub = str(claims["sub"])
    email = (claims.get("email") or "").strip()
    names = {"first_name": (claims.get("given_name") or "").strip(), "last_name": (claims.get("family_name") or "").strip()}
    if not email:
        raise Unauthorised("DfE Sign-in sent no email address.", code="invalid_id_token")
    user = uow.session.query(User).filter_by(dsi_subject=sub).with_for_update().first()
    if user is None:
        # Matched by email only on the first DfE Sign-in of an account made another way (an invitation, say).
        user = (uow.session.query(User).filter(User.active.is_(True), func.lower(User.email) == email.lower())
                .with_for_update().first())
        if user is not None and user.dsi_subject is not None:
            raise Conflict("That email address belongs to another DfE Sign-in account here.", code="email_in_use")
    actor = lambda u: (members.member_actor(u, org) if org is not None  # noqa: E731
                       else Actor(type="staff", user_id=u.id, email=u.email, name=u.name))
    if user is None:
        user = User(email=email, dsi_subject=sub, **names)
        uow.session.add(user)
        uow.session.flush()
        audit.record(uow.session, actor=actor(user), action="user_created", subject_type="user", subject_id=user.id,
                     organisation_id=org.id if org else None,
                     after={"email": email, "dsi_subject": sub, **names})
        return user
    if not user.active:
        raise Forbidden("This account is deactivated.", code="user_deactivated")
    wanted = {"dsi_subject": sub, "email": email, **{k: v for k, v in names.items() if v}}
    before = {k: getattr(user, k) for k, v in wanted.items() if getattr(user, k) != v}
    if before:
        if "email" in before:
            other = (uow.session.query(User).filter(User.active.is_(True), User.id != user.id,
                                                    func.lower(User.email) == email.lower()).first())
            if other is not None:
                raise Conflict("That email address belongs to another account here.", code="email_in_use")
        for k in before:
            setattr(user, k, wanted[k])
        audit.record(uow.session, actor=actor(user), action="user_updated", subject_type="user", subject_id=user.id,
                     organisation_id=org.id if org else None, before=before, after={k: wanted[k] for k in before})
    return user


def _membership(uow, org: Organisation, user: User, role: str) -> None:
    org, rows = members.lock_memberships(uow.session, org.id)
    actor = members.member_actor(user, org)
    existing = next((m for m in rows if m.user_id == user.id), None)
    if existing is None:
        members.add_membership(uow, org, user, role, actor, via="dfe_sign_in")
        return
    try:
        members.set_role(uow, org, rows, existing, role, actor)
    except Conflict:
        pass  # DSI would demote the organisation's last approver here: keep them approver


def complete(uow, settings, key, client: DsiClient, req: OidcRequest, code: str) -> dict:
    """The callback of a sign-in started without a client: the tokens are the answer."""
    user, acting_organisation_id = signed_in_user(uow, client, req, code)
    return sessions.start(uow.session, settings, key, user, acting_organisation_id=acting_organisation_id)


def complete_for_client(uow, settings, client: DsiClient, req: OidcRequest, code: str) -> str:
    """The callback of a sign-in a registered client started: where to send the browser (the client's redirect
    URI with a one-time code; its back channel exchanges the code for the tokens)."""
    from accounts import client_signin

    user, acting_organisation_id = signed_in_user(uow, client, req, code)
    sess, _ = sessions.open_session(uow.session, settings, user, acting_organisation_id=acting_organisation_id)
    return client_signin.redirect_with_code(uow.session, settings, req, sess)


def signed_in_user(uow, client: DsiClient, req: OidcRequest, code: str) -> tuple[User, str | None]:
    """Verify DSI's answer; create or update the user, organisation and membership; the organisation to act for."""
    tokens = client.exchange(code, req.code_verifier)
    claims = client.verify_id_token(tokens.get("id_token"), req.nonce)
    claim = claims.get("organisation")
    if not isinstance(claim, dict) or not claim.get("id"):
        raise Forbidden("Choose an organisation at DfE Sign-in.", code="no_organisation")
    codes = client.role_codes(str(claims["sub"]), str(claim["id"]))
    if not codes:
        raise Forbidden("You have no access to this service in that organisation; ask its approver.",
                        code="no_access")
    staff_role = next((STAFF_ROLE_CODES[c.lower()] for c in codes if c.lower() in STAFF_ROLE_CODES), None)
    if staff_role:
        user = _user(uow, claims, None)
        if user.staff_role != staff_role:
            before, user.staff_role = user.staff_role, staff_role
            audit.record(uow.session, actor=DSI_ACTOR, action="staff_role_changed", subject_type="user",
                         subject_id=user.id, before={"staff_role": before}, after={"staff_role": staff_role})
        return user, None
    org = _organisation(uow, claim, codes)
    if org.status == "closed":
        raise Forbidden("Your organisation is closed.", code="organisation_closed")
    user = _user(uow, claims, org)
    _membership(uow, org, user, role_from_codes(codes))
    uow.session.flush()
    return user, org.id



