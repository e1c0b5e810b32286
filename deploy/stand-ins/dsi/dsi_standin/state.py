"""The stand-in's in-memory state: organisations, users and their roles, codes and tokens in flight."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

# DSI organisation categories (id, name) and statuses (id, name), as DSI sends them.
CATEGORIES = {
    "001": "Establishment", "002": "Local Authority", "003": "Other Legacy Organisations", "004": "Early Year Setting",
    "008": "Other Stakeholders", "009": "Training Providers", "010": "Multi-Academy Trust", "011": "Government",
    "012": "Other GIAS Stakeholder", "013": "Single-Academy Trust",
}
STATUSES = {1: "Open", 2: "Closed", 3: "Proposed to close", 4: "Proposed to open"}
NS = uuid.UUID("5d7b0c43-16d5-4b0a-8d0e-6b1f4f0e2c77")


@dataclass
class Organisation:
    id: str
    name: str
    category_id: str = "001"
    urn: str | None = None
    ukprn: str | None = None
    status_id: int = 1

    def claim(self) -> dict:
        """The `organisation` claim: the one organisation the user picked at sign-in."""
        return {"id": self.id, "name": self.name,
                "category": {"id": self.category_id, "name": CATEGORIES.get(self.category_id, "Other")},
                "urn": self.urn, "ukprn": self.ukprn,
                "status": {"id": self.status_id, "name": STATUSES.get(self.status_id, "Open")}}


@dataclass
class User:
    sub: str
    email: str
    given_name: str
    family_name: str
    roles: dict[str, list[str]] = field(default_factory=dict)  # organisation id -> role codes for the service

    def claims(self) -> dict:
        return {"sub": self.sub, "email": self.email, "given_name": self.given_name, "family_name": self.family_name}


@dataclass
class Code:
    client_id: str
    redirect_uri: str
    sub: str
    organisation_id: str
    scope: str
    nonce: str | None
    code_challenge: str
    expires_at: float


@dataclass
class AccessToken:
    sub: str
    organisation_id: str
    scope: str
    expires_at: float


def role_view(code: str, service_id: str) -> dict:
    """A role as DSI's roles API answers it."""
    role_id = str(uuid.uuid5(NS, f"role:{service_id}:{code}"))
    name = "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(code)).strip()
    return {"id": role_id, "name": name, "code": code, "numericId": str(int(uuid.UUID(role_id)) % 100000),
            "status": {"id": 1}}


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.organisations: dict[str, Organisation] = {}
            self.users: dict[str, User] = {}
            self.codes: dict[str, Code] = {}
            self.tokens: dict[str, AccessToken] = {}
            self.token_faults: list[str] = []  # applied to the next token responses, one each

    def user_by_login(self, login: str) -> User | None:
        with self.lock:
            if login in self.users:
                return self.users[login]
            return next((u for u in self.users.values() if u.email.lower() == login.strip().lower()), None)

    def organisations_of(self, user: User) -> list[Organisation]:
        with self.lock:
            return sorted((self.organisations[o] for o in user.roles if o in self.organisations), key=lambda o: o.name)

    def new_code(self, code: Code) -> str:
        value = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[value] = code
        return value

    def take_code(self, value: str) -> Code | None:
        """A code works once: taking it removes it (a second use finds nothing)."""
        with self.lock:
            code = self.codes.pop(value, None)
        if code is None or code.expires_at < time.time():
            return None
        return code

    def new_access_token(self, token: AccessToken) -> str:
        value = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[value] = token
        return value

    def access_token(self, value: str) -> AccessToken | None:
        with self.lock:
            token = self.tokens.get(value)
        return token if token is not None and token.expires_at >= time.time() else None

    def next_fault(self) -> str | None:
        with self.lock:
            return self.token_faults.pop(0) if self.token_faults else None
