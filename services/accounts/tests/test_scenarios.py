"""Demo scenarios: the command and the admin endpoint (off by default, staff admins only)."""
import json
import subprocess
import sys

import pytest

from conftest import bearer, sign_in


@pytest.fixture
def scenarios_app(service):
    from accounts.app import create_app

    app = create_app(service.settings.with_overrides(scenarios_enabled=True))
    app.testing = True
    return app.test_client()


def test_each_scenario_creates_fresh_organisations_and_personas(svc, demo, scenarios_app):
    sam = sign_in(svc.client, "sam@education.gov.uk")
    listed = scenarios_app.get("/scenarios", headers=bearer(sam)).json
    assert {s["name"] for s in listed} == {"provider-user-with-5-organisations", "school-with-3-users",
                                           "appropriate-body-user", "staff-admin"}

    provider = scenarios_app.post("/scenarios", json={"name": "provider user with access to 5 organisations"},
                                  headers=bearer(sam))
    assert provider.status_code == 201, provider.json
    assert len(provider.json["organisations"]) == 5
    pat, = provider.json["personas"]
    tokens = sign_in(svc.client, pat["email"])
    assert len(svc.client.get("/me", headers=bearer(tokens)).json["memberships"]) == 5

    school = scenarios_app.post("/scenarios", json={"name": "school-with-3-users"}, headers=bearer(sam)).json
    roles = sorted(m["role"] for p in school["personas"] for m in p["memberships"])
    assert roles == ["approver", "end_user", "end_user"] and school["organisations"][0]["urn"]
    again = scenarios_app.post("/scenarios", json={"name": "school-with-3-users"}, headers=bearer(sam)).json
    assert again["organisations"][0]["id"] != school["organisations"][0]["id"]  # a fresh copy each time

    ab = scenarios_app.post("/scenarios", json={"name": "appropriate body user"}, headers=bearer(sam)).json
    assert ab["organisations"][0]["type"] == "appropriate_body"
    staff = scenarios_app.post("/scenarios", json={"name": "staff admin"}, headers=bearer(sam)).json
    stella = sign_in(svc.client, staff["personas"][0]["email"])
    assert svc.client.get("/me", headers=bearer(stella)).json["staff_role"] == "admin"

    created = svc.outbox_events("accounts.membership.added")
    assert len(created) == 5 + 3 + 3 + 1 and created[0]["actor"]["type"] == "staff"
    unknown = scenarios_app.post("/scenarios", json={"name": "nope"}, headers=bearer(sam))
    assert unknown.status_code == 404 and unknown.json["code"] == "scenario_not_found"


def test_the_endpoint_is_off_by_default_and_for_staff_admins_only(svc, demo, scenarios_app):
    sam = sign_in(svc.client, "sam@education.gov.uk")
    off = svc.client.post("/scenarios", json={"name": "staff-admin"}, headers=bearer(sam))
    assert off.status_code == 404 and off.json["code"] == "scenarios_disabled"
    alice = sign_in(svc.client, "alice@oakfield.example")
    refused = scenarios_app.post("/scenarios", json={"name": "staff-admin"}, headers=bearer(alice))
    assert refused.status_code == 403 and refused.json["code"] == "staff_admin_only"


def test_the_command(svc):
    env = {"DATABASE_URL": svc.settings.database_url, "DB_SCHEMA": svc.settings.db_schema, "LOG_FORMAT": "console",
           "PATH": "/usr/bin:/bin", "ENVIRONMENT": "test"}
    out = subprocess.run([sys.executable, "-m", "accounts", "scenario", "appropriate", "body", "user"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["scenario"] == "appropriate-body-user" and result["personas"][0]["memberships"][0]["role"] == "approver"
    listing = subprocess.run([sys.executable, "-m", "accounts", "scenario", "--list"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert "school-with-3-users" in listing.stdout
