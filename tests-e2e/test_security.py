"""Security over the running system, through the gateway.

- every protected operation (from the OpenAPI documents) refuses a missing, tampered, expired,
  wrong-audience, unsigned (alg none) or foreign-signed token;
- the authorisation matrix: every operation × every role × someone else's organisation and resource
  ids never answers with the other organisation's data and never changes it;
- lp-api's endpoints for signed-in people (DfE finance, at /lp-api/...) refuse everyone who is not DfE staff, and
  only finance staff (and admins) pay a statement;
- secrets at rest are hashed; hostile input gets a 4xx and changes nothing.
"""
import time
import uuid

import jwt
import psycopg
import pytest
import requests

from ecf_shared.auth.claims import access_claims
from ecf_shared.db import libpq_url
from ecf_shared.testing.tokens import TokenIssuer
from openapi_operations import Operation, protected

SCHOOL_DOB = "1996-12-09"


def call(op: Operation, url: str, token: str | None, body: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(op.method, url, headers=headers, json=body if op.has_body else None, timeout=10)


@pytest.fixture(scope="module")
def bad_tokens(system):
    key = (system.cfg.run_dir / "jwt-private.pem").read_text()
    signing_key = jwt.api_jws.get_algorithm_by_name("RS256").prepare_key(key)

    kid = requests.get(f"{system.gateway}/accounts/.well-known/jwks.json", timeout=5).json()["keys"][0]["kid"]

    def sign(**overrides):
        claims = access_claims(issuer="ecf-accounts", audience="ecf", user_id=str(uuid.uuid4()), email="x@example.com",
                               name="X", memberships=[], staff_role="admin")
        claims.update(overrides)
        return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": kid})

    good = system.sign_in("sam@education.gov.uk")["access_token"]
    head, payload, signature = good.split(".")
    now = int(time.time())
    return {
        "tampered": f"{head}.{payload[:-3]}abc.{signature}",
        "expired": sign(iat=now - 3600, nbf=now - 3600, exp=now - 1800),
        "wrong_audience": sign(aud="somebody-else"),
        "wrong_issuer": sign(iss="https://evil.example"),
        "alg_none": jwt.encode({"sub": "x", "iss": "ecf-accounts", "aud": "ecf", "exp": now + 300, "iat": now,
                                "staff_role": "admin"}, None, algorithm="none"),
        "foreign_key": TokenIssuer().issue(staff_role="admin"),
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize("op", protected(), ids=str)
def test_protected_operation_refuses_missing_and_bad_tokens(system, bad_tokens, op):
    url = op.url(system.gateway)
    assert call(op, url, None, {}).status_code == 401
    for name, token in bad_tokens.items():
        response = call(op, url, token, {})
        assert response.status_code == 401, f"{name}: {response.status_code} {response.text[:200]}"


@pytest.fixture(scope="module")
def other_school_data(system):
    """Oakfield (school-1) registers an ECT; everyone else then tries to reach it."""
    system.seed_trs({"trn": "2100001", "firstName": "Dorothy", "lastName": "Vaughan", "dateOfBirth": SCHOOL_DOB,
                     "qtsDate": "2026-07-15"})
    alice = system.sign_in("alice@oakfield.example")["access_token"]
    response = requests.post(f"{system.gateway}/registrations/ects", timeout=10, headers={"Authorization": f"Bearer {alice}"},
                             json={"trn": "2100001", "date_of_birth": SCHOOL_DOB, "started_on": "2026-09-01",
                                   "email": "dorothy@oakfield.example", "working_pattern": "full_time",
                                   "training_programme": "school_led", "cohort": 2026})
    assert response.status_code == 201, response.text
    ect = response.json()
    return {"school": system.org("school-1"), "ect_id": ect["id"], "trn": "2100001", "teacher_id": ect["teacher_id"],
            "alice": alice}


def _role_token(system, who: str, acting: str | None) -> str:
    tokens = system.sign_in(who)
    if acting:
        chosen = requests.post(f"{system.gateway}/accounts/me/acting-organisation", timeout=10,
                               headers={"Authorization": f"Bearer {tokens['access_token']}"},
                               json={"organisation_id": system.org(acting)})
        assert chosen.status_code == 200, chosen.text
        return chosen.json()["access_token"]
    return tokens["access_token"]


@pytest.fixture(scope="module")
def role_tokens(system):
    return {"appropriate body user": _role_token(system, "abby@kingsbridge.example", None),
            "provider user, hat mode, acting for another school": _role_token(system, "priya@providers.example", "school-2")}


def _ects_visible_to_alice(system, alice) -> int:
    return len(requests.get(f"{system.gateway}/registrations/ects", timeout=10,
                            headers={"Authorization": f"Bearer {alice}"}).json())


@pytest.mark.parametrize("role", ["appropriate body user", "provider user, hat mode, acting for another school"])
@pytest.mark.parametrize("op", protected(), ids=str)
def test_nobody_reaches_another_organisations_data(system, other_school_data, role_tokens, role, op):
    if op.service == "accounts" and op.path.startswith("/me") or op.path in ("/sign-out",):
        pytest.skip("acts on the caller's own session, not on an organisation's data")
    data = other_school_data
    values = {"ect_id": data["ect_id"], "trn": data["trn"], "teacher_id": data["teacher_id"],
              "organisation_id": data["school"], "school_id": data["school"], "id": data["ect_id"]}
    url = op.url(system.gateway, values)
    query = {name: data["school"] for name in op.query if name in ("organisation_id", "school_id")}
    body = {"school_id": data["school"], "organisation_id": data["school"]}
    before = _ects_visible_to_alice(system, data["alice"])
    headers = {"Authorization": f"Bearer {role_tokens[role]}"}
    response = requests.request(op.method, url, params=query, headers=headers, timeout=10,
                                json=body if op.has_body else None)
    assert response.status_code < 500, response.text[:300]
    if response.ok:
        text = response.text
        assert data["ect_id"] not in text and data["trn"] not in text, f"{role} saw Oakfield's data via {op}"
    assert _ects_visible_to_alice(system, data["alice"]) == before


# lp-api's DfE staff endpoints (finance); its delivery partner and lead provider reads are authorised by membership
# and are in the generic cases above (bad tokens; another organisation's data) and lp-api's test_provider_pages_api.
LP_API_STAFF = [op for op in protected() if op.service == "lp-api" and op.path.startswith("/finance/")]


def test_lp_api_staff_endpoints_are_in_the_suites():
    assert {str(op) for op in LP_API_STAFF} >= {"lp-api GET /finance/statements",
                                                "lp-api GET /finance/statements/{statement_id}",
                                                "lp-api POST /finance/statements/{statement_id}/paid"}


def _staff_get(system, who: str, path: str, **params):
    token = system.sign_in(who)["access_token"]
    return requests.get(f"{system.gateway}/lp-api{path}", params=params, headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


@pytest.fixture(scope="module")
def a_statement(system) -> dict:
    """Northern Lights Teaching's last 2026 statement (it gets them when it works with a delivery partner then): its
    cut-off is years away, so nothing here can pay it."""
    system.add_delivery_partner("lp-1", "dp-1", 2026)
    listed = _staff_get(system, "sam@education.gov.uk", "/finance/statements", lead_provider_id=system.org("lp-1"),
                        cohort=2026)
    assert listed.status_code == 200 and listed.json(), listed.text
    return max(listed.json(), key=lambda s: s["cut_off_date"])


NOT_STAFF = ("alice@oakfield.example", "abby@kingsbridge.example", "priya@providers.example")


@pytest.mark.parametrize("op", LP_API_STAFF, ids=str)
def test_lp_api_staff_endpoints_refuse_people_who_are_not_dfe_staff(system, a_statement, op):
    url = op.url(system.gateway, {"statement_id": a_statement["id"]})
    for who in NOT_STAFF:
        response = call(op, url, system.sign_in(who)["access_token"], {})
        assert response.status_code == 403, f"{who}: {response.status_code} {response.text[:200]}"
        assert a_statement["lead_provider_id"] not in response.text
    again = _staff_get(system, "fiona@education.gov.uk", f"/finance/statements/{a_statement['id']}")
    assert again.status_code == 200 and again.json()["status"] == a_statement["status"]  # nothing paid


def test_only_dfe_finance_staff_pay_statements_through_the_gateway(system, a_statement):
    """The finance persona gets past the permission check: the statement's cut-off has not passed, so it is refused
    with 409 (not 403), and stays open. (Support and read-only staff are refused 403: lp-api's own suite.)"""
    url = f"{system.gateway}/lp-api/finance/statements/{a_statement['id']}/paid"
    fiona = system.sign_in("fiona@education.gov.uk")["access_token"]
    assert _staff_get(system, "fiona@education.gov.uk", "/finance/statements").status_code == 200
    answer = requests.post(url, headers={"Authorization": f"Bearer {fiona}"}, timeout=10)
    assert answer.status_code == 409 and answer.json()["code"] == "cut_off_not_passed", answer.text
    assert _staff_get(system, "fiona@education.gov.uk", f"/finance/statements/{a_statement['id']}").json()[
        "status"] == "open"


def test_refresh_tokens_and_lead_provider_tokens_are_stored_hashed(system):
    tokens = system.sign_in("bob@oakfield.example")
    lp_token = system.lp_token("Northern Lights Teaching")
    with psycopg.connect(libpq_url(system.cfg.database_url)) as conn:
        sessions = [r[0] for r in conn.execute("select token_hash from accounts.sessions")]
        lp_rows = [r for r in conn.execute("select * from lp_api.lead_provider_tokens")]
    assert sessions and tokens["refresh_token"] not in sessions
    assert all(len(h) == 64 for h in sessions)
    assert lp_rows and not any(lp_token in str(value) for row in lp_rows for value in row)


def test_hostile_input_gets_4xx_and_changes_nothing(system, other_school_data):
    alice = other_school_data["alice"]
    headers = {"Authorization": f"Bearer {alice}"}
    before = _ects_visible_to_alice(system, alice)
    lp = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}
    injections = ["' OR 1=1 --", "2026; DROP TABLE participants; --", "1) UNION SELECT * FROM lead_provider_tokens --"]
    for value in injections:
        r = requests.get(f"{system.gateway}/api/v3/participants/ecf", params={"filter[cohort]": value}, headers=lp, timeout=10)
        assert r.status_code in (200, 400) and (r.status_code == 400 or r.json()["data"] == [])
        r = requests.get(f"{system.gateway}/api/v3/participants/ecf", params={"filter[updated_since]": value}, headers=lp, timeout=10)
        assert r.status_code == 400
        r = requests.get(f"{system.gateway}/registrations/ects", params={"school_id": value}, headers=headers, timeout=10)
        assert r.status_code == 422
    huge = requests.post(f"{system.gateway}/registrations/ects", headers={**headers, "Content-Type": "application/json"},
                         data=b'{"trn": "' + b"1" * (3 * 1024 * 1024) + b'"}', timeout=30)
    assert huge.status_code == 413
    form = requests.post(f"{system.gateway}/registrations/ects", headers=headers, data={"trn": "1234567"}, timeout=10)
    assert form.status_code == 415
    xml = requests.post(f"{system.gateway}/registrations/ects", headers={**headers, "Content-Type": "application/xml"},
                        data="<trn>1234567</trn>", timeout=10)
    assert xml.status_code == 415
    broken = requests.post(f"{system.gateway}/registrations/ects", headers={**headers, "Content-Type": "application/json"},
                           data="{not json", timeout=10)
    assert broken.status_code in (400, 422)
    assert _ects_visible_to_alice(system, alice) == before
    # the database is intact after the injection attempts
    assert requests.get(f"{system.gateway}/api/v3/participants/ecf", headers=lp, timeout=10).status_code == 200
