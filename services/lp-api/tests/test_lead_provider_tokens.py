"""Lead provider tokens: issued by the CLI, stored only as a keyed hash, checked on every v3 route."""
import uuid

from sqlalchemy import text

from lp_api.definition import DEFINITION
from lp_api.domain.tokens import token_hash
from lp_api.lead_provider_auth import LastUsedThrottle
from lp_events import bearer

ACCESS_DENIED = {"error": "HTTP Token: Access denied"}
PARTICIPANTS = "/api/v3/participants/ecf"


def run_cli(svc, capsys, *argv) -> tuple[int, str, str]:
    command, *rest = argv
    code = DEFINITION.commands[command](svc.settings, rest)
    out, err = capsys.readouterr()
    return code, out, err


def rows(svc, sql: str, **params):
    with svc.db.engine.connect() as conn:
        return conn.execute(text(sql), params).mappings().all()


def test_create_token_prints_it_once_and_stores_only_its_hash(svc, capsys):
    lead_provider_id = str(uuid.uuid4())
    code, out, err = run_cli(svc, capsys, "create-token", "--lead-provider-id", lead_provider_id, "--name", "LMS prod")
    assert code == 0
    token = out.strip()
    assert len(token) >= 40 and "\n" not in token
    [row] = rows(svc, "select * from lead_provider_tokens")
    assert str(row["id"]) in err and str(row["lead_provider_id"]) == lead_provider_id and row["name"] == "LMS prod"
    assert row["token_hash"] == token_hash(svc.settings.lp_token_hash_key, token)
    with svc.db.engine.connect() as conn:  # the plaintext is nowhere in the table
        dump = conn.execute(text("select string_agg(t::text, '') from lead_provider_tokens t")).scalar()
    assert token not in dump
    [audit] = rows(svc, "select * from token_audit")
    assert audit["action"] == "created" and audit["token_id"] == row["id"]
    assert svc.client.get(PARTICIPANTS, headers=bearer(token)).status_code == 200


def test_revoke_token_shuts_it_out_at_once_and_is_audited(svc, capsys):
    _, token, _ = run_cli(svc, capsys, "create-token", "--lead-provider-id", str(uuid.uuid4()), "--name", "n")
    token = token.strip()
    [row] = rows(svc, "select id from lead_provider_tokens")
    assert svc.client.get(PARTICIPANTS, headers=bearer(token)).status_code == 200

    code, out, _ = run_cli(svc, capsys, "revoke-token", "--id", str(row["id"]))
    assert code == 0 and "revoked" in out
    response = svc.client.get(PARTICIPANTS, headers=bearer(token))
    assert response.status_code == 401 and response.json == ACCESS_DENIED

    code, out, _ = run_cli(svc, capsys, "revoke-token", "--id", str(row["id"]))
    assert code == 0 and "already revoked" in out
    assert [a["action"] for a in rows(svc, "select action from token_audit order by id")] == ["created", "revoked"]


def test_revoking_an_unknown_token_fails_clearly(svc, capsys):
    code, _, err = run_cli(svc, capsys, "revoke-token", "--id", str(uuid.uuid4()))
    assert code == 1 and "No token" in err


def test_missing_unknown_and_malformed_tokens_get_v3s_401(svc, issue_token):
    issue_token(str(uuid.uuid4()))
    for headers in ({}, bearer("not-a-real-token"), {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        for path in (PARTICIPANTS, f"{PARTICIPANTS}/{uuid.uuid4()}"):
            response = svc.client.get(path, headers=headers)
            assert response.status_code == 401, (headers, path)
            assert response.json == ACCESS_DENIED


def test_a_platform_jwt_is_not_a_lead_provider_token(svc, token_issuer):
    staff = token_issuer.issue(staff_role="admin")
    response = svc.client.get(PARTICIPANTS, headers=bearer(staff))
    assert response.status_code == 401 and response.json == ACCESS_DENIED


def test_last_used_at_is_written_at_most_once_a_minute(svc, issue_token):
    token_id, token = issue_token(str(uuid.uuid4()))
    assert rows(svc, "select last_used_at from lead_provider_tokens")[0]["last_used_at"] is None
    svc.client.get(PARTICIPANTS, headers=bearer(token))
    first = rows(svc, "select last_used_at from lead_provider_tokens")[0]["last_used_at"]
    assert first is not None
    svc.client.get(PARTICIPANTS, headers=bearer(token))
    assert rows(svc, "select last_used_at from lead_provider_tokens")[0]["last_used_at"] == first


def test_the_last_used_throttle_lets_one_write_through_per_interval():
    now = [1000.0]
    throttle = LastUsedThrottle(interval=60, clock=lambda: now[0])
    assert throttle.due("a") and not throttle.due("a") and throttle.due("b")
    now[0] += 59
    assert not throttle.due("a")
    now[0] += 1
    assert throttle.due("a")


def test_the_last_used_throttle_stays_bounded_whatever_tokens_are_presented():
    now = [1000.0]
    throttle = LastUsedThrottle(interval=60, clock=lambda: now[0], max_entries=100)
    assert throttle.due("valid")
    for i in range(1000):
        throttle.due(f"garbage {i}")
    assert len(throttle._written) <= 100


def test_every_lead_provider_route_refuses_a_missing_token(svc):
    """Read from the app's own routes, so a new endpoint (beyond v3 too) cannot be left open by mistake."""
    public = {"/api/v3/openapi.json", "/api/v3/docs"}
    checked = []
    for rule in svc.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v3/") or rule.rule in public:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<string:{argument}>", str(uuid.uuid4())).replace(f"<{argument}>", str(uuid.uuid4()))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = svc.client.open(path, method=method, json={})
            assert response.status_code == 401 and response.json == ACCESS_DENIED, (method, rule.rule)
            checked.append((method, rule.rule))
    assert ("GET", "/api/v3/participants/ecf/expressions-of-interest") in checked and len(checked) >= 17
