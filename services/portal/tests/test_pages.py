"""The portal's own behaviour, with the services replaced by a recording fake gateway: headers, CSRF, refusals as
pages, and the guards in front of pages. (The browser suite drives the real system.)"""
import re

import pytest

from portal.adapters.gateway import Answer, ServiceError, ServiceUnavailable
from portal.app import create_app

ME = {"user_id": "11111111-1111-1111-1111-111111111111", "email": "alice@oakfield.example", "name": "Alice", "mode": "hat",
      "acting_organisation_id": "s1", "staff_role": None}
ORGS = [{"organisation_id": "s1", "name": "Oakfield", "type": "school", "role": "approver", "urn": "100001"}]
TOKENS = {"access_token": "a", "refresh_token": "r", "expires_in": 300}


class FakeGateway:
    def __init__(self):
        self.calls = []
        self.answers = {("POST", "/accounts/sign-in/persona"): TOKENS, ("GET", "/accounts/me"): ME,
                        ("GET", "/accounts/me/organisations"): ORGS,
                        ("GET", "/accounts/sign-in/personas"): [{"email": "alice@oakfield.example", "name": "Alice",
                                                                 "note": "approver", "organisations": []}]}

    def call(self, method, path, **kwargs):
        self.calls.append((method, path))
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            raise ServiceError(404, "not_found", "No such thing.")
        return Answer(200, answer, {})


@pytest.fixture
def app(settings, db):
    gateway = FakeGateway()
    app = create_app(settings.with_overrides(persona_signin_enabled=True), gateway=gateway)
    app.gateway = gateway
    return app


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def signed_in(app):
    client = app.test_client()
    response = client.post("/personas", data={"email": "alice@oakfield.example", "csrf_token": csrf(client, "/personas")})
    assert response.status_code == 302, response.text
    return client


def h1s(html):
    return re.findall(r"<h1[ >]", html)


def test_every_page_carries_the_security_headers(app):
    response = app.test_client().get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.text and len(h1s(response.text)) == 1


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_sent(app):
    client = app.test_client()
    response = client.post("/personas", data={"email": "alice@oakfield.example"})
    assert response.status_code == 400 and "Your form was not sent" in response.text
    assert ("POST", "/accounts/sign-in/persona") not in app.gateway.calls


def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(app):
    response = app.test_client().get("/school/ects?q=ada")
    assert response.status_code == 302 and response.headers["Location"] == "/?next=/school/ects?q%3Dada"


def test_sign_in_starts_at_accounts_with_a_state_and_pkce(app):
    response = app.test_client().get("/sign-in")
    location = response.headers["Location"]
    assert location.startswith("http://127.0.0.1:8080/accounts/sign-in?client_id=portal&redirect_uri=")
    assert "code_challenge_method=S256" in location and "state=" in location


def test_a_callback_with_an_unknown_state_changes_nothing(app):
    response = app.test_client().get("/sign-in/callback?code=x&state=forged")
    assert response.status_code == 400 and "not started in this browser" in response.text
    assert ("POST", "/accounts/sign-in/token") not in app.gateway.calls


def test_the_personas_page_does_not_exist_when_persona_sign_in_is_off(settings, db):
    app = create_app(settings, gateway=FakeGateway())
    assert app.test_client().get("/personas").status_code == 404


@pytest.mark.parametrize("refusal, status, text", [
    (ServiceError(403, "forbidden", "Not yours."), 403, "You cannot do this"),
    (ServiceError(404, "not_found", "No such."), 404, "Page not found"),
    (ServiceUnavailable("down"), 503, "Sorry, the service is unavailable"),
])
def test_a_refusal_from_a_service_is_a_page_not_a_500(app, refusal, status, text):
    client = signed_in(app)
    app.gateway.answers[("GET", "/registrations/mentors/00000000-0000-0000-0000-000000000001")] = refusal
    response = client.get("/school/mentors/00000000-0000-0000-0000-000000000001")
    assert response.status_code == status and text in response.text and len(h1s(response.text)) == 1


def test_a_service_asking_for_an_organisation_sends_the_user_to_the_chooser(app):
    client = signed_in(app)
    app.gateway.answers[("GET", "/registrations/mentors/00000000-0000-0000-0000-000000000001")] = ServiceError(
        409, "choose_organisation", "Choose.")
    assert client.get("/school/mentors/00000000-0000-0000-0000-000000000001").headers["Location"] == "/organisations/choose"


def test_an_unknown_page_is_a_page(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.text


def test_a_token_in_an_invitation_link_is_never_logged(app, capsys):
    app.test_client().get("/invitations/secret-token-value")
    assert "secret-token-value" not in capsys.readouterr().err


def test_signing_out_ends_the_session_here_and_in_accounts(app, db):
    client = signed_in(app)
    response = client.post("/sign-out", data={"csrf_token": csrf(client, "/settings")})
    assert response.headers["Location"] == "/signed-out"
    assert ("POST", "/accounts/sign-out") in app.gateway.calls
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from sessions where user_id is not null").scalar() == 0
    assert client.get("/school/ects").headers["Location"].startswith("/?next=")


def test_an_expired_access_token_is_refreshed_without_the_user_noticing(app, db):
    client = signed_in(app)
    app.gateway.answers[("POST", "/accounts/tokens/refresh")] = {"access_token": "a2", "refresh_token": "r2",
                                                                 "expires_in": 300}
    app.gateway.answers[("GET", "/registrations/mentors/00000000-0000-0000-0000-000000000002")] = {
        "id": "00000000-0000-0000-0000-000000000002", "first_name": "Max", "last_name": "Mentor", "trn": "1234567",
        "email": "max@oakfield.example", "started_on": "2026-09-01", "status": "current", "school_name": "Oakfield",
        "mentees": [], "registered_by": {}}
    with db.engine.begin() as conn:
        conn.exec_driver_sql("update sessions set access_expires_at = now() - interval '1 minute'")
    response = client.get("/school/mentors/00000000-0000-0000-0000-000000000002")
    assert response.status_code == 200 and "Max Mentor" in response.text
    assert app.gateway.calls.count(("POST", "/accounts/tokens/refresh")) == 1
    assert client.get("/school/mentors/00000000-0000-0000-0000-000000000002").status_code == 200
    assert app.gateway.calls.count(("POST", "/accounts/tokens/refresh")) == 1  # the new token is used from then on


def test_a_session_accounts_has_ended_signs_the_user_out(app, db):
    client = signed_in(app)
    app.gateway.answers[("POST", "/accounts/tokens/refresh")] = ServiceError(401, "session_ended", "Sign in again.")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("update sessions set access_expires_at = now() - interval '1 minute'")
    response = client.get("/school/mentors/00000000-0000-0000-0000-000000000002")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You have been signed out" in client.get("/").text


@pytest.mark.parametrize("page", ["²", "1" * 5000, "9223372036854775808", "-1", "\x00"])
def test_a_hostile_page_number_is_read_as_some_page_not_a_500(app, page):
    client = signed_in(app)
    response = client.get("/school/ects", query_string={"page": page})
    assert response.status_code < 500, response.text[:300]
