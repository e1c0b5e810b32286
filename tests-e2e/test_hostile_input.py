"""No input gets a 5xx (issue 14): every operation of every service's OpenAPI document, and of the lead provider
API's v3 document, gets JSON nested thousands deep, NUL and lone surrogates in each text value, integers past
PostgreSQL's bigint in each integer value and dates at the calendar's edges in each date value (path, query
string and JSON body), through the gateway. Every answer is a 4xx or a success, never a 5xx."""
from urllib.parse import quote

import pytest
import requests

from hostile_requests import Request, requests_for
from openapi_operations import V3_PREFIX
from test_fuzz import V3_DOCUMENT

SERVICES = ["accounts", "registrations", "inductions", "trs-sync", "lp-api"]


def send(base_url: str, request: Request, token: str) -> requests.Response:
    query = "&".join(f"{quote(k)}={quote(str(v).encode('utf-8', 'surrogatepass'), safe='')}"
                     for k, v in request.query.items())
    url = f"{base_url}{request.path}" + (f"?{query}" if query else "")
    headers = {"Authorization": f"Bearer {token}"}
    body = request.encoded_body()
    if body is not None:
        headers["Content-Type"] = "application/json"
    return requests.request(request.method, url, data=body, headers=headers, timeout=30)


def server_errors(base_url: str, generated, token: str) -> list[str]:
    found = []
    for request in generated:
        response = send(base_url, request, token)
        if response.status_code >= 500:
            found.append(f"{response.status_code} {request}: {response.text[:160]}")
    return found


@pytest.fixture(scope="module")
def path_values(system):
    return {"organisation_id": system.org("school-1"), "school_id": system.org("school-1")}


@pytest.mark.parametrize("service", SERVICES)
def test_no_hostile_input_gets_a_server_error(system, path_values, service):
    document = requests.get(f"{system.gateway}/{service}/openapi.json", timeout=10).json()
    # lp-api's own document lists the lead provider API too: that is sent with a lead provider token (below).
    generated = list(requests_for(document, path_values,
                                  skip=lambda path: path.startswith(("/sign-out", V3_PREFIX))))
    assert len(generated) > 20
    token = system.sign_in("sam@education.gov.uk")["access_token"]
    try:
        found = server_errors(f"{system.gateway}/{service}", generated, token)
    finally:
        system.restore_demo()
    assert not found, f"{len(found)} of {len(generated)} hostile requests got a 5xx:\n" + "\n".join(found[:60])


def test_no_hostile_input_gets_a_server_error_from_the_lead_provider_api(system):
    import json

    document = json.loads(V3_DOCUMENT.read_text())
    generated = list(requests_for(document))  # lp-api serves the whole v3 document
    found = server_errors(system.gateway, generated, system.lp_token("Northern Lights Teaching"))
    assert not found, f"{len(found)} of {len(generated)} hostile requests got a 5xx:\n" + "\n".join(found[:60])


def test_every_service_schema_uses_the_shared_text_integer_and_date_fields():
    """A schema with marshmallow's own String, Integer or Date would let NUL, bigint overflow or year 9999 through."""
    import marshmallow
    from marshmallow import class_registry

    from ecf_shared.web import fields
    from openapi_operations import _apps

    _apps()  # imports every service's API modules
    shared = {marshmallow.fields.String: fields.String, marshmallow.fields.Email: fields.Email,
              marshmallow.fields.Url: fields.Url, marshmallow.fields.Integer: fields.Integer,
              marshmallow.fields.Date: fields.Date, marshmallow.fields.DateTime: fields.DateTime}
    packages = ("accounts.", "registrations.", "inductions.", "trs_sync.", "lp_api.")
    schemas = {cls for classes in class_registry._registry.values() for cls in classes
               if cls.__module__.startswith(packages)}
    assert len(schemas) > 30
    plain = [f"{cls.__module__}.{cls.__name__}.{name}" for cls in schemas
             for name, field in _inner_fields(cls._declared_fields)
             if any(type(field) is base for base in shared)]
    assert not plain, plain


def _inner_fields(declared: dict):
    for name, field in declared.items():
        yield name, field
        for attribute in ("inner", "key_field", "value_field"):
            inner = getattr(field, attribute, None)
            if inner is not None:
                yield f"{name}[]", inner
