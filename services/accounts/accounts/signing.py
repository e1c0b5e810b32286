"""accounts' signing key: access tokens are RS256 JWTs; the public half is served as a JWKS."""
from __future__ import annotations

import base64
import hashlib
import json
from functools import cached_property

import jwt
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from accounts.settings import AccountsSettings


class SigningKey:
    def __init__(self, pem: str):
        self.private_key = serialization.load_pem_private_key(pem.encode(), password=None)

    @classmethod
    def from_settings(cls, settings: AccountsSettings) -> SigningKey:
        pem = settings.jwt_private_key
        if not pem:
            raise RuntimeError("accounts needs JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (an RSA private key in PEM)")
        return cls(pem)

    @cached_property
    def public_jwk(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        thumbprint = hashlib.sha256(json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"),
                                               sort_keys=True).encode()).digest()
        jwk.update({"kid": base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode(), "use": "sig", "alg": "RS256"})
        return jwk

    @property
    def kid(self) -> str:
        return self.public_jwk["kid"]

    def jwks(self) -> dict:
        return {"keys": [self.public_jwk]}

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def generate_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()
