"""The access token's claims, built in one place (accounts signs them; tests sign them with a test key)."""
from __future__ import annotations

import time
import uuid


def access_claims(*, issuer: str, audience: str, user_id: str, email: str | None, name: str | None,
                  memberships: list[dict], mode: str = "hat", acting_organisation_id: str | None = None,
                  staff_role: str | None = None, acting_for: dict | None = None, ttl_seconds: int = 300,
                  now: int | None = None) -> dict:
    now = int(time.time()) if now is None else now
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
        "token_use": "access",
        "email": email,
        "name": name,
        "memberships": [
            {"organisation_id": str(m["organisation_id"]), "organisation_type": m["organisation_type"], "role": m["role"]}
            for m in memberships
        ],
        "mode": mode,
        "acting_organisation_id": str(acting_organisation_id) if acting_organisation_id else None,
        "staff_role": staff_role,
    }
    if acting_for:
        claims["acting_for"] = {"organisation_id": str(acting_for["organisation_id"]), "reason": acting_for.get("reason")}
    return claims
