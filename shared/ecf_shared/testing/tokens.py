"""A test token issuer: an RSA key whose JWKS the services under test trust."""
from __future__ import annotations

import json
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ecf_shared.auth.claims import access_claims


class TokenIssuer:
    def __init__(self, issuer: str = "ecf-accounts", audience: str = "ecf"):
        self.issuer = issuer
        self.audience = audience
        self.kid = uuid.uuid4().hex[:12]
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        self.jwks_json = json.dumps({"keys": [jwk]})

    def issue(self, *, user_id: str | None = None, memberships=(), mode: str = "hat", acting_organisation_id=None,
              email: str = "user@example.com", name: str = "Test User", staff_role: str | None = None,
              acting_for: dict | None = None, ttl_seconds: int = 300, headers: dict | None = None, **overrides) -> str:
        claims = access_claims(
            issuer=self.issuer, audience=self.audience, user_id=user_id or str(uuid.uuid4()), email=email, name=name,
            memberships=list(memberships), mode=mode, acting_organisation_id=acting_organisation_id,
            staff_role=staff_role, acting_for=acting_for, ttl_seconds=ttl_seconds,
        )
        claims.update(overrides)
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid, **(headers or {})})

    def school_user(self, school_id: str, *, role: str = "end_user", **kw) -> str:
        return self.issue(memberships=[{"organisation_id": school_id, "organisation_type": "school", "role": role}],
                          acting_organisation_id=school_id, **kw)
