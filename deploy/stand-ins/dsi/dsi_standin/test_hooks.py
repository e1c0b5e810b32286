"""/_test/... hooks: seed organisations and users (with roles), reset, queue ID-token faults, mint ID tokens.

No auth. Only registered when DSI_TEST_HOOKS is on (the default for the stand-in).
"""

from __future__ import annotations

import json
import re
import time
import uuid

from flask import Blueprint, Response, current_app, request

from .oidc import issuer
from .state import CATEGORIES, NS, Organisation, User
from .tokens import FAULTS, id_token_claims, sign

bp = Blueprint("test_hooks", __name__, url_prefix="/_test")


class SeedError(ValueError):
    pass


def _ctx():
    return current_app.extensions["dsi_standin"]


def _ok(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _bad(detail: str) -> Response:
    return _ok({"error": "invalid_test_hook_request", "detail": detail}, 400)


def _body():
    raw = request.get_data()
    try:
        return json.loads(raw) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"body is not valid JSON: {exc}") from exc


def _many(body, key: str) -> list:
    if isinstance(body, dict) and key in body:
        body = body[key]
    items = body if isinstance(body, list) else [body]
    if not all(isinstance(i, dict) for i in items):
        raise SeedError(f"{key}: each must be a JSON object")
    return items


def _str(spec: dict, name: str, where: str, *, required: bool = True, pattern: str | None = None) -> str | None:
    value = spec.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}{name}: must be a non-empty string")
    if pattern and not re.fullmatch(pattern, value):
        raise SeedError(f"{where}{name}: must match {pattern}")
    return value


def parse_organisation(spec: dict, where: str = "") -> Organisation:
    category = spec.get("category", "001")
    category_id = category.get("id") if isinstance(category, dict) else category
    if category_id not in CATEGORIES:
        raise SeedError(f"{where}category: must be one of {', '.join(CATEGORIES)}")
    status = spec.get("status", 1)
    status_id = status.get("id") if isinstance(status, dict) else status
    if status_id not in (1, 2, 3, 4):
        raise SeedError(f"{where}status: must be 1 (open), 2 (closed), 3 (proposed to close) or 4 (proposed to open)")
    name = _str(spec, "name", where)
    return Organisation(id=spec.get("id") or str(uuid.uuid5(NS, f"org:{name}")), name=name, category_id=category_id,
                        urn=_str(spec, "urn", where, required=False, pattern=r"\d{6}"),
                        ukprn=_str(spec, "ukprn", where, required=False, pattern=r"\d{8}"), status_id=status_id)


def parse_user(spec: dict, where: str, organisations: dict) -> tuple[User, list[Organisation]]:
    email = _str(spec, "email", where)
    user = User(sub=spec.get("sub") or str(uuid.uuid5(NS, f"user:{email.lower()}")), email=email,
                given_name=_str(spec, "given_name", where), family_name=_str(spec, "family_name", where))
    new_orgs = []
    links = spec.get("organisations") or []
    if not isinstance(links, list):
        raise SeedError(f"{where}organisations: must be a list")
    for i, link in enumerate(links):
        at = f"{where}organisations[{i}]."
        if not isinstance(link, dict):
            raise SeedError(f"{at[:-1]}: must be an object")
        if "name" in link:  # the organisation itself, inline
            org = parse_organisation(link, at)
            new_orgs.append(org)
        else:
            org_id = _str(link, "id", at)
            if org_id not in organisations:
                raise SeedError(f"{at}id: no organisation {org_id} (seed it first, or give it inline with a name)")
            org = organisations[org_id]
        roles = link.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
            raise SeedError(f"{at}roles: must be a list of role codes")
        user.roles[org.id] = list(roles)
    return user, new_orgs


def seed(store, data: dict) -> None:
    """Load {"organisations": [...], "users": [...]} (DSI_SEED_FILE at start, or the hooks below)."""
    orgs = [parse_organisation(spec, f"organisations[{i}].") for i, spec in enumerate(data.get("organisations", []))]
    with store.lock:
        for org in orgs:
            store.organisations[org.id] = org
        for i, spec in enumerate(data.get("users", [])):
            user, inline = parse_user(spec, f"users[{i}].", store.organisations)
            for org in inline:
                store.organisations[org.id] = org
            store.users[user.sub] = user


@bp.post("/organisations")
def seed_organisations():
    try:
        orgs = [parse_organisation(spec, f"organisations[{i}].") for i, spec in enumerate(_many(_body(), "organisations"))]
    except SeedError as exc:
        return _bad(str(exc))
    store = _ctx().store
    with store.lock:
        for org in orgs:
            store.organisations[org.id] = org
    return _ok({"upserted": [o.claim() for o in orgs]})


@bp.post("/users")
def seed_users():
    store = _ctx().store
    try:
        with store.lock:
            parsed = [parse_user(spec, f"users[{i}].", store.organisations)
                      for i, spec in enumerate(_many(_body(), "users"))]
    except SeedError as exc:
        return _bad(str(exc))
    with store.lock:
        for user, orgs in parsed:
            for org in orgs:
                store.organisations[org.id] = org
            store.users[user.sub] = user
    return _ok({"upserted": [{"sub": u.sub, "email": u.email, "organisations": list(u.roles)} for u, _ in parsed]})


@bp.get("/users")
def list_users():
    store = _ctx().store
    with store.lock:
        return _ok({"users": [{**u.claims(), "organisations": [
            {**store.organisations[o].claim(), "roles": codes} for o, codes in u.roles.items()
            if o in store.organisations]} for u in store.users.values()]})


@bp.post("/reset")
def reset():
    _ctx().store.reset()
    return _ok({"reset": True})


@bp.post("/token-faults")
def token_faults():
    """Queue faults: each applies to one following token response's ID token, in order."""
    try:
        body = _body()
    except SeedError as exc:
        return _bad(str(exc))
    faults = body.get("faults") if isinstance(body, dict) else body
    faults = faults if isinstance(faults, list) else [faults]
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        return _bad(f"faults: unknown {unknown}; known: {', '.join(FAULTS)}")
    store = _ctx().store
    with store.lock:
        store.token_faults = list(faults)
    return _ok({"faults": store.token_faults})


@bp.post("/id-token")
def mint_id_token():
    """Mint an ID token for a seeded user, optionally with one fault, for tests of token verification."""
    try:
        body = _body()
        if not isinstance(body, dict):
            raise SeedError("body must be a JSON object")
        store = _ctx().store
        user = store.user_by_login(_str(body, "sub", "", required=False) or _str(body, "email", ""))
        if user is None:
            raise SeedError("no such user")
        org_id = body.get("organisation_id") or next(iter(user.roles), None)
        fault = body.get("fault")
        if fault is not None and fault not in FAULTS:
            raise SeedError(f"fault: must be one of {', '.join(FAULTS)}")
    except SeedError as exc:
        return _bad(str(exc))
    claims = id_token_claims(issuer=issuer(), client_id=body.get("audience") or _ctx().settings.client_id, user=user,
                             organisation=store.organisations.get(org_id), nonce=body.get("nonce"),
                             scope="openid profile email organisation",
                             ttl_seconds=int(body.get("ttl_seconds", _ctx().settings.id_token_ttl_seconds)),
                             now=int(body.get("issued_at", time.time())))
    return _ok({"id_token": sign(_ctx().key, claims, fault), "claims": claims})
