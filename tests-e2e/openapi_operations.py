"""Every operation of every service, read from the OpenAPI documents the services generate.

The documents are built in-process (creating an app connects to nothing), so the security tests are
parametrised from them at collection time: a new endpoint cannot be missed.

lp-api's document also lists the lead provider API (/api/v3/..., lead provider tokens, reached through the gateway
at /api/v3 itself): those are left out here (V3_PREFIX) and covered from the v3 document (test_fuzz, the v3
hostile-input test); what is left are lp-api's endpoints for signed-in people, at /lp-api/... (the delivery partner and lead
provider pages, DfE finance)."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache

V3_PREFIX = "/api/v3/"  # lp-api's lead provider API: its own tokens, its own path through the gateway


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    public: bool
    query: tuple[str, ...]
    has_body: bool
    integer_params: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    def url(self, gateway: str, values: dict[str, str] | None = None) -> str:
        values = values or {}
        path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), placeholder(m.group(1), self.integer_params)),
                      self.path)
        return f"{gateway}/{self.service}{path}"


def placeholder(name: str, integer_params: tuple[str, ...] = ()) -> str:
    if name in integer_params:
        return "1234"
    return "1234567" if name == "trn" else str(uuid.UUID(int=0x1234))


def _apps():
    from accounts.app import create_app as accounts
    from accounts.settings import AccountsSettings
    from accounts.signing import generate_pem
    from inductions.app import create_app as inductions
    from inductions.settings import InductionsSettings
    from lp_api.app import create_app as lp_api
    from lp_api.settings import LpApiSettings
    from registrations.app import create_app as registrations
    from registrations.settings import RegistrationsSettings
    from trs_sync.app import create_app as trs_sync
    from trs_sync.settings import TrsSyncSettings

    return {
        "accounts": accounts(AccountsSettings.from_env({}, jwt_private_key=generate_pem())),
        "registrations": registrations(RegistrationsSettings.from_env({})),
        "inductions": inductions(InductionsSettings.from_env({})),
        "trs-sync": trs_sync(TrsSyncSettings.from_env({})),
        "lp-api": lp_api(LpApiSettings.from_env({})),
    }


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for service, app in _apps().items():
        document = app.test_client().get("/openapi.json").get_json()
        default_security = document.get("security", [])
        for path, item in document["paths"].items():
            if service == "lp-api" and path.startswith(V3_PREFIX):
                continue
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                params = op.get("parameters", []) + item.get("parameters", [])
                found.append(Operation(
                    service=service, method=method.upper(), path=path,
                    public=op.get("security", default_security) == [],
                    query=tuple(p["name"] for p in params if p.get("in") == "query"),
                    has_body="requestBody" in op,
                    integer_params=tuple(p["name"] for p in params if p.get("in") == "path"
                                         and p.get("schema", {}).get("type") == "integer"),
                ))
    return tuple(found)


def protected() -> list[Operation]:
    return [op for op in operations() if not op.public]
