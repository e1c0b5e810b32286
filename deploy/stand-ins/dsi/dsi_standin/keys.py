"""The RSA key that signs ID tokens (and a second one, for tests of tokens signed by a stranger)."""

from __future__ import annotations

import base64
import hashlib
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class SigningKey:
    def __init__(self, pem: str = ""):
        if pem:
            self.private_key = serialization.load_pem_private_key(pem.encode(), password=None)
        else:
            self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        digest = hashlib.sha256(json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"),
                                           sort_keys=True).encode()).digest()
        self.kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        self.public_jwk = jwk

    def sign(self, claims: dict, kid: str | None = None) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": kid or self.kid})
