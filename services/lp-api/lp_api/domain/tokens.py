"""Lead provider API tokens: random, shown once, stored only as a keyed hash."""
from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(key: str, token: str) -> str:
    """HMAC-SHA256, hex. Keyed, so a leaked table alone cannot be used to check guesses."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()
